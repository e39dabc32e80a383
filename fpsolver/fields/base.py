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
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import sympy

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

    def _check_boxes(self, expression: sympy.Expr, symbols: tuple[sympy.Symbol, ...], lower: np.ndarray, upper: np.ndarray, pieces: int | None = None) -> None:
        """Raise ``ValueError`` unless the closed-form T (``expression``) is proved finite and > 0
        on every box [lower, upper] (shape (dim, m)) by interval arithmetic
        (:func:`fpsolver._intervals.certify_positive`): features narrower than the mesh, such as
        a dip below zero or a pole between two cell centres, are found too. Proofs are cached."""
        from fpsolver._intervals import certify_positive

        key = (lower.shape, lower.tobytes(), upper.tobytes())
        proved = self.__dict__.setdefault("_proved", set())
        if key in proved:
            return
        found = certify_positive(expression, symbols, lower, upper, lambda p: self.T(p if self.dimension > 1 else p[0]), pieces=pieces)
        if found is not None:
            point, reason = found
            where = ", ".join(f"{axis}={value:.6g}" for axis, value in zip(AXES, point)) if self.dimension > 1 else f"{point[0]:.6g}"
            raise ValueError(f"temperature {self.name!r} must be finite and > 0 on the domain, but T({where}) {reason}")
        proved.add(key)

    def describe(self) -> dict[str, object]:
        """Parameters that reproduce this field (for result metadata)."""
        return {"name": self.name}
