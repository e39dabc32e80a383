"""Single-level quantum dot: builder vs closed form, second law, regimes of Figs. 2-9."""

import numpy as np
import pytest

from fpsolver import qme
from fpsolver.qme import analytic


def paper_parameters(T, dT, dV):
    """T_L = T + dT/2, T_R = T - dT/2, mu_L = dV/2, mu_R = -dV/2 (paper Sec. II)."""
    return dict(T_L=T + dT / 2, T_R=T - dT / 2, mu_L=dV / 2, mu_R=-dV / 2)


@pytest.mark.parametrize("gammas", [(1.0, 1.0), (0.3, 2.0)])
def test_dot_through_general_builder_equals_closed_form(gammas):
    for eps in (-15.0, -4.0, 0.0, 0.7, 9.0):
        for T, dT, dV in ((7.5, 5.0, 5.0), (7.5, 5.0, -5.0), (2.0, 1.0, 0.0), (1.0, -0.5, 3.0)):
            args = dict(eps=eps, **paper_parameters(T, dT, dV), gamma_L=gammas[0], gamma_R=gammas[1])
            closed = qme.quantum_dot(**args)
            built = qme.quantum_dot_lindblad(**args)
            for name in ("p1", "J_L", "Q_L", "Q_R", "entropy_production"):
                assert getattr(built, name) == pytest.approx(getattr(closed, name), rel=1e-10, abs=1e-14), name
            assert qme.quantum_dot_lindblad(**args, method="liouvillian").J_L == pytest.approx(closed.J_L, rel=1e-10, abs=1e-14)


def test_dot_builder_allows_zero_temperature_lead():
    built = qme.quantum_dot_lindblad(eps=0.5, T_L=1.0, T_R=0.0, mu_L=1.0, mu_R=0.0)
    f_L = 1.0 / (1.0 + np.exp(-0.5))
    assert built.J_L == pytest.approx(0.5 * (f_L - 0.0), rel=1e-12)  # f_R = 0 above mu_R at T = 0


def test_entropy_production_is_non_negative_on_dense_grid_and_equals_eq9():
    eps, dT, dV = np.meshgrid(np.linspace(-30, 30, 121), np.linspace(-7, 7, 29), np.linspace(-10, 10, 41), indexing="ij")
    args = dict(eps=eps, **paper_parameters(7.5, dT, dV))
    s = analytic.dot_entropy_production(**args)
    assert s.min() >= -1e-15
    from_rates = analytic.dot_entropy_production_from_rates(**args)
    np.testing.assert_allclose(from_rates, s, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("dV", [5.0, -5.0, 2.0])
def test_entropy_production_vanishes_only_at_reversible_level(dV):
    params = paper_parameters(7.5, 5.0, dV)
    eps_r = float(analytic.reversible_level(**params))
    at = qme.quantum_dot(eps_r, **params)
    assert at.eps_r == pytest.approx(eps_r)
    assert abs(at.entropy_production) < 1e-15 and abs(at.J_L) < 1e-15
    assert at.regime == "reversible"
    for shift in (-0.5, 0.5):
        assert qme.quantum_dot(eps_r + shift, **params).entropy_production > 1e-6


def test_reversible_level_eq10_values_for_figs_8_and_9():
    assert float(analytic.reversible_level(**paper_parameters(7.5, 5.0, 5.0))) == pytest.approx(-7.5)
    assert float(analytic.reversible_level(**paper_parameters(7.5, 5.0, -5.0))) == pytest.approx(7.5)
    assert np.isnan(analytic.reversible_level(T_L=2.0, T_R=2.0, mu_L=1.0, mu_R=0.0))


@pytest.mark.parametrize("T", [3.0, 5.0, 7.5, 10.0])
def test_fig2_anomalous_thermodiffusion_for_negative_level_at_any_mean_temperature(T):
    params = paper_parameters(T, 5.0, 0.0)
    for eps in (-20.0, -3.0, -0.1):
        dot = qme.quantum_dot(eps, **params)
        assert dot.J_L < 0 < dot.Q_L and dot.regime == "anomalous_thermodiffusion"
    for eps in (0.1, 3.0, 20.0):
        dot = qme.quantum_dot(eps, **params)
        assert dot.J_L > 0 and dot.Q_L > 0 and dot.regime == "conventional"


def test_fig4_no_absolute_negative_mobility_without_temperature_gradient():
    for eps in np.linspace(-30, 30, 61):
        dot = qme.quantum_dot(eps, **paper_parameters(7.5, 0.0, 5.0))
        assert dot.J_L > 0 and dot.regime == "conventional"


def test_fig5_thresholds_in_temperature_gradient_and_bias():
    """eps = -15, T = 7.5: ANM beyond a threshold dT at dV = 5 (5a), below a threshold dV at dT = 5 (5b)."""
    dT = np.linspace(0.0, 14.0, 141)
    current = analytic.dot_particle_current(eps=-15.0, **paper_parameters(7.5, dT, 5.0))
    assert current[0] > 0 and current[-1] < 0 and np.all(np.diff(np.sign(current)) <= 0)
    dV = np.linspace(0.01, 60.0, 600)
    current = analytic.dot_particle_current(eps=-15.0, **paper_parameters(7.5, 5.0, dV))
    assert current[0] < 0 and current[-1] > 0 and np.all(np.diff(np.sign(current)) >= 0)
    assert qme.quantum_dot(-15.0, **paper_parameters(7.5, 5.0, 5.0)).regime == "absolute_negative_mobility"


def test_fig6_reverse_heat_transport_needs_positive_bias():
    eps = np.linspace(-30, 30, 601)
    q_R_no_bias = analytic.dot_heat_currents(eps=eps, **paper_parameters(7.5, 5.0, 0.0))[1]
    assert np.all(q_R_no_bias >= 0)
    for dV in (2.5, 5.0):
        q_R = analytic.dot_heat_currents(eps=eps, **paper_parameters(7.5, 5.0, dV))[1]
        assert q_R.min() < 0 and np.all(eps[q_R < 0] < 0)


def regimes_along(eps, params):
    return [analytic.classify_dot_regime(eps=e, **params) for e in eps]


def test_fig8_region_structure_aligned_forces():
    """T = 7.5, dT = 5, dV = 5: ANM | eps_r = -7.5 | RHT | mu_R = -2.5 | work to heat | mu_L = 2.5 | conventional."""
    params = paper_parameters(7.5, 5.0, 5.0)
    eps = np.linspace(-30, 30, 601)
    expected = np.select(
        [eps < -7.5, eps < -2.5, eps < 2.5],
        ["absolute_negative_mobility", "reverse_heat_transport", "work_to_heat"],
        "conventional",
    )
    off_boundary = np.min(np.abs(eps[:, None] - np.array([-7.5, -2.5, 2.5])), axis=1) > 1e-9
    assert np.array_equal(np.array(regimes_along(eps, params))[off_boundary], expected[off_boundary])
    # Signs the paper lists per region.
    for e, signs in ((-15.0, (1, 1, -1)), (-5.0, (-1, -1, 1)), (0.0, (-1, 1, 1)), (10.0, (1, 1, 1))):
        dot = qme.quantum_dot(e, **params)
        assert tuple(np.sign([dot.Q_L, dot.Q_R, dot.J_L]).astype(int)) == signs


def test_fig9_region_structure_opposed_forces():
    """T = 7.5, dT = 5, dV = -5: conventional | mu_L | work to heat | mu_R | refrigerator | eps_r = 7.5 | heat engine."""
    params = paper_parameters(7.5, 5.0, -5.0)
    eps = np.linspace(-30, 30, 601)
    expected = np.select(
        [eps < -2.5, eps < 2.5, eps < 7.5],
        ["conventional", "work_to_heat", "refrigerator"],
        "heat_engine",
    )
    off_boundary = np.min(np.abs(eps[:, None] - np.array([-2.5, 2.5, 7.5])), axis=1) > 1e-9
    assert np.array_equal(np.array(regimes_along(eps, params))[off_boundary], expected[off_boundary])
    engine = qme.quantum_dot(15.0, **params)
    assert engine.Q_L > engine.Q_R > 0 and engine.J_L > 0  # heat in from the hot lead, part of it turned into work
    fridge = qme.quantum_dot(5.0, **params)
    assert fridge.Q_R < 0 and fridge.Q_L < 0  # heat out of the cold lead, into the hot one


def test_quantum_dot_rejects_bad_parameters():
    with pytest.raises(ValueError, match="'T_L' must be > 0"):
        qme.quantum_dot(0.0, 0.0, 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="gamma_R must be finite and > 0"):
        qme.quantum_dot(0.0, 1.0, 1.0, 0.0, 0.0, gamma_R=0.0)
    with pytest.raises(ValueError, match="temperature must be finite and >= 0"):
        qme.quantum_dot_lindblad(0.0, 1.0, -1.0, 0.0, 0.0)


def test_classifier_labels_are_declared_and_all_regimes_occur():
    seen = set()
    for dT in (-5.0, 0.0, 5.0):
        for dV in (-5.0, 0.0, 2.5, 5.0):
            if dT == 0 and dV == 0:
                continue
            seen.update(regimes_along(np.linspace(-30, 30, 121), paper_parameters(7.5, dT, dV)))
    assert seen <= set(analytic.DOT_REGIMES)
    assert seen >= set(analytic.DOT_REGIMES) - {"reversible"}
