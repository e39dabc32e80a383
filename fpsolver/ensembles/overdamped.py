"""Overdamped Langevin ensembles of any model, through its canonical coefficients.

The Ito SDE with the law of the canonical Fokker-Planck equation
dP/dt = d/dx [A P + d(D P)/dx] (docs/physics/canonical.md) is

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
the step. ``"periodic"`` makes the domain a ring of length L = x_max - x_min
(docs/physics/canonical.md): a particle leaving at one end re-enters at the other
(x -> x -+ L, the coefficients being periodic), and the net number of crossings of
x_max in the +x direction after the burn-in, per particle and unit time, estimates
the constant steady current J of dP/dt = -dJ/dx, J = -A P - d(D P)/dx.

A gCLm-I model with ``T0="per-particle"`` gives particle i the noise of its own
T0_i = T(x_i(0)): D_i = r_i D with r_i = T0_i / T0_ref (and the drift's noise-induced
part, if any, times r_i), fixed by the particle's start, so results stay independent of
threads and chunk splits; its steady histogram is the mixture of fixed-T0 states
(:func:`fpsolver.pde.exact.per_particle_mixture`).
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver.ensembles._compiled import over_threads
from fpsolver.ensembles._kernels import advance_overdamped
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X
from fpsolver.ensembles._setup import ChunkedEnsemble, Kernel, LineSetup, ProgressCallback
from fpsolver.ensembles._tables import overdamped_step_table, overdamped_table
from fpsolver.ensembles.options import Boundary, OverdampedOptions
from fpsolver.ensembles.schemes import get_scheme
from fpsolver.models.base import Model
from fpsolver.models.periodicity import check_periodic
from fpsolver.results.ensemble import EnsembleResult, ratio_with_error

BOUNDARIES: tuple[str, ...] = get_args(Boundary)


class OverdampedEnsemble(ChunkedEnsemble):
    """An overdamped ensemble run, set up once; ``run()``, or ``run_chunks`` + ``merge``
    (see :class:`~fpsolver.ensembles._setup.ChunkedEnsemble`).

    ``run()`` is what :func:`run_ensemble` returns; the parameters are those of
    :func:`run_ensemble` (less ``progress``, which ``run`` and ``run_chunks`` take).
    """

    kind = "overdamped"

    @accepts_options(OverdampedOptions)
    def __init__(self, model: Model, mesh: Mesh, options: OverdampedOptions) -> None:
        self.options = options
        self.scheme = get_scheme(options.scheme)
        self.boundary = options.boundary
        if _fipy.is_periodic(mesh) and options.boundary != "periodic":
            raise ValueError(f"'boundary' must be \"periodic\" on a periodic mesh, got {options.boundary!r}")
        self.setup = LineSetup(model, mesh, options, interior_x0=options.boundary == "absorbing")
        self.table = overdamped_table(model, self.setup.domain, options.table_points)
        if self.periodic:
            lo, hi = self.setup.domain
            try:
                check_periodic(model, self.table.grid[np.newaxis], (np.array([lo]), np.array([hi])), (0,))
            except ValueError as exc:
                raise ValueError(f"'boundary' is \"periodic\" (a ring): {exc}") from None

    @property
    def periodic(self) -> bool:
        return self.boundary == "periodic"

    def parameters(self) -> dict[str, object]:
        return {"scheme": self.scheme.name, "boundary": self.boundary}

    def _start(self, chunk_ids: np.ndarray) -> Kernel:
        s = self.setup
        plan = s.plan(chunk_ids, columns=3)
        x, bounds = plan.x, plan.bounds
        alive = np.ones(plan.particles.size, dtype=np.uint8)
        exit_time = np.full(plan.particles.size, np.nan)
        exit_side = np.zeros(plan.particles.size, dtype=np.int8)
        winding = np.zeros(plan.particles.size, dtype=np.int64)
        crossings = np.zeros((chunk_ids.size, s.time_blocks), dtype=np.int64)
        if self.periodic:  # x0 = x_max is the point x_min of the ring
            lo, hi = s.domain
            x[:] = lo + np.mod(x - lo, hi - lo)
        plan.record_start(x)
        ratios = None
        if s.model.per_particle_T0:  # each particle's noise ratio r = T(x(0)) / T0_ref, fixed by its own start
            r = s.model.noise_ratios(x, s.domain)
            ratios = np.ascontiguousarray(np.column_stack([r - 1.0, np.sqrt(r)]))
        lookup, table = s.lookup, self.table
        step_table = overdamped_step_table(table, s.dt)

        def advance(first_step: int, n_steps: int) -> None:
            over_threads(
                advance_overdamped,
                bounds.size - 1,
                x,
                alive,
                exit_time,
                exit_side,
                plan.states,
                bounds,
                plan.normals,
                first_step,
                n_steps,
                s.n_steps,
                s.dt,
                self.scheme.code,
                BOUNDARIES.index(self.boundary),
                s.domain[0],
                s.domain[1],
                step_table,
                table.x_min,
                table.inverse_spacing,
                ratios,
                ZIGGURAT_X,
                ZIGGURAT_F,
                lookup.kernel_arguments(),
                s.burn_steps,
                s.sample_every,
                s.time_blocks,
                s.record_every,
                plan.histogram,
                plan.steady,
                plan.moments,
                winding,
                crossings,
            )

        def finish() -> dict[str, np.ndarray]:
            x[alive == 0] = np.nan
            return {
                "histogram": plan.histogram,
                "steady": plan.steady,
                "moments": plan.moments,
                "particle_x": x,
                "particle_exit_time": exit_time,
                "particle_exit_side": exit_side,
                "particle_winding": winding,
                "crossings": crossings,
            }

        return advance, finish, plan.particles.size

    def current(self, crossings: np.ndarray) -> tuple[float, float]:
        """(J, standard error) from the net crossings ``crossings[chunk, block]`` of a merged
        periodic run: J = sum crossings / sum (particles x block duration), batch means over
        chunks x blocks; (NaN, NaN) without periodic walls."""
        if not self.periodic:
            return float("nan"), float("nan")
        s = self.setup
        window = s.n_steps - s.burn_steps
        block_steps = np.bincount(np.arange(window) * s.time_blocks // window, minlength=s.time_blocks)
        particles = np.diff(s.particle_ranges(np.arange(s.n_chunks))[1])
        exposure = particles[:, None] * block_steps[None, :] * s.dt
        return ratio_with_error(crossings.ravel(), exposure.ravel())

    def _result(self, arrays: dict[str, np.ndarray]) -> EnsembleResult:
        s = self.setup
        current, current_error = self.current(arrays["crossings"])
        return EnsembleResult(
            **s.line_fields(arrays, columns=3),
            current=current,
            current_error=current_error,
            winding=arrays["particle_winding"],
            metadata={
                **s.metadata(),
                "kind": self.kind,
                "sde": "dx = -A dt + sqrt(2 D) dW (Ito)",
                "scheme": self.scheme.name,
                "weak_order": self.scheme.weak_order,
                "scheme_citation": self.scheme.citation,
                "boundary": self.boundary,
                **({"current": current, "current_error": current_error, "current_estimator": "net crossings of x_max per particle and unit time after burn-in"} if self.periodic else {}),
                "error_batches": s.n_chunks * s.time_blocks,
                "precision_reached": s.reached_precision(arrays),
            },
        )


@accepts_options(OverdampedOptions)
def run_ensemble(
    model: Model,
    mesh: Mesh,
    options: OverdampedOptions,
    *,
    progress: ProgressCallback | None = None,
) -> EnsembleResult:
    """Simulate ``n_particles`` independent particles of dx = -A dt + sqrt(2 D) dW (Ito).

    Unset ``dt``, ``t_end`` and ``sample_interval`` follow the rule of
    :meth:`~fpsolver.ensembles.options.LineEnsembleOptions.times` (the same as in a
    case file): with tau = L^2/(pi^2 D_min), t_end = 10 tau, dt = min(t_end/4000,
    L^2/(2000 D_max)) and a sample every tau/8. The run takes round(t_end / dt)
    steps; results depend on the seed and the chunk size, never on the thread count.

    Parameters
    ----------
    model, mesh
        Any fpsolver model and 1D mesh; the histogram bins are the mesh cells and
        the domain is the mesh's extent.
    [options]
    options
        An :class:`~fpsolver.ensembles.options.OverdampedOptions` (keywords given as well replace its values).
    progress
        ``progress(steps_done, total_steps)``, called between blocks of steps.

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ValueError
        For any invalid option (the one-line message names it), or a model that
        is invalid on the domain.
    TypeError
        For an option of the wrong type or an unknown keyword.
    """
    return OverdampedEnsemble(model, mesh, options=options).run(progress=progress)
