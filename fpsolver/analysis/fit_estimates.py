"""What profile fits and trajectory inference share: parameter estimates with their
covariance, information criteria, parameter bounds and the model factory protocol.

A fit varies named numeric parameters θ of a model. The model is rebuilt for every θ
by a *factory* ``factory(θ: dict[str, float]) -> Model`` (any parameter can be free:
model keywords, potential and profile parameters), so the fitting code never needs to
know how a model is made.

Uncertainties are Wald intervals from the inverse Fisher information I(θ̂)
(covariance C = I^-1, standard errors sqrt(C_jj), 95% interval θ̂_j ± 1.96 sqrt(C_jj)).
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

__all__ = ["ModelFactory", "ParameterEstimates", "ModelFit", "DataError", "DEFAULT_BOUNDS", "resolve_bounds", "information_criteria", "compare_fits"]

ModelFactory = Callable[[Mapping[str, float]], Model]
"""Builds the model for a set of parameter values (keys: the free parameter names)."""

#: Bounds of model keywords that are not free on the whole real line; a free
#: parameter whose name (the last part of a dotted key) is listed gets these bounds
#: unless others are given. Positive parameters are bounded below by 1e-3 times
#: their starting value (a zero width or friction is not a model).
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {"alpha": (0.0, 1.0)}
POSITIVE = ("sigma", "eta", "kB", "T0", "L", "width", "length", "stiffness")
POSITIVE_FLOOR = 1e-3


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

    @property
    def errors(self) -> np.ndarray:
        """Standard errors sqrt(C_jj)."""
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))

    @property
    def correlation(self) -> np.ndarray:
        """C_jk / sqrt(C_jj C_kk) (zero where an error is zero)."""
        errors = self.errors
        scale = np.outer(errors, errors)
        return np.divide(self.covariance, scale, out=np.zeros_like(self.covariance), where=scale > 0)

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Two-sided Wald interval θ̂ ± z σ with z the normal quantile of ``level``."""
        z = stats.norm.ppf(0.5 + 0.5 * level)
        return self.values - z * self.errors, self.values + z * self.errors

    def __getitem__(self, name: str) -> tuple[float, float]:
        """(value, standard error) of one parameter."""
        index = self.names.index(name)
        return float(self.values[index]), float(self.errors[index])

    def as_dict(self) -> dict[str, object]:
        low, high = self.interval()
        return {
            "names": list(self.names),
            "values": dict(zip(self.names, self.values.tolist())),
            "errors": dict(zip(self.names, self.errors.tolist())),
            "interval_95": {name: [lo, hi] for name, lo, hi in zip(self.names, low.tolist(), high.tolist())},
            "covariance": self.covariance.tolist(),
            "correlation": self.correlation.tolist(),
        }


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
    not determined by the data (singular information)."""
    if information.size == 0:
        return np.zeros((0, 0))
    scale = np.sqrt(np.clip(np.diag(information), 0.0, None))
    if np.any(scale == 0):
        raise ValueError(f"the data do not determine parameter {names[int(np.argmin(scale))]!r} (its Fisher information is zero)")
    normalised = information / np.outer(scale, scale)
    if np.linalg.cond(normalised) > 1e12:
        raise ValueError(f"the data do not determine the parameters {list(names)} separately (singular Fisher information)")
    return np.linalg.inv(normalised) / np.outer(scale, scale)
