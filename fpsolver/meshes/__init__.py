"""Meshes: 1D builders (:mod:`.builders`), 2D/3D grids and Gmsh geometries (:mod:`.nd`).

Every function returns a FiPy mesh, and the solvers accept any FiPy mesh a user
builds. Named meshes (``*.toml`` and ``*.geo``) ship as package data in
``fpsolver/meshes/data/`` (:data:`MESH_DIR`), so they load after any kind of install.
The builders load on first use, so reading :data:`MESH_DIR` does not import FiPy.
"""

from __future__ import annotations

import importlib
from pathlib import Path

#: the named meshes shipped as package data
MESH_DIR = Path(__file__).resolve().parent / "data"

_BUILDERS = {
    "fpsolver.meshes.builders": ("uniform", "geometric", "geometric_widths", "from_spacings", "load_named", "cell_centers", "extent"),
    "fpsolver.meshes.nd": ("grid", "cylindrical", "nonuniform_grid", "gmsh_mesh", "disc", "cell_points", "face_points", "bounding_box"),
}
_MODULE_OF = {name: module for module, names in _BUILDERS.items() for name in names}

__all__ = ["MESH_DIR", *_MODULE_OF]


def __getattr__(name: str):
    if name in _MODULE_OF:
        return getattr(importlib.import_module(_MODULE_OF[name]), name)
    if name in ("builders", "nd"):
        return importlib.import_module(f"fpsolver.meshes.{name}")
    raise AttributeError(f"module 'fpsolver.meshes' has no attribute {name!r}")
