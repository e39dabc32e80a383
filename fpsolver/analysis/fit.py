"""Fit model parameters to a measured steady concentration profile.

The prediction is the exact zero-flux steady state of the canonical Fokker-Planck equation

    P(x; θ) ∝ exp( - ∫ A/D dx ) / D(x)

of the model built for parameters θ (:func:`fpsolver.pde.exact.steady_state_at`), times
an unknown scale s that is always fitted (the normalisation of fluorescence or counts
is rarely known). Two likelihoods:

* ``"gaussian"``: values y_i at points x_i with standard errors σ_i,
  y_i = s P(x_i; θ) / max_j P(x_j; θ) + ε_i, ε_i ~ N(0, σ_i^2); s is then the fitted
  value at the data point where P is largest; -2 ln L = χ^2 + Σ ln(2π σ_i^2),
  χ^2 = Σ ((y_i - ŷ_i)/σ_i)^2.
* ``"poisson"``: counts n_i in bins [e_i, e_{i+1}] (a histogram of tracked positions),
  n_i ~ Poisson(μ_i), μ_i = s p_i(θ), p_i the bin average of P (4-point
  Gauss-Legendre per bin) normalised to Σ p_i = 1, so s is the expected total count
  (its estimate is Σ n_i); χ^2 is the deviance 2 Σ [μ_i - n_i + n_i ln(n_i/μ_i)].

For a fixed shape the best scale is closed-form (Σ w y f / Σ w f^2, or Σ n_i), so the
optimisation runs over θ alone. **Global search**: χ^2 is screened at scrambled Sobol
points of the parameter box (:func:`fpsolver.analysis.fit_estimates.search_points`;
an invalid model, e.g. eta_eff <= 0, scores +inf), then
:func:`scipy.optimize.least_squares` (trust-region reflective, bounds) refines from the
start and the :data:`LOCAL_STARTS` - 1 best points on the residuals whose squares sum
to χ^2 (deviance residuals for counts). Distinct minima are listed with their χ^2 and
a warning is given when a second one lies within
:data:`fpsolver.analysis.fit_estimates.MULTIMODAL_DEVIANCE` of the best.

The covariance of (θ, ln s) is the inverse Fisher information
I = J^T W J, J = d(prediction)/d(θ, ln s) by central differences at the optimum
(one-sided where the model turns invalid), W = diag(1/σ_i^2) or diag(1/μ_i); the model
parameters' block is reported (the scale profiled out), or the identifiable
combinations when I is near-singular. The 95% intervals are profile-likelihood
intervals inside the bounds by default (χ^2 minimised over the other parameters at
fixed θ_j rises by 3.84), Wald intervals on request. dof = n - k with k = len(θ) + 1;
AIC and BIC count k parameters (:mod:`fpsolver.analysis.fit_estimates`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import optimize
from scipy.special import gammaln

from fpsolver.analysis.fit_estimates import (
    DataError,
    ModelFactory,
    ModelFit,
    ParameterEstimates,
    build_model,
    check_initial,
    compare_fits,
    derivative_steps,
    distinct_minima,
    fit_outcome,
    identifiability,
    multimodality,
    profile_intervals,
    resolve_bounds,
    search_points,
)
from fpsolver.pde.exact import steady_state_at

__all__ = ["LIKELIHOODS", "ProfileData", "ProfileFit", "profile_data", "fit_profile", "compare_fits", "ParameterEstimates", "DataError"]

LIKELIHOODS = ("gaussian", "poisson")
GAUSS_POINTS_PER_BIN = 4
#: Gauss-Legendre order of ∫ A/D dx between neighbouring bin nodes: they are at most a
#: bin width apart, a scale on which the 4-point bin rule already takes the integrand as
#: smooth, so 8 points (exact for degree 15) replace the general 20 points x 4 pieces
NODE_QUADRATURE_ORDER = 8
#: the residual of every point when the model cannot be built at a trial θ (e.g.
#: eta_eff <= 0): large and constant, so the optimiser steps back
INVALID_RESIDUAL = 1e6
INTERVALS = ("profile", "wald")
#: local optimisations: from the given start and from the best search points
LOCAL_STARTS = 4

Progress = Callable[[str, float, float], None]


@dataclass(frozen=True)
class ProfileData:
    """A checked steady profile: points x (length), values with errors, or counts in bins."""

    x: np.ndarray
    values: np.ndarray
    likelihood: str
    errors: np.ndarray | None = None
    edges: np.ndarray | None = None

    @property
    def size(self) -> int:
        return int(self.x.size)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _finite_array(name: str, values: object) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise DataError(f"{name} must be a 1D array, got shape {array.shape}")
    bad = ~np.isfinite(array)
    if np.any(bad):
        index = _first_bad(bad)
        raise DataError(f"{name}[{index}] is not finite ({array[index]!r})", index)
    return array


def profile_data(x: object, values: object, *, errors: object | None = None, likelihood: str = "gaussian", widths: object | None = None, domain: tuple[float, float]) -> ProfileData:
    """Check profile data and return it as :class:`ProfileData`.

    Parameters
    ----------
    x
        Strictly increasing positions (length) inside ``domain``: the measurement
        points, or the bin centres of counts.
    values
        Measured values (any units; gaussian) or counts >= 0 (poisson).
    errors
        Standard errors of ``values`` (> 0, units of values); required for gaussian.
    likelihood
        ``"gaussian"`` or ``"poisson"``.
    widths
        Bin widths (length; poisson only); default: bins meet half-way between centres
        and the end bins are symmetric about their centres (clipped to the domain).
    domain
        The model's interval (x_min, x_max).

    Raises
    ------
    DataError
        Naming the first bad element: non-monotone or duplicated x, NaN/inf, a negative
        count, an error <= 0, overlapping bins, points outside the domain.
    """
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
    x = _finite_array("x", x)
    values = _finite_array("values" if likelihood == "gaussian" else "counts", values)
    if x.size != values.size:
        raise DataError(f"x and the data have different lengths ({x.size} and {values.size})")
    if x.size < 3:
        raise DataError(f"a profile needs at least 3 points, got {x.size}")
    steps = np.diff(x)
    if np.any(steps <= 0):
        index = _first_bad(steps <= 0) + 1
        kind = "duplicated" if steps[index - 1] == 0 else "not increasing"
        raise DataError(f"x must be strictly increasing, but x[{index}] = {x[index]:g} is {kind} (x[{index - 1}] = {x[index - 1]:g})", index)
    low, high = float(domain[0]), float(domain[1])
    outside = (x < low) | (x > high)
    if np.any(outside):
        index = _first_bad(outside)
        raise DataError(f"x[{index}] = {x[index]:g} lies outside the domain [{low:g}, {high:g}]", index)
    if likelihood == "gaussian":
        if errors is None:
            raise DataError("gaussian data need an error per point")
        if widths is not None:
            raise DataError("bin widths belong to counts (likelihood 'poisson')")
        errors = _finite_array("errors", errors)
        if errors.size != x.size:
            raise DataError(f"x and the errors have different lengths ({x.size} and {errors.size})")
        if np.any(errors <= 0):
            index = _first_bad(errors <= 0)
            raise DataError(f"errors must be > 0, but errors[{index}] = {errors[index]:g}", index)
        return ProfileData(x=x, values=values, likelihood=likelihood, errors=errors)
    if errors is not None:
        raise DataError("counts carry no error column (their errors are Poisson)")
    if np.any(values < 0):
        index = _first_bad(values < 0)
        raise DataError(f"counts must be >= 0, but counts[{index}] = {values[index]:g}", index)
    if not np.any(values > 0):
        raise DataError("every count is zero: no profile to fit")
    if widths is None:
        middles = 0.5 * (x[1:] + x[:-1])
        edges = np.concatenate([[2 * x[0] - middles[0]], middles, [2 * x[-1] - middles[-1]]])
    else:
        widths = _finite_array("widths", widths)
        if widths.size != x.size or np.any(widths <= 0):
            index = _first_bad(widths <= 0) if widths.size == x.size else None
            raise DataError("widths must be one positive number per bin", index)
        lower, upper = x - 0.5 * widths, x + 0.5 * widths
        overlap = upper[:-1] > lower[1:] + 1e-12 * (high - low)
        if np.any(overlap):
            index = _first_bad(overlap) + 1
            raise DataError(f"bin {index} (x = {x[index]:g}) overlaps the bin before it", index)
        edges = np.column_stack([lower, upper])
    edges = np.clip(edges, low, high)
    return ProfileData(x=x, values=values, likelihood=likelihood, edges=edges)


def _bin_nodes(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Gauss-Legendre nodes of every bin (increasing) and their weights per bin."""
    lower, upper = (edges[:-1], edges[1:]) if edges.ndim == 1 else (edges[:, 0], edges[:, 1])
    nodes, weights = np.polynomial.legendre.leggauss(GAUSS_POINTS_PER_BIN)
    centres, halves = 0.5 * (upper + lower), 0.5 * (upper - lower)
    points = (centres[:, None] + halves[:, None] * nodes[None, :]).ravel()
    return points, halves[:, None] * weights[None, :], centres.size


@dataclass
class _Predictor:
    """The model's prediction of the data for (θ, ln s)."""

    factory: ModelFactory
    names: tuple[str, ...]
    data: ProfileData
    domain: tuple[float, float]
    evaluations: int = 0
    progress: Progress | None = None
    max_evaluations: int = 1
    nodes: tuple[np.ndarray, np.ndarray, int] | None = field(default=None)
    last: tuple[bytes, np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.data.likelihood == "poisson":
            self.nodes = _bin_nodes(self.data.edges)

    def shape(self, theta: np.ndarray) -> np.ndarray:
        """P(x_i; θ)/max P (gaussian) or normalised bin probabilities p_i (poisson); the
        last one is kept, so varying only the scale (the ln s column of the Jacobian)
        costs no model evaluation."""
        key = np.asarray(theta, dtype=float).tobytes()
        if self.last is None or self.last[0] != key:
            self.last = (key, self._evaluate(theta))
        return self.last[1]

    def _evaluate(self, theta: np.ndarray) -> np.ndarray:
        self.evaluations += 1
        if self.progress is not None:
            self.progress("fit evaluations", min(self.evaluations, self.max_evaluations), self.max_evaluations)
        model = build_model(self.factory, self.names, theta)
        if self.data.likelihood == "gaussian":
            return steady_state_at(model, self.data.x, self.domain)
        points, weights, bins = self.nodes
        density = steady_state_at(model, points, self.domain, order=NODE_QUADRATURE_ORDER, subdivisions=1)
        averages = np.sum(density.reshape(bins, GAUSS_POINTS_PER_BIN) * weights, axis=1)
        return averages / averages.sum()

    def predict(self, parameters: np.ndarray) -> np.ndarray:
        return np.exp(parameters[-1]) * self.shape(parameters[:-1])


def _residuals(data: ProfileData, prediction: np.ndarray) -> np.ndarray:
    """Residuals whose squares sum to χ^2 (gaussian) or the deviance (poisson)."""
    if data.likelihood == "gaussian":
        return (data.values - prediction) / data.errors
    n, mu = data.values, np.maximum(prediction, 1e-300)
    log_ratio = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0)
    deviance = np.clip(2.0 * (mu - n + log_ratio), 0.0, None)
    return np.sign(n - mu) * np.sqrt(deviance)


def _log_likelihood(data: ProfileData, prediction: np.ndarray) -> float:
    if data.likelihood == "gaussian":
        return float(-0.5 * np.sum(((data.values - prediction) / data.errors) ** 2 + np.log(2 * np.pi * data.errors**2)))
    n, mu = data.values, prediction
    return float(np.sum(n * np.log(mu) - mu - gammaln(n + 1.0)))


@dataclass(frozen=True)
class ProfileFit(ModelFit):
    """The result of :func:`fit_profile`: the fields of every :class:`ModelFit`
    (``parameters`` with the scale profiled out; k = len(θ) + 1 counts the scale) and

    Attributes
    ----------
    scale, scale_error
        Fitted scale s and its standard error (see the module docstring).
    data
        The checked data.
    prediction
        Best-fit prediction at the data points (units of the data).
    residuals
        (y - ŷ)/σ (gaussian) or deviance residuals (poisson); Σ residuals^2 = chi2.
    chi2, dof, chi2_per_dof
        χ^2 (deviance for counts), n - k and their ratio.
    """

    scale: float
    scale_error: float
    data: ProfileData
    prediction: np.ndarray
    residuals: np.ndarray
    chi2: float
    dof: int
    minima: tuple[dict[str, object], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def chi2_per_dof(self) -> float:
        return self.chi2 / self.dof if self.dof > 0 else float("nan")

    @property
    def n_parameters(self) -> int:
        return len(self.parameters.names) + 1

    def as_dict(self) -> dict[str, object]:
        """Plain data for fit.json."""
        extra = {"likelihood": self.data.likelihood, "scale": self.scale, "scale_error": self.scale_error, "chi2": self.chi2, "dof": self.dof, "chi2_per_dof": self.chi2_per_dof}
        return {**extra, **super().as_dict(), "n_points": self.data.size, "minima": list(self.minima), "warnings": list(self.warnings)}


def _information(predictor: _Predictor, parameters: np.ndarray, low: np.ndarray, high: np.ndarray, prediction: np.ndarray) -> np.ndarray:
    """Fisher information J^T W J of (θ, ln s) at ``parameters`` (one-sided differences
    where the model is invalid on one side, e.g. at eta_eff = 0)."""
    back, forward = derivative_steps(parameters, np.append(low, -np.inf), np.append(high, np.inf))
    columns = [prediction]  # d(s f)/d ln s = s f

    def attempt(values: np.ndarray) -> np.ndarray | None:
        try:
            return predictor.predict(values)
        except ValueError:
            return None

    for j in range(parameters.size - 1):
        plus, minus = parameters.copy(), parameters.copy()
        plus[j] += forward[j]
        minus[j] -= back[j]
        upper, lower = attempt(plus) if forward[j] > 0 else None, attempt(minus) if back[j] > 0 else None
        upper, step_up = (prediction, 0.0) if upper is None else (upper, forward[j])
        lower, step_down = (prediction, 0.0) if lower is None else (lower, back[j])
        columns.insert(j, (upper - lower) / (step_up + step_down) if step_up + step_down > 0 else np.zeros_like(prediction))
    jacobian = np.column_stack(columns)
    weights = 1.0 / (predictor.data.errors**2 if predictor.data.likelihood == "gaussian" else prediction)
    return jacobian.T @ (weights[:, None] * jacobian)


def _best_scale(data: ProfileData, shape: np.ndarray) -> float:
    """The scale s that minimises χ^2 (deviance) for a fixed shape: Σ w y f / Σ w f^2
    (gaussian, w = 1/σ^2) or Σ n (poisson, the p_i sum to 1)."""
    if data.likelihood == "poisson":
        return float(np.sum(data.values))
    weights = 1.0 / data.errors**2
    return float(max(np.sum(weights * data.values * shape) / np.sum(weights * shape**2), 1e-300))


def fit_profile(
    factory: ModelFactory,
    initial: Mapping[str, float],
    data: ProfileData,
    *,
    domain: tuple[float, float],
    bounds: Mapping[str, tuple[float, float]] | None = None,
    max_evaluations: int = 400,
    intervals: str = "profile",
    progress: Progress | None = None,
) -> ProfileFit:
    """Fit the free parameters ``initial`` (name -> starting value) to a steady profile.

    Parameters
    ----------
    factory
        ``factory(values) -> Model`` for a dict of the free parameters' values.
    initial
        Starting values of the free parameters (may be empty: only the scale is fitted).
    data
        From :func:`profile_data`.
    domain
        The interval (x_min, x_max) of the model (walls of the zero-flux problem).
    bounds
        Optional (low, high) per parameter; defaults in
        :data:`fpsolver.analysis.fit_estimates.DEFAULT_BOUNDS`.
    max_evaluations
        Limit of the model evaluations of each local optimisation.
    intervals
        ``"profile"`` (default): 95% profile-likelihood intervals inside the bounds;
        ``"wald"``: θ̂ ± 1.96 σ from the Fisher information.
    progress
        ``progress(task, done, total)`` called at each model evaluation.

    Returns
    -------
    ProfileFit

    Raises
    ------
    ValueError
        For a model that is invalid at the starting values, or data that do not
        determine the parameters.
    """
    if not isinstance(data, ProfileData):
        raise TypeError("data must come from fpsolver.fit.profile_data(...)")
    if intervals not in INTERVALS:
        raise ValueError(f"intervals must be one of {INTERVALS}, got {intervals!r}")
    start = check_initial(initial)
    names = tuple(start)
    low, high = resolve_bounds(start, bounds)
    dof = data.size - len(names) - 1
    if dof < 1:
        raise ValueError(f"{data.size} points cannot determine {len(names) + 1} parameters (the free ones and the scale)")
    predictor = _Predictor(factory, names, data, (float(domain[0]), float(domain[1])), progress=progress, max_evaluations=max_evaluations)
    theta0 = np.array(list(start.values()), dtype=float)
    predictor.shape(theta0)  # a model invalid at the start is a one-line error here

    def profiled_residuals(theta: np.ndarray) -> np.ndarray:
        try:
            shape = predictor.shape(theta)
        except ValueError:
            return np.full(data.size, INVALID_RESIDUAL / np.sqrt(data.size))
        return _residuals(data, _best_scale(data, shape) * shape)

    def deviance(theta: np.ndarray) -> float:
        try:
            shape = predictor.shape(theta)
        except ValueError:
            return np.inf
        return float(np.sum(_residuals(data, _best_scale(data, shape) * shape) ** 2))

    def local(theta: np.ndarray, fixed: int | None = None) -> tuple[np.ndarray, float, object]:
        """Least χ^2 from ``theta`` over the free θ (all but ``fixed``), the scale profiled out."""
        free = np.array([j for j in range(theta.size) if j != fixed], dtype=int)
        if free.size == 0:
            return theta, deviance(theta), None

        def residuals(values: np.ndarray) -> np.ndarray:
            full = theta.copy()
            full[free] = values
            return profiled_residuals(full)

        solution = optimize.least_squares(residuals, np.clip(theta[free], low[free], high[free]), bounds=(low[free], high[free]), x_scale="jac", method="trf", max_nfev=max_evaluations)
        full = theta.copy()
        full[free] = solution.x
        return full, deviance(full), solution

    if names:
        screened = [(point, deviance(point)) for point in search_points(theta0, low, high)]
        starts = [theta0] + [point for point, value in sorted(screened, key=lambda item: item[1]) if np.isfinite(value)][: LOCAL_STARTS - 1]
        solutions = [local(point) for point in starts]
        best_theta, _, solution = min(solutions, key=lambda item: item[1])
        success, message = bool(solution.success), str(solution.message)
    else:
        best_theta, success, message, solutions = theta0, True, "no free parameters", [(theta0, deviance(theta0), None)]
    shape = predictor.shape(best_theta)
    scale = _best_scale(data, shape)
    best = np.append(best_theta, np.log(scale))
    prediction = scale * shape
    covariance, combinations = identifiability(_information(predictor, best, low, high, prediction), [*names, "scale"], np.append(best_theta, scale))
    chi2 = float(np.sum(_residuals(data, prediction) ** 2))
    estimates = ParameterEstimates(names, best_theta.copy(), covariance[:-1, :-1].copy(), combinations=combinations)
    minima = distinct_minima([(theta, value) for theta, value, _ in solutions], estimates.errors)
    rows, warnings = multimodality(names, minima)
    if names and intervals == "profile" and not combinations:

        def profiled(j: int, value: float, begin: np.ndarray) -> tuple[float, np.ndarray]:
            optimum, least, _ = local(np.where(np.arange(begin.size) == j, value, begin), fixed=j)
            return least, optimum

        lower, upper, low_flags, high_flags = profile_intervals(profiled, best_theta, chi2, estimates.errors, low, high)
        estimates = replace(estimates, profile=(lower, upper), at_bound=(low_flags, high_flags))
    outcome = fit_outcome(factory, estimates, _log_likelihood(data, prediction), len(names) + 1, data.size, success=success, message=message, evaluations=predictor.evaluations)
    return ProfileFit(
        **outcome,
        scale=scale,
        scale_error=float(scale * np.sqrt(max(covariance[-1, -1], 0.0))) if np.isfinite(covariance[-1, -1]) else float("nan"),
        data=data,
        prediction=prediction,
        residuals=_residuals(data, prediction),
        chi2=chi2,
        dof=dof,
        minima=tuple(rows),
        warnings=tuple(warnings),
    )
