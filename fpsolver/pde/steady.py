"""Direct steady-state solve of the discretised Fokker-Planck equation (1D, 2D, 3D)."""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._options import accepts_options
from fpsolver.models import Model
from fpsolver.pde import linear
from fpsolver.pde.operator import FokkerPlanckOperator, build_operator
from fpsolver.pde.options import SteadyOptions
from fpsolver.results.field import SteadyState, provenance

# If the pinned cell's density is this many times below the maximum, pin again at
# the maximum (keeps the solved values O(1) and away from overflow).
REPIN_RATIO = 1e8


def stationary_density(operator: FokkerPlanckOperator, method: linear.Method = "direct") -> tuple[np.ndarray, float]:
    """Normalised null vector of the generator: M P = 0 with sum(P V) = 1.

    With zero-flux walls M is singular (its columns sum to zero). In 1D every face
    joins two neighbouring cells and row i of M P = 0 says that the fluxes through
    the two faces of cell i are equal; with zero flux at the walls, every face flux
    F = M[r, l] P_l - M[l, r] P_r vanishes. This direct solve is therefore the
    recurrence ln P_r = ln P_l + ln M[r, l] - ln M[l, r] along the chain of cells
    (O(N), no pivoting, relative round-off ~ sqrt(N) eps), followed by the
    normalisation. On 2D/3D meshes and on rings (where a constant current may flow) the
    null vector comes from pinning one cell (:func:`_pinned_null_vector`), solved by
    ``method`` (:mod:`fpsolver.pde.linear`). Returns the density and the relative residual
    |M P|_1 / (sum |M| max P).
    """
    if operator.absorbing:
        raise ValueError("no normalisable steady state with absorbing walls: use solve_transient")
    if operator.dimension > 1 or operator.periodic_axes:
        return _pinned_null_vector(operator, method)
    matrix = operator.matrix
    order = np.argsort(operator.x)
    left, right = order[:-1], order[1:]
    forward = np.asarray(matrix[right, left]).ravel()
    backward = np.asarray(matrix[left, right]).ravel()
    if np.any(forward <= 0) or np.any(backward <= 0):
        raise ValueError("the discrete operator does not couple neighbouring cells positively: the drift is too strong for this mesh (|∫A/D dx| between cells must stay below ~700)")
    log_P = np.empty(order.size)
    log_P[order] = np.concatenate([[0.0], np.cumsum(np.log(forward) - np.log(backward))])
    P = np.exp(log_P - log_P.max())
    P /= np.sum(P * operator.volumes)
    return P, _relative_residual(matrix, P)


def _relative_residual(matrix: sp.csr_matrix, P: np.ndarray) -> float:
    scale = abs(matrix).sum() * P.max()
    return float(np.abs(matrix @ P).sum() / scale) if scale > 0 else 0.0


def _solve_pinned(matrix: sp.csr_matrix, pin: int, method: linear.Method) -> np.ndarray:
    keep = np.ones(matrix.shape[0], dtype=bool)
    keep[pin] = False
    reduced = matrix[keep][:, keep]
    rhs = -np.asarray(matrix[keep][:, [pin]].todense()).ravel()
    P = np.empty(matrix.shape[0])
    P[pin] = 1.0
    P[keep] = linear.factorize(reduced, method)(rhs)
    return P


def _pinned_null_vector(operator: FokkerPlanckOperator, method: linear.Method = "direct") -> tuple[np.ndarray, float]:
    """Null vector of M in 2D/3D by pinning one cell, then sum(P V) = 1.

    Why pinning: with reflecting walls the columns of M sum to zero and its
    off-diagonal entries are >= 0 (the exponential scheme), so -M is a singular
    M-matrix; on a connected mesh it is irreducible, its null space is one-dimensional
    and spanned by a positive vector, and every proper principal submatrix is a
    nonsingular M-matrix. Setting P_k = 1 and deleting row and column k gives the
    sparse nonsingular system M_red P_red = -M[:, k] whose solution is >= 0 (the
    right-hand side is >= 0 and M_red^-1 <= 0 elementwise). The deleted row holds
    automatically because the columns of M sum to zero. This keeps the sparsity of
    M, so SuperLU with a COLAMD ordering factorises it as fast as a transient step;
    replacing a row by the dense normalisation row instead creates a dense row that
    ruins the fill-in, and a bordered system would need an iterative solver and a
    preconditioner for an indefinite matrix.

    k is the cell of smallest D (where the free Ito density ∝ 1/D peaks); if P_k
    ends up more than ``REPIN_RATIO`` below max P, the solve is repeated pinned at
    the maximum so the solved values stay O(1).
    """
    matrix = operator.matrix
    P = _solve_pinned(matrix, int(np.argmin(operator.D_cells)), method)
    if not np.all(np.isfinite(P)) or P.max() > REPIN_RATIO:
        P = _solve_pinned(matrix, int(np.nanargmax(np.where(np.isfinite(P), P, -np.inf))), method)
    if not np.all(np.isfinite(P)):
        raise ValueError("steady-state solve failed (non-finite values): is the mesh connected and D > 0?")
    # round-off can leave tiny negative values where P is ~0; the exact solution is >= 0
    P = np.maximum(P, 0.0)
    P /= np.sum(P * operator.volumes)
    return P, _relative_residual(matrix, P)


@accepts_options(SteadyOptions)
def solve_steady(model: Model, mesh: Mesh, options: SteadyOptions) -> SteadyState:
    """Zero-flux steady state of ``model`` on ``mesh`` (FiPy exponential scheme).

    Solves 0 = div[A P + grad(D P)] with reflecting walls and sum(P V) = 1 directly
    (no time stepping). With ``face_velocity="exact"`` the result equals the exact
    zero-flux density at the cell centres to round-off on any mesh (in 2D/3D
    whenever A/D is a gradient, see :mod:`fpsolver.pde.operator`); with
    ``"pointwise"`` it is second order in the cell size.

    Returns a :class:`~fpsolver.results.field.SteadyState` in any dimension (solved by
    the zero-flux recurrence on 1D meshes and by pinning one cell on 2D/3D meshes and
    rings, see :func:`_pinned_null_vector`; the linear solver used is in
    ``metadata["linear_solver"]``). On a 1D periodic mesh the steady state may carry a
    constant current (a ratchet; ``metadata["current"]``, 1/time), exact at the cell
    centres with ``face_velocity="exact-flux"``.

    Parameters
    ----------
    model, mesh
        Any fpsolver model and a FiPy mesh (1D, 2D or 3D).
    [options]
    options
        A :class:`~fpsolver.pde.options.SteadyOptions` (keywords given as well replace its values).

    Raises
    ------
    ValueError
        For unphysical parameters (T <= 0, eta_eff <= 0, ...) or a bad mesh.
    """
    started = time.perf_counter()
    face_velocity, quadrature_order = options.face_velocity, options.quadrature_order
    operator = build_operator(model, mesh, face_velocity=face_velocity, quadrature_order=quadrature_order)
    pinned = operator.dimension > 1 or bool(operator.periodic_axes)
    solver = linear.choose(options.linear_solver, operator.dimension, operator.volumes.size) if pinned else "direct"
    P, residual = stationary_density(operator, solver)
    method = f"null vector by pinning one cell ({linear.description(solver)})" if pinned else "zero-flux recurrence on the assembled matrix"
    periodic = {"periodic_axes": ["xyz"[axis] for axis in operator.periodic_axes]} if operator.periodic_axes else {}
    if operator.periodic_axes and operator.dimension == 1:
        periodic["current"] = operator.current(P)
    return SteadyState(
        points=operator.x.copy(),  # the operator's arrays are read-only (it may be cached and shared)
        P=P,
        volumes=operator.volumes.copy(),
        face_points=operator.x_faces.copy(),
        J=operator.face_flux(P),
        face_cells=operator.face_cells.copy(),
        face_vectors=operator.face_vectors.copy(),
        J_scale=float(np.max(np.add(*operator.one_way_rates(P)), initial=0.0)),
        model=model.describe(),
        metadata=provenance(
            mesh,
            started=started,
            solver="solve_steady",
            method=f"FiPy DiffusionTerm + ExponentialConvectionTerm; {method}",
            **_fipy.provenance(),
            face_velocity=face_velocity,
            quadrature_order=quadrature_order,
            linear_solver=solver,
            relative_residual=residual,
            **periodic,
        ),
    )
