"""Numba's on-disk kernel cache follows the kernel sources, not only each function's own file."""

import logging

import numba
import numpy as np
import pytest

from fpsolver.ensembles import _compiled, _kernels_nd, _random


def test_a_stale_stamp_flushes_the_module_cache_and_is_rewritten():
    cache = _kernels_nd.advance_overdamped_nd._cache
    stamp = _compiled._stamp_path(cache, _kernels_nd.__name__)
    stamp.write_text("sources of an older version")
    cache._cache_file._save_index({("a stale overload",): "entry"})
    _compiled.refresh_cache(vars(_kernels_nd))
    assert stamp.read_text() == _compiled.sources_digest()
    assert cache._cache_file._load_index() == {}


def test_an_up_to_date_stamp_keeps_the_cache():
    cache = _random.fill_normals._cache
    _compiled.refresh_cache(vars(_random))  # stamps the current sources
    index = {**cache._cache_file._load_index(), ("an overload",): "entry"}
    cache._cache_file._save_index(index)
    _compiled.refresh_cache(vars(_random))
    assert cache._cache_file._load_index() == index
    cache.flush()


def test_the_digest_covers_every_kernel_source(tmp_path, monkeypatch):
    before = _compiled.sources_digest()
    for name in _compiled.KERNEL_SOURCES:
        (tmp_path / name).write_bytes((_compiled.Path(_compiled.__file__).parent / name).read_bytes())
    monkeypatch.setattr(_compiled, "__file__", str(tmp_path / "_compiled.py"))
    assert _compiled.sources_digest() == before
    (tmp_path / "_random.py").write_text("# changed\n")
    assert _compiled.sources_digest() != before


def test_a_kernel_is_cold_until_compiled_and_only_a_cold_one_is_announced(caplog):
    kernel = numba.njit(lambda x: x + 1)
    assert _compiled.is_cold(kernel)
    with caplog.at_level(logging.INFO, logger="fpsolver"):
        _compiled.announce_compile(kernel, "the test kernel", 3.0)
        assert kernel(1) == 2
        assert not _compiled.is_cold(kernel)
        _compiled.announce_compile(kernel, "the test kernel", 3.0)
    assert [record.getMessage() for record in caplog.records] == ["compiling the test kernel (first run only, ~3 s)"]


def test_over_threads_runs_every_chunk_once_and_raises_what_a_thread_raises(restore_threads):
    @numba.njit(nogil=True)
    def mark(chunks, out):
        for c in chunks:
            out[c] += c + 1

    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    out = np.zeros(7, dtype=np.int64)
    _compiled.over_threads(mark, 7, out)
    np.testing.assert_array_equal(out, np.arange(1, 8))

    @numba.njit(nogil=True)
    def fail_on_last(chunks, n):
        for c in chunks:
            if c == n - 1:
                raise ValueError("the last chunk failed")

    with pytest.raises(ValueError, match="the last chunk failed"):
        _compiled.over_threads(fail_on_last, 5, 5)
