"""
Heated disc on a Gmsh mesh
==========================

A disc heated at its centre, on an unstructured Gmsh mesh; exact zero-flux references
for the free Ito model and gCLm-I. Shown, not executed, in the quick documentation
build.

The case is ``cases/heated-disc``; ``fpsolver run cases/heated-disc`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("heated-disc")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
