"""Parameter checks, registry look-ups and the resource budget shared by every layer (private).

Each check raises a one-line ValueError or TypeError naming the parameter, so no raw
numpy, numba or FiPy error reaches a user for bad input.

The resource budget is defined here once: :data:`MEMORY_BUDGET_BYTES` (memory one
computation may allocate) and :data:`STEP_BUDGET` (sequential steps of one run: time
steps, scan or sweep points). Solvers estimate what an input needs before allocating
anything and call :func:`within_budget`, which refuses it with the estimate in the message.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

import numpy as np

T = TypeVar("T")

#: Memory one computation may allocate (bytes): 4 GiB, well under the 24 GiB of the
#: machines fpsolver runs on, so a refused input never pushes a machine into swapping.
MEMORY_BUDGET_BYTES = 4 * 2**30
#: Sequential steps one run may take: time steps of a transient or an ensemble, points of a scan or a sweep.
STEP_BUDGET = 10**8


class BudgetError(ValueError):
    """An input whose estimated memory or number of steps exceeds the budget."""


def within_budget(what: str, *, memory_bytes: float = 0.0, steps: float = 0.0, detail: str = "") -> None:
    """Raise :class:`BudgetError` if ``memory_bytes`` exceeds :data:`MEMORY_BUDGET_BYTES` or
    ``steps`` exceeds :data:`STEP_BUDGET`; the message gives ``what``, the estimate and ``detail``
    (the inputs the estimate comes from, e.g. ``"cells = 1e+09"``)."""
    because = f" ({detail})" if detail else ""
    if memory_bytes > MEMORY_BUDGET_BYTES:
        raise BudgetError(f"{what} would need about {memory_bytes / 2**30:.3g} GiB of memory{because}, over the budget of {MEMORY_BUDGET_BYTES / 2**30:.3g} GiB")
    if steps > STEP_BUDGET:
        raise BudgetError(f"{what} would take about {steps:.3g} steps{because}, over the budget of {STEP_BUDGET:.3g} steps")


def lookup(registry: Mapping[str, T], name: object, what: str) -> T:
    """``registry[name]``, or a ValueError listing the valid names of ``what``."""
    if not isinstance(name, str) or name not in registry:
        raise ValueError(f"unknown {what} {name!r}; valid names: {', '.join(sorted(registry))}")
    return registry[name]


def one_of(name: str, value: object, choices: Collection[str]) -> str:
    """``value`` if it is one of the strings ``choices``; a ValueError naming ``name`` otherwise."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"'{name}' must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def build(registry: Mapping[str, Callable[..., T]], name: object, what: str, parameters: Mapping[str, object]) -> T:
    """Call the factory ``registry[name]`` with ``parameters``; a wrong or missing keyword
    becomes a ValueError naming ``what`` and ``name``."""
    factory = lookup(registry, name, what)
    try:
        return factory(**parameters)
    except TypeError as exc:
        raise ValueError(f"{what} {name!r}: {exc}") from None


def real(
    name: str,
    value: object,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    nonzero: bool = False,
    maximum: float | None = None,
) -> float:
    """``value`` as a finite float (optionally > 0, >= 0, != 0 or <= ``maximum``); TypeError
    for non-numbers (None, strings, arrays, bools), ValueError for NaN, inf or out-of-range values."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"'{name}' must be a real number, got {_shown(value)}")
    number = float(value)
    checks = {"> 0": (positive, number > 0), ">= 0": (nonnegative, number >= 0), "!= 0": (nonzero, number != 0), f"<= {maximum}": (maximum is not None, maximum is None or number <= maximum)}
    wanted = [condition for condition, (asked, _) in checks.items() if asked]
    if not math.isfinite(number) or any(asked and not holds for asked, holds in checks.values()):
        raise ValueError(f"'{name}' must be {' and '.join(['finite', *wanted])}, got {value!r}")
    return number


def optional_real(name: str, value: object, **bounds: bool | float | None) -> float | None:
    """None, or ``value`` checked by :func:`real` with ``bounds``."""
    return None if value is None else real(name, value, **bounds)  # type: ignore[arg-type]


def integer(name: str, value: object, *, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int in [``minimum``, ``maximum``] (bools and floats are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"'{name}' must be an integer, got {_shown(value)}")
    if value < minimum:
        raise ValueError(f"'{name}' must be >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"'{name}' must be <= {maximum}, got {value!r}")
    return int(value)


def reals(name: str, values: object, *, nonnegative: bool = False) -> np.ndarray:
    """``values`` as a float array of finite numbers (optionally >= 0); TypeError for
    None, strings or non-numeric entries, ValueError naming the first bad entry."""
    if values is None or isinstance(values, (str, bytes)):
        raise TypeError(f"'{name}' must be numbers, got {_shown(values)}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"'{name}' must be numbers, got {_shown(values)}") from None
    bad = ~np.isfinite(array) | ((array < 0) if nonnegative else False)
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        wanted = "finite and >= 0" if nonnegative else "finite"
        raise ValueError(f"'{name}' must be {wanted}, got {float(array[index])!r} at index {index[0] if len(index) == 1 else index}")
    return array


def _shown(value: object) -> str:
    """A short description of a bad value for messages (no huge reprs)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def _annotation(parameter: inspect.Parameter) -> str:
    annotation = parameter.annotation
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")


def checked(function: Callable[..., T]) -> Callable[..., T]:
    """Decorate ``function`` so that its arguments annotated ``float`` (a finite real number),
    ``int`` (an integer) or ``str`` (a string), each optionally ``| None``, are checked before
    it runs, with one-line errors naming the parameter (ranges stay the function's own checks)."""
    signature = inspect.signature(function)
    kinds = {name: _annotation(parameter).replace(" ", "") for name, parameter in signature.parameters.items()}

    @functools.wraps(function)
    def checked_call(*args: object, **kwargs: object) -> T:
        for name, value in signature.bind(*args, **kwargs).arguments.items():
            kind = kinds[name]
            if value is None and kind.endswith("|None"):
                continue
            if kind.startswith("float"):
                real(name, value)
            elif kind.startswith("int"):
                integer(name, value, minimum=-(2**63))
            elif kind.startswith("str") and not isinstance(value, str):
                raise TypeError(f"'{name}' must be a string, got {_shown(value)}")
        return function(*args, **kwargs)

    return checked_call
