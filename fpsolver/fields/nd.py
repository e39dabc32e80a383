"""Temperature and potential fields in 2D and 3D (points of shape (dim, n)).

A field provides what the models need in any dimension (docs/physics/models.md,
2.2, 5 extended to nD):

* temperatures are :class:`~fpsolver.fields.base.TemperatureField` objects, like the 1D
  profiles: ``T(points)`` (temperature), ``gradient(points)`` (grad T,
  temperature/length, shape (dim, n)), ``laplacian(points)`` (temperature/length^2)
  and ``gradient_laplacian(points)`` (temperature/length^3, used by gCLm-I's eta_eff);
* potentials ``V(points)`` and ``gradient(points)`` (force = -grad V).

Sources: :func:`formula` (a string in x, y[, z] parsed safely with
:mod:`fpsolver._expression` and differentiated symbolically), :func:`tabulated_grid`
(T on a rectangular x-y grid from an ``.npz`` or ``.csv`` file, fitted by a quintic
``scipy.interpolate.RectBivariateSpline`` whose derivatives are used) and
:func:`potential_formula`. On cylindrical meshes the coordinates are (r, z): write
the formula in ``x`` for r and ``y`` for z.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from scipy.interpolate import RectBivariateSpline

from fpsolver._expression import SymbolicField, parse_formula
from fpsolver.fields.base import AXES, TemperatureField
from fpsolver.fields.potentials import Potential

__all__ = ["TemperatureField", "SymbolicTemperatureField", "TabulatedField", "PotentialField", "formula", "tabulated_grid", "potential_formula"]


def _variables(dimension: int) -> tuple[str, ...]:
    if dimension not in (2, 3):
        raise ValueError(f"field dimension must be 2 or 3, got {dimension!r} (use fpsolver.fields.profiles in 1D)")
    return AXES[:dimension]


class SymbolicTemperatureField(TemperatureField):
    """T given by a closed-form expression in x, y[, z]; all derivatives symbolic."""

    def __init__(self, field: SymbolicField, name: str, parameters: Mapping[str, object] | None = None) -> None:
        self.field = field
        self.dimension = field.dimension
        self.name = name
        self.parameters = dict(parameters or {})

    def T(self, x: np.ndarray) -> np.ndarray:
        return self.field.value(x)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return self.field.gradient(x)

    def laplacian(self, x: np.ndarray) -> np.ndarray:
        return self.field.laplacian(x)

    def gradient_laplacian(self, x: np.ndarray) -> np.ndarray:
        return self.field.gradient_laplacian(x)

    def check_domain(self, x: np.ndarray) -> None:
        """The points, then a box around each point by interval arithmetic: half-width
        (bounding-box volume / number of points)^(1/dim) per axis, so the boxes of
        neighbouring cells overlap and cover the mesh without reaching far outside it."""
        super().check_domain(x)
        points = np.asarray(x, dtype=float).reshape(self.dimension, -1)
        extent = np.ptp(points, axis=1)
        half = float(np.prod(np.where(extent > 0, extent, 1.0)) / points.shape[1]) ** (1 / self.dimension)
        self._check_boxes(self.field.expression, self.field.symbols, points - half, points + half, pieces=1)

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "dimension": self.dimension, "expression": self.field.text, **self.parameters}


def formula(expression: str, *, dimension: int = 2, **parameters: float) -> SymbolicTemperatureField:
    """T(x, y[, z]) from a user formula, e.g. ``formula("1 + exp(-(x**2 + y**2)/w**2)", w=0.3)``.

    Parameters
    ----------
    expression
        Formula in x, y (and z for ``dimension=3``); same functions as 1D formulas.
    dimension
        2 or 3.
    parameters
        Named constants used in the formula.
    """
    variables = _variables(dimension)
    field = SymbolicField(parse_formula(expression, variables, parameters), variables)
    return SymbolicTemperatureField(field, "formula", {"formula": expression, **parameters})


class TabulatedField(TemperatureField):
    """T on a rectangular grid, fitted by a quintic ``RectBivariateSpline`` (2D).

    T, grad T, Laplacian and grad Laplacian are the spline's partial derivatives
    (quintic so that the third derivatives used by gCLm-I are continuous).
    ``smoothing`` is the spline's ``s`` (0 interpolates). Points outside the grid
    raise ``ValueError`` through :meth:`check_domain`.
    """

    name = "tabulated_grid"
    dimension = 2

    def __init__(self, x: np.ndarray, y: np.ndarray, temperature: np.ndarray, *, smoothing: float = 0.0, source: str = "") -> None:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        temperature = np.asarray(temperature, dtype=float)
        if x.ndim != 1 or y.ndim != 1 or x.size < 6 or y.size < 6:
            raise ValueError("profile 'tabulated_grid': need 1D x and y grids with at least 6 points each")
        if temperature.shape != (x.size, y.size):
            raise ValueError(f"profile 'tabulated_grid': T must have shape (len(x), len(y)) = {(x.size, y.size)}, got {temperature.shape}")
        if np.any(np.diff(x) <= 0) or np.any(np.diff(y) <= 0):
            raise ValueError("profile 'tabulated_grid': x and y must be strictly increasing")
        if not np.all(np.isfinite(temperature)):
            raise ValueError("profile 'tabulated_grid': T contains non-finite values")
        self.x_data, self.y_data, self.T_data = x, y, temperature
        self.smoothing, self.source = float(smoothing), source
        self._spline = RectBivariateSpline(x, y, temperature, kx=5, ky=5, s=self.smoothing)

    def _partial(self, points: np.ndarray, dx: int, dy: int) -> np.ndarray:
        points = np.asarray(points, dtype=float).reshape(2, -1)
        return np.asarray(self._spline.ev(points[0], points[1], dx=dx, dy=dy), dtype=float)

    def T(self, x: np.ndarray) -> np.ndarray:
        return self._partial(x, 0, 0)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return np.array([self._partial(x, 1, 0), self._partial(x, 0, 1)])

    def laplacian(self, x: np.ndarray) -> np.ndarray:
        return self._partial(x, 2, 0) + self._partial(x, 0, 2)

    def gradient_laplacian(self, x: np.ndarray) -> np.ndarray:
        return np.array([self._partial(x, 3, 0) + self._partial(x, 1, 2), self._partial(x, 2, 1) + self._partial(x, 0, 3)])

    def check_domain(self, x: np.ndarray) -> None:
        points = np.asarray(x, dtype=float).reshape(2, -1)
        tolerance = 1e-12 * max(1.0, float(np.abs(self.x_data).max()), float(np.abs(self.y_data).max()))
        outside = (points[0] < self.x_data[0] - tolerance) | (points[0] > self.x_data[-1] + tolerance) | (points[1] < self.y_data[0] - tolerance) | (points[1] > self.y_data[-1] + tolerance)
        if np.any(outside):
            first = int(np.argmax(outside))
            raise ValueError(
                f"profile 'tabulated_grid': data cover x in [{self.x_data[0]:.6g}, {self.x_data[-1]:.6g}], "
                f"y in [{self.y_data[0]:.6g}, {self.y_data[-1]:.6g}] but the domain needs "
                f"(x, y) = ({points[0, first]:.6g}, {points[1, first]:.6g})"
            )
        super().check_domain(points)
        # a B-spline lies within the range of its coefficients: all > 0 proves T > 0 between the points too
        coefficients = self._spline.get_coeffs()
        if not np.all(coefficients > 0):
            raise ValueError(
                f"profile 'tabulated_grid': the spline through the data is not proved > 0 between the grid points "
                f"(its smallest B-spline coefficient is {coefficients.min():.6g}); give a finer grid, more smoothing or data farther from 0"
            )

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "dimension": 2, "source": self.source, "smoothing": self.smoothing}


def tabulated_grid(file: str | Path, *, smoothing: float = 0.0) -> TabulatedField:
    """Read T on an x-y grid.

    Formats: ``.npz`` with arrays ``x`` (nx,), ``y`` (ny,) and ``T`` (nx, ny); NetCDF
    (``.nc``) with coordinates ``x``, ``y`` and a variable ``T`` on them (either order of
    dimensions); or ``.csv`` with header ``x,y,T`` and one row per grid point (any order;
    every (x, y) pair of the grid exactly once).

    Parameters
    ----------
    file
        Path of the data file.
    smoothing
        ``s`` of ``RectBivariateSpline`` (0 = interpolation).
    """
    path = Path(file)
    if not path.is_file():
        raise FileNotFoundError(f"profile 'tabulated_grid': data file {str(path)!r} does not exist")
    if path.suffix == ".npz":
        with np.load(path) as data:
            missing = {"x", "y", "T"} - set(data.files)
            if missing:
                raise ValueError(f"profile 'tabulated_grid': {path.name} lacks arrays {sorted(missing)}")
            return TabulatedField(data["x"], data["y"], data["T"], smoothing=smoothing, source=str(path))
    if path.suffix == ".nc":
        import xarray as xr

        with xr.open_dataset(path, engine="h5netcdf") as data:
            if "T" not in data or not {"x", "y"} <= set(data["T"].dims):
                raise ValueError(f"profile 'tabulated_grid': {path.name} needs a variable T on dimensions x and y")
            temperature = data["T"].transpose("x", "y")
            return TabulatedField(temperature["x"].values, temperature["y"].values, temperature.values, smoothing=smoothing, source=str(path))
    rows = np.genfromtxt(path, delimiter=",", names=True, dtype=float)
    if set(rows.dtype.names or ()) < {"x", "y", "T"}:
        raise ValueError(f"profile 'tabulated_grid': {path.name} needs a header with columns x, y, T")
    x, ix = np.unique(rows["x"], return_inverse=True)
    y, iy = np.unique(rows["y"], return_inverse=True)
    if rows.size != x.size * y.size or np.unique(ix * y.size + iy).size != rows.size:
        raise ValueError(f"profile 'tabulated_grid': {path.name} is not a complete rectangular grid (each (x, y) once)")
    temperature = np.empty((x.size, y.size))
    temperature[ix, iy] = rows["T"]
    return TabulatedField(x, y, temperature, smoothing=smoothing, source=str(path))


class PotentialField(Potential):
    """V(x, y[, z]) given by a closed-form expression (energy); grad V symbolic."""

    def __init__(self, field: SymbolicField, name: str, parameters: Mapping[str, object] | None = None) -> None:
        super().__init__(field, name, parameters)  # type: ignore[arg-type]
        self.dimension = field.dimension

    def derivative(self, x: np.ndarray, order: int) -> np.ndarray:
        raise TypeError(f"potential {self.name!r} is {self.dimension}D: use V and gradient")

    def V(self, x: np.ndarray) -> np.ndarray:
        return self.function.value(x)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return self.function.gradient(x)


def potential_formula(expression: str, *, dimension: int = 2, **parameters: float) -> PotentialField:
    """V(x, y[, z]) from a user formula, e.g. ``potential_formula("k*(x**2 + y**2)/2", k=2.0)``."""
    variables = _variables(dimension)
    field = SymbolicField(parse_formula(expression, variables, parameters), variables)
    return PotentialField(field, "formula", {"formula": expression, **parameters})
