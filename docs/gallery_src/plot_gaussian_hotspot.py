"""
Gaussian hot spot: curvature in gCLm-I
======================================

A Gaussian hot spot drives the particle away; its curvature T'' enters gCLm-I through
the friction eta_eff = eta (1 - alpha_tilde T'').

The case is ``cases/gaussian-hotspot``; ``fpsolver run cases/gaussian-hotspot`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("gaussian-hotspot")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
