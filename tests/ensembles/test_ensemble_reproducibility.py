"""Same seed, same numbers: whatever the thread count or the split of chunks across calls."""

import numba
import numpy as np
import pytest
from _cases import mesh40, model_cases

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.ensembles import InertialEnsemble, OverdampedEnsemble


def _fields(result):
    return [result.P, result.counts, result.mean, result.variance, result.final_x, result.winding, np.array([result.current, result.current_error])]


def _ensemble():
    return OverdampedEnsemble(model_cases()["ito"], mesh40(), 5000, 1e-3, 0.2, scheme="weak2", sample_interval=1e-3, seed=42, chunk_size=256)


def _ring_ensemble():
    ring = fpsolver.Ito(profiles.formula("1 + 0.5*sin(2*pi*x)"), potential=potentials.formula("0.5*cos(2*pi*x) - x"))
    return OverdampedEnsemble(ring, meshes.uniform(0.0, 1.0, 20, periodic=True), 3000, 2e-4, 0.2, boundary="periodic", sample_interval=1e-3, seed=42, chunk_size=256)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
@pytest.mark.parametrize("make", [_ensemble, _ring_ensemble], ids=["walls", "ring"])
def test_one_and_two_threads_give_identical_results(restore_threads, make):
    numba.set_num_threads(1)
    one = make().run()
    numba.set_num_threads(2)
    two = make().run()
    for a, b in zip(_fields(one), _fields(two)):
        assert np.array_equal(a, b, equal_nan=True)


def test_chunks_split_across_calls_merge_to_the_single_run():
    ensemble = _ensemble()
    whole = ensemble.run()
    chunks = np.arange(ensemble.n_chunks)
    parts = [ensemble.run_chunks(chunks[1::3]), ensemble.run_chunks(chunks[0::3]), ensemble.run_chunks(chunks[2::3])]
    merged = ensemble.merge(parts)
    for a, b in zip(_fields(whole), _fields(merged)):
        assert np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(whole.P_error, merged.P_error, equal_nan=True)


def test_inertial_split_and_single_run_agree():
    ensemble = InertialEnsemble(model_cases()["gclm2"], mesh40(), 3000, 1e-3, 0.1, mass=0.05, sample_interval=1e-3, seed=7, chunk_size=512)
    whole = ensemble.run()
    merged = ensemble.merge([ensemble.run_chunks([0, 1, 2]), ensemble.run_chunks([3, 4, 5])])
    assert np.array_equal(whole.P, merged.P)
    assert np.array_equal(whole.final_v, merged.final_v)


def test_merge_rejects_incomplete_or_foreign_parts():
    ensemble = _ensemble()
    with pytest.raises(ValueError, match="exactly once"):
        ensemble.merge([ensemble.run_chunks([0, 1])])
    other = OverdampedEnsemble(model_cases()["ito"], mesh40(), 5000, 1e-3, 0.2, scheme="weak2", sample_interval=1e-3, seed=43, chunk_size=256)
    with pytest.raises(ValueError, match="different ensemble"):
        ensemble.merge([other.run_chunks()])


def test_different_seeds_give_different_histograms():
    a = OverdampedEnsemble(model_cases()["ito"], mesh40(), 2000, 1e-3, 0.05, sample_interval=1e-3, seed=1).run()
    b = OverdampedEnsemble(model_cases()["ito"], mesh40(), 2000, 1e-3, 0.05, sample_interval=1e-3, seed=2).run()
    assert not np.array_equal(a.counts, b.counts)
