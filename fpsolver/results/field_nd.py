"""Result objects of the 2D/3D solvers: numpy arrays on mesh cells plus metadata.

Cell data are flat arrays over the mesh cells (FiPy's cell order); coordinates have
shape (dim, n). For ``Grid2D`` meshes FiPy orders cells x fastest, so
``P.reshape(ny, nx)`` is the image with rows along y.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fpsolver.results.field import result_attributes

AXES = ("x", "y", "z")


def _cell_dataset(points: np.ndarray, volumes: np.ndarray, variables: dict[str, tuple], metadata: dict, model: dict) -> xr.Dataset:
    coords = {axis: ("cell", points[i], {"units": "length", "description": f"cell centre {axis}"}) for i, axis in enumerate(AXES[: points.shape[0]])}
    variables = {"volume": ("cell", volumes, {"units": "length^dim", "description": "cell volume"}), **variables}
    return xr.Dataset(
        variables,
        coords=coords,
        attrs=result_attributes(metadata, model),
    )


@dataclass(frozen=True)
class FieldSteadyState:
    """Normalised zero-flux steady state on a 2D/3D mesh.

    Attributes
    ----------
    points, P
        Cell centres (dim, n) and the density there (sum(P * volumes) = 1).
    volumes
        Cell volumes (areas in 2D).
    face_flux
        Probability rate through each face (1/time), positive from
        ``FokkerPlanckOperator.left_cells`` to ``right_cells``; 0 on walls.
    model, metadata
        ``Model.describe()`` and solver diagnostics.
    """

    points: np.ndarray
    P: np.ndarray
    volumes: np.ndarray
    face_flux: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def mass(self) -> float:
        return float(np.sum(self.P * self.volumes))

    @property
    def mean(self) -> np.ndarray:
        """<r>, shape (dim,)."""
        return (self.points * self.P * self.volumes).sum(axis=1) / self.mass

    def to_xarray(self) -> xr.Dataset:
        return _cell_dataset(
            self.points,
            self.volumes,
            {"P": ("cell", self.P, {"units": "1/length^dim", "description": "steady probability density"})},
            self.metadata,
            self.model,
        )


@dataclass(frozen=True)
class FieldTransientSolution:
    """Time evolution on a 2D/3D mesh.

    Attributes
    ----------
    points, volumes
        Cell centres (dim, n) and cell volumes.
    t, mass, mean, variance
        Every accepted step's time, total probability, and mean and variance of the
        first coordinate x.
    snapshot_times, snapshots
        Requested times and P there (shape (n_times, n_cells)).
    """

    points: np.ndarray
    volumes: np.ndarray
    t: np.ndarray
    mass: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    snapshot_times: np.ndarray
    snapshots: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object] = field(default_factory=dict)

    def to_xarray(self) -> xr.Dataset:
        dataset = _cell_dataset(
            self.points,
            self.volumes,
            {"P": (("time", "cell"), self.snapshots, {"units": "1/length^dim", "description": "probability density"})},
            self.metadata,
            self.model,
        )
        return dataset.assign_coords(time=("time", self.snapshot_times, {"units": "time"}))
