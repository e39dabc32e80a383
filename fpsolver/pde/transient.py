"""Implicit time stepping of the discretised Fokker-Planck equation.

With the volume-integrated generator M and cell volumes V (d(V P)/dt = M P):

* ``"euler"`` — backward Euler, (V - dt M) P^{n+1} = V P^n. First order in dt,
  unconditionally stable, and positivity preserving (V - dt M is an M-matrix for the
  exponential scheme), so P >= 0 throughout.
* ``"tr-bdf2"`` — trapezoidal stage to t + g dt then BDF2, g = 2 - sqrt(2)
  (Bank et al. 1985; Hosea and Shampine 1996). Second order in dt and L-stable.

Both conserve sum(V P) to round-off with reflecting walls (the columns of M sum to
zero). LU factorisations are computed once per step size and reused. Adaptive steps
use step doubling: a step of dt is compared with two of dt/2 (the latter is kept),
error = sum(V |P_1 - P_2|), and dt moves by factors of 2 so factorisations are reused.

The same code runs on 2D/3D meshes (the generator is assembled the same way); there
the mean and variance are recorded for every coordinate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver._validate import reals, within_budget
from fpsolver.models import Model
from fpsolver.models.base import check_model_and_mesh
from fpsolver.pde import linear
from fpsolver.pde.operator import build_operator
from fpsolver.pde.options import TransientOptions
from fpsolver.results.field import TransientSolution, provenance

ProgressCallback = Callable[[float, float], None]
#: Memory per accepted step of the recorded history (a tuple of t, mass, mean, variance).
HISTORY_BYTES_PER_STEP = 160
#: Adaptive steps shorter than this fraction of t_end (or of t) cannot advance t in floating point.
STEP_UNDERFLOW = 1e-13


@dataclass
class TransientState:
    """Everything needed to continue a transient run exactly where it stopped.

    ``history`` rows are (t, mass, mean per axis, variance per axis) of every accepted
    step (4 columns in 1D);
    ``snapshots`` are P at the snapshot times reached so far.
    """

    t: float
    P: np.ndarray
    dt: float
    steps: int = 0
    rejected: int = 0
    history: list[tuple[float, ...]] = field(default_factory=list)
    snapshots: list[np.ndarray] = field(default_factory=list)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for ``np.savez`` (see :meth:`from_arrays`)."""
        return {
            "scalars": np.array([self.t, self.dt, self.steps, self.rejected], dtype=float),
            "P": self.P,
            "history": np.array(self.history, dtype=float),
            "snapshots": np.array(self.snapshots, dtype=float).reshape(len(self.snapshots), self.P.size),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TransientState:
        t, dt, steps, rejected = arrays["scalars"]
        return cls(
            t=float(t),
            P=np.array(arrays["P"]),
            dt=float(dt),
            steps=int(steps),
            rejected=int(rejected),
            history=[tuple(row) for row in np.asarray(arrays["history"])],
            snapshots=list(np.asarray(arrays["snapshots"])),
        )


class _Stepper:
    """One implicit scheme with cached LU factorisations per step size."""

    order: int
    name: str

    def __init__(self, matrix: sp.csr_matrix, volumes: np.ndarray, method: linear.Method = "direct") -> None:
        self.matrix = matrix.tocsc()
        self.volumes = volumes
        self.method = method
        self._lu: dict[float, object] = {}

    def _solver(self, shift: float):
        """Solver of (V - shift M) x = b (LU or multigrid, see :mod:`fpsolver.pde.linear`), with ``.solve(b)``."""
        if shift not in self._lu:
            if len(self._lu) > 32:
                self._lu.clear()
            self._lu[shift] = _Solve(linear.factorize(sp.diags(self.volumes) - shift * self.matrix, self.method))
        return self._lu[shift]

    def step(self, P: np.ndarray, dt: float) -> np.ndarray:
        raise NotImplementedError


@dataclass(frozen=True)
class _Solve:
    solve: Callable[[np.ndarray], np.ndarray]


class BackwardEuler(_Stepper):
    order = 1
    name = "euler"

    def step(self, P: np.ndarray, dt: float) -> np.ndarray:
        return self._solver(dt).solve(self.volumes * P)


class TRBDF2(_Stepper):
    order = 2
    name = "tr-bdf2"
    g = 2.0 - np.sqrt(2.0)

    def step(self, P: np.ndarray, dt: float) -> np.ndarray:
        g = self.g
        stage = self._solver(0.5 * g * dt).solve(self.volumes * P + 0.5 * g * dt * (self.matrix @ P))
        a = 1.0 / (g * (2.0 - g))
        b = (1.0 - g) ** 2 / (g * (2.0 - g))
        return self._solver((1.0 - g) / (2.0 - g) * dt).solve(self.volumes * (a * stage - b * P))


SCHEMES: dict[str, type[_Stepper]] = {"euler": BackwardEuler, "tr-bdf2": TRBDF2}


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
    stepper = SCHEMES[scheme](operator.matrix, volumes, solver)

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
            if adaptive:
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
                state.P = stepper.step(state.P, h)
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
        points=points,
        volumes=volumes,
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
            steps=state.steps,
            rejected_steps=state.rejected,
            boundary=options.boundary,
            face_velocity=options.face_velocity,
            linear_solver=solver,
            quadrature_order=options.quadrature_order,
            **_fipy.provenance(),
        ),
    )
