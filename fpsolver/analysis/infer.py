"""Drift, diffusion and model parameters from particle trajectories.

Trajectories x(t) sampled every Δt are read as realisations of the overdamped Ito SDE
of the canonical Fokker-Planck equation

    dx = a(x) dt + sqrt(2 D(x)) dW,      a = -A  (drift, length/time).

**Binned Kramers-Moyal estimates** (:func:`kramers_moyal`): over the increments
Δx_k = x_{k+1} - x_k whose start x_k lies in a bin,

    â = <Δx> / Δt ,   D̂ = <Δx^2> / (2 Δt),

with standard errors std(Δx)/(Δt sqrt(n)) and std(Δx^2)/(2 Δt sqrt(n)) (increments are
conditionally independent given their starts). They estimate the average of the field
over the starts in the bin (compare with :func:`bin_averages` of the model, which
removes the binning bias) up to the finite-Δt bias, from the Ito-Taylor expansion
E[f(x_{t+Δt})] = f + Δt L f + Δt^2/2 L^2 f + O(Δt^3) with L f = a f' + D f'':

    E[â] - a = Δt/2 (a a' + D a'') + O(Δt^2)
    E[D̂] - D = Δt/2 (a^2 + a D' + 2 D a' + D D'') + O(Δt^2)

(:func:`kramers_moyal_bias` evaluates both; halving Δt halves them).

Every increment k spans its own elapsed time Δt_k (missing frames, irregular sample
times); the estimates above then average Δx_k/Δt_k and Δx_k^2/(2 Δt_k), and the
likelihood below uses Δt_k for each transition.

**Maximum likelihood** (:func:`fit_trajectories`): the transition density is
approximated by a Gaussian of mean m and variance v,

    ``"euler"``:    m = x + a Δt,                      v = 2 D Δt
    ``"kessler"``:  m = x + a Δt + Δt^2/2 (a a' + D a''),
                    v = 2 D Δt + Δt^2 (a D' + 2 D a' + D D'')

(Kessler, Scand. J. Stat. 24, 211 (1997): the same expansion to second order). The
bias of the estimates is O(Δt) for Euler and O(Δt^2) for Kessler. Coefficients are
tabulated on a uniform grid over the data (``grid_points``; derivatives by second-order
differences) and interpolated linearly, so a likelihood evaluation costs O(n) without
calling the model at every point. The covariance is the inverse expected Fisher
information I_jk = Σ [∂_j m ∂_k m / v + ∂_j v ∂_k v / (2 v^2)].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import linalg, optimize

from fpsolver.analysis import fit_estimates
from fpsolver.analysis.compare import chi2_per_dof
from fpsolver.analysis.fit_estimates import DataError, ModelFactory, ModelFit, ParameterEstimates, compare_fits
from fpsolver.models import Model

__all__ = [
    "TRANSITIONS",
    "Trajectories",
    "trajectories",
    "KramersMoyal",
    "kramers_moyal",
    "bin_averages",
    "kramers_moyal_bias",
    "TrajectoryFit",
    "fit_trajectories",
    "lag_one_noise",
    "simulate_trajectories",
    "compare_fits",
    "chi2_per_dof",
    "DataError",
]

TRANSITIONS = ("euler", "kessler")
DT_TOLERANCE = 1e-6
#: -ln L (less its value at the start) returned where the model cannot be built, so the optimiser steps back
INVALID_NEGATIVE_LOG = 1e12
#: the optimiser stops when the score is below this in units of the standard errors (so θ̂ is within 1e-4 σ)
SCORE_TOLERANCE = 1e-4
#: the same for the optimisations of a likelihood profile (Δ(-2 ln L) to about 1e-4)
PROFILE_TOLERANCE = 1e-2
#: points of the table on which :func:`kramers_moyal_bias` differentiates the model's fields
BIAS_GRID_POINTS = 1025
#: the lag-1 diagnostic flags localization noise when the z-score of the mean product of
#: successive residual increments is below -NOISE_Z
NOISE_Z = 4.0
NOISE_PARAMETER = "noise_variance"
#: observed positions may lie past a wall by this fraction of the domain's length
#: (localization noise near a wall); their moments are those at the wall
OUTSIDE_TOLERANCE = 0.05
Progress = Callable[[str, float, float], None]


@dataclass(frozen=True)
class Trajectories:
    """Increments of one or more trajectories.

    Attributes
    ----------
    starts, ends
        x_k and x_{k+1} of every increment (length), all trajectories together; a
        missing frame inside a trajectory joins the samples on either side of it.
    dt
        Nominal sampling interval (time): the given one, or the median time step.
    lengths
        Number of (finite) points of each trajectory.
    intervals
        Elapsed time of every increment (time): k dt across k - 1 missing frames, or
        the difference of the sample times; default ``dt`` for every increment.
    """

    starts: np.ndarray
    ends: np.ndarray
    dt: float
    lengths: tuple[int, ...]
    intervals: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.intervals is None:
            object.__setattr__(self, "intervals", np.full(self.starts.size, float(self.dt)))

    @property
    def size(self) -> int:
        """Number of increments."""
        return int(self.starts.size)

    @property
    def uniform(self) -> bool:
        """Whether every increment spans one dt (relative tolerance :data:`DT_TOLERANCE`)."""
        return bool(np.all(np.abs(self.intervals - self.dt) <= DT_TOLERANCE * self.dt))

    @property
    def points(self) -> np.ndarray:
        """Every sampled position (length)."""
        return np.concatenate([self.starts, self.ends[np.cumsum(np.array(self.lengths) - 1) - 1]])

    @property
    def successive(self) -> np.ndarray:
        """Indices k of the increments followed by increment k + 1 of the same trajectory."""
        return successive_increments(self.lengths, self.size)


def successive_increments(lengths: tuple[int, ...], size: int) -> np.ndarray:
    """Indices k of the increments followed by increment k + 1 of the same trajectory,
    for trajectories of ``lengths`` points whose ``size`` increments are stored in order."""
    follows = np.ones(size, dtype=bool)
    follows[np.cumsum(np.array(lengths) - 1) - 1] = False
    return np.flatnonzero(follows)


def _samples(x: np.ndarray, t: object | None, ids: object | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Every sample as flat arrays: position, trajectory number, frame number and time
    (None without ``t``). A 2D x has one trajectory per row; a 1D x is split by ``ids``
    or, without them, by its NaN entries (which then are not frames)."""
    times = None
    if t is not None:
        times = np.asarray(t, dtype=float)
        if times.shape != x.shape:
            raise DataError(f"t and x have different shapes ({times.shape} and {x.shape})")
        times = times.ravel()
    if x.ndim == 2:
        rows, columns = np.indices(x.shape)
        return x.ravel(), rows.ravel(), columns.ravel(), times
    frames = np.arange(x.size)
    if ids is None:
        return x, np.cumsum(~np.isfinite(x)), frames, times
    labels = np.asarray(ids)
    if labels.shape != x.shape:
        raise DataError(f"ids and x have different lengths ({labels.size} and {x.size})")
    changes = np.concatenate([[True], labels[1:] != labels[:-1]])
    firsts = labels[changes]
    if np.unique(firsts).size != firsts.size:
        repeated = next(str(label) for label in firsts if np.count_nonzero(firsts == label) > 1)
        index = int(np.flatnonzero(changes & (labels == firsts[firsts == repeated][0]))[1])
        raise DataError(f"the samples of trajectory id {repeated} must be contiguous (sample {index} starts it again)", index)
    return x, np.cumsum(changes) - 1, frames, times


def _increments(x: object, dt: float | None, t: object | None, ids: object | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray, tuple[int, ...]]:
    """The flat positions, the flat indices of every increment's two samples, dt, the
    elapsed times and the points per trajectory (see :func:`trajectories`)."""
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2) or x.size == 0:
        raise DataError(f"trajectories must be a non-empty 1D or 2D array, got shape {x.shape}")
    if ids is not None and x.ndim != 1:
        raise DataError("ids label the samples of a 1D x")
    infinite = np.isinf(x.ravel())
    if np.any(infinite):
        index = int(np.argmax(infinite))
        raise DataError(f"position {index} is infinite", index)
    if dt is not None and (isinstance(dt, bool) or not isinstance(dt, (int, float, np.integer, np.floating)) or not np.isfinite(dt) or dt <= 0):
        raise DataError(f"dt must be a finite number > 0, got {dt!r}")
    flat, group, frame, times = _samples(x, t, ids)
    kept = np.flatnonzero(np.isfinite(flat))
    if kept.size == 0:
        raise DataError("no finite positions in the trajectories")
    if times is not None and not np.all(np.isfinite(times[kept])):
        index = int(kept[np.argmax(~np.isfinite(times[kept]))])
        raise DataError(f"t[{index}] is not finite at a finite position", index)
    linked = group[kept[1:]] == group[kept[:-1]]
    pairs = np.flatnonzero(linked)
    if pairs.size == 0:
        raise DataError("no trajectory has two finite points, so there is no increment")
    first, second = kept[pairs], kept[pairs + 1]
    if times is not None:
        steps = times[second] - times[first]
        if np.any(steps <= 0):
            bad = int(np.argmax(steps <= 0))
            raise DataError(f"times must increase inside a trajectory, but t[{second[bad]}] = {times[second[bad]]:g} follows t[{first[bad]}] = {times[first[bad]]:g}", int(second[bad]))
        median = float(np.median(steps))
        if dt is not None and not abs(float(dt) - median) <= DT_TOLERANCE * median:
            raise DataError(f"dt = {dt!r} differs from the median time step {median:g} of t (give one of them)")
        dt = median if dt is None else dt
    if dt is None:
        raise DataError("give the sampling interval dt (or the sample times t)")
    intervals = steps if times is not None else (frame[second] - frame[first]) * float(dt)
    starts_of = np.concatenate([[True], ~linked])  # kept samples that begin a piece
    pieces = np.diff(np.append(np.flatnonzero(starts_of), kept.size))
    lengths = pieces[pieces > 1]
    return flat, first, second, float(dt), intervals.astype(float), tuple(lengths.tolist())


def trajectories(x: object, *, dt: float | None = None, t: object | None = None, ids: object | None = None) -> Trajectories:
    """Check trajectories and collect their increments.

    Parameters
    ----------
    x
        Positions (length): a 2D array (one trajectory per row; NaN marks a missing
        frame, trailing NaN pad unequal lengths), or a 1D array labelled by ``ids``
        (NaN: a missing frame) or, without ids, separated into trajectories by NaN.
    dt
        Sampling interval (time) between frames; or give ``t``.
    t
        Sample times (same shape as ``x``; increasing inside a trajectory, any
        spacing): each increment spans its time difference. ``dt`` is then the median
        step (a given ``dt`` must agree with it, relative tolerance 1e-6).
    ids
        Trajectory labels of the samples of a 1D ``x``; samples of one label are
        contiguous and in time order.

    A piece with one finite point carries no increment and is left out. An increment
    across m missing frames spans (m + 1) dt.

    Raises
    ------
    DataError
        Naming the first bad sample: inf, a NaN time of a finite position, times not
        increasing, no increments at all, or a dt that is missing, not positive or not
        the median time step.
    """
    flat, first, second, dt, intervals, lengths = _increments(x, dt, t, ids)
    if np.all(flat[second] == flat[first]):
        raise DataError("every increment is zero (constant trajectories): they determine no drift or diffusion")
    return Trajectories(starts=flat[first], ends=flat[second], dt=dt, lengths=lengths, intervals=intervals)


@dataclass(frozen=True)
class KramersMoyal:
    """Binned drift and diffusion estimates (see the module docstring).

    Attributes
    ----------
    edges, centres
        Bin edges and centres (length).
    counts
        Increments per bin.
    drift, drift_error
        â = <Δx>/Δt and its standard error (length/time); NaN in bins with too few increments.
    diffusion, diffusion_error
        D̂ = <Δx^2>/(2 Δt) and its standard error (length^2/time).
    mean_position
        Mean start position in each bin (length).
    diffusion_robust, diffusion_robust_error
        The localization-noise-robust covariance estimate (length^2/time; Vestergaard,
        Blainey and Flyvbjerg, Phys. Rev. E 89, 022726 (2014)), over the increments k
        followed by an increment k + 1 of the same trajectory and elapsed time:
        D̂_cve = <Δx_k^2 + 2 Δx_k Δx_{k+1}> / (2 Δt). Noise ε adds +2σ² to <Δx_k^2> and
        -σ² to <Δx_k Δx_{k+1}>, which cancel; its standard error takes the terms as
        independent (they are correlated at lag 1, so it is a slight underestimate).
    """

    edges: np.ndarray
    centres: np.ndarray
    counts: np.ndarray
    drift: np.ndarray
    drift_error: np.ndarray
    diffusion: np.ndarray
    diffusion_error: np.ndarray
    mean_position: np.ndarray
    diffusion_robust: np.ndarray | None = None
    diffusion_robust_error: np.ndarray | None = None

    @property
    def used(self) -> np.ndarray:
        """Bins with an estimate."""
        return np.isfinite(self.drift)


def _bin_index(data: Trajectories, edges: np.ndarray) -> np.ndarray:
    index = np.searchsorted(edges, data.starts, side="right") - 1
    index[data.starts == edges[-1]] = edges.size - 2
    return index


def kramers_moyal(data: Trajectories, bins: int | np.ndarray = 20, *, min_count: int = 20) -> KramersMoyal:
    """Binned Kramers-Moyal drift and diffusion estimates.

    Parameters
    ----------
    data
        From :func:`trajectories`.
    bins
        Number of equal bins over the range of the starts, or increasing bin edges.
    min_count
        Bins with fewer increments report NaN.
    """
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"'bins' must be >= 1, got {bins}")
        edges = np.linspace(data.starts.min(), data.starts.max(), int(bins) + 1)
    else:
        edges = np.asarray(bins, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0) or not np.all(np.isfinite(edges)):
            raise ValueError("'bins' must be a positive integer or at least 2 strictly increasing finite edges")
    all_index = _bin_index(data, edges)
    inside = (all_index >= 0) & (all_index < edges.size - 1)
    steps = data.ends - data.starts
    index, step, start, elapsed = all_index[inside], steps[inside], data.starts[inside], data.intervals[inside]
    n_bins = edges.size - 1
    counts = np.bincount(index, minlength=n_bins).astype(float)
    few = counts < max(int(min_count), 2)

    def moments(bins: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        number = np.bincount(bins, minlength=n_bins).astype(float)
        total = np.bincount(bins, weights=values, minlength=n_bins)
        squares = np.bincount(bins, weights=values * values, minlength=n_bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / number
            variance = (squares - number * mean**2) / (number - 1)
            error = np.sqrt(np.clip(variance, 0.0, None) / number)
        mean[few | (number < 2)] = error[few | (number < 2)] = np.nan
        return mean, error

    drift, drift_error = moments(index, step / elapsed)
    diffusion, diffusion_error = moments(index, step * step / (2 * elapsed))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_position = np.bincount(index, weights=start, minlength=n_bins) / counts
    mean_position[few] = np.nan
    pairs = data.successive
    pairs = pairs[inside[pairs] & (np.abs(data.intervals[pairs + 1] - data.intervals[pairs]) <= DT_TOLERANCE * data.intervals[pairs])]
    robust_values = (steps[pairs] ** 2 + 2 * steps[pairs] * steps[pairs + 1]) / (2 * data.intervals[pairs])
    robust, robust_error = moments(all_index[pairs], robust_values)
    return KramersMoyal(edges, 0.5 * (edges[1:] + edges[:-1]), counts, drift, drift_error, diffusion, diffusion_error, mean_position, robust, robust_error)


def bin_averages(model: Model, data: Trajectories, edges: np.ndarray, domain: tuple[float, float], *, finite_dt: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The model's drift a = -A (length/time) and D (length^2/time) averaged over the
    increment starts in each bin: what the binned estimates estimate as Δt -> 0.

    With ``finite_dt`` the first-order finite-Δt biases at the data's Δt
    (:func:`kramers_moyal_bias`) are added to every start's value, so the result is
    E[â] and E[D̂] up to O(Δt^2).
    """
    index = _bin_index(data, edges)
    inside = (index >= 0) & (index < edges.size - 1)
    starts = data.starts[inside]
    coefficients = model.coefficients(starts, domain)
    drift_values, diffusion_values = -coefficients.A, coefficients.D
    if finite_dt:
        drift_bias, diffusion_bias = kramers_moyal_bias(model, starts, data.intervals[inside], domain)
        drift_values, diffusion_values = drift_values + drift_bias, diffusion_values + diffusion_bias
    counts = np.bincount(index[inside], minlength=edges.size - 1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        drift = np.bincount(index[inside], weights=drift_values, minlength=edges.size - 1) / counts
        diffusion = np.bincount(index[inside], weights=diffusion_values, minlength=edges.size - 1) / counts
    return drift, diffusion


@dataclass(frozen=True)
class _Table:
    """Drift a = -A, D and the derivatives a', a'', D', D'' on a uniform grid."""

    grid: np.ndarray
    a: np.ndarray
    da: np.ndarray
    d2a: np.ndarray
    D: np.ndarray
    dD: np.ndarray
    d2D: np.ndarray


def _table(model: Model, grid: np.ndarray, domain: tuple[float, float]) -> _Table:
    coefficients = model.coefficients(grid, domain)
    a, D, dD = -coefficients.A, coefficients.D, coefficients.dD
    da = np.gradient(a, grid, edge_order=2)
    return _Table(grid, a, da, np.gradient(da, grid, edge_order=2), D, dD, np.gradient(dD, grid, edge_order=2))


def kramers_moyal_bias(model: Model, x: np.ndarray, dt: float | np.ndarray, domain: tuple[float, float], *, grid_points: int = BIAS_GRID_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """First-order finite-Δt biases of â (length/time) and D̂ (length^2/time) at the
    points ``x`` (``dt``: one interval, or one per point):

        Δt/2 (a a' + D a''),    Δt/2 (a^2 + a D' + 2 D a' + D D'')     (module docstring)

    evaluated on a uniform table of ``grid_points`` over the range of ``x`` (a', a'', D''
    by second-order differences) and interpolated linearly to ``x`` (any order).
    """
    x = np.asarray(x, dtype=float)
    margin = 1e-6 * (domain[1] - domain[0])
    grid = np.linspace(max(domain[0], float(x.min()) - margin), min(domain[1], float(x.max()) + margin), int(grid_points))
    t = _table(model, grid, domain)
    interpolate = _Interpolation(grid, x)
    drift_bias = 0.5 * (t.a * t.da + t.D * t.d2a)
    diffusion_bias = 0.5 * (t.a**2 + t.a * t.dD + 2 * t.D * t.da + t.D * t.d2D)
    return dt * interpolate(drift_bias), dt * interpolate(diffusion_bias)


class _Interpolation:
    """Linear interpolation from a fixed uniform grid to fixed points (weights computed once)."""

    def __init__(self, grid: np.ndarray, x: np.ndarray) -> None:
        position = (x - grid[0]) / (grid[1] - grid[0])
        self.index = np.clip(position.astype(np.int64), 0, grid.size - 2)
        self.weight = position - self.index

    def __call__(self, values: np.ndarray) -> np.ndarray:
        left = values[self.index]
        return left + self.weight * (values[self.index + 1] - left)


@dataclass
class _Likelihood:
    """Gaussian transition density of the chosen scheme for parameter vectors."""

    factory: ModelFactory
    names: tuple[str, ...]
    data: Trajectories
    domain: tuple[float, float]
    transition: str
    grid: np.ndarray
    evaluations: int = 0
    progress: Progress | None = None

    def __post_init__(self) -> None:
        self.interpolate = _Interpolation(self.grid, np.clip(self.data.starts, self.grid[0], self.grid[-1]))  # a start past a wall: the wall's value
        self.step = self.data.ends - self.data.starts
        self.h = self.data.dt if self.data.uniform else self.data.intervals

    def moments(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean increment m - x and variance v of every transition."""
        self.evaluations += 1
        if self.progress is not None:
            self.progress("likelihood evaluations", self.evaluations, max(self.evaluations, 100))
        t = _table(fit_estimates.build_model(self.factory, self.names, theta), self.grid, self.domain)
        h = self.h
        if self.transition == "euler":
            return self.interpolate(t.a) * h, self.interpolate(t.D) * (2 * h)
        mean_correction, variance_correction = 0.5 * (t.a * t.da + t.D * t.d2a), t.a * t.dD + 2 * t.D * t.da + t.D * t.d2D
        if np.ndim(h) == 0:  # one table per moment: two interpolations instead of four
            mean = self.interpolate(t.a * h + h**2 * mean_correction)
            # v = 2 D h (1 + O(h)); keep it >= D h where h is too coarse for the expansion
            return mean, self.interpolate(np.maximum(2 * t.D * h + h**2 * variance_correction, t.D * h))
        D = self.interpolate(t.D)
        mean = self.interpolate(t.a) * h + h**2 * self.interpolate(mean_correction)
        return mean, np.maximum(2 * D * h + h**2 * self.interpolate(variance_correction), D * h)

    def negative_log(self, theta: np.ndarray) -> float:
        mean, variance = self.moments(theta)
        return float(0.5 * np.sum((self.step - mean) ** 2 / variance + np.log(2 * np.pi * variance)))

    def _derivatives(self, theta: np.ndarray, low: np.ndarray, high: np.ndarray, central: bool) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """m, v and their derivatives by θ_j (central differences, or forward ones:
        one moment evaluation per parameter; one-sided at a bound)."""
        back, forward = fit_estimates.derivative_steps(theta, low, high, relative=1e-4 if central else 1e-6)
        mean, variance = self.moments(theta)
        dm, dv = [], []
        for j in range(theta.size):
            if not central:
                back[j], forward[j] = (0.0, forward[j]) if forward[j] > 0 else (back[j], 0.0)
            plus, minus = theta.copy(), theta.copy()
            plus[j] += forward[j]
            minus[j] -= back[j]
            (m_plus, v_plus) = self.moments(plus) if forward[j] > 0 else (mean, variance)
            (m_minus, v_minus) = self.moments(minus) if back[j] > 0 else (mean, variance)
            dm.append((m_plus - m_minus) / (forward[j] + back[j]))
            dv.append((v_plus - v_minus) / (forward[j] + back[j]))
        return mean, variance, dm, dv

    def value_and_score(self, theta: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[float, np.ndarray]:
        """-ln L and its gradient Σ [-r ∂m/v + ∂v (v - r^2)/(2 v^2)], r = Δx - m (forward differences of m and v)."""
        mean, variance, dm, dv = self._derivatives(theta, low, high, central=False)
        residual = self.step - mean
        value = float(0.5 * np.sum(residual**2 / variance + np.log(2 * np.pi * variance)))
        weight_mean, weight_variance = residual / variance, 0.5 * (variance - residual**2) / variance**2
        return value, np.array([np.sum(-weight_mean * m_j + weight_variance * v_j) for m_j, v_j in zip(dm, dv)])

    def information(self, theta: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Expected Fisher information Σ [∂_j m ∂_k m / v + ∂_j v ∂_k v / (2 v^2)] (central differences)."""
        _, variance, dm, dv = self._derivatives(theta, low, high, central=True)
        information = np.empty((theta.size, theta.size))
        for j in range(theta.size):
            for k in range(j, theta.size):
                value = np.sum(dm[j] * dm[k] / variance + dv[j] * dv[k] / (2 * variance**2))
                information[j, k] = information[k, j] = value
        return information


@dataclass(frozen=True)
class TrajectoryFit(ModelFit):
    """The result of :func:`fit_trajectories`: the fields of every :class:`ModelFit`
    (ln L of the increments under the transition density ``transition``; k = number of
    free parameters, n = increments; ``evaluations`` counts likelihood evaluations) and

    Attributes
    ----------
    n_transitions, dt, transition
        Data size, sampling interval and transition density used.
    noise
        The lag-1 diagnostic of the residual increments (:func:`lag_one_noise`).
    minima, warnings
        Distinct local optima found by the global search (values, -2 ln L) and warnings
        (a competing second minimum, localization noise detected but not modelled).
    """

    n_transitions: int
    dt: float
    transition: str
    noise: dict[str, float] = field(default_factory=dict)
    minima: tuple[dict[str, object], ...] = ()
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Plain data for fit.json."""
        extra = {"n_transitions": self.n_transitions, "dt": self.dt, "noise_diagnostic": self.noise, "minima": list(self.minima), "warnings": list(self.warnings)}
        return {"transition": self.transition, **super().as_dict(), **extra}


def lag_one_noise(data: Trajectories, residuals: np.ndarray) -> dict[str, float]:
    """Localization-noise diagnostic from residual increments r_k = Δx_k - m_k.

    Under the model, successive residuals of one trajectory are uncorrelated (m_k is
    the conditional mean); a position noise of variance σ² adds ε_{k+1} - ε_k to every
    increment, so E[r_k r_{k+1}] = -σ². Returns the lag-1 correlation, the z-score of
    the mean product (its standard error from the products' spread) and
    σ̂² = max(-mean product, 0) (length²); ``detected`` is 1.0 when z < -:data:`NOISE_Z`.
    """
    pairs = data.successive
    if pairs.size < 10:
        return {"pairs": float(pairs.size), "lag1_correlation": float("nan"), "z": float("nan"), "variance": float("nan"), "detected": 0.0}
    products = (residuals[..., pairs] * residuals[..., pairs + 1]).ravel()  # every coordinate of nD tracks
    mean, spread = float(products.mean()), float(products.std(ddof=1))
    z = mean / (spread / np.sqrt(products.size)) if spread > 0 else 0.0
    correlation = mean / float(np.mean(residuals**2))
    return {"pairs": float(pairs.size), "lag1_correlation": correlation, "z": z, "variance": max(-mean, 0.0), "detected": float(z < -NOISE_Z)}


def fit_trajectories(
    factory: ModelFactory,
    initial: Mapping[str, float],
    data: Trajectories,
    *,
    domain: tuple[float, float],
    transition: str = "kessler",
    bounds: Mapping[str, tuple[float, float]] | None = None,
    grid_points: int = 2049,
    noise: bool = False,
    intervals: str = "profile",
    progress: Progress | None = None,
) -> TrajectoryFit:
    """Maximum-likelihood fit of the free parameters ``initial`` to trajectories.

    Parameters
    ----------
    factory
        ``factory(values) -> Model``.
    initial
        Starting values of the free parameters (may be empty: the likelihood of the
        model as it is, for model comparison).
    data
        From :func:`trajectories`; positions lie in ``domain`` or past a wall by at most
        :data:`OUTSIDE_TOLERANCE` of its length (localization noise; the transition
        moments of such a start are those at the wall).
    domain
        The model's interval.
    transition
        ``"kessler"`` (default, bias O(Δt^2)) or ``"euler"`` (bias O(Δt)).
    bounds
        Optional (low, high) per parameter (defaults as for :func:`fpsolver.fit.fit_profile`).
    grid_points
        Points of the coefficient table over the range of the data.
    noise
        Fit a localization-noise variance σ² >= 0 (length², parameter
        ``noise_variance``) with the model: observed positions x_k + ε_k, ε_k ~ N(0, σ²)
        independent. The increments of one trajectory are then jointly Gaussian with
        covariance v_k + 2σ² on the diagonal and -σ² between successive increments (a
        tridiagonal matrix per trajectory; its Cholesky factor gives the exact Gaussian
        likelihood in O(n)). Approximation: the transition moments m_k, v_k are evaluated
        at the observed (noisy) starts, which is exact for a linear drift and constant D
        and otherwise adds an O(σ²) error relative to the spatial variation of a and D.
    intervals
        ``"profile"`` (default): 95% profile-likelihood intervals inside the bounds;
        ``"wald"``: θ̂ ± 1.96 σ from the Fisher information.
    progress
        ``progress(task, done, total)`` called at each likelihood evaluation.

    Search: the likelihood is screened at scrambled Sobol points of the parameter box
    (as for profile fits); local optimisations start from ``initial`` and from the best
    screened point. Local optimiser: :func:`scipy.optimize.minimize` (L-BFGS-B) in
    coordinates scaled by the standard errors at the starting point, with the score
    Σ [-r ∂m/v + ∂v (v - r^2)/(2 v^2)] (r = Δx - m; ∂m, ∂v by forward differences) as
    gradient without noise (numerical gradients with it); it stops when the scaled score
    is below :data:`SCORE_TOLERANCE`. Without noise, the covariance is the inverse
    expected Fisher information; with noise, the inverse observed information (central
    second differences of -ln L).
    """
    if not isinstance(data, Trajectories):
        raise TypeError("data must come from fpsolver.infer.trajectories(...)")
    if transition not in TRANSITIONS:
        raise ValueError(f"transition must be one of {TRANSITIONS}, got {transition!r}")
    if intervals not in ("profile", "wald"):
        raise ValueError(f"intervals must be 'profile' or 'wald', got {intervals!r}")
    start = fit_estimates.check_initial(initial)
    names = tuple(start)
    low, high = fit_estimates.resolve_bounds(start, bounds)
    domain = (float(domain[0]), float(domain[1]))
    points = np.concatenate([data.starts, data.ends])
    lowest, highest = float(points.min()), float(points.max())
    allowed = OUTSIDE_TOLERANCE * (domain[1] - domain[0])
    if lowest < domain[0] - allowed or highest > domain[1] + allowed:
        raise DataError(f"positions span [{lowest:g}, {highest:g}], outside the domain [{domain[0]:g}, {domain[1]:g}] by more than {OUTSIDE_TOLERANCE:.0%} of its length")
    margin = 1e-9 * (domain[1] - domain[0])
    grid = np.linspace(max(domain[0], lowest - margin), min(domain[1], highest + margin), int(grid_points))
    likelihood = _Likelihood(factory, names, data, domain, transition, grid, progress=progress)
    return _maximise(factory, likelihood, np.array(list(start.values()), dtype=float), low, high, noise=noise, intervals=intervals)


def _maximise(factory: ModelFactory, likelihood: _Likelihood, theta0: np.ndarray, low: np.ndarray, high: np.ndarray, *, noise: bool, intervals: str) -> TrajectoryFit:
    """The search, optimisation, intervals and diagnostics of :func:`fit_trajectories`
    (and of :func:`fpsolver.analysis.infer_nd.fit_tracks`) for a built likelihood."""
    data, names, transition = likelihood.data, likelihood.names, likelihood.transition
    if noise:
        names = (*names, NOISE_PARAMETER)
        theta0 = np.append(theta0, 0.0)
        low, high = np.append(low, 0.0), np.append(high, np.inf)
    model_count = len(names) - int(noise)
    search = _Search(likelihood, model_count, low, high)
    best, value, success, message, solutions = theta0, search.negative_log(theta0), True, "no free parameters", []
    if model_count:  # the global search of the model parameters (without noise: analytic scores)
        plain = _Search(likelihood, model_count, low[:model_count], high[:model_count])
        model_start = theta0[:model_count]
        scale = plain.scales(model_start)
        screened = [(point, plain.negative_log(point)) for point in fit_estimates.search_points(model_start, low[:model_count], high[:model_count])]
        candidates = [point for point, score in sorted(screened, key=lambda item: item[1]) if np.isfinite(score)][:1]
        solutions = [plain.minimise(point, scale) for point in [model_start, *candidates]]
        best, value, solution = min(solutions, key=lambda item: item[1])
        success, message = bool(solution.success), str(solution.message)
    if noise:  # from the noise-free optimum and the lag-1 estimate of σ², every parameter together
        residual = likelihood.step - likelihood.moments(best[:model_count])[0]
        start_noise = max(lag_one_noise(data, residual)["variance"], 1e-6 * float(np.mean(residual**2)))
        best, value, solution = search.minimise(np.append(best[:model_count], start_noise), search.scales(np.append(best[:model_count], start_noise)))
        solutions = [(best, value, solution)]
        success, message = bool(solution.success), str(solution.message)
    information = search.information(best) if names else np.zeros((0, 0))
    covariance, combinations = fit_estimates.identifiability(information, names, best)
    estimates = ParameterEstimates(names, best.copy(), covariance, combinations=combinations)
    minima = fit_estimates.distinct_minima([(theta, 2 * score) for theta, score, _ in solutions], estimates.errors) if solutions else []
    rows, warnings = fit_estimates.multimodality(names, minima) if minima else ([], [])
    if names and intervals == "profile" and not combinations:
        scale = np.where(np.isfinite(estimates.errors) & (estimates.errors > 0), estimates.errors, search.scales(best))

        def profiled(j: int, fixed: float, begin: np.ndarray) -> tuple[float, np.ndarray]:
            # start from the Gaussian approximation's conditional optimum given θ_j
            guess = np.clip(best + (fixed - best[j]) * covariance[:, j] / covariance[j, j], low, high)
            if search.negative_log(guess) > search.negative_log(np.where(np.arange(begin.size) == j, fixed, begin)):
                guess = begin.copy()
            guess[j] = fixed
            optimum, least, _ = search.minimise(guess, scale, fixed=j, tolerance=PROFILE_TOLERANCE)
            return 2 * least, optimum

        lower, upper, low_flags, high_flags = fit_estimates.profile_intervals(profiled, best, 2 * value, estimates.errors, low, high)
        estimates = replace(estimates, profile=(lower, upper), at_bound=(low_flags, high_flags))
    diagnostic = lag_one_noise(data, likelihood.step - likelihood.moments(best[:model_count])[0])
    if diagnostic["detected"] and not noise:
        warnings.append(
            f"successive increments are anti-correlated (lag-1 correlation {diagnostic['lag1_correlation']:.3g}, z = {diagnostic['z']:.3g}): "
            f"localization noise of variance about {diagnostic['variance']:.3g} biases D and the drift; fit it with noise=True (--noise)"
        )
    factory_names = names[:model_count]
    model_estimates = ParameterEstimates(factory_names, best[:model_count], covariance[:model_count, :model_count])
    outcome = fit_estimates.fit_outcome(factory, model_estimates, -value, len(names), data.size, success=success, message=message, evaluations=likelihood.evaluations)
    outcome["parameters"] = estimates
    return TrajectoryFit(**outcome, n_transitions=data.size, dt=data.dt, transition=transition, noise=diagnostic, minima=tuple(rows), warnings=tuple(warnings))


@dataclass
class _Search:
    """-ln L of (model parameters, [σ²]) with the optimiser, the information and the
    profiles built on it (see :func:`fit_trajectories`)."""

    likelihood: _Likelihood
    model_count: int
    low: np.ndarray
    high: np.ndarray

    def __post_init__(self) -> None:
        self.noise = self.low.size > self.model_count
        self.pairs = self.likelihood.data.successive

    def negative_log(self, theta: np.ndarray) -> float:
        """-ln L (+inf where the model cannot be built)."""
        try:
            mean, variance = self.likelihood.moments(theta[: self.model_count])
        except ValueError:
            return np.inf
        residual = self.likelihood.step - mean
        if not self.noise:
            return float(0.5 * np.sum(residual**2 / variance + np.log(2 * np.pi * variance)))
        return _correlated_negative_log(residual, variance, float(theta[-1]), self.pairs)

    def scales(self, theta: np.ndarray) -> np.ndarray:
        """Standard errors at ``theta`` from the (pseudo-)inverse information; 10% of the
        value (or 1e-3) where a direction is not determined."""
        information = self.information(theta)
        information = np.where(np.isfinite(information), information, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            errors = np.sqrt(np.clip(np.diag(np.linalg.pinv(information)), 0.0, None))
        fallback = np.maximum(0.1 * np.abs(theta), 1e-3)
        return np.where(np.isfinite(errors) & (errors > 0), errors, fallback)

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Expected Fisher information without noise, observed information (central
        second differences of -ln L, steps 1e-3 of the scale) with it."""
        if not self.noise:
            return self.likelihood.information(theta, self.low, self.high)
        steps = 1e-3 * np.maximum(np.abs(theta), np.append(np.full(self.model_count, 1e-2), 1e-6))
        # a parameter on (or within a step of) its bound: the stencil's centre moves inside by one step
        theta = np.where(theta - steps < self.low, self.low + steps, np.where(theta + steps > self.high, self.high - steps, theta))
        k = theta.size
        hessian = np.empty((k, k))
        centre = self.negative_log(theta)

        def at(shift: dict[int, float]) -> float:
            point = theta.copy()
            for index, amount in shift.items():
                point[index] += amount * steps[index]
            return self.negative_log(point)

        for j in range(k):
            hessian[j, j] = (at({j: 1.0}) - 2 * centre + at({j: -1.0})) / steps[j] ** 2
            for m in range(j + 1, k):
                corners = at({j: 1.0, m: 1.0}) - at({j: 1.0, m: -1.0}) - at({j: -1.0, m: 1.0}) + at({j: -1.0, m: -1.0})
                hessian[j, m] = hessian[m, j] = corners / (4 * steps[j] * steps[m])
        return hessian

    def minimise(self, theta: np.ndarray, scale: np.ndarray, fixed: int | None = None, tolerance: float = SCORE_TOLERANCE) -> tuple[np.ndarray, float, object]:
        """L-BFGS-B from ``theta`` over every parameter but ``fixed``, in coordinates z
        with θ = theta + scale z, until the scaled score is below ``tolerance``."""
        free = np.array([j for j in range(theta.size) if j != fixed], dtype=int)
        if free.size == 0:
            return theta, self.negative_log(theta), None
        baseline = self.negative_log(theta)
        baseline = baseline if np.isfinite(baseline) else 0.0
        low, high = self.low[free], self.high[free]

        def point(z: np.ndarray) -> np.ndarray:
            full = theta.copy()
            full[free] = np.clip(theta[free] + scale[free] * z, low, high)
            return full

        def objective(z: np.ndarray):
            full = point(z)
            if self.noise:
                value = self.negative_log(full)
                return (value - baseline) if np.isfinite(value) else INVALID_NEGATIVE_LOG
            try:
                value, score = self.likelihood.value_and_score(full, self.low, self.high)
            except ValueError:
                return INVALID_NEGATIVE_LOG, np.zeros(z.size)
            return value - baseline, scale[free] * score[free]

        solution = optimize.minimize(
            objective,
            np.zeros(free.size),
            jac=not self.noise,
            method="L-BFGS-B",
            bounds=list(zip((low - theta[free]) / scale[free], (high - theta[free]) / scale[free])),
            options={"ftol": 1e-12 if tolerance == SCORE_TOLERANCE else 1e-10, "gtol": tolerance, "maxiter": 200},
        )
        best = point(solution.x)
        return best, self.negative_log(best), solution


def _correlated_negative_log(residual: np.ndarray, variance: np.ndarray, noise: float, pairs: np.ndarray) -> float:
    """-ln L of residual increments with covariance diag(v + 2σ²) and -σ² between the
    successive increments ``pairs`` (k, k + 1): banded Cholesky factor U (U^T U = Σ),
    -ln L = ½ (|U^-T r|² + 2 Σ ln U_kk + n ln 2π)."""
    n = residual.size
    banded = np.zeros((2, n))
    banded[1] = variance + 2.0 * noise
    upper = np.zeros(n)
    upper[pairs + 1] = -noise
    banded[0] = upper
    try:
        factor = linalg.cholesky_banded(banded, lower=False, check_finite=False)
    except linalg.LinAlgError:
        return np.inf
    lower = np.vstack([factor[1], np.append(factor[0, 1:], 0.0)])  # U^T, lower bidiagonal
    whitened = linalg.solve_banded((1, 0), lower, residual, check_finite=False)
    return float(0.5 * (whitened @ whitened) + np.sum(np.log(factor[1])) + 0.5 * n * np.log(2 * np.pi))


def simulate_trajectories(
    model: Model, mesh, n_trajectories: int, n_points: int, dt: float, *, substeps: int = 10, seed: int = 0, x0: float | np.ndarray | None = None, burn_in: float = 0.0
) -> np.ndarray:
    """Trajectories of ``model`` sampled every ``dt``, made by fpsolver's ensembles.

    Each sampling interval is one :func:`fpsolver.ensembles.run_ensemble` call
    (Platen's weak order 2 scheme, ``substeps`` steps of dt/substeps, reflecting walls
    at the mesh's ends) continuing from the previous positions; interval k uses the
    seed drawn from ``numpy.random.SeedSequence([seed, k])``, so the result is
    reproducible. ``x0``: one start for all, one per trajectory, or (default) spread
    evenly over the domain; ``burn_in`` (time) is run before the first sample.

    Returns
    -------
    numpy.ndarray
        Positions of shape (n_trajectories, n_points) (length).
    """
    from fpsolver.ensembles import run_ensemble
    from fpsolver.meshes import extent

    for name, value in (("n_trajectories", n_trajectories), ("n_points", n_points), ("substeps", substeps)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"'{name}' must be an integer >= 1, got {value!r}")
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"'dt' must be finite and > 0, got {dt!r}")
    low, high = extent(mesh)
    if x0 is None:
        current = low + (high - low) * (np.arange(n_trajectories) + 0.5) / n_trajectories
    else:
        current = np.broadcast_to(np.asarray(x0, dtype=float), (n_trajectories,)).copy()

    def advance(positions: np.ndarray, duration: float, k: int) -> np.ndarray:
        steps = max(int(round(duration / dt * substeps)), 1)
        stream = int(np.random.SeedSequence([seed, k]).generate_state(1)[0])
        return run_ensemble(
            model, mesh, n_trajectories, duration / steps, duration, scheme="weak2", burn_in=0.0, seed=stream, x0=positions, record_every=steps, sample_interval=duration, chunk_size=256
        ).final_x

    if burn_in > 0:
        current = advance(current, burn_in, n_points)
    positions = np.empty((n_trajectories, n_points))
    positions[:, 0] = current
    for k in range(1, n_points):
        current = advance(current, dt, k)
        positions[:, k] = current
    return positions
