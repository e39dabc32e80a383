"""Compiled kernels of the 2D overdamped ensembles (rectangles and discs).

Same design as the 1D kernels (:mod:`fpsolver.ensembles._kernels`): the model
enters only through a table of its coefficients on a fine uniform grid (here 2D,
bilinear interpolation), every chunk of particles owns one xoshiro256** stream
(:mod:`fpsolver.ensembles._random`) advanced by one thread in a fixed order (time
step major, particle minor, two normals per particle and step), and histograms
are accumulated per chunk, so results depend on (seed, chunk size) only, never on
the thread count or on how chunks are spread over processes.

Shapes: ``RECTANGLE`` [lo_x, hi_x] x [lo_y, hi_y] with mirror reflection per axis;
``DISC`` |r - c| <= R with the radial mirror |r - c| -> 2R - |r - c| (the flat-wall
mirror applied along the normal). Bins: ``CARTESIAN`` (cells of a rectilinear
grid, index j * nx + i as FiPy's Grid2D numbers them) or ``POLAR`` (annuli x
sectors, index i_r * n_theta + i_theta, theta in [-pi, pi)).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from fpsolver.ensembles._random import fill_normals, uniform

RECTANGLE = 0
DISC = 1
CARTESIAN = 0
POLAR = 1


@numba.njit(inline="always", cache=True)
def _bilinear(table: np.ndarray, x0: float, y0: float, inv_x: float, inv_y: float, x: float, y: float, column: int) -> float:
    """Bilinear interpolation of ``table[:, :, column]`` at (x, y), clamped to the table."""
    sx = min(max((x - x0) * inv_x, 0.0), table.shape[0] - 1 - 1e-9)
    sy = min(max((y - y0) * inv_y, 0.0), table.shape[1] - 1 - 1e-9)
    i, j = int(sx), int(sy)
    fx, fy = sx - i, sy - j
    low = table[i, j, column] + fx * (table[i + 1, j, column] - table[i, j, column])
    high = table[i, j + 1, column] + fx * (table[i + 1, j + 1, column] - table[i, j + 1, column])
    return low + fy * (high - low)


@numba.njit(inline="always", cache=True)
def _mirror(x: float, lo: float, hi: float) -> float:
    while x < lo or x > hi:
        x = 2.0 * lo - x if x < lo else 2.0 * hi - x
    return x


@numba.njit(inline="always", cache=True)
def _reflect(shape: int, geometry: np.ndarray, x: float, y: float) -> tuple[float, float]:
    """Mirror (x, y) back into the domain. ``geometry``: (lo_x, hi_x, lo_y, hi_y) or (cx, cy, R)."""
    if shape == RECTANGLE:
        return _mirror(x, geometry[0], geometry[1]), _mirror(y, geometry[2], geometry[3])
    dx, dy = x - geometry[0], y - geometry[1]
    radius = geometry[2]
    r = math.sqrt(dx * dx + dy * dy)
    if r <= radius:
        return x, y
    # a step longer than the diameter never happens at sensible dt; fold anyway
    mirrored = 2.0 * radius - r
    while mirrored < -radius or mirrored > radius:
        mirrored = -2.0 * radius - mirrored if mirrored < -radius else 2.0 * radius - mirrored
    scale = mirrored / r
    return geometry[0] + dx * scale, geometry[1] + dy * scale


@numba.njit(inline="always", cache=True)
def _bin(binning: int, edges_a: np.ndarray, edges_b: np.ndarray, origin_x: float, origin_y: float, x: float, y: float) -> int:
    """Histogram bin of (x, y), or -1 outside the bins."""
    if binning == CARTESIAN:
        a, b = x, y
    else:
        dx, dy = x - origin_x, y - origin_y
        a, b = math.sqrt(dx * dx + dy * dy), math.atan2(dy, dx)
    i = np.searchsorted(edges_a, a, side="right") - 1
    j = np.searchsorted(edges_b, b, side="right") - 1
    na, nb = edges_a.size - 1, edges_b.size - 1
    # points exactly on the last edge belong to the last bin
    if i == na and a == edges_a[na]:
        i = na - 1
    if j == nb and b == edges_b[nb]:
        j = nb - 1
    if i < 0 or i >= na or j < 0 or j >= nb:
        return -1
    if binning == CARTESIAN:
        return j * na + i
    return i * nb + j


@numba.njit(parallel=True, cache=True)
def initial_positions_2d(px, py, states, bounds, shape, geometry):  # pragma: no cover - compiled
    """Uniformly distributed start positions from each chunk's own stream (rejection for the disc)."""
    for c in numba.prange(bounds.size - 1):
        state = states[c]
        for i in range(bounds[c], bounds[c + 1]):
            if shape == RECTANGLE:
                px[i] = geometry[0] + (geometry[1] - geometry[0]) * uniform(state)
                py[i] = geometry[2] + (geometry[3] - geometry[2]) * uniform(state)
            else:
                while True:
                    u = 2.0 * uniform(state) - 1.0
                    v = 2.0 * uniform(state) - 1.0
                    if u * u + v * v <= 1.0:
                        break
                px[i] = geometry[0] + geometry[2] * u
                py[i] = geometry[1] + geometry[2] * v


@numba.njit(parallel=True, cache=True)
def advance_overdamped_2d(
    px,
    py,
    states,
    bounds,
    normals,
    first_step,
    n_steps,
    dt,
    shape,
    geometry,
    table,
    table_x0,
    table_y0,
    table_inv_x,
    table_inv_y,
    zx,
    zf,
    binning,
    edges_a,
    edges_b,
    bin_origin_x,
    bin_origin_y,
    burn_steps,
    sample_every,
    histogram,
):  # pragma: no cover - compiled; exercised through run_ensemble_2d
    """Advance ``n_steps`` Euler-Maruyama steps of dr = a dt + b dW (2D, isotropic b).

    ``table[:, :, 0:2]`` = a = -A, ``table[:, :, 2]`` = b = sqrt(2 D). After step g
    (g counts completed steps) with g > burn_steps and (g - burn_steps) a multiple of
    ``sample_every`` every particle adds one count to ``histogram[c, bin]``.
    """
    sqrt_dt = math.sqrt(dt)
    for c in numba.prange(bounds.size - 1):
        state = states[c]
        first, last = bounds[c], bounds[c + 1]
        z = normals[c, : 2 * (last - first)]
        for s in range(n_steps):
            g = first_step + s + 1
            fill_normals(state, z, zx, zf)
            sample = g > burn_steps and (g - burn_steps) % sample_every == 0
            for i in range(first, last):
                x, y = px[i], py[i]
                ax = _bilinear(table, table_x0, table_y0, table_inv_x, table_inv_y, x, y, 0)
                ay = _bilinear(table, table_x0, table_y0, table_inv_x, table_inv_y, x, y, 1)
                b = _bilinear(table, table_x0, table_y0, table_inv_x, table_inv_y, x, y, 2)
                k = 2 * (i - first)
                x, y = _reflect(shape, geometry, x + ax * dt + b * sqrt_dt * z[k], y + ay * dt + b * sqrt_dt * z[k + 1])
                px[i], py[i] = x, y
                if sample:
                    cell = _bin(binning, edges_a, edges_b, bin_origin_x, bin_origin_y, x, y)
                    if cell >= 0:
                        histogram[c, cell] += 1
