"""Temperature profiles T(x) with their derivatives T', T'', T''' (docs/physics/profiles.md).

Every profile is an object with ``T(x)``, ``dT(x)``, ``d2T(x)`` and ``d3T(x)``
(units: temperature, temperature/length, ...). Sources:

* built-ins: :func:`linear`, :func:`exponential`, :func:`gaussian_hotspot`,
  :func:`tanh_step` (analytic, differentiated symbolically) and
  :func:`piecewise_linear` (T' piecewise constant, T'' = 0 between nodes);
* :func:`formula`: a string in ``x`` parsed safely (never ``eval``) and
  differentiated symbolically;
* :func:`tabulated`: CSV data ``x,T`` fitted by a smoothing spline whose
  derivatives are used.

:meth:`TemperatureProfile.check_domain` enforces the physical requirement that T is
finite and > 0 on the whole domain.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
from scipy.interpolate import BSpline, PPoly, make_smoothing_spline

from fpsolver._expression import SymbolicFunction, parse_formula
from fpsolver._validate import build, real, reals
from fpsolver.fields.base import TemperatureField

__all__ = [
    "TemperatureProfile",
    "SymbolicProfile",
    "PiecewiseLinearProfile",
    "TabulatedProfile",
    "linear",
    "exponential",
    "gaussian_hotspot",
    "tanh_step",
    "piecewise_linear",
    "formula",
    "tabulated",
    "tabulated_csv",
    "make_profile",
    "PROFILES",
]


class TemperatureProfile(TemperatureField):
    """A 1D temperature field T(x) > 0 (x of shape (n,)) with analytic (or spline) derivatives of any order."""

    name: str = "profile"

    @abstractmethod
    def derivative(self, x: np.ndarray, order: int) -> np.ndarray:
        """d^order T / dx^order at the points ``x`` (order 0 is T itself)."""

    def T(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, 0)

    def dT(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, 1)

    def d2T(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, 2)

    def d3T(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, 3)

    # The TemperatureField protocol in 1D (grad T = T', the Laplacian is T'' and its
    # gradient T'''), so one model class serves 1D and nD.
    def gradient(self, x: np.ndarray) -> np.ndarray:
        """grad T: T'(x) in 1D; shape (dim, n) for fields."""
        return self.dT(x)

    def laplacian(self, x: np.ndarray) -> np.ndarray:
        """Laplacian of T: T''(x) in 1D."""
        return self.d2T(x)

    def gradient_laplacian(self, x: np.ndarray) -> np.ndarray:
        """Gradient of the Laplacian of T: T'''(x) in 1D; shape (dim, n) for fields."""
        return self.d3T(x)

    def check_domain(self, x: np.ndarray) -> None:
        """Raise ``ValueError`` naming the first x where T is not finite and > 0."""
        x = np.sort(np.asarray(x, dtype=float).ravel())
        temperature = self.T(x)
        bad = ~(np.isfinite(temperature) & (temperature > 0))
        if np.any(bad):
            first = int(np.argmax(bad))
            raise ValueError(f"temperature profile {self.name!r} must be finite and > 0 on the domain, but T({x[first]:.6g}) = {temperature[first]:.6g}")


class SymbolicProfile(TemperatureProfile):
    """A profile given by a closed-form expression in ``x`` (derivatives exact)."""

    def __init__(self, function: SymbolicFunction, name: str, parameters: Mapping[str, float] | None = None) -> None:
        self.function = function
        self.name = name
        self.parameters = dict(parameters or {})

    def derivative(self, x: np.ndarray, order: int) -> np.ndarray:
        return self.function(x, order)

    def check_domain(self, x: np.ndarray) -> None:
        """The points ``x``, then the whole interval [min x, max x] by interval arithmetic."""
        super().check_domain(x)
        x = np.asarray(x, dtype=float).ravel()
        self._check_boxes(self.function.expression, (self.function.symbol,), np.array([[x.min()]]), np.array([[x.max()]]))

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "expression": self.function.text, **self.parameters}


def _builtin(name: str, text: str, **parameters: float) -> SymbolicProfile:
    parameters = {key: real(key, value) for key, value in parameters.items()}
    return SymbolicProfile(SymbolicFunction.from_text(text, "x", parameters), name, parameters)


def linear(*, T0: float = 1.0, gradient: float = 0.5, x0: float = 0.0) -> SymbolicProfile:
    """T(x) = T0 + gradient (x - x0).

    Parameters
    ----------
    T0
        Temperature at x0.
    gradient
        dT/dx (temperature/length).
    x0
        Reference position.
    """
    return _builtin("linear", "T0 + gradient*(x - x0)", T0=T0, gradient=gradient, x0=x0)


def exponential(*, T0: float = 1.0, length: float = 1.0) -> SymbolicProfile:
    """T(x) = T0 exp(-x / length) (gCLm Eq. 60 uses length = L).

    Parameters
    ----------
    T0
        Temperature at x = 0.
    length
        Decay length (T'/T = -1/length).
    """
    real("length", length, nonzero=True)
    return _builtin("exponential", "T0*exp(-x/length)", T0=T0, length=length)


def gaussian_hotspot(*, T_background: float = 1.0, amplitude: float = 1.0, center: float = 0.0, width: float = 0.2) -> SymbolicProfile:
    """T(x) = T_background + amplitude exp(-(x - center)^2 / (2 width^2)).

    Parameters
    ----------
    T_background
        Temperature far from the spot.
    amplitude
        Excess temperature at the centre.
    center
        Position of the hot spot.
    width
        Standard deviation of the spot (length).
    """
    real("width", width, positive=True)
    return _builtin("gaussian_hotspot", "T_background + amplitude*exp(-(x - center)**2/(2*width**2))", T_background=T_background, amplitude=amplitude, center=center, width=width)


def tanh_step(*, T_left: float = 2.0, T_right: float = 1.0, center: float = 0.0, width: float = 0.05) -> SymbolicProfile:
    """T(x) = (T_left + T_right)/2 + (T_right - T_left)/2 tanh((x - center)/width).

    Parameters
    ----------
    T_left, T_right
        Temperatures far left and far right of the step.
    center
        Position of the step.
    width
        Width of the step (length).
    """
    real("width", width, positive=True)
    return _builtin("tanh_step", "(T_left + T_right)/2 + (T_right - T_left)/2*tanh((x - center)/width)", T_left=T_left, T_right=T_right, center=center, width=width)


def formula(expression: str, **parameters: float) -> SymbolicProfile:
    """T(x) from a user formula, e.g. ``formula("1 + a*x**2", a=0.3)``.

    Parameters
    ----------
    expression
        Formula in x (functions exp, log, sqrt, sin, cos, tan, sinh, cosh, tanh, atan, erf, abs; constants pi, e).
    parameters
        Named constants used in the formula.
    """
    function = SymbolicFunction(parse_formula(expression, ("x",), parameters), "x")
    return SymbolicProfile(function, "formula", {"formula": expression, **parameters})  # type: ignore[dict-item]


class PiecewiseLinearProfile(TemperatureProfile):
    """Linear interpolation between nodes; T' piecewise constant, T'' = T''' = 0.

    Outside the nodes T continues linearly with the end slopes. The kinks carry
    delta-like T'' that this profile does not represent (models using T'' see 0).
    """

    name = "piecewise_linear"

    def __init__(self, nodes: np.ndarray, values: np.ndarray) -> None:
        nodes = np.asarray(nodes, dtype=float)
        values = np.asarray(values, dtype=float)
        if nodes.ndim != 1 or nodes.size < 2 or nodes.shape != values.shape:
            raise ValueError("profile 'piecewise_linear': 'nodes' and 'values' must be equal-length lists of >= 2 numbers")
        if np.any(np.diff(nodes) <= 0):
            raise ValueError("profile 'piecewise_linear': 'nodes' must be strictly increasing")
        self.nodes, self.values = nodes, values
        self._slopes = np.diff(values) / np.diff(nodes)

    @property
    def breakpoints(self) -> np.ndarray:
        return self.nodes[1:-1]

    def derivative(self, x: np.ndarray, order: int) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        segment = np.clip(np.searchsorted(self.nodes, x, side="right") - 1, 0, self._slopes.size - 1)
        if order == 0:
            return self.values[segment] + self._slopes[segment] * (x - self.nodes[segment])
        if order == 1:
            return self._slopes[segment]
        return np.zeros_like(x)

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "nodes": self.nodes.tolist(), "values": self.values.tolist()}


def piecewise_linear(*, nodes: list[float], values: list[float]) -> PiecewiseLinearProfile:
    """Piecewise-linear T through (nodes[i], values[i]).

    Parameters
    ----------
    nodes
        Increasing positions.
    values
        Temperatures at the nodes.
    """
    return PiecewiseLinearProfile(reals("nodes", nodes), reals("values", values))


class TabulatedProfile(TemperatureProfile):
    """Tabulated data fitted by a cubic smoothing spline.

    The spline is scipy's ``make_smoothing_spline`` (penalised cubic spline,
    penalty chosen by generalised cross-validation unless ``smoothing`` is given);
    T', T'', T''' are the spline's derivatives. Evaluation outside the data range
    raises ``ValueError`` through :meth:`check_domain`.
    """

    name = "tabulated"

    def __init__(self, x: np.ndarray, temperature: np.ndarray, *, smoothing: float | None = None, source: str = "") -> None:
        x = np.asarray(x, dtype=float)
        temperature = np.asarray(temperature, dtype=float)
        if x.ndim != 1 or x.size < 5 or x.shape != temperature.shape:
            raise ValueError("profile 'tabulated': need at least 5 (x, T) rows")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(temperature))):
            bad = int(np.argmax(~(np.isfinite(x) & np.isfinite(temperature))))
            raise ValueError(f"profile 'tabulated': row {bad + 1} is not finite (x={x[bad]!r}, T={temperature[bad]!r})")
        if np.any(temperature <= 0):
            bad = int(np.argmax(temperature <= 0))
            raise ValueError(f"profile 'tabulated': row {bad + 1}: T must be > 0, got T = {float(temperature[bad])!r}")
        if smoothing is not None:
            real("smoothing", smoothing, nonnegative=True)
        order = np.argsort(x, kind="stable")
        x, temperature = x[order], temperature[order]
        if np.any(np.diff(x) <= 0):
            repeated = x[1:][np.diff(x) <= 0][0]
            raise ValueError(f"profile 'tabulated': x values must be distinct, x = {repeated!r} appears twice")
        self.x_data, self.T_data = x, temperature
        self.smoothing, self.source = smoothing, source
        self._spline: BSpline = make_smoothing_spline(x, temperature, lam=smoothing)
        self._derivatives = {0: self._spline}

    @property
    def breakpoints(self) -> np.ndarray:
        """Interior knots of the cubic spline (its third derivative jumps there)."""
        return np.unique(self._spline.t)[1:-1]

    def derivative(self, x: np.ndarray, order: int) -> np.ndarray:
        if order not in self._derivatives:
            self._derivatives[order] = self._spline.derivative(order)
        return np.asarray(self._derivatives[order](np.asarray(x, dtype=float), extrapolate=True), dtype=float)

    def check_domain(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=float)
        low, high = self.x_data[0], self.x_data[-1]
        outside = (x < low - 1e-12 * max(1.0, abs(low))) | (x > high + 1e-12 * max(1.0, abs(high)))
        if np.any(outside):
            raise ValueError(f"profile 'tabulated': data cover [{low:.6g}, {high:.6g}] but the domain needs x = {x[outside][0]:.6g}")
        super().check_domain(x)
        self._check_minimum(float(x.min()), float(x.max()))

    def _check_minimum(self, start: float, stop: float) -> None:
        """The spline's exact minimum on [start, stop] (at an end or where T' = 0, the roots
        of the piecewise-quadratic derivative) must be > 0: a spline can undershoot between
        positive data, also between the cell centres where T is sampled."""
        derivative = PPoly.from_spline(self._spline).derivative()
        candidates = np.concatenate([[start, stop], derivative.roots(extrapolate=False)])
        candidates = candidates[(candidates >= start) & (candidates <= stop)]
        values = self.T(candidates)
        if not np.all(values > 0):
            lowest = int(np.argmin(values))
            raise ValueError(f"profile 'tabulated': the spline through the data dips to T({candidates[lowest]:.6g}) = {values[lowest]:.6g} between the rows; give more rows or smoothing")

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "source": self.source, "smoothing": self.smoothing}


def tabulated(file: str | Path, *, smoothing: float | None = None) -> TabulatedProfile:
    """Read a CSV file with columns ``x,T`` (header line ``x,T`` required).

    Parameters
    ----------
    file
        CSV path (in a case: relative to the case directory, which holds it).
    smoothing
        Penalty of the cubic smoothing spline (>= 0); default chosen by generalised cross-validation.
    """
    if not isinstance(file, (str, Path)):
        raise TypeError(f"profile 'tabulated': 'file' must be a path, got {type(file).__name__}")
    path = Path(file)
    if path.is_dir():
        raise ValueError(f"profile 'tabulated': {str(path)!r} is a directory, not a CSV file")
    if not path.is_file():
        raise FileNotFoundError(f"profile 'tabulated': data file {str(path)!r} does not exist or is not a regular file")
    return tabulated_csv(path.read_bytes(), source=str(path), smoothing=smoothing)


def tabulated_csv(data: bytes, *, source: str = "", smoothing: float | None = None) -> TabulatedProfile:
    """The tabulated profile of CSV bytes ``data`` (UTF-8, a header line naming columns
    ``x`` and ``T``, then one row of numbers per line; blank lines and ``#`` comments skipped).

    Errors name the line and column at fault (never the line's text) and refuse rows with
    T <= 0: a temperature must be positive wherever it is tabulated.
    """
    name = Path(source).name or "the data"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"profile 'tabulated': {name} is not UTF-8 text (byte {exc.start})") from None
    rows = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise ValueError(f"profile 'tabulated': {name} is empty")
    header_line, header = rows[0]
    columns = [column.strip() for column in header.split(",")]
    if "x" not in columns or "T" not in columns:
        raise ValueError(f"profile 'tabulated': {name}, line {header_line}: the header must name the columns 'x' and 'T'")
    ix, iT = columns.index("x"), columns.index("T")
    values = np.empty((len(rows) - 1, 2))
    for row, (number, line) in enumerate(rows[1:]):
        fields = line.split(",")
        if len(fields) != len(columns):
            raise ValueError(f"profile 'tabulated': {name}, line {number}: expected {len(columns)} columns, found {len(fields)}")
        for column, index in ((0, ix), (1, iT)):
            try:
                values[row, column] = float(fields[index])
            except ValueError:
                raise ValueError(f"profile 'tabulated': {name}, line {number}, column {columns[index]!r}: not a number") from None
        if not np.all(np.isfinite(values[row])):
            raise ValueError(f"profile 'tabulated': {name}, line {number}: x and T must be finite, got x = {float(values[row, 0])!r}, T = {float(values[row, 1])!r}")
        if not values[row, 1] > 0:
            raise ValueError(f"profile 'tabulated': {name}, line {number}: T must be > 0, got T = {float(values[row, 1])!r}")
    return TabulatedProfile(values[:, 0], values[:, 1], smoothing=smoothing, source=source)


#: the profiles of case files, by the name of their builder function
PROFILES: dict[str, Callable[..., TemperatureProfile]] = {builder.__name__: builder for builder in (linear, exponential, gaussian_hotspot, tanh_step, piecewise_linear, formula, tabulated)}


def make_profile(name: str, **parameters: object) -> TemperatureProfile:
    """Build a profile from its registry name, e.g. ``make_profile("exponential", T0=2)``."""
    return build(PROFILES, name, "temperature profile", parameters)
