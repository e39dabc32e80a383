"""
Heated disc on a cylindrical (r, z) grid
========================================

The heated disc on an axisymmetric (r, z) grid: x stands for r and y for z in
formulas, and densities are per radian. Shown, not executed, in the quick
documentation build.

The case is ``cases/heated-disc-cylindrical``; ``fpsolver run cases/heated-disc-cylindrical`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("heated-disc-cylindrical")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
