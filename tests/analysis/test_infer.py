"""Trajectory inference (fpsolver.infer) against exact Ornstein-Uhlenbeck transitions.

The Ito model with a uniform temperature T = 1 in a harmonic trap V = k x^2/2 is the
Ornstein-Uhlenbeck process dx = -k x dt + sqrt(2) dW, whose transition density is
known exactly: x' = x e^{-k dt} + sqrt((1 - e^{-2 k dt})/k) xi. Samples made that way
are independent of fpsolver's own SDE code.
"""

from __future__ import annotations

import numpy as np
import pytest

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.analysis import infer

DOMAIN = (-8.0, 8.0)
FLAT = profiles.linear(T0=1.0, gradient=0.0)


def ou_model(values):
    return fpsolver.Ito(FLAT, potential=potentials.harmonic(stiffness=values["stiffness"]))


def ou_transitions(n, dt, seed, k=1.0):
    """n independent (start, end) pairs: starts from the stationary law, exact ends."""
    rng = np.random.default_rng(seed)
    starts = rng.standard_normal(n) / np.sqrt(k)
    ends = starts * np.exp(-k * dt) + np.sqrt((1 - np.exp(-2 * k * dt)) / k) * rng.standard_normal(n)
    return infer.trajectories(np.column_stack([starts, ends]), dt=dt)


def ou_path(n, dt, seed, k=1.0):
    rng = np.random.default_rng(seed)
    x = np.empty(n)
    x[0] = rng.standard_normal() / np.sqrt(k)
    decay, spread = np.exp(-k * dt), np.sqrt((1 - np.exp(-2 * k * dt)) / k)
    for i, noise in enumerate(rng.standard_normal(n - 1), start=1):
        x[i] = x[i - 1] * decay + spread * noise
    return x


def test_trajectory_formats_give_the_same_increments():
    a, b = np.array([0.0, 0.1, 0.3]), np.array([1.0, 0.9])
    separated = infer.trajectories(np.concatenate([a, [np.nan], b]), dt=0.5)
    padded = infer.trajectories(np.array([a, np.append(b, np.nan)]), dt=0.5)
    labelled = infer.trajectories(np.concatenate([a, b]), ids=[1, 1, 1, 2, 2], t=[0, 0.5, 1.0, 3.0, 3.5])
    for data in (separated, padded, labelled):
        assert data.starts.tolist() == [0.0, 0.1, 1.0] and data.ends.tolist() == [0.1, 0.3, 0.9]
        assert data.lengths == (3, 2) and data.dt == 0.5


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"x": [0.0, np.nan, 2.0, np.nan, 3.0], "dt": 1.0}, "no trajectory has two finite points"),
        ({"x": [0.0], "dt": 1.0}, "no trajectory has two finite points"),
        ({"x": [0.0, 1.0, 2.0, 3.0], "t": [0.0, 0.1, 0.1, 0.35]}, r"times must increase inside a trajectory, but t\[2\] = 0.1 follows t\[1\]"),
        ({"x": [0.0, 1.0, 2.0, 3.0], "t": [0.0, 0.1, 0.2, 0.3], "dt": 0.2}, "dt = 0.2 differs from the median time step 0.1"),
        ({"x": [0.0, 1.0, 2.0], "t": [0.0, np.nan, 0.2], "dt": 0.1}, r"t\[1\] is not finite"),
        ({"x": [0.5, 0.5, 0.5], "dt": 1.0}, "every increment is zero"),
        ({"x": [0.0, 1.0, 2.0, 3.0], "ids": ["a", "b", "a", "a"], "dt": 1.0}, "trajectory id a must be contiguous"),
        ({"x": [0.0, np.inf, 2.0], "dt": 1.0}, "position 1 is infinite"),
        ({"x": [0.0, 1.0, 2.0], "dt": -1.0}, "dt must be a finite number > 0"),
        ({"x": [0.0, 1.0, 2.0]}, "give the sampling interval"),
    ],
)
def test_bad_trajectories_are_one_line_errors(arguments, message):
    with pytest.raises(infer.DataError, match=message) as info:
        infer.trajectories(**arguments)
    assert "\n" not in str(info.value)


def test_missing_frames_and_irregular_times_span_their_elapsed_time():
    """A NaN frame inside a labelled or row trajectory joins its neighbours over 2 dt;
    times give each increment its own interval; one-point pieces carry no increment."""
    rows = infer.trajectories(np.array([[0.0, np.nan, 0.2, 0.3], [1.0, 2.0, np.nan, np.nan]]), dt=0.5)
    assert rows.starts.tolist() == [0.0, 0.2, 1.0] and rows.intervals.tolist() == [1.0, 0.5, 0.5] and rows.lengths == (3, 2)
    labelled = infer.trajectories([0.0, 0.1, np.nan, 0.2, 0.3], ids=["a"] * 5, dt=0.5)
    assert labelled.intervals.tolist() == [0.5, 1.0, 0.5] and not labelled.uniform
    timed = infer.trajectories([0.0, 0.1, 0.2], t=[0.0, 0.1, 0.3])
    assert np.allclose(timed.intervals, [0.1, 0.2]) and timed.dt == pytest.approx(0.15)
    separated = infer.trajectories([0.0, 0.1, np.nan, 0.2, np.nan, 0.3, 0.4], dt=0.5)
    assert separated.lengths == (2, 2) and separated.ends.tolist() == [0.1, 0.4]


def test_gaps_leave_the_estimates_unbiased():
    """An exact OU path observed with 30% of its frames dropped at random: the binned
    estimates (per-increment Δt) and the Kessler fit (per-transition Δt) still agree with
    the model, and the fit's interval covers the generating stiffness."""
    dt = 0.01
    x = ou_path(60_000, dt, seed=11)
    dropped = x.copy()
    dropped[np.random.default_rng(3).random(x.size) < 0.3] = np.nan
    data = infer.trajectories(dropped[None, :], dt=dt)
    assert not data.uniform and data.intervals.max() > 3 * dt
    fit = infer.fit_trajectories(ou_model, {"stiffness": 1.3}, data, domain=DOMAIN)
    value, error = fit.parameters["stiffness"]
    assert abs(value - 1.0) < 3 * error and error < 0.1
    estimates = infer.kramers_moyal(data, np.linspace(-1.5, 1.5, 7))
    drift, diffusion = infer.bin_averages(ou_model({"stiffness": 1.0}), data, estimates.edges, DOMAIN, finite_dt=True)
    assert infer.chi2_per_dof(estimates.diffusion, diffusion, estimates.diffusion_error) < 3.0
    assert infer.chi2_per_dof(estimates.drift, drift, estimates.drift_error) < 3.0


def test_binned_estimates_agree_with_the_model_within_their_errors():
    data = infer.trajectories(ou_path(200_000, 0.002, seed=4), dt=0.002)
    estimates = infer.kramers_moyal(data, np.linspace(-2.0, 2.0, 17))
    drift, diffusion = infer.bin_averages(ou_model({"stiffness": 1.0}), data, estimates.edges, DOMAIN)
    used = estimates.used
    assert used.sum() == 16
    assert infer.chi2_per_dof(estimates.drift[used], drift[used], estimates.drift_error[used]) < 2.0
    assert infer.chi2_per_dof(estimates.diffusion[used], diffusion[used], estimates.diffusion_error[used]) < 2.0


def test_predicted_finite_dt_bias_of_the_diffusion_estimate():
    """E[D] - D = dt/2 (a^2 + a D' + 2 D a' + D D'') = dt/2 (k^2 x^2 - 2 k) for OU: the
    measured bias matches it and halves with dt."""
    model = ou_model({"stiffness": 1.0})
    measured = []
    for dt in (0.2, 0.1):
        data = ou_transitions(400_000, dt, seed=9)
        estimates = infer.kramers_moyal(data, np.linspace(-1.5, 1.5, 7))
        _, diffusion = infer.bin_averages(model, data, estimates.edges, DOMAIN)
        _, predicted = infer.kramers_moyal_bias(model, estimates.mean_position, dt, DOMAIN)
        bias = estimates.diffusion - diffusion
        assert np.all(np.abs(bias - predicted) < 4 * estimates.diffusion_error + 0.25 * np.abs(predicted))
        measured.append(np.average(bias, weights=estimates.counts))
    assert 1.6 < measured[0] / measured[1] < 2.6  # first order in dt


def test_maximum_likelihood_recovers_the_stiffness_with_honest_errors():
    data = infer.trajectories(ou_path(50_000, 0.01, seed=2), dt=0.01)
    result = infer.fit_trajectories(ou_model, {"stiffness": 0.5}, data, domain=DOMAIN)
    value, error = result.parameters["stiffness"]
    # Fisher information of k for OU observed over a time T: T / (2 k) -> sigma = sqrt(2 k / T)
    assert error == pytest.approx(np.sqrt(2 * 1.0 / 500.0), rel=0.15)
    assert abs(value - 1.0) < 4 * error


def test_euler_bias_is_first_order_and_kessler_second_order():
    """k from exact OU transitions at coarse dt: Euler estimates about (1 - e^{-k dt})/dt
    = k - k^2 dt/2 + ... (bias halves with dt); Kessler's bias is O(dt^2) (quarters)."""
    biases = {}
    for dt in (0.4, 0.2, 0.1):
        data = ou_transitions(400_000, dt, seed=5)
        for transition in ("euler", "kessler"):
            result = infer.fit_trajectories(ou_model, {"stiffness": 1.0}, data, domain=DOMAIN, transition=transition)
            biases[transition, dt] = result.parameters["stiffness"][0] - 1.0
    assert biases["euler", 0.2] == pytest.approx(-0.2 / 2 + 0.2**2 / 6, abs=0.02)
    assert 1.6 < biases["euler", 0.2] / biases["euler", 0.1] < 2.6
    assert 2.8 < biases["kessler", 0.4] / biases["kessler", 0.2] < 6.0
    assert abs(biases["kessler", 0.2]) < abs(biases["euler", 0.2]) / 2


def test_likelihood_comparison_picks_the_ito_convention_of_the_data():
    """Trajectories of Ito(alpha = 1) from fpsolver's ensembles (tanh temperature step,
    trap far from the walls): alpha = 1 has the largest likelihood and the free fit
    finds it within its error."""
    profile = profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.0, width=1.0)
    trap = potentials.harmonic(stiffness=3.0)
    domain = (-3.0, 3.0)
    truth = fpsolver.Ito(profile, potential=trap, alpha=1.0)
    positions = infer.simulate_trajectories(truth, meshes.uniform(*domain, 40), 40, 300, 0.05, seed=3, burn_in=1.0)
    data = infer.trajectories(positions, dt=0.05)
    fits = {alpha: infer.fit_trajectories(lambda v, a=alpha: fpsolver.Ito(profile, potential=trap, alpha=a), {}, data, domain=domain) for alpha in (0.0, 0.5, 1.0)}
    assert max(fits, key=lambda alpha: fits[alpha].log_likelihood) == 1.0
    free = infer.fit_trajectories(lambda v: fpsolver.Ito(profile, potential=trap, alpha=v["alpha"]), {"alpha": 0.5}, data, domain=domain)
    value, error = free.parameters["alpha"]
    assert abs(value - 1.0) < 4 * error and error < 0.2


def test_first_order_bias_at_any_points_and_in_bin_averages():
    """OU (k = D = 1): drift bias dt/2 (a a' + D a'') = dt x/2, diffusion bias
    dt/2 (a^2 + a D' + 2 D a' + D D'') = dt/2 (x^2 - 2), at unsorted points and as bin
    averages over the starts."""
    model, dt = ou_model({"stiffness": 1.0}), 0.1
    x = np.array([0.7, -1.3, 0.0, 1.9, -0.2])
    drift_bias, diffusion_bias = infer.kramers_moyal_bias(model, x, dt, DOMAIN)
    np.testing.assert_allclose(drift_bias, dt * x / 2, atol=1e-6)
    np.testing.assert_allclose(diffusion_bias, dt / 2 * (x**2 - 2), atol=1e-6)
    data = ou_transitions(2000, dt, seed=1)
    edges = np.linspace(-2.0, 2.0, 5)
    drift, diffusion = infer.bin_averages(model, data, edges, DOMAIN)
    expected_drift, expected_diffusion = infer.bin_averages(model, data, edges, DOMAIN, finite_dt=True)
    index = np.digitize(data.starts, edges) - 1
    for b in range(4):
        starts = data.starts[index == b]
        assert expected_drift[b] - drift[b] == pytest.approx(np.mean(dt * starts / 2), abs=1e-6)
        assert expected_diffusion[b] - diffusion[b] == pytest.approx(np.mean(dt / 2 * (starts**2 - 2)), abs=1e-6)


def test_the_maximum_does_not_depend_on_the_start():
    """L-BFGS-B with the score of the differenced moments stops within 1e-3 standard errors of one maximum from either side."""
    data = infer.trajectories(ou_path(20_000, 0.02, seed=8), dt=0.02)
    low, high = (infer.fit_trajectories(ou_model, {"stiffness": start}, data, domain=DOMAIN) for start in (0.3, 3.0))
    (value_low, error), (value_high, _) = low.parameters["stiffness"], high.parameters["stiffness"]
    assert abs(value_low - value_high) < 1e-3 * error
    assert low.log_likelihood == pytest.approx(high.log_likelihood, abs=1e-6)


def brownian_model(values):
    return fpsolver.Ito(FLAT, kB=values["kB"], eta=values["eta"])


def test_kb_and_eta_from_free_diffusion_are_reported_as_their_ratio():
    """Free diffusion determines only D = kB T / eta: the fit reports the combination
    kB^1 eta^-1 with its value (the true D = 1 within its error) instead of two numbers."""
    rng = np.random.default_rng(8)
    x = np.cumsum(np.sqrt(2 * 0.01) * rng.standard_normal(20_000))
    result = infer.fit_trajectories(brownian_model, {"kB": 1.2, "eta": 1.0}, infer.trajectories(x / 400, dt=0.01 / 400**2), domain=(-10.0, 10.0))
    (combination,) = result.parameters.combinations
    powers = dict(zip(combination["parameters"], combination["powers"]))
    assert powers["kB"] == pytest.approx(-powers["eta"], rel=1e-3) and abs(powers["kB"]) == pytest.approx(1.0)
    ratio = combination["value"] if powers["kB"] > 0 else 1 / combination["value"]
    assert abs(np.log(ratio)) < 3 * combination["log_error"] and combination["log_error"] < 0.02
    assert np.all(np.isnan(result.parameters.errors))
    assert result.as_dict()["parameters"]["identifiable_combinations"][0]["combination"].count("^") == 2


def noisy_ou(rows, points, seed, noise=0.02, missing=0.05, dt=0.0025):
    rng = np.random.default_rng(seed)
    x = np.array([ou_path(points, dt, seed=seed * 100 + row) for row in range(rows)])
    observed = x + noise * rng.standard_normal(x.shape)
    observed[rng.random(x.shape) < missing] = np.nan
    return infer.trajectories(observed, dt=dt)


def ou_scaled(values):
    return fpsolver.Ito(FLAT, potential=potentials.harmonic(stiffness=values["stiffness"]), kB=values["kB"])


def test_localization_noise_is_detected_and_fitted():
    """Noise 0.02 and 5% missing frames on exact OU paths (k = 1, D = 1, dt = 0.0025):
    without the noise model the D scale kB is biased (2 sigma^2 / (2 D dt) = 16%) and the
    lag-1 diagnostic warns; with it kB, the stiffness and sigma^2 = 4e-4 are covered by
    their profile intervals, the noise interval inside [0, inf)."""
    data = noisy_ou(4, 5000, seed=2)
    plain = infer.fit_trajectories(ou_scaled, {"stiffness": 1.2, "kB": 0.8}, data, domain=DOMAIN, intervals="wald")
    assert plain.noise["detected"] and any("anti-correlated" in w for w in plain.warnings)
    assert plain.parameters.interval()[0][1] > 1.0  # kB's interval excludes the truth
    fitted = infer.fit_trajectories(ou_scaled, {"stiffness": 1.2, "kB": 0.8}, data, domain=DOMAIN, noise=True)
    assert fitted.parameters.names == ("stiffness", "kB", "noise_variance")
    low, high = fitted.parameters.interval()
    assert np.all((low <= [1.0, 1.0, 4e-4]) & ([1.0, 1.0, 4e-4] <= high)), (low, high)
    assert low[2] >= 0.0 and not any("anti-correlated" in w for w in fitted.warnings)


def test_noise_free_data_are_not_flagged():
    data = noisy_ou(4, 5000, seed=3, noise=0.0, missing=0.0)
    result = infer.fit_trajectories(ou_scaled, {"stiffness": 1.2, "kB": 0.8}, data, domain=DOMAIN, intervals="wald")
    assert not result.noise["detected"] and abs(result.noise["z"]) < 4


def test_noise_robust_diffusion_map_removes_the_noise_bias():
    """Free diffusion D = 1 observed with noise 0.02 at dt = 0.0025 (bias of D̂: σ²/dt =
    0.16): the plain estimate is biased in every bin, the covariance estimate is not."""
    rng = np.random.default_rng(12)
    dt = 0.0025
    x = np.cumsum(np.sqrt(2 * dt) * rng.standard_normal((4, 20_000)), axis=1)
    data = infer.trajectories(x + 0.02 * rng.standard_normal(x.shape), dt=dt)
    estimates = infer.kramers_moyal(data, 6, min_count=2000)
    used = estimates.used
    robust, error = estimates.diffusion_robust[used], estimates.diffusion_robust_error[used]
    assert used.sum() >= 4
    assert np.all(np.abs(estimates.diffusion[used] - 1.16) < 4 * estimates.diffusion_error[used])
    assert infer.chi2_per_dof(robust, np.ones_like(robust), error) < 2.5 and np.all(np.abs(robust - 1.0) < 0.1)


def test_positions_past_a_wall_by_noise_are_accepted_and_far_ones_refused():
    x = ou_path(2000, 0.01, seed=5)
    x[100] = DOMAIN[1] + 0.5  # 3% of the length past the wall: noise
    result = infer.fit_trajectories(ou_model, {"stiffness": 1.2}, infer.trajectories(x, dt=0.01), domain=DOMAIN, intervals="wald")
    assert np.isfinite(result.log_likelihood)
    x[100] = DOMAIN[1] + 2.0
    with pytest.raises(infer.DataError, match="outside the domain .* by more than 5%"):
        infer.fit_trajectories(ou_model, {"stiffness": 1.2}, infer.trajectories(x, dt=0.01), domain=DOMAIN)
