"""The metrics of a case run, computed in this one place: PDE against the exact steady
state, Langevin histograms against exact cell averages, and the Soret observables.

Writers and sweeps read these numbers; they never recompute them.
"""

from __future__ import annotations

import numpy as np

from fpsolver.analysis.compare import compare, l1_distance, max_relative_error
from fpsolver.analysis.observables import effective_soret
from fpsolver.results.ensemble import EnsembleResult, InertialEnsembleResult
from fpsolver.results.field import SteadyState


def steady_metrics(solution: SteadyState, reference: np.ndarray | None, T: np.ndarray, current: float | None = None) -> dict[str, float]:
    """A PDE steady state against the exact density ``reference`` (1/length^d) on the same cells.

    Returns
    -------
    dict
        ``l1_pde_vs_exact`` = sum_i |P_i - P_exact,i| V_i (dimensionless),
        ``max_relative_error_pde_vs_exact`` = max_i |P_i - P_exact,i| / P_exact,i
        (both only with a ``reference``), ``mass`` = sum_i P_i V_i, ``mean_position`` = <x>
        (length; ``mean_position_x``, ``_y``, ``_z`` on 2D/3D meshes),
        ``relative_residual`` of the linear solve, and ``effective_soret``: minus the
        probability-weighted slope of ln P against the cell temperatures ``T``
        (1/temperature; see :func:`fpsolver.analysis.observables.effective_soret`).
        On a 1D ring, ``current_pde`` (the steady current, 1/time) and, with the exact
        ``current``, ``current_exact`` and ``current_relative_error`` = |J - J_exact| / |J_exact|
        (absolute when J_exact = 0).
    """
    values: dict[str, float] = {}
    if reference is not None:
        values["l1_pde_vs_exact"] = l1_distance(solution.P, reference, solution.volumes)
        values["max_relative_error_pde_vs_exact"] = max_relative_error(solution.P, reference)
    values["mass"] = solution.mass
    mean = np.atleast_1d(solution.mean)
    if mean.size == 1:
        values["mean_position"] = float(mean[0])
    else:
        values.update({f"mean_position_{axis}": float(value) for axis, value in zip("xyz", mean)})
    values["relative_residual"] = float(solution.metadata["relative_residual"])
    values["effective_soret"] = effective_soret(solution.P, T, solution.volumes)
    if "current" in solution.metadata:
        values["current_pde"] = float(solution.metadata["current"])
        if current is not None:
            values["current_exact"] = float(current)
            values["current_relative_error"] = abs(values["current_pde"] - current) / (abs(current) if current != 0 else 1.0)
    return values


def ensemble_metrics(result: EnsembleResult | InertialEnsembleResult, reference: np.ndarray, prefix: str) -> dict[str, float]:
    """An ensemble histogram against exact cell averages ``reference`` (1/length).

    L1, Hellinger, KS and chi^2/dof from :func:`fpsolver.analysis.compare.compare`; the
    expected L1 of pure noise, sqrt(2/pi) sum_i sigma_i V_i (normal approximation, with
    sigma_i the per-cell standard error); and the steady <x> with its standard error.
    Every key is prefixed with ``prefix`` (e.g. ``"sde"``).
    """
    metrics = compare(result.P, reference, result.volumes, result.P_error)
    metrics["expected_l1"] = float(np.sqrt(2.0 / np.pi) * np.sum(result.P_error * result.volumes))
    metrics["mean_position"] = float(result.steady_mean)
    metrics["mean_position_error"] = float(result.steady_mean_error)
    return {f"{prefix}_{name}": value for name, value in metrics.items()}
