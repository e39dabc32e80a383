"""Drift and diffusion maps and model fits from 2D or 3D tracks.

Tracks r(t) = (x, y[, z]) are read as realisations of the overdamped Ito SDE with an
isotropic diffusion coefficient (the models' nD form),

    dr = a(r) dt + sqrt(2 D(r)) dW,      a = -A  (drift vector, length/time).

**Binned maps** (:func:`kramers_moyal_map`): over the increments Δr_k whose start lies
in a cell of a rectangular grid, â = <Δr/Δt_k> per component and
D̂ = <|Δr|^2 / (2 d Δt_k)> (d the dimension), with standard errors from the spread;
bias O(Δt) as in 1D.

**Maximum likelihood** (:func:`fit_tracks`): Euler's Gaussian transition density,
mean r + a Δt_k and covariance 2 D Δt_k I, with a and D from the model at every start
(bias O(Δt); Kessler's second-order moments are 1D only). The search, the 95%
profile-likelihood intervals, the identifiability report, the multimodality warning
and the lag-1 noise diagnostic (every coordinate's residual increments) are those of
:func:`fpsolver.analysis.infer.fit_trajectories`. Gaps, missing frames and irregular
times are handled as in 1D (:func:`tracks`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from fpsolver.analysis import fit_estimates
from fpsolver.analysis.fit_estimates import DataError, ModelFactory
from fpsolver.analysis.infer import DT_TOLERANCE, Progress, TrajectoryFit, _increments, _Likelihood, _maximise, successive_increments

__all__ = ["Tracks", "tracks", "KramersMoyalMap", "kramers_moyal_map", "fit_tracks"]


@dataclass(frozen=True)
class Tracks:
    """Increments of tracks in d = 2 or 3 dimensions.

    Attributes
    ----------
    starts, ends
        Start and end of every increment, shape (d, n) (length).
    dt
        Nominal sampling interval (time).
    lengths
        Points of each track.
    intervals
        Elapsed time of every increment (time).
    """

    starts: np.ndarray
    ends: np.ndarray
    dt: float
    lengths: tuple[int, ...]
    intervals: np.ndarray

    @property
    def size(self) -> int:
        """Number of increments."""
        return int(self.starts.shape[1])

    @property
    def dimension(self) -> int:
        return int(self.starts.shape[0])

    @property
    def uniform(self) -> bool:
        return bool(np.all(np.abs(self.intervals - self.dt) <= DT_TOLERANCE * self.dt))

    @property
    def successive(self) -> np.ndarray:
        """Indices k of the increments followed by increment k + 1 of the same track."""
        return successive_increments(self.lengths, self.size)


def tracks(coordinates: Sequence[object], *, dt: float | None = None, t: object | None = None, ids: object | None = None) -> Tracks:
    """Check tracks given as one array per coordinate (each shaped like the ``x`` of
    :func:`fpsolver.analysis.infer.trajectories`: 1D with ``ids`` or NaN separators, or
    2D with one track per row) and collect their increments. A sample is missing when
    any of its coordinates is NaN.

    Raises
    ------
    DataError
        As :func:`fpsolver.analysis.infer.trajectories`, and for coordinates of different
        shapes or a dimension other than 2 or 3.
    """
    arrays = [np.asarray(c, dtype=float) for c in coordinates]
    if len(arrays) not in (2, 3):
        raise DataError(f"tracks need 2 or 3 coordinates, got {len(arrays)}")
    if any(a.shape != arrays[0].shape for a in arrays):
        raise DataError(f"the coordinates have different shapes ({', '.join(str(a.shape) for a in arrays)})")
    for a in arrays:
        if np.any(np.isinf(a)):
            index = int(np.argmax(np.isinf(a.ravel())))
            raise DataError(f"position {index} is infinite", index)
    missing = np.any([np.isnan(a) for a in arrays], axis=0)
    _, first, second, dt, intervals, lengths = _increments(np.where(missing, np.nan, arrays[0]), dt, t, ids)
    flat = np.array([a.ravel() for a in arrays])
    starts, ends = flat[:, first], flat[:, second]
    if np.all(starts == ends):
        raise DataError("every increment is zero (constant tracks): they determine no drift or diffusion")
    return Tracks(starts=starts, ends=ends, dt=dt, lengths=lengths, intervals=intervals)


@dataclass(frozen=True)
class KramersMoyalMap:
    """Binned drift (shape ``(d, *cells)``) and isotropic D (shape ``cells``) with standard errors; NaN in
    cells with too few increments. ``edges``: one array of bin edges per axis."""

    edges: tuple[np.ndarray, ...]
    counts: np.ndarray
    drift: np.ndarray
    drift_error: np.ndarray
    diffusion: np.ndarray
    diffusion_error: np.ndarray

    @property
    def centres(self) -> tuple[np.ndarray, ...]:
        return tuple(0.5 * (e[1:] + e[:-1]) for e in self.edges)


def kramers_moyal_map(data: Tracks, edges: Sequence[np.ndarray], *, min_count: int = 20) -> KramersMoyalMap:
    """Binned drift and diffusion maps on the grid with bin ``edges`` per axis (see the
    module docstring)."""
    edges = tuple(np.asarray(e, dtype=float) for e in edges)
    if len(edges) != data.dimension or any(e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) for e in edges):
        raise ValueError(f"edges must be {data.dimension} arrays of at least 2 increasing bin edges")
    shape = tuple(e.size - 1 for e in edges)
    indices = [np.searchsorted(e, data.starts[axis], side="right") - 1 for axis, e in enumerate(edges)]
    inside = np.all([(i >= 0) & (i < n) for i, n in zip(indices, shape)], axis=0)
    cell = np.ravel_multi_index([i[inside] for i in indices], shape)
    size = int(np.prod(shape))
    steps = (data.ends - data.starts)[:, inside]
    elapsed = data.intervals[inside]
    counts = np.bincount(cell, minlength=size).astype(float)
    few = counts < max(int(min_count), 2)

    def moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        total = np.bincount(cell, weights=values, minlength=size)
        squares = np.bincount(cell, weights=values * values, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / counts
            error = np.sqrt(np.clip((squares - counts * mean**2) / (counts - 1), 0.0, None) / counts)
        mean[few] = error[few] = np.nan
        return mean.reshape(shape), error.reshape(shape)

    drift = [moments(steps[axis] / elapsed) for axis in range(data.dimension)]
    diffusion, diffusion_error = moments(np.sum(steps**2, axis=0) / (2 * data.dimension * elapsed))
    return KramersMoyalMap(edges, counts.reshape(shape), np.array([d[0] for d in drift]), np.array([d[1] for d in drift]), diffusion, diffusion_error)


@dataclass
class _TrackLikelihood(_Likelihood):
    """Euler's isotropic Gaussian transition density of nD tracks: moments of shape (d, n)."""

    def __post_init__(self) -> None:
        self.step = self.data.ends - self.data.starts
        self.h = self.data.intervals

    def moments(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean increment a Δt_k and variance 2 D Δt_k of every coordinate of every transition."""
        self.evaluations += 1
        if self.progress is not None:
            self.progress("likelihood evaluations", self.evaluations, max(self.evaluations, 100))
        coefficients = fit_estimates.build_model(self.factory, self.names, theta).coefficients(self.data.starts, self.domain)
        variance = 2.0 * coefficients.D * self.h
        return -coefficients.A * self.h, np.broadcast_to(variance, self.step.shape)


def fit_tracks(
    factory: ModelFactory,
    initial: Mapping[str, float],
    data: Tracks,
    *,
    domain: object,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    intervals: str = "profile",
    progress: Progress | None = None,
) -> TrajectoryFit:
    """Maximum-likelihood fit of the free parameters ``initial`` of an nD model to
    tracks (module docstring); ``domain`` is passed to the model's coefficients (its
    points must be inside the model's temperature field). Returns a
    :class:`fpsolver.analysis.infer.TrajectoryFit` with ``transition = "euler"``."""
    if not isinstance(data, Tracks):
        raise TypeError("data must come from fpsolver.analysis.infer_nd.tracks(...)")
    if intervals not in ("profile", "wald"):
        raise ValueError(f"intervals must be 'profile' or 'wald', got {intervals!r}")
    start = fit_estimates.check_initial(initial)
    low, high = fit_estimates.resolve_bounds(start, bounds)
    likelihood = _TrackLikelihood(factory, tuple(start), data, domain, "euler", np.empty(0), progress=progress)
    return _maximise(factory, likelihood, np.array(list(start.values()), dtype=float), low, high, noise=False, intervals=intervals)
