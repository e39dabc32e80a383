"""
Tabulated temperature data
==========================

81 noisy temperature samples from ``profile.csv``, fitted by a smoothing spline whose
derivatives feed the models.

The case is ``cases/tabulated``; ``fpsolver run cases/tabulated`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("tabulated")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
