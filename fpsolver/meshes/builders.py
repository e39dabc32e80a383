"""1D meshes: uniform and geometrically refined grids, named definitions, any FiPy mesh.

2D/3D meshes (grids, cylindrical grids, Gmsh ``.geo`` files in ``meshes/``) are in
:mod:`fpsolver.meshes.nd`.

Every function returns a FiPy mesh; solvers accept any 1D FiPy mesh a user builds.
Named meshes live as TOML files in the package data folder ``fpsolver/meshes/data/``
(the top-level ``meshes/`` of a checkout links to it), e.g.::

    kind = "geometric"        # "uniform" or "geometric"
    x_min = -1.0
    x_max = 1.0
    cells = 200
    ratio = 1.05              # geometric only: growth factor of neighbouring cells
    refine = "walls"          # geometric only: "left", "right", "walls", or a number (a point)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tomllib

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._validate import build, within_budget
from fpsolver.meshes import MESH_DIR

__all__ = ["uniform", "geometric", "geometric_widths", "from_spacings", "load_named", "cell_centers", "extent", "MESH_DIR"]

#: Memory of a FiPy 1D grid per cell (measured: 48 bytes).
MESH_BYTES_PER_CELL = 64


def _check_interval(x_min: float, x_max: float, cells: int) -> None:
    if not (np.isfinite(x_min) and np.isfinite(x_max)):
        raise ValueError(f"mesh: x_min and x_max must be finite, got {x_min!r}, {x_max!r}")
    if not x_max > x_min:
        raise ValueError(f"mesh: zero-width or reversed domain [{x_min!r}, {x_max!r}] (need x_max > x_min)")
    if not isinstance(cells, (int, np.integer)) or isinstance(cells, bool) or cells < 1:
        raise ValueError(f"mesh: 'cells' must be a positive integer, got {cells!r}")
    within_budget("the mesh", memory_bytes=MESH_BYTES_PER_CELL * float(cells), detail=f"cells = {cells}")


def from_spacings(x_min: float, spacings: np.ndarray, *, periodic: bool = False) -> Mesh:
    """A FiPy 1D grid starting at ``x_min`` with the given cell widths (``periodic``: a ring,
    FiPy's ``PeriodicGrid1D``, whose last cell neighbours the first)."""
    spacings = np.asarray(spacings, dtype=float)
    if spacings.size == 0:
        raise ValueError("mesh: no cells (empty mesh)")
    if not np.all(np.isfinite(spacings) & (spacings > 0)):
        raise ValueError("mesh: every cell width must be finite and > 0")
    if periodic:
        if spacings.size < 3:
            raise ValueError("mesh: a periodic mesh needs at least 3 cells")
        return _fipy.periodic_grid([spacings], (float(x_min),), ("x",))
    uniform_width = bool(np.all(spacings == spacings[0]))  # a scalar width puts the last face exactly at x_min + cells dx
    return _fipy.grid_1d(x_min, spacings[0] if uniform_width else spacings, spacings.size)


def uniform(x_min: float, x_max: float, cells: int, *, periodic: bool = False) -> Mesh:
    """Uniform grid of ``cells`` cells on [x_min, x_max] (``periodic``: x_min and x_max identified)."""
    _check_interval(x_min, x_max, cells)
    return from_spacings(x_min, np.full(cells, (x_max - x_min) / cells), periodic=periodic)


def geometric_widths(x_min: float, x_max: float, cells: int, *, ratio: float = 1.05, refine: str | float = "walls") -> np.ndarray:
    """Cell widths on [x_min, x_max] growing by ``ratio`` between neighbours away from ``refine``
    (see :func:`geometric`); they sum to x_max - x_min."""
    _check_interval(x_min, x_max, cells)
    if not (np.isfinite(ratio) and ratio > 0):
        raise ValueError(f"mesh: 'ratio' must be finite and > 0, got {ratio!r}")
    index = np.arange(cells, dtype=float)
    if refine == "left":
        distance = index
    elif refine == "right":
        distance = index[::-1]
    elif refine == "walls":
        distance = np.minimum(index, index[::-1])
    elif isinstance(refine, (int, float)) and not isinstance(refine, bool):
        if not x_min < refine < x_max:
            raise ValueError(f"mesh: refinement point {refine!r} is outside [{x_min}, {x_max}]")
        # place the smallest cell at the cell index nearest to the point on a uniform grid
        target = (refine - x_min) / (x_max - x_min) * cells
        distance = np.abs(index + 0.5 - target)
    else:
        raise ValueError(f"mesh: 'refine' must be 'left', 'right', 'walls' or a coordinate, got {refine!r}")
    widths = float(ratio) ** distance
    return widths * (x_max - x_min) / widths.sum()


def geometric(x_min: float, x_max: float, cells: int, *, ratio: float = 1.05, refine: str | float = "walls", periodic: bool = False) -> Mesh:
    """Grid whose cell widths grow geometrically away from the refinement target.

    Parameters
    ----------
    ratio
        Width ratio of neighbouring cells (> 0; 1 gives a uniform grid).
    refine
        ``"left"``, ``"right"``, ``"walls"`` (both ends) or a coordinate inside the
        domain where cells are smallest.
    periodic
        Identify x_min and x_max (a ring).
    """
    return from_spacings(x_min, geometric_widths(x_min, x_max, cells, ratio=ratio, refine=refine), periodic=periodic)


_KINDS = {"uniform": uniform, "geometric": geometric}


def load_named(name: str, directory: Path | None = None) -> Mesh:
    """Load ``<directory>/<name>.toml`` (default: the named meshes shipped with the package)."""
    directory = MESH_DIR if directory is None else Path(directory)
    path = directory / f"{name}.toml"
    if not path.is_file():
        available = sorted(p.stem for p in directory.glob("*.toml"))
        raise ValueError(f"mesh: no mesh named {name!r} in {directory} (available: {', '.join(available) or 'none'})")
    spec = tomllib.loads(path.read_text())
    kind = spec.pop("kind", "uniform")
    return build(_KINDS, kind, f"mesh {name!r} kind", spec)


def cell_centers(mesh: Mesh) -> np.ndarray:
    """x of the cell centres of a 1D mesh."""
    return _fipy.cell_centers(mesh)[0]


def extent(mesh: Mesh) -> tuple[float, float]:
    """(x_min, x_max) of a 1D mesh, the domain Omega of the models."""
    faces = _fipy.face_centers(mesh)[0]
    if faces.size < 2 or not faces.max() > faces.min():
        raise ValueError("mesh: empty or zero-width mesh")
    return float(faces.min()), float(faces.max())
