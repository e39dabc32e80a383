"""Atomic replacement of a results directory: readers always find a complete set.

A new set is written into a hidden sibling staging directory
(``.NAME-staging-<pid>-<random>``) and then exchanged with ``NAME`` in one step by
Linux's ``renameat2(RENAME_EXCHANGE)``, so there is no moment at which neither the old
nor the new set exists; the old set, now at the staging path, is removed afterwards.
Where the exchange is unavailable (another OS or file system) two ``os.replace`` calls
are used, and a kill between them leaves the old set as ``.NAME-previous``, which the
next start puts back (:func:`recover`). Staging directories of killed runs are removed
at the next start.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fpsolver.io.names import check_name

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)


class StoreError(ValueError):
    """A results location that cannot be written; the message names the path."""


def _previous(target: Path) -> Path:
    return target.parent / f".{target.name}-previous"


def _staging_prefix(target: Path) -> str:
    return f".{target.name}-staging-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` atomically; False where the system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def recover(target: Path) -> None:
    """Restore results left aside by a run killed between the two renames of the
    fallback swap, and remove the staging directories of runs that are gone."""
    target = Path(target)
    previous = _previous(target)
    if previous.is_dir() and not previous.is_symlink():
        if target.exists():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(previous, target)
    if target.parent.is_dir():
        for leftover in target.parent.glob(_staging_prefix(target) + "*"):
            pid = leftover.name.removeprefix(_staging_prefix(target)).split("-")[0]
            if leftover.is_dir() and not leftover.is_symlink() and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)


def check_target(target: Path) -> None:
    """Raise :class:`StoreError` unless ``target`` can be (re)placed by a new results set:
    its name is one safe path component (:func:`fpsolver.io.names.check_name`: never ``.``,
    ``..`` or a path), its parent is a writable directory and ``target`` is absent or a
    writable directory (not a file or a symbolic link)."""
    target = Path(target)
    parent = target.parent
    try:
        check_name(target.name, str(target))
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    if parent.exists() and not parent.is_dir():
        raise StoreError(f"{parent} is not a directory")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise StoreError(f"{target} is not a directory (a file or a link is in the way); move it away")
    for path in [path for path in (parent, target) if path.exists()]:
        if not os.access(path, os.W_OK | os.X_OK):
            raise StoreError(f"{path} is not writable")


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh staging directory that replaces ``target`` on success only.

    Raises
    ------
    StoreError
        Before anything is written, when ``target`` cannot be replaced (see :func:`check_target`).
    """
    target = Path(target)
    check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot make {target.parent}: {exc.strerror}") from None
    check_target(target)
    recover(target)
    staging = Path(tempfile.mkdtemp(prefix=f"{_staging_prefix(target)}{os.getpid()}-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; results are ordinary files
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists() and exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # the old set; a leftover is removed by the next recover()
        return
    previous = _previous(target)
    if target.exists():
        os.replace(target, previous)
    os.replace(staging, target)
    shutil.rmtree(previous, ignore_errors=True)
