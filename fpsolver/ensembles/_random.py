"""Per-chunk random streams compiled with numba: xoshiro256** and a ziggurat normal.

Every slot of a chunk's normal buffer owns a xoshiro256** generator (Blackman and
Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47, 2021; period
2^256 - 1), and the chunk owns one more generator for the rare draws (ziggurat
retries, Brownian-bridge uniforms, initial positions). The states of chunk ``c`` are
SplitMix64 outputs at counters reserved for ``c`` after one word of
``SeedSequence(seed)`` (:func:`stream_seeds`), so they do not depend on how many
chunks a run has. A 1D chunk has one slot per particle, an nD chunk ``dim``.

Generators in separate slots are independent update chains stored side by side
(structure of arrays), so the compiler turns one draw per slot into SIMD
instructions: :func:`fill_normals` draws a buffer of 256 at 6e8 normals per
CPU-second (the 8 interleaved generators per chunk used before reached 3.3e8). Rare
draws happen in slot order after the fast pass, and a chunk is always advanced by
one thread in a fixed order (time step major, slot minor), so
the numbers a particle sees depend only on the seed, the chunk size and the
particle index: not on the number of threads, on how the steps are split into
blocks between progress reports, or on which process runs the chunk.

Normal variates use the ziggurat method of Marsaglia and Tsang (J. Stat. Softw.
5(8), 2000) with 1024 layers: one 64-bit draw per variate (10 bits of layer, 54 of
signed uniform), accepted by the fast test in 99.6% of cases. The layer
table is computed here from the layer recursion, not copied.
"""

from __future__ import annotations

import numba
import numpy as np

from fpsolver.ensembles._compiled import refresh_cache

_U64 = np.uint64
_LAYERS = 1024
_LAYER_MASK = _U64(_LAYERS - 1)
# Right edge of the base layer and the common layer area for 1024 layers of the
# unnormalised density exp(-x^2/2): r solves the closing condition of the layer
# recursion (x_1024 = 0), v = r exp(-r^2/2) + sqrt(pi/2) erfc(r/sqrt(2)) (tests check both).
_R = 4.038849846109505
_V = 0.0012263246463530852
_TO_UNIT = 1.0 / 9007199254740992.0  # 2^-53


def _ziggurat_edges() -> tuple[np.ndarray, np.ndarray]:
    """Layer edges X[0..1024] (X[0] = v/f(r) virtual base width, X[1024] = 0) and f(X)."""
    edges = np.empty(_LAYERS + 1)
    edges[0] = _V / np.exp(-0.5 * _R * _R)
    edges[1] = _R
    for i in range(1, _LAYERS - 1):
        edges[i + 1] = np.sqrt(-2.0 * np.log(_V / edges[i] + np.exp(-0.5 * edges[i] ** 2)))
    edges[_LAYERS] = 0.0
    return edges, np.exp(-0.5 * edges**2)


ZIGGURAT_X, ZIGGURAT_F = _ziggurat_edges()


@numba.njit(parallel=True, cache=True)
def _splitmix64_states(root: np.uint64, chunks: np.ndarray, slots: int) -> np.ndarray:
    """States ``(len(chunks), 4, slots + 1)``: word j of generator k of chunk c is the
    SplitMix64 output (Steele, Lea and Flood, OOPSLA 2014; the seeder Blackman and Vigna
    recommend for xoshiro) at counter ``root + c w + 4 k + j + 1``, ``w = 4 (slots + 1)``."""
    words = 4 * (slots + 1)
    states = np.empty((chunks.size, 4, slots + 1), dtype=np.uint64)
    for i in numba.prange(chunks.size):
        base = root + np.uint64(chunks[i]) * np.uint64(words)
        for k in range(slots + 1):
            for j in range(4):
                z = (base + np.uint64(4 * k + j + 1)) * _U64(0x9E3779B97F4A7C15)
                z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
                states[i, j, k] = z ^ (z >> _U64(31))
    return states


def stream_seeds(seed: int, chunks: np.ndarray, slots: int) -> np.ndarray:
    """xoshiro256** states of the given global chunk indices, shape ``(len(chunks), 4, slots + 1)``.

    Column ``k < slots`` of a chunk is the generator of normal slot ``k``, column
    ``slots`` the generator of the rare draws. The ``w = 4 (slots + 1)`` state words of
    chunk ``c`` are the SplitMix64 outputs at counters ``r + c w + 1 ... r + c w + w``,
    with ``r`` one 64-bit word of ``SeedSequence(seed)``: disjoint counter ranges, so no
    two generators share a state, and chunk ``c``'s streams do not depend on how many
    chunks the run has or which call runs them (a run grown by precision reuses the
    chunks it has run). One hash per word, chunks in parallel.
    """
    root = np.random.SeedSequence(seed).generate_state(1, np.uint64)[0]
    states = _splitmix64_states(root, np.asarray(chunks, dtype=np.int64), int(slots))
    # xoshiro's only forbidden state is all zeros; SplitMix64 output is never that in practice, guard anyway
    zero = np.all(states == 0, axis=1)
    states[:, 0, :][zero] = np.uint64(1)
    return states


@numba.njit(inline="always", cache=True)
def rare_stream(states: np.ndarray) -> np.ndarray:
    """The rare-draw generator (a view of 4 words) of one chunk's ``(4, slots + 1)`` states."""
    return states[:, states.shape[1] - 1]


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
def uniform(state: np.ndarray) -> float:
    """Uniform variate in [0, 1) from the top 53 bits."""
    return float(next_u64(state) >> _U64(11)) * _TO_UNIT


@numba.njit(cache=True)
def _draw_bits(states: np.ndarray, bits: np.ndarray) -> None:
    """``bits[k]`` = the next 64 bits of slot generator k, for every k < bits.size (SIMD loop)."""
    s0, s1, s2, s3 = states[0], states[1], states[2], states[3]
    for k in range(bits.size):
        bits[k], s0[k], s1[k], s2[k], s3[k] = _xoshiro_step(s0[k], s1[k], s2[k], s3[k])


@numba.njit(inline="always", cache=True)
def _layer_of(bits: np.uint64, zx: np.ndarray) -> tuple[np.uint64, float]:
    """Ziggurat layer (low 10 bits) and signed candidate z of one draw: the top 54 bits as
    a signed integer v in [-2^53, 2^53) give z = v 2^-53 X[layer] (sign and magnitude
    without a branch or a separate sign bit)."""
    layer = bits & _LAYER_MASK
    return layer, np.float64(np.int64(bits) >> np.int64(10)) * _TO_UNIT * zx[layer]


@numba.njit(cache=True)
def _edge_or_tail(state: np.ndarray, layer: np.uint64, x: float, zf: np.ndarray) -> float:
    """|z| from the base layer's tail or the wedge test of ``layer`` for |z| = x; -1 means rejected."""
    if layer == 0:
        # Marsaglia's exponential-rejection sampler for the tail beyond r
        while True:
            tail = -np.log(1.0 - uniform(state)) / _R
            height = -np.log(1.0 - uniform(state))
            if 2.0 * height > tail * tail:
                return _R + tail
    y = zf[layer] + uniform(state) * (zf[layer + _U64(1)] - zf[layer])
    return x if y < np.exp(-0.5 * x * x) else -1.0


@numba.njit(cache=True)
def _normal_rare(state: np.ndarray, bits: np.uint64, zx: np.ndarray, zf: np.ndarray) -> float:
    """Finish a draw that missed the fast test (about 0.4% of draws) from the rare generator."""
    layer, x = _layer_of(bits, zx)
    while True:
        magnitude = _edge_or_tail(state, layer, abs(x), zf)
        if magnitude >= 0.0:
            return magnitude if x >= 0.0 else -magnitude
        layer, x = _layer_of(next_u64(state), zx)
        if abs(x) < zx[layer + _U64(1)]:
            return x


@numba.njit(inline="always", cache=True)
def normal_scratch(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``bits`` and ``missed`` scratch arrays :func:`fill_normals` needs for ``size`` normals."""
    return np.empty(size, np.uint64), np.empty(size, np.int64)


@numba.njit(cache=True)
def fill_normals(states: np.ndarray, out: np.ndarray, zx: np.ndarray, zf: np.ndarray, bits: np.ndarray, missed: np.ndarray) -> None:
    """Fill ``out`` with standard normal variates, element k from slot generator k of a
    chunk's ``(4, slots + 1)`` states (``out.size <= slots``); ``zx``, ``zf`` = ZIGGURAT_X,
    ZIGGURAT_F; ``bits`` (uint64) and ``missed`` (int64), each of size >= ``out.size``,
    are scratch.

    The fast pass decodes every slot's draw and notes the slots that missed the fast
    test; those are finished afterwards, in slot order, from the rare generator.
    """
    n = out.size
    _draw_bits(states, bits[:n])
    misses = 0
    for k in range(n):
        layer, x = _layer_of(bits[k], zx)
        out[k] = x
        missed[misses] = k
        misses += abs(x) >= zx[layer + _U64(1)]
    rare = rare_stream(states)
    for m in range(misses):
        k = missed[m]
        out[k] = _normal_rare(rare, bits[k], zx, zf)


refresh_cache(globals())
