"""Sparse linear solves of the PDE solvers: SuperLU, or algebraic multigrid where LU stops scaling.

The systems are M-matrices (the pinned generator of the steady state, V - dt M of implicit
steps): nonsingular, diagonally dominant by columns, with the sparsity of the mesh.
Tridiagonal ones (1D meshes with walls) are factorised by LAPACK's tridiagonal LU with
partial pivoting (``gttrf``/``gttrs``: O(n), some 50 times faster to factorise than SuperLU
at n = 4000, which matters when adaptive steps change the step size). Otherwise SuperLU
(COLAMD ordering) solves them exactly and fast in 1D and on moderate 2D meshes, but its
fill-in grows like n^(4/3) (memory) and n^2 (time) on 3D grids and its time faster than
n on large 2D ones. There, ``"iterative"`` uses pyamg's
classical (Ruge-Stuben) algebraic multigrid as the preconditioner of GMRES (the matrices
are not symmetric), iterated to a relative residual of ``ITERATIVE_TOLERANCE``; without
pyamg it uses SciPy's incomplete LU (``spilu``) instead of multigrid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.sparse.linalg import LinearOperator, gmres, spilu, splu

Method = Literal["direct", "iterative"]

#: "auto" solves iteratively on 3D and 2D meshes with more cells than these
AUTO_ITERATIVE_CELLS = 20_000
AUTO_ITERATIVE_CELLS_2D = 250_000
ITERATIVE_TOLERANCE = 1e-12
MAX_ITERATIONS = 500


def choose(linear_solver: str, dimension: int, cells: int) -> Method:
    """The method ``linear_solver`` ("auto", "direct", "iterative") means on a mesh of that size."""
    if linear_solver not in ("auto", "direct", "iterative"):
        raise ValueError(f"linear_solver must be 'auto', 'direct' or 'iterative', got {linear_solver!r}")
    if linear_solver == "auto":
        large = (dimension == 3 and cells > AUTO_ITERATIVE_CELLS) or (dimension == 2 and cells > AUTO_ITERATIVE_CELLS_2D)
        return "iterative" if large else "direct"
    return linear_solver  # type: ignore[return-value]


def description(method: Method) -> str:
    """What ``method`` runs, for result metadata."""
    if method == "direct":
        return "SuperLU (COLAMD); LAPACK gttrf/gttrs for tridiagonal matrices"
    return f"GMRES preconditioned by {_preconditioner_name()} (relative residual {ITERATIVE_TOLERANCE:g})"


def _preconditioner_name() -> str:
    try:
        import pyamg  # noqa: F401
    except ImportError:
        return "SciPy incomplete LU (spilu; install pyamg for multigrid)"
    return "pyamg Ruge-Stuben algebraic multigrid"


def _preconditioner(matrix: sp.csr_matrix) -> LinearOperator:
    try:
        import pyamg
    except ImportError:
        ilu = spilu(matrix.tocsc(), drop_tol=1e-5, fill_factor=10)
        return LinearOperator(matrix.shape, ilu.solve)
    hierarchy = pyamg.ruge_stuben_solver(matrix.tocsr(), max_coarse=500)
    return hierarchy.aspreconditioner(cycle="V")


def _tridiagonal_solver(matrix: sp.spmatrix) -> Callable[[np.ndarray], np.ndarray] | None:
    """LAPACK's tridiagonal LU (partial pivoting) of ``matrix``, or None if it is not tridiagonal."""
    coo = matrix.tocoo()
    if matrix.shape[0] < 3 or np.any(np.abs(coo.row.astype(np.int64) - coo.col) > 1):
        return None
    lower, diagonal, upper, second, pivots, info = lapack.dgttrf(matrix.diagonal(-1), matrix.diagonal(0), matrix.diagonal(1))
    if info != 0:
        raise ValueError(f"singular tridiagonal matrix (zero pivot {info})")

    def solve(rhs: np.ndarray) -> np.ndarray:
        solution, _ = lapack.dgttrs(lower, diagonal, upper, second, pivots, rhs)
        return solution

    return solve


def factorize(matrix: sp.spmatrix, method: Method) -> Callable[[np.ndarray], np.ndarray]:
    """A function b -> x solving ``matrix @ x = b`` (factorisation or preconditioner built once).

    Raises
    ------
    RuntimeError
        If GMRES does not reach the tolerance in ``MAX_ITERATIONS`` iterations.
    """
    if method == "direct":
        tridiagonal = _tridiagonal_solver(matrix)
        return tridiagonal if tridiagonal is not None else splu(matrix.tocsc(), permc_spec="COLAMD").solve
    csr = matrix.tocsr()
    preconditioner = _preconditioner(csr)

    def solve(rhs: np.ndarray) -> np.ndarray:
        solution, info = gmres(csr, rhs, M=preconditioner, rtol=ITERATIVE_TOLERANCE, atol=0.0, restart=50, maxiter=MAX_ITERATIONS)
        if info != 0:
            raise RuntimeError(f"GMRES did not converge to a relative residual {ITERATIVE_TOLERANCE:g} (info {info}); try linear_solver = 'direct'")
        return solution

    return solve
