"""What every QME result carries: named observables with units, provenance, ``to_xarray``.

qme/ sits below results/ in the layering, so its results keep their own small record
helpers here (xarray is imported only when a dataset is built).
"""

from __future__ import annotations

import functools
import inspect
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from fpsolver._validate import checked
from fpsolver._version import __version__

if TYPE_CHECKING:
    import xarray as xr

Result = TypeVar("Result")


@dataclass(frozen=True)
class Observable:
    """One reported quantity of a QME result.

    Attributes
    ----------
    value
        A number, or an array whose axes are named by ``dims``.
    units
        Units in the system's natural units (hbar = k_B = 1 unless set otherwise),
        e.g. ``"1"``, ``"energy"``, ``"energy/time"``.
    long_name
        What it is, in words.
    dims
        Names of the axes of ``value`` (``()`` for a number), e.g. ``("site",)``.
    """

    value: float | np.ndarray
    units: str
    long_name: str
    dims: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if np.ndim(self.value) != len(self.dims):
            raise ValueError(f"{self.long_name}: value has {np.ndim(self.value)} axes but dims names {len(self.dims)}: {self.dims}")


@dataclass(frozen=True, kw_only=True, eq=False)
class Recorded:
    """Base of QME results: provenance in ``metadata`` and a tidy ``to_xarray``.

    Subclasses implement :meth:`observables` (name -> :class:`Observable`) and may
    override :meth:`coordinates` (labels of their axes, e.g. level names).
    ``metadata`` holds the fpsolver version, the system, its parameters, the steady
    state method and the wall time (see :func:`with_provenance`).
    """

    metadata: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def observables(self) -> dict[str, Observable]:
        raise NotImplementedError(f"{type(self).__name__} does not list its observables")

    def coordinates(self) -> dict[str, Observable]:
        """Coordinates of named axes; axes without one are numbered 1..n."""
        return {}

    def to_xarray(self) -> xr.Dataset:
        """Every observable as a variable with ``units`` and ``long_name``; provenance as attributes."""
        return observables_dataset(self.observables(), self.coordinates(), self.metadata)


class FromSteadyState(Recorded):
    """A :class:`Recorded` result whose currents come from its ``steady_state``
    (a :class:`~fpsolver.qme._steady.QMESteadyState` field of the subclass)."""

    @property
    def method(self) -> str:
        """``"pauli"`` or ``"liouvillian"``: how the steady state was solved."""
        return self.steady_state.method

    @property
    def heat_currents(self) -> np.ndarray:
        """Heat per time from the system into each bath (energy/time)."""
        return self.steady_state.heat_currents

    @property
    def entropy_production(self) -> float:
        """Entropy production rate of the steady state (k_B per time; >= 0 by the second law)."""
        return self.steady_state.entropy_production


def observables_dataset(observables: Mapping[str, Observable], coordinates: Mapping[str, Observable], metadata: Mapping[str, object]) -> xr.Dataset:
    """A tidy dataset: one variable per observable, numbered coordinates for unlabelled axes.

    Attributes: ``fpsolver_version`` plus every metadata entry (numbers and strings as
    they are, anything else, booleans included, as JSON: NetCDF attributes hold only those).
    """
    import xarray as xr

    def variable(o: Observable) -> tuple:
        return (o.dims, np.asarray(o.value), {"units": o.units, "long_name": o.long_name})

    coords = {name: variable(c) for name, c in coordinates.items()}
    for o in observables.values():
        for dim, size in zip(o.dims, np.shape(o.value)):
            coords.setdefault(dim, ((dim,), np.arange(1, size + 1), {"units": "1", "long_name": f"{dim} number"}))
    attrs = {"fpsolver_version": __version__}
    attrs.update({key: value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else json.dumps(value, default=str) for key, value in metadata.items()})
    return xr.Dataset({name: variable(o) for name, o in observables.items()}, coords=coords, attrs=attrs)


def provenance(*, started: float, **details: object) -> dict[str, object]:
    """fpsolver version, the given details (system, parameters, method, ...) and the wall time in s since ``started`` (``time.perf_counter()``)."""
    return {"fpsolver_version": __version__, **details, "wall_time_s": time.perf_counter() - started}


def with_provenance(solve: Callable[..., Result]) -> Callable[..., Result]:
    """Decorate a system's solve function so its result's ``metadata`` records the run.

    Arguments annotated ``float``, ``int`` or ``str`` are checked first
    (:func:`fpsolver._validate.checked`: NaN, inf, None or a wrong type raise a one-line
    error naming the parameter). The metadata are the fpsolver version, the function (module and name), every
    parameter of the call (defaults filled in), the method of the result
    (``result.method``) and the wall time. The decorated function keeps its signature
    and docstring (the case-file schema is generated from them).
    """
    signature = inspect.signature(solve)
    function = f"{solve.__module__}.{solve.__qualname__}"
    solve_checked = checked(solve)

    @functools.wraps(solve)
    def solve_recorded(*args: Any, **kwargs: Any) -> Result:
        started = time.perf_counter()
        result = solve_checked(*args, **kwargs)
        call = signature.bind(*args, **kwargs)
        call.apply_defaults()
        return replace(result, metadata=provenance(started=started, function=function, parameters=dict(call.arguments), method=result.method))

    return solve_recorded
