"""
Linear profile: the Soret law and gCLm Eq. 31
=============================================

A linear temperature profile T(x) = T0 + T0' x on [-L/2, L/2]: the Ito model's Soret
law P ∝ 1/T (gCLm Eq. 8) and gCLm-I's exponential steady state (Eq. 31).

The case is ``cases/linear``; ``fpsolver run cases/linear`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("linear")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
