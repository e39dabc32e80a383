"""Options of the Langevin ensembles: one definition of every name, default and bound.

:class:`OverdampedOptions` (:func:`~fpsolver.ensembles.run_ensemble`,
:class:`~fpsolver.ensembles.OverdampedEnsemble`), :class:`InertialOptions`
(:func:`~fpsolver.ensembles.run_inertial_ensemble`) and :class:`EnsembleNDOptions`
(:func:`~fpsolver.ensembles.overdamped_nd.run_ensemble_nd`) share the options of
:class:`EnsembleOptions`; the case-file table ``[ensemble]`` copies its keys from
them (:mod:`fpsolver.cases.schema`). In 1D, unset ``dt``, ``t_end`` and
``sample_interval`` follow one rule, :meth:`LineEnsembleOptions.times`, in the
library and in case files alike.

This module imports neither numba nor FiPy, so the case schema can use it cheaply.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from fpsolver._options import NonPeriodicWall, Options, WallKind
from fpsolver.models.base import Domain, Model

OverdampedScheme = Literal["weak2", "euler"]
Boundary = WallKind
InertialBoundary = NonPeriodicWall
#: default table nodes per axis of the 2D and 3D ensembles (4 columns of 8 bytes: 8.4 MB in 2D, 8.8 MB in 3D)
ND_TABLE_POINTS = {2: 513, 3: 65}
#: case workflow: at most this many histogram bins per axis of a 2D / 3D grid (blocks of
#: whole cells), so that a run of a few thousand particles puts enough samples in each bin for chi^2
ND_BINS_PER_AXIS = {2: 16, 3: 8}
#: case workflow: (annuli, sectors) of the histogram of a disc
ND_POLAR_BINS = (8, 4)


#: a run sized by ``precision`` has at least this many chunks (error batches), so the
#: batch-means errors behind chi^2 are themselves good to ~20%, and at most this many particles
MIN_PRECISION_CHUNKS = 16
MAX_PRECISION_PARTICLES = 2**20


class EnsembleOptions(Options):
    """Options every ensemble has: size (fixed, or grown until a precision is reached),
    time stepping, sampling, random streams, tables."""

    positional = ("n_particles", "dt", "t_end")

    n_particles: int | None = Field(
        None,
        ge=1,
        description=f"number of particles; default: as many whole chunks as 'precision' asks (at least {MIN_PRECISION_CHUNKS} chunks, at most {MAX_PRECISION_PARTICLES} particles)",
    )
    precision: float = Field(
        0.05,
        gt=0,
        lt=1,
        description="when n_particles is unset: target relative standard error (batch means) of the histogram density in a bin (cell) of average probability, "
        "sqrt(bins * sum_i err_i^2); chunks are added in rounds until it is reached",
    )
    dt: float | None = Field(None, gt=0, description="time step; default min(t_end/4000, L^2/(2000 D_max))")
    t_end: float | None = Field(None, gt=0, description="duration; default 10 L^2/(pi^2 D_min), ten slowest relaxation times")
    burn_in: float | None = Field(None, ge=0, description="time before the histogram samples; default t_end/2")
    sample_interval: float | None = Field(
        None,
        gt=0,
        description="time between histogram samples; default L^2/(8 pi^2 D_min), an eighth of the slowest relaxation time, so samples are nearly independent",
    )
    seed: int = Field(0, ge=0, description="random seed (results do not depend on threads or processes)")
    chunk_size: int = Field(256, ge=1, description="particles per random stream / error batch")
    table_points: int = Field(4097, ge=16, description="points of the coefficient table used inside the kernels")

    @staticmethod
    def sample_steps(sample_interval: float, dt: float) -> int:
        """Steps between histogram samples: the interval rounded to whole steps, at least one."""
        return max(1, int(round(sample_interval / dt)))


class LineEnsembleOptions(EnsembleOptions):
    """Options of the 1D ensembles (overdamped and inertial)."""

    x0: float | Literal["uniform"] | np.ndarray = Field("uniform", description='initial position, or "uniform" (spread evenly); from Python also an array of one position per particle')
    record_every: int | None = Field(None, ge=1, description="steps between records of <x>(t), Var x(t); default about 1000 records")
    time_blocks: int = Field(1, ge=1, description="time blocks of the sampling window (batches = chunks x blocks)")

    @field_validator("x0", mode="before")
    @classmethod
    def _positions_as_array(cls, value: object) -> object:
        return np.asarray(value, dtype=float) if isinstance(value, (list, tuple)) else value

    def times(self, model: Model, domain: Domain, cell_centres: np.ndarray) -> tuple[float, float, int]:
        """(dt, t_end, sample_every) of the ensemble: :func:`default_times` with L the
        domain's length and D over the cell centres (with per-particle T0, over every
        particle's noise ratio too)."""
        D = model.coefficients(cell_centres, domain).D
        if model.per_particle_T0:  # D of a particle scales with its noise ratio: the extremes over every start
            ratios = model.noise_ratios(cell_centres, domain)  # type: ignore[attr-defined]
            D = np.concatenate([D * ratios.min(), D * ratios.max()])
        return default_times(self, domain[1] - domain[0], float(np.min(D)), float(np.max(D)))


def default_times(options: EnsembleOptions, length: float, D_min: float, D_max: float) -> tuple[float, float, int]:
    """(dt, t_end, sample_every): the options' values where set, else with
    tau = L^2/(pi^2 D_min) the slowest free-diffusion relaxation time along a length L,
    t_end = 10 tau, dt = min(t_end/4000, L^2/(2000 D_max)) (a step moves a particle
    by at most ~L/30) and samples every tau/8 (nearly independent, so the per-cell
    errors and chi^2 are meaningful), or once per sampling window t_end - burn_in
    when that is shorter (a short run still samples its histogram)."""
    tau = length**2 / (np.pi**2 * D_min)
    t_end = options.t_end if options.t_end is not None else 10.0 * tau
    dt = options.dt if options.dt is not None else min(t_end / 4000.0, length**2 / (2000.0 * D_max))
    window = t_end - (0.5 * t_end if options.burn_in is None else options.burn_in)
    interval = options.sample_interval if options.sample_interval is not None else min(tau / 8.0, max(window, dt))
    return dt, t_end, options.sample_steps(interval, dt)


class OverdampedOptions(LineEnsembleOptions):
    """Options of :func:`~fpsolver.ensembles.run_ensemble` (dx = -A dt + sqrt(2 D) dW)."""

    scheme: OverdampedScheme = Field("weak2", description='"weak2" (Platen, weak order 2) or "euler" (Euler-Maruyama)')
    boundary: Boundary = Field(
        "reflecting",
        description='"reflecting" (mirror, particle number conserved), "absorbing" (exit times recorded; x0 strictly inside) '
        'or "periodic" (a ring: positions wrap, the steady current is counted; the coefficients must be periodic)',
    )


class InertialOptions(LineEnsembleOptions):
    """Options of :func:`~fpsolver.ensembles.run_inertial_ensemble` (M x'' = F - gamma x' + F_L)."""

    mass: float = Field(gt=0, description="particle mass M of the inertial ensemble (Eqs. 27, 48)")
    v0: float | Literal["thermal"] = Field("thermal", description='initial velocity, or "thermal" (Maxwell velocities with variance Gamma/(gamma M) at the initial position)')
    velocity_bins: int = Field(101, ge=1, description="uniform velocity-histogram bins spanning +-6 thermal velocities")
    boundary: InertialBoundary = Field(
        "reflecting", description='"reflecting" (specular: the velocity reverses) or "absorbing" (a particle leaving the domain is removed; exit times recorded; x0 strictly inside)'
    )


class EnsembleNDOptions(EnsembleOptions):
    """Options of :func:`~fpsolver.ensembles.overdamped_nd.run_ensemble_nd` (2D and 3D). Unset
    ``dt``, ``t_end`` and ``sample_interval`` follow :func:`default_times` with L the longest
    side of the domain's bounding box and D over the coefficient table."""

    table_points: int | None = Field(
        None, ge=2, description=f"table nodes per axis (bilinear in 2D, trilinear in 3D; error ~h^2 |c''| / 8); default {ND_TABLE_POINTS[2]} in 2D, {ND_TABLE_POINTS[3]} in 3D"
    )
    scheme: OverdampedScheme = Field("weak2", description='"weak2" (Platen, weak order 2) or "euler" (Euler-Maruyama)')
    boundary: Boundary | tuple[Boundary, ...] = Field(
        "reflecting",
        description='walls of a box, one kind for every axis or one per axis: "reflecting" (mirror), "absorbing" (exit times and sides recorded) '
        'or "periodic" (positions wrap; the coefficients must be periodic); a disc reflects',
    )

    @field_validator("boundary", mode="before")
    @classmethod
    def _per_axis_as_tuple(cls, value: object) -> object:
        return tuple(value) if isinstance(value, list) else value

    def walls(self, dimension: int) -> tuple[str, ...]:
        """The wall kind of each of ``dimension`` axes; ``ValueError`` naming 'boundary' for a wrong count."""
        if isinstance(self.boundary, str):
            return (self.boundary,) * dimension
        if len(self.boundary) != dimension:
            raise ValueError(f"'boundary' must be one kind or {dimension} (one per axis), got {len(self.boundary)}")
        return self.boundary

    def points(self, dimension: int) -> int:
        """Table nodes per axis: ``table_points`` or the default of the dimension."""
        return ND_TABLE_POINTS[dimension] if self.table_points is None else self.table_points


#: the 2D name of :class:`EnsembleNDOptions`
Ensemble2DOptions = EnsembleNDOptions
