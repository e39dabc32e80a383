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
import os
from pathlib import Path

from numba.core.caching import FunctionCache
from numba.core.registry import CPUDispatcher

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
