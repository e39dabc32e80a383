"""
Harmonic trap in a temperature gradient
=======================================

A harmonic trap in a linear temperature gradient: the particle shifts to the cold side
of the trap.

The case is ``cases/trap-in-gradient``; ``fpsolver run cases/trap-in-gradient`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("trap-in-gradient")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
