"""Figures of case results (matplotlib's object API: no global pyplot state)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from fpsolver.pipeline import CaseResults


def steady_profiles(results: CaseResults, path: Path) -> Path:
    """P(x) of every model (lines) against the exact reference (markers), T(x) on a twin axis."""
    figure = Figure(figsize=(7.0, 4.2), layout="constrained")
    axes = figure.add_subplot()
    for label, solution in results.steady.items():
        (line,) = axes.plot(solution.x, solution.P, label=f"{label} (PDE)")
        stride = max(1, solution.x.size // 25)
        axes.plot(solution.x[::stride], results.exact[label][::stride], "o", ms=3.5, mfc="none", color=line.get_color(), label=f"{label} (exact)")
    axes.set_xlabel("x")
    axes.set_ylabel("steady density P(x)")
    axes.legend(fontsize="small", loc="best")
    twin = axes.twinx()
    x = next(iter(results.steady.values())).x
    twin.plot(x, results.case.profile.T(x), "k--", lw=1.0)
    twin.set_ylabel("T(x) (dashed)")
    axes.set_title(results.case.config.title or results.case.name)
    figure.savefig(path, dpi=120)
    return path


def moment_relaxation(results: CaseResults, path: Path) -> Path:
    """<x>(t) and Var x(t) of every model's transient solve."""
    figure = Figure(figsize=(7.0, 4.2), layout="constrained")
    mean_axes, variance_axes = figure.subplots(1, 2)
    for label, solution in results.transient.items():
        mean_axes.plot(solution.t, solution.mean, label=label)
        variance_axes.plot(solution.t, solution.variance, label=label)
    mean_axes.set(xlabel="t", ylabel="<x>")
    variance_axes.set(xlabel="t", ylabel="Var x")
    mean_axes.legend(fontsize="small")
    figure.savefig(path, dpi=120)
    return path


__all__ = ["steady_profiles", "moment_relaxation"]
