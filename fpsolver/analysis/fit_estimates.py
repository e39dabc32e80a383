"""What profile fits and trajectory inference share: parameter estimates with their
covariance, information criteria, parameter bounds and the model factory protocol.

A fit varies named numeric parameters θ of a model. The model is rebuilt for every θ
by a *factory* ``factory(θ: dict[str, float]) -> Model`` (any parameter can be free:
model keywords, potential and profile parameters), so the fitting code never needs to
know how a model is made.

Uncertainties come from the inverse Fisher information I(θ̂) (covariance C = I^-1,
standard errors sqrt(C_jj), Wald interval θ̂_j ± 1.96 sqrt(C_jj)) or, by default in
the fits, from the likelihood profile (:func:`profile_intervals`, inside the bounds);
a near-singular I is reported as the combinations the data determine
(:func:`identifiability`). Fits search their parameter box (:func:`search_points`) and
list distinct minima (:func:`distinct_minima`, :func:`multimodality`).
Information criteria for comparing models fitted to the *same* data, with k free
parameters, n data points and the maximised log-likelihood ln L̂:

    AIC = 2 k - 2 ln L̂ ,      BIC = k ln n - 2 ln L̂ .

The model with the smallest value is preferred; Akaike weights
w_m = exp(-ΔAIC_m / 2) / Σ exp(-ΔAIC / 2) give the relative support.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from fpsolver.models import Model

__all__ = [
    "ModelFactory",
    "ParameterEstimates",
    "ModelFit",
    "DataError",
    "DEFAULT_BOUNDS",
    "resolve_bounds",
    "information_criteria",
    "compare_fits",
    "identifiability",
    "profile_intervals",
    "search_points",
    "distinct_minima",
    "multimodality",
]

ModelFactory = Callable[[Mapping[str, float]], Model]
"""Builds the model for a set of parameter values (keys: the free parameter names)."""

#: Bounds of model keywords that are not free on the whole real line; a free
#: parameter whose name (the last part of a dotted key) is listed gets these bounds
#: unless others are given. Positive parameters are bounded below by 1e-3 times
#: their starting value (a zero width or friction is not a model).
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {"alpha": (0.0, 1.0)}
POSITIVE = ("sigma", "eta", "kB", "T0", "L", "width", "length", "stiffness")
POSITIVE_FLOOR = 1e-3
#: eigenvalue of the normalised Fisher information, relative to the largest, below which
#: a direction counts as not determined by the data
SINGULAR_RATIO = 1e-10
#: a parameter whose information sqrt(I_jj) max(|θ_j|, 1) is below this fraction of the
#: largest one is not determined at all (the likelihood does not depend on it)
UNINFORMED_RATIO = 1e-6
#: the level of the profile-likelihood intervals
PROFILE_LEVEL = 0.95
#: Sobol points of the global search per free parameter (rounded up to a power of 2)
SEARCH_POINTS_PER_PARAMETER = 8
SEARCH_SEED = 20231


class DataError(ValueError):
    """Bad input data; ``index`` is the position of the first bad element (None when
    the fault is not one element), so readers can name the row of a file."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class ParameterEstimates:
    """Best-fit values of named parameters with their covariance (Wald approximation).

    Attributes
    ----------
    names
        The free parameters, in order.
    values
        Best-fit values θ̂.
    covariance
        Inverse Fisher information at θ̂ (units: products of the parameters' units).
    """

    names: tuple[str, ...]
    values: np.ndarray
    covariance: np.ndarray
    profile: tuple[np.ndarray, np.ndarray] | None = None
    at_bound: tuple[np.ndarray, np.ndarray] | None = None
    combinations: tuple[dict[str, object], ...] = ()

    @property
    def errors(self) -> np.ndarray:
        """Standard errors sqrt(C_jj) (NaN for a parameter the data do not determine)."""
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))

    @property
    def interval_method(self) -> str:
        """``"profile"`` when :attr:`profile` holds the 95% profile-likelihood interval, else ``"wald"``."""
        return "wald" if self.profile is None else "profile"

    @property
    def correlation(self) -> np.ndarray:
        """C_jk / sqrt(C_jj C_kk) (zero where an error is zero)."""
        errors = self.errors
        scale = np.outer(errors, errors)
        return np.divide(self.covariance, scale, out=np.zeros_like(self.covariance), where=scale > 0)

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """The 95% profile-likelihood interval when it was computed (``level`` 0.95),
        else the two-sided Wald interval θ̂ ± z σ with z the normal quantile of ``level``."""
        if self.profile is not None and level == PROFILE_LEVEL:
            return self.profile
        z = stats.norm.ppf(0.5 + 0.5 * level)
        return self.values - z * self.errors, self.values + z * self.errors

    def __getitem__(self, name: str) -> tuple[float, float]:
        """(value, standard error) of one parameter."""
        index = self.names.index(name)
        return float(self.values[index]), float(self.errors[index])

    def as_dict(self) -> dict[str, object]:
        low, high = self.interval()
        result = {
            "names": list(self.names),
            "values": dict(zip(self.names, self.values.tolist())),
            "errors": dict(zip(self.names, _plain(self.errors))),
            "interval_95": {name: [lo, hi] for name, lo, hi in zip(self.names, _plain(low), _plain(high))},
            "interval_method": self.interval_method,
            "covariance": [_plain(row) for row in self.covariance],
            "correlation": [_plain(row) for row in self.correlation],
            "identifiable_combinations": list(self.combinations),
        }
        if self.at_bound is not None:
            result["interval_ends_at_bound"] = {name: [bool(lo), bool(hi)] for name, lo, hi in zip(self.names, *self.at_bound)}
        return result


def _plain(values: np.ndarray) -> list[float | None]:
    """Floats for JSON, None for NaN or infinite entries."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def resolve_bounds(initial: Mapping[str, float], bounds: Mapping[str, tuple[float, float]] | None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds per free parameter (given, else :data:`DEFAULT_BOUNDS`,
    else (POSITIVE_FLOOR x start, inf) for positive keywords, else unbounded)."""
    bounds = dict(bounds or {})
    unknown = set(bounds) - set(initial)
    if unknown:
        raise ValueError(f"bounds given for parameters that are not free: {sorted(unknown)}")
    low, high = [], []
    for name, start in initial.items():
        leaf = name.split(".")[-1]
        if name in bounds:
            lo, hi = bounds[name]
        elif leaf in DEFAULT_BOUNDS:
            lo, hi = DEFAULT_BOUNDS[leaf]
        elif leaf in POSITIVE:
            lo, hi = POSITIVE_FLOOR * abs(start), np.inf
        else:
            lo, hi = -np.inf, np.inf
        if not lo <= start <= hi:
            raise ValueError(f"the starting value of {name!r} ({start:g}) lies outside its bounds [{lo:g}, {hi:g}]")
        low.append(lo)
        high.append(hi)
    return np.array(low, dtype=float), np.array(high, dtype=float)


def check_initial(initial: Mapping[str, float]) -> dict[str, float]:
    """The starting values as floats; a one-line error for a non-numeric or non-finite one."""
    values = {}
    for name, value in initial.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"free parameter {name!r} must start from a number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"free parameter {name!r} must start from a finite number, got {value!r}")
        values[name] = float(value)
    return values


def derivative_steps(values: np.ndarray, low: np.ndarray, high: np.ndarray, relative: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """Finite-difference steps per parameter: (step back, step forward), central where
    both stay inside the bounds, one-sided at a bound."""
    step = relative * np.maximum(np.abs(values), 1e-2)
    back = np.where(values - step >= low, step, 0.0)
    forward = np.where(values + step <= high, step, 0.0)
    return back, forward


def information_criteria(log_likelihood: float, n_parameters: int, n_points: int) -> dict[str, float]:
    """AIC and BIC (see the module docstring)."""
    return {"aic": 2.0 * n_parameters - 2.0 * log_likelihood, "bic": n_parameters * np.log(n_points) - 2.0 * log_likelihood}


@dataclass(frozen=True)
class ModelFit:
    """What every fit result holds (profile fits and trajectory fits extend it).

    Attributes
    ----------
    parameters
        Free parameters with their covariance (inverse Fisher information).
    log_likelihood, aic, bic
        Maximised ln L of the data and the information criteria with k = ``n_parameters``.
    model
        The best-fit model.
    success, message, evaluations
        Optimiser status and the number of model (or likelihood) evaluations.
    """

    parameters: ParameterEstimates
    log_likelihood: float
    aic: float
    bic: float
    model: Model
    success: bool
    message: str
    evaluations: int

    @property
    def n_parameters(self) -> int:
        """Number k of fitted parameters (the information criteria's k)."""
        return len(self.parameters.names)

    def as_dict(self) -> dict[str, object]:
        """Plain data for fit.json."""
        return {
            "parameters": self.parameters.as_dict(),
            "log_likelihood": self.log_likelihood,
            "aic": self.aic,
            "bic": self.bic,
            "n_parameters": self.n_parameters,
            "model": self.model.describe(),
            "success": self.success,
            "message": self.message,
            "evaluations": self.evaluations,
        }


def fit_outcome(factory: ModelFactory, parameters: ParameterEstimates, log_likelihood: float, n_parameters: int, n_points: int, *, success: bool, message: str, evaluations: int) -> dict[str, object]:
    """The :class:`ModelFit` fields of a finished fit: the estimates, ln L, AIC and BIC
    (k = ``n_parameters``, n = ``n_points``) and the model rebuilt at the estimates."""
    criteria = information_criteria(log_likelihood, n_parameters, n_points)
    model = build_model(factory, parameters.names, parameters.values)
    status = {"success": success, "message": message, "evaluations": evaluations}
    return {"parameters": parameters, "log_likelihood": log_likelihood, "aic": criteria["aic"], "bic": criteria["bic"], "model": model, **status}


def compare_fits(fits: Mapping[str, object], criterion: str = "aic") -> list[dict[str, object]]:
    """Rows (label, k, ln L, AIC, BIC, ΔAIC or ΔBIC, weight) ordered best first.

    ``fits`` are fit results with ``log_likelihood``, ``aic``, ``bic`` and
    ``n_parameters`` attributes, all fitted to the same data.
    """
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic', got {criterion!r}")
    if not fits:
        raise ValueError("compare_fits needs at least one fit")
    scores = {label: float(getattr(fit, criterion)) for label, fit in fits.items()}
    best = min(scores.values())
    weights = {label: np.exp(-0.5 * (score - best)) for label, score in scores.items()}
    total = sum(weights.values())
    rows = []
    for label in sorted(scores, key=scores.get):
        fit = fits[label]
        rows.append(
            {
                "model": label,
                "n_parameters": int(fit.n_parameters),
                "log_likelihood": float(fit.log_likelihood),
                "aic": float(fit.aic),
                "bic": float(fit.bic),
                f"delta_{criterion}": scores[label] - best,
                "weight": weights[label] / total,
            }
        )
    return rows


def build_model(factory: ModelFactory, names: Sequence[str], values: np.ndarray) -> Model:
    """``factory`` at the parameter vector ``values`` (a TypeError for a factory that
    returns something other than a Model)."""
    model = factory(dict(zip(names, (float(v) for v in values))))
    if not isinstance(model, Model):
        raise TypeError(f"the model factory must return an fpsolver Model, got {type(model).__name__}")
    return model


def covariance_from_information(information: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Inverse of a Fisher information matrix; a one-line error when a parameter is
    not determined by the data (singular information; see :func:`identifiability` for
    the report instead of the error)."""
    covariance, combinations = identifiability(information, names, np.ones(len(names)))
    if combinations:
        raise ValueError(f"the data do not determine the parameters {list(names)} separately (singular Fisher information)")
    return covariance


def identifiability(information: np.ndarray, names: Sequence[str], values: np.ndarray) -> tuple[np.ndarray, tuple[dict[str, object], ...]]:
    """Covariance and the identifiable combinations of a near-singular Fisher information.

    A parameter with sqrt(I_jj) max(|θ_j|, 1) below :data:`UNINFORMED_RATIO` x the
    largest is not determined at all. The rest of I is normalised to unit diagonal,
    Ĩ = S^-1 I S^-1 (S = sqrt(diag I)), and eigen-decomposed. Eigenvalues below :data:`SINGULAR_RATIO` x the largest are
    directions the data do not determine. Then the covariance is the pseudo-inverse
    restricted to the determined directions, with NaN in the rows and columns of every
    parameter that enters an undetermined direction, and each such group is reported by
    the combination the data determine: for parameters > 0, in logarithms, the power
    law Π θ_j^(w_j) with w ⟂ the undetermined directions (e.g. kB/eta when only the
    ratio enters D = kB T / eta), with its value and the standard error of its logarithm.

    Returns
    -------
    covariance, combinations
        ``combinations`` is empty when every parameter is determined.
    """
    if information.size == 0:
        return np.zeros((0, 0)), ()
    values = np.asarray(values, dtype=float)
    scale = np.sqrt(np.clip(np.diag(information), 0.0, None))
    relative = scale * np.maximum(np.abs(values), 1.0)  # information on ln θ for |θ| > 1, on θ below
    zero = (scale == 0) | (relative < UNINFORMED_RATIO * relative.max())
    safe = np.where(zero, 1.0, scale)
    normalised = information / np.outer(safe, safe)
    normalised[zero, :] = normalised[:, zero] = 0.0
    eigenvalues, vectors = np.linalg.eigh(normalised)
    null = eigenvalues <= SINGULAR_RATIO * max(float(eigenvalues[-1]), 0.0)
    if not np.any(null):
        return np.linalg.inv(normalised) / np.outer(scale, scale), ()
    kept = ~null
    pseudo = (vectors[:, kept] / eigenvalues[kept]) @ vectors[:, kept].T / np.outer(safe, safe)
    involved = np.any(np.abs(vectors[:, null]) > 1e-3, axis=1)
    covariance = pseudo.copy()
    covariance[involved, :] = covariance[:, involved] = np.nan
    combinations: list[dict[str, object]] = [
        {"parameters": [names[m]], "powers": None, "combination": f"{names[m]} is not determined: the likelihood does not depend on it", "value": None, "log_error": None} for m in np.flatnonzero(zero)
    ]
    members = np.flatnonzero(involved & ~zero)
    if members.size and np.all(values[members] > 0):
        # log coordinates u = ln θ: I_u = diag(θ) I diag(θ); the determined combinations are its
        # leading eigenvectors restricted to the members
        block = information[np.ix_(members, members)] * np.outer(values[members], values[members])
        block_values, block_vectors = np.linalg.eigh(block)
        determined = block_values > SINGULAR_RATIO * block_values[-1]
        for column in np.flatnonzero(determined):
            w = block_vectors[:, column] / block_vectors[np.argmax(np.abs(block_vectors[:, column])), column]
            log_value = float(w @ np.log(values[members]))
            combinations.append(
                {
                    "parameters": [names[m] for m in members],
                    "powers": w.tolist(),
                    "combination": " * ".join(f"{names[m]}^{p:.3g}" for m, p in zip(members, w)),
                    "value": float(np.exp(log_value)),
                    "log_error": float(1.0 / np.sqrt(block_values[column] / (w @ w))),
                }
            )
    elif members.size:
        combinations.append({"parameters": [names[m] for m in members], "powers": None, "combination": "not determined separately (values not all > 0)", "value": None, "log_error": None})
    return covariance, tuple(combinations)


#: Δ(-2 ln L) below which a second minimum is a competing explanation of the data
#: (a likelihood ratio above exp(-9/2) ≈ 0.011): the fit warns
MULTIMODAL_DEVIANCE = 9.0

ProfiledDeviance = Callable[[int, float, np.ndarray], tuple[float, np.ndarray]]
"""``profiled(j, value, start)``: the least -2 ln L over the other parameters with θ_j
fixed at ``value`` (optimised from the full vector ``start``) and the optimum; +inf
where the model is invalid."""


Intervals = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def profile_intervals(profiled: ProfiledDeviance, best: np.ndarray, best_deviance: float, errors: np.ndarray, low: np.ndarray, high: np.ndarray, *, iterations: int = 10) -> Intervals:
    """95% profile-likelihood intervals {θ_j : Δ_j(θ_j) <= χ²_1(0.95) = 3.84}, with
    Δ_j the profiled -2 ln L less its minimum, inside the bounds [low, high].

    Each end solves r(θ_j) = sqrt(Δ_j) = z = 1.96 (r is nearly linear in θ_j, exactly so
    for a Gaussian likelihood): from the Wald end the distance doubles until r >= z (or
    the bound is reached with r < z: the end is the bound, flagged), then regula falsi
    on r inside the bracket (bisection where the model is invalid, which counts as
    Δ = inf) until |r - z| < 0.01 z. Returns (lower, upper, lower at bound, upper at bound).
    """
    z = float(np.sqrt(stats.chi2.ppf(PROFILE_LEVEL, 1)))
    k = best.size
    ends = np.empty((2, k))
    flags = np.zeros((2, k), dtype=bool)

    def signed_root(j: int, value: float, start: np.ndarray) -> tuple[float, np.ndarray]:
        deviance, optimum = profiled(j, value, start)
        return (float(np.sqrt(max(deviance - best_deviance, 0.0))) if np.isfinite(deviance) else np.inf), optimum

    for j in range(k):
        step = z * (errors[j] if np.isfinite(errors[j]) and errors[j] > 0 else max(abs(best[j]), 1.0))
        for side, sign in enumerate((-1.0, 1.0)):
            limit = float(low[j] if sign < 0 else high[j])
            inside, r_inside, start = float(best[j]), 0.0, best.copy()
            outside, r_outside = None, np.inf
            for _ in range(iterations):  # expand until the bracket closes
                trial = float(np.clip(inside + sign * step, min(limit, inside), max(limit, inside)))
                r, optimum = signed_root(j, trial, start)
                if r >= z:
                    outside, r_outside = trial, r
                    break
                inside, r_inside, start = trial, r, optimum
                if trial == limit:
                    flags[side, j] = True
                    break
                step *= 2.0
            if outside is not None:
                for _ in range(iterations):  # regula falsi on r = z inside [inside, outside]
                    fraction = (z - r_inside) / (r_outside - r_inside) if np.isfinite(r_outside) else 0.5
                    trial = inside + float(np.clip(fraction, 0.05, 0.95)) * (outside - inside)
                    r, optimum = signed_root(j, trial, start)
                    if abs(r - z) < 0.01 * z:
                        inside = trial
                        break
                    if r < z:
                        inside, r_inside, start = trial, r, optimum
                    else:
                        outside, r_outside = trial, r
            ends[side, j] = inside
    return ends[0], ends[1], flags[0], flags[1]


def distinct_minima(solutions: Sequence[tuple[np.ndarray, float]], errors: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Local optima (θ, -2 ln L) merged where they lie within one standard error
    (``errors``; NaN or zero treated as 1e-6 x |θ| + 1e-12) in every parameter, best first."""
    tolerance = np.where(np.isfinite(errors) & (errors > 0), errors, 0.0)
    merged: list[tuple[np.ndarray, float]] = []
    for values, deviance in sorted(solutions, key=lambda item: item[1]):
        if not np.isfinite(deviance):
            continue
        width = np.maximum(tolerance, 1e-6 * np.abs(values) + 1e-12)
        if not any(np.all(np.abs(values - other) <= width) for other, _ in merged):
            merged.append((values, deviance))
    return merged


def multimodality(names: Sequence[str], minima: list[tuple[np.ndarray, float]]) -> tuple[list[dict[str, object]], list[str]]:
    """Rows of the distinct minima for fit.json and the warning when a second one lies
    within :data:`MULTIMODAL_DEVIANCE` of the best."""
    best = minima[0][1]
    rows = [{"values": dict(zip(names, values.tolist())), "deviance": deviance, "delta_deviance": deviance - best} for values, deviance in minima]
    warnings = []
    if len(minima) > 1 and minima[1][1] - best < MULTIMODAL_DEVIANCE:
        second = ", ".join(f"{n} = {v:.4g}" for n, v in zip(names, minima[1][0]))
        warnings.append(f"a second minimum ({second}) lies within Δ(-2 ln L) = {minima[1][1] - best:.3g} < {MULTIMODAL_DEVIANCE:g} of the best: the data do not single out one optimum")
    return rows, warnings


def _search_box(start: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The box of the global search: the bounds where finite; else start/10 .. 10 start
    (sampled in logarithm) for a parameter bounded below by a positive number, and
    start ± max(2 |start|, 1) otherwise. Returns (lower, upper, logarithmic)."""
    logarithmic = (low > 0) & ~(np.isfinite(high) & (high / np.maximum(low, 1e-300) < 100))
    width = np.maximum(2 * np.abs(start), 1.0)
    lower = np.where(logarithmic, np.maximum(low, start / 10), np.maximum(low, start - width))
    upper = np.where(logarithmic, np.minimum(high, start * 10), np.minimum(high, start + width))
    return lower, upper, logarithmic


def search_points(start: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Scrambled Sobol points (seeded, so fits are reproducible) of the search box."""
    lower, upper, logarithmic = _search_box(start, low, high)
    count = SEARCH_POINTS_PER_PARAMETER * max(start.size, 1)
    unit = stats.qmc.Sobol(start.size, scramble=True, seed=SEARCH_SEED).random(int(2 ** np.ceil(np.log2(count))))
    linear = lower + unit * (upper - lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.exp(np.log(lower) + unit * (np.log(upper) - np.log(lower)))
    return np.where(logarithmic, geometric, linear)
