"""Validation, chunk plan, block loop, fingerprint and merge shared by every ensemble."""

from __future__ import annotations

import hashlib
import json
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numba
import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._validate import within_budget
from fpsolver._version import __version__
from fpsolver.ensembles._random import stream_seeds
from fpsolver.ensembles._tables import cell_lookup
from fpsolver.ensembles.options import MAX_PRECISION_PARTICLES, MIN_PRECISION_CHUNKS, EnsembleOptions, LineEnsembleOptions
from fpsolver.meshes.builders import cell_centers, extent
from fpsolver.models.base import Model, check_model_and_mesh
from fpsolver.results.ensemble import density_from_counts, moments_versus_time, ratio_with_error

ProgressCallback = Callable[[int, int], None]
#: how the random numbers are made, for every result's metadata
RANDOM_STREAMS = (
    "one xoshiro256** generator per normal slot + 1 for rare draws per chunk, states from SplitMix64 "
    "at counters disjoint per chunk after one word of numpy SeedSequence(seed); 1024-layer ziggurat normals"
)
# Steps per kernel call are chosen so that a call does about this many
# particle-steps (~0.1 s): often enough for a progress bar, rarely enough that
# launching the parallel kernel and its per-chunk scratch costs nothing. Results do
# not depend on it.
_PARTICLE_STEPS_PER_BLOCK = 2**25
DEFAULT_RECORDS = 1000
#: Memory per particle: position (and velocity), exit time and side, random normal,
#: generator state (32 bytes per normal slot) and the kernels' per-step scratch.
BYTES_PER_PARTICLE = 160


@dataclass(frozen=True)
class ChunkResults:
    """Raw per-chunk accumulators of one call that ran a subset of chunks.

    Combine the partial results of separate calls (threads, processes or
    machines) with the ensemble's ``merge``: the merged result is bit-identical
    to a single run of all chunks.

    Attributes
    ----------
    fingerprint
        Everything that determines the run (model, mesh, parameters); merge
        refuses partial results with different fingerprints.
    chunks
        Global indices of the chunks this call ran, increasing.
    arrays
        Per-chunk arrays (leading axis = chunk) and per-particle arrays.
    """

    fingerprint: str
    chunks: np.ndarray
    arrays: dict[str, np.ndarray]


@dataclass
class ChunkPlan:
    """Arrays of one ``run_chunks`` call of a 1D ensemble: which chunks, their particles,
    streams and per-chunk accumulators (``steady`` and ``moments`` hold ``columns`` sums)."""

    chunk_ids: np.ndarray
    particles: np.ndarray
    bounds: np.ndarray
    states: np.ndarray
    x: np.ndarray
    normals: np.ndarray
    histogram: np.ndarray
    steady: np.ndarray
    moments: np.ndarray

    def record_start(self, *values: np.ndarray) -> None:
        """Record 0 of every chunk: (particles, then sum v and sum v^2 of each of ``values``)."""
        starts = self.bounds[:-1]
        sums = [np.add.reduceat(power, starts) for v in values for power in (v, v * v)]
        self.moments[:, 0] = np.column_stack([np.diff(self.bounds), *sums])


class EnsembleSetup:
    """Validated time stepping and chunk plan of one ensemble run (any dimension).

    ``dt``, ``t_end`` and ``sample_every`` are the resolved values (see
    :meth:`~fpsolver.ensembles.options.LineEnsembleOptions.times`); the options
    object has checked types and bounds. Raises ``ValueError`` naming the option
    for ``dt`` or ``t_end`` not finite and > 0, ``t_end < dt``, ``burn_in`` not in
    [0, t_end) or a ``sample_interval`` longer than the sampling window (no sample
    would be taken), and ``TypeError`` for a model that is not a fpsolver Model.
    """

    def __init__(self, model: Model, options: EnsembleOptions, dt: float, t_end: float, sample_every: int, bin_sizes: np.ndarray, time_blocks: int = 1) -> None:
        if not isinstance(model, Model):
            raise TypeError(f"'model' must be a fpsolver Model, got {type(model).__name__}")
        for name, value in (("dt", dt), ("t_end", t_end)):
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"'{name}' must be finite and > 0, got {value!r}")
        if t_end < dt:
            raise ValueError(f"'t_end' ({t_end!r}) must be at least one step 'dt' ({dt!r})")
        burn_in = 0.5 * t_end if options.burn_in is None else options.burn_in
        if not burn_in < t_end:
            raise ValueError(f"'burn_in' must lie in [0, t_end) = [0, {t_end!r}), got {burn_in!r}")
        self.model = model
        self.options = options
        self.n_particles, self.seed, self.chunk_size = options.n_particles, options.seed, options.chunk_size
        #: sized by ``precision`` (n_particles unset): grown in rounds by :meth:`more_chunks`
        self.sized_by_precision = options.n_particles is None
        if self.sized_by_precision:
            self.n_particles = MIN_PRECISION_CHUNKS * self.chunk_size
        #: the histogram's bins (cell lengths, bin areas or volumes) and time blocks: error batches are chunks x blocks
        self.bin_sizes, self.time_blocks = bin_sizes, time_blocks
        self.dt = float(dt)
        self.n_steps = int(round(t_end / self.dt))
        self.burn_steps = min(int(round(burn_in / self.dt)), self.n_steps - 1)
        if sample_every > self.n_steps - self.burn_steps:
            window = (self.n_steps - self.burn_steps) * self.dt
            raise ValueError(f"'sample_interval' ({sample_every * self.dt!r}) exceeds the sampling window t_end - burn_in ({window!r}): no histogram samples")
        self.sample_every = sample_every

    @property
    def t_end(self) -> float:
        return self.n_steps * self.dt

    @property
    def n_chunks(self) -> int:
        return math.ceil(self.n_particles / self.chunk_size)

    def chunk_indices(self, chunks: Sequence[int] | None) -> np.ndarray:
        """Validated, increasing global chunk indices (all chunks when ``None``)."""
        if chunks is None:
            return np.arange(self.n_chunks)
        indices = np.asarray(chunks)
        if indices.ndim != 1 or indices.size == 0 or not np.issubdtype(indices.dtype, np.integer):
            raise ValueError("'chunks' must be a non-empty sequence of chunk indices")
        if np.any(indices < 0) or np.any(indices >= self.n_chunks) or np.unique(indices).size != indices.size:
            raise ValueError(f"'chunks' must be distinct indices in [0, {self.n_chunks}), got {list(indices)}")
        return np.sort(indices)

    def particle_ranges(self, chunks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Global particle indices of the chunks and local bounds (size len(chunks) + 1)."""
        starts = chunks * self.chunk_size
        stops = np.minimum(starts + self.chunk_size, self.n_particles)
        bounds = np.concatenate([[0], np.cumsum(stops - starts)]).astype(np.int64)
        # local index i of chunk k is global particle starts[k] + (i - bounds[k])
        particles = np.arange(bounds[-1], dtype=np.int64) + np.repeat(starts - bounds[:-1], stops - starts)
        return particles, bounds

    def streams(self, chunks: np.ndarray, slots_per_particle: int = 1) -> np.ndarray:
        """Random-stream states of the chunks: one xoshiro256** generator per normal slot
        (``slots_per_particle`` per particle) and one for rare draws
        (:func:`~fpsolver.ensembles._random.stream_seeds`)."""
        return stream_seeds(self.seed, chunks, slots_per_particle * self.chunk_size)

    def fingerprint(self, parameters: dict[str, object]) -> str:
        """Everything that determines the run, as a string: model, options, resolved steps, ``parameters``."""
        payload = {"model": self.model.describe(), **self.metadata(), **parameters}
        if self.sized_by_precision:
            # the chunks of every round belong to one run, whatever size it grows to
            payload.update(n_particles=None, n_chunks=None)
        return json.dumps(payload, sort_keys=True, default=str)

    def metadata(self) -> dict[str, object]:
        return {
            "n_particles": self.n_particles,
            "dt": self.dt,
            "n_steps": self.n_steps,
            "t_end": self.t_end,
            "burn_in": self.burn_steps * self.dt,
            "burn_steps": self.burn_steps,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "n_chunks": self.n_chunks,
            "sample_every": self.sample_every,
            "sample_interval": self.sample_every * self.dt,
            "table_points": self.options.table_points,
            "random_streams": RANDOM_STREAMS,
            "precision_target": self.options.precision if self.sized_by_precision else None,
            "fpsolver_version": __version__,
            "numpy_version": np.__version__,
            "numba_version": numba.__version__,
        }

    def run_blocks(self, advance: Callable[[int, int], None], particles: int, progress: ProgressCallback | None) -> None:
        """Call ``advance(first_step, n_steps)`` block by block, reporting progress in steps."""
        block = max(1, _PARTICLE_STEPS_PER_BLOCK // max(particles, 1))
        done = 0
        while done < self.n_steps:
            steps = min(block, self.n_steps - done)
            advance(done, steps)
            done += steps
            if progress is not None:
                progress(done, self.n_steps)

    def reached_precision(self, arrays: dict[str, np.ndarray]) -> float:
        """sqrt(bins * sum_i (err_i size_i)^2) of the merged ``arrays``: the relative standard
        error (batch means) of the density in a bin of probability 1/bins (see ``precision``)."""
        batches = arrays["histogram"].shape[0] * self.time_blocks
        error = density_from_counts(arrays["histogram"].reshape(batches, -1), self.bin_sizes)[1]
        return float(np.sqrt(self.bin_sizes.size * np.sum((error * self.bin_sizes) ** 2)))

    def more_chunks(self, arrays: dict[str, np.ndarray]) -> np.ndarray | None:
        """The next round of chunks of a run sized by ``precision``, or ``None`` when done.

        With ``n`` chunks run and precision ``p`` reached (errors scale as 1/sqrt(chunks)),
        the run grows to ``1.1 n (p / target)^2`` chunks (at least one more, at most four
        times as many, at most ``MAX_PRECISION_PARTICLES`` particles): the stopping point
        depends only on the seed and the options, so the run is reproducible.
        """
        if not self.sized_by_precision:
            return None
        reached, target = self.reached_precision(arrays), self.options.precision
        done = self.n_chunks
        most = max(done, MAX_PRECISION_PARTICLES // self.chunk_size)
        if reached <= target or done >= most:
            return None
        wanted = math.ceil(1.1 * done * (reached / target) ** 2)
        grown = min(most, 4 * done, max(done + 1, wanted))
        self.n_particles = grown * self.chunk_size
        return np.arange(done, grown)

    def merge_arrays(self, partials: Sequence[ChunkResults], fingerprint: str) -> dict[str, np.ndarray]:
        """Concatenate partial results in chunk order after checking they form the whole run."""
        if len(partials) == 0:
            raise ValueError("merge: no partial results given")
        for part in partials:
            if part.fingerprint != fingerprint:
                raise ValueError("merge: a partial result comes from a different ensemble (model, mesh or parameters differ)")
        chunks = np.concatenate([part.chunks for part in partials])
        if np.unique(chunks).size != chunks.size or chunks.size != self.n_chunks:
            raise ValueError(f"merge: the partial results must cover each of the {self.n_chunks} chunks exactly once")
        merged: dict[str, np.ndarray] = {}
        for key, first in partials[0].arrays.items():
            # per-particle arrays are placed by global particle index, per-chunk ones by chunk index
            per_particle = key.startswith("particle_")
            full = np.empty(((self.n_particles,) if per_particle else (self.n_chunks,)) + first.shape[1:], dtype=first.dtype)
            for part in partials:
                where = self.particle_ranges(part.chunks)[0] if per_particle else part.chunks
                full[where] = part.arrays[key]
            merged[key] = full
        return merged


class LineSetup(EnsembleSetup):
    """An :class:`EnsembleSetup` on a 1D mesh: cells as histogram bins, initial positions, records.

    Unset ``dt``, ``t_end`` and ``sample_interval`` follow
    :meth:`~fpsolver.ensembles.options.LineEnsembleOptions.times`. Raises
    ``ValueError`` naming the option for ``x0`` outside the domain (or on a wall
    when ``interior_x0``) or of the wrong shape, and for a mesh whose cells are not
    increasing.
    """

    def __init__(self, model: Model, mesh: Mesh, options: LineEnsembleOptions, interior_x0: bool) -> None:
        check_model_and_mesh(model, mesh)
        self.domain = extent(mesh)
        self.centres = cell_centers(mesh)
        self.volumes = _fipy.cell_volumes(mesh)
        if np.any(np.diff(self.centres) <= 0):
            raise ValueError("ensemble: the mesh's cells must be ordered by increasing x")
        times = options.times(model, self.domain, self.centres)
        self._check_budget(options, *times)
        self.x0_description, self._x0 = self._check_x0(options.x0, options.n_particles, interior_x0)
        super().__init__(model, options, *times, bin_sizes=self.volumes, time_blocks=options.time_blocks)
        default_record = max(1, self.n_steps // DEFAULT_RECORDS)
        self.record_every = default_record if options.record_every is None else options.record_every
        self.faces = np.concatenate([[self.domain[0]], np.cumsum(self.volumes) + self.domain[0]])
        self.faces[-1] = self.domain[1]
        self.lookup = cell_lookup(self.faces)

    def _check_budget(self, options: LineEnsembleOptions, dt: float, t_end: float, sample_every: int) -> None:
        """Refuse, before allocating, a run over the memory or step budget: per particle its
        state (:data:`BYTES_PER_PARTICLE`), per chunk its histogram and records, and the tables
        (a run sized by ``precision`` counts its largest size, MAX_PRECISION_PARTICLES)."""
        particles = max(options.n_particles or max(MAX_PRECISION_PARTICLES, MIN_PRECISION_CHUNKS * options.chunk_size), 1)
        steps = t_end / dt if np.isfinite(t_end / dt) else np.inf
        records = steps / (options.record_every or max(1.0, steps // DEFAULT_RECORDS)) + 1
        chunks = np.ceil(particles / options.chunk_size)
        # arrays are allocated per whole chunk: a chunk_size above n_particles still costs chunk_size
        memory = BYTES_PER_PARTICLE * chunks * options.chunk_size + 8.0 * chunks * (options.time_blocks * self.volumes.size + 3 * records) + 48.0 * options.table_points
        detail = f"n_particles = {particles}, t_end/dt = {steps:.3g} steps, {chunks:.3g} chunks of {self.volumes.size} cells, table_points = {options.table_points}"
        within_budget("the ensemble", memory_bytes=memory, steps=steps, detail=detail)

    def _check_x0(self, x0: float | str | np.ndarray, n_particles: int | None, interior: bool) -> tuple[object, np.ndarray | None]:
        lo, hi = self.domain
        if isinstance(x0, str):  # "uniform", the only string the options allow
            return "uniform", None
        values = np.asarray(x0, dtype=float)
        if values.ndim == 0:
            description: object = float(x0)  # type: ignore[arg-type]
        elif n_particles is None:
            raise ValueError("'x0' as an array of positions needs 'n_particles'")
        elif values.shape == (n_particles,):
            description = "array"
        else:
            raise ValueError(f"'x0' must be a scalar or have shape ({n_particles},), got shape {values.shape}")
        inside = np.atleast_1d((values > lo) & (values < hi) if interior else (values >= lo) & (values <= hi))
        finite = np.atleast_1d(np.isfinite(values))
        if not np.all(finite & inside):
            bad = np.atleast_1d(values)[~(finite & inside)][0]
            where = "strictly inside" if interior else "inside"
            raise ValueError(f"'x0' must lie {where} the domain [{lo}, {hi}], got {bad!r}")
        return description, values

    @property
    def n_records(self) -> int:
        return self.n_steps // self.record_every + 1

    def initial_positions(self, particles: np.ndarray) -> np.ndarray:
        """Positions of the given global particle indices: ``x0``, or for ``"uniform"``
        each chunk spread evenly over the domain (stratified, deterministic, the same
        whatever the number of chunks)."""
        if self._x0 is None:
            lo, hi = self.domain
            chunk, index = np.divmod(particles, self.chunk_size)
            size = np.minimum(self.chunk_size, self.n_particles - chunk * self.chunk_size)
            return lo + (index + 0.5) * (hi - lo) / size
        if self._x0.ndim == 0:
            return np.full(particles.size, float(self._x0))
        return np.array(self._x0[particles], dtype=float)

    def plan(self, chunk_ids: np.ndarray, columns: int) -> ChunkPlan:
        """Allocate everything a call running ``chunk_ids`` needs (see :class:`ChunkPlan`)."""
        particles, bounds = self.particle_ranges(chunk_ids)
        n_local = chunk_ids.size
        return ChunkPlan(
            chunk_ids=chunk_ids,
            particles=particles,
            bounds=bounds,
            states=self.streams(chunk_ids),
            x=self.initial_positions(particles),
            normals=np.empty((n_local, self.chunk_size)),
            histogram=np.zeros((n_local, self.time_blocks, self.volumes.size), dtype=np.int64),
            steady=np.zeros((n_local, self.time_blocks, columns)),
            moments=np.zeros((n_local, self.n_records, columns)),
        )

    def fingerprint(self, parameters: dict[str, object]) -> str:
        x0 = np.asarray(self._x0 if self._x0 is not None else [])
        geometry = {"faces": hashlib.sha256(self.faces.tobytes()).hexdigest(), "x0": hashlib.sha256(x0.tobytes()).hexdigest()}
        return super().fingerprint({**geometry, **parameters})

    def metadata(self) -> dict[str, object]:
        return {
            **super().metadata(),
            "x0": self.x0_description,
            "time_blocks": self.time_blocks,
            "record_every": self.record_every,
            "table_interpolation": "linear",
        }

    def line_fields(self, arrays: dict[str, np.ndarray], columns: int) -> dict[str, object]:
        """The result fields both 1D ensembles have (:class:`~fpsolver.results.ensemble.LineEnsembleResult`
        but the metadata): cells, histogram density, steady <x> and <x^2> (columns 1, 2 of
        ``steady``), survivors and <x>, Var x at the record times (columns 0-2 of
        ``moments``), exits, final positions and the model."""
        batches = self.n_chunks * self.time_blocks
        density, density_error, counts = density_from_counts(arrays["histogram"].reshape(batches, -1), self.volumes)
        steady = arrays["steady"].reshape(batches, columns)
        mean, mean_error = ratio_with_error(steady[:, 1], steady[:, 0])
        second, second_error = ratio_with_error(steady[:, 2], steady[:, 0])
        history = moments_versus_time(arrays["moments"], first=1)
        return {
            "x": self.centres,
            "x_faces": self.faces,
            "volumes": self.volumes,
            "P": density,
            "P_error": density_error,
            "counts": counts,
            "steady_mean": mean,
            "steady_mean_error": mean_error,
            "steady_second_moment": second,
            "steady_second_moment_error": second_error,
            "t": np.arange(self.n_records) * self.record_every * self.dt,
            "alive": history["count"],
            **{key: history[key] for key in ("mean", "mean_error", "variance", "variance_error")},
            "exit_time": arrays["particle_exit_time"],
            "exit_side": arrays["particle_exit_side"],
            "final_x": arrays["particle_x"],
            "model": self.model.describe(),
        }


Kernel = tuple[Callable[[int, int], None], Callable[[], dict[str, np.ndarray]], int]


class ChunkedEnsemble(ABC):
    """A run split into chunks of particles, each with its own random stream.

    ``run()`` runs every chunk here. For a run split across processes or machines,
    call ``run_chunks(chunks)`` on each with disjoint chunk index sets covering
    ``range(n_chunks)`` and pass the partial results to ``merge``: the result is
    bit-identical to ``run()``, and ``merge`` refuses parts whose
    :meth:`fingerprint` differs. Subclasses say what else determines the run
    (:meth:`parameters`), how to advance a set of chunks (:meth:`_start`) and how
    merged arrays become a result (:meth:`_result`).
    """

    kind: ClassVar[str]
    setup: EnsembleSetup

    @property
    def n_chunks(self) -> int:
        return self.setup.n_chunks

    @abstractmethod
    def parameters(self) -> dict[str, object]:
        """What determines the run besides the model, the options and the setup (scheme, walls, mass, ...)."""

    @abstractmethod
    def _start(self, chunk_ids: np.ndarray) -> Kernel:
        """``(advance(first_step, n_steps), finish() -> arrays, particles)`` for these chunks."""

    @abstractmethod
    def _result(self, arrays: dict[str, np.ndarray]):
        """The result object of the merged arrays of every chunk."""

    def fingerprint(self) -> str:
        """Everything that determines the run (model, geometry, options, versions) as one string."""
        return self.setup.fingerprint({"kind": self.kind, **self.parameters()})

    def run_chunks(self, chunks: Sequence[int] | None = None, *, progress: ProgressCallback | None = None) -> ChunkResults:
        """Run the chunks with the given global indices (all when ``None``)."""
        chunk_ids = self.setup.chunk_indices(chunks)
        advance, finish, particles = self._start(chunk_ids)
        self.setup.run_blocks(advance, particles, progress)
        return ChunkResults(fingerprint=self.fingerprint(), chunks=chunk_ids, arrays=finish())

    def merge(self, partials: Sequence[ChunkResults]):
        """Combine partial results that together cover every chunk exactly once."""
        return self._result(self.setup.merge_arrays(partials, self.fingerprint()))

    def more_chunks(self, partials: Sequence[ChunkResults]) -> np.ndarray | None:
        """The chunks of the next round of a run sized by ``precision`` (the ensemble grows
        to include them), or ``None`` when ``partials``, covering every chunk so far, are
        the whole run."""
        return self.setup.more_chunks(self.setup.merge_arrays(partials, self.fingerprint()))

    def run(self, *, progress: ProgressCallback | None = None):
        """Run every chunk in this process (threads: numba's thread pool), in rounds
        until the precision asked for is reached when ``n_particles`` is unset."""
        partials = [self.run_chunks(progress=progress)]
        while (chunks := self.more_chunks(partials)) is not None:
            partials.append(self.run_chunks(chunks, progress=progress))
        return self.merge(partials)
