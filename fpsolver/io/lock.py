"""A lock file per case so that two runs of the same case cannot corrupt each other."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CaseLockedError(RuntimeError):
    """Another live process holds the case's lock."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def case_lock(directory: Path) -> Iterator[Path]:
    """Hold ``directory/.lock`` (holding our pid) for the duration; stale locks are taken over."""
    path = Path(directory) / ".lock"
    for _ in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                owner = int(path.read_text().strip() or 0)
            except (ValueError, OSError):
                owner = 0
            if owner and owner != os.getpid() and _alive(owner):
                raise CaseLockedError(f"case {Path(directory).name!r} is being run by process {owner} (lock file {path})") from None
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(descriptor, "w") as handle:
            handle.write(str(os.getpid()))
        break
    else:  # pragma: no cover - only if the lock reappears between unlink and open twice
        raise CaseLockedError(f"could not take the lock file {path}")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
