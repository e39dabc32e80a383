"""Helpers of the paper-claim rows of the validation report (issue 11): each against an independent value."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fpsolver import qme  # noqa: E402
from fpsolver.qme import analytic  # noqa: E402
from validation import study_gclm_text, study_quantum_thermophoresis, study_small_mass_limit  # noqa: E402


def test_gclm_text_study_passes_and_reports_the_pi_squared_over_two_factor(tmp_path):
    result = study_gclm_text.run(True, tmp_path)
    assert not result.failed
    factor = next(c for c in result.checks if c.metric.startswith("printed sum"))
    assert factor.value == pytest.approx(np.pi**2 / 2, rel=1e-12)
    eq58 = next(c for c in result.checks if c.metric.startswith("Eq. 58 as printed"))
    # -k_B (T(t) - T(x)) eta2'/eta2^2 at x = 0.5, t = 0.3, T = exp(-x), eta2 = 1 + x^2
    assert eq58.value == pytest.approx(-(np.exp(-0.3) - np.exp(-0.5)) * 1.0 / 1.25**2, rel=1e-12)


def test_lambda_rate_generator_matches_eq8_and_vanishes_without_spontaneous_emission():
    for n_1, n_2 in ((0.3, 0.05), (2.0, 0.7), (0.01, 1.5)):
        P = study_quantum_thermophoresis.null_population(study_quantum_thermophoresis.lambda_rate_generator(n_1, n_2))
        assert P.sum() == pytest.approx(1.0, abs=1e-14)
        assert P[1] - P[0] == pytest.approx(float(analytic.lambda_population_imbalance(n_1=n_1, n_2=n_2)), abs=1e-13)
        P = study_quantum_thermophoresis.null_population(study_quantum_thermophoresis.lambda_rate_generator(n_1, n_2, spontaneous=0.0))
        np.testing.assert_allclose(P, np.full(3, 1 / 3), atol=1e-14)


def test_bath_heat_currents_of_a_steady_state_are_the_builders_and_the_first_law_holds_on_any_state():
    lam = qme.lambda_system(T_1=1.5, T_2=0.3, omega_1=1.0, omega_2=1.4, method="liouvillian")
    me = lam.steady_state.master_equation
    rho = lam.steady_state.density_matrix
    np.testing.assert_allclose(study_quantum_thermophoresis._bath_heat_currents(me, rho), lam.heat_currents, atol=1e-14)
    start = np.diag([0.2, 0.1, 0.7]).astype(complex)
    currents = study_quantum_thermophoresis._bath_heat_currents(me, start)
    assert abs(currents.sum()) > 0.1  # out of the steady state the currents do not cancel
    assert study_quantum_thermophoresis._energy_rate(me, start) == pytest.approx(-currents.sum(), rel=1e-12)


def test_centroid_shift_and_hot_half_excess_signs():
    flat = np.full(10, 0.1)
    assert study_quantum_thermophoresis.centroid_shift(flat) == pytest.approx(0.0, abs=1e-14)
    assert study_quantum_thermophoresis.hot_half_excess(flat) == pytest.approx(0.0, abs=1e-14)
    hot = np.linspace(2.0, 1.0, 10)
    hot /= hot.sum()
    assert study_quantum_thermophoresis.centroid_shift(hot) > 0 and study_quantum_thermophoresis.hot_half_excess(hot) > 0
    assert study_quantum_thermophoresis.centroid_shift(hot[::-1]) == pytest.approx(-study_quantum_thermophoresis.centroid_shift(hot), abs=1e-14)


def test_ohmic_chain_with_a_flat_ohmic_ratio_reduces_to_the_flat_chain_at_weak_coupling():
    # at g -> 0 every Bohr frequency is h, where J_ohmic(h) = Gamma: the two chains agree
    ohmic = study_quantum_thermophoresis.ohmic_chain_populations(0.8, 0.4, 1e-6)
    flat = qme.chain_site_populations(10, 1.0, 1e-6, 0.8, 0.4)
    np.testing.assert_allclose(ohmic, flat, atol=1e-6)


def test_noise_l1_is_the_expected_l1_of_gaussian_noise_and_conditioning_normalises():
    rng = np.random.default_rng(5)
    errors = np.linspace(0.01, 0.05, 40)
    volumes = np.full(40, 0.05)
    samples = [np.sum(np.abs(rng.normal(0.0, errors)) * volumes) for _ in range(4000)]
    assert np.mean(samples) == pytest.approx(study_small_mass_limit.noise_l1(errors, volumes), rel=0.02)
    density = np.linspace(1.0, 2.0, 40)
    inside = np.abs(np.linspace(-0.975, 0.975, 40)) < 0.8
    conditioned, error = study_small_mass_limit.conditioned(density, volumes, inside, errors)
    assert np.sum(conditioned * volumes[inside]) == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(error / errors[inside], conditioned / density[inside])
