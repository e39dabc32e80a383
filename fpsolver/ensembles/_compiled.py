"""Numba's on-disk cache of the kernels, kept in step with the kernels' sources.

Numba checks a cached function against its own source file only. A kernel that
inlines code from another module (the random streams of :mod:`._random`, the 1D
helpers of :mod:`._kernels`) would keep running the old machine code after that
module changes: an upgrade or an edit would silently give the old random numbers or
the old scheme. Each kernel module therefore calls :func:`refresh_cache` with its
namespace when it is imported. The digest of every kernel source file is stamped next
to the module's cache index; when the stamp differs (or is missing), the module's
cached functions are flushed, so they compile afresh at their next call, and the
stamp is rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
from numba.core.caching import FunctionCache
from numba.core.registry import CPUDispatcher

_log = logging.getLogger(__name__)

#: the modules whose compiled code the kernels inline or call
KERNEL_SOURCES = ("_random.py", "_kernels.py", "_kernels_nd.py")


def sources_digest() -> str:
    """SHA-256 of the kernel source files, in the order of :data:`KERNEL_SOURCES`."""
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _stamp_path(cache: FunctionCache, module: str) -> Path:
    return Path(cache.cache_path) / f"{module.rsplit('.', 1)[-1]}.kernel-sources.sha256"


def refresh_cache(namespace: dict[str, object]) -> None:
    """Flush the cached functions of the module with this ``namespace`` when the kernel
    sources differ from those its cache was built from (see the module docstring)."""
    caches = [value._cache for value in namespace.values() if isinstance(value, CPUDispatcher) and isinstance(value._cache, FunctionCache)]
    if not caches:
        return
    digest = sources_digest()
    stamp = _stamp_path(caches[0], str(namespace["__name__"]))
    try:
        if stamp.read_text() == digest:
            return
    except OSError:
        pass  # no stamp yet: treat as stale
    for cache in caches:
        cache.flush()
    try:
        partial = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
        partial.write_text(digest)
        partial.replace(stamp)
    except OSError:
        pass  # a read-only cache directory: numba then caches elsewhere or not at all


def over_threads(kernel: Callable[..., None], n_chunks: int, *arguments: object) -> None:
    """``kernel(chunks, *arguments)`` for the chunks 0 ... n_chunks - 1, split into
    ``numba.get_num_threads()`` interleaved sets (chunks t, t + T, t + 2T, ... for thread t)
    run at once; ``kernel`` must be compiled with ``nogil=True`` and write only the rows of
    its chunks. A serial kernel driven from Python threads is compiled once, where a
    ``prange`` loop compiles its body a second time inside numba's parallel machinery.
    Exceptions of any thread propagate."""
    threads = max(1, min(numba.get_num_threads(), n_chunks))
    sets = [np.arange(t, n_chunks, threads, dtype=np.int64) for t in range(threads)]
    if threads == 1:
        kernel(sets[0], *arguments)
        return
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(kernel, chunks, *arguments) for chunks in sets]:
            future.result()


def is_cold(dispatcher: CPUDispatcher) -> bool:
    """Whether the next call of ``dispatcher`` compiles: no compiled code in memory and none in
    numba's on-disk cache (index missing, empty after a flush, stale or of another numba).
    Reads the small cache index only."""
    if dispatcher.overloads:
        return False
    cache = dispatcher._cache
    return not (isinstance(cache, FunctionCache) and cache._cache_file._load_index())


def announce_compile(dispatcher: CPUDispatcher, what: str, seconds: float) -> None:
    """Log (logger ``fpsolver.ensembles._compiled``, level INFO) that ``what`` is being compiled
    when ``dispatcher``'s cache is cold (:func:`is_cold`), with the compile time ``seconds``
    measured on an idle 2-core machine; the command line shows the line, a library caller
    sees it only where it configures logging."""
    if is_cold(dispatcher):
        _log.info("compiling %s (first run only, ~%.0f s)", what, seconds)
