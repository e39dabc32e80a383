"""The compiled stepping kernels: one overdamped, one inertial, for every model.

Both kernels take the model only through tables of its coefficients, pre-scaled
by the time step so that a step costs no square root, exponential or division
(:mod:`fpsolver.ensembles._tables`), advance a block of time steps for a set of
particle chunks, one after the other, while Python threads run disjoint sets at
once (:func:`~fpsolver.ensembles._compiled.over_threads`; a chunk's particles are
contiguous), and accumulate observables into per-chunk arrays (histograms
included), so no two threads ever write the same memory, no atomics are needed,
and partial sums combine in a fixed order afterwards.

Within a chunk the loop is time-step major: at every step one normal variate per
particle of the chunk is drawn (also for particles already absorbed) from the
particle's own generator (:func:`fpsolver.ensembles._random.fill_normals`), so the
stream a particle sees depends only on (seed, chunk size, particle index), never on
thread count, block length or which other chunks run in the same call. Per particle
and step the Euler-Maruyama work is: one normal, one table row (drift and noise), a
mirror test, a cell look-up and a histogram increment.

Step index convention: ``g`` counts completed steps (time t = g dt). Moments are
recorded when g is a multiple of ``record_every``; the steady-state histogram and
moments sample every ``sample_every`` steps once g > ``burn_steps``, into time
block ``(g - burn_steps - 1) * time_blocks // (total_steps - burn_steps)``.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from fpsolver.ensembles._compiled import refresh_cache
from fpsolver.ensembles._random import fill_normals, normal_scratch, rare_stream, uniform

#: the one floating-point licence the kernels take: a * b + c may become a fused
#: multiply-add (one rounding instead of two); results stay deterministic for a given machine
CONTRACT = {"contract"}

SCHEME_EULER = 0
SCHEME_PLATEN_WEAK2 = 1
#: wall codes of :func:`advance_overdamped`, in the order of ``Boundary`` (fpsolver.ensembles.options)
WALLS_REFLECTING = 0
WALLS_ABSORBING = 1
WALLS_PERIODIC = 2

# A Brownian-bridge crossing probability exp(-q) with q above this is below 1e-17:
# skip the uniform draw.
_BRIDGE_CUTOFF = 40.0


@numba.njit(inline="always", fastmath=CONTRACT, cache=True)
def _table_row(table: np.ndarray, x_min: float, inverse_spacing: float, x: float) -> tuple[np.uint64, float]:
    """Row j of an :func:`~fpsolver.ensembles._tables.interval_table` holding x and the fraction
    f of its interval, clamped to the table's range (an unsigned j: no negative-index wraparound)."""
    s = min(max((x - x_min) * inverse_spacing, 0.0), table.shape[0] - 1e-9)
    j = np.uint64(s)
    return j, s - np.float64(j)


@numba.njit(inline="always", fastmath=CONTRACT, cache=True)
def _column(table: np.ndarray, j: np.uint64, f: float, column: int) -> float:
    """Column ``column`` of an interval table at fraction f of row j: value + f increment."""
    k = np.uint64(2 * column)
    return table[j, k] + f * table[j, k + np.uint64(1)]


@numba.njit(inline="always", fastmath=CONTRACT, cache=True)
def _interpolate(table: np.ndarray, x_min: float, inverse_spacing: float, x: float, column: int) -> float:
    """Linear interpolation of one column of an interval table at x (clamped to its range)."""
    j, f = _table_row(table, x_min, inverse_spacing, x)
    return _column(table, j, f, column)


@numba.njit(inline="always", cache=True)
def _cell(x: float, lookup: tuple) -> np.uint64:
    """Cell of x from a :class:`~fpsolver.ensembles._tables.CellLookup`'s ``kernel_arguments()``."""
    faces, lookup_min, inverse_spacing, start, next_face, crowded = lookup
    j = np.uint64(min(max((x - lookup_min) * inverse_spacing, 0.0), start.size - 0.5))
    cell = np.uint64(start[j]) + np.uint64(x >= next_face[j])
    if crowded:
        last = np.uint64(faces.size - 2)
        while cell < last and x >= faces[cell + np.uint64(1)]:
            cell += np.uint64(1)
    return cell


@numba.njit(cache=True)
def _mirror(x: float, lo: float, hi: float) -> float:
    """Fold x into [lo, hi] by mirror reflections (called out of line: a step rarely leaves)."""
    while x < lo or x > hi:
        x = 2.0 * lo - x if x < lo else 2.0 * hi - x
    return x


@numba.njit(inline="always", cache=True)
def _wrap(x: float, lo: float, hi: float) -> float:
    """x moved by whole periods L = hi - lo into [lo, hi) (a table argument on a ring)."""
    while x < lo:
        x += hi - lo
    while x >= hi:
        x -= hi - lo
    return x


@numba.njit(cache=True)
def _wrap_counting(x: float, lo: float, hi: float) -> tuple[float, int]:
    """x moved by whole periods into [lo, hi) and the net number of periods moved
    (+1 per crossing of hi upwards; called out of line: a step rarely leaves)."""
    turns = 0
    while x < lo:
        x += hi - lo
        turns -= 1
    while x >= hi:
        x -= hi - lo
        turns += 1
    return x, turns


@numba.njit(nogil=True, fastmath=CONTRACT, cache=True)
def advance_overdamped(
    chunks,
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
    walls,
    lo,
    hi,
    table,
    table_min,
    table_inverse_spacing,
    ratios,
    zx,
    zf,
    lookup,
    burn_steps,
    sample_every,
    time_blocks,
    record_every,
    histogram,
    steady,
    moments,
    winding,
    crossings,
):  # pragma: no cover - compiled; exercised through run_ensemble
    """Advance ``n_steps`` steps of dx = a dt + b dW (Ito) for the chunks numbered ``chunks``,
    one after the other (:func:`~fpsolver.ensembles._compiled.over_threads` runs disjoint
    sets of chunks on the numba threads at once).

    ``table`` (:func:`~fpsolver.ensembles._tables.interval_table` layout) holds the
    pre-scaled coefficients (a dt, b sqrt(dt)), so with z ~ N(0, 1) and dW = sqrt(dt) z,
    ``scheme`` 0 (Euler-Maruyama) is x' = x + [a dt] + [b sqrt(dt)] z, and 1 is Platen's
    explicit weak order 2.0 scheme (see :mod:`fpsolver.ensembles.schemes`) in the same
    variables. ``ratios``: ``None`` (one noise for all), or per particle (r - 1, sqrt r)
    of its noise ratio r (per-particle T0): its coefficients are a dt + (r - 1) [a1 dt]
    (table column 2) and sqrt(r) [b sqrt(dt)], at x and at Platen's supporting values
    alike. ``walls``: ``WALLS_REFLECTING`` mirror reflection, ``WALLS_ABSORBING``
    absorption with the Brownian-bridge crossing test (Gobet 2000) between steps,
    ``WALLS_PERIODIC`` a ring: positions wrap into [lo, hi) (the coefficients are looked
    up at wrapped points), ``winding[particle]`` counts the net wraps (+1 per crossing of
    hi upwards) of the whole run and ``crossings[c, block]`` those of every step after the
    burn-in, in the time block of that step (the block formula of the samples, applied
    to every step). Accumulators (per chunk ``c``): ``histogram[c, block, cell]`` counts,
    ``steady[c, block] = (samples, sum x, sum x^2)``, ``moments[c, record] = (alive,
    sum x, sum x^2)``.

    A step of a chunk runs in passes over the chunk's particles: the normals (a SIMD
    loop, :func:`~fpsolver.ensembles._random.fill_normals`), then the coefficients and
    the proposed positions (a loop without branches whose iterations are independent,
    so the processor overlaps their table look-ups), then one loop that applies the
    walls and accumulates.
    """
    absorbing = walls == WALLS_ABSORBING
    periodic = walls == WALLS_PERIODIC
    for c in chunks:
        state = states[c]
        rare = rare_stream(state)
        first, last = bounds[c], bounds[c + 1]
        n = last - first
        z = normals[c, :n]
        bits, missed = normal_scratch(n)
        # rows: drift, noise at x and the proposed positions
        work = np.empty((3, n))
        noise, proposal = work[1], work[2]
        xc = x[first:last]
        counts = histogram[c]
        for s in range(n_steps):
            g = first_step + s + 1
            fill_normals(state, z, zx, zf, bits, missed)
            _coefficients(table, table_min, table_inverse_spacing, ratios, first, xc, z, work, scheme == SCHEME_EULER)
            if scheme != SCHEME_EULER:
                _platen_proposal(table, table_min, table_inverse_spacing, ratios, first, periodic, lo, hi, xc, z, work)
            record = g % record_every == 0
            sample = g > burn_steps and (g - burn_steps) % sample_every == 0
            block = (g - burn_steps - 1) * time_blocks // (total_steps - burn_steps) if sample else 0
            counted = periodic and g > burn_steps
            crossing_block = (g - burn_steps - 1) * time_blocks // (total_steps - burn_steps) if counted else 0
            r = g // record_every
            row = counts[block]
            # per-step sums in registers (one memory update per chunk and step, not per
            # particle), shared by the record and the sample
            n_sum = x_sum = x2_sum = 0.0
            for i in range(n):
                if absorbing and not alive[first + i]:
                    continue
                x0, x1 = xc[i], proposal[i]
                if absorbing:
                    side = _exit_side(x0, x1, noise[i], lo, hi, rare)
                    if side != 0:
                        alive[first + i] = 0
                        exit_time[first + i] = g * dt
                        exit_side[first + i] = side
                        continue
                elif periodic:
                    if x1 < lo or x1 >= hi:
                        x1, turns = _wrap_counting(x1, lo, hi)
                        winding[first + i] += turns
                        if counted:
                            crossings[c, crossing_block] += turns
                elif x1 < lo or x1 > hi:
                    x1 = _mirror(x1, lo, hi)
                xc[i] = x1
                n_sum += 1.0
                x_sum += x1
                x2_sum += x1 * x1
                if sample:
                    row[_cell(x1, lookup)] += 1
            if record:
                _add_sums(moments[c, r], (n_sum, x_sum, x2_sum))
            if sample:
                _add_sums(steady[c, block], (n_sum, x_sum, x2_sum))


@numba.njit(inline="always", fastmath=CONTRACT, cache=True)
def _coefficients(table, table_min, table_inverse_spacing, ratios, first, x, z, work, euler):  # pragma: no cover - compiled
    """Rows of ``work``: 0 the drift a dt and 1 the noise b sqrt(dt) at every x (one table
    row read per particle; with ``ratios`` this particle's a dt + (r - 1) a1 dt and
    sqrt(r) b sqrt(dt)), and with ``euler`` 2 the Euler-Maruyama proposal x + a dt + b sqrt(dt) z."""
    drift, noise, proposal = work[0], work[1], work[2]
    for i in range(x.size):
        xi = x[i]
        j, f = _table_row(table, table_min, table_inverse_spacing, xi)
        a, b = _column(table, j, f, 0), _column(table, j, f, 1)
        if ratios is not None:  # pruned at compile time for ratios=None
            a += ratios[first + i, 0] * _column(table, j, f, 2)
            b *= ratios[first + i, 1]
        drift[i] = a
        noise[i] = b
        if euler:
            proposal[i] = xi + a + b * z[i]


@numba.njit(inline="always", fastmath=CONTRACT, cache=True)
def _platen_proposal(table, table_min, table_inverse_spacing, ratios, first, periodic, lo, hi, x, z, work):  # pragma: no cover - compiled
    """Platen's weak order 2 step from every x (rows of ``work``: 0 drift a dt and 1 noise
    b sqrt(dt) at x, given; 2 the proposal, written):

    x' = x + (a(xbar) + a(x)) dt / 2 + (b(x+) + b(x-) + 2 b(x)) sqrt(dt) z / 4
         + (b(x+) - b(x-)) sqrt(dt) (z^2 - 1) / 4,
    with xbar = x + a dt + b sqrt(dt) z and x+- = x + a dt +- b sqrt(dt) (wrapped on a ring)."""
    drift, noise, proposal = work[0], work[1], work[2]
    for i in range(x.size):
        zi, a, b = z[i], drift[i], noise[i]
        base = x[i] + a
        at_bar, at_plus, at_minus = base + b * zi, base + b, base - b
        if periodic:
            at_bar, at_plus, at_minus = _wrap(at_bar, lo, hi), _wrap(at_plus, lo, hi), _wrap(at_minus, lo, hi)
        drift_bar = _interpolate(table, table_min, table_inverse_spacing, at_bar, 0)
        noise_plus = _interpolate(table, table_min, table_inverse_spacing, at_plus, 1)
        noise_minus = _interpolate(table, table_min, table_inverse_spacing, at_minus, 1)
        if ratios is not None:  # the supporting values with this particle's coefficients
            drift_bar += ratios[first + i, 0] * _interpolate(table, table_min, table_inverse_spacing, at_bar, 2)
            noise_plus *= ratios[first + i, 1]
            noise_minus *= ratios[first + i, 1]
        proposal[i] = x[i] + 0.5 * (drift_bar + a) + 0.25 * (noise_plus + noise_minus + 2.0 * b) * zi + 0.25 * (noise_plus - noise_minus) * (zi * zi - 1.0)


@numba.njit(cache=True)
def _exit_side(x0: float, x1: float, noise: float, lo: float, hi: float, rare: np.ndarray) -> int:
    """-1 or +1 when the step x0 -> x1 (noise b sqrt(dt)) left [lo, hi] through that wall,
    at its end or in between (the Brownian-bridge crossing probability exp(-2 (x0 - w)(x1 - w) / (b^2 dt))
    per wall w, one uniform from ``rare`` when it is not negligible); 0 when it stayed."""
    if x1 <= lo:
        return -1
    if x1 >= hi:
        return 1
    scale = 2.0 / (noise * noise)
    q_lo = (x0 - lo) * (x1 - lo) * scale
    q_hi = (hi - x0) * (hi - x1) * scale
    if min(q_lo, q_hi) < _BRIDGE_CUTOFF:
        u, p_lo = uniform(rare), math.exp(-q_lo)
        if u < p_lo:
            return -1
        if u < p_lo + math.exp(-q_hi):
            return 1
    return 0


@numba.njit(nogil=True, fastmath=CONTRACT, cache=True)
def advance_inertial(
    chunks,
    x,
    v,
    kick,
    states,
    bounds,
    normals,
    first_step,
    n_steps,
    total_steps,
    half_dt,
    absorbing,
    alive,
    exit_time,
    exit_side,
    lo,
    hi,
    table,
    table_min,
    table_inverse_spacing,
    zx,
    zf,
    lookup,
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
    """Advance ``n_steps`` BAOAB steps of M x'' = F - gamma x' + F_L for the chunks numbered
    ``chunks``, one after the other (run on the threads as :func:`advance_overdamped`).

    ``table`` columns are pre-scaled for the step dt: K = F dt / (2M) (half kick),
    c = exp(-gamma dt / M) and s = sqrt(Gamma (1 - c^2) / (gamma M)). B: v += K(x);
    A: x += v dt/2 (walls mirror x and reverse v); O: exact Ornstein-Uhlenbeck step
    with the friction and noise at the current x, v <- c v + s N(0,1); A; B.
    ``kick`` holds K at each particle's position (the closing B of a step and the
    opening B of the next use the same value, so each step looks up K once).
    With ``absorbing`` a particle whose position leaves [lo, hi] in an A half-step is
    removed: ``alive`` 0, ``exit_time`` the end of the step, ``exit_side`` -1 or +1
    (the path is C^1, so no bridge correction: the position is monitored every half-step).
    Accumulators as in :func:`advance_overdamped` with columns (samples, sum x,
    sum x^2, sum v, sum v^2) and a velocity histogram on ``v_bins`` uniform bins
    (velocities outside are not counted).
    """
    for c in chunks:
        state = states[c]
        first, last = bounds[c], bounds[c + 1]
        z = normals[c, : last - first]
        bits, missed = normal_scratch(last - first)
        counts, v_counts = histogram[c], v_histogram[c]
        for s in range(n_steps):
            g = first_step + s + 1
            fill_normals(state, z, zx, zf, bits, missed)
            record = g % record_every == 0
            sample = g > burn_steps and (g - burn_steps) % sample_every == 0
            block = (g - burn_steps - 1) * time_blocks // (total_steps - burn_steps) if sample else 0
            r = g // record_every
            n_sum = x_sum = x2_sum = v_sum = v2_sum = 0.0
            for i in range(first, last):
                if absorbing and not alive[i]:
                    continue
                xi, vi, left = _drift_half_step(x[i], v[i] + kick[i], half_dt, lo, hi, absorbing)
                if left:
                    _absorb(i, xi, lo, g * (2.0 * half_dt), alive, exit_time, exit_side)
                    continue
                j, f = _table_row(table, table_min, table_inverse_spacing, xi)
                damping, spread = _column(table, j, f, 1), _column(table, j, f, 2)
                xi, vi, left = _drift_half_step(xi, damping * vi + spread * z[i - first], half_dt, lo, hi, absorbing)
                if left:
                    _absorb(i, xi, lo, g * (2.0 * half_dt), alive, exit_time, exit_side)
                    continue
                k = _interpolate(table, table_min, table_inverse_spacing, xi, 0)
                vi += k
                x[i] = xi
                v[i] = vi
                kick[i] = k
                if record or sample:
                    n_sum += 1.0
                    x_sum += xi
                    x2_sum += xi * xi
                    v_sum += vi
                    v2_sum += vi * vi
                if sample:
                    counts[block, _cell(xi, lookup)] += 1
                    w = (vi - v_min) * v_inverse_width
                    if 0.0 <= w < v_bins:
                        v_counts[block, int(w)] += 1
            if record:
                _add_sums(moments[c, r], (n_sum, x_sum, x2_sum, v_sum, v2_sum))
            if sample:
                _add_sums(steady[c, block], (n_sum, x_sum, x2_sum, v_sum, v2_sum))


@numba.njit(inline="always", cache=True)
def _add_sums(row: np.ndarray, sums: tuple) -> None:
    """row[k] += sums[k]: a chunk's per-step sums into its record or sample row."""
    for k in range(len(sums)):
        row[k] += sums[k]


@numba.njit(inline="always", cache=True)
def _drift_half_step(x: float, v: float, half_dt: float, lo: float, hi: float, absorbing: bool) -> tuple[float, float, bool]:
    """BAOAB's A: x += v dt/2 with the walls; returns (x, v, left): specular walls fold x and
    reverse v, an absorbing wall reports that the particle left."""
    x += half_dt * v
    if x < lo or x > hi:
        if absorbing:
            return x, v, True
        x, v = _mirror_with_velocity(x, v, lo, hi)
    return x, v, False


@numba.njit(cache=True)
def _absorb(i: int, x: float, lo: float, t: float, alive: np.ndarray, exit_time: np.ndarray, exit_side: np.ndarray) -> None:
    """Remove particle i, which left the domain at x, at time t (out of line: once per particle)."""
    alive[i] = 0
    exit_time[i] = t
    exit_side[i] = -1 if x < lo else 1


@numba.njit(cache=True)
def _mirror_with_velocity(x: float, v: float, lo: float, hi: float) -> tuple[float, float]:
    """Specular walls: fold x into [lo, hi], reversing v at each reflection (out of line: rare)."""
    while x < lo or x > hi:
        x = 2.0 * lo - x if x < lo else 2.0 * hi - x
        v = -v
    return x, v


refresh_cache(globals())
