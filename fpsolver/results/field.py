"""Result objects: frozen dataclasses of numpy arrays plus the metadata to reproduce them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fpsolver._version import __version__


def result_attributes(metadata: dict[str, object], model: dict[str, object]) -> dict[str, str]:
    """NetCDF global attributes of every result: version, model and run metadata (JSON)."""
    return {
        "fpsolver_version": __version__,
        "model": json.dumps(model, default=str),
        "metadata": json.dumps(metadata, default=str),
    }


@dataclass(frozen=True)
class SteadyState:
    """Normalised zero-flux (or stationary) solution on a mesh.

    Attributes
    ----------
    x, P
        Cell centres and probability density at them (sum(P * volumes) = mass).
    x_faces, J
        Face positions and probability flux through them (+x direction).
    volumes
        Cell volumes (lengths in 1D).
    model
        ``Model.describe()`` of the model solved.
    metadata
        Solver, options and diagnostics (residual, FiPy version, ...).
    """

    x: np.ndarray
    P: np.ndarray
    x_faces: np.ndarray
    J: np.ndarray
    volumes: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def mass(self) -> float:
        return float(np.sum(self.P * self.volumes))

    @property
    def mean(self) -> float:
        return float(np.sum(self.x * self.P * self.volumes) / self.mass)

    def to_xarray(self) -> xr.Dataset:
        return xr.Dataset(
            {
                "P": ("x", self.P, {"units": "1/length", "long_name": "steady probability density at cell centres"}),
                "volume": ("x", self.volumes, {"units": "length", "long_name": "cell volume"}),
                "J": ("x_face", self.J, {"units": "1/time", "long_name": "probability flux through faces (+x)"}),
            },
            coords={
                "x": ("x", self.x, {"units": "length", "long_name": "cell centre"}),
                "x_face": ("x_face", self.x_faces, {"units": "length", "long_name": "face position"}),
            },
            attrs=result_attributes(self.metadata, self.model),
        )


@dataclass(frozen=True)
class TransientSolution:
    """Time evolution P(x, t) with per-step observables.

    Attributes
    ----------
    x, volumes
        Cell centres and volumes.
    t, mass, mean, variance
        Every accepted step's time and the mass, <x> and Var x there (the first
        entry is the initial state).
    snapshot_times, snapshots
        Requested output times and P at them (shape ``(len(snapshot_times), cells)``).
    model, metadata
        As in :class:`SteadyState` (metadata: scheme, order, steps, rejected steps).
    """

    x: np.ndarray
    volumes: np.ndarray
    t: np.ndarray
    mass: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    snapshot_times: np.ndarray
    snapshots: np.ndarray
    model: dict[str, object]
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def P(self) -> np.ndarray:
        """The density at the last snapshot (t_end)."""
        return self.snapshots[-1]

    def to_xarray(self) -> xr.Dataset:
        return xr.Dataset(
            {
                "P": (("time", "x"), self.snapshots, {"units": "1/length", "long_name": "probability density"}),
                "mass": ("step_time", self.mass, {"units": "1", "long_name": "total probability"}),
                "mean": ("step_time", self.mean, {"units": "length", "long_name": "<x>"}),
                "variance": ("step_time", self.variance, {"units": "length^2", "long_name": "Var x"}),
                "volume": ("x", self.volumes, {"units": "length", "long_name": "cell volume"}),
            },
            coords={
                "time": ("time", self.snapshot_times, {"units": "time", "long_name": "snapshot time"}),
                "step_time": ("step_time", self.t, {"units": "time", "long_name": "time of each accepted step"}),
                "x": ("x", self.x, {"units": "length", "long_name": "cell centre"}),
            },
            attrs=result_attributes(self.metadata, self.model),
        )
