"""
N-site quantum chain, QT Fig. 2(d)
==================================

Ten sites between k_B T_L = 0.8h and k_B T_R = 0.4h, hopping g from 0.1h to 1.3h. At
g = 1.3h the population peaks at site 3: negative thermophoresis (see :ref:`n-site-chain`).

The case is ``cases/chain-fig2``; ``fpsolver run cases/chain-fig2`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("chain-fig2")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
