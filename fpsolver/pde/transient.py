"""Implicit time stepping of the discretised Fokker-Planck equation.

With the volume-integrated generator M and cell volumes V (d(V P)/dt = M P), every
scheme advances P by increments z solved from (V - c h M) z = h M (...):

* ``"euler"`` — backward Euler, P^{n+1} = P^n + z with (V - dt M) z = dt M P^n. First
  order in dt, unconditionally stable, and positivity preserving (V - dt M is an M-matrix
  for the exponential scheme), so P >= 0 throughout.
* ``"tr-bdf2"`` — trapezoidal stage to t + g dt then BDF2, g = 2 - sqrt(2) (Bank et al.
  1985), as the singly diagonally implicit form of Hosea and Shampine (1996) (see
  :class:`TRBDF2`): both stages solve with the same matrix V - (g/2) dt M. Second order
  in dt and L-stable.

Mass: sum(V P) changes by sum(V z) per stage, which is zero in exact arithmetic with
reflecting walls (the columns of M sum to zero). In floating point two things broke this,
and both are avoided without renormalising anything: (1) solving for P itself leaves the
linear solve's residual (relative round-off of P, growing with the conditioning of the
step matrix) in the mass; solving for the increments z makes it relative to the small
change z instead; (2) ``M @ P`` sums rows in which the diagonal cancels the neighbours,
and the stored column sums are zero only to round-off of |M_ii|, which adds up
systematically over many steps; M P is therefore evaluated as the divergence of pairwise
fluxes (:meth:`~fpsolver.pde.operator.FokkerPlanckOperator.apply`), whose terms cancel
exactly when summed. Measured on D = 1 + 0.8 x^2, 4000 cells, 3546 steps: |mass - 1| =
9.5e-10 before, 8.7e-11 with (1) alone, 2.3e-14 with both. LU factorisations are kept per
step size with the operator (:meth:`~fpsolver.pde.operator.FokkerPlanckOperator.step_solver`),
so repeated runs reuse them.

Adaptive steps (``adaptive=True``), local error e measured as sum(V |e|) against ``tolerance``:

* ``error_estimate="embedded"`` (default): the scheme's own estimate from the stage values
  (:class:`TRBDF2`, :class:`BackwardEuler`; no extra factorisation, back-substitutions with
  the step's factors), a rejected step is retried shorter, and a PI controller picks the next
  step (``SAFETY``, ``PI_INTEGRAL``, ``PI_PROPORTIONAL``); factors within [1, 1.2) keep the step
  and its factorisation.
* ``"step-doubling"``: a step of dt against two of dt/2 (the latter is kept); dt moves by
  factors of 2 so factorisations are reused. Three steps per step.

The same code runs on 2D/3D meshes (the generator is assembled the same way); there
the mean and variance are recorded for every coordinate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver._validate import reals, within_budget
from fpsolver.models import Model
from fpsolver.models.base import check_model_and_mesh
from fpsolver.pde import linear
from fpsolver.pde.operator import FokkerPlanckOperator, build_operator
from fpsolver.pde.options import TransientOptions
from fpsolver.results.field import TransientSolution, provenance

ProgressCallback = Callable[[float, float], None]
#: Memory per accepted step of the recorded history (a tuple of t, mass, mean, variance).
HISTORY_BYTES_PER_STEP = 160
#: Adaptive steps shorter than this fraction of t_end (or of t) cannot advance t in floating point.
STEP_UNDERFLOW = 1e-13
#: PI step-size control of the embedded estimate (Hairer and Wanner, Solving ODE II, IV.2):
#: h_new = h SAFETY (1/r_n)^(0.7/k) r_(n-1)^(0.4/k), r = error/tolerance, k = estimate order + 1,
#: the factor bounded to [MIN_STEP_FACTOR, MAX_STEP_FACTOR]; factors in [1, KEEP_STEP_BELOW)
#: keep the step (and its factorisation).
SAFETY, PI_INTEGRAL, PI_PROPORTIONAL = 0.9, 0.7, 0.4
MIN_STEP_FACTOR, MAX_STEP_FACTOR, KEEP_STEP_BELOW = 0.2, 5.0, 1.2
#: error ratios are floored here (an exactly stationary state has zero estimate)
MIN_ERROR_RATIO = 1e-10


@dataclass
class TransientState:
    """Everything needed to continue a transient run exactly where it stopped.

    ``error_ratio`` is the last accepted error/tolerance of the embedded estimate (0: none yet,
    or a rejection since), which the PI step-size controller needs.
    ``history`` rows are (t, mass, mean per axis, variance per axis) of every accepted
    step (4 columns in 1D);
    ``snapshots`` are P at the snapshot times reached so far.
    """

    t: float
    P: np.ndarray
    dt: float
    steps: int = 0
    rejected: int = 0
    error_ratio: float = 0.0
    history: list[tuple[float, ...]] = field(default_factory=list)
    snapshots: list[np.ndarray] = field(default_factory=list)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for ``np.savez`` (see :meth:`from_arrays`)."""
        return {
            "scalars": np.array([self.t, self.dt, self.steps, self.rejected, self.error_ratio], dtype=float),
            "P": self.P,
            "history": np.array(self.history, dtype=float),
            "snapshots": np.array(self.snapshots, dtype=float).reshape(len(self.snapshots), self.P.size),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TransientState:
        t, dt, steps, rejected, *controller = arrays["scalars"]  # states saved before the PI controller have 4
        return cls(
            t=float(t),
            P=np.array(arrays["P"]),
            dt=float(dt),
            steps=int(steps),
            rejected=int(rejected),
            error_ratio=float(controller[0]) if controller else 0.0,
            history=[tuple(row) for row in np.asarray(arrays["history"])],
            snapshots=list(np.asarray(arrays["snapshots"])),
        )


class _Stepper:
    """One implicit scheme on an operator, in increment form (see the module docstring)."""

    order: int
    #: order of the embedded error estimate's local error, h^(estimate_order + 1)
    estimate_order: int
    name: str

    def __init__(self, operator: FokkerPlanckOperator, method: linear.Method = "direct") -> None:
        self.operator = operator
        self.volumes = operator.volumes
        self.method = method

    def _increment(self, base: np.ndarray, h: float, shift: float) -> np.ndarray:
        """z = h V^-1 M (base + shift z): solves (V - shift h M) z = h M base."""
        return self.operator.step_solver(shift * h, self.method)(h * self.operator.apply(base))

    def step(self, P: np.ndarray, dt: float) -> np.ndarray:
        return self.step_with_error(P, dt, estimate=False)[0]

    def step_with_error(self, P: np.ndarray, dt: float, *, estimate: bool = True) -> tuple[np.ndarray, float]:
        """P after one step of ``dt`` and, with ``estimate``, the embedded local error estimate
        sum(V |e|) (else NaN)."""
        raise NotImplementedError


class BackwardEuler(_Stepper):
    """P1 = P + z, (V - h M) z = h M P. Error estimate e = [(V - h M)^-1 V]^2 (z - z0)/2 with
    z0 = h V^-1 M P: half the change of h dP/dt over the step (the local error of backward
    Euler is -h^2 P''/2), filtered twice through the step matrix so that stiff, fast-decaying
    modes do not inflate it (see :class:`TRBDF2`)."""

    order = 1
    estimate_order = 1
    name = "euler"

    def step_with_error(self, P: np.ndarray, dt: float, *, estimate: bool = True) -> tuple[np.ndarray, float]:
        z = self._increment(P, dt, 1.0)
        if not estimate:
            return P + z, np.nan
        z0 = dt * self.operator.apply(P) / self.volumes
        solve = self.operator.step_solver(dt, self.method)
        error = solve(self.volumes * solve(0.5 * self.volumes * (z - z0)))
        return P + z, float(np.sum(self.volumes * np.abs(error)))


class TRBDF2(_Stepper):
    """TR-BDF2 with g = 2 - sqrt(2), written (Hosea and Shampine 1996) as the three-stage
    singly diagonally implicit Runge-Kutta method with d = g/2, w = sqrt(2)/4 and the
    scaled derivatives z_k = h V^-1 M Y_k:

        z1 = h V^-1 M P
        (V - d h M) z2 = h M (P + d z1)                 Y2 = P + d (z1 + z2) = P(t + g h)
        (V - d h M) z3 = h M (P + w z1 + w z2)          P1 = P + w z1 + w z2 + d z3

    Both stages solve with the same matrix (one factorisation per step size). The embedded
    third-order companion (weights (1 - w)/3, (3 w + 1)/3, d/3) gives the estimate of the
    local error of P1, filtered through the step matrix for stiff problems (Hosea and
    Shampine filter once; twice is needed here):

        e = [(V - d h M)^-1 V]^2 [ (4 w - 1)/3 z1 - z2/3 + 2 d/3 z3 ]

    (two more back-substitutions with the same factors, no new factorisation; e = O(h^3)).
    For a mode of M with h lambda = mu the unfiltered combination grows like mu and the once
    filtered one tends to 1.6 times the mode (while the true local error of this L-stable
    scheme tends to 0), so stiff, fast-decaying modes would dictate tiny steps; the twice
    filtered estimate follows the true local error R(mu) - exp(mu) within 25% for every
    mu from -0.01 to -1000."""

    order = 2
    estimate_order = 2
    name = "tr-bdf2"
    g = 2.0 - np.sqrt(2.0)
    d = 0.5 * g
    w = 0.25 * np.sqrt(2.0)

    def step_with_error(self, P: np.ndarray, dt: float, *, estimate: bool = True) -> tuple[np.ndarray, float]:
        d, w = self.d, self.w
        z1 = dt * self.operator.apply(P) / self.volumes
        z2 = self._increment(P + d * z1, dt, d)
        z3 = self._increment(P + w * (z1 + z2), dt, d)
        P1 = P + (w * (z1 + z2) + d * z3)
        if not estimate:
            return P1, np.nan
        combination = ((4.0 * w - 1.0) / 3.0) * z1 - z2 / 3.0 + (2.0 * d / 3.0) * z3
        solve = self.operator.step_solver(d * dt, self.method)
        error = solve(self.volumes * solve(self.volumes * combination))
        return P1, float(np.sum(self.volumes * np.abs(error)))


SCHEMES: dict[str, type[_Stepper]] = {"euler": BackwardEuler, "tr-bdf2": TRBDF2}


def _step_factor(ratio: float, previous: float, estimate_order: int) -> float:
    """Factor of the next step after an accepted one with error ratio ``ratio`` (<= 1), the
    previous accepted ratio ``previous`` (0: none, or a rejection in between: integral control alone)."""
    k = estimate_order + 1
    factor = SAFETY * ratio ** (-PI_INTEGRAL / k)
    if previous > 0:
        factor *= previous ** (PI_PROPORTIONAL / k)
    factor = min(max(factor, MIN_STEP_FACTOR), MAX_STEP_FACTOR)
    return 1.0 if 1.0 <= factor < KEEP_STEP_BELOW else factor


def _initial_density(P0: np.ndarray | Callable[[np.ndarray], np.ndarray], x: np.ndarray, volumes: np.ndarray) -> np.ndarray:
    if P0 is None:
        raise TypeError("'P0' must be an array of one value per cell or a function of x, got None")
    values = reals("P0", P0(x) if callable(P0) else P0, nonnegative=True)
    if values.shape != volumes.shape:
        raise ValueError(f"'P0' must have one value per cell ({volumes.size}), got shape {values.shape}")
    if values.max(initial=0.0) > 0:
        values = values / values.max()  # so that sum(P0 V) cannot overflow (P0 up to 1e308)
    mass = np.sum(values * volumes)
    if mass <= 0:
        raise ValueError("P0 has zero total probability")
    return values / mass


@accepts_options(TransientOptions)
def solve_transient(
    model: Model,
    mesh: Mesh,
    P0: np.ndarray | Callable[[np.ndarray], np.ndarray] | None,
    options: TransientOptions,
    *,
    times: Sequence[float] | None = None,
    progress: ProgressCallback | None = None,
    checkpoint: Callable[[TransientState], None] | None = None,
    resume: TransientState | None = None,
) -> TransientSolution:
    """Evolve P from ``P0`` (normalised to unit mass) to ``t_end``.

    Parameters
    ----------
    model, mesh
        Any fpsolver model and a FiPy mesh (1D, 2D or 3D).
    P0
        Initial density at the cell centres, or a function of x (of the points,
        shape (dim, n), on 2D/3D meshes); ignored when resuming.
    [options]
    options
        A :class:`~fpsolver.pde.options.TransientOptions` (keywords given as well replace its values).
    times
        Snapshot times in (0, t_end]; t_end is always included.
    progress
        Called as ``progress(t, t_end)`` after every accepted step.
    checkpoint
        ``checkpoint(state)`` is called every ``checkpoint_every`` accepted steps and
        at every snapshot time with a :class:`TransientState`.
    resume
        A state from a checkpoint of a run with the same arguments: the run goes on
        from there and gives bit-identical results to an uninterrupted run.

    Raises
    ------
    ValueError
        For a bad option (the message names it), initial density or snapshot times.
    """
    check_model_and_mesh(model, mesh)
    t_end, scheme, adaptive, tolerance = options.t_end, options.scheme, options.adaptive, options.tolerance
    dt = t_end / 100.0 if options.dt is None else options.dt
    snapshot_times = np.unique(np.append(reals("times", times if times is not None else []).ravel(), t_end))
    if snapshot_times[0] <= 0 or snapshot_times[-1] > t_end:
        raise ValueError(f"snapshot times ('times') must lie in (0, t_end] = (0, {t_end:g}], got {snapshot_times[0] if snapshot_times[0] <= 0 else snapshot_times[-1]:g}")
    if resume is not None and not isinstance(resume, TransientState):
        raise TypeError(f"'resume' must be a TransientState or None, got {type(resume).__name__}")
    steps = max(t_end / dt, snapshot_times.size)
    cells = int(mesh.numberOfCells)
    detail = f"t_end/dt = {t_end:g}/{dt:g}, {snapshot_times.size} snapshots of {cells} cells"
    within_budget("solve_transient", memory_bytes=HISTORY_BYTES_PER_STEP * steps + 8.0 * cells * snapshot_times.size, steps=steps, detail=detail)

    started = time.perf_counter()
    operator = build_operator(model, mesh, boundary=options.boundary, face_velocity=options.face_velocity, quadrature_order=options.quadrature_order)
    points, volumes = operator.x, operator.volumes
    by_axis = points.reshape(-1, volumes.size)
    solver = linear.choose(options.linear_solver, operator.dimension, volumes.size)
    stepper = SCHEMES[scheme](operator, solver)

    def observe(state: TransientState, t: float, P: np.ndarray) -> None:
        mass = np.sum(P * volumes)
        mean = np.sum(by_axis * P * volumes, axis=1) / mass
        state.history.append((t, mass, *mean, *(np.sum((by_axis - mean[:, None]) ** 2 * P * volumes, axis=1) / mass)))

    if resume is None:
        P = _initial_density(P0, points, volumes)
        state = TransientState(t=0.0, P=P, dt=dt)
        observe(state, 0.0, P)
    else:
        state = resume
        if state.P.shape != volumes.shape:
            raise ValueError("resume state does not match the mesh")

    for target in snapshot_times[len(state.snapshots) :]:
        while state.t < target * (1 - 1e-14):
            if state.steps >= options.max_steps:
                raise RuntimeError(f"solve_transient: exceeded max_steps={options.max_steps} at t={state.t:.6g}")
            h = min(state.dt, target - state.t)
            if adaptive and h <= STEP_UNDERFLOW * max(abs(state.t), t_end):
                raise RuntimeError(f"solve_transient: the adaptive step underflowed (dt = {h:.3g} at t = {state.t:.6g}): the tolerance {tolerance:g} cannot be met")
            if not adaptive:
                state.P = stepper.step(state.P, h)
            elif options.error_estimate == "step-doubling":
                coarse = stepper.step(state.P, h)
                fine = stepper.step(stepper.step(state.P, 0.5 * h), 0.5 * h)
                error = np.sum(volumes * np.abs(coarse - fine))
                if error > tolerance:
                    state.dt, state.rejected = 0.5 * h, state.rejected + 1
                    continue
                state.P = fine
                if error < tolerance / 2 ** (stepper.order + 2) and h == state.dt:
                    state.dt *= 2.0
            else:
                P_next, error = stepper.step_with_error(state.P, h)
                ratio = max(error / tolerance, MIN_ERROR_RATIO)
                if not ratio <= 1.0:  # also rejects a NaN estimate
                    factor = SAFETY * ratio ** (-1.0 / (stepper.estimate_order + 1)) if np.isfinite(ratio) else MIN_STEP_FACTOR
                    state.dt, state.rejected, state.error_ratio = h * max(factor, MIN_STEP_FACTOR), state.rejected + 1, 0.0
                    continue
                state.P = P_next
                proposal = h * _step_factor(ratio, state.error_ratio, stepper.estimate_order)
                state.dt = max(state.dt, proposal) if h < state.dt else proposal  # a step cut short at a snapshot keeps the step size
                state.error_ratio = ratio
            state.t = target if target - (state.t + h) <= 1e-14 * target else state.t + h
            state.steps += 1
            observe(state, state.t, state.P)
            if progress is not None:
                progress(state.t, t_end)
            if checkpoint is not None and state.steps % options.checkpoint_every == 0:
                checkpoint(state)
        state.snapshots.append(state.P.copy())
        if checkpoint is not None:
            checkpoint(state)

    history = np.array(state.history)
    dimension = by_axis.shape[0]
    mean, variance = history[:, 2 : 2 + dimension], history[:, 2 + dimension :]
    return TransientSolution(
        points=points.copy(),  # the operator's arrays are read-only (it may be cached and shared)
        volumes=volumes.copy(),
        t=history[:, 0],
        mass=history[:, 1],
        mean=mean[:, 0] if points.ndim == 1 else mean,
        variance=variance[:, 0] if points.ndim == 1 else variance,
        snapshot_times=snapshot_times,
        P=np.array(state.snapshots),
        model=model.describe(),
        metadata=provenance(
            mesh,
            started=started,
            solver="solve_transient",
            scheme=scheme,
            order_in_time=stepper.order,
            adaptive=adaptive,
            tolerance=tolerance if adaptive else None,
            error_estimate=options.error_estimate if adaptive else None,
            steps=state.steps,
            rejected_steps=state.rejected,
            boundary=options.boundary,
            face_velocity=options.face_velocity,
            linear_solver=solver,
            quadrature_order=options.quadrature_order,
            **_fipy.provenance(),
        ),
    )
