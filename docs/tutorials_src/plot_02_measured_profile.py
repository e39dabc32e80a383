"""
A temperature profile from measured data
========================================

Measured temperatures come as samples with noise. fpsolver fits them with a smoothing
spline (its penalty chosen by generalised cross-validation) and uses the spline's
derivatives, so models that need T' and T'' (gCLm-I's friction depends on T'') get
smooth curves instead of differentiated noise.
"""

# %%
# The data
# --------
# ``cases/tabulated/profile.csv`` holds 81 noisy samples ``x,T``.
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fpsolver
from fpsolver import exact, meshes, profiles

data_file = Path(fpsolver.__file__).resolve().parents[1] / "cases" / "tabulated" / "profile.csv"
x_data, T_data = np.loadtxt(data_file, delimiter=",", skiprows=1, unpack=True)
profile = profiles.tabulated(data_file)

x = np.linspace(-1.0, 1.0, 400)
figure, (left, middle, right) = plt.subplots(1, 3, figsize=(8, 3), layout="constrained")
left.plot(x_data, T_data, ".", color="0.5", label="samples")
left.plot(x, profile.T(x), label="spline")
left.set(xlabel="x", title="T(x)")
left.legend()
middle.plot(x, profile.dT(x))
middle.set(xlabel="x", title="T'(x)")
right.plot(x, profile.d2T(x))
right.set(xlabel="x", title="T''(x)")
plt.show()

# %%
# Steady states on this profile
# -----------------------------
# Any model takes the tabulated profile like a built-in one. The PDE steady state is
# exact at the cell centres (see :doc:`../physics/canonical`), which the L1 distance to
# the quadrature reference confirms.
mesh = meshes.uniform(-1.0, 1.0, 200)
models = {
    "ito": fpsolver.Ito(profile),
    "gclm1": fpsolver.GCLM1(profile, kappa=0.5, alpha_tilde=0.005),
    "gclm2": fpsolver.GCLM2(profile, sigma=0.25),
}
figure, axes = plt.subplots(figsize=(6, 3.5), layout="constrained")
for name, model in models.items():
    steady = fpsolver.solve_steady(model, mesh)
    error = np.sum(np.abs(steady.P - exact.steady_state(model, mesh)) * steady.volumes)
    print(f"{name:>6}: <x> = {steady.mean:+.4f}, L1 to exact = {error:.1e}")
    axes.plot(steady.x, steady.P, label=name)
axes.set(xlabel="x", ylabel="P(x)", title="steady densities on the measured profile")
axes.legend()
plt.show()

# %%
# The same in a case file: ``[temperature] profile = "tabulated"``, ``file = "profile.csv"``
# (columns ``x,T``; ``smoothing`` fixes the penalty instead of cross-validation).
