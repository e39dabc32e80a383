"""Parameter checks and registry look-ups shared by every layer (private).

Each check raises a one-line ValueError or TypeError naming the parameter, so no raw
numpy, numba or FiPy error reaches a user for bad input.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def lookup(registry: Mapping[str, T], name: object, what: str) -> T:
    """``registry[name]``, or a ValueError listing the valid names of ``what``."""
    if not isinstance(name, str) or name not in registry:
        raise ValueError(f"unknown {what} {name!r}; valid names: {', '.join(sorted(registry))}")
    return registry[name]


def build(registry: Mapping[str, Callable[..., T]], name: object, what: str, parameters: Mapping[str, object]) -> T:
    """Call the factory ``registry[name]`` with ``parameters``; a wrong or missing keyword
    becomes a ValueError naming ``what`` and ``name``."""
    factory = lookup(registry, name, what)
    try:
        return factory(**parameters)
    except TypeError as exc:
        raise ValueError(f"{what} {name!r}: {exc}") from None


def real(name: str, value: object, *, positive: bool = False, nonnegative: bool = False) -> float:
    """``value`` as a finite float (optionally > 0 or >= 0); TypeError for non-numbers,
    ValueError for NaN, inf or out-of-range values."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"'{name}' must be a real number, got {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"'{name}' must be finite, got {value!r}")
    if positive and not number > 0:
        raise ValueError(f"'{name}' must be > 0, got {value!r}")
    if nonnegative and not number >= 0:
        raise ValueError(f"'{name}' must be >= 0, got {value!r}")
    return number


def integer(name: str, value: object, *, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (bools and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"'{name}' must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"'{name}' must be >= {minimum}, got {value!r}")
    return int(value)
