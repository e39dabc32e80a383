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

#: ring currents (1/time) below this are round-off zeros: their error is taken as absolute
CURRENT_FLOOR = 1e-12


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
        (absolute when |J_exact| < :data:`CURRENT_FLOOR`: a current at round-off level, such as
        that of a ring without a net drive, has no relative error).
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
            values["current_relative_error"] = abs(values["current_pde"] - current) / (abs(current) if abs(current) >= CURRENT_FLOOR else 1.0)
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


def conditional_moments(P: np.ndarray, x: np.ndarray, volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival probability and the moments conditioned on survival of densities ``P[k, cell]``.

    S_k = sum_i P_ki V_i (dimensionless), <x>_k = sum_i x_i P_ki V_i / S_k (length) and
    Var_k = sum_i x_i^2 P_ki V_i / S_k - <x>_k^2 (length^2): the moments of the
    probability still inside, which is what an ensemble measures over the particles
    not yet absorbed. With reflecting walls S_k = 1 and they are the plain moments.
    """
    P = np.atleast_2d(P)
    survival = P @ volumes
    mean = P @ (x * volumes) / survival
    return survival, mean, P @ (x**2 * volumes) / survival - mean**2


def truncated_mean_exit_time(t: np.ndarray, survival: np.ndarray) -> float:
    """Mean exit time of the paths that left by t_end = t[-1], from the survival S(t):

    E[tau | tau <= t_end] = (int_0^t_end S dt - t_end S(t_end)) / (1 - S(t_end)) (time),
    which is int_0^t_end t (-dS/dt) dt / (1 - S(t_end)) integrated by parts (trapezoid
    rule over the samples ``t``, ``survival``; S(0) = 1).
    """
    integral = float(np.sum(0.5 * (survival[1:] + survival[:-1]) * np.diff(t)))
    return (integral - t[-1] * survival[-1]) / (1.0 - survival[-1])


def transient_agreement(solution: TransientSolution, ensemble: EnsembleResult) -> dict[str, float]:
    """A PDE transient against an SDE ensemble started from the same initial density.

    At t = 0 and at every PDE snapshot time t_k the PDE moments are the conditional
    moments of the snapshot (:func:`conditional_moments`: over the probability still
    inside); the ensemble's <x>, Var x (over the particles still inside) and their
    batch-means standard errors se are linearly interpolated to t_k from its records
    (exact when the records fall on the snapshot times, as
    :func:`fpsolver.cases.run.transient_ensemble` arranges).

    Returns
    -------
    dict
        ``transient_mean_max_z`` = max_k |<x>_SDE - <x>_PDE| / se(<x>_SDE) and
        ``transient_variance_max_z`` = max_k |Var_SDE - Var_PDE| / se(Var_SDE)
        (dimensionless z-scores; about N(0, 1) each when both describe the same
        process), ``transient_snapshots``, the number of times compared, and where the
        ensemble lost particles (absorbing walls) :func:`survival_agreement`'s metrics.
    """
    times = np.concatenate([[solution.t[0]], solution.snapshot_times])
    survival, mean, variance = conditional_moments(solution.P, solution.x, solution.volumes)
    pde = {"mean": np.concatenate([[solution.mean[0]], mean]), "variance": np.concatenate([[solution.variance[0]], variance])}
    if times[-1] > ensemble.t[-1] * (1.0 + 1e-12):
        raise ValueError(f"the ensemble ends at t = {ensemble.t[-1]:g}, before the last PDE snapshot t = {times[-1]:g}")
    z = {}
    for name in ("mean", "variance"):
        sde = np.interp(times, ensemble.t, getattr(ensemble, name))
        error = np.interp(times, ensemble.t, getattr(ensemble, f"{name}_error"))
        z[f"transient_{name}_max_z"] = float(np.max(np.abs(sde - pde[name]) / error))
    if np.isfinite(ensemble.exit_time).any():
        z.update(survival_agreement(solution, ensemble, np.concatenate([[solution.mass[0]], survival]), times))
    return {**z, "transient_snapshots": float(times.size)}


def survival_agreement(solution: TransientSolution, ensemble: EnsembleResult, survival: np.ndarray, times: np.ndarray) -> dict[str, float]:
    """The PDE's remaining mass against the ensemble's alive fraction, and exit times.

    Returns
    -------
    dict
        ``transient_survival_max_z`` = max_k |S_SDE - S_PDE| / sqrt(max(S_PDE (1 - S_PDE), 1/N) / N)
        over the snapshot times (the binomial standard error of N independent particles
        under the PDE's survival probability), ``exit_time_sde`` with its standard error
        ``exit_time_sde_error`` and ``exit_time_pde`` (:func:`truncated_mean_exit_time`,
        time): the mean exit time of the particles absorbed by the end, and
        ``exit_time_z`` = |exit_time_sde - exit_time_pde| / exit_time_sde_error.
    """
    n = ensemble.n_particles
    alive = np.interp(times, ensemble.t, ensemble.survival)
    binomial = np.sqrt(np.maximum(survival * (1.0 - survival), 1.0 / n) / n)
    mean, error = ensemble.mean_exit_time()
    pde = truncated_mean_exit_time(solution.t, solution.mass)
    return {
        "transient_survival_max_z": float(np.max(np.abs(alive - survival) / binomial)),
        "exit_time_sde": mean,
        "exit_time_sde_error": error,
        "exit_time_pde": pde,
        "exit_time_z": abs(mean - pde) / error,
    }


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
