"""N-site chain (quantum-thermophoresis Fig. 2): Pauli vs Liouvillian, degeneracies, figure claims."""

import numpy as np
import pytest
import scipy.sparse as sp

from fpsolver import qme

H = 1.0


@pytest.mark.parametrize("N", range(2, 9))
def test_pauli_shortcut_equals_full_liouvillian_for_chain(N):
    for g in (0.1, 0.45, -0.7, 1.3):
        me = qme.chain_master_equation(N, H, g, 0.8, 0.25, gamma=0.6)
        assert me.pauli_applicable
        pauli = qme.steady_state(me, method="pauli")
        full = qme.steady_state(me, method="liouvillian")
        assert np.abs(pauli.density_matrix - full.density_matrix).max() < 1e-10
        assert np.abs(pauli.heat_currents - full.heat_currents).max() < 1e-10
        # Both use sum_w hbar w gamma <A^†A>; check it against the definition -Tr[D_k(rho) H_S].
        vec_rho = full.rho_basis.ravel(order="F")
        vec_h_t = me.hamiltonian.T.toarray().ravel(order="F")
        by_definition = [-(vec_h_t @ (dk @ vec_rho)).real for dk in me.bath_dissipators()]
        assert np.abs(pauli.heat_currents - by_definition).max() < 1e-12
        # The ground manifold is N-fold degenerate: coherences between |g_k> vanish.
        ground = full.density_matrix[:N, :N]
        assert np.abs(ground - np.diag(np.diag(ground))).max() < 1e-12


@pytest.mark.parametrize("g", [0.1, 0.7, 1.3])
def test_global_chain_heat_currents_sum_to_zero_and_entropy_production_is_positive(g):
    result = qme.chain(10, H, g, 0.8, 0.4)
    assert abs(result.heat_currents.sum()) < 1e-13
    assert result.entropy_production > 0
    assert result.site_populations.sum() == pytest.approx(1.0, abs=1e-13)


def ring_master_equation(g, temperatures):
    """Three sites on a ring: the excited level h - g is doubly degenerate (plus the 3-fold ground level)."""
    n = 3
    hamiltonian = np.zeros((2 * n, 2 * n))
    for k in range(n):
        hamiltonian[n + k, n + k] = H
        hamiltonian[n + k, n + (k + 1) % n] = hamiltonian[n + (k + 1) % n, n + k] = g
    baths = []
    for k, temperature in enumerate(temperatures):
        coupling = np.zeros((2 * n, 2 * n))
        coupling[k, n + k] = coupling[n + k, k] = 1.0
        baths.append(qme.Bath(coupling=coupling, temperature=temperature, strength=0.5))
    return qme.build_master_equation(hamiltonian, baths)


def test_symmetric_ring_with_degenerate_excited_level_uses_full_liouvillian():
    me = ring_master_equation(0.3, (0.9, 0.5, 0.2))
    energies = np.sort(me.energies)
    assert energies[3] == energies[4]  # the degenerate pair at h - g, snapped exactly
    assert not me.pauli_applicable
    with pytest.raises(ValueError, match="method='pauli' is not applicable"):
        qme.steady_state(me, method="pauli")
    state = qme.steady_state(me)
    assert state.method == "liouvillian"
    rho = state.density_matrix
    assert np.allclose(rho, rho.conj().T, atol=1e-14)
    assert np.linalg.eigvalsh(rho).min() > -1e-12
    # The steady state keeps a coherence inside the degenerate excited level: rates alone cannot describe it.
    pair = np.flatnonzero(np.isclose(me.energies, H - 0.3))
    assert abs(state.rho_basis[pair[0], pair[1]]) > 1e-6
    # Independent of the solver: the dense null vector of the same Liouvillian.
    dense = me.liouvillian.toarray()
    _, s, vh = np.linalg.svd(dense)
    assert s[-2] > 1e-8  # one-dimensional null space
    null = vh[-1].conj().reshape((6, 6), order="F")
    np.testing.assert_allclose(state.rho_basis, null / np.trace(null), atol=1e-12)


def test_steady_state_is_long_time_limit_of_evolution_for_ring():
    me = ring_master_equation(0.3, (0.9, 0.5, 0.2))
    rho0 = np.zeros((6, 6), complex)
    rho0[0, 0] = 1.0
    final = qme.evolve(me, rho0, np.array([0.0, 2000.0]))[-1]
    np.testing.assert_allclose(final, qme.steady_state(me).density_matrix, atol=1e-9)


def test_fig2_weak_coupling_population_increases_towards_cold_end():
    for T_left, T_right in ((0.8, 0.4), (0.5, 0.1), (1.5, 1.0), (0.4, 0.8)):
        p = qme.chain_site_populations(10, H, 0.1 * H, T_left, T_right)
        towards_cold = p if T_right < T_left else p[::-1]
        assert np.all(np.diff(towards_cold) > 0)


def test_fig2d_strong_coupling_peaks_at_site_3_then_decreases():
    p = qme.chain_site_populations(10, H, 1.3 * H, 0.8 * H, 0.4 * H)
    assert np.argmax(p) == 2
    assert np.all(np.diff(p[2:]) < 0)
    assert np.arange(1, 11) @ p < 5.5  # negative thermophoresis: centre of mass on the hot side


def test_fig2e_low_temperature_strong_coupling_gives_symmetric_peak_at_sites_5_6():
    p = qme.chain_site_populations(10, H, 1.3 * H, 0.3 * H, 0.1 * H)
    assert set(np.argsort(p)[-2:]) == {4, 5}
    assert np.all(np.diff(p[:5]) > 0) and np.all(np.diff(p[5:]) < 0)
    assert np.abs(p - p[::-1]).max() < 0.02 * p.max()


@pytest.mark.parametrize("g", [0.7, 0.9])
def test_fig2e_intermediate_coupling_shows_slight_negative_thermophoresis(g):
    p = qme.chain_site_populations(10, H, g * H, 0.3 * H, 0.1 * H)
    assert 5.0 < np.arange(1, 11) @ p < 5.5


@pytest.mark.parametrize("g", [0.01, 0.3, 1.3])
def test_local_approach_gives_site_boltzmann_populations_independent_of_g(g):
    """Local ME: equal excited populations C on all sites commute with the hopping and each
    local dissipator fixes p_g,k / p_e,k = exp(h / T_k), so p_k is proportional to 1 + exp(h / T_k)."""
    temperatures = np.linspace(0.8, 0.4, 10)
    result = qme.chain(10, H, g, 0.8, 0.4, approach="local")
    assert result.steady_state.method == "liouvillian"
    expected = 1.0 + np.exp(H / temperatures)
    np.testing.assert_allclose(result.site_populations, expected / expected.sum(), rtol=1e-10)


def test_local_and_global_approaches_agree_only_at_weak_coupling():
    differences = []
    for g in (0.01, 0.1, 1.3):
        global_ = qme.chain_site_populations(10, H, g, 0.8, 0.4)
        local = qme.chain_site_populations(10, H, g, 0.8, 0.4, approach="local")
        differences.append(np.abs(global_ - local).max())
    assert differences[0] < 1e-4 < differences[1] < 1e-2 < differences[2]


def test_chain_rejects_bad_parameters():
    with pytest.raises(ValueError, match="'N' must be >= 2"):
        qme.chain(1, H, 0.1, 0.5, 0.2)
    with pytest.raises(ValueError, match="T_right must be finite and >= 0"):
        qme.chain(4, H, 0.1, 0.5, -0.2)
    with pytest.raises(ValueError, match="h must be finite and > 0"):
        qme.chain(4, 0.0, 0.1, 0.5, 0.2)
    with pytest.raises(ValueError, match="'approach' must be one of"):
        qme.chain(4, H, 0.1, 0.5, 0.2, approach="semi-local")
    # N = 2, g = h: the antisymmetric excited state sits at 0, degenerate with the ground states.
    with pytest.raises(ValueError, match="flat spectral density with a non-zero jump operator A\\(w=0\\)"):
        qme.chain(2, H, H, 0.5, 0.2)


@pytest.mark.parametrize("method", ["pauli", "liouvillian"])
def test_chain_at_zero_temperature_has_several_absorbing_states_and_says_so(method):
    # g = 1.3, N = 6: two excited eigenstates lie below the site ground states; at T = 0
    # nothing leaves either of them, so the null space is two-dimensional.
    me = qme.chain_master_equation(6, H, 1.3, 0.0, 0.0)
    assert np.sum(me.energies < 0) == 2
    with pytest.raises(ValueError, match="null space of the .* is not one-dimensional"):
        qme.steady_state(me, method=method)


def test_chain_with_one_cold_end_at_zero_temperature_has_a_unique_steady_state():
    full = qme.steady_state(qme.chain_master_equation(5, H, 0.4, 0.6, 0.0), method="liouvillian")
    pauli = qme.steady_state(qme.chain_master_equation(5, H, 0.4, 0.6, 0.0), method="pauli")
    assert np.abs(full.density_matrix - pauli.density_matrix).max() < 1e-10
    assert sp.issparse(full.master_equation.basis)
