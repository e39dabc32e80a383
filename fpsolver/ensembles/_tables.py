"""Coefficients tabulated on a fine uniform grid, and cell lookup for histograms.

The kernels never call back into Python: the drift, noise amplitude (overdamped)
or force, friction and noise intensity (inertial) are sampled once on
``table_points`` uniformly spaced points of the domain and linearly interpolated
inside the compiled loop. Linear interpolation of a smooth coefficient c has error
h^2 max|c''| / 8 with h = (x_max - x_min) / (table_points - 1); with the default
4097 points (:mod:`fpsolver.ensembles.options`) on a unit-scale domain this is
a few 1e-9 relative, far below the statistical error of any ensemble (the tests
check it for every model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpsolver.models.base import Domain, Model


@dataclass(frozen=True)
class UniformTable:
    """Columns of coefficient values on a uniform grid of [x_min, x_max].

    Attributes
    ----------
    x_min, inverse_spacing
        Grid origin and 1/h.
    values
        Shape ``(table_points, n_columns)``, one row per grid point so that one
        interpolation touches two adjacent rows.
    """

    x_min: float
    inverse_spacing: float
    values: np.ndarray

    @property
    def grid(self) -> np.ndarray:
        return self.x_min + np.arange(self.values.shape[0]) / self.inverse_spacing

    def interpolate(self, x: np.ndarray) -> np.ndarray:
        """Linear interpolation of every column at ``x`` (numpy reference for tests)."""
        return np.column_stack([np.interp(x, self.grid, column) for column in self.values.T])


def _grid(domain: Domain, table_points: int) -> np.ndarray:
    if not isinstance(table_points, (int, np.integer)) or isinstance(table_points, bool) or table_points < 2:
        raise ValueError(f"'table_points' must be an integer >= 2, got {table_points!r}")
    return np.linspace(domain[0], domain[1], int(table_points))


def _table(domain: Domain, grid: np.ndarray, columns: list[np.ndarray]) -> UniformTable:
    values = np.ascontiguousarray(np.column_stack(columns), dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError("ensemble: the model's coefficients are not finite everywhere on the domain")
    return UniformTable(x_min=float(domain[0]), inverse_spacing=(grid.size - 1) / (domain[1] - domain[0]), values=values)


def overdamped_table(model: Model, domain: Domain, table_points: int) -> UniformTable:
    """Columns (a, b) of the Ito SDE dx = a dt + b dW: a = -A, b = sqrt(2 D).

    For a model with per-particle T0 (``model.per_particle_T0``) a third column a1, the
    part of a proportional to the noise intensity: a particle with noise ratio r has
    a = a(x) + (r - 1) a1(x) and b = sqrt(r) b(x) (A is affine in T0 and D ∝ T0; a1 is
    a(x; 2 T0_ref) - a(x; T0_ref), zero for the Ito form of gCLm-I).
    """
    grid = _grid(domain, table_points)
    model.validate(grid, domain)
    c = model.coefficients(grid, domain)
    columns = [-c.A, np.sqrt(2.0 * c.D)]
    if model.per_particle_T0:
        doubled = model.with_noise_ratio(2.0, domain).coefficients(grid, domain)  # type: ignore[attr-defined]
        columns.append(c.A - doubled.A)
    return _table(domain, grid, columns)


def inertial_table(model: Model, domain: Domain, table_points: int) -> UniformTable:
    """Columns (F, gamma, Gamma): force, friction and noise intensity of the Langevin equation."""
    grid = _grid(domain, table_points)
    model.validate(grid, domain)
    terms = model.checked_terms(grid, domain)
    if not np.all(terms.friction > 0) or not np.all(terms.noise > 0):
        raise ValueError("ensemble: friction and noise intensity must be > 0 on the whole domain")
    return _table(domain, grid, [terms.force, terms.friction, terms.noise])


@dataclass(frozen=True)
class CellLookup:
    """Find the histogram bin (cell) of a position in O(1), without a branch.

    The domain is cut into uniform intervals no wider than half the smallest cell, so
    an interval holds at most one face in its interior: ``start[j]`` is the cell of the
    left end of interval j and ``next_face[j]`` the face after it (+inf in the last
    cell), and the cell of x in interval j is ``start[j] + (x >= next_face[j])``. When
    the intervals would be too many (a cell below 2^-19 of the domain) they are capped
    and ``crowded`` tells the kernel to step right past the remaining faces. Works on
    any non-uniform 1D mesh.
    """

    faces: np.ndarray
    x_min: float
    inverse_spacing: float
    start: np.ndarray
    next_face: np.ndarray
    crowded: bool

    def kernel_arguments(self) -> tuple[np.ndarray, float, float, np.ndarray, np.ndarray, bool]:
        """(faces, x_min, inverse_spacing, start, next_face, crowded): what the kernels take."""
        return self.faces, self.x_min, self.inverse_spacing, self.start, self.next_face, self.crowded


def cell_lookup(faces: np.ndarray) -> CellLookup:
    faces = np.asarray(faces, dtype=float)
    widths = np.diff(faces)
    intervals = int(min(2**20, np.ceil(2.0 * (faces[-1] - faces[0]) / widths.min())))
    ends = faces[0] + np.arange(intervals + 1) * (faces[-1] - faces[0]) / intervals
    cells = np.clip(np.searchsorted(faces, ends, side="right") - 1, 0, widths.size - 1).astype(np.int64)
    start = cells[:-1]
    next_face = np.append(faces[1:-1], np.inf)[start]
    return CellLookup(
        faces=faces,
        x_min=float(faces[0]),
        inverse_spacing=intervals / (faces[-1] - faces[0]),
        start=start,
        next_face=next_face,
        crowded=bool(np.any(np.diff(cells) > 1)),
    )


def interval_table(values: np.ndarray) -> np.ndarray:
    """The kernels' layout of a table of point values, shape ``(points - 1, 2 columns)``:
    row j holds, per column k, the value c_k(x_j) and the increment c_k(x_{j+1}) - c_k(x_j),
    so linear interpolation at x = x_j + f h (0 <= f < 1) reads one row: c_k(x_j) + f [increment]."""
    pairs = np.empty((values.shape[0] - 1, values.shape[1], 2))
    pairs[:, :, 0] = values[:-1]
    pairs[:, :, 1] = np.diff(values, axis=0)
    return np.ascontiguousarray(pairs.reshape(values.shape[0] - 1, -1))


def overdamped_step_table(table: UniformTable, dt: float) -> np.ndarray:
    """Columns (a dt, b sqrt(dt)[, a1 dt]) of an :func:`overdamped_table` in :func:`interval_table`
    layout: the drift and noise increments of one step of length ``dt`` per unit normal
    variate (no square root in the kernel)."""
    return interval_table(table.values * np.array([dt, np.sqrt(dt), dt][: table.values.shape[1]]))


def inertial_step_table(table: UniformTable, dt: float, mass: float) -> np.ndarray:
    """Columns (K, c, s) of an :func:`inertial_table` for BAOAB steps of length ``dt``, in
    :func:`interval_table` layout: the half kick K = F dt / (2 M), the velocity damping
    c = exp(-gamma dt / M) and the Ornstein-Uhlenbeck spread s = sqrt(Gamma (1 - c^2) / (gamma M))
    (velocity units), so the kernel needs no exponential, square root or division."""
    force, friction, noise = table.values.T
    rate = friction * dt / mass
    return interval_table(np.column_stack([0.5 * dt * force / mass, np.exp(-rate), np.sqrt(-noise * np.expm1(-2.0 * rate) / (friction * mass))]))
