"""The registry of quantum systems a qme case can run, and the declarative description of
their scan figures (rendered by :func:`fpsolver.io.figures.qme_scan`; nothing here draws)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from fpsolver.qme._records import Observable


@dataclass(frozen=True)
class Curve:
    """One observable on a scan figure.

    Attributes
    ----------
    observable
        Name of an observable of the system's result.
    label
        Legend entry, a ``str.format`` template: ``{index}`` (1-based position along
        the observable's own axis: one curve each, e.g. ``"bath {index}"``), or in a
        profile figure ``{parameter}`` and ``{value}`` (the scan point of the curve).
    style
        matplotlib format string, e.g. ``"o-"`` or ``"k--"``.
    """

    observable: str
    label: str
    style: str = "-"


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal or vertical line on a scan figure.

    Attributes
    ----------
    orientation
        ``"horizontal"`` (at a y value) or ``"vertical"`` (at an x value).
    at
        A number, or the name of a scalar observable (its value at the first scan
        point; the line is left out where that is not finite).
    label
        Legend entry (``{value}`` is replaced by the position); ``""``: none.
    when_scanning
        Draw only when this parameter is scanned (``None``: always).
    color, linestyle, linewidth
        Line style (matplotlib names; ``linewidth=None`` is the default width).
    """

    orientation: Literal["horizontal", "vertical"]
    at: float | str
    label: str = ""
    when_scanning: str | None = None
    color: str = "k"
    linestyle: str = ":"
    linewidth: float | None = None


ZERO_LINE = ReferenceLine("horizontal", 0.0, color="0.6", linestyle="-", linewidth=0.5)


@dataclass(frozen=True)
class ScanFigure:
    """One figure of a qme case, in ``results/figures/<filename>``.

    Attributes
    ----------
    filename, caption
        File name (``.png``) and the caption shown in the report.
    title, ylabel
        Axes title and y label.
    curves
        What is plotted, in legend order.
    xlabel
        x label; ``None``: the scanned parameter's name.
    profile
        ``False``: x is the scanned parameter. ``True``: x = 1..n along the own axis of
        the curves' observables (e.g. the chain's sites), one curve per scan point.
    reference_lines
        Drawn after the curves, in this order.
    legend_columns
        Columns of the legend.
    """

    filename: str
    caption: str
    title: str
    curves: tuple[Curve, ...]
    ylabel: str = ""
    xlabel: str | None = None
    profile: bool = False
    reference_lines: tuple[ReferenceLine, ...] = ()
    legend_columns: int = 1


@dataclass(frozen=True, eq=False)
class System:
    """Everything the case workflow needs to know about one quantum system.

    Attributes
    ----------
    name
        The ``[system] kind`` of case files.
    solve
        The function evaluated at every scan point. Its keyword parameters are the
        ``[system]`` keys (the case-file schema is generated from its signature,
        annotations and numpy-style "Parameters" docstring); ``int`` parameters are
        scanned as integers.
    observables
        ``result -> {name: Observable}`` for the result of ``solve``; must include a
        scalar ``entropy_production`` (the second-law check of qme cases).
    example
        ``[system]`` values for ``fpsolver new --kind qme`` (every parameter without a
        default, plus any worth showing); the other keys are written at their defaults.
    example_scan
        The ``[scan]`` table of the scaffold (``parameter`` and ``values``, or ``start``/``stop``/``num``).
    figures
        The figures of a case run.
    summary
        One line saying what the system is.
    """

    name: str
    solve: Callable[..., Any]
    observables: Callable[[Any], dict[str, Observable]]
    example: dict[str, Any]
    example_scan: dict[str, Any]
    figures: tuple[ScanFigure, ...]
    summary: str


SYSTEMS: dict[str, System] = {}


def register_system(system: System) -> System:
    """Add ``system`` to :data:`SYSTEMS` under ``system.name``.

    Raises
    ------
    ValueError
        A system of that name is registered already.
    """
    if system.name in SYSTEMS:
        raise ValueError(f"a quantum system named {system.name!r} is registered already")
    SYSTEMS[system.name] = system
    return system


HEAT_CURRENTS_FIGURE = ScanFigure(
    filename="currents.png",
    caption="heat currents and entropy production",
    title="currents (heat per time out of the system into each bath)",
    ylabel="heat current / entropy production",
    curves=(Curve("heat_currents", "bath {index}"), Curve("entropy_production", "entropy production", "k--")),
    legend_columns=2,
)
"""For systems whose ``heat_currents`` run over their baths: one curve per bath and the entropy production."""
