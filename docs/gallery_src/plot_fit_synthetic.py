"""
Synthetic data for fitting
==========================

The case behind ``fpsolver fit`` and ``fpsolver infer``: a trapped particle in an
exponential temperature profile; its data files were made by fpsolver's gCLm-I
ensembles (kappa = 0.8, alpha_tilde = 0.3). See the fitting and inference tutorials.

The case is ``cases/fit-synthetic``; ``fpsolver run cases/fit-synthetic`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("fit-synthetic")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
