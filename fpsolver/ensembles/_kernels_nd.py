"""Compiled kernels of the 2D and 3D overdamped ensembles (boxes, and discs in 2D).

Same design as the 1D kernels (:mod:`fpsolver.ensembles._kernels`): the model
enters only through a table of its coefficients on a uniform grid (bilinear in 2D,
trilinear in 3D), every chunk of particles owns one xoshiro256** generator per normal
slot (``dim`` per particle) plus one for rare draws
(:mod:`fpsolver.ensembles._random`), a chunk is advanced by one thread in a fixed
order (time step major, particle minor, ``dim`` normals per particle and step, drawn
for absorbed particles too), and histograms are accumulated per chunk, so results
depend on (seed, chunk size) only, never on the thread count or on how chunks are
spread over processes. The rare-draw generator also supplies the start positions,
the two-point variables of the weak order 2 scheme (one 64-bit draw per particle and
step) and the Brownian-bridge uniforms of absorbing walls.

Positions are rows of ``pos`` (shape (n, 3); column 2 unused in 2D). The table has
shape (nx, ny, nz, 4) (nz = 1 in 2D) with columns a_x, a_y, a_z, b: the drift
a = -A and the noise b = sqrt(2 D) of dr = a dt + b dW (Ito, isotropic b).

Shapes: ``BOX`` with ``geometry`` = (lo_x, hi_x, lo_y, hi_y, lo_z, hi_z) and one wall
code per axis (``WALLS_*`` of :mod:`fpsolver.ensembles._kernels`): mirror reflection,
absorption (exit time and side ±(axis + 1) recorded; Brownian-bridge crossing test of
each absorbing face between steps, Gobet 2000) or periodic wrap into [lo, hi);
``DISC`` (2D) |r - c| <= R, ``geometry`` = (cx, cy, R), with the radial mirror
|r - c| -> 2R - |r - c|. Bins: ``CARTESIAN`` (cells of a rectilinear grid, index
(k ny + j) nx + i as FiPy's Grid2D/Grid3D number them) or ``POLAR`` (annuli x
sectors, index i_r n_theta + i_theta, theta in [-pi, pi)).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from fpsolver.ensembles._compiled import refresh_cache
from fpsolver.ensembles._kernels import _BRIDGE_CUTOFF, SCHEME_EULER, WALLS_ABSORBING, WALLS_PERIODIC, _mirror, _wrap
from fpsolver.ensembles._random import fill_normals, next_u64, normal_scratch, rare_stream, uniform

#: domain shapes and binnings (codes of the kernel's ``shape`` and ``binning``)
BOX, DISC = 0, 1
CARTESIAN, POLAR = 0, 1

# The step's helpers are compiled once each and inlined by LLVM (forceinline), not by numba
# (inline="always" retypes each copy: the 13 table look-ups of a weak order 2 step took
# minutes to compile); the code after LLVM's inlining runs as fast as one inlined body.


@numba.njit(forceinline=True, cache=True)
def _locate(table, origin, inverse, dim, x, y, z):
    """Table cell (i, j, k) and fractions (fx, fy, fz) of a point, clamped to the table."""
    sx = min(max((x - origin[0]) * inverse[0], 0.0), table.shape[0] - 1 - 1e-9)
    sy = min(max((y - origin[1]) * inverse[1], 0.0), table.shape[1] - 1 - 1e-9)
    sz = min(max((z - origin[2]) * inverse[2], 0.0), table.shape[2] - 1 - 1e-9) if dim == 3 else 0.0
    i, j, k = int(sx), int(sy), int(sz)
    return i, j, k, sx - i, sy - j, sz - k


@numba.njit(forceinline=True, cache=True)
def _value(table, dim, i, j, k, fx, fy, fz, column):
    """Bilinear (dim 2) or trilinear (dim 3) interpolation of one column at a located point."""
    t00 = table[i, j, k, column] + fx * (table[i + 1, j, k, column] - table[i, j, k, column])
    t10 = table[i, j + 1, k, column] + fx * (table[i + 1, j + 1, k, column] - table[i, j + 1, k, column])
    low = t00 + fy * (t10 - t00)
    if dim == 2:
        return low
    t01 = table[i, j, k + 1, column] + fx * (table[i + 1, j, k + 1, column] - table[i, j, k + 1, column])
    t11 = table[i, j + 1, k + 1, column] + fx * (table[i + 1, j + 1, k + 1, column] - table[i, j + 1, k + 1, column])
    return low + fz * (t01 + fy * (t11 - t01) - low)


@numba.njit(cache=True)
def _reflect_disc(geometry, x, y) -> tuple[float, float]:
    """(x, y) mirrored back into the disc (cx, cy, R) along its radius."""
    dx, dy = x - geometry[0], y - geometry[1]
    radius = geometry[2]
    r = math.sqrt(dx * dx + dy * dy)
    # a step longer than the diameter never happens at sensible dt; fold anyway
    mirrored = 2.0 * radius - r
    while mirrored < -radius or mirrored > radius:
        mirrored = -2.0 * radius - mirrored if mirrored < -radius else 2.0 * radius - mirrored
    scale = mirrored / r
    return geometry[0] + dx * scale, geometry[1] + dy * scale


@numba.njit(forceinline=True, cache=True)
def _edge_index(edges: np.ndarray, value: float) -> int:
    """Bin of ``value`` between ``edges`` (the last edge belongs to the last bin), -1 outside."""
    n = edges.size - 1
    i = np.searchsorted(edges, value, side="right") - 1
    if i == n and value == edges[n]:
        i = n - 1
    return i if 0 <= i < n else -1


@numba.njit(forceinline=True, cache=True)
def _bin(binning, dim, x, y, z) -> int:
    """Histogram bin of (x, y, z), or -1 outside the bins (``binning`` = (kind, edges_a,
    edges_b, edges_c, origin_x, origin_y))."""
    kind, edges_a, edges_b, edges_c, origin_x, origin_y = binning
    if kind == CARTESIAN:
        i, j = _edge_index(edges_a, x), _edge_index(edges_b, y)
        k = _edge_index(edges_c, z) if dim == 3 else 0
        if i < 0 or j < 0 or k < 0:
            return -1
        return (k * (edges_b.size - 1) + j) * (edges_a.size - 1) + i
    dx, dy = x - origin_x, y - origin_y
    i, j = _edge_index(edges_a, math.sqrt(dx * dx + dy * dy)), _edge_index(edges_b, math.atan2(dy, dx))
    if i < 0 or j < 0:
        return -1
    return i * (edges_b.size - 1) + j


@numba.njit(parallel=True, cache=True)
def initial_positions_nd(pos, states, bounds, dim, shape, geometry):  # pragma: no cover - compiled
    """Uniformly distributed start positions from each chunk's rare-draw generator (rejection for the disc)."""
    for c in numba.prange(bounds.size - 1):
        state = rare_stream(states[c])
        for i in range(bounds[c], bounds[c + 1]):
            if shape == BOX:
                for axis in range(dim):
                    pos[i, axis] = geometry[2 * axis] + (geometry[2 * axis + 1] - geometry[2 * axis]) * uniform(state)
            else:
                while True:
                    u = 2.0 * uniform(state) - 1.0
                    v = 2.0 * uniform(state) - 1.0
                    if u * u + v * v <= 1.0:
                        break
                pos[i, 0] = geometry[0] + geometry[2] * u
                pos[i, 1] = geometry[1] + geometry[2] * v


@numba.njit(forceinline=True, cache=True)
def _argument(walls, geometry, axis, value):
    """A table argument along ``axis``: wrapped on a periodic axis (elsewhere the table clamps)."""
    if walls[axis] == WALLS_PERIODIC:
        return _wrap(value, geometry[2 * axis], geometry[2 * axis + 1])
    return value


@numba.njit(forceinline=True, cache=True)
def _column_at(table, origin, inverse, dim, walls, geometry, x, y, z, column):
    """One table column at (x, y, z), periodic axes wrapped."""
    x, y = _argument(walls, geometry, 0, x), _argument(walls, geometry, 1, y)
    z = _argument(walls, geometry, 2, z) if dim == 3 else z
    i, j, k, fx, fy, fz = _locate(table, origin, inverse, dim, x, y, z)
    return _value(table, dim, i, j, k, fx, fy, fz, column)


@numba.njit(forceinline=True, cache=True)
def _weak2_step(table, origin, inverse, dim, walls, geometry, dt, sqrt_dt, x, y, z, ax, ay, az, b, z0, z1, z2, bits):
    """One step of Platen's explicit order 2.0 weak scheme for d-dimensional noise with the
    columns b^j = b e_j (:mod:`fpsolver.ensembles.schemes`, Kloeden and Platen Eq. 15.1.5)
    from (x, y, z) with drift (ax, ay, az) and noise b there and normals z0, z1, z2 (z2
    unused in 2D); ``bits`` 0-2 are the signs of the two-point variables V_10, V_20, V_21
    (V_jk = -V_kj = +-dt). Returns the new position."""
    step = b * sqrt_dt
    three = dim == 3
    w0, w1 = sqrt_dt * z0, sqrt_dt * z1
    w2 = sqrt_dt * z2 if three else 0.0
    # drift at the supporting value Y = r + a dt + b dW
    xs, ys = _argument(walls, geometry, 0, x + ax * dt + step * z0), _argument(walls, geometry, 1, y + ay * dt + step * z1)
    zs = _argument(walls, geometry, 2, z + az * dt + step * z2) if three else z
    i, j, k, fx, fy, fz = _locate(table, origin, inverse, dim, xs, ys, zs)
    bar_x = _value(table, dim, i, j, k, fx, fy, fz, 0)
    bar_y = _value(table, dim, i, j, k, fx, fy, fz, 1)
    bar_z = _value(table, dim, i, j, k, fx, fy, fz, 2) if three else 0.0
    # b at R+-_k = r + a dt +- b sqrt(dt) e_k and at U+-_k = r +- b sqrt(dt) e_k
    px, py, pz = x + ax * dt, y + ay * dt, z + az * dt
    r_plus_0 = _column_at(table, origin, inverse, dim, walls, geometry, px + step, py, pz, 3)
    r_minus_0 = _column_at(table, origin, inverse, dim, walls, geometry, px - step, py, pz, 3)
    r_plus_1 = _column_at(table, origin, inverse, dim, walls, geometry, px, py + step, pz, 3)
    r_minus_1 = _column_at(table, origin, inverse, dim, walls, geometry, px, py - step, pz, 3)
    u_plus_0 = _column_at(table, origin, inverse, dim, walls, geometry, x + step, y, z, 3)
    u_minus_0 = _column_at(table, origin, inverse, dim, walls, geometry, x - step, y, z, 3)
    u_plus_1 = _column_at(table, origin, inverse, dim, walls, geometry, x, y + step, z, 3)
    u_minus_1 = _column_at(table, origin, inverse, dim, walls, geometry, x, y - step, z, 3)
    # in 2D the third axis' terms vanish: b(U+-_2) = b and dW_2 = 0
    r_plus_2 = r_minus_2 = u_plus_2 = u_minus_2 = b
    if three:
        r_plus_2 = _column_at(table, origin, inverse, dim, walls, geometry, px, py, pz + step, 3)
        r_minus_2 = _column_at(table, origin, inverse, dim, walls, geometry, px, py, pz - step, 3)
        u_plus_2 = _column_at(table, origin, inverse, dim, walls, geometry, x, y, z + step, 3)
        u_minus_2 = _column_at(table, origin, inverse, dim, walls, geometry, x, y, z - step, 3)
    v10 = dt if bits & np.uint64(1) else -dt
    v20 = dt if bits & np.uint64(2) else -dt
    v21 = dt if bits & np.uint64(4) else -dt
    curve_0, curve_1, curve_2 = u_plus_0 + u_minus_0 - 2.0 * b, u_plus_1 + u_minus_1 - 2.0 * b, u_plus_2 + u_minus_2 - 2.0 * b
    slope_0, slope_1, slope_2 = u_plus_0 - u_minus_0, u_plus_1 - u_minus_1, u_plus_2 - u_minus_2
    first_0 = (r_plus_0 + r_minus_0 + 2.0 * b + curve_1 + curve_2) * w0
    first_1 = (r_plus_1 + r_minus_1 + 2.0 * b + curve_0 + curve_2) * w1
    first_2 = (r_plus_2 + r_minus_2 + 2.0 * b + curve_0 + curve_1) * w2
    second_0 = (r_plus_0 - r_minus_0) * (w0 * w0 - dt) + slope_1 * (w0 * w1 + v10) + slope_2 * (w0 * w2 + v20)
    second_1 = (r_plus_1 - r_minus_1) * (w1 * w1 - dt) + slope_0 * (w1 * w0 - v10) + slope_2 * (w1 * w2 + v21)
    second_2 = (r_plus_2 - r_minus_2) * (w2 * w2 - dt) + slope_0 * (w2 * w0 - v20) + slope_1 * (w2 * w1 - v21)
    scale = 0.25 / sqrt_dt
    x1 = x + 0.5 * (bar_x + ax) * dt + 0.25 * first_0 + scale * second_0
    y1 = y + 0.5 * (bar_y + ay) * dt + 0.25 * first_1 + scale * second_1
    z1 = z + 0.5 * (bar_z + az) * dt + 0.25 * first_2 + scale * second_2 if three else z
    return x1, y1, z1


@numba.njit(nogil=True, cache=True)
def advance_overdamped_nd(chunks, pos, exits, streams, steps, dt, scheme, dim, shape, walls, geometry, coefficients, binning, sampling, histogram):  # pragma: no cover - compiled (run_ensemble_nd)
    """Advance ``n_steps`` steps of dr = a dt + b dW (``dim`` = 2 or 3, isotropic b) for
    the chunks numbered ``chunks`` (rows of ``streams`` and ``histogram``), one after the
    other; :func:`~fpsolver.ensembles._compiled.over_threads` runs disjoint sets of
    chunks on the numba threads at once (without the GIL).

    ``scheme``: ``SCHEME_EULER`` (r' = r + a dt + b sqrt(dt) z) or Platen's weak order 2
    (:func:`_weak2_step`). After step g (g counts completed steps) with g > burn_steps
    and (g - burn_steps) a multiple of ``sample_every`` every particle still in the
    domain adds one count to ``histogram[c, bin]``. ``walls`` (one code per axis) apply
    to ``BOX``; a ``DISC`` reflects. Argument groups (tuples): ``exits`` = (alive,
    exit_time, exit_side) per particle; ``streams`` = (states, bounds, normals, zx, zf):
    the chunks' generators, particle bounds, normal buffers and ziggurat tables; ``steps``
    = (first_step, n_steps); ``coefficients`` = (table, origin, inverse spacing);
    ``binning`` = (kind, edges_a, edges_b, edges_c, origin_x, origin_y); ``sampling`` =
    (burn_steps, sample_every).
    """
    absorbing = False
    for axis in range(dim):
        absorbing = absorbing or (shape == BOX and walls[axis] == WALLS_ABSORBING)
    for c in chunks:
        _advance_chunk(c, pos, exits, streams, steps, dt, scheme, dim, shape, walls, geometry, coefficients, binning, sampling, histogram, absorbing)


@numba.njit(nogil=True, cache=True)
def _advance_chunk(c, pos, exits, streams, steps, dt, scheme, dim, shape, walls, geometry, coefficients, binning, sampling, histogram, absorbing):  # pragma: no cover - compiled
    """Chunk ``c`` of :func:`advance_overdamped_nd`."""
    alive, exit_time, exit_side = exits
    states, bounds, normals, zx, zf = streams
    first_step, n_steps = steps
    table, table_origin, table_inverse = coefficients
    burn_steps, sample_every = sampling
    sqrt_dt = math.sqrt(dt)
    state = states[c]
    rare = rare_stream(state)
    first, last = bounds[c], bounds[c + 1]
    z = normals[c, : dim * (last - first)]
    scratch_bits, missed = normal_scratch(z.size)
    counts = histogram[c]
    for s in range(n_steps):
        g = first_step + s + 1
        fill_normals(state, z, zx, zf, scratch_bits, missed)
        sample = g > burn_steps and (g - burn_steps) % sample_every == 0
        for i in range(first, last):
            bits = next_u64(rare) if scheme != SCHEME_EULER else np.uint64(0)
            if absorbing and not alive[i]:
                continue
            x0, y0, z0 = pos[i, 0], pos[i, 1], pos[i, 2]
            ti, tj, tk, fx, fy, fz = _locate(table, table_origin, table_inverse, dim, x0, y0, z0)
            b = _value(table, dim, ti, tj, tk, fx, fy, fz, 3)
            ax = _value(table, dim, ti, tj, tk, fx, fy, fz, 0)
            ay = _value(table, dim, ti, tj, tk, fx, fy, fz, 1)
            az = _value(table, dim, ti, tj, tk, fx, fy, fz, 2) if dim == 3 else 0.0
            k = dim * (i - first)
            if scheme == SCHEME_EULER:
                noise = b * sqrt_dt
                x1 = x0 + ax * dt + noise * z[k]
                y1 = y0 + ay * dt + noise * z[k + 1]
                z1 = z0 + az * dt + noise * z[k + 2] if dim == 3 else z0
            else:
                x1, y1, z1 = _weak2_step(table, table_origin, table_inverse, dim, walls, geometry, dt, sqrt_dt, x0, y0, z0, ax, ay, az, b, z[k], z[k + 1], z[k + 2] if dim == 3 else 0.0, bits)
            side = 0
            if shape == DISC:
                dx, dy = x1 - geometry[0], y1 - geometry[1]
                if dx * dx + dy * dy > geometry[2] * geometry[2]:
                    x1, y1 = _reflect_disc(geometry, x1, y1)
            else:
                x1, side_x = _wall(x1, geometry[0], geometry[1], walls[0], 1)
                y1, side_y = _wall(y1, geometry[2], geometry[3], walls[1], 2)
                side = side_x if side_x != 0 else side_y
                if dim == 3:
                    z1, side_z = _wall(z1, geometry[4], geometry[5], walls[2], 3)
                    side = side if side != 0 else side_z
                if absorbing and side == 0:
                    side = _bridge_crossing(dim, walls, geometry, x0, y0, z0, x1, y1, z1, b * b * dt, rare)
            if side != 0:
                alive[i] = 0
                exit_time[i] = g * dt
                exit_side[i] = side
                continue
            pos[i, 0], pos[i, 1], pos[i, 2] = x1, y1, z1
            if sample:
                cell = _bin(binning, dim, x1, y1, z1)
                if cell >= 0:
                    counts[cell] += 1


@numba.njit(forceinline=True, cache=True)
def _wall(value: float, lo: float, hi: float, code: int, number: int) -> tuple[float, int]:
    """One coordinate after a step: mirrored or wrapped into [lo, hi], or for an absorbing
    wall the exit side -number (at lo) or +number (at hi) when it left (else 0)."""
    if lo <= value < hi:
        return value, 0
    if code == WALLS_PERIODIC:
        return _wrap(value, lo, hi), 0
    if code == WALLS_ABSORBING:
        return value, (-number if value <= lo else number)
    return (_mirror(value, lo, hi) if value > hi or value < lo else value), 0


@numba.njit(cache=True)
def _face_probability(lo: float, hi: float, old: float, new: float, variance: float, upper: bool) -> float:
    """exp(-2 d_old d_new / variance): probability that a Brownian bridge between two inside
    points crossed the face at ``hi`` (``upper``) or ``lo`` (Gobet 2000)."""
    q = 2.0 * ((hi - old) * (hi - new) if upper else (old - lo) * (new - lo)) / variance
    return math.exp(-q) if q < _BRIDGE_CUTOFF else 0.0


@numba.njit(cache=True)
def _bridge_crossing(dim, walls, geometry, x0, y0, z0, x1, y1, z1, variance, rare) -> int:
    """Wall that a Brownian bridge from (x0, y0, z0) to (x1, y1, z1) (both inside, per-axis
    step variance b^2 dt) crossed during the step, ±(axis + 1), or 0: the absorbing faces'
    crossing probabilities (:func:`_face_probability`) tested with one uniform."""
    old = (x0, y0, z0)
    new = (x1, y1, z1)
    total = 0.0
    for axis in range(dim):
        if walls[axis] == WALLS_ABSORBING:
            lo, hi = geometry[2 * axis], geometry[2 * axis + 1]
            total += _face_probability(lo, hi, old[axis], new[axis], variance, False) + _face_probability(lo, hi, old[axis], new[axis], variance, True)
    if total == 0.0:
        return 0
    u = uniform(rare)
    if u >= total:
        return 0
    for axis in range(dim):
        if walls[axis] == WALLS_ABSORBING:
            lo, hi = geometry[2 * axis], geometry[2 * axis + 1]
            for upper in (False, True):
                p = _face_probability(lo, hi, old[axis], new[axis], variance, upper)
                if u < p:
                    return axis + 1 if upper else -(axis + 1)
                u -= p
    return 0


refresh_cache(globals())
