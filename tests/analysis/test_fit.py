"""Profile fits (fpsolver.fit): recovery, honest errors, model comparison, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import fpsolver
from fpsolver import exact, potentials, profiles
from fpsolver.analysis import fit

DOMAIN = (-2.0, 2.0)
PROFILE = profiles.exponential(T0=1.0, length=2.0)
TRAP = potentials.harmonic(stiffness=2.0)


def ito(values):
    return fpsolver.Ito(PROFILE, potential=TRAP, alpha=values["alpha"])


def gclm1(values):
    return fpsolver.GCLM1(PROFILE, potential=TRAP, kappa=values["kappa"], alpha_tilde=values["alpha_tilde"])


def bin_probabilities(model, edges):
    """Exact bin probabilities by a fine midpoint sum (independent of the fit's Gauss rule)."""
    fine = np.linspace(edges[0], edges[-1], 40 * (edges.size - 1) + 1)
    middles = 0.5 * (fine[1:] + fine[:-1])
    density = exact.steady_state_at(model, middles, DOMAIN)
    p = density.reshape(edges.size - 1, 40).sum(axis=1)
    return p / p.sum()


def counts_from(model, total, seed, bins=40):
    edges = np.linspace(*DOMAIN, bins + 1)
    counts = np.random.default_rng(seed).multinomial(total, bin_probabilities(model, edges))
    return fit.profile_data(0.5 * (edges[1:] + edges[:-1]), counts, likelihood="poisson", domain=DOMAIN)


def test_noise_free_gaussian_data_give_the_true_parameters_and_zero_chi2():
    x = np.linspace(-1.9, 1.9, 60)
    truth = gclm1({"kappa": 0.8, "alpha_tilde": 0.3})
    values = 7.0 * exact.steady_state_at(truth, x, DOMAIN)
    data = fit.profile_data(x, values, errors=np.full(x.size, 1e-3), domain=DOMAIN)
    result = fit.fit_profile(gclm1, {"kappa": 0.5, "alpha_tilde": 0.0}, data, domain=DOMAIN)
    assert result.parameters["kappa"][0] == pytest.approx(0.8, abs=1e-6)
    assert result.parameters["alpha_tilde"][0] == pytest.approx(0.3, abs=1e-6)
    assert result.scale == pytest.approx(7.0, rel=1e-8)
    assert result.chi2 < 1e-6 and result.dof == 57


def test_gaussian_noise_recovery_and_chi2_per_dof():
    x = np.linspace(-1.9, 1.9, 200)
    truth = ito({"alpha": 0.5})
    clean = exact.steady_state_at(truth, x, DOMAIN)
    errors = 0.01 + 0.02 * clean
    values = clean + errors * np.random.default_rng(5).standard_normal(x.size)
    result = fit.fit_profile(ito, {"alpha": 0.2}, fit.profile_data(x, values, errors=errors, domain=DOMAIN), domain=DOMAIN)
    value, error = result.parameters["alpha"]
    assert abs(value - 0.5) < 4 * error and error < 0.05
    assert 0.75 < result.chi2_per_dof < 1.3  # 198 dof: 1 +- 0.1 at one sigma


def test_poisson_scale_is_the_total_count_and_parameters_are_recovered():
    data = counts_from(gclm1({"kappa": 0.8, "alpha_tilde": 0.3}), 20_000, seed=11)
    result = fit.fit_profile(gclm1, {"kappa": 0.5, "alpha_tilde": 0.0}, data, domain=DOMAIN)
    assert result.scale == pytest.approx(20_000, rel=1e-5)  # the Poisson MLE of a free scale
    for name, truth in (("kappa", 0.8), ("alpha_tilde", 0.3)):
        value, error = result.parameters[name]
        assert abs(value - truth) < 4 * error
    assert result.chi2_per_dof < 1.8
    assert -1 < result.parameters.correlation[0, 1] < 1 and result.parameters.correlation[0, 0] == pytest.approx(1.0)


def test_errors_are_honest_over_repetitions():
    """Pulls (estimate - truth)/error over 16 seeded repetitions: mean ~ 0, spread ~ 1."""
    pulls = []
    for seed in range(16):
        result = fit.fit_profile(ito, {"alpha": 0.5}, counts_from(ito({"alpha": 0.5}), 5000, seed), domain=DOMAIN)
        value, error = result.parameters["alpha"]
        pulls.append((value - 0.5) / error)
    pulls = np.array(pulls)
    assert abs(pulls.mean()) < 0.8  # 16 draws: sd of the mean 0.25
    assert 0.5 < pulls.std(ddof=1) < 1.6
    assert np.mean(np.abs(pulls) < 1.96) >= 12 / 16


def test_aic_prefers_the_generating_model():
    data = counts_from(gclm1({"kappa": 0.8, "alpha_tilde": 0.3}), 20_000, seed=3)
    fits = {
        "ito": fit.fit_profile(ito, {"alpha": 0.5}, data, domain=DOMAIN),
        "gclm1": fit.fit_profile(gclm1, {"kappa": 0.5, "alpha_tilde": 0.0}, data, domain=DOMAIN),
    }
    rows = fit.compare_fits(fits)
    assert rows[0]["model"] == "gclm1" and rows[1]["delta_aic"] > 10
    assert sum(row["weight"] for row in rows) == pytest.approx(1.0)


def test_a_profile_parameter_can_be_free():
    """T = T0 + g x not known exactly: fit the gradient g with the Ito model."""
    x = np.linspace(-0.9, 0.9, 80)

    def model(values):
        return fpsolver.Ito(profiles.linear(T0=1.0, gradient=values["gradient"]), potential=TRAP)

    clean = exact.steady_state_at(model({"gradient": 0.4}), x, (-1.0, 1.0))
    data = fit.profile_data(x, clean, errors=np.full(x.size, 1e-4), domain=(-1.0, 1.0))
    result = fit.fit_profile(model, {"gradient": 0.1}, data, domain=(-1.0, 1.0))
    assert result.parameters["gradient"][0] == pytest.approx(0.4, abs=1e-5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"x": [0.0, 0.2, 0.1, 0.3], "values": [1, 1, 1, 1], "errors": [1, 1, 1, 1]}, r"x\[2\] = 0.1 is not increasing"),
        ({"x": [0.0, 0.1, 0.1, 0.3], "values": [1, 1, 1, 1], "errors": [1, 1, 1, 1]}, r"x\[2\] = 0.1 is duplicated"),
        ({"x": [0.0, 0.1, 0.2, 0.3], "values": [1, np.nan, 1, 1], "errors": [1, 1, 1, 1]}, r"values\[1\] is not finite"),
        ({"x": [0.0, 0.1, 0.2, 0.3], "values": [1, 1, np.inf, 1], "errors": [1, 1, 1, 1]}, r"values\[2\] is not finite"),
        ({"x": [0.0, 0.1, 0.2, 0.3], "values": [1, 1, 1, 1], "errors": [1, 0, 1, 1]}, r"errors\[1\] = 0"),
        ({"x": [0.0, 0.1, 0.2, 0.3], "values": [1, 1, 1, 1], "errors": [1, -2, 1, 1]}, r"errors must be > 0"),
        ({"x": [0.0, 0.1, 0.2, 0.3], "values": [1, -1, 1, 1], "likelihood": "poisson"}, r"counts\[1\] = -1"),
        ({"x": [0.0, 0.1, 0.2, 3.0], "values": [1, 1, 1, 1], "likelihood": "poisson"}, r"x\[3\] = 3 lies outside"),
    ],
)
def test_bad_profile_data_is_a_one_line_error(arguments, message):
    with pytest.raises(fit.DataError, match=message) as info:
        fit.profile_data(domain=DOMAIN, **arguments)
    assert "\n" not in str(info.value)


def test_bad_fit_arguments():
    data = counts_from(ito({"alpha": 0.5}), 1000, seed=1)
    with pytest.raises(ValueError, match="outside its bounds"):
        fit.fit_profile(ito, {"alpha": 1.5}, data, domain=DOMAIN)
    with pytest.raises(TypeError, match="must start from a number"):
        fit.fit_profile(ito, {"alpha": "half"}, data, domain=DOMAIN)


@pytest.mark.slow
def test_coverage_of_95_percent_intervals_over_40_repetitions():
    inside = []
    for seed in range(40):
        result = fit.fit_profile(gclm1, {"kappa": 0.5, "alpha_tilde": 0.0}, counts_from(gclm1({"kappa": 0.8, "alpha_tilde": 0.3}), 20_000, seed + 100), domain=DOMAIN)
        low, high = result.parameters.interval()
        inside.append((low <= [0.8, 0.3]) & ([0.8, 0.3] <= high))
    coverage = np.mean(inside, axis=0)
    assert np.all((coverage >= 0.85) & (coverage <= 0.99)), coverage


def test_a_scale_only_fit_evaluates_the_model_once():
    """With no free model parameter only ln s varies: the kept shape serves every
    residual and Jacobian call, and the Poisson MLE of the scale is the total count."""
    data = counts_from(ito({"alpha": 0.5}), 3000, seed=2)
    result = fit.fit_profile(lambda values: ito({"alpha": 0.5}), {}, data, domain=DOMAIN)
    assert result.evaluations == 1
    assert result.scale == pytest.approx(3000, rel=1e-6)


def test_bimodal_gclm1_fit_started_in_the_secondary_basin_finds_the_global_optimum():
    """On T = exp(-x/2) the gCLm-I deviance has a secondary minimum near the validity
    limit eta_eff = 0 (kappa ~ -0.4, alpha_tilde ~ 1.41, about 100 deviance units up). A
    local fit from (0.3, 1.2) stops there; the global search finds the optimum that a
    fit from the truth finds, and lists both minima with their deviances."""
    data = counts_from(gclm1({"kappa": 0.8, "alpha_tilde": 0.3}), 20_000, seed=1)
    from_truth = fit.fit_profile(gclm1, {"kappa": 0.8, "alpha_tilde": 0.3}, data, domain=DOMAIN, intervals="wald")
    result = fit.fit_profile(gclm1, {"kappa": 0.3, "alpha_tilde": 1.2}, data, domain=DOMAIN)
    assert result.chi2 == pytest.approx(from_truth.chi2, abs=1e-6)
    assert np.allclose(result.parameters.values, from_truth.parameters.values, atol=1e-4)
    assert len(result.minima) >= 2 and result.minima[0]["delta_deviance"] == 0.0
    second = result.minima[1]
    assert second["values"]["alpha_tilde"] > 1.3 and second["delta_deviance"] > 50
    assert not result.warnings  # the second minimum is far above the best
    low, high = result.parameters.interval()
    assert np.all((low <= [0.8, 0.3]) & ([0.8, 0.3] <= high))


def test_a_second_minimum_close_to_the_best_is_warned_about():
    """alpha = a^2: a and -a explain the data equally, so the search finds both."""
    data = counts_from(ito({"alpha": 0.5}), 5000, seed=3)
    result = fit.fit_profile(lambda v: ito({"alpha": v["a"] ** 2}), {"a": 0.4}, data, domain=DOMAIN, bounds={"a": (-1.0, 1.0)}, intervals="wald")
    assert len(result.minima) == 2 and result.minima[1]["delta_deviance"] < 1e-6
    assert {np.sign(m["values"]["a"]) for m in result.minima} == {-1.0, 1.0}
    assert len(result.warnings) == 1 and "second minimum" in result.warnings[0]
    assert result.as_dict()["warnings"] == list(result.warnings)


def test_profile_interval_respects_the_bound_where_wald_crosses_it():
    """alpha = 0 in truth, bounds [0, 1]: the profile interval starts at the bound
    (flagged) and its upper end solves Δ(-2 ln L) = 3.84 exactly; Wald goes below 0."""
    data = counts_from(ito({"alpha": 0.0}), 4000, seed=7)
    profile = fit.fit_profile(ito, {"alpha": 0.3}, data, domain=DOMAIN)
    wald = fit.fit_profile(ito, {"alpha": 0.3}, data, domain=DOMAIN, intervals="wald")
    value = profile.parameters.values[0]
    low, high = profile.parameters.interval()
    assert wald.parameters.interval()[0][0] < 0.0 <= low[0]
    if value < 0.05:  # near the bound: the profile never reaches 3.84 below
        assert low[0] == 0.0 and profile.parameters.at_bound[0][0]
    upper = fit.fit_profile(lambda v: ito({"alpha": high[0]}), {}, data, domain=DOMAIN)
    assert upper.chi2 - profile.chi2 == pytest.approx(3.84, abs=0.05)
    assert profile.as_dict()["parameters"]["interval_method"] == "profile"


def test_a_parameter_the_profile_does_not_depend_on_is_reported_not_fitted():
    """The steady profile does not depend on the friction eta: its information is zero,
    the fit reports it as not determined (NaN error) and fits the rest."""
    data = counts_from(ito({"alpha": 0.5}), 5000, seed=4)
    result = fit.fit_profile(lambda v: fpsolver.Ito(PROFILE, potential=TRAP, alpha=v["alpha"], eta=v["eta"]), {"alpha": 0.3, "eta": 1.0}, data, domain=DOMAIN)
    combinations = result.parameters.combinations
    assert len(combinations) == 1 and combinations[0]["parameters"] == ["eta"] and "not determined" in combinations[0]["combination"]
    assert np.isnan(result.parameters.errors[1])
    value, error = result.parameters["alpha"]
    assert np.isfinite(error) and abs(value - 0.5) < 4 * error
