"""Derived observables of steady densities: the Soret coefficient S_T = -d ln P / dT
(between neighbouring points, at positions or at temperatures, or one effective number
per profile) and the exact steady moments."""

from __future__ import annotations

import numpy as np


def _neighbour_soret(P: np.ndarray, T: np.ndarray, min_dT: float) -> np.ndarray:
    """-(ln P_{i+1} - ln P_i) / (T_{i+1} - T_i) for neighbouring points, NaN where |dT| < ``min_dT``."""
    dT = np.diff(T)
    flat = np.abs(dT) < min_dT
    return np.where(flat, np.nan, -np.diff(np.log(P)) / np.where(flat, 1.0, dT))


def _profile_arrays(P: np.ndarray, T: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    arrays = [np.asarray(a, dtype=float) for a in (P, T, *others)]
    if not all(a.ndim == 1 and a.shape == arrays[0].shape for a in arrays) or arrays[0].size < 2:
        raise ValueError(f"P, T (and x) must be 1D arrays of one shape with at least 2 points, got shapes {[a.shape for a in arrays]}")
    return arrays


def soret_coefficient(x: np.ndarray, P: np.ndarray, T: np.ndarray, *, min_dT: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """S_T = -d ln P / dT between neighbouring cells (docs/physics/ensembles.md), at position midpoints.

    The points are taken in order of ``x``; between neighbours i, i+1 the difference
    quotient S_T = -(ln P_{i+1} - ln P_i) / (T_{i+1} - T_i) is placed at
    (x_i + x_{i+1}) / 2, for plots of S_T along the profile. Returns (x_mid, S_T) with
    NaN where |dT| < ``min_dT`` (T locally flat). For the Ito model S_T = 1/T (gCLm
    Eq. 8). Units: 1/temperature.
    """
    P, T, x = _profile_arrays(P, T, x)
    order = np.argsort(x)
    x, P, T = x[order], P[order], T[order]
    return 0.5 * (x[1:] + x[:-1]), _neighbour_soret(P, T, min_dT)


def soret_coefficient_vs_temperature(P: np.ndarray, T: np.ndarray, *, min_dT: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """S_T = -d ln P / dT between neighbouring points, at their logarithmic-mean temperature.

    The same difference quotient as :func:`soret_coefficient` (points in the order
    given, e.g. cells along x or the sites of a chain), placed at
    T_mid = (T_{i+1} - T_i) / (ln T_{i+1} - ln T_i), the temperature at which it is
    exact for a power law: P ∝ T^(-s) gives S_T T_mid = s for any spacing, so
    S_T T_mid can be compared with a closed form to round-off. Returns (T_mid, S_T)
    with NaN in S_T (and T_mid = T_i) where |dT| < ``min_dT``. Units: temperature,
    1/temperature.
    """
    P, T = _profile_arrays(P, T)
    dT, dlogT = np.diff(T), np.diff(np.log(T))
    flat = np.abs(dT) < min_dT
    T_mid = np.where(flat, T[:-1], dT / np.where(flat, 1.0, dlogT))
    return T_mid, _neighbour_soret(P, T, min_dT)


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
