"""Time the fits of issue 13: a 200-point steady profile with two free parameters
(target < 2 s) and a maximum-likelihood fit of 1e6 trajectory points (target < 10 s).

    python validation/benchmarks/bench_fit.py

The data are exact (profile: gCLm-I steady state with 1% Gaussian noise; trajectories:
exact Ornstein-Uhlenbeck transitions, independent of fpsolver's SDE code). Times are
wall-clock seconds of the fit calls only (imports and data generation excluded).
"""

from __future__ import annotations

import time

import numpy as np

import fpsolver
from fpsolver import exact, potentials, profiles
from fpsolver.analysis import fit, infer

DOMAIN = (-2.0, 2.0)


def profile_fit() -> float:
    profile, trap = profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.0, width=1.0), potentials.harmonic(stiffness=3.0)

    def model(values):
        return fpsolver.GCLM1(profile, potential=trap, kappa=values["kappa"], alpha_tilde=values["alpha_tilde"])

    x = np.linspace(-1.95, 1.95, 200)
    clean = exact.steady_state_at(model({"kappa": 0.8, "alpha_tilde": 0.5}), x, DOMAIN)
    errors = 0.01 * clean + 1e-3
    data = fit.profile_data(x, clean + errors * np.random.default_rng(1).standard_normal(x.size), errors=errors, domain=DOMAIN)
    start = time.perf_counter()
    result = fit.fit_profile(model, {"kappa": 0.5, "alpha_tilde": 0.0}, data, domain=DOMAIN)
    seconds = time.perf_counter() - start
    print(
        f"profile fit, 200 points, 2 free parameters: {seconds:.3f} s (target < 2 s); kappa = {result.parameters['kappa'][0]:.4f} ± {result.parameters['kappa'][1]:.4f}, "
        f"alpha_tilde = {result.parameters['alpha_tilde'][0]:.4f} ± {result.parameters['alpha_tilde'][1]:.4f}, chi2/dof = {result.chi2_per_dof:.3f}, {result.evaluations} evaluations"
    )
    return seconds


def trajectory_fit(n: int = 1_000_000, dt: float = 0.01) -> float:
    rng = np.random.default_rng(2)
    x = np.empty(n)
    x[0] = 0.0
    decay, spread = np.exp(-dt), np.sqrt(1 - np.exp(-2 * dt))
    noise = spread * rng.standard_normal(n)
    for i in range(1, n):  # exact OU transitions (k = D = 1)
        x[i] = x[i - 1] * decay + noise[i]
    data = infer.trajectories(x, dt=dt)

    def model(values):
        return fpsolver.Ito(profiles.linear(T0=1.0, gradient=0.0), potential=potentials.harmonic(stiffness=values["stiffness"]), eta=values["eta"])

    start = time.perf_counter()
    result = infer.fit_trajectories(model, {"stiffness": 0.5, "eta": 2.0}, data, domain=(-10.0, 10.0))
    seconds = time.perf_counter() - start
    print(
        f"trajectory fit, {n:.0e} points, 2 free parameters: {seconds:.3f} s (target < 10 s); stiffness = {result.parameters['stiffness'][0]:.4f} ± {result.parameters['stiffness'][1]:.4f}, "
        f"eta = {result.parameters['eta'][0]:.4f} ± {result.parameters['eta'][1]:.4f}, {result.evaluations} likelihood evaluations"
    )
    return seconds


if __name__ == "__main__":
    profile_fit()
    trajectory_fit()
