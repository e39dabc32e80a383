"""Lambda and V systems against quantum-thermophoresis Eqs. 2, 8, 10, 12-14."""

import numpy as np
import pytest
from scipy.linalg import expm

from fpsolver import qme
from fpsolver.qme import analytic

RNG = np.random.default_rng(20260317)
# 60 random temperature pairs (k_B T / hbar omega between 0.05 and 5), plus T_2 = 0 cases.
RANDOM_PAIRS = [tuple(p) for p in RNG.uniform(0.05, 5.0, size=(60, 2))] + [(0.7, 0.0), (3.0, 0.0), (0.2, 0.0)]
FREQUENCIES = [(1.0, 1.0), (1.0, 1.6), (2.3, 0.8)]


def occupations(T_1, T_2, omega_1, omega_2):
    return analytic.bose_occupation(omega_1, T_1), analytic.bose_occupation(omega_2, T_2)


@pytest.mark.parametrize("method", ["pauli", "liouvillian"])
@pytest.mark.parametrize("omegas", FREQUENCIES)
def test_lambda_steady_state_matches_eq8_for_random_temperatures(method, omegas):
    worst = 0.0
    for T_1, T_2 in RANDOM_PAIRS:
        result = qme.lambda_system(T_1=T_1, T_2=T_2, omega_1=omegas[0], omega_2=omegas[1], gamma=0.8, method=method)
        n_1, n_2 = occupations(T_1, T_2, *omegas)
        expected = analytic.lambda_population_imbalance(n_1=n_1, n_2=n_2)
        worst = max(worst, abs(result.population_imbalance - expected) / abs(expected))
        assert result.populations.sum() == pytest.approx(1.0, abs=1e-14)
    assert worst < 1e-10


@pytest.mark.parametrize("method", ["pauli", "liouvillian"])
@pytest.mark.parametrize("omegas", FREQUENCIES)
def test_v_steady_state_matches_delta_v_formula_for_random_temperatures(method, omegas):
    worst = 0.0
    for T_1, T_2 in RANDOM_PAIRS:
        result = qme.v_system(T_1=T_1, T_2=T_2, omega_1=omegas[0], omega_2=omegas[1], gamma=1.3, method=method)
        n_1, n_2 = occupations(T_1, T_2, *omegas)
        expected = analytic.v_population_imbalance(n_1=n_1, n_2=n_2)
        worst = max(worst, abs(result.population_imbalance - expected) / abs(expected))
    assert worst < 1e-10


@pytest.mark.parametrize("T_1", [0.3, 1.0, 4.0])
def test_lambda_cold_bath_at_zero_temperature_gives_full_concentration(T_1):
    result = qme.lambda_system(T_1=T_1, T_2=0.0)
    assert result.population_imbalance == pytest.approx(1.0, abs=1e-14)
    assert analytic.lambda_population_imbalance(n_1=analytic.bose_occupation(1.0, T_1), n_2=0.0) == pytest.approx(1.0, abs=1e-14)


def test_lambda_and_v_heat_currents_obey_the_first_law_on_a_transient_and_match_dufour_formula():
    # In a steady state each current vanishes on its own (two transitions in series carry no net flux),
    # so a sum-to-zero check tests nothing: check d<H_S>/dt = -(J_1 + J_2) along a transient instead.
    times = np.linspace(0.0, 3.0, 7)
    for T_1, T_2 in RANDOM_PAIRS[:20]:
        for system in (qme.lambda_system, qme.v_system):
            result = system(T_1=T_1, T_2=T_2, omega_1=1.0, omega_2=1.4, gamma=0.9, method="liouvillian")
            me = result.steady_state.master_equation
            hamiltonian = me.basis @ me.hamiltonian @ me.basis.conj().T
            dissipators = me.bath_dissipators()
            n_1, n_2 = occupations(T_1, T_2, 1.0, 1.4)
            for rho in qme.evolve(me, np.diag([0.2, 0.1, 0.7]).astype(complex), times):
                vec = me.to_basis(rho).ravel(order="F")
                currents = [-np.trace(me.to_original((dk @ vec).reshape((3, 3), order="F")) @ hamiltonian).real for dk in dissipators]
                P = np.diag(rho).real
                if system is qme.lambda_system:  # J_k = hbar omega_k Gamma [(n_k + 1) P_e - n_k P_k] (Dufour section)
                    closed = [1.0 * 0.9 * ((n_1 + 1) * P[2] - n_1 * P[0]), 1.4 * 0.9 * ((n_2 + 1) * P[2] - n_2 * P[1])]
                else:  # V: the excited level k decays into bath k
                    closed = [1.0 * 0.9 * ((n_1 + 1) * P[1] - n_1 * P[0]), 1.4 * 0.9 * ((n_2 + 1) * P[2] - n_2 * P[0])]
                np.testing.assert_allclose(currents, closed, rtol=1e-10, atol=1e-13)
                change = me.to_original((me.liouvillian @ vec).reshape((3, 3), order="F"))
                assert np.trace(change @ hamiltonian).real == pytest.approx(-sum(currents), abs=1e-12)
            assert result.entropy_production >= -1e-15
        lam = qme.lambda_system(T_1=T_1, T_2=T_2, omega_1=1.0, omega_2=1.4, gamma=0.9)
        P_1, P_2, P_e = lam.populations
        n_1, n_2 = occupations(T_1, T_2, 1.0, 1.4)
        # J_k = hbar omega_k Gamma [(n_k + 1) P_e - n_k P_k]  (Dufour section)
        expected = [1.0 * 0.9 * ((n_1 + 1) * P_e - n_1 * P_1), 1.4 * 0.9 * ((n_2 + 1) * P_e - n_2 * P_2)]
        np.testing.assert_allclose(lam.heat_currents, expected, rtol=1e-10, atol=1e-15)


def test_lambda_heat_currents_are_minus_trace_of_bath_dissipator_times_h():
    result = qme.lambda_system(T_1=2.0, T_2=0.5, omega_1=1.0, omega_2=1.4, method="liouvillian")
    me = result.steady_state.master_equation
    rho = result.steady_state.density_matrix
    hamiltonian = me.basis @ me.hamiltonian @ me.basis.conj().T
    for k in range(len(me.baths)):
        dk = me.to_original((me.bath_dissipators()[k] @ me.to_basis(rho).ravel(order="F")).reshape((3, 3), order="F"))
        assert -np.trace(dk @ hamiltonian).real == pytest.approx(result.heat_currents[k], rel=1e-10)


@pytest.mark.parametrize("omegas", FREQUENCIES)
def test_lambda_rate_equations_obey_damped_oscillator_eq10(omegas):
    """m* X'' + Gamma X' + m* Omega^2 X = F_q holds for every state: check it on the generator."""
    gamma, d, T_1, T_2 = 0.7, 2.0, 1.3, 0.4
    result = qme.lambda_system(T_1=T_1, T_2=T_2, omega_1=omegas[0], omega_2=omegas[1], gamma=gamma, d=d)
    rates = result.steady_state.master_equation.rate_matrix()
    generator = rates - np.diag(rates.sum(axis=0))
    n_1, n_2 = occupations(T_1, T_2, *omegas)
    m = analytic.effective_mass(n_1=n_1, n_2=n_2)
    omega2 = analytic.lambda_omega_squared(n_1=n_1, n_2=n_2, gamma=gamma)
    position = 0.5 * d * np.array([-1.0, 1.0, 0.0])
    force = analytic.lambda_force(n_1=n_1, n_2=n_2, gamma=gamma, d=d)
    for p in RNG.dirichlet(np.ones(3), size=5):
        lhs = m * position @ generator @ generator @ p + gamma * position @ generator @ p + m * omega2 * position @ p
        assert lhs == pytest.approx(force, rel=1e-12)
    # Steady state of Eq. 10: <X> = F_q / (m* Omega^2).
    assert result.mean_position == pytest.approx(force / (m * omega2), rel=1e-12)


def test_v_rate_equations_obey_eq13_with_force_minus_f_q():
    gamma, d, T_1, T_2 = 1.1, 1.0, 2.0, 0.6
    result = qme.v_system(T_1=T_1, T_2=T_2, gamma=gamma, d=d)
    rates = result.steady_state.master_equation.rate_matrix()
    generator = rates - np.diag(rates.sum(axis=0))
    n_1, n_2 = occupations(T_1, T_2, 1.0, 1.0)
    m = analytic.effective_mass(n_1=n_1, n_2=n_2)
    omega2 = analytic.v_omega_squared(n_1=n_1, n_2=n_2, gamma=gamma)
    force = analytic.v_force(n_1=n_1, n_2=n_2, gamma=gamma, d=d)
    assert force == pytest.approx(-analytic.lambda_force(n_1=n_1, n_2=n_2, gamma=gamma, d=d))
    # T_1 > T_2: the Lambda particle goes to the cold side (+d/2), the V particle to the hot side (-d/2).
    assert force < 0 < analytic.lambda_force(n_1=n_1, n_2=n_2, gamma=gamma, d=d)
    position = 0.5 * d * np.array([0.0, -1.0, 1.0])
    for p in RNG.dirichlet(np.ones(3), size=5):
        lhs = m * position @ generator @ generator @ p + gamma * position @ generator @ p + m * omega2 * position @ p
        assert lhs == pytest.approx(force, rel=1e-12)
    assert result.mean_position < 0 < qme.lambda_system(T_1=T_1, T_2=T_2, gamma=gamma, d=d).mean_position


def test_high_temperature_force_converges_to_gradient_form_like_one_over_T():
    """Eq. 12: -(dn/(3 nbar)) Gamma^2 d/2 -> -(T'/T) Gamma^2 d^2/6 with relative error O(hbar omega / T)."""
    temperatures = np.array([10.0, 20.0, 40.0, 80.0, 160.0])
    errors = []
    for T in temperatures:
        T_1, T_2 = 1.2 * T, 0.8 * T
        n_1, n_2 = occupations(T_1, T_2, 1.0, 1.0)
        exact = analytic.lambda_force_high_T(n_1=n_1, n_2=n_2, gamma=0.5, d=3.0)
        limit = analytic.lambda_force_gradient_form(T_1=T_1, T_2=T_2, gamma=0.5, d=3.0)
        errors.append(abs(exact / limit - 1.0))
    slope = np.polyfit(np.log(temperatures), np.log(errors), 1)[0]
    assert errors[-1] < 5e-3
    assert slope == pytest.approx(-1.0, abs=0.05)


def test_builder_mean_position_approaches_overdamped_eq11_at_high_temperature():
    """Steady state of Eq. 11: <X> = F_q^(high T) / (4 m* Omega^2 / 3); relative error O(1/T)."""
    temperatures = np.array([5.0, 10.0, 20.0, 40.0])
    errors = []
    for T in temperatures:
        T_1, T_2 = 1.25 * T, 0.75 * T
        result = qme.lambda_system(T_1=T_1, T_2=T_2, gamma=1.0, d=1.0)
        n_1, n_2 = occupations(T_1, T_2, 1.0, 1.0)
        overdamped = analytic.lambda_force_high_T(n_1=n_1, n_2=n_2) / (4 * analytic.effective_mass(n_1=n_1, n_2=n_2) * analytic.lambda_omega_squared(n_1=n_1, n_2=n_2) / 3)
        errors.append(abs(result.mean_position / overdamped - 1.0))
    slope = np.polyfit(np.log(temperatures), np.log(errors), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.1)


def test_lambda_relaxation_matches_rate_equation_propagator():
    result = qme.lambda_system(T_1=1.5, T_2=0.3, omega_1=1.0, omega_2=1.3, method="liouvillian")
    me = result.steady_state.master_equation
    rho0 = np.zeros((3, 3), complex)
    rho0[0, 0] = 1.0
    times = np.array([0.0, 0.3, 1.0, 2.5, 500.0])
    rhos = qme.evolve(me, rho0, times)
    rates = me.rate_matrix()
    generator = rates - np.diag(rates.sum(axis=0))
    for t, rho in zip(times, rhos):
        assert np.trace(rho).real == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(np.diag(rho).real, expm(generator * t) @ [1.0, 0.0, 0.0], atol=1e-10)
    np.testing.assert_allclose(rhos[-1], result.steady_state.density_matrix, atol=1e-10)


def test_position_operator_expectation_equals_mean_position_eq9():
    d = 2.5
    result = qme.lambda_system(T_1=1.0, T_2=0.4, d=d, method="liouvillian")
    position = np.diag([-d / 2, d / 2, 0.0])  # <e|X|e> = 0 (text before Eq. 9)
    assert result.steady_state.expectation(position).real == pytest.approx(result.mean_position, rel=1e-12)
