"""Cross-check against QuTiP with jump operators built independently here (dense, loops)."""

import numpy as np
import pytest

from fpsolver import qme

qutip = pytest.importorskip("qutip")


def reference_collapse_operators(hamiltonian, couplings, temperatures, gamma):
    """Microscopic jump operators A_k(w) = sum P_a S_k P_b over level pairs with E_b - E_a = w.

    Written from Breuer-Petruccione with projectors, independent of fpsolver's basis choice:
    ``eigh`` may return any basis inside a degenerate level.
    """
    energies, vectors = np.linalg.eigh(hamiltonian)
    levels = []
    for e, v in zip(energies, vectors.T):
        if levels and abs(e - levels[-1][0]) < 1e-8:
            levels[-1][1].append(v)
        else:
            levels.append((e, [v]))
    projectors = [(e, sum(np.outer(v, v.conj()) for v in vs)) for e, vs in levels]
    c_ops = []
    for coupling, temperature in zip(couplings, temperatures):
        by_frequency = []
        for e_a, p_a in projectors:
            for e_b, p_b in projectors:
                piece = p_a @ coupling @ p_b
                if np.abs(piece).max() < 1e-12:
                    continue
                w = e_b - e_a
                assert abs(w) > 1e-8, "flat spectrum: no zero-frequency jumps in these tests"
                for entry in by_frequency:
                    if abs(entry[0] - w) < 1e-8:
                        entry[1] += piece
                        break
                else:
                    by_frequency.append([w, piece])
        for w, operator in by_frequency:
            n = 0.0 if temperature == 0 else 1.0 / (np.exp(abs(w) / temperature) - 1.0)
            rate = gamma * (1.0 + n) if w > 0 else gamma * n
            if rate > 0:
                c_ops.append(qutip.Qobj(np.sqrt(rate) * operator))
    return c_ops


def compare(me, hamiltonian, couplings, temperatures, gamma):
    c_ops = reference_collapse_operators(hamiltonian, couplings, temperatures, gamma)
    reference = qutip.steadystate(qutip.Qobj(hamiltonian), c_ops).full()
    for method in ("auto", "liouvillian"):
        state = qme.steady_state(me, method=method)
        assert np.abs(state.density_matrix - reference).max() < 1e-8
    superoperator = qutip.liouvillian(qutip.Qobj(hamiltonian), c_ops).full()
    assert np.abs(me.liouvillian_original_basis().toarray() - superoperator).max() < 1e-10


def lambda_operators(omega_1, omega_2):
    top = max(omega_1, omega_2)
    hamiltonian = np.diag([top - omega_1, top - omega_2, top])
    couplings = []
    for k in (0, 1):
        s = np.zeros((3, 3))
        s[2, k] = s[k, 2] = 1.0
        couplings.append(s)
    return hamiltonian, couplings


@pytest.mark.parametrize("omegas", [(1.0, 1.0), (1.0, 1.5)])
def test_lambda_steady_state_and_liouvillian_match_qutip(omegas):
    hamiltonian, couplings = lambda_operators(*omegas)
    temperatures, gamma = (1.7, 0.35), 0.8
    baths = [qme.Bath(coupling=s, temperature=t, strength=gamma) for s, t in zip(couplings, temperatures)]
    compare(qme.build_master_equation(hamiltonian, baths), hamiltonian, couplings, temperatures, gamma)


@pytest.mark.parametrize("g", [0.3, 1.3])
def test_four_site_chain_steady_state_and_liouvillian_match_qutip(g):
    me = qme.chain_master_equation(4, 1.0, g, 0.8, 0.3, gamma=0.7)
    hamiltonian = (me.basis @ me.hamiltonian @ me.basis.conj().T).toarray()
    couplings = [bath.coupling.toarray() for bath in me.baths]
    temperatures = [bath.temperature for bath in me.baths]
    compare(me, hamiltonian, couplings, temperatures, 0.7)


def test_degenerate_three_site_ring_matches_qutip():
    n, g = 3, 0.3
    hamiltonian = np.zeros((2 * n, 2 * n))
    for k in range(n):
        hamiltonian[n + k, n + k] = 1.0
        hamiltonian[n + k, n + (k + 1) % n] = hamiltonian[n + (k + 1) % n, n + k] = g
    couplings, temperatures = [], (0.9, 0.5, 0.2)
    for k in range(n):
        s = np.zeros((2 * n, 2 * n))
        s[k, n + k] = s[n + k, k] = 1.0
        couplings.append(s)
    baths = [qme.Bath(coupling=s, temperature=t, strength=0.5) for s, t in zip(couplings, temperatures)]
    compare(qme.build_master_equation(hamiltonian, baths), hamiltonian, couplings, temperatures, 0.5)
