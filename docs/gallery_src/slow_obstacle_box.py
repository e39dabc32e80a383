"""
Box with a circular obstacle (Gmsh)
===================================

A particle in a box with a circular obstacle, heated to the right of it, on a Gmsh
triangle mesh. The free Ito model has the exact zero-flux state P ∝ 1/T; in gCLm-I the
friction follows the Laplacian of T. Shown, not executed, in the quick documentation
build.

The case is ``cases/obstacle-box``; ``fpsolver run cases/obstacle-box`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("obstacle-box")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
