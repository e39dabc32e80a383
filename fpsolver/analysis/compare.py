"""Distances between a histogram density and a reference density on the same cells.

All functions take densities (per unit length) at the cells of one mesh and the
cell volumes, so ``sum(density * volumes)`` is each distribution's mass. With
p_i = P_i V_i and q_i = Q_i V_i the cell probabilities:

* L1 distance            sum_i |p_i - q_i|                     (in [0, 2])
* Hellinger distance     sqrt( sum_i (sqrt(p_i) - sqrt(q_i))^2 / 2 )   (in [0, 1])
* Kolmogorov-Smirnov     max_k |sum_{i<=k} p_i - sum_{i<=k} q_i|   (cells in order of x)
* max. relative error    max_i |P_i - Q_i| / |Q_i|              (pointwise, Q the reference)
* chi^2 per dof          (1/n) sum_i ((P_i - Q_i) / sigma_i)^2 over the n cells
                         with sigma_i > 0 (sigma = per-cell standard error of P)

For a histogram of N independent samples over n cells, the expected L1 distance
to the truth is sum_i sqrt(2 p_i (1 - p_i) / (pi N)) (the mean absolute
deviation of a binomial count, normal approximation): :func:`expected_l1`.
Use it with an effective N when samples are correlated.

A histogram estimates cell averages, while PDE and quadrature references are
values at cell centres; they differ by h^2 P''/24. :func:`cell_averages`
computes the exact cell averages of the zero-flux steady state for
comparisons finer than that.
"""

from __future__ import annotations

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver.meshes.builders import extent
from fpsolver.models import Model
from fpsolver.pde.exact import periodic_steady_state_at, steady_state_at

__all__ = ["l1_distance", "hellinger_distance", "ks_statistic", "max_relative_error", "chi2_per_dof", "expected_l1", "cell_averages", "compare"]


def _densities(P: np.ndarray, Q: np.ndarray, volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    P, Q, volumes = (np.asarray(a, dtype=float) for a in (P, Q, volumes))
    if not (P.shape == Q.shape == volumes.shape and P.ndim == 1):
        raise ValueError(f"densities and volumes must be 1D arrays of one shape, got {P.shape}, {Q.shape}, {volumes.shape}")
    if not (np.all(np.isfinite(P)) and np.all(np.isfinite(Q))):
        raise ValueError("densities must be finite")
    if np.any(volumes <= 0):
        raise ValueError("cell volumes must be > 0")
    return P, Q, volumes


def _probabilities(P: np.ndarray, Q: np.ndarray, volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    P, Q, volumes = _densities(P, Q, volumes)
    return P * volumes, Q * volumes


def l1_distance(P: np.ndarray, Q: np.ndarray, volumes: np.ndarray) -> float:
    """sum_i |P_i - Q_i| V_i.

    The difference is taken before the product with V_i: it is exact for nearly equal
    densities, so a distance at round-off level (a solver against its exact discrete
    solution) is measured rather than the rounding of P_i V_i and Q_i V_i.
    """
    P, Q, volumes = _densities(P, Q, volumes)
    return float(np.sum(np.abs(P - Q) * volumes))


def hellinger_distance(P: np.ndarray, Q: np.ndarray, volumes: np.ndarray) -> float:
    """sqrt(sum_i (sqrt(P_i V_i) - sqrt(Q_i V_i))^2 / 2); raises ValueError for negative densities."""
    p, q = _probabilities(P, Q, volumes)
    if np.any(p < 0) or np.any(q < 0):
        raise ValueError("Hellinger distance needs non-negative densities")
    return float(np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)))


def ks_statistic(P: np.ndarray, Q: np.ndarray, volumes: np.ndarray) -> float:
    """Largest difference of the cumulative distributions over cells (cells ordered by x)."""
    p, q = _probabilities(P, Q, volumes)
    return float(np.max(np.abs(np.cumsum(p) - np.cumsum(q))))


def max_relative_error(P: np.ndarray, Q: np.ndarray) -> float:
    """max_i |P_i - Q_i| / |Q_i|: the pointwise error of P against a reference Q with no zeros.

    Both densities must have the same normalisation (e.g. both from
    :func:`fpsolver.pde.exact.normalise` on the same cells). Raises ValueError for
    arrays of different shapes or a reference with a zero or non-finite entry.
    """
    P, Q = np.asarray(P, dtype=float), np.asarray(Q, dtype=float)
    if P.shape != Q.shape:
        raise ValueError(f"P and Q must have one shape, got {P.shape} and {Q.shape}")
    if not np.all(np.isfinite(Q) & (Q != 0)):
        raise ValueError("the reference Q must be finite and non-zero everywhere")
    return float(np.max(np.abs(P - Q) / np.abs(Q)))


def chi2_per_dof(P: np.ndarray, Q: np.ndarray, errors: np.ndarray) -> float:
    """Mean of ((P_i - Q_i) / sigma_i)^2 over cells with sigma_i > 0.

    Raises ValueError if no cell has a positive finite error.
    """
    P, Q, errors = (np.asarray(a, dtype=float) for a in (P, Q, errors))
    if not P.shape == Q.shape == errors.shape:
        raise ValueError(f"P, Q and errors must have one shape, got {P.shape}, {Q.shape}, {errors.shape}")
    used = np.isfinite(errors) & (errors > 0)
    if not np.any(used):
        raise ValueError("chi2_per_dof: no cell has a positive, finite error")
    return float(np.mean(((P[used] - Q[used]) / errors[used]) ** 2))


def log_slope(x: np.ndarray, y: np.ndarray, y_error: np.ndarray) -> tuple[float, float]:
    """Convergence order: the weighted least-squares slope p of ln|y| = p ln x + c and its
    standard error, for measured y with standard errors ``y_error`` (sigma of ln|y| =
    y_error / |y|, weights 1/sigma^2).

    Returns ``(p, standard error of p)``; with a bias measured at several steps dt this
    is the apparent weak order and how well the data pin it down.
    """
    x, y, y_error = (np.asarray(v, dtype=float) for v in (x, y, y_error))
    if x.size < 2 or not (x.shape == y.shape == y_error.shape):
        raise ValueError(f"log_slope: x, y and y_error need the same shape and at least 2 points, got {x.shape}, {y.shape}, {y_error.shape}")
    if np.any(x <= 0) or np.any(y == 0) or np.any(y_error <= 0):
        raise ValueError("log_slope: x must be > 0, y non-zero and y_error > 0")
    weight = (y / y_error) ** 2
    log_x = np.log(x)
    centred = log_x - np.sum(weight * log_x) / np.sum(weight)
    spread = np.sum(weight * centred**2)
    return float(np.sum(weight * centred * np.log(np.abs(y))) / spread), float(1.0 / np.sqrt(spread))


def expected_l1(Q: np.ndarray, volumes: np.ndarray, samples: float) -> float:
    """Expected L1 distance of an N-sample histogram from its true density Q (see module docstring)."""
    q = np.asarray(Q, dtype=float) * np.asarray(volumes, dtype=float)
    q = q / q.sum()
    return float(np.sum(np.sqrt(2.0 * q * (1.0 - q) / (np.pi * samples))))


def cell_averages(model: Model, mesh: Mesh, *, points_per_cell: int = 8) -> np.ndarray:
    """Exact steady density averaged over each cell (Gauss-Legendre), sum(P V) = 1: the
    zero-flux state, or on a periodic mesh the current-carrying ring state
    (:func:`~fpsolver.pde.exact.periodic_steady_state_at`)."""
    faces = np.sort(_fipy.face_centers(mesh)[0])
    nodes, weights = np.polynomial.legendre.leggauss(points_per_cell)
    centres, halves = 0.5 * (faces[1:] + faces[:-1]), 0.5 * np.diff(faces)
    x = (centres[:, None] + halves[:, None] * nodes[None, :]).ravel()
    density = periodic_steady_state_at(model, x, extent(mesh))[0] if _fipy.is_periodic(mesh) else steady_state_at(model, x, extent(mesh))
    P = density.reshape(centres.size, points_per_cell)
    averages = 0.5 * P @ weights
    return averages / np.sum(averages * 2.0 * halves)


def compare(P: np.ndarray, Q: np.ndarray, volumes: np.ndarray, errors: np.ndarray | None = None) -> dict[str, float]:
    """All metrics at once: l1, hellinger, ks and (with ``errors``) chi2_per_dof."""
    metrics = {
        "l1": l1_distance(P, Q, volumes),
        "hellinger": hellinger_distance(P, Q, volumes),
        "ks": ks_statistic(P, Q, volumes),
    }
    if errors is not None:
        metrics["chi2_per_dof"] = chi2_per_dof(P, Q, errors)
    return metrics
