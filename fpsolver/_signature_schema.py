"""Pydantic schemas generated from library signatures, so case-file keys map one-to-one
onto the keyword arguments of profiles, potentials and models (one source of truth:
the library's own defaults)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def schema_from_signature(name: str, function: Callable[..., Any], exclude: Iterable[str] = ()) -> type[BaseModel]:
    """A strict pydantic model whose fields are the parameters of ``function``.

    Parameters without defaults become required fields; ``**kwargs`` becomes a
    ``parameters`` table of named floats (used by formula profiles and potentials).
    """
    target = function.__init__ if inspect.isclass(function) else function
    signature = inspect.signature(target)
    hints = get_type_hints(target)
    fields: dict[str, Any] = {}
    for parameter in signature.parameters.values():
        if parameter.name in set(exclude) | {"self"}:
            continue
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            fields["parameters"] = (dict[str, float], {})
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[parameter.name] = (hints.get(parameter.name, Any), default)
    return create_model(name, __config__=STRICT, **fields)


def call_with(function: Callable[..., Any], values: BaseModel, **extra: Any) -> Any:
    """Call ``function`` with the validated values (``parameters`` expanded as kwargs)."""
    arguments = values.model_dump()
    arguments.update(arguments.pop("parameters", {}))
    return function(**arguments, **extra)
