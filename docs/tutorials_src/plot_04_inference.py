"""
Inferring drift, diffusion and the noise convention from trajectories
=====================================================================

Trajectories tell more than a steady profile: their increments give the drift and
D(x) directly (Kramers-Moyal), and a maximum-likelihood fit of a model to them says
which noise convention produced them (see :doc:`../physics/inference`).
"""

# %%
# The data
# --------
# ``cases/fit-synthetic/trajectories.npz`` holds trajectories of the same gCLm-I
# particles in a harmonic trap and an exponential temperature profile, sampled every
# dt = 0.01.
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fpsolver
from fpsolver import infer, potentials, profiles

case = Path(fpsolver.__file__).resolve().parents[1] / "cases" / "fit-synthetic"
paths = infer.trajectories(np.load(case / "trajectories.npz")["x"], dt=0.01)

# %%
# Binned drift and diffusion
# --------------------------
# The conditional moments of the increments, bin by bin, with standard errors,
# against the model that produced the data.
T, trap = profiles.exponential(T0=1.0, length=2.0), potentials.harmonic(stiffness=2.0)
truth = fpsolver.GCLM1(T, potential=trap, kappa=0.8, alpha_tilde=0.3)
estimate = infer.kramers_moyal(paths, bins=20)
x = estimate.centres
exact = truth.coefficients(x, (-2.0, 2.0))

figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
left.errorbar(x, estimate.drift, estimate.drift_error, fmt=".", label="binned estimate")
left.plot(x, -exact.A, label="-A(x) of the model")
left.set(xlabel="x", title="drift E[dx | x]/dt")
left.legend()
right.errorbar(x, estimate.diffusion, estimate.diffusion_error, fmt=".")
right.plot(x, exact.D)
right.set(xlabel="x", title="D(x)")
plt.show()


# %%
# Maximum likelihood
# ------------------
# Fitting the Ito model's convention alpha to the trajectories (Kessler's
# second-order transition density by default).
def ito(p):
    return fpsolver.Ito(T, potential=trap, alpha=p["alpha"])


result = infer.fit_trajectories(ito, {"alpha": 0.5}, paths, domain=(-2.0, 2.0))
value, error = result.parameters["alpha"]
print(f"alpha = {value:.3f} +- {error:.3f}")

# %%
# On the command line: ``fpsolver infer cases/fit-synthetic --trajectories
# cases/fit-synthetic/trajectories.npz --free models.ito.alpha``.
