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

import os
import shutil
import sys
from pathlib import Path

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver.meshes.builders import MESH_DIR, geometric_widths
from fpsolver.meshes.geo import check_geo

__all__ = ["grid", "cylindrical", "nonuniform_grid", "gmsh_mesh", "disc", "cell_points", "face_points", "bounding_box"]


PerAxis = float | str | tuple | list


def _per_axis(value: PerAxis, count: int, name: str) -> list:
    """``value`` for each of ``count`` axes: a scalar repeated, or a list of ``count`` values."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"mesh: '{name}' needs one value per axis ({count}), got {len(value)}")
        return list(value)
    return [value] * count


def _axis_widths(lower: tuple[float, ...], upper: tuple[float, ...], cells: tuple[int, ...], ratio: PerAxis, refine: PerAxis) -> list[np.ndarray]:
    if not len(lower) == len(upper) == len(cells):
        raise ValueError(f"mesh: 'lower', 'upper' and 'cells' need one value per axis, got {len(lower)}, {len(upper)}, {len(cells)}")
    ratios, refines = _per_axis(ratio, len(cells), "ratio"), _per_axis(refine, len(cells), "refine")
    return [geometric_widths(lo, hi, n, ratio=r, refine=f) for lo, hi, n, r, f in zip(lower, upper, cells, ratios, refines, strict=True)]


def grid(lower: tuple[float, ...], upper: tuple[float, ...], cells: tuple[int, ...], *, ratio: PerAxis = 1.0, refine: PerAxis = "walls", periodic: tuple[str, ...] = ()) -> Mesh:
    """``Grid2D``/``Grid3D`` on the box [lower, upper] with ``cells`` cells per axis.

    Parameters
    ----------
    lower, upper, cells
        Corners of the box (length) and the number of cells along each axis (2 or 3 axes).
    ratio, refine
        Cell-width ratio of neighbours and where cells are smallest, per axis or one value
        for all (as in :func:`fpsolver.meshes.geometric`); ``ratio = 1`` is uniform.
    periodic
        Axes ("x", "y", "z") along which the box is periodic (FiPy's periodic grids).
    """
    if len(cells) not in (2, 3):
        raise ValueError(f"mesh: a grid has 2 or 3 axes, got {len(cells)}")
    widths = _axis_widths(tuple(lower), tuple(upper), tuple(cells), ratio, refine)
    if periodic:
        return _fipy.periodic_grid(widths, tuple(float(o) for o in lower), tuple(sorted(periodic)))
    return nonuniform_grid(*widths, origin=tuple(lower))


def cylindrical(lower: tuple[float, float], upper: tuple[float, float], cells: tuple[int, int], *, ratio: PerAxis = 1.0, refine: PerAxis = "walls") -> Mesh:
    """Axisymmetric (r, z) grid (FiPy ``CylindricalGrid2D``) on [r_min, r_max] x [z_min, z_max].

    Coordinates are (r, z) (formulas use ``x`` for r and ``y`` for z), r_min >= 0 (0: the
    axis, where no flux crosses); cell volumes are r dr dz per radian, so sum(P V) = 1
    normalises P per radian. ``ratio`` and ``refine`` as in :func:`grid`.
    """
    if len(cells) != 2:
        raise ValueError(f"mesh: a cylindrical grid has 2 axes (r, z), got {len(cells)}")
    if not lower[0] >= 0:
        raise ValueError(f"mesh: cylindrical grids need r >= 0, got r_min = {lower[0]!r}")
    return _fipy.cylindrical_grid(_axis_widths(tuple(lower), tuple(upper), tuple(cells), ratio, refine), (float(lower[0]), float(lower[1])))


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
    FileNotFoundError
        If the file or the ``gmsh`` executable (on PATH) does not exist.
    ValueError
        If Gmsh rejects the geometry, for an unknown parameter, or for a statement outside
        the allow-list of :func:`fpsolver.meshes.geo.check_geo` (one that would run a program
        or read or write a file) or a mesh over the budget (:class:`~fpsolver.meshes.geo.GeoError`).
    """
    path = Path(geo)
    if not path.suffix:
        path = MESH_DIR / f"{path.name}.geo"
    if not path.is_file():
        raise FileNotFoundError(f"mesh: geometry file {str(path)!r} does not exist")
    if not _gmsh_on_path():
        raise FileNotFoundError("mesh: the gmsh executable is not on PATH (pip install gmsh, or the 'geometry' extra)")
    text = path.read_text()
    # later definitions win in Gmsh's .geo language, but the geometry uses the
    # values at the point of use: put overrides before the file's own lines
    lines = text.splitlines()
    for name, value in parameters.items():
        if not any(line.split("=")[0].strip() == name for line in lines):
            raise ValueError(f"mesh: {path.name} defines no parameter {name!r}")
        lines = [f"{name} = {float(value)!r};" if line.split("=")[0].strip() == name else line for line in lines]
    text = "\n".join(lines) + "\n"
    check_geo(text, path.name)  # before gmsh starts: no program run, no file touched, a bounded mesh
    return _fipy.gmsh_2d(text)


def _gmsh_on_path() -> bool:
    """Whether FiPy (which runs ``gmsh`` from PATH) finds the executable; if it is not on PATH
    but beside the running Python (a virtual environment's ``bin/`` used without activating
    it, where the ``geometry`` extra installs it), that directory is appended to PATH."""
    if shutil.which("gmsh") is not None:
        return True
    beside = str(Path(sys.executable).parent)
    if shutil.which("gmsh", path=beside) is None:
        return False
    os.environ["PATH"] = os.pathsep.join(filter(None, (os.environ.get("PATH", ""), beside)))
    return True


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
