"""
Quantum thermophoresis: three-level systems, the chain and the quantum dot
==========================================================================

The quantum systems are solved from Markovian master equations (see
:doc:`../physics/quantum`); they need neither FiPy nor numba.
"""

# %%
# Lambda and V systems
# --------------------
# Two baths at temperatures T_1 and T_2 couple the lower levels of a Lambda system
# (or the upper levels of a V system) to the shared level. The steady population
# imbalance from the master equation agrees with the closed form (QT Eq. 8), and the V
# system migrates the other way (QT Eq. 14).
import matplotlib.pyplot as plt
import numpy as np

from fpsolver import qme
from fpsolver.qme import analytic

T_1, T_2 = 2.0, 1.0
lam = qme.lambda_system(T_1=T_1, T_2=T_2)
vee = qme.v_system(T_1=T_1, T_2=T_2)
n_1, n_2 = analytic.bose_occupation(1.0, T_1), analytic.bose_occupation(1.0, T_2)
print(f"Lambda: P2 - P1 = {lam.population_imbalance:+.6f} (Eq. 8: {analytic.lambda_population_imbalance(n_1=n_1, n_2=n_2):+.6f})")
print(f"V:      P2 - P1 = {vee.population_imbalance:+.6f} (rate equations: {analytic.v_population_imbalance(n_1=n_1, n_2=n_2):+.6f})")

# %%
# The N-site chain (QT Fig. 2(d))
# -------------------------------
# Ten sites between k_B T_L = 0.8h and k_B T_R = 0.4h. Weak tunnelling leaves the
# particle on the cold side; at g = 1.3h the population peaks at site 3, near the hot
# end.
sites = np.arange(1, 11)
figure, axes = plt.subplots(figsize=(6, 3.5), layout="constrained")
for g in (0.1, 0.5, 0.9, 1.3):
    axes.plot(sites, qme.chain_site_populations(10, 1.0, g, 0.8, 0.4), "o-", label=f"g = {g}h")
axes.set(xlabel="site (hot -> cold)", ylabel="population", title="N-site chain, global master equation")
axes.legend()
plt.show()

# %%
# The quantum dot
# ---------------
# A single level between two leads: particle current, heat currents and the entropy
# production (QD Eqs. 6-9), and the regime the parameters fall in.
eps = np.linspace(-2.0, 2.0, 201)
current = analytic.dot_particle_current(eps=eps, T_L=1.25, T_R=0.75, mu_L=0.0, mu_R=0.0)
figure, axes = plt.subplots(figsize=(6, 3.2), layout="constrained")
axes.plot(eps, current)
axes.axhline(0.0, color="0.6", lw=0.8)
axes.set(xlabel="level eps", ylabel="J_L", title="dV = 0: J_L < 0 for eps < 0 (anomalous thermodiffusion)")
plt.show()
dot = qme.quantum_dot(-0.5, 1.25, 0.75, 0.25, -0.25)
print(dot.J_L, dot.Q_L, dot.Q_R, dot.entropy_production, dot.regime)
