"""Overdamped Langevin ensembles in 2D and 3D boxes and 2D discs.

The Ito SDE with the law of the canonical form dP/dt = div[A P + grad(D P)]
(isotropic D, docs/physics/canonical.md) in d = 2 or 3 dimensions is

    dr = -A(r) dt + sqrt(2 D(r)) dW,     W a d-dimensional Wiener process     (Ito)

integrated with Euler-Maruyama (weak order 1) or Platen's explicit weak order 2.0
scheme for multi-dimensional noise (:mod:`fpsolver.ensembles.schemes`) on coefficient
tables (:mod:`fpsolver.ensembles._kernels_nd`). Box walls, per axis: reflecting by
mirroring (the symmetrized Euler scheme of Bossy, Gobet and Talay 2004 on each wall),
absorbing (exit time and wall recorded, Brownian-bridge crossing test between steps)
or periodic; a disc reflects radially. The steady density is the histogram of all
particles in the domain after ``burn_in``, sampled every ``sample_interval`` (time),
on the cells of a rectilinear ``Grid2D``/``Grid3D`` (:func:`cartesian_bins`, the PDE's
own cells) or on annuli x sectors of a disc (:func:`polar_bins`); errors are batch
means over chunks. Chunks, streams, validation, fingerprint and merge are those of the
1D ensembles (:class:`~fpsolver.ensembles._setup.ChunkedEnsemble`).
Choose ``sample_interval`` near the relaxation time so that samples are nearly
independent and the counts close to multinomial (chi^2 tests then apply).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver._validate import within_budget
from fpsolver.ensembles._compiled import announce_compile, over_threads
from fpsolver.ensembles._kernels import WALLS_ABSORBING, WALLS_PERIODIC, WALLS_REFLECTING
from fpsolver.ensembles._kernels_nd import BOX, CARTESIAN, DISC, POLAR, advance_overdamped_nd, initial_positions_nd
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X
from fpsolver.ensembles._setup import BYTES_PER_PARTICLE, ChunkedEnsemble, EnsembleSetup, Kernel, ProgressCallback
from fpsolver.ensembles.options import MAX_PRECISION_PARTICLES, MIN_PRECISION_CHUNKS, EnsembleNDOptions, default_times
from fpsolver.ensembles.schemes import get_scheme
from fpsolver.meshes.nd import bounding_box
from fpsolver.models.base import Model
from fpsolver.results.ensemble import Bins, EnsembleNDResult, density_from_counts

__all__ = [
    "Box",
    "Rectangle",
    "Disc",
    "Bins",
    "cartesian_bins",
    "cell_bin_averages",
    "polar_bin_averages",
    "polar_bins",
    "EnsembleNDResult",
    "OverdampedEnsembleND",
    "OverdampedEnsemble2D",
    "run_ensemble_nd",
    "run_ensemble_2d",
]

#: seconds numba takes to compile the nD kernels (one thread, measured on the shared 2-core machine:
#: 15 CPU-seconds including the imports); shown when the kernel cache is cold
_COMPILE_SECONDS = 12.0

_WALL_CODES = {"reflecting": WALLS_REFLECTING, "absorbing": WALLS_ABSORBING, "periodic": WALLS_PERIODIC}


@dataclass(frozen=True)
class Box:
    """The box [lower[0], upper[0]] x [lower[1], upper[1]] (x [lower[2], upper[2]] in 3D)."""

    lower: tuple[float, ...]
    upper: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.lower) != len(self.upper) or len(self.lower) not in (2, 3):
            raise ValueError(f"Box: 'lower' and 'upper' must both have 2 or 3 coordinates, got {len(self.lower)} and {len(self.upper)}")
        if not all(np.isfinite(a) and np.isfinite(b) and a < b for a, b in zip(self.lower, self.upper)):
            raise ValueError(f"Box: need finite lower < upper on every axis, got {self.lower} and {self.upper}")

    @classmethod
    def from_mesh(cls, mesh: Mesh) -> Box:
        """The bounding box of a 2D or 3D mesh."""
        lower, upper = bounding_box(mesh)
        return cls(tuple(float(v) for v in lower), tuple(float(v) for v in upper))

    @property
    def dimension(self) -> int:
        return len(self.lower)

    @property
    def geometry(self) -> np.ndarray:
        """(lo_x, hi_x, lo_y, hi_y, lo_z, hi_z) (the z pair 0, 1 in 2D)."""
        pairs = [(lo, hi) for lo, hi in zip(self.lower, self.upper)] + [(0.0, 1.0)] * (3 - self.dimension)
        return np.array(pairs, dtype=float).ravel()

    def project(self, points: np.ndarray) -> np.ndarray:
        """``points`` (shape (dim, n)) moved to the nearest point of the box."""
        return np.clip(points, np.asarray(self.lower)[:, None], np.asarray(self.upper)[:, None])


#: the 2D name of :class:`Box`
Rectangle = Box


@dataclass(frozen=True)
class Disc:
    """The disc |r - center| <= radius (2D)."""

    center: tuple[float, float] = (0.0, 0.0)
    radius: float = 1.0

    dimension = 2

    @property
    def lower(self) -> tuple[float, float]:
        return (self.center[0] - self.radius, self.center[1] - self.radius)

    @property
    def upper(self) -> tuple[float, float]:
        return (self.center[0] + self.radius, self.center[1] + self.radius)

    @property
    def geometry(self) -> np.ndarray:
        return np.array([self.center[0], self.center[1], self.radius])

    def project(self, points: np.ndarray) -> np.ndarray:
        """``points`` (shape (2, n)) moved to the nearest point of the disc."""
        offset = points - np.asarray(self.center)[:, None]
        scale = np.minimum(1.0, self.radius / np.maximum(np.hypot(offset[0], offset[1]), 1e-300))
        return np.asarray(self.center)[:, None] + offset * scale


def cartesian_bins(mesh: Mesh, max_per_axis: int | None = None) -> Bins:
    """The cells of a rectilinear ``Grid2D`` or ``Grid3D`` (uniform or not) as histogram bins,
    or with ``max_per_axis`` blocks of whole cells, at most that many per axis (the edges
    are a subset of the grid's, as evenly spread as the cells allow)."""
    dim = _fipy.dimension(mesh)
    vertices = _fipy.vertex_coordinates(mesh)
    edges = [np.unique(vertices[axis]) for axis in range(dim)]
    if dim not in (2, 3) or int(np.prod([e.size - 1 for e in edges])) != _fipy.cell_volumes(mesh).size:
        raise ValueError("cartesian_bins: the mesh must be a rectilinear Grid2D or Grid3D")
    if max_per_axis is not None:
        if max_per_axis < 1:
            raise ValueError(f"cartesian_bins: 'max_per_axis' must be >= 1, got {max_per_axis!r}")
        edges = [e[np.unique(np.round(np.linspace(0, e.size - 1, min(e.size - 1, max_per_axis) + 1)).astype(int))] for e in edges]
    widths = [np.diff(e) for e in edges]
    mids = [0.5 * (e[1:] + e[:-1]) for e in edges]
    # FiPy numbers cells with x fastest: index (k ny + j) nx + i
    measures = np.prod(np.meshgrid(*widths[::-1], indexing="ij"), axis=0).ravel()
    centres = np.array([grid.ravel() for grid in np.meshgrid(*mids[::-1], indexing="ij")][::-1])
    return Bins("cartesian", edges[0], edges[1], (0.0, 0.0), measures, centres, edges[2] if dim == 3 else np.empty(0))


def cell_bin_averages(bins: Bins, mesh: Mesh, density: np.ndarray) -> np.ndarray:
    """A cell density (e.g. a PDE solution) averaged over cartesian ``bins`` whose edges are
    cell faces of ``mesh``: sum over the bin's cells of P_i V_i, divided by the bin's measure."""
    if bins.kind != "cartesian":
        raise ValueError("cell_bin_averages: needs cartesian bins")
    centres = _fipy.cell_centers(mesh)
    edges = (bins.edges_a, bins.edges_b, bins.edges_c)[: bins.dimension]
    index = np.zeros(centres.shape[1], dtype=np.int64)
    for axis in reversed(range(bins.dimension)):
        index = index * (edges[axis].size - 1) + np.clip(np.searchsorted(edges[axis], centres[axis]) - 1, 0, edges[axis].size - 2)
    mass = np.bincount(index, weights=np.asarray(density) * _fipy.cell_volumes(mesh), minlength=bins.areas.size)
    return mass / bins.areas


def polar_bins(disc: Disc, n_radial: int, n_angular: int = 1) -> Bins:
    """Equal-width annuli times equal sectors of ``disc``; bin index i_r * n_angular + i_theta."""
    r_edges = np.linspace(0.0, disc.radius, int(n_radial) + 1)
    theta_edges = np.linspace(-np.pi, np.pi, int(n_angular) + 1)
    ring_areas = 0.5 * np.diff(r_edges**2)
    areas = np.outer(ring_areas, np.diff(theta_edges)).ravel()
    centres = np.array(np.meshgrid(0.5 * (r_edges[1:] + r_edges[:-1]), 0.5 * (theta_edges[1:] + theta_edges[:-1]), indexing="ij")).reshape(2, -1)
    return Bins("polar", r_edges, theta_edges, disc.center, areas, centres)


def polar_bin_averages(bins: Bins, mesh: Mesh, density: np.ndarray, subdivisions: int = 16) -> np.ndarray:
    """A cell density of a 2D triangle mesh (e.g. a PDE solution on a Gmsh disc) averaged
    over polar ``bins``: each triangle is cut into ``subdivisions``^2 equal triangles whose
    centroids carry 1/subdivisions^2 of its mass P_i V_i into their bin (error O(h/subdivisions)
    along bin edges); divided by the bins' areas. Mass outside the bins is left out."""
    if bins.kind != "polar":
        raise ValueError("polar_bin_averages: needs polar bins")
    corners = _fipy.triangle_vertices(mesh)
    n = int(subdivisions)
    # barycentric centroids of the n^2 sub-triangles: upward (i, j) and downward ones
    up = [((i + 1 / 3) / n, (j + 1 / 3) / n) for i in range(n) for j in range(n - i)]
    down = [((i + 2 / 3) / n, (j + 2 / 3) / n) for i in range(n) for j in range(n - i - 1)]
    weights = np.array(up + down)
    lam = np.column_stack([weights, 1.0 - weights.sum(axis=1)])  # (n^2, 3)
    points = np.einsum("sk,dkc->dsc", lam, corners)  # (2, n^2, cells)
    dx, dy = points[0] - bins.origin[0], points[1] - bins.origin[1]
    i = np.searchsorted(bins.edges_a, np.hypot(dx, dy), side="right") - 1
    j = np.clip(np.searchsorted(bins.edges_b, np.arctan2(dy, dx), side="right") - 1, 0, bins.edges_b.size - 2)
    inside = (i >= 0) & (i < bins.edges_a.size - 1)
    mass = np.broadcast_to(np.asarray(density) * _fipy.cell_volumes(mesh) / lam.shape[0], i.shape)
    totals = np.bincount((i * (bins.edges_b.size - 1) + j)[inside], weights=mass[inside], minlength=bins.areas.size)
    return totals / bins.areas


def _table(model: Model, domain: Box | Disc, table_points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(table, origin, inverse spacing): a = -A (d columns, zero-padded to 3) and b = sqrt(2 D)
    on a table_points^d grid of the bounding box, shape (n, n, n or 1, 4).

    Nodes outside a disc take the values at their projection onto the wall, so the
    model is only evaluated inside the domain and interpolation near the wall stays
    continuous.
    """
    dim = domain.dimension
    axes = [np.linspace(lo, hi, int(table_points)) for lo, hi in zip(domain.lower, domain.upper)]
    nodes = np.array([grid.ravel() for grid in np.meshgrid(*axes, indexing="ij")])
    points = domain.project(nodes)
    box = (np.asarray(domain.lower, dtype=float), np.asarray(domain.upper, dtype=float))
    model.check_dimension(dim)
    model.validate(points, box)
    c = model.coefficients(points, box)
    drift = -np.reshape(c.A, (dim, -1))
    columns = [*drift, *np.zeros((3 - dim, drift.shape[1])), np.sqrt(2.0 * c.D) * np.ones(drift.shape[1])]
    shape = tuple(axis.size for axis in axes) + (1,) * (3 - dim) + (4,)
    values = np.stack(columns, axis=-1).reshape(shape)
    if not np.all(np.isfinite(values)):
        raise ValueError("ensemble: the model's coefficients are not finite everywhere on the domain")
    origin = np.array([axis[0] for axis in axes] + [0.0] * (3 - dim))
    inverse = np.array([(axis.size - 1) / (axis[-1] - axis[0]) for axis in axes] + [0.0] * (3 - dim))
    return np.ascontiguousarray(values), origin, inverse


class OverdampedEnsembleND(ChunkedEnsemble):
    """A 2D or 3D overdamped ensemble, set up once; ``run()``, or ``run_chunks`` + ``merge``
    (see :class:`~fpsolver.ensembles._setup.ChunkedEnsemble`; chunk c always uses the
    streams :func:`~fpsolver.ensembles._random.stream_seeds` of ``seed`` and c). Parameters
    are those of :func:`run_ensemble_nd` (less ``progress``).
    """

    kind = "overdamped-nd"

    @accepts_options(EnsembleNDOptions)
    def __init__(self, model: Model, domain: Box | Disc, options: EnsembleNDOptions, *, bins: Bins) -> None:
        if not isinstance(domain, (Box, Disc)):
            raise TypeError(f"'domain' must be a Box (Rectangle) or a Disc, got {type(domain).__name__}")
        if not isinstance(bins, Bins):
            raise TypeError(f"'bins' must be Bins (cartesian_bins or polar_bins), got {type(bins).__name__}")
        model.require_one_noise_temperature(f"the {domain.dimension}D ensemble")
        dim = domain.dimension
        if bins.kind == "cartesian" and bins.dimension != dim:
            raise ValueError(f"'bins': {bins.dimension}D cartesian bins for a {dim}D domain")
        if bins.kind == "polar" and dim != 2:
            raise ValueError("'bins': polar bins need a 2D domain")
        self.walls = options.walls(dim)
        if isinstance(domain, Disc) and set(self.walls) != {"reflecting"}:
            raise ValueError(f"'boundary': a Disc has reflecting walls only, got {options.boundary!r}")
        self.options = options
        self.domain, self.bins = domain, bins
        self.scheme = get_scheme(options.scheme)
        self.table_points = options.points(dim)
        particles = options.n_particles or max(MAX_PRECISION_PARTICLES, MIN_PRECISION_CHUNKS * options.chunk_size)  # sized by precision: its largest size
        within_budget(
            "the ensemble",
            memory_bytes=BYTES_PER_PARTICLE * dim * np.ceil(particles / options.chunk_size) * options.chunk_size
            + 32.0 * self.table_points**dim
            + 8.0 * np.ceil(particles / options.chunk_size) * bins.areas.size,
            detail=f"n_particles = {particles}, table_points = {self.table_points} per axis, {bins.areas.size} bins",
        )
        self.table, self.table_origin, self.table_inverse = _table(model, domain, self.table_points)
        D = 0.5 * self.table[..., 3] ** 2
        dt, t_end, sample_every = default_times(options, float(np.max(np.subtract(domain.upper, domain.lower))), float(D.min()), float(D.max()))
        within_budget("the ensemble", steps=t_end / dt, detail=f"t_end/dt = {t_end / dt:.3g} steps")
        self.setup = EnsembleSetup(model, options, dt, t_end, sample_every, bin_sizes=bins.areas)

    @property
    def dimension(self) -> int:
        return self.domain.dimension

    def parameters(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "domain": type(self.domain).__name__,
            "geometry": self.domain.geometry.tolist(),
            "boundary": list(self.walls),
            "scheme": self.scheme.name,
            "table_points": self.table_points,
            "bins": self.bins.kind,
            "edges": [self.bins.edges_a.tolist(), self.bins.edges_b.tolist(), self.bins.edges_c.tolist()],
            "origin": list(self.bins.origin),
        }

    def _start(self, chunk_ids: np.ndarray) -> Kernel:
        s = self.setup
        dim = self.dimension
        particles, bounds = s.particle_ranges(chunk_ids)
        states = s.streams(chunk_ids, dim)
        shape = BOX if isinstance(self.domain, Box) else DISC
        binning = CARTESIAN if self.bins.kind == "cartesian" else POLAR
        geometry = self.domain.geometry
        walls = np.array([_WALL_CODES[kind] for kind in self.walls] + [WALLS_REFLECTING] * (3 - dim), dtype=np.int64)
        announce_compile(advance_overdamped_nd, "the 2D/3D ensemble kernels", _COMPILE_SECONDS)
        pos = np.zeros((particles.size, 3))
        initial_positions_nd(pos, states, bounds, dim, shape, geometry)
        alive = np.ones(particles.size, dtype=np.uint8)
        exit_time = np.full(particles.size, np.nan)
        exit_side = np.zeros(particles.size, dtype=np.int8)
        normals = np.empty((chunk_ids.size, dim * s.chunk_size))
        histogram = np.zeros((chunk_ids.size, self.bins.areas.size), dtype=np.int64)

        exits, streams = (alive, exit_time, exit_side), (states, bounds, normals, ZIGGURAT_X, ZIGGURAT_F)
        coefficients, sampling = (self.table, self.table_origin, self.table_inverse), (s.burn_steps, s.sample_every)
        bins = (binning, self.bins.edges_a, self.bins.edges_b, self.bins.edges_c, self.bins.origin[0], self.bins.origin[1])

        def advance(first_step: int, n_steps: int) -> None:
            steps = (first_step, n_steps)
            over_threads(advance_overdamped_nd, chunk_ids.size, pos, exits, streams, steps, s.dt, self.scheme.code, dim, shape, walls, geometry, coefficients, bins, sampling, histogram)

        def finish() -> dict[str, np.ndarray]:
            final = pos[:, :dim].copy()
            final[alive == 0] = np.nan
            return {"histogram": histogram, "particle_positions": final, "particle_exit_time": exit_time, "particle_exit_side": exit_side}

        return advance, finish, max(1, (1 if self.scheme.name == "euler" else 4) * dim) * particles.size

    def _result(self, arrays: dict[str, np.ndarray]) -> EnsembleNDResult:
        density, density_error, counts = density_from_counts(arrays["histogram"], self.bins.areas)
        return EnsembleNDResult(
            bins=self.bins,
            P=density,
            P_error=density_error,
            counts=counts,
            final_positions=arrays["particle_positions"],
            **{name: arrays[f"particle_{name}"] for name in ("exit_time", "exit_side")},
            model=self.setup.model.describe(),
            metadata={
                **self.setup.metadata(),
                **self.parameters(),
                "kind": self.kind,
                "sde": f"dr = -A dt + sqrt(2 D) dW (Ito, {self.dimension}D)",
                "weak_order": self.scheme.weak_order,
                "scheme_reference": self.scheme.citation,
                "table_interpolation": "bilinear" if self.dimension == 2 else "trilinear",
                "precision_reached": self.setup.reached_precision(arrays),
            },
        )


@accepts_options(EnsembleNDOptions)
def run_ensemble_nd(
    model: Model,
    domain: Box | Disc,
    options: EnsembleNDOptions,
    *,
    bins: Bins,
    progress: ProgressCallback | None = None,
) -> EnsembleNDResult:
    """Simulate ``n_particles`` particles of dr = -A dt + sqrt(2 D) dW in a 2D or 3D domain
    (or, with ``n_particles`` unset, whole chunks in rounds until ``precision`` is reached).

    Start positions are uniform in the domain, drawn from each chunk's stream;
    results depend on the seed and the chunk size only (a run grown by precision is
    bit-identical to a fixed run of its final size).

    Parameters
    ----------
    model
        An nD-capable model (``Ito``, ``GCLM1``) with a temperature field of the domain's dimension.
    domain
        :class:`Box` (e.g. ``Box.from_mesh(grid)``; ``Rectangle`` is its 2D name) or :class:`Disc`.
    [options]
    options
        An :class:`~fpsolver.ensembles.options.EnsembleNDOptions` (keywords given as well replace its values).
    bins
        :func:`cartesian_bins` of a Grid2D/Grid3D or :func:`polar_bins` of a disc.
    progress
        ``progress(steps_done, total_steps)``, called between blocks of steps.

    Raises
    ------
    ValueError
        For invalid options (the message names the option) or a model that is invalid on the domain.
    """
    return OverdampedEnsembleND(model, domain, options=options, bins=bins).run(progress=progress)


#: the 2D names of :class:`OverdampedEnsembleND` and :func:`run_ensemble_nd`
OverdampedEnsemble2D = OverdampedEnsembleND
run_ensemble_2d = run_ensemble_nd
