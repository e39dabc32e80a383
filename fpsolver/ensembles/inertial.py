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
(specular, elastic), or with ``boundary="absorbing"`` remove a particle whose position
leaves the domain (monitored after each A half-step) and record its exit time. Near
an absorbing wall the overdamped limit holds only beyond a kinetic boundary layer of
the thermal length l = sqrt(Gamma M)/gamma (sqrt(k_B T M)/gamma for the Ito model): the
small-mass mean exit times are those of the overdamped backward equation with the walls
moved out by the Milne extrapolation length -zeta(1/2) l = 1.4603 l (Hagan, Doering and
Levermore, SIAM J. Appl. Math. 49, 1480, 1989; -zeta(1/2)/sqrt(2) in units of
sqrt(2 k_B T M)/gamma), which tests/ensembles/test_ensemble_walls.py confirms.
Periodic walls are not offered (a periodic mesh is refused).
"""

from __future__ import annotations

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver.ensembles._compiled import over_threads
from fpsolver.ensembles._kernels import advance_inertial
from fpsolver.ensembles._random import ZIGGURAT_F, ZIGGURAT_X, fill_normals, normal_scratch
from fpsolver.ensembles._setup import ChunkedEnsemble, Kernel, LineSetup, ProgressCallback
from fpsolver.ensembles._tables import inertial_step_table, inertial_table
from fpsolver.ensembles.options import InertialOptions
from fpsolver.models.base import Model
from fpsolver.results.ensemble import InertialEnsembleResult, density_from_counts, moments_versus_time, ratio_with_error

# The velocity histogram spans +- this many thermal velocities sqrt(max Gamma/gamma / M).
_VELOCITY_SPAN = 6.0


#: Most domain lengths a thermal particle may move in one step (beyond, the walls are crossed
#: many times per step and large kicks overflow: a step of order M/gamma resolves the motion).
MAX_STEP_SPANS = 100


class InertialEnsemble(ChunkedEnsemble):
    """An inertial ensemble run, set up once; ``run()``, or ``run_chunks`` + ``merge``
    (see :class:`~fpsolver.ensembles._setup.ChunkedEnsemble`).

    The parameters are those of :func:`run_inertial_ensemble` (less ``progress``).
    """

    kind = "inertial"

    @accepts_options(InertialOptions)
    def __init__(self, model: Model, mesh: Mesh, options: InertialOptions) -> None:
        self.options = options
        if _fipy.is_periodic(mesh):
            raise ValueError("'mesh': the inertial ensemble has no periodic walls; use a mesh with walls (or the overdamped ensemble with boundary='periodic')")
        self.mass, self.v0, self.velocity_bins = options.mass, options.v0, options.velocity_bins
        self.boundary = options.boundary
        self.setup = LineSetup(model, mesh, options, interior_x0=options.boundary == "absorbing")
        model.require_one_noise_temperature("the inertial ensemble")
        self.table = inertial_table(model, self.setup.domain, options.table_points)
        thermal = np.sqrt(np.max(self.table.values[:, 2] / self.table.values[:, 1]) / self.mass)
        span = float(self.setup.domain[1] - self.setup.domain[0])
        if not np.isfinite(thermal) or thermal * self.setup.dt > MAX_STEP_SPANS * span:
            raise ValueError(
                f"'mass': M = {self.mass:g} gives thermal velocities of {thermal:.3g}, so one step dt = {self.setup.dt:.3g} moves a particle "
                f"{thermal * self.setup.dt / span:.3g} domain lengths (at most {MAX_STEP_SPANS}): use a larger mass or a smaller dt (~M/gamma)"
            )
        self.v_faces = np.linspace(-_VELOCITY_SPAN * thermal, _VELOCITY_SPAN * thermal, self.velocity_bins + 1)

    def parameters(self) -> dict[str, object]:
        return {"mass": self.mass, "v0": self.v0, "velocity_bins": self.velocity_bins, "boundary": self.boundary}

    def _initial_velocities(self, x: np.ndarray, bounds: np.ndarray, states: np.ndarray) -> np.ndarray:
        if self.v0 != "thermal":
            return np.full(x.size, float(self.v0))
        # Maxwell velocities at the local Gamma/gamma, from each chunk's own stream
        normals = np.empty(x.size)
        bits, missed = normal_scratch(self.setup.chunk_size)
        for c in range(bounds.size - 1):
            fill_normals(states[c], normals[bounds[c] : bounds[c + 1]], ZIGGURAT_X, ZIGGURAT_F, bits, missed)
        local = self.table.interpolate(x)
        return normals * np.sqrt(local[:, 2] / local[:, 1] / self.mass)

    def _start(self, chunk_ids: np.ndarray) -> Kernel:
        s = self.setup
        plan = s.plan(chunk_ids, columns=5)
        x, bounds = plan.x, plan.bounds
        v = self._initial_velocities(x, bounds, plan.states)
        v_histogram = np.zeros((chunk_ids.size, s.time_blocks, self.velocity_bins), dtype=np.int64)
        alive = np.ones(plan.particles.size, dtype=np.uint8)
        exit_time = np.full(plan.particles.size, np.nan)
        exit_side = np.zeros(plan.particles.size, dtype=np.int8)
        plan.record_start(x, v)
        lookup, table = s.lookup, self.table
        step_table = inertial_step_table(table, s.dt, self.mass)
        kick = table.interpolate(x)[:, 0] * (0.5 * s.dt / self.mass)
        v_min, v_inverse_width = self.v_faces[0], self.velocity_bins / (self.v_faces[-1] - self.v_faces[0])

        def advance(first_step: int, n_steps: int) -> None:
            over_threads(
                advance_inertial,
                bounds.size - 1,
                x,
                v,
                kick,
                plan.states,
                bounds,
                plan.normals,
                first_step,
                n_steps,
                s.n_steps,
                0.5 * s.dt,
                self.boundary == "absorbing",
                alive,
                exit_time,
                exit_side,
                s.domain[0],
                s.domain[1],
                step_table,
                table.x_min,
                table.inverse_spacing,
                ZIGGURAT_X,
                ZIGGURAT_F,
                lookup.kernel_arguments(),
                v_min,
                v_inverse_width,
                self.velocity_bins,
                s.burn_steps,
                s.sample_every,
                s.time_blocks,
                s.record_every,
                plan.histogram,
                v_histogram,
                plan.steady,
                plan.moments,
            )

        def finish() -> dict[str, np.ndarray]:
            x[alive == 0] = np.nan
            v[alive == 0] = np.nan
            return {
                "histogram": plan.histogram,
                "v_histogram": v_histogram,
                "steady": plan.steady,
                "moments": plan.moments,
                "particle_x": x,
                "particle_v": v,
                "particle_exit_time": exit_time,
                "particle_exit_side": exit_side,
            }

        return advance, finish, plan.particles.size

    def _result(self, arrays: dict[str, np.ndarray]) -> InertialEnsembleResult:
        s = self.setup
        batches = s.n_chunks * s.time_blocks
        v_counts = arrays["v_histogram"].reshape(batches, -1)
        steady = arrays["steady"].reshape(batches, 5)
        # the velocity density is normalised by all samples, so velocities outside the bins lower its mass
        v_widths = np.diff(self.v_faces)
        v_density = v_counts.sum(axis=0) / (steady[:, 0].sum() * v_widths)
        v_density_error = density_from_counts(np.column_stack([v_counts, steady[:, 0] - v_counts.sum(axis=1)]), np.append(v_widths, 1.0))[1][:-1]
        v_mean, v_mean_error = ratio_with_error(steady[:, 3], steady[:, 0])
        v_square, v_square_error = ratio_with_error(steady[:, 4], steady[:, 0])
        v_history = moments_versus_time(arrays["moments"], first=3)
        return InertialEnsembleResult(
            **s.line_fields(arrays, columns=5),
            v_faces=self.v_faces,
            v_density=v_density,
            v_density_error=v_density_error,
            v_outside=float(1.0 - v_counts.sum() / steady[:, 0].sum()),
            steady_v_mean=v_mean,
            steady_v_mean_error=v_mean_error,
            steady_v_square=v_square,
            steady_v_square_error=v_square_error,
            v_mean=v_history["mean"],
            v_variance=v_history["variance"],
            final_v=arrays["particle_v"],
            metadata={
                **s.metadata(),
                "kind": self.kind,
                "equation": "M x'' = F - gamma x' + F_L, <F_L F_L> = 2 Gamma delta",
                "scheme": "baoab",
                "scheme_citation": "BAOAB splitting, Leimkuhler & Matthews (2013); exact OU velocity step with local gamma, Gamma",
                "mass": self.mass,
                "v0": self.v0,
                "boundary": "reflecting (specular)" if self.boundary == "reflecting" else "absorbing",
                "error_batches": batches,
                "precision_reached": s.reached_precision(arrays),
            },
        )


@accepts_options(InertialOptions)
def run_inertial_ensemble(
    model: Model,
    mesh: Mesh,
    options: InertialOptions,
    *,
    progress: ProgressCallback | None = None,
) -> InertialEnsembleResult:
    """Simulate ``n_particles`` particles of M x'' = F - gamma x' + F_L (see module docstring).

    Unset ``dt``, ``t_end`` and ``sample_interval`` follow the rule of
    :func:`fpsolver.ensembles.run_ensemble`; ``mass`` is required.

    Parameters
    ----------
    model, mesh
        Any fpsolver model and 1D mesh; the histogram bins are the mesh cells.
    [options]
    options
        An :class:`~fpsolver.ensembles.options.InertialOptions` (keywords given as well replace its values).
    progress
        ``progress(steps_done, total_steps)``, called between blocks of steps.

    Returns
    -------
    InertialEnsembleResult

    Raises
    ------
    ValueError
        For any invalid option (the one-line message names it), or friction or
        noise intensity not > 0 on the domain.
    TypeError
        For an option of the wrong type, an unknown keyword or no ``mass``.
    """
    return InertialEnsemble(model, mesh, options=options).run(progress=progress)
