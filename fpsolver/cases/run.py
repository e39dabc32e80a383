"""Run a case: PDE solves, Langevin ensembles, exact references and comparison metrics
(Fokker-Planck cases), or the quantum system with its parameter scan (qme cases).

Pure computation apart from checkpoints: results are returned, never written here
(see :mod:`fpsolver.io.output`). Long stages checkpoint through a
:class:`~fpsolver.io.checkpoint.CheckpointStore`, so an interrupted run resumed with the
same configuration gives bit-identical numbers.
"""

from __future__ import annotations

import dataclasses
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fpsolver import _fipy, meshes
from fpsolver._validate import within_budget
from fpsolver.analysis import compare
from fpsolver.analysis.checks import Check
from fpsolver.analysis.metrics import ensemble_metrics, steady_metrics, transient_agreement, uniform_temperature_departure
from fpsolver.analysis.observables import soret_coefficient
from fpsolver.cases.build import Case, QMECase, fast_variant, guard, open_case
from fpsolver.cases.checks import case_checks
from fpsolver.cases.schema import AnyCase, CaseError, case_file, load_case
from fpsolver.cases.walls import Walls
from fpsolver.ensembles import ChunkResults, InertialEnsemble, OverdampedEnsemble
from fpsolver.ensembles.options import MIN_PRECISION_CHUNKS, ND_BINS_PER_AXIS, ND_POLAR_BINS, EnsembleNDOptions, InertialOptions, OverdampedOptions
from fpsolver.ensembles.overdamped_nd import Box, Disc, OverdampedEnsembleND, cartesian_bins, cell_bin_averages, polar_bin_averages, polar_bins
from fpsolver.io.atomic import StoreError, check_target
from fpsolver.io.checkpoint import CheckpointStore
from fpsolver.io.lock import CaseLockedError, case_lock
from fpsolver.io.output import read_metrics, write_results
from fpsolver.models import GCLM2, Model
from fpsolver.pde import exact
from fpsolver.pde.options import SteadyOptions, TransientOptions
from fpsolver.pde.steady import solve_steady
from fpsolver.pde.transient import TransientState, solve_transient
from fpsolver.qme.systems import SYSTEMS
from fpsolver.results.case import CaseIdentity, CaseResults, QMEResults, QuantityInfo
from fpsolver.results.field import SteadyState, TransientSolution

Progress = Callable[[str, float, float], None]
# mapper(function, argument_tuples) -> results in order; see run_chunked
Mapper = Callable[[Callable, list[tuple]], Iterable]
STAGES = ("pde", "sde", "qme")
CHECKPOINT_GROUPS = 8


def initial_gaussian(case: Case) -> Callable[[np.ndarray], np.ndarray]:
    """Initial density of transient runs: a Gaussian at pde.initial_mean (default the
    domain centre) of width pde.initial_width (default 1/20 of the domain). On 2D/3D
    meshes: centred in the bounding box (pde.initial_mean, if set, on every axis), width
    1/20 of its shortest side by default."""
    pde = case.config.pde
    if case.dimension == 1:
        low, high = meshes.extent(case.mesh)
        mean = 0.5 * (low + high) if pde.initial_mean is None else pde.initial_mean
        width = (high - low) / 20.0 if pde.initial_width is None else pde.initial_width
        return lambda x: np.exp(-((x - mean) ** 2) / (2.0 * width**2))
    lower, upper = meshes.bounding_box(case.mesh)
    centre = 0.5 * (lower + upper) if pde.initial_mean is None else np.full(lower.size, pde.initial_mean)
    width = float(np.min(upper - lower)) / 20.0 if pde.initial_width is None else pde.initial_width
    return lambda points: np.exp(-np.sum((points - centre[:, None]) ** 2, axis=0) / (2.0 * width**2))


def _is_disc(case: Case) -> bool:
    """Whether the case's mesh is the shipped Gmsh disc (``geometry = "disc"``)."""
    return case.config.mesh.kind == "gmsh" and case.config.mesh.geometry == "disc"


def sde_skip_reason(case: Case) -> str | None:
    """None when an overdamped ensemble applies to ``case`` (1D: walls or a ring; 2D/3D: a
    rectilinear grid, a box, or the shipped Gmsh disc); else the note the report shows."""
    if case.dimension == 1 or _is_disc(case):
        return None
    kind = case.config.mesh.kind
    if kind == "cylindrical":
        return "SDE stage skipped: the ensembles represent boxes and discs in Cartesian coordinates; an axisymmetric (r, z) grid is a 3D cylinder they do not represent"
    if kind != "grid":
        return "SDE stage skipped: the nD ensembles represent boxes and the disc; this Gmsh geometry (curved walls, holes such as an obstacle) is neither"
    return None


def mixture(case: Case, model: Model, state: Callable[[Model], exact.State]) -> exact.State:
    """``state(model)``, or for gCLm-I with T0 = "per-particle" the mixture of the fixed-T0
    ``state`` over the steady ensemble's initial distribution (``[ensemble] x0``: a point,
    or "uniform" on the domain; :func:`fpsolver.pde.exact.per_particle_mixture`)."""
    if not model.per_particle_T0:
        return state(model)
    if case.dimension > 1:
        model.require_one_noise_temperature(f"a {case.dimension}D case")
    domain = meshes.extent(case.mesh)
    nodes, weights = exact.initial_distribution(case.config.ensemble.x0, domain, breakpoints=model.breakpoints)
    return exact.per_particle_mixture(model, nodes, weights, domain, state)


def nd_ensemble(case: Case, model: Model, walls: Walls) -> OverdampedEnsembleND:
    """The overdamped ensemble of a 2D/3D case: on a grid its bounding box with periodic
    axes where the case has them and reflecting walls elsewhere (the PDE steady state it is
    compared with has zero flux through them; ``walls`` of the case), histograms on blocks of whole cells
    (:data:`~fpsolver.ensembles.options.ND_BINS_PER_AXIS`); on the Gmsh disc the disc
    spanned by its bounding box, reflecting, histograms on :data:`ND_POLAR_BINS` annuli x
    sectors. ``[ensemble]`` keys as in 1D (an unset ``n_particles``: grown until
    ``precision`` is reached on these bins), except ``table_points`` (the 1D table), left
    to the nD default."""
    ensemble = case.config.ensemble
    if _is_disc(case):
        lower, upper = meshes.bounding_box(case.mesh)
        centre, half = 0.5 * (lower + upper), 0.5 * (upper - lower)
        disc = Disc((float(centre[0]), float(centre[1])), float(half.min()))
        options = ensemble.options(EnsembleNDOptions, table_points=None)
        return OverdampedEnsembleND(model, disc, options=options, bins=polar_bins(disc, *ND_POLAR_BINS))
    options = ensemble.options(EnsembleNDOptions, boundary=walls.per_axis(f"{case.dimension}D Langevin ensemble"), table_points=None)
    bins = cartesian_bins(case.mesh, ND_BINS_PER_AXIS[case.dimension])
    return OverdampedEnsembleND(model, Box.from_mesh(case.mesh), options=options, bins=bins)


def nd_reference(ensemble: OverdampedEnsembleND, mesh: _fipy.Mesh, P: np.ndarray) -> np.ndarray:
    """The PDE steady density ``P`` averaged over the ensemble's histogram bins."""
    if ensemble.bins.kind == "polar":
        return polar_bin_averages(ensemble.bins, mesh, P)
    return cell_bin_averages(ensemble.bins, mesh, P)


def ring_current(case: Case, model: Model) -> float | None:
    """The exact steady current (1/time, density normalised by ∫ P dx = 1) of ``model`` on a
    1D ring, the reference of the ensemble's current; None without periodic walls."""
    if not case.config.periodic_axes():
        return None
    low, high = meshes.extent(case.mesh)
    return float(mixture(case, model, lambda fixed: exact.periodic_steady_state_at(fixed, np.array([low]), (low, high))[1]))


def steady_reference(case: Case, model: Model) -> tuple[np.ndarray | None, float | None, str | None]:
    """The exact steady state of ``model`` on the case's cells (normalised like the PDE's:
    sum(P V) = 1), its current on a 1D ring (else None), and a note where none exists.
    Per-particle T0: the mixture of fixed-T0 states (:func:`mixture`)."""
    mesh = case.mesh
    if case.dimension == 1 and case.config.periodic_axes():
        P, current = mixture(case, model, lambda fixed: exact.periodic_steady_state(fixed, mesh))
        return P, float(current), None
    if case.dimension == 1:
        return mixture(case, model, lambda fixed: exact.steady_state(fixed, mesh)), None, None
    if exact.zero_flux_reference_exists(model, mesh):
        return exact.steady_state_nd(model, mesh), None, None
    return None, None, f"{model.name}: no exact reference (A/D is not a gradient on this mesh, so the steady state carries circulating currents)"


def steady_solution(case: Case, model: Model) -> SteadyState:
    """The PDE steady state of ``model``; for per-particle T0 (1D only: the operator refuses
    it elsewhere) the mixture of fixed-T0 PDE solves (:func:`mixture`): P, J and the ring
    current mixed, the relative residual their weighted mean."""
    options = case.config.pde.options(SteadyOptions)
    if not model.per_particle_T0 or case.dimension > 1:
        return solve_steady(model, case.mesh, options=options)
    first: list[SteadyState] = []

    def solve(fixed: Model) -> tuple[np.ndarray, ...]:
        solution = solve_steady(fixed, case.mesh, options=options)
        first.append(solution)
        return solution.P, solution.J, np.float64(solution.metadata["relative_residual"]), np.float64(solution.metadata.get("current", np.nan))

    P, J, residual, current = mixture(case, model, solve)
    metadata = {**first[0].metadata, "relative_residual": float(residual), "per_particle_T0": f"mixture of {len(first)} fixed-T0 solves over the initial distribution"}
    if "current" in metadata:
        metadata["current"] = float(current)
    return dataclasses.replace(first[0], P=P, J=J, model=model.describe(), metadata=metadata)


#: entropy words of the stream that draws the transient ensemble's start (the kernels'
#: streams are SeedSequence(seed).spawn(...) children, a different family)
TRANSIENT_START_STREAM = 0x7472616E
#: records of <x>, Var x per PDE snapshot interval in the transient ensemble
RECORDS_PER_SNAPSHOT = 10


def sample_initial_density(mesh: _fipy.Mesh, density: Callable[[np.ndarray], np.ndarray], n_particles: int, seed: int) -> np.ndarray:
    """Positions of ``n_particles`` drawn from the PDE's discrete initial density.

    The transient PDE starts from the cell values P0_i = density(x_i) normalised to
    sum_i P0_i V_i = 1, a piecewise-constant density. Each particle picks cell i with
    probability P0_i V_i (inverse-CDF sampling) and a uniform position inside it, so the
    particles sample exactly that piecewise-constant density (its mean is the PDE's
    sum_i x_i P0_i V_i; its variance exceeds the PDE's cell-centre variance by
    sum_i P0_i V_i^3 / 12, length^2). The draw is one stream,
    ``default_rng([seed, TRANSIENT_START_STREAM])``, made before any chunking, so the
    positions do not depend on how the ensemble is split.
    """
    volumes = _fipy.cell_volumes(mesh)
    low, _ = meshes.extent(mesh)
    faces = low + np.concatenate([[0.0], np.cumsum(volumes)])
    weights = np.asarray(density(meshes.cell_centers(mesh)), dtype=float) * volumes
    if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and weights.sum() > 0):
        raise ValueError("initial density: must be finite, >= 0 and not zero everywhere")
    cdf = np.cumsum(weights) / weights.sum()
    rng = np.random.default_rng([seed, TRANSIENT_START_STREAM])
    cells = np.minimum(np.searchsorted(cdf, rng.random(n_particles), side="right"), volumes.size - 1)
    return faces[cells] + rng.random(n_particles) * volumes[cells]


def transient_ensemble(case: Case, model: Model, x0: np.ndarray | None = None, walls: Walls | None = None) -> OverdampedEnsemble:
    """The overdamped ensemble that follows the PDE transient of ``model``: started from
    the PDE's initial density (:func:`sample_initial_density`, or the positions ``x0``),
    run to ``pde.t_end`` and recorded at every PDE snapshot time, between the case's
    walls (``walls``, default :meth:`Walls.of` the case's configuration).

    Its step is the case ensemble's step (``[ensemble] dt`` or the library rule),
    shortened so that the snapshot interval t_end/snapshots is a whole number of
    ``RECORDS_PER_SNAPSHOT`` record intervals, each a whole number of steps (records fall
    on the snapshot times and draw the curves in between); the histogram samples start
    at t = 0 (they are not a steady state).
    """
    pde, ensemble = case.config.pde, case.config.ensemble
    # sized by precision (n_particles unset): the smallest precision run, so the batch-means errors are meaningful
    particles = ensemble.n_particles if ensemble.n_particles is not None else MIN_PRECISION_CHUNKS * ensemble.chunk_size
    if x0 is None:
        x0 = sample_initial_density(case.mesh, initial_gaussian(case), particles, ensemble.seed)
    steady_dt, _, _ = ensemble.options(OverdampedOptions).times(model, meshes.extent(case.mesh), meshes.cell_centers(case.mesh))
    interval = pde.t_end / pde.snapshots
    records = int(np.ceil(interval / steady_dt / RECORDS_PER_SNAPSHOT - 1e-9))
    dt = interval / (records * RECORDS_PER_SNAPSHOT)
    boundary = (walls or Walls.of(case.config)).line("transient Langevin ensemble", typing.get_args(OverdampedOptions.model_fields["boundary"].annotation))
    options = ensemble.options(OverdampedOptions, n_particles=len(x0), x0=x0, t_end=pde.t_end, dt=dt, record_every=records, burn_in=0.0, sample_interval=interval, boundary=boundary)
    return OverdampedEnsemble(model, case.mesh, options=options)


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


def run_chunk_group(ensemble: OverdampedEnsemble | InertialEnsemble | OverdampedEnsembleND, group: np.ndarray) -> ChunkResults:
    """``ensemble.run_chunks(group)`` as a plain function, so a mapper sends the
    ensemble as an argument it can share between tasks."""
    return ensemble.run_chunks(group)


def _serial(function: Callable, argument_tuples: Iterable[tuple]) -> Iterator:
    return (function(*arguments) for arguments in argument_tuples)


def run_chunked(
    ensemble: OverdampedEnsemble | InertialEnsemble | OverdampedEnsembleND,
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
    partials: list[ChunkResults] = []
    chunks, round_ = np.arange(ensemble.n_chunks), 0
    while chunks is not None:  # one round unless the ensemble is sized by precision
        groups = [chunks[group] for group in chunk_groups(chunks.size, CHECKPOINT_GROUPS)]
        keys = [f"{key}-{index}" if round_ == 0 else f"{key}-r{round_}-{index}" for index in range(len(groups))]
        done: dict[int, ChunkResults] = {}
        for index in range(len(groups)):
            saved = None if store is None else store.load(keys[index])
            if saved is not None and saved["_fingerprint"] == ensemble.fingerprint():
                done[index] = _chunk_results(saved)
        todo = [index for index in range(len(groups)) if index not in done]
        if done and progress is not None:
            progress(len(done), len(groups))
        results = (mapper or _serial)(run_chunk_group, [(ensemble, groups[index]) for index in todo])
        for index, partial in zip(todo, results):
            if store is not None:
                store.save(keys[index], _chunk_arrays(partial))
            done[index] = partial
            if progress is not None:
                progress(len(done), len(groups))
        partials += [done[index] for index in range(len(groups))]
        chunks, round_ = ensemble.more_chunks(partials), round_ + 1
    return ensemble.merge(partials)


@contextmanager
def model_errors(key: str) -> Iterator[None]:
    """Turn a solver's ValueError, TypeError or RuntimeError (coefficients too extreme for the
    mesh, a step size underflow, a budget exceeded) into a :class:`CaseError` naming ``key``."""
    try:
        yield
    except CaseError:
        raise
    except (ValueError, TypeError, RuntimeError) as exc:
        raise CaseError(f"{key}: {exc}") from None


def identity(case: Case | QMECase) -> CaseIdentity:
    """The identity that a case's results carry: name, directory, title, configuration."""
    config = case.config
    return CaseIdentity(name=case.name, directory=case.directory, title=config.title, configuration=config.resolved(), configuration_sha256=config.digest())


@dataclass(frozen=True)
class StageRecord:
    """What one stage produced for one model: ``parts`` (a :class:`CaseResults` field name
    -> this model's entry there), its metrics and notes."""

    parts: dict[str, object] = dataclasses.field(default_factory=dict)
    metrics: dict[str, float] = dataclasses.field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageContext:
    """What every stage of one run shares: the case, its walls and the run's services."""

    case: Case
    walls: Walls
    T: np.ndarray
    checkpoints: CheckpointStore | None
    progress: Progress | None
    mapper: Mapper | None

    def report(self, what: str) -> Callable[[float, float], None] | None:
        """The progress callback of one stage (``what``: its label in the progress line)."""
        return None if self.progress is None else (lambda done, total: self.progress(what, done, total))

    def run(self, ensemble, key: str, what: str):
        """Run ``ensemble`` checkpointed under ``key`` (:func:`run_chunked`)."""
        return run_chunked(ensemble, key, self.checkpoints, self.report(what), self.mapper)


Stage = Callable[[StageContext, str, Model, CaseResults], StageRecord]


def run_case(
    case: Case,
    *,
    only: frozenset[str] = frozenset(STAGES),
    checkpoints: CheckpointStore | None = None,
    progress: Progress | None = None,
    mapper: Mapper | None = None,
) -> CaseResults:
    """Solve every model of ``case`` as its ``[pde]`` and ``[ensemble]`` tables ask: the
    stages of :func:`case_stages`, each a function returning a :class:`StageRecord`.

    ``mapper`` runs the ensembles' chunk groups (see :func:`run_chunked`), e.g. on a
    Dask cluster; PDE solves run in this process.
    """
    x = meshes.cell_centers(case.mesh) if case.dimension == 1 else meshes.cell_points(case.mesh)
    context = StageContext(case, Walls.of(case.config), case.profile.T(x), checkpoints, progress, mapper)
    results = CaseResults(case=identity(case), x=x, T=context.T, metrics={}, notes=case_notes(case, context.walls, only))
    for label, model in case.models.items():
        results.metrics[label] = {}
        with model_errors(f"models.{label}"):
            for stage in case_stages(case, context.walls, only, label):
                record = stage(context, label, model, results)
                for name, value in record.parts.items():
                    getattr(results, name)[label] = value
                results.metrics[label].update(record.metrics)
                results.notes.extend(record.notes)
    return results


def _langevin_applies(case: Case, only: frozenset[str]) -> bool:
    return "sde" in only and case.config.ensemble.enabled and sde_skip_reason(case) is None


def case_notes(case: Case, walls: Walls, only: frozenset[str]) -> list[str]:
    """What the run of ``case`` leaves out and why (stages that do not apply to its walls or geometry)."""
    ensemble, transient = case.config.ensemble, case.config.pde.transient
    notes = [] if sde_skip_reason(case) is None or "sde" not in only or not ensemble.enabled else [sde_skip_reason(case)]
    if walls.periodic and transient:
        notes.append("PDE and SDE transients are not compared on a ring: <x> and Var x of a periodic coordinate depend on where the ring is cut")
    if not _langevin_applies(case, only):
        return notes
    if walls.periodic and ensemble.mass is not None:
        notes.append("inertial ensemble skipped: no periodic walls for it yet (the overdamped ensemble runs on the ring)")
    if walls.absorbing:
        notes.append("Langevin steady stages skipped: absorbing walls leave no steady state" + ("; the ensemble follows the PDE transient" if case.dimension == 1 and transient else ""))
    if case.dimension > 1 and transient:
        notes.append(f"the {case.dimension}D PDE transient is not compared with an ensemble (the transient Langevin stage is 1D)")
    return notes


def case_stages(case: Case, walls: Walls, only: frozenset[str], label: str) -> list[Stage]:
    """The stages that run for model ``label``, in order (later ones read earlier results)."""
    pde, ensemble = case.config.pde, case.config.ensemble
    stages: list[Stage] = [model_stage]
    stages += [pde_steady_stage] if "pde" in only and pde.steady else []
    stages += [pde_transient_stage] if "pde" in only and pde.transient else []
    if not _langevin_applies(case, only) or label not in (ensemble.models if ensemble.models is not None else case.models):
        return stages
    stages += [] if walls.absorbing else [langevin_steady_stage if case.dimension == 1 else langevin_nd_stage]
    stages += [inertial_stage] if case.dimension == 1 and ensemble.mass is not None and not walls.absorbing and not walls.periodic else []
    stages += [langevin_transient_stage] if case.dimension == 1 and pde.transient and not walls.periodic else []
    return stages


def model_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """Checks of the model against the case: the fluctuation-dissipation warning, per-particle T0 without transient."""
    metrics = {}
    if isinstance(model, GCLM2) and model.breaks_fluctuation_dissipation:
        warnings.warn(f"models.{label}: friction = 'constant' with temperature = 'nonlocal' breaks the fluctuation-dissipation relation (not flat at uniform T)", stacklevel=4)
        metrics = uniform_temperature_departure(model.at_uniform_temperature(), context.case.mesh)
    if model.per_particle_T0 and context.case.config.pde.transient:
        raise CaseError(f'models.{label}: T0 = "per-particle" has no PDE transient (each trajectory keeps its own T0); set pde.transient = false')
    return StageRecord(metrics=metrics)


def pde_steady_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """The PDE steady state against the exact one (and the Soret coefficient in 1D)."""
    case = context.case
    solution = steady_solution(case, model)
    reference, current, note = steady_reference(case, model)
    parts: dict[str, object] = {"steady": solution}
    if reference is not None:
        parts["exact"] = reference
    if case.dimension == 1:
        parts["soret"] = soret_coefficient(solution.x, solution.P, context.T)
    notes = () if note is None else (f"{label}: {note}",)
    return StageRecord(parts=parts, metrics=steady_metrics(solution, reference, context.T, current), notes=notes)


def pde_transient_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """The PDE transient from the initial Gaussian; its final mass (absorbing walls) or mass drift."""
    solution = _transient(context, label, model)
    metrics = {"final_mass": float(solution.mass[-1])} if context.walls.absorbing else {"max_mass_drift": float(np.max(np.abs(solution.mass - 1.0)))}
    return StageRecord(parts={"transient": solution}, metrics=metrics)


def _line_ensemble(context: StageContext, label: str, model: Model, ensemble_class: type, options_class: type, what: str):
    """(exact cell averages, merged result) of a 1D ensemble of ``ensemble_class`` between
    the case's walls, refused (naming the wall group) where ``options_class`` has no such walls."""
    case = context.case
    boundary = context.walls.line(f"{what} ensemble", typing.get_args(options_class.model_fields["boundary"].annotation))
    reference = mixture(case, model, lambda fixed: compare.cell_averages(fixed, case.mesh))
    ensemble = ensemble_class(model, case.mesh, options=case.config.ensemble.options(options_class, boundary=boundary))
    key = "ensemble" if ensemble_class is OverdampedEnsemble else "inertial"
    return reference, context.run(ensemble, f"{key}-{label}", f"{'SDE' if key == 'ensemble' else key} {label}")


def langevin_steady_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """The 1D overdamped ensemble's steady histogram against the exact cell averages (and the ring current)."""
    reference, result = _line_ensemble(context, label, model, OverdampedEnsemble, OverdampedOptions, "Langevin")
    metrics = ensemble_metrics(result, reference, "sde", ring_current(context.case, model))
    return StageRecord(parts={"exact_cell_averages": reference, "ensembles": result}, metrics=metrics)


def langevin_nd_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """The 2D/3D overdamped ensemble's steady histogram against the PDE steady state averaged over its bins."""
    case = context.case
    ensemble = nd_ensemble(case, model, context.walls)
    result = context.run(ensemble, f"ensemble-{label}", f"SDE {label}")
    steady = results.steady[label].P if label in results.steady else solve_steady(model, case.mesh, options=case.config.pde.options(SteadyOptions)).P
    reference = nd_reference(ensemble, case.mesh, steady)
    return StageRecord(parts={"ensembles": result, "ensemble_references": reference}, metrics=ensemble_metrics(result, reference, "sde"))


def inertial_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """The inertial ensemble (``[ensemble] mass``): its distances to the exact cell averages, reported, not checked."""
    reference, result = _line_ensemble(context, label, model, InertialEnsemble, InertialOptions, "inertial")
    return StageRecord(parts={"inertial": result}, metrics=ensemble_metrics(result, reference, "inertial"))


def langevin_transient_stage(context: StageContext, label: str, model: Model, results: CaseResults) -> StageRecord:
    """The ensemble from the PDE transient's start, and its agreement with the PDE transient."""
    ensemble = transient_ensemble(context.case, model, walls=context.walls)
    result = context.run(ensemble, f"transient-ensemble-{label}", f"transient SDE {label}")
    metrics = transient_agreement(results.transient[label], result) if label in results.transient else {}
    return StageRecord(parts={"transient_ensembles": result}, metrics=metrics)


def _transient(context: StageContext, label: str, model: Model) -> TransientSolution:
    case, checkpoints, progress = context.case, context.checkpoints, context.progress
    pde = case.config.pde
    key = f"transient-{label}"
    cells = meshes.cell_centers(case.mesh).size
    within_budget("solve_transient", memory_bytes=8.0 * (pde.snapshots + 1) * (cells + 1), detail=f"pde.snapshots = {pde.snapshots} of {cells} cells")
    saved = None if checkpoints is None else checkpoints.load(key)
    return solve_transient(
        model,
        case.mesh,
        initial_gaussian(case),
        options=pde.options(TransientOptions, boundary=context.walls.pde()),
        times=np.linspace(0.0, pde.t_end, pde.snapshots + 1)[1:],
        progress=None if progress is None else (lambda t, t_end: progress(f"transient {label}", t, t_end)),
        checkpoint=None if checkpoints is None else (lambda state: checkpoints.save(key, state.to_arrays())),
        resume=None if saved is None else TransientState.from_arrays(saved),
    )


def run_qme_case(case: QMECase, *, progress: Progress | None = None) -> QMEResults:
    """Evaluate the quantum system at every scan point (or once without a scan) and
    collect the observables its registry entry reports (:data:`fpsolver.qme.SYSTEMS`)."""
    config = case.config
    system = SYSTEMS[config.system.kind]
    points = config.scan_points()
    rows: dict[str, list] = {}
    info: dict[str, QuantityInfo] = {}
    for index, (value, arguments) in enumerate(points):
        key = "system" if config.scan is None else f"scan.{config.scan.parameter} = {value:g}"
        result = guard(key, lambda arguments=arguments: system.solve(**arguments))
        for name, observable in system.observables(result).items():
            rows.setdefault(name, []).append(observable.value)
            info.setdefault(name, QuantityInfo(observable.units, observable.long_name, observable.dims))
        if progress is not None:
            progress("qme scan", index + 1, len(points))
    if "entropy_production" not in rows:
        raise CaseError(f"system {system.name!r}: its observables lack 'entropy_production' (needed by the second-law check)")
    quantities = {name: _stack(column) for name, column in rows.items()}
    metrics = {"second_law": {"min_entropy_production": float(np.nanmin(quantities["entropy_production"]))}}
    values = np.array([value for value, _ in points], dtype=float)
    return QMEResults(case=identity(case), system=system.name, parameter=None if config.scan is None else config.scan.parameter, values=values, quantities=quantities, info=info, metrics=metrics)


def _stack(column: list) -> np.ndarray:
    """Rows of one observable as an array with the scan point first; rows of different
    lengths (a scan over the chain's N) are padded with NaN."""
    rows = [np.asarray(row, dtype=float) for row in column]
    shape = tuple(np.max([row.shape for row in rows], axis=0)) if rows[0].ndim else ()
    stacked = np.full((len(rows), *shape), np.nan)
    for index, row in enumerate(rows):
        stacked[(index, *(slice(0, n) for n in row.shape))] = row
    return stacked


@dataclass(frozen=True)
class CaseRun:
    """What :func:`run_case_directory` did: the results, their checks and where they went."""

    results: CaseResults | QMEResults
    checks: list[Check]
    target: Path


def run_case_directory(
    path: str | Path,
    *,
    fast: bool = False,
    only: frozenset[str] = frozenset(STAGES),
    resume: bool = False,
    progress: Progress | None = None,
    mapper: Mapper | None = None,
) -> CaseRun:
    """Run the case in directory ``path`` and write ``path/results`` (what ``fpsolver run`` does).

    The case is locked against concurrent runs; long stages checkpoint into
    ``path/.checkpoint`` (``resume=True`` continues an interrupted run with the same
    configuration, bit-identically); the results directory is replaced atomically, so
    an interrupted run leaves the previous results intact.

    Raises
    ------
    CaseError
        Bad input (the message names the key at fault) or a case locked by another run.
    """
    try:
        with case_lock(case_file(path).parent):  # before any other work, so no second run can start meanwhile
            case = open_case(path, fast=fast)
            check_target(case.results_dir)
            if isinstance(case, QMECase):
                results = run_qme_case(case, progress=progress)
                store = None
            else:
                fresh = not (case.directory / ".checkpoint").exists()
                store = CheckpointStore(case.directory / ".checkpoint", case.config.digest(), resume=resume)
                try:
                    results = run_case(case, only=only, checkpoints=store, progress=progress, mapper=mapper)
                except CaseError:
                    if fresh:  # a refused input leaves no files behind (an interrupted run keeps its checkpoints)
                        store.clear()
                    raise
            checks = case_checks(case.config, results.metrics)
            target = write_results(results, checks)
            if store is not None:
                store.clear()
    except (CaseLockedError, StoreError) as exc:
        raise CaseError(str(exc)) from None
    except OSError as exc:  # a full disk or an I/O error while writing: the old results stay
        raise CaseError(f"cannot write {exc.filename or 'the results'}: {exc.strerror}; the earlier results are unchanged") from None
    return CaseRun(results=results, checks=checks, target=target)


def _configuration(path: str | Path, fast: bool) -> AnyCase:
    config = load_case(path)
    return fast_variant(config) if fast and config.kind == "fokker-planck" else config


def validate_case(path: str | Path, *, fast: bool = False, rerun: bool = False) -> list[Check]:
    """The checks of the case in ``path`` (what ``fpsolver validate`` prints).

    Stored results of the same configuration are re-checked against the case's current
    tolerances (they do not change results); otherwise, or with ``rerun``, the case is
    run first (:func:`run_case_directory`, which writes its results).
    """
    config = _configuration(path, fast)
    stored = None if rerun else read_metrics(case_file(path).parent / "results", config.digest())
    if stored is not None:
        return case_checks(config, stored)
    return run_case_directory(path, fast=fast).checks
