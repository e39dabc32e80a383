"""Options of the PDE solvers: one definition of every name, default and bound.

:func:`~fpsolver.pde.steady.solve_steady` takes :class:`SteadyOptions`,
:func:`~fpsolver.pde.transient.solve_transient` takes :class:`TransientOptions`
(keyword arguments of the same names, or ``options=``), and the case-file table
``[pde]`` copies its keys from them (:mod:`fpsolver.cases.schema`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fpsolver._options import NonPeriodicWall, Options

FaceVelocity = Literal["exact", "exact-flux", "pointwise"]
LinearSolver = Literal["auto", "direct", "iterative"]
TransientScheme = Literal["euler", "tr-bdf2"]
ErrorEstimate = Literal["embedded", "step-doubling"]
Boundary = NonPeriodicWall


class SteadyOptions(Options):
    """Options of the discretisation, shared by the steady and transient solvers."""

    face_velocity: FaceVelocity = Field(
        "exact",
        description='"exact" (zero-flux steady state exact at cell centres), "exact-flux" (also every constant-current 1D state, e.g. a periodic ratchet) or "pointwise" (2nd order)',
    )
    quadrature_order: int = Field(16, ge=1, description="Gauss-Legendre points per cell of the exact face velocities")
    linear_solver: LinearSolver = Field(
        "auto",
        description='"direct" (SuperLU), "iterative" (algebraic multigrid-preconditioned GMRES, pyamg) or "auto" (iterative above 20000 cells in 3D and 250000 in 2D, else direct)',
    )


class TransientOptions(SteadyOptions):
    """Options of :func:`~fpsolver.pde.transient.solve_transient` (time in the model's units)."""

    positional = ("t_end",)

    t_end: float = Field(1.0, gt=0, description="final time")
    dt: float | None = Field(None, gt=0, description="(initial) time step; default t_end/100")
    scheme: TransientScheme = Field("tr-bdf2", description='"euler" (order 1, positive) or "tr-bdf2" (order 2)')
    adaptive: bool = Field(False, description="adaptive time steps (local error estimate: error_estimate)")
    tolerance: float = Field(1e-5, gt=0, description="local error tolerance of adaptive steps (L1)")
    error_estimate: ErrorEstimate = Field(
        "embedded",
        description='local error of adaptive steps: "embedded" (from the stage values, PI step-size control) or "step-doubling" (one step against two half steps, 3 steps per step)',
    )
    boundary: Boundary | dict[str, Boundary] = Field(
        "reflecting",
        description='"reflecting" (mass conserved) or "absorbing" (P = 0 at the walls), for every wall or per wall group ({"left": "absorbing"}; groups of fpsolver._fipy.wall_faces)',
    )
    max_steps: int = Field(10_000_000, ge=1, description="accepted steps after which the solve stops with RuntimeError")
    checkpoint_every: int = Field(200, ge=1, description="accepted steps between calls of the checkpoint callback")
