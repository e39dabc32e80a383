"""
Cube with an off-centre hot spot (3D)
=====================================

A cube heated off-centre on a 3D grid, with exact zero-flux references for the free
Ito model and gCLm-I with alpha_tilde = 0. Shown, not executed, in the quick
documentation build.

The case is ``cases/hot-cube``; ``fpsolver run cases/hot-cube`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("hot-cube")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
