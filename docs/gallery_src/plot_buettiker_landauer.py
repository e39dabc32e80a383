"""
Büttiker-Landauer motor on a ring
=================================

A periodic potential and a periodic temperature a quarter period out of phase, on a
ring with no tilt: in the Ito model the steady state carries a current driven by the
temperature modulation alone (see :ref:`periodic-domains`).

The case is ``cases/buettiker-landauer``; ``fpsolver run cases/buettiker-landauer`` runs it on the command line.
"""

# %%
# Run the case (a copy in a temporary directory) and print its checks.
from shipped_case import run_shipped_case, show_figures

run = run_shipped_case("buettiker-landauer")

# %%
# The figures it wrote into ``results/figures/``.
show_figures(run)
