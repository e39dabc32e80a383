"""Ensemble results: frozen dataclasses of numpy arrays plus the metadata to reproduce them.

Statistical errors use batch means. A batch is one chunk of particles during one
time block of the sampling window (``time_blocks`` blocks; default 1, i.e. the
batches are the chunks). Chunks are statistically independent by construction
(independent streams, independent initial positions), so chunk batches give an
honest error even when the run is short compared to the relaxation time; time
blocks add batches for runs with few chunks, and are independent only when each
block is long compared to the correlation time of x. For a pooled ratio
estimate e = sum(s_b) / sum(n_b) with batch estimates e_b = s_b / n_b, the
standard error is

    se(e) = sqrt( B / (B - 1) * sum_b (n_b / N)^2 (e_b - e)^2 ),   N = sum_b n_b

(the ratio-estimator variance; B = number of batches; NaN when B < 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fpsolver.results.field import result_attributes


def batch_error(estimates: np.ndarray, weights: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """Standard error of a pooled ratio estimate from batch estimates (axis 0 = batches).

    Batches with zero weight (no samples) are left out.
    """
    weights = np.asarray(weights, dtype=float)
    used = weights > 0
    n_batches = int(np.count_nonzero(used))
    if n_batches < 2:
        return np.full(np.shape(pooled), np.nan)
    fraction = (weights[used] / weights[used].sum()).reshape((-1,) + (1,) * (np.ndim(pooled)))
    spread = np.sum(fraction**2 * (estimates[used] - pooled) ** 2, axis=0)
    return np.sqrt(n_batches / (n_batches - 1) * spread)


def density_from_counts(counts: np.ndarray, volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled density, its batch-means error and total counts from ``counts[batch, cell]``.

    density = counts / (total samples * cell volume), so sum(density * volumes) = 1.
    """
    counts = np.asarray(counts, dtype=float)
    samples = counts.sum(axis=1)
    total = counts.sum(axis=0)
    if samples.sum() == 0:
        nan = np.full(volumes.shape, np.nan)
        return nan, nan, total
    density = total / (samples.sum() * volumes)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_batch = np.where(samples[:, None] > 0, counts / (np.maximum(samples, 1.0)[:, None] * volumes), 0.0)
    return density, batch_error(per_batch, samples, density), total


def ratio_with_error(sums: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Pooled sum(sums)/sum(counts) and its batch-means error (1D arrays over batches)."""
    sums, counts = np.asarray(sums, dtype=float), np.asarray(counts, dtype=float)
    if counts.sum() == 0:
        return float("nan"), float("nan")
    pooled = sums.sum() / counts.sum()
    per_batch = np.where(counts > 0, sums / np.maximum(counts, 1.0), 0.0)
    return float(pooled), float(batch_error(per_batch, counts, np.asarray(pooled)))


def moments_versus_time(moments: np.ndarray, first: int = 1) -> dict[str, np.ndarray]:
    """Mean and variance of column ``first`` (with errors) per record from ``moments[chunk, record, column]``.

    Column 0 holds the number of particles counted, ``first`` the sum of the
    variable and ``first + 1`` the sum of its square. Errors: batch means over chunks.
    """
    n = moments[:, :, 0]
    total = n.sum(axis=0)
    safe_total = np.maximum(total, 1.0)
    mean = moments[:, :, first].sum(axis=0) / safe_total
    variance = moments[:, :, first + 1].sum(axis=0) / safe_total - mean**2
    safe_n = np.maximum(n, 1.0)
    chunk_mean = moments[:, :, first] / safe_n
    chunk_variance = moments[:, :, first + 1] / safe_n - chunk_mean**2
    mean_error = np.empty_like(mean)
    variance_error = np.empty_like(mean)
    for r in range(mean.size):
        mean_error[r] = batch_error(chunk_mean[:, r], n[:, r], mean[r])
        variance_error[r] = batch_error(chunk_variance[:, r], n[:, r], variance[r])
    empty = total == 0
    for array in (mean, variance, mean_error, variance_error):
        array[empty] = np.nan
    return {"count": total, "mean": mean, "mean_error": mean_error, "variance": variance, "variance_error": variance_error}


def mean_exit_time(exit_time: np.ndarray) -> tuple[float, float]:
    """Mean of the finite ``exit_time`` entries (absorbed particles) and its standard error
    (independent particles); NaN for fewer than two exits."""
    times = exit_time[np.isfinite(exit_time)]
    if times.size < 2:
        return float("nan"), float("nan")
    return float(times.mean()), float(times.std(ddof=1) / np.sqrt(times.size))


def _var(dims, values, units: str, description: str):
    return (dims, values, {"units": units, "long_name": description})


@dataclass(frozen=True, kw_only=True)
class LineEnsembleResult:
    """What the overdamped and inertial 1D ensembles both record.

    Attributes
    ----------
    x, x_faces, volumes
        Cell centres, faces (histogram bin edges) and cell volumes of the mesh.
    P, P_error
        Histogram density after burn-in, normalised so sum(P * volumes) = 1
        over the samples taken (survivors only with absorbing walls), and its
        batch-means standard error per cell (see module docstring).
    counts
        Samples per cell (all batches).
    steady_mean, steady_mean_error, steady_second_moment, steady_second_moment_error
        Time-and-ensemble averages of x and x^2 after burn-in (exact positions,
        no binning), with batch-means errors.
    t, alive, mean, mean_error, variance, variance_error
        Record times and, at each, the number of particles still in the domain
        and <x>, Var x over them (errors: batch means over chunks).
    exit_time, exit_side
        Per particle: time of absorption (NaN if none) and wall (-1 left, +1
        right, 0 none). Always NaN/0 with reflecting walls.
    final_x
        Positions at t_end (NaN for absorbed particles).
    model, metadata
        ``Model.describe()`` and everything needed to reproduce the run (seed,
        dt, scheme, chunking, table, versions).
    """

    x: np.ndarray
    x_faces: np.ndarray
    volumes: np.ndarray
    P: np.ndarray
    P_error: np.ndarray
    counts: np.ndarray
    steady_mean: float
    steady_mean_error: float
    steady_second_moment: float
    steady_second_moment_error: float
    t: np.ndarray
    alive: np.ndarray
    mean: np.ndarray
    mean_error: np.ndarray
    variance: np.ndarray
    variance_error: np.ndarray
    exit_time: np.ndarray
    exit_side: np.ndarray
    final_x: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def n_particles(self) -> int:
        return int(self.exit_side.size)

    @property
    def survival(self) -> np.ndarray:
        """Fraction of particles not yet absorbed at each record time."""
        return self.alive / self.n_particles

    def mean_exit_time(self) -> tuple[float, float]:
        """Mean exit time over absorbed particles and its standard error (independent particles)."""
        return mean_exit_time(self.exit_time)

    def _dataset(self, variables: dict[str, tuple], coordinates: dict[str, tuple]) -> xr.Dataset:
        """The tidy dataset of the shared variables plus ``variables`` and ``coordinates``."""
        shared = {
            "P": _var("x", self.P, "1/length", "steady histogram density after burn-in"),
            "P_error": _var("x", self.P_error, "1/length", "batch-means standard error of density"),
            "counts": _var("x", self.counts, "1", "samples per cell"),
            "volume": _var("x", self.volumes, "length", "cell volume"),
            "steady_mean": _var((), self.steady_mean, "length", "time-ensemble average of x after burn-in"),
            "steady_mean_error": _var((), self.steady_mean_error, "length", "standard error of steady_mean"),
            "steady_second_moment": _var((), self.steady_second_moment, "length^2", "time-ensemble average of x^2 after burn-in"),
            "steady_second_moment_error": _var((), self.steady_second_moment_error, "length^2", "standard error of steady_second_moment"),
            "alive": _var("time", self.alive, "1", "particles still in the domain"),
            "mean": _var("time", self.mean, "length", "<x> over particles in the domain"),
            "mean_error": _var("time", self.mean_error, "length", "standard error of <x>"),
            "variance": _var("time", self.variance, "length^2", "Var x over particles in the domain"),
            "variance_error": _var("time", self.variance_error, "length^2", "standard error of Var x"),
            "exit_time": _var("particle", self.exit_time, "time", "absorption time (NaN: never absorbed)"),
            "exit_side": _var("particle", self.exit_side, "1", "wall of absorption: -1 left, +1 right, 0 none"),
            "final_x": _var("particle", self.final_x, "length", "position at t_end (NaN: absorbed)"),
        }
        line = {
            "x": _var("x", self.x, "length", "cell centre"),
            "x_face": _var("x_face", self.x_faces, "length", "cell face (histogram bin edge)"),
            "time": _var("time", self.t, "time", "record time"),
            "particle": _var("particle", np.arange(self.final_x.size), "1", "particle index"),
        }
        return xr.Dataset({**shared, **variables}, coords={**line, **coordinates}, attrs=result_attributes(self.metadata, self.model))


@dataclass(frozen=True, kw_only=True)
class EnsembleResult(LineEnsembleResult):
    """Overdamped ensemble: steady histogram on the mesh cells, moments, exits (the
    attributes of :class:`LineEnsembleResult`) and on a ring the current.

    Attributes
    ----------
    current, current_error
        Periodic walls (a ring of length L): the steady probability current
        J = (net crossings of the wall point x_min = x_max in the +x direction) /
        (particles x duration of the sampling window t_end - burn_in), in 1/time, with
        its batch-means standard error; it is the constant current of the steady
        Fokker-Planck equation, J = A P + d(D P)/dx with sum(P V) = 1 (docs/physics/canonical.md). NaN with other walls.
    winding
        Per particle: net number of wraps around the ring over the whole run (+1 per
        crossing of x_max upwards), so final_x + L winding is the unwrapped position
        (minus the start); always 0 without periodic walls.
    """

    current: float
    current_error: float
    winding: np.ndarray

    def to_xarray(self) -> xr.Dataset:
        return self._dataset(
            {
                "winding": _var("particle", self.winding, "1", "net wraps around the ring, +1 per crossing of x_max upwards (0 without periodic walls)"),
                "current": _var((), self.current, "1/time", "steady probability current: net crossings per particle and unit time after burn-in (NaN without periodic walls)"),
                "current_error": _var((), self.current_error, "1/time", "batch-means standard error of current"),
            },
            {},
        )


@dataclass(frozen=True, kw_only=True)
class InertialEnsembleResult(LineEnsembleResult):
    """Inertial ensemble: the position histogram, moments and exits of
    :class:`LineEnsembleResult` (metadata includes the mass) and the velocities.

    Attributes
    ----------
    v_faces, v_density, v_density_error
        Velocity histogram on uniform bins (density in time/length; velocities
        outside the bins are not counted, their fraction is ``v_outside``).
    steady_v_mean, steady_v_square (+ ``_error``)
        Averages of v, v^2 after burn-in with batch-means errors; equipartition reads
        M <v^2> = k_B T for a uniform temperature.
    v_mean, v_variance
        <v> and Var v at each record time.
    final_v
        Velocities at t_end (NaN for absorbed particles).
    """

    v_faces: np.ndarray
    v_density: np.ndarray
    v_density_error: np.ndarray
    v_outside: float
    steady_v_mean: float
    steady_v_mean_error: float
    steady_v_square: float
    steady_v_square_error: float
    v_mean: np.ndarray
    v_variance: np.ndarray
    final_v: np.ndarray

    @property
    def v(self) -> np.ndarray:
        """Velocity bin centres."""
        return 0.5 * (self.v_faces[1:] + self.v_faces[:-1])

    def to_xarray(self) -> xr.Dataset:
        return self._dataset(
            {
                "v_density": _var("v", self.v_density, "time/length", "steady velocity histogram density"),
                "v_density_error": _var("v", self.v_density_error, "time/length", "batch-means standard error of v_density"),
                "v_mean": _var("time", self.v_mean, "length/time", "<v>"),
                "v_variance": _var("time", self.v_variance, "length^2/time^2", "Var v"),
                "final_v": _var("particle", self.final_v, "length/time", "velocity at t_end (NaN: absorbed)"),
                "steady_v_square": _var((), self.steady_v_square, "length^2/time^2", "time-ensemble average of v^2"),
            },
            {"v": _var("v", self.v, "length/time", "velocity bin centre"), "v_face": _var("v_face", self.v_faces, "length/time", "velocity bin edge")},
        )


@dataclass(frozen=True)
class Bins:
    """Histogram bins: ``"cartesian"`` (x, y and in 3D z edges) or ``"polar"`` (r edges, theta edges).

    ``areas`` (the bin measure: area in 2D, volume in 3D) and ``centres`` (shape
    (dim, n): the coordinates of a Grid2D/Grid3D cell centre, or r, theta of the middle
    of an annulus sector) are per bin, in the kernel's bin order (FiPy's cell order for
    cartesian bins). ``edges_c`` is empty in 2D.
    """

    kind: str
    edges_a: np.ndarray
    edges_b: np.ndarray
    origin: tuple[float, float] = (0.0, 0.0)
    areas: np.ndarray = field(default_factory=lambda: np.empty(0))
    centres: np.ndarray = field(default_factory=lambda: np.empty((2, 0)))
    edges_c: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def dimension(self) -> int:
        return 3 if self.edges_c.size else 2


@dataclass(frozen=True)
class EnsembleNDResult:
    """Steady histogram of a 2D or 3D ensemble.

    Attributes
    ----------
    bins
        The bins (with their areas or volumes).
    P, P_error
        Counts / (samples x bin measure) (sum(density * areas) = 1) and its batch-means
        error over chunks (1/length^dim).
    counts
        Total counts per bin; ``counts.sum()`` is the number of samples.
    final_positions
        Particle positions at t_end, shape (n_particles, dim) (NaN: absorbed).
    exit_time, exit_side
        Absorption time (NaN: never absorbed) and wall, -(axis + 1) at the lower and
        axis + 1 at the upper wall of the axis (0: none).
    model, metadata
        ``Model.describe()`` and the run parameters.
    """

    bins: Bins
    P: np.ndarray
    P_error: np.ndarray
    counts: np.ndarray
    final_positions: np.ndarray
    exit_time: np.ndarray
    exit_side: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object]

    @property
    def final_x(self) -> np.ndarray:
        return self.final_positions[:, 0]

    @property
    def final_y(self) -> np.ndarray:
        return self.final_positions[:, 1]

    @property
    def final_z(self) -> np.ndarray:
        """z at t_end (3D only)."""
        if self.final_positions.shape[1] < 3:
            raise AttributeError("final_z: a 2D ensemble has no z")
        return self.final_positions[:, 2]

    @property
    def volumes(self) -> np.ndarray:
        """The bin measures (the name the 1D results and the metrics use)."""
        return self.bins.areas

    def to_xarray(self) -> xr.Dataset:
        """The histogram per bin with the bin centres and measures (``bin`` dimension), the
        final positions, exit times and sides (``particle``); bin edges per axis."""
        polar = self.bins.kind == "polar"
        dim = self.final_positions.shape[1]
        axes = ("r", "theta") if polar else ("x", "y", "z")[:dim]
        units = ("length", "rad") if polar else ("length",) * dim
        edges = (self.bins.edges_a, self.bins.edges_b, self.bins.edges_c)
        measure = f"length^{dim}"
        particle = np.arange(self.final_positions.shape[0])
        final = {f"final_{name}": _var("particle", self.final_positions[:, axis], "length", f"{name} at t_end (NaN: absorbed)") for axis, name in enumerate("xyz"[:dim])}
        return xr.Dataset(
            {
                "P": _var("bin", self.P, f"1/{measure}", "steady histogram density after burn-in"),
                "P_error": _var("bin", self.P_error, f"1/{measure}", "batch-means standard error of P"),
                "counts": _var("bin", self.counts, "1", "samples per bin"),
                "area": _var("bin", self.bins.areas, measure, "bin measure (area in 2D, volume in 3D)"),
                **final,
                "exit_time": _var("particle", self.exit_time, "time", "absorption time (NaN: never absorbed)"),
                "exit_side": _var("particle", self.exit_side, "1", "wall of absorption: -(axis+1) lower, axis+1 upper, 0 none"),
            },
            coords={
                **{f"{a}_centre": _var("bin", self.bins.centres[n], units[n], f"bin centre, {a}") for n, a in enumerate(axes)},
                **{f"{a}_edge": _var(f"{a}_edge", edges[n], units[n], f"bin edges along {a}") for n, a in enumerate(axes)},
                "particle": _var("particle", particle, "1", "particle index"),
            },
            attrs={**result_attributes(self.metadata, self.model), "bins": self.bins.kind, "origin": json.dumps(list(self.bins.origin))},
        )


#: the 2D name of :class:`EnsembleNDResult`
Ensemble2DResult = EnsembleNDResult
