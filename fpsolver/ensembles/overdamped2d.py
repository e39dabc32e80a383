"""Overdamped Langevin ensembles in 2D rectangles and discs with reflecting walls.

The Ito SDE with the law of the 2D canonical form dP/dt = div[A P + grad(D P)]
(isotropic D, PHYSICS.md section 1) is

    dr = -A(r) dt + sqrt(2 D(r)) dW,     W a 2D Wiener process     (Ito)

integrated with Euler-Maruyama (weak order 1) on coefficient tables
(:mod:`fpsolver.ensembles._kernels2d`). Walls reflect by mirroring: per axis in a
rectangle (the symmetrized Euler scheme of Bossy, Gobet and Talay 2004 on each
wall), radially on a disc. The steady density is the histogram of all particles
after ``burn_in``, sampled every ``sample_every`` steps, on the cells of a
``Grid2D`` (:func:`cartesian_bins`, the PDE's own cells) or on annuli x sectors of
a disc (:func:`polar_bins`); errors are batch means over chunks.
Choose ``sample_every * dt`` near the relaxation time so that samples are nearly
independent and the counts close to multinomial (chi^2 tests then apply).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver.ensembles._kernels2d import CARTESIAN, DISC, POLAR, RECTANGLE, advance_overdamped_2d, initial_positions_2d
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X, chunk_seeds
from fpsolver.meshes.nd import bounding_box
from fpsolver.models.base import Model
from fpsolver.results.ensemble import density_from_counts

__all__ = ["Rectangle", "Disc", "Bins", "cartesian_bins", "polar_bins", "Ensemble2DResult", "OverdampedEnsemble2D", "run_ensemble_2d"]

DEFAULT_TABLE_POINTS = 513
# particle-steps per kernel call (~0.1 s), as in 1D; results do not depend on it
_PARTICLE_STEPS_PER_BLOCK = 2**23


@dataclass(frozen=True)
class Rectangle:
    """The box [lower[0], upper[0]] x [lower[1], upper[1]]."""

    lower: tuple[float, float]
    upper: tuple[float, float]

    @classmethod
    def from_mesh(cls, mesh: Mesh) -> Rectangle:
        lower, upper = bounding_box(mesh)
        return cls((float(lower[0]), float(lower[1])), (float(upper[0]), float(upper[1])))

    @property
    def geometry(self) -> np.ndarray:
        return np.array([self.lower[0], self.upper[0], self.lower[1], self.upper[1]])

    def project(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.clip(x, self.lower[0], self.upper[0]), np.clip(y, self.lower[1], self.upper[1])


@dataclass(frozen=True)
class Disc:
    """The disc |r - center| <= radius."""

    center: tuple[float, float] = (0.0, 0.0)
    radius: float = 1.0

    @property
    def lower(self) -> tuple[float, float]:
        return (self.center[0] - self.radius, self.center[1] - self.radius)

    @property
    def upper(self) -> tuple[float, float]:
        return (self.center[0] + self.radius, self.center[1] + self.radius)

    @property
    def geometry(self) -> np.ndarray:
        return np.array([self.center[0], self.center[1], self.radius])

    def project(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = x - self.center[0], y - self.center[1]
        scale = np.minimum(1.0, self.radius / np.maximum(np.hypot(dx, dy), 1e-300))
        return self.center[0] + dx * scale, self.center[1] + dy * scale


@dataclass(frozen=True)
class Bins:
    """Histogram bins: ``"cartesian"`` (x edges, y edges) or ``"polar"`` (r edges, theta edges).

    ``areas`` and ``centres`` (shape (2, n): x, y of a Grid2D cell centre, or r, theta
    of the middle of an annulus sector) are per bin, in the kernel's bin order
    (FiPy's Grid2D cell order for cartesian bins).
    """

    kind: str
    edges_a: np.ndarray
    edges_b: np.ndarray
    origin: tuple[float, float] = (0.0, 0.0)
    areas: np.ndarray = field(default_factory=lambda: np.empty(0))
    centres: np.ndarray = field(default_factory=lambda: np.empty((2, 0)))


def cartesian_bins(mesh: Mesh) -> Bins:
    """The cells of a rectilinear ``Grid2D`` (uniform or not) as histogram bins."""
    vertices = _fipy.vertex_coordinates(mesh)
    x_edges, y_edges = np.unique(vertices[0]), np.unique(vertices[1])
    if _fipy.dimension(mesh) != 2 or (x_edges.size - 1) * (y_edges.size - 1) != _fipy.cell_volumes(mesh).size:
        raise ValueError("cartesian_bins: the mesh must be a rectilinear Grid2D")
    widths, heights = np.diff(x_edges), np.diff(y_edges)
    areas = np.outer(heights, widths).ravel()
    centres = np.array(np.meshgrid(0.5 * (x_edges[1:] + x_edges[:-1]), 0.5 * (y_edges[1:] + y_edges[:-1]))).reshape(2, -1)
    return Bins("cartesian", x_edges, y_edges, (0.0, 0.0), areas, centres)


def polar_bins(disc: Disc, n_radial: int, n_angular: int = 1) -> Bins:
    """Equal-width annuli times equal sectors of ``disc``; bin index i_r * n_angular + i_theta."""
    r_edges = np.linspace(0.0, disc.radius, int(n_radial) + 1)
    theta_edges = np.linspace(-np.pi, np.pi, int(n_angular) + 1)
    ring_areas = 0.5 * np.diff(r_edges**2)
    areas = np.outer(ring_areas, np.diff(theta_edges)).ravel()
    centres = np.array(np.meshgrid(0.5 * (r_edges[1:] + r_edges[:-1]), 0.5 * (theta_edges[1:] + theta_edges[:-1]), indexing="ij")).reshape(2, -1)
    return Bins("polar", r_edges, theta_edges, disc.center, areas, centres)


@dataclass(frozen=True)
class Ensemble2DResult:
    """Steady histogram of a 2D ensemble.

    Attributes
    ----------
    bins
        The bins (with their areas).
    density, density_error
        Counts / (samples x bin area) (sum(density * areas) = 1) and its batch-means
        error over chunks.
    counts
        Total counts per bin; ``counts.sum()`` is the number of samples.
    final_x, final_y
        Particle positions at t_end.
    model, metadata
        ``Model.describe()`` and the run parameters.
    """

    bins: Bins
    density: np.ndarray
    density_error: np.ndarray
    counts: np.ndarray
    final_x: np.ndarray
    final_y: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object]


def _table(model: Model, domain: Rectangle | Disc, table_points: int) -> tuple[np.ndarray, float, float, float, float]:
    """(-A_x, -A_y, sqrt(2 D)) on a table_points^2 grid of the bounding box.

    Nodes outside a disc take the values at their projection onto the wall, so the
    model is only evaluated inside the domain and interpolation near the wall stays
    continuous.
    """
    if not isinstance(table_points, (int, np.integer)) or table_points < 2:
        raise ValueError(f"'table_points' must be an integer >= 2, got {table_points!r}")
    xs = np.linspace(domain.lower[0], domain.upper[0], int(table_points))
    ys = np.linspace(domain.lower[1], domain.upper[1], int(table_points))
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    points = np.array(domain.project(X.ravel(), Y.ravel()))
    box = (np.asarray(domain.lower), np.asarray(domain.upper))
    model.check_dimension(2)
    model.validate(points, box)
    c = model.coefficients(points, box)
    values = np.stack([-c.A[0], -c.A[1], np.sqrt(2.0 * c.D)], axis=-1).reshape(xs.size, ys.size, 3)
    if not np.all(np.isfinite(values)):
        raise ValueError("ensemble: the model's coefficients are not finite everywhere on the domain")
    return np.ascontiguousarray(values), xs[0], ys[0], (xs.size - 1) / (xs[-1] - xs[0]), (ys.size - 1) / (ys[-1] - ys[0])


class OverdampedEnsemble2D:
    """A 2D overdamped ensemble, set up once; run all chunks, or subsets and merge.

    For a run split across processes or machines, call ``run_chunks(chunks)`` on
    each with disjoint chunk index sets covering ``range(n_chunks)`` and pass the
    parts to ``merge``: the result is bit-identical to ``run()`` (chunk c always
    uses stream ``SeedSequence(seed).spawn(n_chunks)[c]``). Parameters are those
    of :func:`run_ensemble_2d`.
    """

    def __init__(
        self,
        model: Model,
        domain: Rectangle | Disc,
        n_particles: int,
        dt: float,
        t_end: float,
        *,
        bins: Bins,
        burn_in: float | None = None,
        sample_every: int = 1,
        seed: int = 0,
        chunk_size: int = 1024,
        table_points: int = DEFAULT_TABLE_POINTS,
    ) -> None:
        for name, value in {"n_particles": n_particles, "chunk_size": chunk_size, "sample_every": sample_every}.items():
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"'{name}' must be a positive integer, got {value!r}")
        for name, value in {"dt": dt, "t_end": t_end}.items():
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"'{name}' must be finite and > 0, got {value!r}")
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"'seed' must be a non-negative integer, got {seed!r}")
        self.burn_in = 0.5 * t_end if burn_in is None else float(burn_in)
        if not 0 <= self.burn_in < t_end:
            raise ValueError(f"'burn_in' must lie in [0, t_end), got {burn_in!r}")
        if not isinstance(domain, (Rectangle, Disc)):
            raise TypeError(f"'domain' must be a Rectangle or a Disc, got {type(domain).__name__}")
        self.model, self.domain, self.bins = model, domain, bins
        self.n_particles, self.chunk_size, self.seed = int(n_particles), int(chunk_size), int(seed)
        self.dt, self.t_end, self.sample_every, self.table_points = float(dt), float(t_end), int(sample_every), int(table_points)
        self.n_steps, self.burn_steps = int(round(t_end / dt)), int(round(self.burn_in / dt))
        self.n_chunks = math.ceil(self.n_particles / self.chunk_size)
        self.table, self.table_x0, self.table_y0, self.table_inv_x, self.table_inv_y = _table(model, domain, table_points)

    def run_chunks(self, chunks: Sequence[int] | None = None) -> dict[str, np.ndarray]:
        """Run the chunks with the given global indices (all when ``None``).

        Returns ``chunks`` (sorted ids), ``histogram`` (one row per chunk) and the
        final positions ``final_x``, ``final_y`` of their particles.
        """
        ids = np.arange(self.n_chunks) if chunks is None else np.unique(np.asarray(chunks, dtype=np.int64))
        if ids.size == 0 or ids[0] < 0 or ids[-1] >= self.n_chunks:
            raise ValueError(f"chunk indices must lie in [0, {self.n_chunks})")
        sizes = np.minimum((ids + 1) * self.chunk_size, self.n_particles) - ids * self.chunk_size
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        states = chunk_seeds(self.seed, ids, self.n_chunks)
        shape = RECTANGLE if isinstance(self.domain, Rectangle) else DISC
        binning = CARTESIAN if self.bins.kind == "cartesian" else POLAR
        geometry = self.domain.geometry
        px, py = np.empty(bounds[-1]), np.empty(bounds[-1])
        initial_positions_2d(px, py, states, bounds, shape, geometry)
        normals = np.empty((ids.size, 2 * self.chunk_size))
        histogram = np.zeros((ids.size, self.bins.areas.size), dtype=np.int64)
        block = max(1, _PARTICLE_STEPS_PER_BLOCK // int(bounds[-1]))
        for first in range(0, self.n_steps, block):
            advance_overdamped_2d(
                px,
                py,
                states,
                bounds,
                normals,
                first,
                min(block, self.n_steps - first),
                self.dt,
                shape,
                geometry,
                self.table,
                self.table_x0,
                self.table_y0,
                self.table_inv_x,
                self.table_inv_y,
                ZIGGURAT_X,
                ZIGGURAT_F,
                binning,
                self.bins.edges_a,
                self.bins.edges_b,
                self.bins.origin[0],
                self.bins.origin[1],
                self.burn_steps,
                self.sample_every,
                histogram,
            )
        return {"chunks": ids, "histogram": histogram, "final_x": px, "final_y": py}

    def merge(self, partials: Sequence[dict[str, np.ndarray]]) -> Ensemble2DResult:
        """Combine parts that together cover every chunk exactly once (in chunk order)."""
        ids = np.concatenate([part["chunks"] for part in partials])
        if np.sort(ids).tolist() != list(range(self.n_chunks)):
            raise ValueError(f"partial results must cover chunks 0..{self.n_chunks - 1} exactly once")
        order = np.argsort(ids)
        histogram = np.concatenate([part["histogram"] for part in partials])[order]
        # particles of chunk c are contiguous within their part: reorder chunk by chunk
        pieces_x, pieces_y = [], []
        for part in partials:
            sizes = np.minimum((part["chunks"] + 1) * self.chunk_size, self.n_particles) - part["chunks"] * self.chunk_size
            edges = np.concatenate([[0], np.cumsum(sizes)])
            pieces_x += [part["final_x"][a:b] for a, b in zip(edges[:-1], edges[1:])]
            pieces_y += [part["final_y"][a:b] for a, b in zip(edges[:-1], edges[1:])]
        density, density_error, counts = density_from_counts(histogram, self.bins.areas)
        return Ensemble2DResult(
            bins=self.bins,
            density=density,
            density_error=density_error,
            counts=counts,
            final_x=np.concatenate([pieces_x[i] for i in order]),
            final_y=np.concatenate([pieces_y[i] for i in order]),
            model=self.model.describe(),
            metadata={
                "kind": "overdamped-2d",
                "sde": "dr = -A dt + sqrt(2 D) dW (Ito, 2D)",
                "scheme": "euler",
                "weak_order": 1,
                "domain": type(self.domain).__name__,
                "n_particles": self.n_particles,
                "dt": self.dt,
                "t_end": self.t_end,
                "burn_in": self.burn_in,
                "sample_every": self.sample_every,
                "seed": self.seed,
                "chunk_size": self.chunk_size,
                "n_chunks": self.n_chunks,
                "table_points": self.table_points,
                "threads": numba.get_num_threads(),
            },
        )

    def run(self) -> Ensemble2DResult:
        """Run every chunk in this process (threads: numba's thread pool)."""
        return self.merge([self.run_chunks()])


def run_ensemble_2d(
    model: Model,
    domain: Rectangle | Disc,
    n_particles: int,
    dt: float,
    t_end: float,
    *,
    bins: Bins,
    burn_in: float | None = None,
    sample_every: int = 1,
    seed: int = 0,
    chunk_size: int = 1024,
    table_points: int = DEFAULT_TABLE_POINTS,
) -> Ensemble2DResult:
    """Simulate ``n_particles`` particles of dr = -A dt + sqrt(2 D) dW in a 2D domain.

    Parameters
    ----------
    model
        An nD-capable model (``Ito``, ``GCLM1``) with a 2D temperature field.
    domain
        :class:`Rectangle` (e.g. ``Rectangle.from_mesh(grid)``) or :class:`Disc`.
    n_particles, dt, t_end
        Particles, time step and duration; round(t_end / dt) steps.
    bins
        :func:`cartesian_bins` of a Grid2D or :func:`polar_bins` of a disc.
    burn_in
        Time before sampling starts (default t_end / 2).
    sample_every
        Steps between histogram samples.
    seed, chunk_size
        Chunk c uses ``SeedSequence(seed).spawn(n_chunks)[c]`` (start positions,
        uniform in the domain, and noise); results depend on these two only.
    table_points
        Table nodes per axis (bilinear interpolation; error ~h^2 |c''| / 8).

    Raises
    ------
    ValueError
        For invalid parameters or a model that is invalid on the domain.
    """
    return OverdampedEnsemble2D(
        model,
        domain,
        n_particles,
        dt,
        t_end,
        bins=bins,
        burn_in=burn_in,
        sample_every=sample_every,
        seed=seed,
        chunk_size=chunk_size,
        table_points=table_points,
    ).run()
