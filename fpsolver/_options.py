"""Solver options: one pydantic model per solver holds every option's name, type,
default, bounds and description, and the library signatures are generated from it.

:class:`Options` is the base of the options objects (:mod:`fpsolver.pde.options`,
:mod:`fpsolver.ensembles.options`); :func:`accepts_options` gives a function or
``__init__`` written as ``f(model, mesh, options, *, extra)`` the public signature
``f(model, mesh, <one keyword per option>, *, options=None, extra)`` with the
options' defaults (what ``inspect.signature`` and ``help()`` show), and the case-file
tables of :mod:`fpsolver.cases.schema` copy their fields from the same objects. A
bad value raises a one-line ``ValueError`` (or ``TypeError`` for a value of the
wrong type) naming the option.
"""

from __future__ import annotations

import functools
import inspect
import reprlib
import types
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

#: the kinds of wall, declared once for every solver and case files: "reflecting" (zero
#: flux; particles mirrored), "absorbing" (P = 0 on the wall; particles removed, exit
#: times recorded) and "periodic" (the two walls of an axis joined into a ring)
WallKind = Literal["reflecting", "absorbing", "periodic"]
#: the wall kinds of solvers whose periodicity belongs to the mesh or that have none (the
#: PDE's ``boundary``, the inertial ensemble)
NonPeriodicWall = Literal[tuple(kind for kind in get_args(WallKind) if kind != "periodic")]  # type: ignore[valid-type]

OPTIONS_MARKER = "[options]"
_TYPE_ERRORS = ("_type", "is_instance_of", "none_required")

OptionsT = TypeVar("OptionsT", bound="Options")


class Options(BaseModel):
    """Validated, immutable solver options (strict types, no unknown keys, finite numbers).

    Subclasses declare their options as pydantic fields with a default (or none: a
    required option), bounds and a ``description``; ``positional`` names the options
    that may also be passed by position, in that order.
    """

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid", allow_inf_nan=False, arbitrary_types_allowed=True)
    positional: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _plain_python_scalars(cls, data: Any) -> Any:
        """numpy scalars (np.int64, np.float32, np.bool_) count as the Python numbers they hold."""
        if isinstance(data, dict):
            return {key: value.item() if isinstance(value, np.generic) else value for key, value in data.items()}
        return data

    @classmethod
    def build(cls: type[OptionsT], options: OptionsT | None = None, /, **values: Any) -> OptionsT:
        """``options`` (default: every option at its default) with ``values`` replacing options.

        Raises
        ------
        TypeError
            ``options`` of another class, or a value of the wrong type.
        ValueError
            A value out of bounds; the one-line message names the option.
        """
        if options is not None and not isinstance(options, cls):
            raise TypeError(f"'options' must be a {cls.__name__}, got {type(options).__name__}")
        data = {**(dict(options) if options is not None else {}), **values}
        try:
            return cls(**data)
        except ValidationError as error:
            raise _one_line(error, data) from None

    @classmethod
    def signature_parameters(cls) -> list[inspect.Parameter]:
        """One parameter per option: ``positional`` ones first (positional or keyword), the rest keyword-only."""
        fields = cls.model_fields
        names = [*cls.positional, *(name for name in fields if name not in cls.positional)]
        return [
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD if name in cls.positional else inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if fields[name].is_required() else fields[name].default,
                annotation=type_name(fields[name].annotation),
            )
            for name in names
        ]

    @classmethod
    def parameters_section(cls, indent: str) -> str:
        """numpy-style "Parameters" entries of every option (name : type, default; description)."""
        lines = []
        for parameter in cls.signature_parameters():
            default = "required" if parameter.default is inspect.Parameter.empty else f"default {parameter.default!r}"
            lines += [f"{indent}{parameter.name} : {parameter.annotation}, {default}", f"{indent}    {cls.model_fields[parameter.name].description}"]
        return "\n".join(lines)


def type_name(annotation: Any) -> str:
    """``int``, ``float | None``, ``'weak2' | 'euler'``: an annotation as a reader writes it."""
    if get_origin(annotation) is Literal:
        return " | ".join(repr(value) for value in get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType):
        return " | ".join(type_name(member) for member in get_args(annotation))
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def _one_line(error: ValidationError, data: dict[str, Any]) -> ValueError | TypeError:
    """The first bad option of a validation error as one line: "'dt' must be greater than 0 or None, got -1.0"."""
    details = error.errors()
    name = str(details[0]["loc"][0]) if details[0]["loc"] else ""
    if details[0]["type"] == "extra_forbidden":
        return TypeError(f"unknown option '{name}'")
    if details[0]["type"] == "missing":
        return TypeError(f"missing required option '{name}'")
    own = [detail for detail in details if detail["loc"] and str(detail["loc"][0]) == name]
    wanted = list(dict.fromkeys(detail["msg"].removeprefix("Input should be ").removeprefix("Value error, ") for detail in own))
    exception = TypeError if all(detail["type"].endswith(_TYPE_ERRORS) for detail in own) else ValueError
    return exception(f"'{name}' must be {' or '.join(wanted)}, got {reprlib.repr(data.get(name))}")


def accepts_options(options_class: type[Options]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give ``function(leading..., options, *, trailing...)`` one keyword per option.

    The wrapper's signature is ``leading``, the options (``options_class.positional``
    ones may be passed by position), ``options=None`` and ``trailing``; it builds
    ``options_class.build(options, **given)`` and calls ``function`` with it. A line
    ``[options]`` in the docstring is replaced by the options' "Parameters" entries.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(function)
        parameters = list(signature.parameters.values())
        split = [parameter.name for parameter in parameters].index("options")
        leading, trailing = parameters[:split], parameters[split + 1 :]
        options_parameter = inspect.Parameter("options", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=f"{options_class.__name__} | None")
        public = signature.replace(parameters=[*leading, *options_class.signature_parameters(), options_parameter, *trailing])
        names = set(options_class.model_fields)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            arguments = public.bind_partial(*args, **kwargs).arguments
            given = {name: arguments.pop(name) for name in list(arguments) if name in names}
            arguments["options"] = options_class.build(arguments.pop("options", None), **given)
            return function(**arguments)

        wrapper.__signature__ = public  # type: ignore[attr-defined]
        if function.__doc__ and OPTIONS_MARKER in function.__doc__:
            lines = function.__doc__.splitlines()
            at = next(i for i, line in enumerate(lines) if line.strip() == OPTIONS_MARKER)
            indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            wrapper.__doc__ = "\n".join([*lines[:at], options_class.parameters_section(indent), *lines[at + 1 :]])
        return wrapper

    return decorate
