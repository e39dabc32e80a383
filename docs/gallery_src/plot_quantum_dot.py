"""
Quantum dot: currents versus the level energy
=============================================

A single level between two leads with T = 1, dT = 0.5, dV = 0.5: particle and heat
currents and the entropy production as the level eps is scanned (see
:ref:`quantum-dot`).

The case is ``cases/quantum-dot``; ``fpsolver run cases/quantum-dot`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("quantum-dot")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
