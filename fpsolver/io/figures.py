"""Figures of case results (matplotlib's object API: no global pyplot state)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from fpsolver.qme.systems import SYSTEMS, ScanFigure
from fpsolver.results.case import CaseResults, QMEResults


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path, dpi=110)
    return path


def _colours(*groups: dict) -> list[tuple[str, str]]:
    """Each model label found in ``groups`` (in order of appearance) with its own colour."""
    labels = dict.fromkeys(label for group in groups for label in group)
    return [(label, f"C{index}") for index, label in enumerate(labels)]


def steady_profiles(results: CaseResults, path: Path) -> Path:
    """P(x) of every model: PDE (line), exact (markers), SDE histogram (error bars)."""
    figure = Figure(figsize=(7.5, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for label, color in _colours(results.steady, results.ensembles):
        if label in results.steady:
            solution = results.steady[label]
            axes.plot(solution.x, solution.P, color=color, label=f"{label}: PDE")
            stride = max(1, solution.x.size // 25)
            axes.plot(solution.x[::stride], results.exact[label][::stride], "o", ms=3.5, mfc="none", color=color, label=f"{label}: exact")
        if label in results.ensembles:
            ensemble = results.ensembles[label]
            axes.errorbar(ensemble.x, ensemble.P, yerr=ensemble.P_error, fmt=".", ms=2, elinewidth=0.6, color=color, alpha=0.6, label=f"{label}: SDE")
    axes.set(xlabel="x", ylabel="steady density P(x)", title=results.case.heading)
    axes.legend(fontsize="x-small", ncols=2)
    return _save(figure, path)


def temperature_and_soret(results: CaseResults, path: Path) -> Path:
    """T(x) and the local Soret coefficient S_T(x) = -d ln P/dT of every model."""
    figure = Figure(figsize=(7.5, 4.0), layout="constrained")
    temperature_axes, soret_axes = figure.subplots(1, 2)
    x, T = results.x, results.T
    temperature_axes.plot(x, T, "k")
    temperature_axes.set(xlabel="x", ylabel="T(x)", title="temperature")
    for label, (x_mid, S) in results.soret.items():
        soret_axes.plot(x_mid, S, label=label)
    soret_axes.plot(x, 1.0 / T, "k:", label="1/T (Eq. 8)")
    soret_axes.set(xlabel="x", ylabel="S_T = -d ln P / dT", title="Soret coefficient")
    soret_axes.legend(fontsize="x-small")
    return _save(figure, path)


def moment_relaxation(results: CaseResults, path: Path) -> Path:
    """<x>(t) and Var x(t) of every transient: PDE (lines) and
    the SDE ensemble started from the same initial density (2 sigma bands)."""
    figure = Figure(figsize=(7.5, 4.0), layout="constrained")
    mean_axes, variance_axes = figure.subplots(1, 2)
    for label, color in _colours(results.transient, results.transient_ensembles):
        if label in results.transient:
            solution = results.transient[label]
            mean_axes.plot(solution.t, solution.mean, color=color, label=f"{label}: PDE")
            variance_axes.plot(solution.t, solution.variance, color=color)
        if label in results.transient_ensembles:
            e = results.transient_ensembles[label]
            mean_axes.fill_between(e.t, e.mean - 2 * e.mean_error, e.mean + 2 * e.mean_error, color=color, alpha=0.3, label=f"{label}: SDE, same start")
            variance_axes.fill_between(e.t, e.variance - 2 * e.variance_error, e.variance + 2 * e.variance_error, color=color, alpha=0.3)
    mean_axes.set(xlabel="t", ylabel="<x>")
    variance_axes.set(xlabel="t", ylabel="Var x")
    mean_axes.legend(fontsize="x-small")
    return _save(figure, path)


def qme_scan(results: QMEResults, directory: Path) -> list[tuple[Path, str]]:
    """The figures a qme case's system declares (:attr:`fpsolver.qme.System.figures`), as (path, caption)."""
    figures = SYSTEMS[results.system].figures
    return [(_qme_figure(spec, results, directory / spec.filename), spec.caption) for spec in figures]


def _qme_figure(spec: ScanFigure, results: QMEResults, path: Path) -> Path:
    """Draw one declared figure: curves against the scan values, or (``spec.profile``) one profile per scan point."""
    parameter = results.parameter or "point"

    def observable(name: str) -> np.ndarray:
        if name not in results.quantities:
            raise ValueError(f"figure {spec.filename} of system {results.system!r}: no observable {name!r} (has {', '.join(results.quantities)})")
        return results.quantities[name]

    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axes = figure.add_subplot()
    for curve in spec.curves:
        data = observable(curve.observable)
        if spec.profile:
            positions = np.arange(1, data.shape[1] + 1)
            for value, row in zip(results.values, data):
                axes.plot(positions, row, curve.style, ms=3, label=curve.label.format(parameter=parameter, value=value))
        elif data.ndim == 1:
            axes.plot(results.values, data, curve.style, ms=3, label=curve.label)
        else:
            for index in range(data.shape[1]):
                axes.plot(results.values, data[:, index], curve.style, ms=3, label=curve.label.format(index=index + 1))
    for line in spec.reference_lines:
        if line.when_scanning is not None and line.when_scanning != results.parameter:
            continue
        at = float(observable(line.at)[0]) if isinstance(line.at, str) else line.at
        if not np.isfinite(at):
            continue
        draw = axes.axhline if line.orientation == "horizontal" else axes.axvline
        style = {"color": line.color, "ls": line.linestyle} | ({} if line.linewidth is None else {"lw": line.linewidth})
        draw(at, label=line.label.format(value=at) if line.label else None, **style)
    axes.set(xlabel=parameter if spec.xlabel is None else spec.xlabel, ylabel=spec.ylabel, title=spec.title)
    axes.legend(fontsize="x-small", ncols=spec.legend_columns)
    return _save(figure, path)
