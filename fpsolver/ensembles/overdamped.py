"""Overdamped Langevin ensembles of any model, through its canonical coefficients.

The Ito SDE with the law of the canonical Fokker-Planck equation
dP/dt = d/dx [A P + d(D P)/dx] (PHYSICS.md section 1) is

    dx = -A(x) dt + sqrt(2 D(x)) dW          (Ito)

integrated with Euler-Maruyama or Platen's weak order 2 scheme
(:mod:`fpsolver.ensembles.schemes`). Walls: ``"reflecting"`` mirrors a particle
that left the domain back into it (x -> 2 x_wall - x; for Euler-Maruyama this is
the symmetrized Euler scheme of Bossy, Gobet and Talay, J. Appl. Prob. 41, 2004),
which conserves the particle number exactly; ``"absorbing"`` removes a particle
when it lands outside, or with the Brownian-bridge probability
exp(-(x_n - w)(x_{n+1} - w) / (D(x_n) dt)) that the path crossed wall w between
two inside points (Gobet, Stoch. Proc. Appl. 87, 2000), which removes the
O(sqrt(dt)) bias of discrete monitoring; the exit time is recorded as the end of
the step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fpsolver._fipy import Mesh
from fpsolver.ensembles._kernels import advance_overdamped
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X
from fpsolver.ensembles._setup import ChunkedEnsemble, ChunkResults, EnsembleSetup, ProgressCallback
from fpsolver.ensembles._tables import DEFAULT_TABLE_POINTS, overdamped_table
from fpsolver.ensembles.schemes import get_scheme
from fpsolver.models.base import Model
from fpsolver.results.ensemble import EnsembleResult, density_from_counts, moments_versus_time, ratio_with_error

BOUNDARIES = ("reflecting", "absorbing")


class OverdampedEnsemble(ChunkedEnsemble):
    """An overdamped ensemble run, set up once; run all chunks, or subsets and merge.

    ``run()`` is what :func:`run_ensemble` returns. For a run split across
    processes or machines, call ``run_chunks(chunks)`` on each with disjoint chunk
    index sets covering ``range(n_chunks)`` and pass the partial results to
    ``merge``; the result is bit-identical to ``run()``.

    Parameters are those of :func:`run_ensemble`.
    """

    def __init__(
        self,
        model: Model,
        mesh: Mesh,
        n_particles: int,
        dt: float,
        t_end: float,
        *,
        scheme: str = "weak2",
        burn_in: float | None = None,
        seed: int = 0,
        x0: float | str | np.ndarray = "uniform",
        boundary: str = "reflecting",
        record_every: int | None = None,
        sample_every: int = 1,
        chunk_size: int = 1024,
        time_blocks: int = 1,
        table_points: int = DEFAULT_TABLE_POINTS,
    ) -> None:
        self.scheme = get_scheme(scheme)
        if boundary not in BOUNDARIES:
            raise ValueError(f"'boundary' must be one of {BOUNDARIES}, got {boundary!r}")
        self.boundary = boundary
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
            interior_x0=boundary == "absorbing",
        )
        self.table = overdamped_table(model, self.setup.domain, table_points)

    def _fingerprint(self) -> str:
        return self.setup.fingerprint({"scheme": self.scheme.name, "boundary": self.boundary, "kind": "overdamped"})

    def run_chunks(self, chunks: Sequence[int] | None = None, *, progress: ProgressCallback | None = None) -> ChunkResults:
        """Run the chunks with the given global indices (all when ``None``)."""
        s = self.setup
        plan = s.plan(chunks, columns=3)
        x, bounds, states, normals = plan.x, plan.bounds, plan.states, plan.normals
        histogram, steady, moments = plan.histogram, plan.steady, plan.moments
        alive = np.ones(plan.particles.size, dtype=np.uint8)
        exit_time = np.full(plan.particles.size, np.nan)
        exit_side = np.zeros(plan.particles.size, dtype=np.int8)
        for c in range(plan.chunk_ids.size):
            xc = x[bounds[c] : bounds[c + 1]]
            moments[c, 0] = (xc.size, xc.sum(), np.sum(xc * xc))
        lookup, table = s.lookup, self.table

        def advance(first_step: int, n_steps: int) -> None:
            advance_overdamped(
                x,
                alive,
                exit_time,
                exit_side,
                states,
                bounds,
                normals,
                first_step,
                n_steps,
                s.n_steps,
                s.dt,
                self.scheme.code,
                self.boundary == "absorbing",
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
                s.burn_steps,
                s.sample_every,
                s.time_blocks,
                s.record_every,
                histogram,
                steady,
                moments,
            )

        s.run_blocks(advance, plan.particles.size, progress)
        x[alive == 0] = np.nan
        return ChunkResults(
            fingerprint=self._fingerprint(),
            chunks=plan.chunk_ids,
            arrays={
                "histogram": histogram,
                "steady": steady,
                "moments": moments,
                "particle_x": x,
                "particle_exit_time": exit_time,
                "particle_exit_side": exit_side,
            },
        )

    def merge(self, partials: Sequence[ChunkResults]) -> EnsembleResult:
        """Combine partial results that together cover every chunk exactly once."""
        s = self.setup
        arrays = s.merge_arrays(partials, self._fingerprint())
        batches = s.n_chunks * s.time_blocks
        density, density_error, counts = density_from_counts(arrays["histogram"].reshape(batches, -1), s.volumes)
        steady = arrays["steady"].reshape(batches, 3)
        mean, mean_error = ratio_with_error(steady[:, 1], steady[:, 0])
        second, second_error = ratio_with_error(steady[:, 2], steady[:, 0])
        history = moments_versus_time(arrays["moments"])
        return EnsembleResult(
            x=s.centres,
            x_faces=s.faces,
            volumes=s.volumes,
            density=density,
            density_error=density_error,
            counts=counts,
            steady_mean=mean,
            steady_mean_error=mean_error,
            steady_second_moment=second,
            steady_second_moment_error=second_error,
            t=np.arange(s.n_records) * s.record_every * s.dt,
            alive=history["count"],
            mean=history["mean"],
            mean_error=history["mean_error"],
            variance=history["variance"],
            variance_error=history["variance_error"],
            exit_time=arrays["particle_exit_time"],
            exit_side=arrays["particle_exit_side"],
            final_x=arrays["particle_x"],
            model=s.model.describe(),
            metadata={
                **s.metadata(),
                "kind": "overdamped",
                "sde": "dx = -A dt + sqrt(2 D) dW (Ito)",
                "scheme": self.scheme.name,
                "weak_order": self.scheme.weak_order,
                "scheme_citation": self.scheme.citation,
                "boundary": self.boundary,
                "error_batches": batches,
            },
        )


def run_ensemble(
    model: Model,
    mesh: Mesh,
    n_particles: int,
    dt: float,
    t_end: float,
    *,
    scheme: str = "weak2",
    burn_in: float | None = None,
    seed: int = 0,
    x0: float | str | np.ndarray = "uniform",
    boundary: str = "reflecting",
    record_every: int | None = None,
    sample_every: int = 1,
    chunk_size: int = 1024,
    time_blocks: int = 1,
    progress: ProgressCallback | None = None,
    table_points: int = DEFAULT_TABLE_POINTS,
) -> EnsembleResult:
    """Simulate ``n_particles`` independent particles of dx = -A dt + sqrt(2 D) dW (Ito).

    Parameters
    ----------
    model, mesh
        Any fpsolver model and 1D mesh; the histogram bins are the mesh cells and
        the domain is the mesh's extent.
    n_particles
        Number of particles (> 0).
    dt, t_end
        Time step and duration (time units); the run takes round(t_end / dt) steps.
    scheme
        ``"weak2"`` (default, Platen's weak order 2) or ``"euler"`` (Euler-Maruyama).
    burn_in
        Time before histogram and steady moments start sampling; default t_end / 2.
    seed
        Non-negative integer; with the chunk size it fixes every random number.
    x0
        ``"uniform"`` (default: deterministic, evenly spread over the domain), one
        position for all particles, or one position per particle.
    boundary
        ``"reflecting"`` (mirror, particle number conserved) or ``"absorbing"``
        (exit times and sides recorded; x0 must then lie strictly inside).
    record_every, sample_every
        Steps between records of <x>(t), Var x(t) (default: about 1000 records)
        and between histogram samples after burn-in (default every step).
    chunk_size
        Particles per chunk, the unit of random streams and of batch-means errors.
        Results depend on it (and on the seed), never on the thread count.
    time_blocks
        Time blocks of the sampling window; batches = chunks x time blocks.
    progress
        ``progress(steps_done, total_steps)``, called between blocks of steps.
    table_points
        Points of the uniform coefficient table (linear interpolation).

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ValueError
        For any invalid parameter (message names it), an unknown scheme or
        boundary, or a model that is invalid on the domain.
    """
    ensemble = OverdampedEnsemble(
        model,
        mesh,
        n_particles,
        dt,
        t_end,
        scheme=scheme,
        burn_in=burn_in,
        seed=seed,
        x0=x0,
        boundary=boundary,
        record_every=record_every,
        sample_every=sample_every,
        chunk_size=chunk_size,
        time_blocks=time_blocks,
        table_points=table_points,
    )
    return ensemble.run(progress=progress)
