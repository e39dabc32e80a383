"""
Fitting a steady profile
========================

The reverse question: which model and which parameters explain a measured steady
density? :func:`fpsolver.fit.fit_profile` fits any numeric parameters of a model to a
profile, with the exact steady state as the prediction and the normalisation fitted,
and reports intervals, chi^2/dof and AIC/BIC for comparing models.
"""

# %%
# The data: particle counts in bins
# ---------------------------------
# ``cases/fit-synthetic/profile_counts.csv`` are counts of particles of a gCLm-I
# ensemble (kappa = 0.8, alpha_tilde = 0.3) in a harmonic trap with an exponential
# temperature profile; a Poisson likelihood suits counts.
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fpsolver
from fpsolver import fit, potentials, profiles

case = Path(fpsolver.__file__).resolve().parents[1] / "cases" / "fit-synthetic"
x, count = np.loadtxt(case / "profile_counts.csv", delimiter=",", skiprows=1, unpack=True)
data = fit.profile_data(x, count, likelihood="poisson", domain=(-2.0, 2.0))

# %%
# Two candidate models
# --------------------
# A model is rebuilt from a dict of parameter values by a function you give; every
# key of the starting dict is free.
T, trap = profiles.exponential(T0=1.0, length=2.0), potentials.harmonic(stiffness=2.0)


def gclm1(p):
    return fpsolver.GCLM1(T, potential=trap, kappa=p["kappa"], alpha_tilde=p["alpha_tilde"])


def ito(p):
    return fpsolver.Ito(T, potential=trap, alpha=p["alpha"])


fits = {
    "gclm1": fit.fit_profile(gclm1, {"kappa": 0.5, "alpha_tilde": 0.0}, data, domain=(-2.0, 2.0)),
    "ito": fit.fit_profile(ito, {"alpha": 0.5}, data, domain=(-2.0, 2.0)),
}
for name, result in fits.items():
    estimates = result.parameters
    low, high = estimates.interval(0.95)
    for index, parameter in enumerate(estimates.names):
        print(f"{name}: {parameter} = {estimates.values[index]:.3f} +- {estimates.errors[index]:.3f} (95%: {low[index]:.3f} .. {high[index]:.3f})")
    print(f"{name}: chi^2/dof = {result.chi2_per_dof:.2f}")

# %%
# Model comparison: the table is ordered by AIC, best first.
for row in fit.compare_fits(fits):
    print({key: round(float(value), 2) if isinstance(value, (float, np.floating)) else value for key, value in row.items()})

# %%
# The data and the two fits.
figure, axes = plt.subplots(figsize=(6, 3.5), layout="constrained")
axes.plot(x, count, ".", color="0.4", label="counts")
for name, result in fits.items():
    axes.plot(x, result.prediction, label=f"{name} fit")
axes.set(xlabel="x", ylabel="count per bin", title="steady profile and fits")
axes.legend()
plt.show()

# %%
# On the command line: ``fpsolver fit cases/fit-synthetic --data
# cases/fit-synthetic/profile_counts.csv --free models.gclm1.kappa --free
# models.gclm1.alpha_tilde`` writes the same fit with figures and a report.
