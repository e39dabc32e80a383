"""Figures of 2D and 3D case results (matplotlib's object API: no global pyplot state).

Fields are drawn on the cell centres (a Delaunay triangulation of them, with triangles
longer than a few cell sizes masked so that holes and concave walls stay empty); 3D
results are drawn as the slice of cells nearest the middle z plane. Over each steady
density, the probability flux J(r) (:attr:`SteadyState.J_cells`, its in-plane
components on a 3D slice) is drawn as streamlines of its linear interpolation on the
triangulation to a regular ``STREAM_GRID`` x ``STREAM_GRID`` grid (masked triangles stop
them), their width growing with |J|; a steady state whose flux is round-off (a gradient
flow, :attr:`SteadyState.zero_flux`) gets a note in its title instead of lines of noise. Line cuts take the
cells nearest the middle of the second axis (y, or z on cylindrical (r, z) grids) and
plot P against the exact reference where one exists.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.tri import LinearTriInterpolator, Triangulation

from fpsolver.results.case import CaseResults
from fpsolver.results.field import SteadyState

#: triangles with an edge longer than this many typical cell sizes are masked
MASK_EDGE_FACTOR = 2.5
#: points per axis of the regular grid the flux is interpolated to for its streamlines
STREAM_GRID = 80


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


def _flux_streamlines(axes: Axes, triangles: Triangulation | None, solution: SteadyState, chosen: np.ndarray) -> str:
    """Draw the in-plane flux of ``solution`` at the cells ``chosen`` as streamlines (not on a
    single row of cells) and return the note for the panel's title."""
    J = solution.J_cells
    largest = float(np.max(np.linalg.norm(J, axis=0)))
    if solution.zero_flux:
        return f"\nJ = 0 to round-off (max |J| = {largest:.1e})"
    if triangles is None:
        return f"\nmax |J| = {largest:.2e}"
    x, y = triangles.x, triangles.y
    grid_x, grid_y = np.meshgrid(np.linspace(x.min(), x.max(), STREAM_GRID), np.linspace(y.min(), y.max(), STREAM_GRID))
    u, v = (LinearTriInterpolator(triangles, J[axis, chosen])(grid_x, grid_y).filled(np.nan) for axis in (0, 1))
    speed = np.hypot(u, v)
    largest_drawn = float(np.nanmax(speed, initial=0.0))
    if largest_drawn > 0:
        limits = {"xlim": axes.get_xlim(), "ylim": axes.get_ylim()}  # streamplot shrinks them to its grid
        axes.streamplot(grid_x, grid_y, u, v, density=1.1, color="black", linewidth=0.3 + 2.2 * np.nan_to_num(speed) / largest_drawn, arrowsize=0.8)
        axes.set(**limits)
    return f"\nflux J: streamlines, width ∝ |J| ≤ {largest_drawn:.2e}"


def field_maps(results: CaseResults, path: Path) -> Path:
    """T and every model's steady density P on the mesh (3D: the middle z slice), with the
    probability flux J over each P (streamlines, or a note where J is round-off)."""
    any_solution = next(iter(results.steady.values()))
    points, volumes = any_solution.points, any_solution.volumes
    chosen = _slice(points, volumes)
    flat = np.unique(points[1, chosen]).size < 2  # a single row of cells (e.g. one z cell of an (r, z) grid)
    triangles = None if flat else _triangulation(points[:, chosen], volumes[chosen], points.shape[0])
    panels = [("temperature T", results.T[chosen], None)] + [(f"{label}: steady density P", s.P[chosen], s) for label, s in results.steady.items()]
    figure = Figure(figsize=(4.2 * len(panels), 4.0), layout="constrained")
    first, second = _axis_names(results)
    where = "" if points.shape[0] == 2 else f" (slice z = {points[2, chosen[0]]:.3g})"
    for axes, (title, values, solution) in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels):
        if flat:
            order = np.argsort(points[0, chosen])
            axes.plot(points[0, chosen][order], values[order])
            axes.set(xlabel=first)
        else:
            figure.colorbar(axes.tripcolor(triangles, values, shading="gouraud"), ax=axes)
            axes.set(xlabel=first, ylabel=second, aspect="equal")
        note = "" if solution is None else _flux_streamlines(axes, triangles, solution, chosen)
        axes.set_title(title + where + note, fontsize="small")
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
