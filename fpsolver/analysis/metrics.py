"""The metrics of a case run, computed in this one place: PDE against the exact steady
state, Langevin histograms against exact cell averages, PDE transients against Langevin
ensembles from the same start, and the Soret observables.

Writers and sweeps read these numbers; they never recompute them.
"""

from __future__ import annotations

import numpy as np

from fpsolver._fipy import Mesh, cell_volumes
from fpsolver.analysis.compare import compare, l1_distance, max_relative_error
from fpsolver.analysis.observables import effective_soret
from fpsolver.models import Model
from fpsolver.pde import exact
from fpsolver.results.ensemble import EnsembleNDResult, EnsembleResult, InertialEnsembleResult
from fpsolver.results.field import SteadyState, TransientSolution


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


def ensemble_metrics(result: EnsembleResult | InertialEnsembleResult | EnsembleNDResult, reference: np.ndarray, prefix: str, current: float | None = None) -> dict[str, float]:
    """An ensemble histogram against the reference bin averages ``reference`` (1/length^d:
    exact cell averages in 1D, the PDE's cell values averaged over each bin in 2D/3D).

    L1, Hellinger, KS and chi^2/dof from :func:`fpsolver.analysis.compare.compare`; the
    expected L1 of pure noise, sqrt(2/pi) sum_i sigma_i V_i (normal approximation, with
    sigma_i the per-bin standard error); and in 1D the steady <x> with its standard error.
    On a ring (an overdamped result with a current): ``current`` and ``current_error``
    (1/time), and with the exact ``current`` J_exact also ``current_exact`` and
    ``current_deviation`` = |J - J_exact| / sigma_J, the deviation in standard errors.
    Every key is prefixed with ``prefix`` (e.g. ``"sde"``).
    """
    metrics = compare(result.P, reference, result.volumes, result.P_error)
    metrics["expected_l1"] = float(np.sqrt(2.0 / np.pi) * np.sum(result.P_error * result.volumes))
    if not isinstance(result, EnsembleNDResult):
        metrics["mean_position"] = float(result.steady_mean)
        metrics["mean_position_error"] = float(result.steady_mean_error)
    if isinstance(result, EnsembleResult) and np.isfinite(result.current):
        metrics["current"], metrics["current_error"] = float(result.current), float(result.current_error)
        if current is not None:
            metrics["current_exact"] = float(current)
            metrics["current_deviation"] = abs(result.current - current) / result.current_error
    return {f"{prefix}_{name}": value for name, value in metrics.items()}


def transient_agreement(solution: TransientSolution, ensemble: EnsembleResult) -> dict[str, float]:
    """A PDE transient against an SDE ensemble started from the same initial density.

    At t = 0 and at every PDE snapshot time t_k the PDE moments are those of the
    snapshot, <x>_PDE = sum_i x_i P_i V_i and Var_PDE = sum_i x_i^2 P_i V_i - <x>_PDE^2
    (length, length^2); the ensemble's <x>, Var x and their batch-means standard errors
    se are linearly interpolated to t_k from its records (exact when the records fall
    on the snapshot times, as :func:`fpsolver.cases.run.transient_ensemble` arranges).

    Returns
    -------
    dict
        ``transient_mean_max_z`` = max_k |<x>_SDE - <x>_PDE| / se(<x>_SDE) and
        ``transient_variance_max_z`` = max_k |Var_SDE - Var_PDE| / se(Var_SDE)
        (dimensionless z-scores; about N(0, 1) each when both describe the same
        process), and ``transient_snapshots``, the number of times compared.
    """
    x, volumes = solution.x, solution.volumes
    times = np.concatenate([[solution.t[0]], solution.snapshot_times])
    pde_mean = np.concatenate([[solution.mean[0]], solution.P @ (x * volumes)])
    pde_variance = np.concatenate([[solution.variance[0]], solution.P @ (x**2 * volumes) - pde_mean[1:] ** 2])
    if times[-1] > ensemble.t[-1] * (1.0 + 1e-12):
        raise ValueError(f"the ensemble ends at t = {ensemble.t[-1]:g}, before the last PDE snapshot t = {times[-1]:g}")
    z = {}
    for name, pde in (("mean", pde_mean), ("variance", pde_variance)):
        sde = np.interp(times, ensemble.t, getattr(ensemble, name))
        error = np.interp(times, ensemble.t, getattr(ensemble, f"{name}_error"))
        z[f"transient_{name}_max_z"] = float(np.max(np.abs(sde - pde) / error))
    return {**z, "transient_snapshots": float(times.size)}


def uniform_temperature_departure(uniform_model: Model, mesh: Mesh) -> dict[str, float]:
    """How far a model at uniform temperature (no potential) is from the flat density.

    With friction and noise obeying the fluctuation-dissipation relation the free
    steady state at uniform T is flat, P = 1/|Omega|; ``uniform_T_l1_to_flat`` =
    sum_i |P_i - 1/|Omega|| V_i (dimensionless, 0 when the relation holds) with P the
    exact zero-flux density of ``uniform_model`` (e.g. :meth:`fpsolver.GCLM2.at_uniform_temperature`).
    """
    P = exact.steady_state(uniform_model, mesh)
    volumes = cell_volumes(mesh)
    return {"uniform_T_l1_to_flat": l1_distance(P, np.full_like(P, 1.0 / volumes.sum()), volumes)}
