"""Input validation, chunk plan and block loop shared by the overdamped and inertial ensembles."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numba
import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._version import __version__
from fpsolver.ensembles._random import chunk_seeds
from fpsolver.ensembles._tables import cell_lookup
from fpsolver.meshes.builders import cell_centers, extent
from fpsolver.models.base import Model

ProgressCallback = Callable[[int, int], None]
# Steps per kernel call are chosen so that a call does about this many
# particle-steps (~0.1 s): often enough for a progress bar, rarely enough that
# launching the parallel kernel costs nothing. Results do not depend on it.
_PARTICLE_STEPS_PER_BLOCK = 2**24
DEFAULT_RECORDS = 1000


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


def _positive_integer(name: str, value: object) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"'{name}' must be a positive integer, got {value!r}")
    return int(value)


def _positive_finite(name: str, value: object) -> float:
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool) or not (np.isfinite(value) and value > 0):
        raise ValueError(f"'{name}' must be finite and > 0, got {value!r}")
    return float(value)


@dataclass
class ChunkPlan:
    """Arrays of one ``run_chunks`` call: which chunks, their particles, streams and
    per-chunk accumulators (``steady`` and ``moments`` hold ``columns`` sums)."""

    chunk_ids: np.ndarray
    particles: np.ndarray
    bounds: np.ndarray
    states: np.ndarray
    x: np.ndarray
    normals: np.ndarray
    histogram: np.ndarray
    steady: np.ndarray
    moments: np.ndarray


class EnsembleSetup:
    """Validated parameters, mesh data and chunk plan of one ensemble run.

    Raises ``ValueError`` naming the parameter for: ``n_particles``, ``chunk_size``,
    ``time_blocks``, ``sample_every`` or ``record_every`` not a positive integer;
    ``dt`` or ``t_end`` not finite and > 0, or ``t_end < dt``; ``burn_in`` outside
    [0, t_end); ``x0`` outside the domain (or on a wall when ``interior_x0``);
    ``seed`` not a non-negative integer; a mesh whose cells are not increasing.
    """

    def __init__(
        self,
        model: Model,
        mesh: Mesh,
        *,
        n_particles: int,
        dt: float,
        t_end: float,
        burn_in: float | None,
        seed: int,
        x0: float | str | np.ndarray,
        record_every: int | None,
        sample_every: int,
        chunk_size: int,
        time_blocks: int,
        table_points: int,
        interior_x0: bool,
    ) -> None:
        if not isinstance(model, Model):
            raise TypeError(f"'model' must be a fpsolver Model, got {type(model).__name__}")
        self.model = model
        self.n_particles = _positive_integer("n_particles", n_particles)
        self.dt = _positive_finite("dt", dt)
        t_end = _positive_finite("t_end", t_end)
        if t_end < self.dt:
            raise ValueError(f"'t_end' ({t_end!r}) must be at least one step 'dt' ({dt!r})")
        self.n_steps = int(round(t_end / self.dt))
        burn_in = 0.5 * t_end if burn_in is None else burn_in
        if not (isinstance(burn_in, (int, float, np.integer, np.floating)) and np.isfinite(burn_in) and 0 <= burn_in < t_end):
            raise ValueError(f"'burn_in' must lie in [0, t_end) = [0, {t_end!r}), got {burn_in!r}")
        self.burn_steps = min(int(round(burn_in / self.dt)), self.n_steps - 1)
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"'seed' must be a non-negative integer, got {seed!r}")
        self.seed = int(seed)
        self.chunk_size = _positive_integer("chunk_size", chunk_size)
        self.time_blocks = _positive_integer("time_blocks", time_blocks)
        self.sample_every = _positive_integer("sample_every", sample_every)
        default_record = max(1, self.n_steps // DEFAULT_RECORDS)
        self.record_every = default_record if record_every is None else _positive_integer("record_every", record_every)
        self.table_points = table_points

        self.domain = extent(mesh)
        self.centres = cell_centers(mesh)
        self.volumes = _fipy.cell_volumes(mesh)
        if np.any(np.diff(self.centres) <= 0):
            raise ValueError("ensemble: the mesh's cells must be ordered by increasing x")
        self.faces = np.concatenate([[self.domain[0]], np.cumsum(self.volumes) + self.domain[0]])
        self.faces[-1] = self.domain[1]
        self.lookup = cell_lookup(self.faces)
        self.x0_description, self._x0 = self._check_x0(x0, interior_x0)

    def _check_x0(self, x0: float | str | np.ndarray, interior: bool) -> tuple[object, object]:
        lo, hi = self.domain
        if isinstance(x0, str):
            if x0 != "uniform":
                raise ValueError(f"'x0' must be 'uniform', a position or one position per particle, got {x0!r}")
            return "uniform", None
        values = np.asarray(x0, dtype=float)
        if values.ndim == 0:
            values = np.full(self.n_particles, float(values))
            description: object = float(x0)  # type: ignore[arg-type]
        elif values.shape == (self.n_particles,):
            description = "array"
        else:
            raise ValueError(f"'x0' must be a scalar or have shape ({self.n_particles},), got shape {values.shape}")
        inside = (values > lo) & (values < hi) if interior else (values >= lo) & (values <= hi)
        if not np.all(np.isfinite(values) & inside):
            bad = values[~(np.isfinite(values) & inside)][0]
            where = "strictly inside" if interior else "inside"
            raise ValueError(f"'x0' must lie {where} the domain [{lo}, {hi}], got {bad!r}")
        return description, values

    @property
    def t_end(self) -> float:
        return self.n_steps * self.dt

    @property
    def n_chunks(self) -> int:
        return math.ceil(self.n_particles / self.chunk_size)

    @property
    def n_records(self) -> int:
        return self.n_steps // self.record_every + 1

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
        particles = np.concatenate([np.arange(a, b) for a, b in zip(starts, stops)])
        bounds = np.concatenate([[0], np.cumsum(stops - starts)]).astype(np.int64)
        return particles, bounds

    def initial_positions(self, particles: np.ndarray) -> np.ndarray:
        if self._x0 is None:
            lo, hi = self.domain
            # stratified, deterministic: the same positions whatever the chunking
            return lo + (particles + 0.5) * (hi - lo) / self.n_particles
        return np.array(self._x0[particles], dtype=float)

    def plan(self, chunks: Sequence[int] | None, columns: int) -> ChunkPlan:
        """Allocate everything a call running ``chunks`` needs (see :class:`ChunkPlan`)."""
        chunk_ids = self.chunk_indices(chunks)
        particles, bounds = self.particle_ranges(chunk_ids)
        n_local = chunk_ids.size
        return ChunkPlan(
            chunk_ids=chunk_ids,
            particles=particles,
            bounds=bounds,
            states=chunk_seeds(self.seed, chunk_ids, self.n_chunks),
            x=self.initial_positions(particles),
            normals=np.empty((n_local, self.chunk_size)),
            histogram=np.zeros((n_local, self.time_blocks, self.volumes.size), dtype=np.int64),
            steady=np.zeros((n_local, self.time_blocks, columns)),
            moments=np.zeros((n_local, self.n_records, columns)),
        )

    def fingerprint(self, extra: dict[str, object]) -> str:
        payload = {
            "model": self.model.describe(),
            "faces": hashlib.sha256(self.faces.tobytes()).hexdigest(),
            "x0": hashlib.sha256(np.asarray(self._x0 if self._x0 is not None else []).tobytes()).hexdigest(),
            **self.metadata(),
            **extra,
        }
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
            "x0": self.x0_description,
            "chunk_size": self.chunk_size,
            "n_chunks": self.n_chunks,
            "time_blocks": self.time_blocks,
            "sample_every": self.sample_every,
            "record_every": self.record_every,
            "table_points": self.table_points,
            "table_interpolation": "linear",
            "random_streams": "xoshiro256** per chunk seeded by numpy SeedSequence(seed).spawn(n_chunks); ziggurat normals",
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


class ChunkedEnsemble:
    """What the overdamped and inertial ensembles share: the chunk count and ``run``."""

    setup: EnsembleSetup

    @property
    def n_chunks(self) -> int:
        return self.setup.n_chunks

    def run(self, *, progress: ProgressCallback | None = None):
        """Run every chunk in this process (threads: numba's thread pool)."""
        return self.merge([self.run_chunks(progress=progress)])
