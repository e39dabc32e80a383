"""
Exponential profile: Ito, gCLm-I and gCLm-II
============================================

An exponential temperature profile T(x) = T0 exp(-x/length), the case of gCLm Eq. 60.
The Ito model and gCLm-II with the paper's approximations (local temperature, constant
friction) give P ∝ 1/T = exp(x/length); gCLm-I and the full gCLm-II differ (see
:doc:`../physics/models`).

The case is ``cases/exponential``; ``fpsolver run cases/exponential`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("exponential")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
