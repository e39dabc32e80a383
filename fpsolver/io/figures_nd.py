"""Figures of 2D and 3D case results (matplotlib's object API: no global pyplot state).

Fields are drawn on the cell centres (a Delaunay triangulation of them, with triangles
longer than a few cell sizes masked so that holes and concave walls stay empty); 3D
results are drawn as the slice of cells nearest the middle z plane. Line cuts take the
cells nearest the middle of the second axis (y, or z on cylindrical (r, z) grids) and
plot P against the exact reference where one exists.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.tri import Triangulation

from fpsolver.results.case import CaseResults

#: triangles with an edge longer than this many typical cell sizes are masked
MASK_EDGE_FACTOR = 2.5


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path, dpi=110)
    return path


def _slice(points: np.ndarray, volumes: np.ndarray) -> np.ndarray:
    """Indices of the cells drawn: all in 2D; in 3D those nearest the middle z plane."""
    if points.shape[0] == 2:
        return np.arange(points.shape[1])
    z = points[2]
    middle = z[np.argmin(np.abs(z - 0.5 * (z.min() + z.max())))]
    return np.flatnonzero(np.isclose(z, middle, rtol=0.0, atol=1e-9 * max(1.0, float(np.ptp(z)))))


def _triangulation(points: np.ndarray, volumes: np.ndarray, dimension: int) -> Triangulation:
    x, y = points[0], points[1]
    triangles = Triangulation(x, y)
    size = float(np.median(volumes ** (1.0 / dimension)))
    corners = np.stack([x[triangles.triangles], y[triangles.triangles]], axis=-1)
    edges = np.linalg.norm(corners - np.roll(corners, 1, axis=1), axis=-1)
    triangles.set_mask(edges.max(axis=1) > MASK_EDGE_FACTOR * size)
    return triangles


def _axis_names(results: CaseResults) -> tuple[str, str]:
    return ("r", "z") if results.case.configuration.get("mesh", {}).get("kind") == "cylindrical" else ("x", "y")


def field_maps(results: CaseResults, path: Path) -> Path:
    """T and every model's steady density P on the mesh (3D: the middle z slice)."""
    any_solution = next(iter(results.steady.values()))
    points, volumes = any_solution.points, any_solution.volumes
    chosen = _slice(points, volumes)
    flat = np.unique(points[1, chosen]).size < 2  # a single row of cells (e.g. one z cell of an (r, z) grid)
    triangles = None if flat else _triangulation(points[:, chosen], volumes[chosen], points.shape[0])
    panels = [("T", "temperature T", results.T[chosen])] + [(label, f"{label}: steady density P", s.P[chosen]) for label, s in results.steady.items()]
    figure = Figure(figsize=(4.2 * len(panels), 3.8), layout="constrained")
    first, second = _axis_names(results)
    where = "" if points.shape[0] == 2 else f" (slice z = {points[2, chosen[0]]:.3g})"
    for axes, (_, title, values) in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels):
        if flat:
            order = np.argsort(points[0, chosen])
            axes.plot(points[0, chosen][order], values[order])
            axes.set(title=title + where, xlabel=first)
            continue
        figure.colorbar(axes.tripcolor(triangles, values, shading="gouraud"), ax=axes)
        axes.set(title=title + where, xlabel=first, ylabel=second, aspect="equal")
    return _save(figure, path)


def line_cut(results: CaseResults, path: Path) -> Path:
    """P along the first axis through the middle of the second (and third) axis: PDE (lines) and exact (markers)."""
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axes = figure.add_subplot()
    first, second = _axis_names(results)
    for index, (label, solution) in enumerate(results.steady.items()):
        points = solution.points
        chosen = np.arange(points.shape[1])
        for axis in range(1, points.shape[0]):
            values = points[axis, chosen]
            middle = 0.5 * (values.min() + values.max())
            nearest = values[np.argmin(np.abs(values - middle))]
            chosen = chosen[np.abs(values - nearest) <= 0.5 * np.min(np.abs(np.diff(np.unique(values))), initial=np.inf) + 1e-12]
        chosen = chosen[np.argsort(points[0, chosen])]
        axes.plot(points[0, chosen], solution.P[chosen], color=f"C{index}", label=f"{label}: PDE")
        if label in results.exact:
            axes.plot(points[0, chosen], results.exact[label][chosen], "o", ms=3.5, mfc="none", color=f"C{index}", label=f"{label}: exact")
    axes.set(xlabel=first, ylabel="steady density P", title=f"line cut through the middle of {second}: {results.case.heading}")
    axes.legend(fontsize="x-small")
    return _save(figure, path)


def moment_relaxation(results: CaseResults, path: Path) -> Path:
    """<r>(t) per axis and the total probability of every transient."""
    figure = Figure(figsize=(7.5, 4.0), layout="constrained")
    mean_axes, mass_axes = figure.subplots(1, 2)
    for index, (label, solution) in enumerate(results.transient.items()):
        for axis in range(solution.mean.shape[1]):
            mean_axes.plot(solution.t, solution.mean[:, axis], color=f"C{index}", ls=("-", "--", ":")[axis], label=f"{label}: <{'xyz'[axis]}>")
        mass_axes.plot(solution.t, solution.mass, color=f"C{index}", label=label)
    mean_axes.set(xlabel="t", ylabel="mean position")
    mass_axes.set(xlabel="t", ylabel="total probability sum(P V)")
    mean_axes.legend(fontsize="x-small")
    return _save(figure, path)
