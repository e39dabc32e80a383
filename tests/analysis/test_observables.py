"""The Soret coefficient S_T = -d ln P / dT against closed forms."""

import numpy as np
import pytest

from fpsolver.analysis.observables import effective_soret, soret_coefficient, soret_coefficient_vs_temperature


@pytest.mark.parametrize("s", [1.0, 0.5, 2.5])
def test_power_law_gives_s_over_T_at_the_logarithmic_mean_temperature_exactly(s):
    # P ∝ T^(-s): -Δ ln P / ΔT = s Δ ln T / ΔT, exactly s / T_mid with T_mid the logarithmic mean
    T = np.geomspace(0.3, 5.0, 17) + np.linspace(0.0, 0.2, 17)  # uneven spacing
    T_mid, S = soret_coefficient_vs_temperature(T**-s, T)
    np.testing.assert_allclose(S * T_mid, s, rtol=1e-12)
    assert np.all((T[:-1] < T_mid) & (T_mid < T[1:]))
    np.testing.assert_allclose(T_mid, (T[1:] - T[:-1]) / np.log(T[1:] / T[:-1]), rtol=1e-14)


def test_ito_steady_state_one_over_T_gives_one_over_T():
    x = np.linspace(-1.0, 1.0, 401)
    T = 1.0 + 0.5 * np.tanh(3.0 * x)
    T_mid, S = soret_coefficient_vs_temperature(1.0 / T, T)
    np.testing.assert_allclose(S, 1.0 / T_mid, rtol=1e-9)  # round-off of ln differences between close T


def test_position_and_temperature_forms_share_the_difference_quotient():
    x = np.array([0.0, 0.3, 0.5, 1.0])
    T = np.array([1.0, 1.5, 2.5, 4.0])
    P = np.array([1.0, 0.7, 0.4, 0.2])
    x_mid, S_x = soret_coefficient(x, P, T)
    _, S_T = soret_coefficient_vs_temperature(P, T)
    np.testing.assert_array_equal(S_x, S_T)
    np.testing.assert_allclose(x_mid, [0.15, 0.4, 0.75])
    np.testing.assert_allclose(S_x, -np.diff(np.log(P)) / np.diff(T))


def test_position_form_orders_points_by_x():
    x, T = np.array([1.0, 0.0, 0.5]), np.array([3.0, 1.0, 2.0])
    P = 1.0 / T
    x_mid, S = soret_coefficient(x, P, T)
    np.testing.assert_allclose(x_mid, [0.25, 0.75])
    np.testing.assert_allclose(S, [np.log(2.0) / 1.0, np.log(1.5) / 1.0])


def test_flat_temperature_gives_nan_not_an_error():
    T = np.array([1.0, 1.0, 2.0])
    P = np.array([1.0, 1.0, 0.5])
    T_mid, S = soret_coefficient_vs_temperature(P, T)
    assert np.isnan(S[0]) and T_mid[0] == 1.0
    assert S[1] == pytest.approx(np.log(2.0))
    _, S_x = soret_coefficient(np.arange(3.0), P, T)
    assert np.isnan(S_x[0])


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="one shape"):
        soret_coefficient_vs_temperature(np.ones(3), np.ones(4))


def test_effective_soret_of_a_power_law_weighted_fit():
    # ln P = -s T + c exactly (P ∝ exp(-s T)): the weighted least-squares slope is s for any weights
    T = np.linspace(1.0, 3.0, 50)
    volumes = np.full(50, 0.04)
    assert effective_soret(np.exp(-0.7 * T), T, volumes) == pytest.approx(0.7, rel=1e-12)
    assert np.isnan(effective_soret(np.ones(5), np.full(5, 2.0), np.ones(5)))
