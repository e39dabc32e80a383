"""The ensembles' random streams and cell look-up against independent references."""

import math

import numpy as np
import pytest
from scipy import stats

from fpsolver.ensembles._kernels import _cell
from fpsolver.ensembles._random import _LAYERS, _R, _V, ZIGGURAT_F, ZIGGURAT_X, fill_normals, stream_seeds
from fpsolver.ensembles._tables import cell_lookup


def test_ziggurat_layers_close_and_have_equal_areas():
    """r and v solve the layer recursion: every layer (and the base with its tail) has area v,
    and the top layer ends at x = 0 (f = 1)."""
    tail = _R * math.exp(-0.5 * _R * _R) + math.sqrt(math.pi / 2.0) * math.erfc(_R / math.sqrt(2.0))
    assert tail == pytest.approx(_V, rel=1e-13)
    x, f = ZIGGURAT_X, ZIGGURAT_F
    areas = x[1:_LAYERS] * (f[2 : _LAYERS + 1] - f[1:_LAYERS])
    np.testing.assert_allclose(areas, _V, rtol=1e-9)
    assert x[0] * f[1] == pytest.approx(_V, rel=1e-13)  # the virtual base rectangle


def _draws(slots: int, rounds: int, seed: int = 4) -> np.ndarray:
    states = stream_seeds(seed, np.arange(1), slots)[0]
    out = np.empty((rounds, slots))
    bits, missed = np.empty(slots, np.uint64), np.empty(slots, np.int64)
    for row in out:
        fill_normals(states, row, ZIGGURAT_X, ZIGGURAT_F, bits, missed)
    return out


def test_normals_are_standard_normal_in_bulk_and_tail():
    z = _draws(256, 8000).ravel()
    n = z.size
    assert abs(z.mean()) < 4.0 / math.sqrt(n)
    assert abs(z.var() - 1.0) < 4.0 * math.sqrt(2.0 / n)
    assert abs(stats.kurtosis(z)) < 4.0 * math.sqrt(24.0 / n)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    # the tail beyond r comes from the rare path only: its share is the normal's, within 4 sigma
    expected = 2.0 * stats.norm.sf(_R)
    assert abs(np.mean(np.abs(z) > _R) - expected) < 4.0 * math.sqrt(expected / n)
    # the wedges (rejection path) too: P(|z| in [X_2, X_1]) from the normal
    wedge = 2.0 * (stats.norm.cdf(ZIGGURAT_X[1]) - stats.norm.cdf(ZIGGURAT_X[2]))
    assert abs(np.mean((np.abs(z) > ZIGGURAT_X[2]) & (np.abs(z) <= ZIGGURAT_X[1])) - wedge) < 4.0 * math.sqrt(wedge / n)


def test_slots_are_independent_streams():
    """Neighbouring slots and successive draws of one slot are uncorrelated (|r| < 4/sqrt(n))."""
    z = _draws(64, 20000)
    bound = 4.0 / math.sqrt(z.shape[0])
    for k in range(63):
        assert abs(np.corrcoef(z[:, k], z[:, k + 1])[0, 1]) < bound
    assert abs(np.corrcoef(z[:-1, 0], z[1:, 0])[0, 1]) < bound


def test_slot_k_draws_from_its_own_xoshiro256starstar_generator():
    """Slot k's first normal is the ziggurat decode of the xoshiro256** output of column k of
    the states (reference step and decode in Python integers)."""
    states = stream_seeds(9, np.array([3]), 4)[0]
    mask = (1 << 64) - 1
    out = np.empty(4)
    fill_normals(states.copy(), out, ZIGGURAT_X, ZIGGURAT_F, np.empty(4, np.uint64), np.empty(4, np.int64))
    for k in range(4):
        s1 = int(states[1, k])
        bits = ((((s1 * 5) & mask) << 7 | ((s1 * 5) & mask) >> 57) & mask) * 9 & mask
        layer = bits & (_LAYERS - 1)
        signed = bits - (1 << 64) if bits >> 63 else bits
        z = float(signed >> 10) * 2.0**-53 * ZIGGURAT_X[layer]
        assert abs(z) < ZIGGURAT_X[layer + 1]  # this seed's first draws take the fast path
        assert out[k] == z


def test_chunk_streams_do_not_depend_on_which_chunks_are_seeded_together():
    every = stream_seeds(7, np.arange(12), 32)
    some = stream_seeds(7, np.array([2, 5, 11]), 32)
    np.testing.assert_array_equal(some, every[[2, 5, 11]])
    assert np.unique(every.transpose(0, 2, 1).reshape(-1, 4), axis=0).shape[0] == 12 * 33  # no two generators alike
    assert not np.array_equal(stream_seeds(8, np.arange(12), 32), every)


def test_a_shorter_buffer_uses_the_first_slots():
    """Drawing fewer normals than slots (the inertial start velocities of a short last chunk)
    gives the first slots' numbers."""
    states = stream_seeds(2, np.arange(1), 16)[0]
    full, part = np.empty(16), np.empty(5)
    bits, missed = np.empty(16, np.uint64), np.empty(16, np.int64)
    fill_normals(states.copy(), full, ZIGGURAT_X, ZIGGURAT_F, bits, missed)
    fill_normals(states.copy(), part, ZIGGURAT_X, ZIGGURAT_F, bits, missed)
    np.testing.assert_array_equal(part, full[:5])


@pytest.mark.parametrize(
    "faces",
    [
        np.linspace(0.0, 1.0, 51),
        np.concatenate([[0.0], np.sort(np.random.default_rng(3).uniform(0.0, 2.0, 40)), [2.0]]),
        np.array([-1.0, -1.0 + 1e-7, -1.0 + 2e-7, 0.3, 1.0]),  # two faces in one look-up interval
    ],
    ids=["uniform", "random", "crowded"],
)
def test_cell_lookup_matches_searchsorted(faces):
    lookup = cell_lookup(faces)
    assert lookup.crowded == (faces.size == 5)
    rng = np.random.default_rng(1)
    points = np.concatenate([rng.uniform(faces[0], faces[-1], 20000), faces, faces[:1] + 3e-8])
    expected = np.clip(np.searchsorted(faces, points, side="right") - 1, 0, faces.size - 2)
    arguments = lookup.kernel_arguments()
    found = np.array([_cell(x, arguments) for x in points])
    np.testing.assert_array_equal(found, expected)
