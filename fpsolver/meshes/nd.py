"""2D and 3D meshes for the Fokker-Planck solvers, and their coordinates.

Every function returns a FiPy mesh; the solvers accept any FiPy mesh a user builds
(``Grid2D``, ``Grid3D``, non-uniform grids, ``CylindricalGrid1D/2D``, ``Gmsh2D``).
Gmsh geometries live as ``.geo`` files in the package's named meshes (``fpsolver/meshes/data/``)
(``disc.geo``: the unit disc, parameters ``radius`` and ``cellSize``); meshing
them needs the ``gmsh`` executable on PATH (``pip install gmsh``).

Coordinates: cell and face centres as arrays of shape (dim, n); on cylindrical
meshes they are (r[, z]) and the cell volumes are r dr (dz) per radian (FiPy's
convention), so sum(P V) = 1 normalises P per radian there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver.meshes.builders import MESH_DIR

__all__ = ["grid", "nonuniform_grid", "gmsh_mesh", "disc", "cell_points", "face_points", "bounding_box"]


def grid(lower: tuple[float, ...], upper: tuple[float, ...], cells: tuple[int, ...]) -> Mesh:
    """Uniform ``Grid2D``/``Grid3D`` on the box [lower, upper] with ``cells`` cells per axis."""
    return nonuniform_grid(*(np.full(n, (hi - lo) / n) for lo, hi, n in zip(lower, upper, cells, strict=True)), origin=lower)


def nonuniform_grid(*spacings: np.ndarray, origin: tuple[float, ...] | None = None) -> Mesh:
    """``Grid2D``/``Grid3D`` with the given cell widths along each axis, shifted to ``origin``."""
    if len(spacings) not in (2, 3):
        raise ValueError(f"mesh: give 2 or 3 arrays of cell widths, got {len(spacings)}")
    widths = [np.atleast_1d(np.asarray(s, dtype=float)) for s in spacings]
    for axis, w in zip("xyz", widths):
        if w.size == 0 or not np.all(np.isfinite(w) & (w > 0)):
            raise ValueError(f"mesh: every cell width along {axis} must be finite and > 0")
    origin = tuple(0.0 for _ in widths) if origin is None else tuple(float(o) for o in origin)
    return _fipy.grid_nd(widths, origin)


def gmsh_mesh(geo: str | Path, **parameters: float) -> Mesh:
    """Mesh a 2D ``.geo`` file with Gmsh (via FiPy's ``Gmsh2D``).

    Parameters
    ----------
    geo
        Path of a ``.geo`` file, or the name of one in the package's named meshes
        folder (``"disc"``).
    parameters
        Values overriding ``name = value;`` definitions at the top of the file
        (e.g. ``cellSize=0.05``).

    Raises
    ------
    RuntimeError
        If the ``gmsh`` executable is not on PATH.
    """
    path = Path(geo)
    if not path.suffix:
        path = MESH_DIR / f"{path.name}.geo"
    if not path.is_file():
        raise FileNotFoundError(f"mesh: geometry file {str(path)!r} does not exist")
    if shutil.which("gmsh") is None:
        raise RuntimeError("mesh: the gmsh executable is not on PATH (pip install gmsh)")
    text = path.read_text()
    # later definitions win in Gmsh's .geo language, but the geometry uses the
    # values at the point of use: put overrides before the file's own lines
    lines = text.splitlines()
    for name, value in parameters.items():
        if not any(line.split("=")[0].strip() == name for line in lines):
            raise ValueError(f"mesh: {path.name} defines no parameter {name!r}")
        lines = [f"{name} = {float(value)!r};" if line.split("=")[0].strip() == name else line for line in lines]
    return _fipy.gmsh_2d("\n".join(lines) + "\n")


def disc(*, radius: float = 1.0, cell_size: float = 0.05) -> Mesh:
    """Unstructured triangular mesh of the disc |r| < radius centred at the origin (``meshes/disc.geo``)."""
    if not (np.isfinite(radius) and radius > 0 and np.isfinite(cell_size) and 0 < cell_size < radius):
        raise ValueError(f"mesh: need radius > cell_size > 0, got radius={radius!r}, cell_size={cell_size!r}")
    return gmsh_mesh("disc", radius=radius, cellSize=cell_size)


def cell_points(mesh: Mesh) -> np.ndarray:
    """Cell centres, shape (dim, n)."""
    return _fipy.cell_centers(mesh)


def face_points(mesh: Mesh) -> np.ndarray:
    """Face centres, shape (dim, n_faces)."""
    return _fipy.face_centers(mesh)


def bounding_box(mesh: Mesh) -> tuple[np.ndarray, np.ndarray]:
    """(lower corner, upper corner) of the mesh's vertices: the ``domain`` of nD models."""
    vertices = _fipy.vertex_coordinates(mesh)
    lower, upper = vertices.min(axis=1), vertices.max(axis=1)
    if np.any(upper <= lower):
        raise ValueError("mesh: empty or degenerate mesh")
    return lower, upper
