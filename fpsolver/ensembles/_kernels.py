"""The compiled stepping kernels: one overdamped, one inertial, for every model.

Both kernels take the model only through tables of its coefficients
(:mod:`fpsolver.ensembles._tables`), advance a block of time steps for a set of
particle chunks in parallel (``prange`` over chunks), and accumulate observables
into per-chunk arrays, so no two threads ever write the same memory and partial
sums combine in a fixed order afterwards.

Within a chunk the loop is time-step major: at every step one normal variate per
particle of the chunk is drawn (also for particles already absorbed), so the
stream a particle sees depends only on (seed, chunk size, particle index), never
on thread count, block length or which other chunks run in the same call.

Step index convention: ``g`` counts completed steps (time t = g dt). Moments are
recorded when g is a multiple of ``record_every``; the steady-state histogram and
moments sample every ``sample_every`` steps once g > ``burn_steps``, into time
block ``(g - burn_steps - 1) * time_blocks // (total_steps - burn_steps)``.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from fpsolver.ensembles._random import fill_normals, uniform

SCHEME_EULER = 0
SCHEME_PLATEN_WEAK2 = 1

# A Brownian-bridge crossing probability exp(-q) with q above this is below 1e-17:
# skip the uniform draw.
_BRIDGE_CUTOFF = 40.0


@numba.njit(inline="always", cache=True)
def _interpolate(table: np.ndarray, x_min: float, inverse_spacing: float, x: float, column: int) -> float:
    """Linear interpolation of one table column at x, clamped to the table's range."""
    s = (x - x_min) * inverse_spacing
    last = table.shape[0] - 1
    s = min(max(s, 0.0), last - 1e-9)
    j = int(s)
    f = s - j
    return table[j, column] + f * (table[j + 1, column] - table[j, column])


@numba.njit(inline="always", cache=True)
def _interpolate_pair(table: np.ndarray, x_min: float, inverse_spacing: float, x: float) -> tuple[float, float]:
    """Columns 0 and 1 at x with one index computation (the hot path of Euler-Maruyama)."""
    s = (x - x_min) * inverse_spacing
    s = min(max(s, 0.0), table.shape[0] - 1 - 1e-9)
    j = int(s)
    f = s - j
    return table[j, 0] + f * (table[j + 1, 0] - table[j, 0]), table[j, 1] + f * (table[j + 1, 1] - table[j, 1])


@numba.njit(inline="always", cache=True)
def _cell(x: float, faces: np.ndarray, lookup_min: float, lookup_inverse_spacing: float, start: np.ndarray) -> int:
    j = int((x - lookup_min) * lookup_inverse_spacing)
    j = min(max(j, 0), start.size - 1)
    cell = start[j]
    last = faces.size - 2
    while cell < last and x >= faces[cell + 1]:
        cell += 1
    return cell


@numba.njit(inline="always", cache=True)
def _mirror(x: float, lo: float, hi: float) -> float:
    while x < lo or x > hi:
        x = 2.0 * lo - x if x < lo else 2.0 * hi - x
    return x


@numba.njit(parallel=True, cache=True)
def advance_overdamped(
    x,
    alive,
    exit_time,
    exit_side,
    states,
    bounds,
    normals,
    first_step,
    n_steps,
    total_steps,
    dt,
    scheme,
    absorbing,
    lo,
    hi,
    table,
    table_min,
    table_inverse_spacing,
    zx,
    zf,
    faces,
    lookup_min,
    lookup_inverse_spacing,
    lookup_start,
    burn_steps,
    sample_every,
    time_blocks,
    record_every,
    histogram,
    steady,
    moments,
):  # pragma: no cover - compiled; exercised through run_ensemble
    """Advance ``n_steps`` steps of dx = a dt + b dW (Ito) for every chunk.

    ``scheme`` 0: Euler-Maruyama. 1: Platen's explicit weak order 2.0 scheme
    (see :mod:`fpsolver.ensembles.schemes`). Walls: mirror reflection, or
    absorption with the Brownian-bridge crossing test (Gobet 2000) between steps.
    Accumulators (per chunk ``c``): ``histogram[c, block, cell]`` counts,
    ``steady[c, block] = (samples, sum x, sum x^2)``, ``moments[c, record] =
    (alive, sum x, sum x^2)``.
    """
    sqrt_dt = math.sqrt(dt)
    for c in numba.prange(bounds.size - 1):
        state = states[c]
        first, last = bounds[c], bounds[c + 1]
        z = normals[c, : last - first]
        for s in range(n_steps):
            g = first_step + s + 1
            fill_normals(state, z, zx, zf)
            record = g % record_every == 0
            sample = g > burn_steps and (g - burn_steps) % sample_every == 0
            block = (g - burn_steps - 1) * time_blocks // (total_steps - burn_steps) if sample else 0
            r = g // record_every
            # per-step sums in registers: one memory update per chunk and step, not per particle
            n_rec = s1_rec = s2_rec = n_smp = s1_smp = s2_smp = 0.0
            for i in range(first, last):
                if not alive[i]:
                    continue
                x0 = x[i]
                a0, b0 = _interpolate_pair(table, table_min, table_inverse_spacing, x0)
                dw = sqrt_dt * z[i - first]
                if scheme == SCHEME_EULER:
                    x1 = x0 + a0 * dt + b0 * dw
                else:
                    base = x0 + a0 * dt
                    a_bar = _interpolate(table, table_min, table_inverse_spacing, base + b0 * dw, 0)
                    b_plus = _interpolate(table, table_min, table_inverse_spacing, base + b0 * sqrt_dt, 1)
                    b_minus = _interpolate(table, table_min, table_inverse_spacing, base - b0 * sqrt_dt, 1)
                    x1 = x0 + 0.5 * (a_bar + a0) * dt + 0.25 * (b_plus + b_minus + 2.0 * b0) * dw + 0.25 * (b_plus - b_minus) * (dw * dw - dt) / sqrt_dt
                if absorbing:
                    side = 0
                    if x1 <= lo:
                        side = -1
                    elif x1 >= hi:
                        side = 1
                    else:
                        # probability that the continuous path crossed a wall during the step
                        scale = 2.0 / (b0 * b0 * dt)
                        q_lo = (x0 - lo) * (x1 - lo) * scale
                        q_hi = (hi - x0) * (hi - x1) * scale
                        if min(q_lo, q_hi) < _BRIDGE_CUTOFF:
                            u = uniform(state)
                            if u < math.exp(-q_lo):
                                side = -1
                            elif u < math.exp(-q_lo) + math.exp(-q_hi):
                                side = 1
                    if side != 0:
                        alive[i] = 0
                        exit_time[i] = g * dt
                        exit_side[i] = side
                        continue
                else:
                    x1 = _mirror(x1, lo, hi)
                x[i] = x1
                if record:
                    n_rec += 1.0
                    s1_rec += x1
                    s2_rec += x1 * x1
                if sample:
                    histogram[c, block, _cell(x1, faces, lookup_min, lookup_inverse_spacing, lookup_start)] += 1
                    n_smp += 1.0
                    s1_smp += x1
                    s2_smp += x1 * x1
            if record:
                moments[c, r, 0] += n_rec
                moments[c, r, 1] += s1_rec
                moments[c, r, 2] += s2_rec
            if sample:
                steady[c, block, 0] += n_smp
                steady[c, block, 1] += s1_smp
                steady[c, block, 2] += s2_smp


@numba.njit(parallel=True, cache=True)
def advance_inertial(
    x,
    v,
    states,
    bounds,
    normals,
    first_step,
    n_steps,
    total_steps,
    dt,
    mass,
    lo,
    hi,
    table,
    table_min,
    table_inverse_spacing,
    zx,
    zf,
    faces,
    lookup_min,
    lookup_inverse_spacing,
    lookup_start,
    v_min,
    v_inverse_width,
    v_bins,
    burn_steps,
    sample_every,
    time_blocks,
    record_every,
    histogram,
    v_histogram,
    steady,
    moments,
):  # pragma: no cover - compiled; exercised through run_inertial_ensemble
    """Advance ``n_steps`` BAOAB steps of M x'' = F - gamma x' + F_L for every chunk.

    Table columns: F, gamma, Gamma. B: v += F dt / (2M); A: x += v dt/2 (walls
    mirror x and reverse v); O: exact Ornstein-Uhlenbeck step with the friction
    and noise at the current x, v <- c v + sqrt(Gamma (1 - c^2) / (gamma M)) N(0,1),
    c = exp(-gamma dt / M); A; B. Accumulators as in :func:`advance_overdamped`
    with columns (samples, sum x, sum x^2, sum v, sum v^2) and a velocity
    histogram on ``v_bins`` uniform bins (velocities outside are not counted).
    """
    half = 0.5 * dt
    for c in numba.prange(bounds.size - 1):
        state = states[c]
        first, last = bounds[c], bounds[c + 1]
        z = normals[c, : last - first]
        for s in range(n_steps):
            g = first_step + s + 1
            fill_normals(state, z, zx, zf)
            record = g % record_every == 0
            sample = g > burn_steps and (g - burn_steps) % sample_every == 0
            block = (g - burn_steps - 1) * time_blocks // (total_steps - burn_steps) if sample else 0
            r = g // record_every
            for i in range(first, last):
                xi = x[i]
                vi = v[i] + half * _interpolate(table, table_min, table_inverse_spacing, xi, 0) / mass
                xi += half * vi
                while xi < lo or xi > hi:
                    xi = 2.0 * lo - xi if xi < lo else 2.0 * hi - xi
                    vi = -vi
                gamma = _interpolate(table, table_min, table_inverse_spacing, xi, 1)
                noise = _interpolate(table, table_min, table_inverse_spacing, xi, 2)
                rate = gamma * dt / mass
                vi = math.exp(-rate) * vi + math.sqrt(-noise * math.expm1(-2.0 * rate) / (gamma * mass)) * z[i - first]
                xi += half * vi
                while xi < lo or xi > hi:
                    xi = 2.0 * lo - xi if xi < lo else 2.0 * hi - xi
                    vi = -vi
                vi += half * _interpolate(table, table_min, table_inverse_spacing, xi, 0) / mass
                x[i] = xi
                v[i] = vi
                if record:
                    moments[c, r, 0] += 1.0
                    moments[c, r, 1] += xi
                    moments[c, r, 2] += xi * xi
                    moments[c, r, 3] += vi
                    moments[c, r, 4] += vi * vi
                if sample:
                    histogram[c, block, _cell(xi, faces, lookup_min, lookup_inverse_spacing, lookup_start)] += 1
                    k = int(math.floor((vi - v_min) * v_inverse_width))
                    if 0 <= k < v_bins:
                        v_histogram[c, block, k] += 1
                    steady[c, block, 0] += 1.0
                    steady[c, block, 1] += xi
                    steady[c, block, 2] += xi * xi
                    steady[c, block, 3] += vi
                    steady[c, block, 4] += vi * vi
