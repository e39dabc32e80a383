"""The one place where fpsolver imports FiPy and reads its internals.

Everything else in the package builds meshes, reads their geometry and assembles
the Fokker-Planck matrix through the small helpers below, so that a change of
FiPy's API is a change of this file only.

Solver suite. fpsolver uses FiPy to build meshes and to assemble the matrix of
``DiffusionTerm + ExponentialConvectionTerm``; it then solves with SciPy itself.
Reading the assembled matrix as a SciPy sparse matrix needs FiPy's SciPy suite.
FiPy picks its suite once, when ``fipy`` is first imported, from ``--petsc``,
``--trilinos``, ``--scipy`` or ``--pyamgx`` in ``sys.argv``, else from the
``FIPY_SOLVERS`` environment variable, else the first of PETSc, Trilinos, SciPy
that imports. This module therefore imports FiPy with ``FIPY_SOLVERS=scipy`` and
those flags hidden (both restored right after), whatever the user's environment
says. If FiPy was already imported with another suite (a program that imports
``fipy`` before ``fpsolver`` under ``FIPY_SOLVERS=petsc``), assembling raises
:class:`FiPySuiteError` with the fix. The suite in force is recorded in every
result's metadata (:func:`provenance`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

SUITE = "scipy"
_SUITE_FLAGS = ("--petsc", "--trilinos", "--scipy", "--pyamgx")


class FiPySuiteError(RuntimeError):
    """FiPy runs with a solver suite whose matrices fpsolver cannot read."""


@contextmanager
def _scipy_suite_requested() -> Iterator[None]:
    """Within the block, FiPy's suite selection (sys.argv flags, then FIPY_SOLVERS) asks for SciPy."""
    saved_argv, saved_request = sys.argv, os.environ.get("FIPY_SOLVERS")
    sys.argv = [argument for position, argument in enumerate(sys.argv) if position == 0 or argument.lower() not in _SUITE_FLAGS]
    os.environ["FIPY_SOLVERS"] = SUITE
    try:
        yield
    finally:
        sys.argv = saved_argv
        if saved_request is None:
            del os.environ["FIPY_SOLVERS"]
        else:
            os.environ["FIPY_SOLVERS"] = saved_request


if "fipy.solvers" in sys.modules:  # imported before fpsolver: its suite is fixed; checked when assembling
    import fipy
else:
    try:
        with _scipy_suite_requested():
            import fipy
    except ModuleNotFoundError:
        raise
    except ImportError as exc:  # FiPy's own "Unable to load solver scipy: ..."
        raise FiPySuiteError(f"FiPy could not load its SciPy solver suite, which fpsolver needs (the SciPy suite runs serially, not under MPI): {exc}") from None

#: The type of every FiPy mesh (``Grid1D/2D/3D``, cylindrical grids, ``Gmsh2D``, ...).
Mesh = fipy.meshes.mesh.Mesh


def active_suite() -> str:
    """The name of FiPy's solver suite in this process ("scipy", "petsc", "trilinos" or "pyamgx")."""
    return str(fipy.solvers.solver_suite)


def _require_scipy_suite() -> None:
    suite = active_suite()
    if suite != SUITE:
        raise FiPySuiteError(f"FiPy is running its {suite!r} solver suite but fpsolver needs {SUITE!r}: import fpsolver before fipy, or set FIPY_SOLVERS={SUITE} (and pass no --{suite} flag)")


def provenance() -> dict[str, str]:
    """FiPy version and solver suite, for result metadata."""
    return {"fipy_version": str(fipy.__version__), "fipy_solvers": active_suite()}


# --- mesh construction -------------------------------------------------------


def grid_1d(x_min: float, dx: float | np.ndarray, cells: int) -> Mesh:
    """FiPy ``Grid1D`` of ``cells`` cells starting at ``x_min``: uniform for a scalar ``dx``, else widths ``dx``."""
    if np.ndim(dx) > 0 and np.size(dx) == 1:  # FiPy wants a scalar width for a single cell
        dx = float(np.ravel(dx)[0])
    return fipy.Grid1D(dx=dx, nx=int(cells)) + ((float(x_min),),)


def _grid_arguments(widths: list[np.ndarray]) -> dict[str, object]:
    """dx, nx, dy, ny[, dz, nz] of FiPy's grids: a scalar width where an axis is uniform (FiPy's
    uniform grids build far faster than its non-uniform ones)."""
    arguments: dict[str, object] = {}
    for axis, w in zip("xyz", widths):
        arguments[f"d{axis}"] = float(w[0]) if np.all(w == w[0]) else w
        arguments[f"n{axis}"] = w.size
    return arguments


def grid_nd(widths: list[np.ndarray], origin: tuple[float, ...]) -> Mesh:
    """FiPy ``Grid2D``/``Grid3D`` with the given cell widths per axis, shifted to ``origin``."""
    arguments = _grid_arguments(widths)
    mesh = fipy.Grid2D(**arguments) if len(widths) == 2 else fipy.Grid3D(**arguments)
    return mesh + tuple((float(o),) for o in origin)


#: FiPy's periodic grids by dimension and periodic axes ("x", "y", "z").
_PERIODIC_GRIDS = {
    ("x",): "PeriodicGrid1D",
    ("x", "y"): "PeriodicGrid2D",
    ("x", "2d"): "PeriodicGrid2DLeftRight",
    ("y", "2d"): "PeriodicGrid2DTopBottom",
    ("x", "y", "z"): "PeriodicGrid3D",
    ("x", "3d"): "PeriodicGrid3DLeftRight",
    ("y", "3d"): "PeriodicGrid3DTopBottom",
    ("z", "3d"): "PeriodicGrid3DFrontBack",
    ("x", "y", "3d"): "PeriodicGrid3DLeftRightTopBottom",
    ("x", "z", "3d"): "PeriodicGrid3DLeftRightFrontBack",
    ("y", "z", "3d"): "PeriodicGrid3DTopBottomFrontBack",
}


def periodic_grid(widths: list[np.ndarray], origin: tuple[float, ...], periodic: tuple[str, ...]) -> Mesh:
    """FiPy ``PeriodicGrid1D/2D/3D...`` with the given cell widths per axis, periodic along the axes
    ``periodic`` (a sorted subset of "x", "y", "z"), shifted to ``origin``.

    Raises
    ------
    ValueError
        If no FiPy periodic grid has these periodic axes.
    """
    dimension = len(widths)
    axes = "xyz"[:dimension]
    key = tuple(periodic) if len(periodic) == dimension else (*periodic, f"{dimension}d")
    if not periodic or any(axis not in axes for axis in periodic) or key not in _PERIODIC_GRIDS:
        raise ValueError(f"no periodic {dimension}D grid is periodic along {', '.join(periodic) or 'no axis'}")
    arguments = _grid_arguments(widths)
    return getattr(fipy, _PERIODIC_GRIDS[key])(**arguments) + tuple((float(o),) for o in origin)


def cylindrical_grid(widths: list[np.ndarray], origin: tuple[float, float]) -> Mesh:
    """FiPy ``CylindricalGrid2D`` with cell widths (dr, dz) starting at (r, z) = ``origin`` (r >= 0)."""
    dr, dz = widths
    mesh = fipy.CylindricalGrid2D(dr=dr if dr.size > 1 else float(dr[0]), dz=dz if dz.size > 1 else float(dz[0]), nr=dr.size, nz=dz.size)
    return mesh + ((float(origin[0]),), (float(origin[1]),))


def gmsh_2d(geo_text: str) -> Mesh:
    """FiPy ``Gmsh2D`` meshed from the text of a ``.geo`` file (runs the ``gmsh`` executable).

    Raises
    ------
    ValueError
        If Gmsh rejects the geometry or produces no cells (the message quotes Gmsh's first error).
    """
    messages: list[str] = []
    with _captured_stderr(messages):
        try:
            return fipy.Gmsh2D(geo_text)
        except fipy.GmshException as exc:
            messages.append(str(exc))
    lines = [line.strip() for line in "\n".join(messages).splitlines()]
    errors = [line for line in lines if line.startswith("Error") and line.removeprefix("Error").strip(" :-")]
    raise ValueError(f"Gmsh rejected the geometry: {errors[0] if errors else 'it produced no 2D cells'}")


@contextmanager
def _captured_stderr(messages: list[str]) -> Iterator[None]:
    """Within the block, file descriptor 2 (where the gmsh executable writes its messages) goes
    to a temporary file whose text is appended to ``messages`` at the end."""
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            log.seek(0)
            messages.append(log.read())


def is_periodic(mesh: Mesh) -> bool:
    """Whether ``mesh`` is one of FiPy's periodic grids (some faces connect opposite walls)."""
    return type(mesh).__name__ in _PERIODIC_GRIDS.values()


def periodic_axes(mesh: Mesh) -> tuple[int, ...]:
    """Indices of the axes along which ``mesh`` is periodic (empty for non-periodic meshes)."""
    name = type(mesh).__name__
    for key, grid in _PERIODIC_GRIDS.items():
        if grid == name:
            return tuple("xyz".index(axis) for axis in key if axis in "xyz")
    return ()


# --- mesh geometry (plain NumPy arrays) ----------------------------------------


def dimension(mesh: Mesh) -> int:
    """Number of space dimensions of ``mesh``."""
    return int(mesh.dim)


def cell_centers(mesh: Mesh) -> np.ndarray:
    """Cell centres, shape (dim, n_cells).

    FiPy's ``PeriodicGrid1D`` reports its centres modulo the period (so a grid shifted to
    [-1, 0] has centres in [0, 1]); the geometric centres of the generic mesh are used instead.
    """
    centers = fipy.meshes.mesh.Mesh.cellCenters.fget(mesh) if is_periodic(mesh) else mesh.cellCenters
    return np.asarray(centers.value, dtype=float).reshape(mesh.dim, -1)


def face_centers(mesh: Mesh) -> np.ndarray:
    """Face centres, shape (dim, n_faces)."""
    return np.asarray(mesh.faceCenters.value, dtype=float).reshape(mesh.dim, -1)


def vertex_coordinates(mesh: Mesh) -> np.ndarray:
    """Vertex coordinates, shape (dim, n_vertices)."""
    return np.asarray(mesh.vertexCoords, dtype=float).reshape(mesh.dim, -1)


def triangle_vertices(mesh: Mesh) -> np.ndarray:
    """Corner coordinates of the cells of a 2D triangle mesh, shape (2, 3, n_cells);
    ``ValueError`` for a mesh with other cells."""
    ids = np.ma.getdata(mesh._orderedCellVertexIDs)
    if mesh.dim != 2 or ids.shape[0] != 3 or np.ma.is_masked(mesh._orderedCellVertexIDs):
        raise ValueError("mesh: needs a 2D mesh of triangles")
    return vertex_coordinates(mesh)[:, ids]


def cell_volumes(mesh: Mesh) -> np.ndarray:
    """Cell volumes (lengths in 1D, areas in 2D; per radian on cylindrical meshes), shape (n_cells,)."""
    return np.asarray(mesh.cellVolumes, dtype=float)


def interior_faces(mesh: Mesh) -> np.ndarray:
    """Ids of the faces between two cells."""
    return np.flatnonzero(np.asarray(mesh.interiorFaces.value))


def face_cells(mesh: Mesh, faces: np.ndarray) -> np.ndarray:
    """The two cells of each of the interior ``faces``, shape (2, len(faces)), in FiPy's ``faceCellIDs`` order."""
    return np.asarray(mesh.faceCellIDs.data)[:, faces]


def face_normals(mesh: Mesh) -> np.ndarray:
    """Unit face normals (FiPy's orientation), shape (dim, n_faces): a copy, free to modify."""
    return np.array(mesh.faceNormals, dtype=float)


def face_areas(mesh: Mesh) -> np.ndarray:
    """Face areas (1 in 1D, lengths in 2D; per radian on cylindrical meshes: r dz or r dr), shape (n_faces,),
    in the units of :func:`cell_volumes` (FiPy's ``scaledFaceAreas``, as its ``cellVolumes`` are scaled)."""
    return np.asarray(mesh.scaledFaceAreas, dtype=float)


def cell_distances(mesh: Mesh) -> np.ndarray:
    """The distance d_f FiPy's convection terms use on each face (between the two cell centres
    on interior faces), shape (n_faces,).

    This is FiPy's private ``_cellDistances``: grids compute it from their spacings, so it can
    differ in the last bits from the norm of the public ``cellDistanceVectors``, and the
    ``"exact"`` face velocities must use the very d_f of FiPy's Peclet number.
    """
    return np.asarray(mesh._cellDistances, dtype=float)


# --- assembly --------------------------------------------------------------------

#: |Pe| below which FiPy's exponential scheme switches to central differencing
#: (fipy/terms/exponentialConvectionTerm.py).
CENTRAL_PECLET = 1e-3


def exponential_scheme_peclet(exact_peclet: np.ndarray) -> np.ndarray:
    """The face Peclet number to hand FiPy so that its scheme reproduces exp(-q) exactly.

    FiPy's exponential scheme falls back to central differencing (alpha = 1/2) when
    |Pe| < 1e-3. Central differencing gives the zero-flux ratio P_r/P_l =
    (1 - Pe/2)/(1 + Pe/2), which equals exp(-q) for Pe = 2 tanh(q/2); elsewhere the
    exponential branch is exact with Pe = q. (Without this, the O(Pe^3) error per face
    adds up to ~1e-8 in L1 at 1e4 cells.)
    """
    central = 2.0 * np.tanh(0.5 * exact_peclet)
    return np.where(np.abs(central) < CENTRAL_PECLET, central, exact_peclet)


def wall_faces(mesh: Mesh) -> dict[str, np.ndarray]:
    """Exterior face ids by wall group: "left", "right" (x), "bottom", "top" (y), "front", "back" (z)
    on grids; "walls" (every exterior face) on any mesh. FiPy's periodic grids have no exterior
    faces on their periodic axes (the duplicate faces there carry no flux)."""
    exterior = np.asarray(mesh.exteriorFaces.value, dtype=bool)
    groups = {"walls": np.flatnonzero(exterior)}
    if type(mesh).__name__.startswith("Gmsh"):
        return groups
    for name, attribute in (("left", "facesLeft"), ("right", "facesRight"), ("bottom", "facesBottom"), ("top", "facesTop"), ("front", "facesFront"), ("back", "facesBack"))[: 2 * mesh.dim]:
        groups[name] = np.flatnonzero(np.asarray(getattr(mesh, attribute).value, dtype=bool) & exterior)
    return groups


def exponential_scheme_weight(peclet: np.ndarray) -> np.ndarray:
    """g(Pe) with FiPy's coefficient of the upwind-side cell P_left in the face flux being
    (D_f / d_f) g(Pe): Pe / (exp(Pe) - 1) on the exponential branch, 1 - Pe/2 where FiPy
    differences centrally (|Pe| < ``CENTRAL_PECLET``)."""
    peclet = np.asarray(peclet, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        exponential = np.where(peclet == 0.0, 1.0, peclet / np.expm1(peclet))
    return np.where(np.abs(peclet) < CENTRAL_PECLET, 1.0 - 0.5 * peclet, exponential)


def assemble_generator(mesh: Mesh, D_faces: np.ndarray, u_faces: np.ndarray, *, absorbing: bool | np.ndarray) -> sp.csr_matrix:
    """Matrix M of ``DiffusionTerm(D) + ExponentialConvectionTerm(u)`` on ``mesh``: d(V P)/dt = M P.

    Parameters
    ----------
    D_faces
        Diffusion coefficient on every face, shape (n_faces,).
    u_faces
        Convection velocity on every face, shape (dim, n_faces).
    absorbing
        P = 0 on the exterior faces (``True``), on the face ids given (an array), or nowhere
        (``False``: zero-flux walls).

    Raises
    ------
    FiPySuiteError
        If FiPy runs a solver suite other than SciPy's.
    """
    _require_scipy_suite()
    P = fipy.CellVariable(mesh=mesh, value=0.0)
    if isinstance(absorbing, np.ndarray):
        if absorbing.size:
            mask = np.zeros(mesh.numberOfFaces, dtype=bool)
            mask[absorbing] = True
            P.constrain(0.0, fipy.FaceVariable(mesh=mesh, value=mask))
    elif absorbing:
        P.constrain(0.0, mesh.exteriorFaces)
    equation = fipy.DiffusionTerm(coeff=fipy.FaceVariable(mesh=mesh, value=D_faces)) + fipy.ExponentialConvectionTerm(coeff=fipy.FaceVariable(mesh=mesh, rank=1, value=u_faces))
    equation.cacheMatrix()
    # On cylindrical meshes the faces on the axis r = 0 have zero area, so FiPy's face
    # Peclet number there is 0/0; those wall faces carry no flux and never enter the
    # matrix, so the invalid value is harmless (the caller checks the matrix) and is not an error.
    with np.errstate(invalid="ignore", divide="ignore"):
        equation.justResidualVector(var=P)
    return sp.csr_matrix(equation.matrix.matrix)
