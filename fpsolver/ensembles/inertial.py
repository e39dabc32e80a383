"""Inertial Langevin ensembles (gCLm Eq. 27 for GCLM1, Eq. 48 for GCLM2, and the Ito model).

    M x'' = F(x) - gamma(x) x' + F_L(t),   <F_L(t) F_L(t')> = 2 Gamma(x) delta(t - t')

with F, gamma, Gamma from ``model.langevin_terms`` (GCLM1: F = -V' - kappa T',
gamma = eta_eff, Gamma = eta k_B T0; GCLM2: F = -V', gamma = eta2, Gamma = Deff2
(in the code's convention Gamma = eta2^2 D); Ito: gamma = eta, Gamma = eta k_B T).

Scheme: BAOAB splitting (Leimkuhler and Matthews, Appl. Math. Res. Express 2013)
with the O part the exact Ornstein-Uhlenbeck step of dv = -(gamma/M) v dt +
(sqrt(2 Gamma)/M) dW with gamma and Gamma frozen at the current position,

    v <- c v + sqrt( Gamma / (gamma M) (1 - c^2) ) N(0, 1),   c = exp(-gamma dt / M),

whose stationary variance Gamma / (gamma M) is equipartition, k_B T / M for the
Ito model. The O step is exact for any gamma dt / M, so the scheme is stable
however small M is. Accuracy is another matter: for gamma dt / M >> 1 the
velocity is re-drawn every step and the position performs a random walk with
step ~ sqrt(Gamma/(gamma M)) dt whose statistics are not those of the physical
overdamped limit when gamma depends on x; resolve gamma dt / M <~ 0.5 when the
small-mass limit itself is the question (``validation/small_mass_limit.py``
checks its dt dependence). Walls mirror the position and reverse the velocity
(specular, elastic). Absorbing walls are not offered for the inertial ensembles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fpsolver._fipy import Mesh
from fpsolver.ensembles._kernels import advance_inertial
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X, fill_normals
from fpsolver.ensembles._setup import ChunkedEnsemble, ChunkResults, EnsembleSetup, ProgressCallback, _positive_finite, _positive_integer
from fpsolver.ensembles._tables import DEFAULT_TABLE_POINTS, inertial_table
from fpsolver.models.base import Model
from fpsolver.results.ensemble import InertialEnsembleResult, density_from_counts, moments_versus_time, ratio_with_error

# The velocity histogram spans +- this many thermal velocities sqrt(max Gamma/gamma / M).
_VELOCITY_SPAN = 6.0


class InertialEnsemble(ChunkedEnsemble):
    """An inertial ensemble run, set up once; ``run()``, or ``run_chunks`` + ``merge``.

    Parameters are those of :func:`run_inertial_ensemble`.
    """

    def __init__(
        self,
        model: Model,
        mesh: Mesh,
        n_particles: int,
        dt: float,
        t_end: float,
        *,
        mass: float,
        burn_in: float | None = None,
        seed: int = 0,
        x0: float | str | np.ndarray = "uniform",
        v0: float | str = "thermal",
        record_every: int | None = None,
        sample_every: int = 1,
        chunk_size: int = 1024,
        time_blocks: int = 1,
        velocity_bins: int = 101,
        table_points: int = DEFAULT_TABLE_POINTS,
    ) -> None:
        self.mass = _positive_finite("mass", mass)
        self.velocity_bins = _positive_integer("velocity_bins", velocity_bins)
        if not (v0 == "thermal" or (isinstance(v0, (int, float)) and not isinstance(v0, bool) and np.isfinite(v0))):
            raise ValueError(f"'v0' must be 'thermal' or a finite velocity, got {v0!r}")
        self.v0 = v0
        self.setup = EnsembleSetup(
            model,
            mesh,
            n_particles=n_particles,
            dt=dt,
            t_end=t_end,
            burn_in=burn_in,
            seed=seed,
            x0=x0,
            record_every=record_every,
            sample_every=sample_every,
            chunk_size=chunk_size,
            time_blocks=time_blocks,
            table_points=table_points,
            interior_x0=False,
        )
        self.table = inertial_table(model, self.setup.domain, table_points)
        thermal = np.sqrt(np.max(self.table.values[:, 2] / self.table.values[:, 1]) / self.mass)
        self.v_faces = np.linspace(-_VELOCITY_SPAN * thermal, _VELOCITY_SPAN * thermal, self.velocity_bins + 1)

    def _fingerprint(self) -> str:
        return self.setup.fingerprint({"mass": self.mass, "v0": self.v0, "velocity_bins": self.velocity_bins, "kind": "inertial"})

    def _initial_velocities(self, x: np.ndarray, bounds: np.ndarray, states: np.ndarray) -> np.ndarray:
        if self.v0 != "thermal":
            return np.full(x.size, float(self.v0))
        # Maxwell velocities at the local Gamma/gamma, from each chunk's own stream
        normals = np.empty(x.size)
        for c in range(bounds.size - 1):
            fill_normals(states[c], normals[bounds[c] : bounds[c + 1]], ZIGGURAT_X, ZIGGURAT_F)
        local = self.table.interpolate(x)
        return normals * np.sqrt(local[:, 2] / local[:, 1] / self.mass)

    def run_chunks(self, chunks: Sequence[int] | None = None, *, progress: ProgressCallback | None = None) -> ChunkResults:
        """Run the chunks with the given global indices (all when ``None``)."""
        s = self.setup
        plan = s.plan(chunks, columns=5)
        x, bounds, states, normals = plan.x, plan.bounds, plan.states, plan.normals
        histogram, steady, moments = plan.histogram, plan.steady, plan.moments
        v = self._initial_velocities(x, bounds, states)
        v_histogram = np.zeros((plan.chunk_ids.size, s.time_blocks, self.velocity_bins), dtype=np.int64)
        for c in range(plan.chunk_ids.size):
            xc, vc = x[bounds[c] : bounds[c + 1]], v[bounds[c] : bounds[c + 1]]
            moments[c, 0] = (xc.size, xc.sum(), np.sum(xc * xc), vc.sum(), np.sum(vc * vc))
        lookup, table = s.lookup, self.table
        v_min, v_inverse_width = self.v_faces[0], self.velocity_bins / (self.v_faces[-1] - self.v_faces[0])

        def advance(first_step: int, n_steps: int) -> None:
            advance_inertial(
                x,
                v,
                states,
                bounds,
                normals,
                first_step,
                n_steps,
                s.n_steps,
                s.dt,
                self.mass,
                s.domain[0],
                s.domain[1],
                table.values,
                table.x_min,
                table.inverse_spacing,
                ZIGGURAT_X,
                ZIGGURAT_F,
                lookup.faces,
                lookup.x_min,
                lookup.inverse_spacing,
                lookup.start,
                v_min,
                v_inverse_width,
                self.velocity_bins,
                s.burn_steps,
                s.sample_every,
                s.time_blocks,
                s.record_every,
                histogram,
                v_histogram,
                steady,
                moments,
            )

        s.run_blocks(advance, plan.particles.size, progress)
        return ChunkResults(
            fingerprint=self._fingerprint(),
            chunks=plan.chunk_ids,
            arrays={
                "histogram": histogram,
                "v_histogram": v_histogram,
                "steady": steady,
                "moments": moments,
                "particle_x": x,
                "particle_v": v,
            },
        )

    def merge(self, partials: Sequence[ChunkResults]) -> InertialEnsembleResult:
        """Combine partial results that together cover every chunk exactly once."""
        s = self.setup
        arrays = s.merge_arrays(partials, self._fingerprint())
        batches = s.n_chunks * s.time_blocks
        density, density_error, counts = density_from_counts(arrays["histogram"].reshape(batches, -1), s.volumes)
        v_counts = arrays["v_histogram"].reshape(batches, -1)
        steady = arrays["steady"].reshape(batches, 5)
        # the velocity density is normalised by all samples, so velocities outside the bins lower its mass
        v_widths = np.diff(self.v_faces)
        v_density = v_counts.sum(axis=0) / (steady[:, 0].sum() * v_widths)
        v_density_error = density_from_counts(np.column_stack([v_counts, steady[:, 0] - v_counts.sum(axis=1)]), np.append(v_widths, 1.0))[1][:-1]
        x_mean, x_mean_error = ratio_with_error(steady[:, 1], steady[:, 0])
        x_second, x_second_error = ratio_with_error(steady[:, 2], steady[:, 0])
        v_mean, v_mean_error = ratio_with_error(steady[:, 3], steady[:, 0])
        v_square, v_square_error = ratio_with_error(steady[:, 4], steady[:, 0])
        x_history = moments_versus_time(arrays["moments"], first=1)
        v_history = moments_versus_time(arrays["moments"], first=3)
        return InertialEnsembleResult(
            x=s.centres,
            x_faces=s.faces,
            volumes=s.volumes,
            density=density,
            density_error=density_error,
            counts=counts,
            v_faces=self.v_faces,
            v_density=v_density,
            v_density_error=v_density_error,
            v_outside=float(1.0 - v_counts.sum() / steady[:, 0].sum()),
            steady_mean=x_mean,
            steady_mean_error=x_mean_error,
            steady_second_moment=x_second,
            steady_second_moment_error=x_second_error,
            steady_v_mean=v_mean,
            steady_v_mean_error=v_mean_error,
            steady_v_square=v_square,
            steady_v_square_error=v_square_error,
            t=np.arange(s.n_records) * s.record_every * s.dt,
            mean=x_history["mean"],
            mean_error=x_history["mean_error"],
            variance=x_history["variance"],
            variance_error=x_history["variance_error"],
            v_mean=v_history["mean"],
            v_variance=v_history["variance"],
            final_x=arrays["particle_x"],
            final_v=arrays["particle_v"],
            model=s.model.describe(),
            metadata={
                **s.metadata(),
                "kind": "inertial",
                "equation": "M x'' = F - gamma x' + F_L, <F_L F_L> = 2 Gamma delta",
                "scheme": "baoab",
                "scheme_citation": "BAOAB splitting, Leimkuhler & Matthews (2013); exact OU velocity step with local gamma, Gamma",
                "mass": self.mass,
                "v0": self.v0,
                "boundary": "reflecting (specular)",
                "error_batches": batches,
            },
        )


def run_inertial_ensemble(
    model: Model,
    mesh: Mesh,
    n_particles: int,
    dt: float,
    t_end: float,
    *,
    mass: float,
    burn_in: float | None = None,
    seed: int = 0,
    x0: float | str | np.ndarray = "uniform",
    v0: float | str = "thermal",
    record_every: int | None = None,
    sample_every: int = 1,
    chunk_size: int = 1024,
    time_blocks: int = 1,
    velocity_bins: int = 101,
    progress: ProgressCallback | None = None,
    table_points: int = DEFAULT_TABLE_POINTS,
) -> InertialEnsembleResult:
    """Simulate ``n_particles`` particles of M x'' = F - gamma x' + F_L (see module docstring).

    Parameters
    ----------
    mass
        Particle mass M (> 0).
    v0
        ``"thermal"`` (default: Maxwell velocities with variance Gamma/(gamma M)
        at the initial position) or one velocity for all particles.
    velocity_bins
        Number of uniform velocity-histogram bins spanning +-6 thermal velocities.
    Others
        As in :func:`fpsolver.ensembles.run_ensemble`.

    Returns
    -------
    InertialEnsembleResult

    Raises
    ------
    ValueError
        For any invalid parameter (message names it), or friction or noise
        intensity not > 0 on the domain.
    """
    ensemble = InertialEnsemble(
        model,
        mesh,
        n_particles,
        dt,
        t_end,
        mass=mass,
        burn_in=burn_in,
        seed=seed,
        x0=x0,
        v0=v0,
        record_every=record_every,
        sample_every=sample_every,
        chunk_size=chunk_size,
        time_blocks=time_blocks,
        velocity_bins=velocity_bins,
        table_points=table_points,
    )
    return ensemble.run(progress=progress)
