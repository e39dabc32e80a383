"""Figures of case results (matplotlib's object API: no global pyplot state)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

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
            axes.errorbar(ensemble.x, ensemble.density, yerr=ensemble.density_error, fmt=".", ms=2, elinewidth=0.6, color=color, alpha=0.6, label=f"{label}: SDE")
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
    """<x>(t) and Var x(t): transient PDE (lines) and SDE ensembles (bands)."""
    figure = Figure(figsize=(7.5, 4.0), layout="constrained")
    mean_axes, variance_axes = figure.subplots(1, 2)
    for label, color in _colours(results.transient, results.ensembles):
        if label in results.transient:
            solution = results.transient[label]
            mean_axes.plot(solution.t, solution.mean, color=color, label=f"{label}: PDE")
            variance_axes.plot(solution.t, solution.variance, color=color)
        if label in results.ensembles:
            e = results.ensembles[label]
            mean_axes.fill_between(e.t, e.mean - 2 * e.mean_error, e.mean + 2 * e.mean_error, color=color, alpha=0.3, label=f"{label}: SDE")
            variance_axes.fill_between(e.t, e.variance - 2 * e.variance_error, e.variance + 2 * e.variance_error, color=color, alpha=0.3)
    mean_axes.set(xlabel="t", ylabel="<x>")
    variance_axes.set(xlabel="t", ylabel="Var x")
    mean_axes.legend(fontsize="x-small")
    return _save(figure, path)


def qme_scan(results: QMEResults, directory: Path) -> list[Path]:
    """Population and current plots of a qme case (one figure each)."""
    kind = results.system
    q, values, parameter = results.quantities, results.values, results.parameter or "point"
    paths = []
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axes = figure.add_subplot()
    if kind == "chain":
        sites = np.arange(1, q["site_populations"].shape[1] + 1)
        for value, populations in zip(values, q["site_populations"]):
            axes.plot(sites, populations, "o-", ms=3, label=f"{parameter} = {value:g}")
        axes.set(xlabel="site k (hot -> cold)", ylabel="site population", title="N-site chain (quantum-thermophoresis Fig. 2)")
        axes.legend(fontsize="x-small")
    elif kind in ("lambda", "v"):
        axes.plot(values, q["population_imbalance"], "o-", ms=3, label="Delta = P_2 - P_1")
        axes.plot(values, q["mean_position"], "s-", ms=3, label="<X>")
        axes.set(xlabel=parameter, ylabel="steady state", title=f"{kind} system")
        axes.legend(fontsize="x-small")
    else:
        axes.plot(values, q["occupation"], label="dot occupation p1")
        axes.plot(values, q["J_L"], label="particle current J_L")
        axes.set(xlabel=parameter, title="quantum dot")
        eps_r = q["eps_r"][0]
        if parameter == "eps" and np.isfinite(eps_r):
            axes.axvline(eps_r, color="k", ls=":", label=f"eps_r = {eps_r:.3g}")
        axes.axhline(0.0, color="0.6", lw=0.5)
        axes.legend(fontsize="x-small")
    paths.append(_save(figure, directory / "populations.png"))

    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axes = figure.add_subplot()
    if kind == "dot":
        for name in ("Q_L", "Q_R", "entropy_production"):
            axes.plot(values, q[name], label=name)
        axes.axhline(0.0, color="0.6", lw=0.5)
    else:
        currents = q["heat_currents"]
        for bath in range(currents.shape[1]):
            axes.plot(values, currents[:, bath], label=f"bath {bath + 1}")
        axes.plot(values, q["entropy_production"], "k--", label="entropy production")
    axes.set(xlabel=parameter, ylabel="heat current / entropy production", title="currents (heat per time out of the system into each bath)" if kind != "dot" else "dot heat currents")
    axes.legend(fontsize="x-small", ncols=2)
    paths.append(_save(figure, directory / "currents.png"))
    return paths
