"""Per-chunk random streams compiled with numba: xoshiro256** and a ziggurat normal.

Every chunk of particles owns xoshiro256** generators (Blackman and Vigna,
"Scrambled linear pseudorandom number generators", ACM TOMS 47, 2021), period
2^256 - 1, seeded from ``numpy.random.SeedSequence(seed).spawn(n_chunks)[c]``
(child ``c`` is the same whatever ``n_chunks``). The 2D kernels use one generator
per chunk; the 1D kernels use :data:`LANES` interleaved generators per chunk
(particle j of a chunk draws from lane ``j % LANES``), whose independent update
chains the processor overlaps, plus one extra generator for the rare draws (ziggurat
retries, Brownian-bridge uniforms), so every lane advances exactly once per
particle and step. A chunk is always advanced by one thread in a fixed order (time
step major, particle minor), so the numbers a particle sees depend only on the seed,
the chunk size and the particle index: not on the number of threads, on how the
steps are split into blocks between progress reports, or on which process runs
the chunk.

Normal variates use the ziggurat method of Marsaglia and Tsang (J. Stat. Softw.
5(8), 2000) with 256 layers, one 64-bit draw per variate in ~99% of cases, which
is what makes 1e8 Euler-Maruyama steps per second per core possible. The layer
table is computed here from the layer recursion, not copied.
"""

from __future__ import annotations

import numba
import numpy as np

_U64 = np.uint64
_LAYERS = 256
#: interleaved generators per chunk in the 1D kernels; row LANES of a chunk's
#: ``(LANES + 1, 4)`` state holds the generator of the rare draws
LANES = 8
# Right edge of the base layer and the common layer area for 256 layers of the
# unnormalised density exp(-x^2/2) (Marsaglia and Tsang 2000, Sec. 3).
_R = 3.6541528853610088
_V = 0.00492867323399


def _ziggurat_edges() -> tuple[np.ndarray, np.ndarray]:
    """Layer edges X[0..256] (X[0] = v/f(r) virtual base width, X[256] = 0) and f(X)."""
    edges = np.empty(_LAYERS + 1)
    edges[0] = _V / np.exp(-0.5 * _R * _R)
    edges[1] = _R
    for i in range(1, _LAYERS - 1):
        edges[i + 1] = np.sqrt(-2.0 * np.log(_V / edges[i] + np.exp(-0.5 * edges[i] ** 2)))
    edges[_LAYERS] = 0.0
    return edges, np.exp(-0.5 * edges**2)


ZIGGURAT_X, ZIGGURAT_F = _ziggurat_edges()


def chunk_seeds(seed: int, chunks: np.ndarray, n_chunks: int) -> np.ndarray:
    """xoshiro256** states, shape ``(len(chunks), 4)``, for the given global chunk indices.

    The states come from ``SeedSequence(seed).spawn(n_chunks)``, so chunk ``c`` gets
    the same stream whichever subset of chunks a call runs.
    """
    children = np.random.SeedSequence(seed).spawn(n_chunks)
    states = np.array([children[c].generate_state(4, np.uint64) for c in chunks], dtype=np.uint64).reshape(-1, 4)
    # xoshiro's only forbidden state is all zeros; SeedSequence output is never that in practice, guard anyway
    states[np.all(states == 0, axis=1), 0] = np.uint64(1)
    return states


def lane_seeds(seed: int, chunks: np.ndarray) -> np.ndarray:
    """xoshiro256** states of the 1D kernels, shape ``(len(chunks), LANES + 1, 4)``.

    Chunk ``c`` takes ``4 (LANES + 1)`` words of ``SeedSequence(seed).spawn(c + 1)[c]``,
    so its streams do not depend on how many chunks the run has (a run grown by
    precision reuses the chunks it has run).
    """
    root = np.random.SeedSequence(seed)
    states = np.array([np.random.SeedSequence(root.entropy, spawn_key=(int(c),)).generate_state(4 * (LANES + 1), np.uint64) for c in chunks], dtype=np.uint64).reshape(-1, LANES + 1, 4)
    zero = np.all(states == 0, axis=2)
    states[zero, 0] = np.uint64(1)
    return states


@numba.njit(inline="always", cache=True)
def _rotl(value: np.uint64, shift: int) -> np.uint64:
    return (value << _U64(shift)) | (value >> _U64(64 - shift))


@numba.njit(inline="always", cache=True)
def _xoshiro_step(s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64, np.uint64]:
    """One xoshiro256** step on the state words: (64 output bits, new s0, s1, s2, s3)."""
    result = _rotl(s1 * _U64(5), 7) * _U64(9)
    t = s1 << _U64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    return result, s0, s1, s2, _rotl(s3, 45)


@numba.njit(inline="always", cache=True)
def next_u64(state: np.ndarray) -> np.uint64:
    """Advance the xoshiro256** ``state`` (4 uint64, updated in place) and return 64 bits."""
    result, state[0], state[1], state[2], state[3] = _xoshiro_step(state[0], state[1], state[2], state[3])
    return result


@numba.njit(inline="always", cache=True)
def next_u64_row(states: np.ndarray, row: int) -> np.uint64:
    """:func:`next_u64` of generator ``row`` of a chunk's ``(LANES + 1, 4)`` states."""
    result, states[row, 0], states[row, 1], states[row, 2], states[row, 3] = _xoshiro_step(states[row, 0], states[row, 1], states[row, 2], states[row, 3])
    return result


@numba.njit(inline="always", cache=True)
def uniform(state: np.ndarray) -> float:
    """Uniform variate in [0, 1) from the top 53 bits."""
    return float(next_u64(state) >> _U64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def _edge_or_tail(state: np.ndarray, layer: int, x: float, zf: np.ndarray) -> float:
    """|z| from the base layer's tail or the wedge test of ``layer``; -1 means rejected."""
    if layer == 0:
        # Marsaglia's exponential-rejection sampler for the tail beyond r
        while True:
            tail = -np.log(1.0 - uniform(state)) / _R
            height = -np.log(1.0 - uniform(state))
            if 2.0 * height > tail * tail:
                return _R + tail
    y = zf[layer] + uniform(state) * (zf[layer + 1] - zf[layer])
    return x if y < np.exp(-0.5 * x * x) else -1.0


@numba.njit(inline="always", cache=True)
def _layer_of(bits: np.uint64, zx: np.ndarray) -> tuple[int, float, float]:
    """Ziggurat layer (low 8 bits), sign (bit 8) and candidate |z| (top 53 bits) of one draw."""
    layer = np.int64(bits & _U64(0xFF))
    # the sign as arithmetic, not a branch: a 50/50 branch costs more than the rest of the draw
    sign = 1.0 - 2.0 * np.float64(np.int64((bits >> _U64(8)) & _U64(1)))
    return layer, sign, np.float64(np.int64(bits >> _U64(11))) * (1.0 / 9007199254740992.0) * zx[layer]


@numba.njit(cache=True)
def _normal_rare(state: np.ndarray, layer: int, sign: float, x: float, zx: np.ndarray, zf: np.ndarray) -> float:
    """Finish a draw that missed the fast test (about 1% of draws), out of line.

    Returns r with ``sign * r`` the normal variate, so the caller's fast path
    stays a single multiply.
    """
    while True:
        magnitude = _edge_or_tail(state, layer, x, zf)
        if magnitude >= 0.0:
            return magnitude
        layer, new_sign, x = _layer_of(next_u64(state), zx)
        if x < zx[layer + 1]:
            return sign * new_sign * x
        sign = sign * new_sign


@numba.njit(cache=True)
def fill_normals(state: np.ndarray, out: np.ndarray, zx: np.ndarray, zf: np.ndarray) -> None:
    """Fill ``out`` with standard normal variates (ziggurat; ``zx``, ``zf`` = ZIGGURAT_X, ZIGGURAT_F).

    Variates are produced a buffer at a time because a numba call per variate
    (even one marked for inlining) measured five times slower than this loop.
    """
    for i in range(out.size):
        layer, sign, x = _layer_of(next_u64(state), zx)
        if x >= zx[layer + 1]:
            x = _normal_rare(state, layer, sign, x, zx, zf)
        out[i] = sign * x


@numba.njit(cache=True)
def fill_normals_lanes(states: np.ndarray, out: np.ndarray, zx: np.ndarray, zf: np.ndarray) -> None:
    """Fill ``out`` with standard normals, element j from lane ``j % LANES`` of a chunk's
    ``(LANES + 1, 4)`` states; the rare ziggurat retries draw from row ``LANES``.

    The lanes' update chains are independent, so the processor runs several draws at
    once (about twice the rate of one generator); the fast path is the same as
    :func:`fill_normals`.
    """
    rare = states[LANES]
    for i in range(out.size):
        layer, sign, x = _layer_of(next_u64_row(states, i % LANES), zx)
        if x >= zx[layer + 1]:
            x = _normal_rare(rare, layer, sign, x, zx, zf)
        out[i] = sign * x
