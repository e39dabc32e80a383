"""Generic builder: conventions, rates, the w = 0 rule and input validation."""

import numpy as np
import pytest
import scipy.sparse as sp

from fpsolver import qme

SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]])
SIGMA_Z = np.array([[1.0, 0.0], [0.0, -1.0]])


def explicit_generator(hamiltonian, jumps, rho, hbar):
    """-(i/hbar)[H, rho] + sum gamma (A rho A^† - {A^†A, rho}/2), dense."""
    out = -1j / hbar * (hamiltonian @ rho - rho @ hamiltonian)
    for rate, a in jumps:
        ad_a = a.conj().T @ a
        out += rate * (a @ rho @ a.conj().T - 0.5 * (ad_a @ rho + rho @ ad_a))
    return out


def test_liouvillian_uses_column_stacking_and_ohmic_rates_with_units():
    hbar, k_B, eta, cutoff, T, w0 = 2.0, 3.0, 0.4, 5.0, 0.7, 1.5
    hamiltonian = np.diag([0.0, hbar * w0])
    bath = qme.Bath(coupling=SIGMA_X, temperature=T, spectral_density="ohmic", strength=eta, cutoff=cutoff)
    me = qme.build_master_equation(hamiltonian, [bath], hbar=hbar, k_B=k_B)
    n = 1.0 / (np.exp(hbar * w0 / (k_B * T)) - 1.0)
    J = eta * w0 * np.exp(-w0 / cutoff)
    lower = np.array([[0.0, 1.0], [0.0, 0.0]])
    jumps = [(J * (1 + n), lower), (J * n, lower.T)]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    rho = x @ x.conj().T
    rho /= np.trace(rho)
    L = me.liouvillian_original_basis()
    np.testing.assert_allclose((L @ rho.ravel(order="F")).reshape((2, 2), order="F"), explicit_generator(hamiltonian, jumps, rho, hbar), atol=1e-13)


def test_liouvillian_preserves_trace_and_hermiticity():
    me = qme.chain_master_equation(4, 1.0, 0.6, 0.9, 0.2)
    d = me.dimension
    identity = np.eye(d).ravel(order="F")
    assert np.abs(identity @ me.liouvillian).max() < 1e-13
    rng = np.random.default_rng(2)
    x = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    out = (me.liouvillian @ (x + x.conj().T).ravel(order="F")).reshape((d, d), order="F")
    assert np.abs(out - out.conj().T).max() < 1e-12


def test_zero_frequency_jump_with_ohmic_spectrum_dephases_at_eta_k_T_over_hbar():
    hbar, k_B, eta, T = 1.5, 2.0, 0.3, 0.8
    bath = qme.Bath(coupling=SIGMA_Z, temperature=T, spectral_density="ohmic", strength=eta)
    me = qme.build_master_equation(np.diag([0.0, 1.0]), [bath], hbar=hbar, k_B=k_B)
    gamma0 = eta * k_B * T / hbar
    # D[sigma_z] on rho_01: gamma0 (-1 - 1) rho_01; plus -(i/hbar)(E_0 - E_1).
    assert me.liouvillian[2, 2] == pytest.approx(-2 * gamma0 + 1j / hbar)


def test_zero_frequency_jump_with_flat_spectrum_raises():
    bath = qme.Bath(coupling=SIGMA_Z + SIGMA_X, temperature=0.5)
    with pytest.raises(ValueError, match=r"bath\(s\) \[0\]: flat spectral density with a non-zero jump operator A\(w=0\)"):
        qme.build_master_equation(np.diag([0.0, 1.0]), [bath])


def test_zero_temperature_bath_has_pure_emission_and_no_overflow_at_tiny_temperature():
    lower = np.array([[0.0, 1.0], [0.0, 0.0]])
    for T in (0.0, 1e-4):  # hbar w / k_B T = 1e4 must not overflow exp
        me = qme.build_master_equation(np.diag([0.0, 1.0]), [qme.Bath(coupling=SIGMA_X, temperature=T, strength=0.9)])
        W = me.rate_matrix()
        assert W[0, 1] == pytest.approx(0.9) and W[1, 0] == 0.0
        state = qme.steady_state(me)
        np.testing.assert_allclose(state.density_matrix, lower @ lower.T, atol=1e-15)


def test_block_eigenbasis_diagonalises_h_and_keeps_isolated_states():
    hamiltonian = np.zeros((10, 10))
    hamiltonian[5:, 5:] = np.eye(5) + 0.4 * (np.eye(5, k=1) + np.eye(5, k=-1))
    energies, basis = qme.block_eigenbasis(sp.csr_matrix(hamiltonian))
    v = basis.toarray()
    np.testing.assert_allclose(v.conj().T @ hamiltonian @ v, np.diag(energies), atol=1e-14)
    np.testing.assert_allclose(v[:, :5], np.eye(10)[:, :5])  # the degenerate site ground states stay |g_k>
    band = 1.0 + 0.8 * np.cos(np.arange(1, 6) * np.pi / 6)  # h + 2 g cos(k pi / (N + 1))
    np.testing.assert_allclose(np.sort(energies[5:]), np.sort(band), atol=1e-14)


def test_fermionic_bath_takes_the_annihilation_operator():
    lower = np.array([[0.0, 1.0], [0.0, 0.0]])
    bath = qme.Bath(coupling=lower, temperature=1.0, statistics="fermi", chemical_potential=0.3)
    me = qme.build_master_equation(np.diag([0.0, -2.0]), [bath])  # level below mu: mostly filled
    f = 1.0 / (1.0 + np.exp(-2.0 - 0.3))
    assert qme.steady_state(me).diagonal[1] == pytest.approx(f, rel=1e-12)


def test_bad_inputs_raise_value_errors_naming_the_parameter():
    good_bath = qme.Bath(coupling=SIGMA_X, temperature=1.0)
    with pytest.raises(ValueError, match="hamiltonian must be Hermitian"):
        qme.build_master_equation(np.array([[0.0, 1.0], [0.0, 1.0]]), [good_bath])
    with pytest.raises(ValueError, match="hamiltonian must be a square matrix"):
        qme.build_master_equation(np.zeros((2, 3)), [good_bath])
    with pytest.raises(ValueError, match="baths must contain at least one Bath"):
        qme.build_master_equation(np.eye(2), [])
    with pytest.raises(ValueError, match=r"baths\[0\].coupling has shape \(2, 2\), expected \(3, 3\)"):
        qme.build_master_equation(np.diag([0.0, 1.0, 2.0]), [good_bath])
    with pytest.raises(ValueError, match="temperature must be finite and >= 0"):
        qme.Bath(coupling=SIGMA_X, temperature=-0.1)
    with pytest.raises(ValueError, match="coupling must be Hermitian for a bosonic bath"):
        qme.Bath(coupling=np.array([[0.0, 1.0], [0.0, 0.0]]), temperature=1.0)
    with pytest.raises(ValueError, match="spectral_density must be one of"):
        qme.Bath(coupling=SIGMA_X, temperature=1.0, spectral_density="lorentzian")
    with pytest.raises(ValueError, match="statistics must be one of"):
        qme.Bath(coupling=SIGMA_X, temperature=1.0, statistics="anyon")
    with pytest.raises(ValueError, match="spectral_density must be 'flat' for a fermionic bath"):
        qme.Bath(coupling=SIGMA_X, temperature=1.0, statistics="fermi", spectral_density="ohmic")
    with pytest.raises(ValueError, match="chemical_potential must be 0 for a bosonic bath"):
        qme.Bath(coupling=SIGMA_X, temperature=1.0, chemical_potential=0.2)
    with pytest.raises(ValueError, match="strength must be finite and >= 0"):
        qme.Bath(coupling=SIGMA_X, temperature=1.0, strength=-1.0)
    with pytest.raises(ValueError, match="cutoff must be > 0"):
        qme.Bath(coupling=SIGMA_X, temperature=1.0, spectral_density="ohmic", cutoff=0.0)
    with pytest.raises(ValueError, match="omega_2 must be finite and > 0"):
        qme.lambda_system(T_1=1.0, T_2=1.0, omega_2=0.0)
    with pytest.raises(ValueError, match="'method' must be one of"):
        qme.steady_state(qme.build_master_equation(np.diag([0.0, 1.0]), [good_bath]), method="eig")
    me = qme.build_master_equation(np.diag([0.0, 1.0]), [good_bath])
    with pytest.raises(ValueError, match="rho0 must have shape"):
        qme.evolve(me, np.eye(3), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="times must be a 1-D non-decreasing array"):
        qme.evolve(me, np.eye(2) / 2, np.array([1.0, 0.5]))


@pytest.mark.parametrize("method", ["auto", "pauli", "liouvillian"])
def test_dark_level_makes_steady_state_non_unique_and_is_reported(method):
    """Lambda system with bath 2 removed: |2> is never touched, so the null space is two-dimensional."""
    coupling = np.zeros((3, 3))
    coupling[2, 0] = coupling[0, 2] = 1.0
    me = qme.build_master_equation(np.diag([0.0, 0.0, 1.0]), [qme.Bath(coupling=coupling, temperature=0.7)])
    with pytest.raises(ValueError, match="not one-dimensional"):
        qme.steady_state(me, method=method)
