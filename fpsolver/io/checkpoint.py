"""Checkpoints of long runs, keyed by the case configuration's hash.

Stored as ``CASE/.checkpoint/<key>.npz`` next to a ``digest`` file naming the
resolved configuration they belong to; a different configuration clears them. Each
file is written to a temporary name and renamed, so a killed run never leaves a
half-written checkpoint.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

from fpsolver.io.atomic import StoreError


class CheckpointStore:
    """Named groups of arrays saved atomically for one case configuration."""

    def __init__(self, directory: Path, digest: str, *, resume: bool) -> None:
        self.directory = Path(directory)
        if self.directory.is_symlink() or (self.directory.exists() and not self.directory.is_dir()):
            raise StoreError(f"{self.directory} is not a directory (a file or a link is in the way); move it away")
        stamp = self.directory / "digest"
        stale = stamp.exists() and stamp.read_text().strip() != digest
        if self.directory.exists() and (stale or not resume):
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.npz"

    def save(self, key: str, arrays: dict[str, np.ndarray]) -> None:
        path = self._path(key)
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            with open(temporary, "wb") as handle:
                np.savez(handle, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:  # a full disk, an I/O error, a signal: no partial file is left
            temporary.unlink(missing_ok=True)
            raise

    def load(self, key: str) -> dict[str, np.ndarray] | None:
        path = self._path(key)
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
