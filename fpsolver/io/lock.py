"""A lock per case directory so that two runs of the same case cannot corrupt each other.

The lock is an advisory ``flock`` on ``CASE/.lock``: the kernel releases it when its
process ends, however it ends, so there is no stale lock to take over and no race
between reading and removing one. The file holds the owner's pid for messages only.
After locking, the holder checks that the path still names the file it locked (a
releasing process unlinks it), and retries otherwise.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ATTEMPTS = 20


class CaseLockedError(RuntimeError):
    """Another live process holds the case's lock, or the lock file cannot be used."""


def _owner(descriptor: int) -> str:
    try:
        return os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "?"
    except OSError:
        return "?"


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except IsADirectoryError:
        raise CaseLockedError(f"{path} is a directory, not a lock file; remove it") from None
    except OSError as exc:
        raise CaseLockedError(f"cannot use the lock file {path}: {exc.strerror}") from None


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False


@contextmanager
def case_lock(directory: Path) -> Iterator[Path]:
    """Hold ``directory/.lock`` for the duration of the ``with`` block.

    Raises
    ------
    CaseLockedError
        When another process holds the lock (the message gives its pid) or the lock
        path is unusable (a directory, a link, not writable).
    """
    path = Path(directory) / ".lock"
    for _ in range(ATTEMPTS):
        descriptor = _open(path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(descriptor)
            os.close(descriptor)
            raise CaseLockedError(f"case {Path(directory).name!r} is being run by process {owner} (lock file {path})") from None
        if _same_file(descriptor, path):
            break
        os.close(descriptor)  # unlinked by its releasing owner between our open and lock
    else:  # pragma: no cover - needs ATTEMPTS releases racing this process
        raise CaseLockedError(f"could not take the lock file {path}")
    try:
        try:
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        except OSError as exc:  # a full disk: the lock is held all the same, the pid is only for messages
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise CaseLockedError(f"cannot write the lock file {path}: {exc.strerror}") from None
        yield path
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)
