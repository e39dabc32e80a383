"""Derived observables of steady densities: the effective Soret coefficient."""

from __future__ import annotations

import numpy as np


def soret_coefficient(x: np.ndarray, P: np.ndarray, T: np.ndarray, *, min_dT: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """S_T = -d ln P / dT between neighbouring cells (PHYSICS.md section 6), at midpoints.

    Returns (x_mid, S_T) with NaN where |dT| < ``min_dT`` (T locally flat). For the
    Ito model S_T = 1/T (gCLm Eq. 8). Units: 1/temperature.
    """
    order = np.argsort(x)
    x, P, T = x[order], P[order], T[order]
    dT = np.diff(T)
    flat = np.abs(dT) < min_dT
    S = -np.diff(np.log(P)) / np.where(flat, 1.0, dT)
    return 0.5 * (x[1:] + x[:-1]), np.where(flat, np.nan, S)


def effective_soret(P: np.ndarray, T: np.ndarray, volumes: np.ndarray) -> float:
    """One number per profile: minus the probability-weighted least-squares slope of ln P
    against T over the cells (1/temperature); NaN when T is constant."""
    weights = P * volumes
    T_mean = np.sum(weights * T) / weights.sum()
    spread = np.sum(weights * (T - T_mean) ** 2)
    if spread <= 0:
        return float("nan")
    log_P = np.log(P)
    return float(-np.sum(weights * (T - T_mean) * (log_P - np.sum(weights * log_P) / weights.sum())) / spread)


def steady_moments(model, domain: tuple[float, float], *, points: int = 40001) -> tuple[float, float]:
    """<x> and <x^2> of the exact zero-flux steady state of ``model`` on ``domain``
    (Simpson quadrature of :func:`fpsolver.pde.exact.steady_state_at` on a fine grid)."""
    from scipy.integrate import simpson

    from fpsolver.pde.exact import steady_state_at

    x = np.linspace(domain[0], domain[1], points)
    P = steady_state_at(model, x, domain)
    mass = simpson(P, x=x)
    return float(simpson(x * P, x=x) / mass), float(simpson(x * x * P, x=x) / mass)
