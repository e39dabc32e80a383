"""Overdamped Langevin ensembles in 2D rectangles and discs with reflecting walls.

The Ito SDE with the law of the 2D canonical form dP/dt = div[A P + grad(D P)]
(isotropic D, PHYSICS.md section 1) is

    dr = -A(r) dt + sqrt(2 D(r)) dW,     W a 2D Wiener process     (Ito)

integrated with Euler-Maruyama (weak order 1) on coefficient tables
(:mod:`fpsolver.ensembles._kernels2d`). Walls reflect by mirroring: per axis in a
rectangle (the symmetrized Euler scheme of Bossy, Gobet and Talay 2004 on each
wall), radially on a disc. The steady density is the histogram of all particles
after ``burn_in``, sampled every ``sample_interval`` (time), on the cells of a
``Grid2D`` (:func:`cartesian_bins`, the PDE's own cells) or on annuli x sectors of
a disc (:func:`polar_bins`); errors are batch means over chunks. Chunks, streams,
validation, fingerprint and merge are those of the 1D ensembles
(:class:`~fpsolver.ensembles._setup.ChunkedEnsemble`).
Choose ``sample_interval`` near the relaxation time so that samples are nearly
independent and the counts close to multinomial (chi^2 tests then apply).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver.ensembles._kernels2d import CARTESIAN, DISC, POLAR, RECTANGLE, advance_overdamped_2d, initial_positions_2d
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X
from fpsolver.ensembles._setup import ChunkedEnsemble, EnsembleSetup, Kernel, ProgressCallback
from fpsolver.ensembles.options import Ensemble2DOptions
from fpsolver.meshes.nd import bounding_box
from fpsolver.models.base import Model
from fpsolver.results.ensemble import Bins, Ensemble2DResult, density_from_counts

__all__ = ["Rectangle", "Disc", "Bins", "cartesian_bins", "polar_bins", "Ensemble2DResult", "OverdampedEnsemble2D", "run_ensemble_2d"]


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


def _table(model: Model, domain: Rectangle | Disc, table_points: int) -> tuple[np.ndarray, float, float, float, float]:
    """(-A_x, -A_y, sqrt(2 D)) on a table_points^2 grid of the bounding box.

    Nodes outside a disc take the values at their projection onto the wall, so the
    model is only evaluated inside the domain and interpolation near the wall stays
    continuous.
    """
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


class OverdampedEnsemble2D(ChunkedEnsemble):
    """A 2D overdamped ensemble, set up once; ``run()``, or ``run_chunks`` + ``merge``
    (see :class:`~fpsolver.ensembles._setup.ChunkedEnsemble`; chunk c always uses
    stream ``SeedSequence(seed).spawn(n_chunks)[c]``). Parameters are those of
    :func:`run_ensemble_2d` (less ``progress``).
    """

    kind = "overdamped-2d"

    @accepts_options(Ensemble2DOptions)
    def __init__(self, model: Model, domain: Rectangle | Disc, options: Ensemble2DOptions, *, bins: Bins) -> None:
        if not isinstance(domain, (Rectangle, Disc)):
            raise TypeError(f"'domain' must be a Rectangle or a Disc, got {type(domain).__name__}")
        if not isinstance(bins, Bins):
            raise TypeError(f"'bins' must be Bins (cartesian_bins or polar_bins), got {type(bins).__name__}")
        self.options = options
        self.domain, self.bins = domain, bins
        self.setup = EnsembleSetup(model, options, *options.times())
        model.require_one_noise_temperature("the 2D ensemble")
        self.table, self.table_x0, self.table_y0, self.table_inv_x, self.table_inv_y = _table(model, domain, options.table_points)

    def parameters(self) -> dict[str, object]:
        return {
            "domain": type(self.domain).__name__,
            "geometry": self.domain.geometry.tolist(),
            "bins": self.bins.kind,
            "edges": [self.bins.edges_a.tolist(), self.bins.edges_b.tolist()],
            "origin": list(self.bins.origin),
        }

    def _start(self, chunk_ids: np.ndarray) -> Kernel:
        s = self.setup
        particles, bounds = s.particle_ranges(chunk_ids)
        states = s.streams(chunk_ids)
        shape = RECTANGLE if isinstance(self.domain, Rectangle) else DISC
        binning = CARTESIAN if self.bins.kind == "cartesian" else POLAR
        geometry = self.domain.geometry
        px, py = np.empty(particles.size), np.empty(particles.size)
        initial_positions_2d(px, py, states, bounds, shape, geometry)
        normals = np.empty((chunk_ids.size, 2 * s.chunk_size))
        histogram = np.zeros((chunk_ids.size, self.bins.areas.size), dtype=np.int64)

        def advance(first_step: int, n_steps: int) -> None:
            advance_overdamped_2d(
                px,
                py,
                states,
                bounds,
                normals,
                first_step,
                n_steps,
                s.dt,
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
                s.burn_steps,
                s.sample_every,
                histogram,
            )

        return advance, lambda: {"histogram": histogram, "particle_x": px, "particle_y": py}, 2 * particles.size

    def _result(self, arrays: dict[str, np.ndarray]) -> Ensemble2DResult:
        density, density_error, counts = density_from_counts(arrays["histogram"], self.bins.areas)
        return Ensemble2DResult(
            bins=self.bins,
            P=density,
            P_error=density_error,
            counts=counts,
            final_x=arrays["particle_x"],
            final_y=arrays["particle_y"],
            model=self.setup.model.describe(),
            metadata={
                **self.setup.metadata(),
                **self.parameters(),
                "kind": self.kind,
                "sde": "dr = -A dt + sqrt(2 D) dW (Ito, 2D)",
                "scheme": "euler",
                "weak_order": 1,
                "table_interpolation": "bilinear",
            },
        )


@accepts_options(Ensemble2DOptions)
def run_ensemble_2d(
    model: Model,
    domain: Rectangle | Disc,
    options: Ensemble2DOptions,
    *,
    bins: Bins,
    progress: ProgressCallback | None = None,
) -> Ensemble2DResult:
    """Simulate ``n_particles`` particles of dr = -A dt + sqrt(2 D) dW in a 2D domain.

    Start positions are uniform in the domain, drawn from each chunk's stream;
    results depend on the seed and the chunk size only.

    Parameters
    ----------
    model
        An nD-capable model (``Ito``, ``GCLM1``) with a 2D temperature field.
    domain
        :class:`Rectangle` (e.g. ``Rectangle.from_mesh(grid)``) or :class:`Disc`.
    [options]
    options
        An :class:`~fpsolver.ensembles.options.Ensemble2DOptions` (keywords given as well replace its values).
    bins
        :func:`cartesian_bins` of a Grid2D or :func:`polar_bins` of a disc.
    progress
        ``progress(steps_done, total_steps)``, called between blocks of steps.

    Raises
    ------
    ValueError
        For invalid options (the message names the option) or a model that is invalid on the domain.
    """
    return OverdampedEnsemble2D(model, domain, options=options, bins=bins).run(progress=progress)
