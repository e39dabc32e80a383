"""PDE results on any mesh: one steady and one transient result class for 1D, 2D and 3D.

The same attributes mean the same thing in every dimension d:

* ``P`` — probability density at the cell centres (1/length^d): shape (n,) for a
  steady state, (n_snapshots, n) for a transient (one row per snapshot time);
  sum(P * volumes) is the probability (1 with reflecting walls);
* ``points`` — cell centres, shape (d, n), so (1, n) in 1D; ``volumes`` — cell
  volumes, shape (n,) (lengths in 1D, areas in 2D; per radian on FiPy's
  cylindrical meshes, whose volumes are r dr [dz]);
* ``x`` — the cell centres as an (n,) array, for 1D results only (nD results raise
  ``AttributeError`` pointing to ``points``); ``x_faces`` likewise for faces;
* ``J`` (steady) — probability rate through each face (1/time), on ``face_points``
  (face centres, shape (d, n_faces)): in 1D positive in +x; in nD positive from
  FiPy's first to second cell of the face (``faceCellIDs``), 0 on walls; positive
  along the face's area vector ``face_vectors`` (shape (d, n_faces)), which points
  from ``face_cells[0]`` to ``face_cells[1]`` (shape (2, n_faces), -1 outside walls);
  ``J_cells`` is the flux density vector at the cell centres reconstructed from them;
* ``mass``, ``mean`` — sum(P V) and <r> = sum(r P V) / sum(P V): a float and (1D) a
  float or (nD) an array of shape (d,) for a steady state; for a transient they are
  recorded at every accepted step (shapes (n_steps,) and (n_steps,) in 1D,
  (n_steps, d) in nD), with ``variance`` per axis likewise;
* ``model``, ``metadata`` — ``Model.describe()`` and the provenance of the run
  (fpsolver and FiPy versions, solver and its options, mesh, wall time,
  diagnostics; see :func:`provenance`);
* ``to_xarray()`` — a tidy dataset with ``units`` and ``long_name`` on every
  variable and coordinate: dims ``x``/``x_face`` in 1D, ``cell``/``face`` in nD
  with one coordinate variable per axis (``x``, ``y``[, ``z``] on ``cell`` and
  ``x_face``, ``y_face``[, ``z_face``] on ``face``).

Cell data are flat arrays in FiPy's cell order; for ``Grid2D`` meshes FiPy orders
cells x fastest, so ``P.reshape(ny, nx)`` is the image with rows along y.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from fpsolver._version import __version__

__all__ = ["SteadyState", "TransientSolution", "provenance", "result_attributes", "ZERO_FLUX_TOLERANCE"]

AXES = ("x", "y", "z")

#: A steady state carries no flux when every |J_f| is below this fraction of its largest
#: one-way rate through a face: round-off and the iterative solver's tolerance (1e-12)
#: leave |J_f| / J_scale ~ 1e-16 to 1e-12 in gradient flows (measured on 2D Gmsh meshes and
#: 24^3 to 30^3 grids), while a non-gradient gCLm-I state with alpha_tilde = 0.01 has ~5e-4
#: at 40 x 40 cells (the ratio shrinks like the cell size: still ~1e-6 at 10^5 cells per axis).
ZERO_FLUX_TOLERANCE = 1e-9


def result_attributes(metadata: dict[str, object], model: dict[str, object]) -> dict[str, str]:
    """NetCDF global attributes of every result: version, model and run metadata (JSON)."""
    return {
        "fpsolver_version": __version__,
        "model": json.dumps(model, default=str),
        "metadata": json.dumps(metadata, default=str),
    }


def provenance(mesh: Any, *, started: float, **solver: object) -> dict[str, object]:
    """Metadata shared by every PDE result: versions, solver options, mesh and wall time.

    Parameters
    ----------
    mesh
        The FiPy mesh solved on (its class name, number of cells and dimension are recorded).
    started
        ``time.perf_counter()`` when the solve began; the wall time is measured up to now (s).
    solver
        Solver name, options and diagnostics, recorded as given.
    """
    return {
        "fpsolver_version": __version__,
        **solver,
        "mesh": type(mesh).__name__,
        "cells": int(mesh.numberOfCells),
        "dimension": int(mesh.dim),
        "wall_time_s": time.perf_counter() - started,
    }


def _by_axis(points: np.ndarray, count: int, what: str) -> np.ndarray:
    """``points`` as an array of shape (dim, count): an (n,) array is one axis."""
    points = np.asarray(points, dtype=float)
    points = points[np.newaxis] if points.ndim == 1 else points
    if points.ndim != 2 or points.shape[1] != count or not 1 <= points.shape[0] <= 3:
        raise ValueError(f"{what} must have shape (n,) or (dim, n) with dim in 1..3 and n = {count}, got {np.shape(points)}")
    return points


def _variable(dims: str | tuple[str, ...], values: np.ndarray, units: str, long_name: str) -> tuple:
    return (dims, values, {"units": units, "long_name": long_name})


@dataclass(frozen=True, kw_only=True)
class _CellResult:
    """Mesh cells, model and provenance shared by the steady and transient results.

    Attributes
    ----------
    points, volumes
        Cell centres (dim, n) and cell volumes (n,); see the module docstring.
    model
        ``Model.describe()`` of the model solved.
    metadata
        Provenance (:func:`provenance`) and the solver's diagnostics.
    """

    points: np.ndarray
    volumes: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        volumes = np.asarray(self.volumes, dtype=float)
        if volumes.ndim != 1:
            raise ValueError(f"volumes must be a 1D array over the cells, got shape {volumes.shape}")
        object.__setattr__(self, "volumes", volumes)
        object.__setattr__(self, "points", _by_axis(self.points, volumes.size, "points"))

    @property
    def dimension(self) -> int:
        """Number of coordinates d of the mesh."""
        return int(self.points.shape[0])

    def _one_dimensional(self, name: str, plural: str) -> None:
        if self.dimension != 1:
            raise AttributeError(f"{name} is defined for 1D results only; this result is {self.dimension}D: use .{plural} (shape (dim, n))")

    @property
    def x(self) -> np.ndarray:
        """Cell centres, shape (n,) (1D results only)."""
        self._one_dimensional("x", "points")
        return self.points[0]

    def _length(self, power: int) -> str:
        """'length^k' for k = power * d ('length' for k = 1, '1/length^k' for negative k)."""
        exponent = power * self.dimension
        text = "length" if abs(exponent) == 1 else f"length^{abs(exponent)}"
        return text if exponent > 0 else f"1/{text}"

    @property
    def _cell_dim(self) -> str:
        return "x" if self.dimension == 1 else "cell"

    def _dataset(self, variables: dict[str, tuple], coords: dict[str, tuple]) -> xr.Dataset:
        cell = self._cell_dim
        cell_coords = {axis: _variable(cell, self.points[i], "length", f"cell centre {axis}") for i, axis in enumerate(AXES[: self.dimension])}
        return xr.Dataset(
            {**variables, "volume": _variable(cell, self.volumes, self._length(1), "cell volume")},
            coords={**cell_coords, **coords},
            attrs=result_attributes(self.metadata, self.model),
        )


@dataclass(frozen=True, kw_only=True)
class SteadyState(_CellResult):
    """Normalised zero-flux (or stationary) solution on a 1D, 2D or 3D mesh; ``points``,
    ``volumes``, ``model`` and ``metadata`` (diagnostics: ``relative_residual``, ...) as
    in every cell result.

    Attributes
    ----------
    P
        Probability density at the cell centres (1/length^dim), sum(P * volumes) = mass.
    face_points, J
        Face centres (dim, n_faces) and probability rate through each face (1/time):
        +x in 1D; from FiPy's first to second face cell in nD (0 on walls).
    face_cells, face_vectors
        The cells on the two sides of each face, shape (2, n_faces) (-1: outside a wall;
        both -1 for the duplicate wall faces of periodic grids, which belong to no cell),
        and the face's area vector S_f = A_f n_f (length^(dim-1); per radian on
        cylindrical meshes), shape (dim, n_faces), pointing from ``face_cells[0]`` to
        ``face_cells[1]``: J_f > 0 is a flow along S_f.
    J_scale
        The largest one-way rate through a face (1/time), max_f (r_f+ + r_f-) with
        J_f = r_f+ - r_f- the difference of the rates in the two directions: the scale of
        J's round-off (see :attr:`zero_flux`).
    """

    P: np.ndarray
    face_points: np.ndarray
    J: np.ndarray
    face_cells: np.ndarray
    face_vectors: np.ndarray
    J_scale: float

    def __post_init__(self) -> None:
        super().__post_init__()
        P, J = np.asarray(self.P, dtype=float), np.asarray(self.J, dtype=float)
        if P.shape != self.volumes.shape:
            raise ValueError(f"P must have one value per cell ({self.volumes.size}), got shape {P.shape}")
        if J.ndim != 1:
            raise ValueError(f"J must have one value per face, got shape {J.shape}")
        face_points = _by_axis(self.face_points, J.size, "face_points")
        if face_points.shape[0] != self.dimension:
            raise ValueError(f"face_points are {face_points.shape[0]}D but the cell points are {self.dimension}D")
        face_cells, face_vectors = np.asarray(self.face_cells), np.asarray(self.face_vectors, dtype=float)
        if face_cells.shape != (2, J.size) or not np.issubdtype(face_cells.dtype, np.integer) or np.any((face_cells < -1) | (face_cells >= P.size)):
            raise ValueError(f"face_cells must be cell ids in -1..{P.size - 1} of shape (2, {J.size}), got shape {face_cells.shape}")
        if face_vectors.shape != (self.dimension, J.size):
            raise ValueError(f"face_vectors must have shape {(self.dimension, J.size)}, got {face_vectors.shape}")
        if not (np.isfinite(self.J_scale) and self.J_scale >= 0):
            raise ValueError(f"J_scale must be finite and >= 0, got {self.J_scale!r}")
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "J", J)
        object.__setattr__(self, "face_points", face_points)
        object.__setattr__(self, "face_cells", face_cells)
        object.__setattr__(self, "face_vectors", face_vectors)
        object.__setattr__(self, "J_scale", float(self.J_scale))

    @property
    def x_faces(self) -> np.ndarray:
        """Face positions, shape (n_faces,) (1D results only)."""
        self._one_dimensional("x_faces", "face_points")
        return self.face_points[0]

    @property
    def mass(self) -> float:
        """Total probability sum(P V)."""
        return float(np.sum(self.P * self.volumes))

    @property
    def mean(self) -> float | np.ndarray:
        """<r> = sum(r P V) / sum(P V): a float in 1D (<x>), shape (dim,) in nD."""
        mean = np.sum(self.points * self.P * self.volumes, axis=1) / self.mass
        return float(mean[0]) if self.dimension == 1 else mean

    @property
    def zero_flux(self) -> bool:
        """Whether J vanishes to round-off: max |J_f| <= ``ZERO_FLUX_TOLERANCE`` * ``J_scale``
        (a gradient flow, or any 1D state without a ring current)."""
        return bool(np.max(np.abs(self.J), initial=0.0) <= ZERO_FLUX_TOLERANCE * self.J_scale)

    @property
    def J_cells(self) -> np.ndarray:
        """Probability flux density J(r) at the cell centres, shape (dim, n) (1/(time length^(dim-1))).

        Least squares over the faces f of each cell c (walls included, where J_f = 0 for
        reflecting walls): with S_f the area vector and J_f the rate through f along it,

            J_c = argmin_v sum_f (v . S_f - J_f)^2 = (sum_f S_f S_f^T)^-1 sum_f S_f J_f

        (each term is unchanged when S_f and J_f flip together, so the face orientation
        does not matter). Order: exact for a uniform flux on any mesh (J_f = J . S_f with
        zero residual). On grid cells (faces in opposite pairs of equal area) it is the
        mean of the flux densities J_f / A_f of the two faces across each axis, exact for a
        linear flux (second order); on unstructured cells (triangles) and on cylindrical
        grids (opposite r faces of areas r dz differ) it is first order in the cell size,
        error O(h |grad J|). On cylindrical meshes J_c is (J_r, J_z) per radian like P.
        """
        dimension, cells = self.dimension, self.P.size
        sides = np.concatenate([side[side >= 0] for side in self.face_cells])
        S = np.concatenate([self.face_vectors[:, side >= 0] for side in self.face_cells], axis=1)
        rates = np.concatenate([self.J[side >= 0] for side in self.face_cells])
        normal = np.empty((cells, dimension, dimension))
        moment = np.empty((cells, dimension, 1))
        for i in range(dimension):
            moment[:, i, 0] = np.bincount(sides, weights=S[i] * rates, minlength=cells)
            for j in range(dimension):
                normal[:, i, j] = np.bincount(sides, weights=S[i] * S[j], minlength=cells)
        return np.linalg.solve(normal, moment)[..., 0].T

    def to_xarray(self) -> xr.Dataset:
        """Dataset with P, volume and the cell flux J_cell on the cells and J on the faces (see the module docstring)."""
        face = "x_face" if self.dimension == 1 else "face"
        face_coords = {f"{axis}_face": _variable(face, self.face_points[i], "length", f"face centre {axis}") for i, axis in enumerate(AXES[: self.dimension])}
        direction = "+x" if self.dimension == 1 else "from the face's first to its second cell"
        cell_flux = {1: "1/time", 2: "1/(time length)", 3: "1/(time length^2)"}[self.dimension]
        flux_dims = self._cell_dim if self.dimension == 1 else ("axis", self._cell_dim)
        coords = {**face_coords, **({} if self.dimension == 1 else {"axis": _variable("axis", list(AXES[: self.dimension]), "1", "coordinate axis")})}
        return self._dataset(
            {
                "P": _variable(self._cell_dim, self.P, self._length(-1), "steady probability density at cell centres"),
                "J": _variable(face, self.J, "1/time", f"probability rate through faces ({direction})"),
                "J_cell": _variable(flux_dims, self.J_cells[0] if self.dimension == 1 else self.J_cells, cell_flux, "probability flux density at cell centres (least squares from the face rates)"),
            },
            coords,
        )


@dataclass(frozen=True, kw_only=True)
class TransientSolution(_CellResult):
    """Time evolution P(r, t) on a 1D, 2D or 3D mesh, with per-step observables; the
    cells, model and metadata (scheme, order, steps, rejected steps, ...) as in every
    cell result.

    Attributes
    ----------
    snapshot_times, P
        Requested output times and the density there, shape ``(len(snapshot_times), n)``
        (``P[-1]`` is the density at t_end).
    t, mass, mean, variance
        Every accepted step's time and the mass, <r> and Var of each coordinate there
        (the first entry is the initial state): shapes (n_steps,) for t and mass;
        (n_steps,) in 1D and (n_steps, dim) in nD for mean and variance.
    """

    snapshot_times: np.ndarray
    P: np.ndarray
    t: np.ndarray
    mass: np.ndarray
    mean: np.ndarray
    variance: np.ndarray

    def __post_init__(self) -> None:
        super().__post_init__()
        P, snapshot_times = np.asarray(self.P, dtype=float), np.asarray(self.snapshot_times, dtype=float)
        if P.shape != (snapshot_times.size, self.volumes.size):
            raise ValueError(f"P must have shape (snapshots, cells) = {(snapshot_times.size, self.volumes.size)}, got {P.shape}")
        steps = (np.size(self.t), self.dimension) if self.dimension > 1 else (np.size(self.t),)
        for name in ("mean", "variance"):
            if np.shape(getattr(self, name)) != steps:
                raise ValueError(f"{name} must have shape {steps} (one row per step), got {np.shape(getattr(self, name))}")
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "snapshot_times", snapshot_times)

    @property
    def snapshots(self) -> np.ndarray:
        """The densities at the snapshot times (the same array as :attr:`P`)."""
        return self.P

    def to_xarray(self) -> xr.Dataset:
        """Dataset with P(time, cell), volume and the per-step mass, mean and variance."""
        per_step = ("step_time",) if self.dimension == 1 else ("step_time", "axis")
        coords = {
            "time": _variable("time", self.snapshot_times, "time", "snapshot time"),
            "step_time": _variable("step_time", self.t, "time", "time of each accepted step"),
        }
        if self.dimension > 1:
            coords["axis"] = _variable("axis", list(AXES[: self.dimension]), "1", "coordinate axis")
        return self._dataset(
            {
                "P": _variable(("time", self._cell_dim), self.P, self._length(-1), "probability density at cell centres"),
                "mass": _variable("step_time", self.mass, "1", "total probability sum(P V)"),
                "mean": _variable(per_step, self.mean, "length", "mean position <r>"),
                "variance": _variable(per_step, self.variance, "length^2", "variance of the position per axis"),
            },
            coords,
        )
