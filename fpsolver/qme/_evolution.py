"""Time evolution rho(t) under the full Liouvillian (relaxation curves)."""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import expm_multiply

from fpsolver.qme._builder import MasterEquation


def evolve(master_equation: MasterEquation, rho0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """rho(t) = exp(L t) rho0 at increasing ``times`` (t = 0 is the initial state).

    Uses ``scipy.sparse.linalg.expm_multiply`` on the sparse Liouvillian from one
    requested time to the next, so unevenly spaced times cost nothing extra.

    Parameters
    ----------
    rho0
        Initial density matrix in the original basis (d x d).
    times
        Non-decreasing times >= 0 (units of hbar / energy).

    Returns
    -------
    ndarray, shape (len(times), d, d)
        rho(t) in the original basis.

    Raises
    ------
    ValueError
        Wrong shape of ``rho0``; negative or decreasing ``times``.
    """
    d = master_equation.dimension
    rho0 = np.asarray(rho0, dtype=complex)
    if rho0.shape != (d, d):
        raise ValueError(f"rho0 must have shape {(d, d)}, got {rho0.shape}")
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or np.any(times < 0) or np.any(np.diff(times) < 0):
        raise ValueError("times must be a 1-D non-decreasing array of values >= 0")
    vec = master_equation.to_basis(rho0).ravel(order="F")
    out = np.empty((times.size, d, d), dtype=complex)
    previous = 0.0
    for n, t in enumerate(times):
        if t > previous:
            vec = expm_multiply(master_equation.liouvillian * (t - previous), vec)
            previous = t
        out[n] = master_equation.to_original(vec.reshape((d, d), order="F"))
    return out
