"""Numba's on-disk kernel cache follows the kernel sources, not only each function's own file."""

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
