"""
Extension guide: adding a model or a quantum system
===================================================

A position-space model is a map from (temperature, potential, parameters) to the
terms of an inertial Langevin equation; fpsolver derives the Fokker-Planck
coefficients, the exact steady state, the PDE solve and the Langevin ensembles from
it. A quantum system is a Hamiltonian and a list of baths.
"""

# %%
# A new model: temperature-dependent viscosity
# --------------------------------------------
# Subclass :class:`fpsolver.models.Model` and implement two methods:
# ``langevin_terms`` (friction gamma(x) and its derivative, noise intensity
# Gamma(x) with <F_L F_L> = 2 Gamma delta and its derivative, and the force) and
# ``parameters``. Here the friction of a liquid that thins as it warms,
# gamma = eta (T/T_ref)^(-nu), with local thermal noise Gamma = gamma k_B T.
import matplotlib.pyplot as plt
import numpy as np

import fpsolver
from fpsolver import exact, meshes, profiles
from fpsolver.models import LangevinTerms, Model


class ViscousModel(Model):
    """Brownian particle in a liquid whose viscosity falls with temperature.

    gamma(x) = eta (T(x)/T_ref)^(-nu) (mass/time), Gamma(x) = gamma k_B T.
    """

    name = "viscous"
    max_dimension = 1

    def __init__(self, profile, *, eta=1.0, nu=1.0, T_ref=1.0, kB=1.0, potential=None, overdamped="ito"):
        super().__init__(profile, potential=potential, overdamped=overdamped)
        self.eta, self.nu, self.T_ref, self.kB = eta, nu, T_ref, kB

    def langevin_terms(self, x, domain):
        T, dT = self.profile.T(x), self.profile.dT(x)
        friction = self.eta * (T / self.T_ref) ** (-self.nu)
        dfriction = -self.nu * friction * dT / T
        return LangevinTerms(
            friction=friction,
            dfriction=dfriction,
            noise=friction * self.kB * T,
            dnoise=self.kB * (dfriction * T + friction * dT),
            force=-self.potential.gradient(x),
        )

    def parameters(self):
        return {"eta": self.eta, "nu": self.nu, "T_ref": self.T_ref, "kB": self.kB}


# %%
# Everything else comes for free: the PDE steady state (exact at the cell centres),
# and both readings of the overdamped limit. In the paper-style Ito reading
# D = k_B T/gamma, so the free steady state is P ∝ 1/D ∝ T^(-1-nu); the small-mass
# (Kramers) limit of the inertial equation gives P ∝ 1/T whatever the viscosity
# (see :doc:`../physics/small_mass`).
profile = profiles.linear(T0=1.0, gradient=0.4)
mesh = meshes.uniform(-1.0, 1.0, 100)
figure, axes = plt.subplots(figsize=(6, 3.5), layout="constrained")
for reading, power in (("ito", -2.0), ("kramers", -1.0)):
    model = ViscousModel(profile, nu=1.0, overdamped=reading)
    steady = fpsolver.solve_steady(model, mesh)
    law = profile.T(steady.x) ** power
    law /= np.sum(law * steady.volumes)
    print(f"{reading:>7}: L1(PDE, exact) = {np.sum(np.abs(steady.P - exact.steady_state(model, mesh)) * steady.volumes):.1e}, max |P - T^{power:g}| = {np.max(np.abs(steady.P - law)):.1e}")
    axes.plot(steady.x, steady.P, label=f"{reading}: P ∝ T^{power:g}")
axes.set(xlabel="x", ylabel="P(x)", title="a user model, two readings of its overdamped limit")
axes.legend()
plt.show()

# %%
# To ship the model with fpsolver, put the class in its own module in
# ``fpsolver/models/`` and add it to the registry ``fpsolver.models.MODELS``; tests
# compare its steady state with a closed form, as above.
#
# A new quantum system: a Hamiltonian and baths
# ---------------------------------------------
# :func:`fpsolver.qme.build_master_equation` takes any Hermitian H_S and a list of
# :class:`fpsolver.qme.Bath` objects (the coupling operator S_k, the temperature, the
# spectral density). Built by hand, a two-site chain reproduces the shipped chain.
from fpsolver import qme

h, g, T_L, T_R = 1.0, 0.3, 0.8, 0.4
g_1, g_2, e_1, e_2 = np.eye(4)  # basis |g_1>, |g_2>, |e_1>, |e_2>
hamiltonian = h * (np.outer(e_1, e_1) + np.outer(e_2, e_2)) + g * (np.outer(e_1, e_2) + np.outer(e_2, e_1))
baths = [
    qme.Bath(coupling=np.outer(e_1, g_1) + np.outer(g_1, e_1), temperature=T_L),
    qme.Bath(coupling=np.outer(e_2, g_2) + np.outer(g_2, e_2), temperature=T_R),
]
state = qme.steady_state(qme.build_master_equation(hamiltonian, baths))
rho = state.density_matrix
by_hand = np.array([rho[0, 0] + rho[2, 2], rho[1, 1] + rho[3, 3]]).real
shipped = qme.chain_site_populations(2, h, g, T_L, T_R)
print("site populations by hand:", by_hand, " shipped chain:", shipped, " difference:", np.max(np.abs(by_hand - shipped)))
