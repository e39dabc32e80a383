"""Run a case: steady (and optionally transient) solves of every model, exact references,
and the comparison metrics. Pure computation: no files are read or written here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fpsolver import exact, meshes
from fpsolver.case import Case
from fpsolver.results import SteadyState, TransientSolution
from fpsolver.steady import solve_steady
from fpsolver.transient import solve_transient

Progress = Callable[[str, float, float], None]


@dataclass(frozen=True)
class CaseResults:
    """Everything a run of a case produced, keyed by model label."""

    case: Case
    steady: dict[str, SteadyState] = field(default_factory=dict)
    exact: dict[str, np.ndarray] = field(default_factory=dict)
    transient: dict[str, TransientSolution] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)


def steady_metrics(solution: SteadyState, reference: np.ndarray) -> dict[str, float]:
    """L1 distance and max relative error to the exact density, mass and <x>."""
    return {
        "l1_pde_vs_exact": float(np.sum(np.abs(solution.P - reference) * solution.volumes)),
        "max_relative_error_pde_vs_exact": float(np.max(np.abs(solution.P - reference) / reference)),
        "mass": solution.mass,
        "mean_position": solution.mean,
        "relative_residual": float(solution.metadata["relative_residual"]),
    }


def initial_gaussian(case: Case) -> Callable[[np.ndarray], np.ndarray]:
    """Initial density of transient runs: a Gaussian at pde.initial_mean (default the
    domain centre) of width pde.initial_width (default 1/20 of the domain)."""
    low, high = meshes.extent(case.mesh)
    pde = case.config.pde
    mean = 0.5 * (low + high) if pde.initial_mean is None else pde.initial_mean
    width = (high - low) / 20.0 if pde.initial_width is None else pde.initial_width
    return lambda x: np.exp(-((x - mean) ** 2) / (2.0 * width**2))


def run_case(case: Case, *, progress: Progress | None = None) -> CaseResults:
    """Solve every model of ``case`` as its ``[pde]`` table asks."""
    results = CaseResults(case=case)
    pde = case.config.pde
    for label, model in case.models.items():
        if pde.steady:
            solution = solve_steady(model, case.mesh, face_velocity=pde.face_velocity)
            reference = exact.steady_state(model, case.mesh)
            results.steady[label] = solution
            results.exact[label] = reference
            results.metrics[label] = steady_metrics(solution, reference)
        if pde.transient:
            times = np.linspace(0.0, pde.t_end, pde.snapshots + 1)[1:]
            report = None if progress is None else (lambda t, t_end, label=label: progress(label, t, t_end))
            solution = solve_transient(
                model,
                case.mesh,
                initial_gaussian(case),
                pde.t_end,
                dt=pde.dt,
                scheme=pde.scheme,
                adaptive=pde.adaptive,
                tolerance=pde.tolerance,
                times=times,
                face_velocity=pde.face_velocity,
                progress=report,
            )
            results.transient[label] = solution
            results.metrics.setdefault(label, {})["max_mass_drift"] = float(np.max(np.abs(solution.mass - 1.0)))
    return results
