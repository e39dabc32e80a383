"""The temperature-field protocol shared by 1D profiles and 2D/3D fields.

Every temperature the models accept is a :class:`TemperatureField`: T(r) > 0 with
grad T (temperature/length), its Laplacian (temperature/length^2) and the gradient
of the Laplacian (temperature/length^3, used by gCLm-I's eta_eff), evaluated at
points of shape (n,) in 1D and (dim, n) in 2D/3D. In 1D the gradient is T', the
Laplacian T'' and its gradient T''' (:class:`fpsolver.fields.profiles.TemperatureProfile`
adds the derivatives of any order); :mod:`fpsolver.fields.nd` holds the 2D/3D fields.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

__all__ = ["TemperatureField"]

AXES = ("x", "y", "z")


class TemperatureField(ABC):
    """A temperature T > 0 on points of shape (n,) (1D) or (dim, n) (2D/3D)."""

    name: str = "field"
    #: Number of coordinates of the points the field is evaluated on.
    dimension: int = 1

    @property
    def breakpoints(self) -> np.ndarray:
        """Points where T or one of its first three derivatives jumps (none here)."""
        return np.empty(0)

    @abstractmethod
    def T(self, x: np.ndarray) -> np.ndarray:
        """Temperature at the points (shape (n,))."""

    @abstractmethod
    def gradient(self, x: np.ndarray) -> np.ndarray:
        """grad T: shape (n,) in 1D (T'), (dim, n) in nD."""

    @abstractmethod
    def laplacian(self, x: np.ndarray) -> np.ndarray:
        """Laplacian of T, shape (n,) (T'' in 1D)."""

    @abstractmethod
    def gradient_laplacian(self, x: np.ndarray) -> np.ndarray:
        """Gradient of the Laplacian of T: shape (n,) in 1D (T'''), (dim, n) in nD."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.T(x)

    def check_domain(self, x: np.ndarray) -> None:
        """Raise ``ValueError`` naming the first point where T is not finite and > 0."""
        points = np.asarray(x, dtype=float).reshape(self.dimension, -1)
        temperature = self.T(points if self.dimension > 1 else points[0])
        bad = ~(np.isfinite(temperature) & (temperature > 0))
        if np.any(bad):
            first = int(np.argmax(bad))
            where = ", ".join(f"{axis}={value:.6g}" for axis, value in zip(AXES, points[:, first]))
            raise ValueError(f"temperature field {self.name!r} must be finite and > 0 on the domain, but T({where}) = {temperature[first]:.6g}")

    def describe(self) -> dict[str, object]:
        """Parameters that reproduce this field (for result metadata)."""
        return {"name": self.name}
