"""External potentials V(x) with analytic derivatives (energy units; V' is a force
with the sign convention F = -V').

Built-ins: :func:`none` (V = 0, the default), :func:`harmonic`,
:func:`double_well`, and :func:`formula` (a string in ``x``, parsed safely and
differentiated symbolically like temperature formulas).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from fpsolver._expression import SymbolicFunction, parse_formula
from fpsolver._validate import build, real

__all__ = ["Potential", "none", "harmonic", "double_well", "formula", "make_potential", "POTENTIALS"]


class Potential:
    """V(x) given by a closed-form expression; ``derivative(x, n)`` is d^n V/dx^n."""

    def __init__(self, function: SymbolicFunction, name: str, parameters: Mapping[str, object] | None = None) -> None:
        self.function = function
        self.name = name
        self.parameters = dict(parameters or {})
        self.is_zero = function.expression == 0

    def derivative(self, x: np.ndarray, order: int) -> np.ndarray:
        return self.function(x, order)

    def V(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, 0)

    def dV(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, 1)

    #: Number of coordinates (see :class:`fpsolver.fields.nd.PotentialField`);
    #: V = 0 (:func:`none`) is accepted in any dimension.
    dimension: int = 1

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """grad V: V'(x) for 1D points of shape (n,); zeros of the points' shape when V = 0."""
        if self.is_zero:
            return np.zeros(np.shape(x))
        return self.dV(x)

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "expression": self.function.text, **self.parameters}


def _from_text(name: str, text: str, **parameters: float) -> Potential:
    parameters = {key: real(key, value) for key, value in parameters.items()}
    return Potential(SymbolicFunction.from_text(text, "x", parameters), name, parameters)


def none() -> Potential:
    """V(x) = 0."""
    return _from_text("none", "0")


def harmonic(*, stiffness: float = 1.0, center: float = 0.0) -> Potential:
    """V(x) = stiffness (x - center)^2 / 2.

    Parameters
    ----------
    stiffness
        Spring constant (energy/length^2).
    center
        Position of the minimum.
    """
    return _from_text("harmonic", "stiffness*(x - center)**2/2", stiffness=stiffness, center=center)


def double_well(*, barrier: float = 1.0, minimum: float = 0.5, center: float = 0.0) -> Potential:
    """V(x) = barrier ((x - center)^2 / minimum^2 - 1)^2: minima at center +- minimum.

    Parameters
    ----------
    barrier
        Height of the central barrier (energy).
    minimum
        Distance of the minima from the centre.
    center
        Position of the barrier.
    """
    real("minimum", minimum, nonzero=True)
    return _from_text("double_well", "barrier*((x - center)**2/minimum**2 - 1)**2", barrier=barrier, minimum=minimum, center=center)


def formula(expression: str, **parameters: float) -> Potential:
    """V(x) from a user formula, e.g. ``formula("a*x**4", a=0.1)``.

    Parameters
    ----------
    expression
        Formula in x (same functions as temperature formulas).
    parameters
        Named constants used in the formula.
    """
    function = SymbolicFunction(parse_formula(expression, ("x",), parameters), "x")
    return Potential(function, "formula", {"formula": expression, **parameters})


#: the potentials of case files, by the name of their builder function
POTENTIALS: dict[str, Callable[..., Potential]] = {builder.__name__: builder for builder in (none, harmonic, double_well, formula)}


def make_potential(name: str, **parameters: object) -> Potential:
    """Build a potential from its registry name."""
    return build(POTENTIALS, name, "potential", parameters)
