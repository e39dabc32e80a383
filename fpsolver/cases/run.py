"""Run a case: PDE solves, Langevin ensembles, exact references and comparison metrics
(Fokker-Planck cases), or the quantum system with its parameter scan (qme cases).

Pure computation apart from checkpoints: results are returned, never written here
(see :mod:`fpsolver.io.output`). Long stages checkpoint through a
:class:`~fpsolver.io.checkpoint.CheckpointStore`, so an interrupted run resumed with the
same configuration gives bit-identical numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from fpsolver import meshes
from fpsolver.analysis import compare
from fpsolver.pde import exact
from fpsolver.cases.build import Case, QMECase, guard
from fpsolver.io.checkpoint import CheckpointStore
from fpsolver.cases.schema import QME_SYSTEMS
from fpsolver.ensembles import ChunkResults, EnsembleResult, InertialEnsemble, InertialEnsembleResult, OverdampedEnsemble
from fpsolver.ensembles.options import InertialOptions, OverdampedOptions
from fpsolver.models import Model
from fpsolver.results.field import SteadyState, TransientSolution
from fpsolver.pde.steady import solve_steady
from fpsolver.pde.options import TransientOptions
from fpsolver.pde.transient import TransientState, solve_transient

Progress = Callable[[str, float, float], None]
# mapper(function, argument_tuples) -> results in order; see run_chunked
Mapper = Callable[[Callable, list[tuple]], Iterable]
STAGES = ("pde", "sde", "qme")
CHECKPOINT_GROUPS = 8


@dataclass(frozen=True)
class CaseResults:
    """Everything a run of a Fokker-Planck case produced, keyed by model label."""

    case: Case
    steady: dict[str, SteadyState] = field(default_factory=dict)
    exact: dict[str, np.ndarray] = field(default_factory=dict)
    transient: dict[str, TransientSolution] = field(default_factory=dict)
    ensembles: dict[str, EnsembleResult] = field(default_factory=dict)
    inertial: dict[str, InertialEnsembleResult] = field(default_factory=dict)
    exact_cell_averages: dict[str, np.ndarray] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class QMEResults:
    """A qme case's scan: parameter values and, per quantity, one row per value."""

    case: QMECase
    parameter: str | None
    values: np.ndarray
    quantities: dict[str, np.ndarray]
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


def ensemble_metrics(result: EnsembleResult | InertialEnsembleResult, reference: np.ndarray, prefix: str) -> dict[str, float]:
    """Histogram versus exact cell averages: L1, Hellinger, KS, chi^2/dof and the
    expected L1 of pure noise, sqrt(2/pi) sum sigma_i V_i (normal approximation)."""
    metrics = compare.compare(result.density, reference, result.volumes, result.density_error)
    metrics["expected_l1"] = float(np.sqrt(2.0 / np.pi) * np.sum(result.density_error * result.volumes))
    metrics["mean_position"] = float(result.steady_mean)
    metrics["mean_position_error"] = float(result.steady_mean_error)
    return {f"{prefix}_{name}": value for name, value in metrics.items()}


def initial_gaussian(case: Case) -> Callable[[np.ndarray], np.ndarray]:
    """Initial density of transient runs: a Gaussian at pde.initial_mean (default the
    domain centre) of width pde.initial_width (default 1/20 of the domain)."""
    low, high = meshes.extent(case.mesh)
    pde = case.config.pde
    mean = 0.5 * (low + high) if pde.initial_mean is None else pde.initial_mean
    width = (high - low) / 20.0 if pde.initial_width is None else pde.initial_width
    return lambda x: np.exp(-((x - mean) ** 2) / (2.0 * width**2))


def _chunk_arrays(partial: ChunkResults) -> dict[str, np.ndarray]:
    return {**partial.arrays, "_chunks": partial.chunks, "_fingerprint": np.array(partial.fingerprint)}


def _chunk_results(arrays: dict[str, np.ndarray]) -> ChunkResults:
    rest = {k: v for k, v in arrays.items() if not k.startswith("_")}
    return ChunkResults(fingerprint=str(arrays["_fingerprint"]), chunks=arrays["_chunks"], arrays=rest)


def chunk_groups(n_chunks: int, n_groups: int) -> list[np.ndarray]:
    """``range(n_chunks)`` split into at most ``n_groups`` contiguous, non-empty groups."""
    if n_groups < 1:
        raise ValueError(f"the number of groups must be >= 1, got {n_groups}")
    return [group for group in np.array_split(np.arange(n_chunks), min(n_groups, n_chunks)) if group.size]


def run_chunk_group(ensemble: OverdampedEnsemble | InertialEnsemble, group: np.ndarray) -> ChunkResults:
    """``ensemble.run_chunks(group)`` as a plain function, so a mapper sends the
    ensemble as an argument it can share between tasks."""
    return ensemble.run_chunks(group)


def _serial(function: Callable, argument_tuples: Iterable[tuple]) -> Iterator:
    return (function(*arguments) for arguments in argument_tuples)


def run_chunked(
    ensemble: OverdampedEnsemble | InertialEnsemble,
    key: str,
    store: CheckpointStore | None,
    progress: Callable[[float, float], None] | None,
    mapper: Mapper | None = None,
):
    """Run an ensemble in checkpointed groups of chunks and merge them (bit-identical
    to one run: chunk streams do not depend on grouping).

    ``mapper(function, argument_tuples)`` runs the groups that have no checkpoint and
    yields their results in order (default: one after the other in this process;
    :func:`fpsolver.cases.distributed.dask_mapper` runs them on a cluster). Each result is
    checkpointed as it arrives.
    """
    groups = chunk_groups(ensemble.n_chunks, CHECKPOINT_GROUPS)
    partials: dict[int, ChunkResults] = {}
    for index in range(len(groups)):
        saved = None if store is None else store.load(f"{key}-{index}")
        if saved is not None and saved["_fingerprint"] == ensemble.fingerprint():
            partials[index] = _chunk_results(saved)
    todo = [index for index in range(len(groups)) if index not in partials]
    if partials and progress is not None:
        progress(len(partials), len(groups))
    results = (mapper or _serial)(run_chunk_group, [(ensemble, groups[index]) for index in todo])
    for index, partial in zip(todo, results):
        if store is not None:
            store.save(f"{key}-{index}", _chunk_arrays(partial))
        partials[index] = partial
        if progress is not None:
            progress(len(partials), len(groups))
    return ensemble.merge([partials[index] for index in range(len(groups))])


def run_case(
    case: Case,
    *,
    only: frozenset[str] = frozenset(STAGES),
    checkpoints: CheckpointStore | None = None,
    progress: Progress | None = None,
    mapper: Mapper | None = None,
) -> CaseResults:
    """Solve every model of ``case`` as its ``[pde]`` and ``[ensemble]`` tables ask.

    ``mapper`` runs the ensembles' chunk groups (see :func:`run_chunked`), e.g. on a
    Dask cluster; PDE solves run in this process.
    """
    results = CaseResults(case=case)
    pde, ensemble = case.config.pde, case.config.ensemble
    for label, model in case.models.items():
        metrics = results.metrics.setdefault(label, {})
        if "pde" in only and pde.steady:
            solution = solve_steady(model, case.mesh, face_velocity=pde.face_velocity)
            reference = exact.steady_state(model, case.mesh)
            results.steady[label] = solution
            results.exact[label] = reference
            metrics.update(steady_metrics(solution, reference))
        if "pde" in only and pde.transient:
            results.transient[label] = _transient(case, label, model, checkpoints, progress)
            metrics["max_mass_drift"] = float(np.max(np.abs(results.transient[label].mass - 1.0)))
        sde_models = ensemble.models if ensemble.models is not None else list(case.models)
        if "sde" in only and ensemble.enabled and label in sde_models:
            reference = compare.cell_averages(model, case.mesh)
            results.exact_cell_averages[label] = reference
            report = None if progress is None else (lambda done, total, label=label: progress(f"SDE {label}", done, total))
            overdamped = OverdampedEnsemble(model, case.mesh, options=ensemble.options(OverdampedOptions))
            results.ensembles[label] = run_chunked(overdamped, f"ensemble-{label}", checkpoints, report, mapper)
            metrics.update(ensemble_metrics(results.ensembles[label], reference, "sde"))
            if ensemble.mass is not None:
                inertial = InertialEnsemble(model, case.mesh, options=ensemble.options(InertialOptions))
                report = None if progress is None else (lambda done, total, label=label: progress(f"inertial {label}", done, total))
                results.inertial[label] = run_chunked(inertial, f"inertial-{label}", checkpoints, report, mapper)
                metrics.update(ensemble_metrics(results.inertial[label], reference, "inertial"))
    return results


def _transient(case: Case, label: str, model: Model, checkpoints: CheckpointStore | None, progress: Progress | None) -> TransientSolution:
    pde = case.config.pde
    key = f"transient-{label}"
    saved = None if checkpoints is None else checkpoints.load(key)
    return solve_transient(
        model,
        case.mesh,
        initial_gaussian(case),
        options=pde.options(TransientOptions),
        times=np.linspace(0.0, pde.t_end, pde.snapshots + 1)[1:],
        progress=None if progress is None else (lambda t, t_end: progress(f"transient {label}", t, t_end)),
        checkpoint=None if checkpoints is None else (lambda state: checkpoints.save(key, state.to_arrays())),
        resume=None if saved is None else TransientState.from_arrays(saved),
    )


def run_qme_case(case: QMECase, *, progress: Progress | None = None) -> QMEResults:
    """Evaluate the quantum system at every scan point (or once without a scan)."""
    config = case.config
    parameters = config.system.parameters()
    scan = config.scan
    values = np.asarray(scan.points() if scan is not None else [np.nan])
    rows: dict[str, list] = {}
    for index, value in enumerate(values):
        point = dict(parameters)
        if scan is not None:
            point[scan.parameter] = int(value) if scan.parameter == "N" else float(value)
        key = "system" if scan is None else f"scan.{scan.parameter} = {value:g}"
        result = guard(key, lambda: QME_SYSTEMS[config.system.kind](**point))
        for name, quantity in qme_observables(config.system.kind, result).items():
            rows.setdefault(name, []).append(quantity)
        if progress is not None:
            progress("qme scan", index + 1, values.size)
    quantities = {name: np.array(column, dtype=float) for name, column in rows.items()}
    metrics = {"second_law": {"min_entropy_production": float(np.nanmin(quantities["entropy_production"]))}}
    return QMEResults(case=case, parameter=None if scan is None else scan.parameter, values=values, quantities=quantities, metrics=metrics)


def qme_observables(kind: str, result) -> dict[str, np.ndarray | float]:
    """The observables reported for each qme system kind."""
    if kind == "chain":
        return {
            "site_populations": result.site_populations,
            "site_temperatures": result.site_temperatures,
            "heat_currents": result.heat_currents,
            "entropy_production": result.entropy_production,
        }
    if kind in ("lambda", "v"):
        return {
            "populations": result.populations,
            "population_imbalance": result.population_imbalance,
            "mean_position": result.mean_position,
            "heat_currents": result.heat_currents,
            "entropy_production": result.entropy_production,
        }
    return {
        "occupation": result.p1,
        "J_L": result.J_L,
        "Q_L": result.Q_L,
        "Q_R": result.Q_R,
        "entropy_production": result.entropy_production,
        "eps_r": result.eps_r,
    }
