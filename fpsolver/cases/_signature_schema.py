"""Pydantic schemas generated from library signatures, so case-file keys map one-to-one
onto the keyword arguments of profiles, potentials and models (one source of truth:
the library's own defaults)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def parameter_descriptions(function: Callable[..., Any]) -> dict[str, str]:
    """Descriptions from the numpy-style "Parameters" section of a docstring."""
    lines = (inspect.getdoc(function) or "").splitlines()
    headers = [i for i in range(len(lines) - 1) if lines[i + 1].strip().startswith("---") and lines[i].strip()]
    if not any(lines[i].strip() == "Parameters" for i in headers):
        return {}
    start = next(i for i in headers if lines[i].strip() == "Parameters") + 2
    stop = next((i for i in headers if i > start), len(lines))
    descriptions: dict[str, list[str]] = {}
    names: list[str] = []
    for line in lines[start:stop]:
        if line.strip() and not line.startswith(" "):
            names = [name.strip() for name in line.split(":")[0].split(",")]
            for name in names:
                descriptions[name] = []
        elif line.strip():
            for name in names:
                descriptions[name].append(line.strip())
    return {name: " ".join(words).replace("``", "`") for name, words in descriptions.items()}


def schema_from_signature(name: str, function: Callable[..., Any], exclude: Iterable[str] = ()) -> type[BaseModel]:
    """A strict pydantic model whose fields are the parameters of ``function``.

    Parameters without defaults become required fields; ``**kwargs`` becomes a
    ``parameters`` table of named floats (used by formula profiles and potentials).
    """
    target = function.__init__ if inspect.isclass(function) else function
    signature = inspect.signature(target)
    hints = get_type_hints(target)
    described = parameter_descriptions(function)
    fields: dict[str, Any] = {}
    for parameter in signature.parameters.values():
        if parameter.name in set(exclude) | {"self"}:
            continue
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            fields["parameters"] = (dict[str, float], {})
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[parameter.name] = (hints.get(parameter.name, Any), Field(default, description=described.get(parameter.name)))
    return create_model(name, __config__=STRICT, **fields)
