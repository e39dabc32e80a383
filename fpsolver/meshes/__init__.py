"""Meshes: 1D builders (:mod:`.builders`), 2D/3D grids and Gmsh geometries (:mod:`.nd`).

Every function returns a FiPy mesh, and the solvers accept any FiPy mesh a user
builds. Named meshes (``*.toml`` and ``*.geo``) ship as package data in
``fpsolver/meshes/data/``, so they load after any kind of install.
"""

from fpsolver.meshes.builders import MESH_DIR, cell_centers, extent, from_spacings, geometric, geometric_widths, load_named, uniform
from fpsolver.meshes.nd import bounding_box, cell_points, cylindrical, disc, face_points, gmsh_mesh, grid, nonuniform_grid

__all__ = [
    "MESH_DIR",
    "uniform",
    "geometric",
    "geometric_widths",
    "from_spacings",
    "load_named",
    "cell_centers",
    "extent",
    "grid",
    "cylindrical",
    "nonuniform_grid",
    "gmsh_mesh",
    "disc",
    "cell_points",
    "face_points",
    "bounding_box",
]
