"""Timing of the N-site chain steady state: Pauli path, full Liouvillian path, QuTiP.

Run: python validation/benchmarks/bench_qme.py
Each time is the best of several repeats of: build the master equation (eigenbasis,
jump operators, rates) + solve for the steady state + site populations.
"""

import os

# Dense LAPACK on 2 shared cores is slower with OpenBLAS threads fighting other
# processes; pin to one thread unless the caller chose otherwise (printed below).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

with warnings.catch_warnings():
    # FiPy (imported by the fpsolver package) uses numpy.core, deprecated in numpy 2.
    warnings.simplefilter("ignore", DeprecationWarning)
    from fpsolver import qme  # noqa: E402

H, G, T_LEFT, T_RIGHT = 1.0, 0.5, 0.8, 0.4
TARGETS = {("pauli", 10): 5e-3, ("pauli", 200): 50e-3, ("pauli", 1000): 2.0}


def verdict_100x(N, ratio):
    return f" (target >= 100x at N = 10: {'met' if ratio >= 100 else 'MISSED'})" if N == 10 else ""


def best_time(func, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times)), result


def chain_populations(N, method):
    me = qme.chain_master_equation(N, H, G, T_LEFT, T_RIGHT)
    state = qme.steady_state(me, method=method)
    return state, state.diagonal[:N] + state.diagonal[N:]


def main():
    print(f"chain: h = {H}, g = {G}, k_B T_L = {T_LEFT}, k_B T_R = {T_RIGHT}, gamma = 1")
    print(f"OPENBLAS_NUM_THREADS = {os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"{'path':<12} {'N':>5} {'dim rho':>8} {'best [s]':>10} {'median [s]':>11}  target")
    results = {}
    for method, sizes, repeats in (("pauli", (10, 20, 50, 200, 1000), (50, 30, 20, 10, 3)), ("liouvillian", (10, 20), (20, 10))):
        for N, rep in zip(sizes, repeats):
            chain_populations(N, method)  # warm caches and imports
            best, median, (state, populations) = best_time(lambda: chain_populations(N, method), rep)
            assert state.method == method
            results[(method, N)] = (best, populations)
            target = TARGETS.get((method, N))
            verdict = "" if target is None else f"< {target:g} s: {'met' if best < target else 'MISSED'}"
            print(f"{method:<12} {N:>5} {2 * N:>8} {best:>10.4g} {median:>11.4g}  {verdict}")
    for N in (10, 20):
        diff = np.abs(results[("pauli", N)][1] - results[("liouvillian", N)][1]).max()
        print(f"max |Pauli - Liouvillian| site population difference at N = {N}: {diff:.1e}")

    try:
        import qutip
    except ImportError:
        print("qutip not installed: no comparison")
        return
    print(f"qutip {qutip.__version__}: steadystate on the same Liouvillian (original basis, as a super Qobj)")
    for N in (10, 20):
        me = qme.chain_master_equation(N, H, G, T_LEFT, T_RIGHT)
        d = me.dimension
        superoperator = qutip.Qobj(me.liouvillian_original_basis(), dims=[[[d], [d]], [[d], [d]]])
        best_q, _, rho_q = best_time(lambda: qutip.steadystate(superoperator), 5)
        ours = results[("pauli", N)][0]
        print(
            f"  N = {N:>3}: qutip {best_q:.4g} s; ratio qutip / fpsolver Pauli = {best_q / ours:.1f}{verdict_100x(N, best_q / ours)}, "
            f"/ fpsolver Liouvillian = {best_q / results[('liouvillian', N)][0]:.1f}; "
            f"max |rho_qutip - rho_fpsolver| = {np.abs(rho_q.full() - qme.steady_state(me).density_matrix).max():.1e}"
        )
    print("qutip steadystate(H, c_ops) with the microscopic jump operators (qutip assembles the Liouvillian)")
    for N, repeats in ((10, 3), (20, 1)):
        me = qme.chain_master_equation(N, H, G, T_LEFT, T_RIGHT)
        hamiltonian = qutip.Qobj((me.basis @ me.hamiltonian @ me.basis.conj().T).toarray())
        c_ops = []
        for group in np.unique(me.group):
            members = np.flatnonzero(me.group == group)
            jump = np.zeros((me.dimension, me.dimension), complex)
            jump[me.row[members], me.col[members]] = me.amplitude[members]
            c_ops.append(qutip.Qobj(np.sqrt(me.rate[members[0]]) * me.to_original(jump)))
        best_q, _, rho_q = best_time(lambda: qutip.steadystate(hamiltonian, c_ops), repeats)
        ratio = best_q / results[("pauli", N)][0]
        print(
            f"  N = {N:>3} ({len(c_ops)} c_ops, {repeats} run(s)): qutip {best_q:.4g} s; ratio qutip / fpsolver Pauli = "
            f"{ratio:.1f}{verdict_100x(N, ratio)}; max |rho diff| = "
            f"{np.abs(rho_q.full() - qme.steady_state(me).density_matrix).max():.1e}"
        )


if __name__ == "__main__":
    main()
