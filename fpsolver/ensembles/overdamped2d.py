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
from dataclasses import dataclass, field

import fipy
import numba
import numpy as np

from fpsolver.ensembles._kernels2d import CARTESIAN, DISC, POLAR, RECTANGLE, advance_overdamped_2d, initial_positions_2d
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X, chunk_seeds
from fpsolver.ensembles.results import density_from_counts
from fpsolver.geometry import bounding_box
from fpsolver.models._base import Model

__all__ = ["Rectangle", "Disc", "Bins", "cartesian_bins", "polar_bins", "Ensemble2DResult", "run_ensemble_2d"]

DEFAULT_TABLE_POINTS = 513
# particle-steps per kernel call (~0.1 s), as in 1D; results do not depend on it
_PARTICLE_STEPS_PER_BLOCK = 2**23


@dataclass(frozen=True)
class Rectangle:
    """The box [lower[0], upper[0]] x [lower[1], upper[1]]."""

    lower: tuple[float, float]
    upper: tuple[float, float]

    @classmethod
    def from_mesh(cls, mesh: fipy.meshes.mesh.Mesh) -> "Rectangle":
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


def cartesian_bins(mesh: fipy.meshes.mesh.Mesh) -> Bins:
    """The cells of a rectilinear ``Grid2D`` (uniform or not) as histogram bins."""
    vertices = np.asarray(mesh.vertexCoords, dtype=float)
    x_edges, y_edges = np.unique(vertices[0]), np.unique(vertices[1])
    if mesh.dim != 2 or (x_edges.size - 1) * (y_edges.size - 1) != mesh.numberOfCells:
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
    for name, value in {"n_particles": n_particles, "chunk_size": chunk_size, "sample_every": sample_every}.items():
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"'{name}' must be a positive integer, got {value!r}")
    for name, value in {"dt": dt, "t_end": t_end}.items():
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"'{name}' must be finite and > 0, got {value!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"'seed' must be a non-negative integer, got {seed!r}")
    burn_in = 0.5 * t_end if burn_in is None else float(burn_in)
    if not 0 <= burn_in < t_end:
        raise ValueError(f"'burn_in' must lie in [0, t_end), got {burn_in!r}")
    shape = RECTANGLE if isinstance(domain, Rectangle) else DISC
    binning = CARTESIAN if bins.kind == "cartesian" else POLAR

    table, x0, y0, inv_x, inv_y = _table(model, domain, table_points)
    n_steps, burn_steps = int(round(t_end / dt)), int(round(burn_in / dt))
    n_chunks = math.ceil(n_particles / chunk_size)
    bounds = np.minimum(np.arange(n_chunks + 1) * chunk_size, n_particles).astype(np.int64)
    states = chunk_seeds(int(seed), np.arange(n_chunks), n_chunks)
    px, py = np.empty(n_particles), np.empty(n_particles)
    geometry = domain.geometry
    initial_positions_2d(px, py, states, bounds, shape, geometry)
    normals = np.empty((n_chunks, 2 * chunk_size))
    histogram = np.zeros((n_chunks, bins.areas.size), dtype=np.int64)
    block = max(1, _PARTICLE_STEPS_PER_BLOCK // n_particles)
    for first in range(0, n_steps, block):
        advance_overdamped_2d(
            px, py, states, bounds, normals, first, min(block, n_steps - first), float(dt),
            shape, geometry, table, x0, y0, inv_x, inv_y, ZIGGURAT_X, ZIGGURAT_F,
            binning, bins.edges_a, bins.edges_b, bins.origin[0], bins.origin[1],
            burn_steps, int(sample_every), histogram,
        )
    density, density_error, counts = density_from_counts(histogram, bins.areas)
    return Ensemble2DResult(
        bins=bins,
        density=density,
        density_error=density_error,
        counts=counts,
        final_x=px,
        final_y=py,
        model=model.describe(),
        metadata={
            "kind": "overdamped-2d",
            "sde": "dr = -A dt + sqrt(2 D) dW (Ito, 2D)",
            "scheme": "euler",
            "weak_order": 1,
            "domain": type(domain).__name__,
            "n_particles": int(n_particles),
            "dt": float(dt),
            "t_end": float(t_end),
            "burn_in": burn_in,
            "sample_every": int(sample_every),
            "seed": int(seed),
            "chunk_size": int(chunk_size),
            "n_chunks": n_chunks,
            "table_points": int(table_points),
            "threads": numba.get_num_threads(),
        },
    )
