"""
A steep tanh temperature step
=============================

A steep tanh step between a hot left and a cold right half, resolved by a mesh refined
at the step; the steady state stays exact at the cell centres on the graded mesh.

The case is ``cases/tanh-step``; ``fpsolver run cases/tanh-step`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("tanh-step")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
