"""The files a case reads: where they may be, how they are read, and their digests.

A case reads only

* data files named by a ``file`` key (e.g. ``[temperature] file = "profile.csv"``), which
  must resolve, after following symbolic links, to a regular file inside the case
  directory, of at most :data:`MAX_FILE_BYTES`; and
* Gmsh geometries (``[mesh] geometry``): a ``.geo`` file in the case directory (same rules),
  or a named one;
* named meshes (``mesh = "NAME"``, ``geometry = "NAME"``), given by a bare name (letters, digits, ``_``, ``-``,
  ``.``; no path) of a ``NAME.toml`` or ``NAME.geo`` in the package's
  ``fpsolver/meshes/data/``.

Each file is read once into a :class:`CaseFile` (its bytes and their SHA-256), the case is
built from those bytes, and the configuration digest covers them
(:meth:`fpsolver.cases.schema.CaseConfig.digest`), so editing a data file changes the
digest: results, sweep points and checkpoints of the old data are never reused. Refusals
name the key and the path and never show the file's contents.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpsolver.cases.errors import CaseError
from fpsolver.meshes import MESH_DIR

#: Largest data file a case may read (bytes).
MAX_FILE_BYTES = 64 * 2**20
#: Keys whose string values name a data file relative to the case directory.
FILE_KEYS = ("file",)
MESH_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MESH_SUFFIXES = (".toml", ".geo")


@dataclass(frozen=True)
class CaseFile:
    """One file a case read: the case key naming it, its resolved path and its bytes."""

    key: str
    path: Path
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def text(self) -> str:
        """The contents as UTF-8 text (a byte-order mark is dropped)."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CaseError(f"{self.path}: not UTF-8 text (byte {exc.start} of the {self.key})") from None


def _read_regular(key: str, path: Path, shown: str) -> CaseFile:
    """Read ``path`` if it is a regular file of at most MAX_FILE_BYTES (no devices, FIFOs or directories)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise CaseError(f"{key}: {shown} does not exist") from None
    except OSError as exc:
        raise CaseError(f"{key}: cannot read {shown}: {exc.strerror}") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise CaseError(f"{key}: {shown} is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise CaseError(f"{key}: {shown} is not a regular file (a device, pipe or socket)")
        if status.st_size > MAX_FILE_BYTES:
            raise CaseError(f"{key}: {shown} has {status.st_size} bytes, more than the {MAX_FILE_BYTES} a case file may have")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CaseError(f"{key}: cannot read {shown}: {exc.strerror}") from None
    finally:
        os.close(descriptor)
    return CaseFile(key=key, path=path, data=data)


def read_file(key: str, path: Path) -> CaseFile:
    """Read the regular file ``path`` (e.g. the case file itself) for case key ``key``."""
    return _read_regular(key, Path(path), str(path))


def case_path(directory: Path, key: str, name: object) -> Path:
    """The resolved path of the data file ``name`` of case key ``key``.

    Raises
    ------
    CaseError
        ``name`` is not a non-empty string, or resolves (symbolic links followed) outside ``directory``.
    """
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise CaseError(f"{key}: must name a file in the case directory, got {name!r}")
    root = Path(directory).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise CaseError(f"{key}: {name!r} is outside the case directory {root} (a case reads only its own files)")
    return path


def read_case_file(directory: Path, key: str, name: object) -> CaseFile:
    """Read the data file ``name`` (relative to the case ``directory``) of case key ``key``."""
    path = case_path(directory, key, name)
    return _read_regular(key, path, repr(name))


def named_mesh_path(name: object, key: str = "mesh") -> Path:
    """The file of the named mesh ``name`` in ``fpsolver/meshes/data`` (``.toml`` or ``.geo``).

    Raises
    ------
    CaseError
        ``name`` is not a bare name, or no mesh of that name ships with fpsolver.
    """
    if not isinstance(name, str) or not MESH_NAME.fullmatch(name) or ".." in name:
        raise CaseError(f"{key}: a named mesh is a bare name (letters, digits, '_', '-', '.') from fpsolver/meshes/data, got {name!r}")
    for suffix in MESH_SUFFIXES:
        path = MESH_DIR / f"{name}{suffix}"
        if path.is_file() and path.resolve().is_relative_to(MESH_DIR.resolve()):
            return path
    available = sorted({path.stem for suffix in MESH_SUFFIXES for path in MESH_DIR.glob(f"*{suffix}")})
    raise CaseError(f"{key}: no mesh named {name!r} (available: {', '.join(available) or 'none'})")


def _file_keys(table: Any, prefix: str) -> list[tuple[str, str]]:
    """(dotted key, value) of every FILE_KEYS entry with a string value, at any depth of ``table``."""
    found = []
    if isinstance(table, dict):
        for key, value in table.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            if key in FILE_KEYS and isinstance(value, str):
                found.append((dotted, value))
            else:
                found += _file_keys(value, dotted)
    return found


def read_files(resolved: dict[str, Any], directory: Path | None) -> dict[str, CaseFile]:
    """Read every file the resolved configuration ``resolved`` names: data files (keys in
    :data:`FILE_KEYS`, relative to ``directory``) and a named mesh (top-level ``mesh``)."""
    files: dict[str, CaseFile] = {}
    data_keys = _file_keys({key: value for key, value in resolved.items() if key != "mesh"}, "")
    if data_keys and directory is None:
        raise CaseError(f"{data_keys[0][0]}: a case that reads files needs its directory")
    for key, name in data_keys:
        files[key] = read_case_file(directory, key, name)  # type: ignore[arg-type]
    mesh = resolved.get("mesh")
    if isinstance(mesh, str):
        files["mesh"] = _read_regular("mesh", named_mesh_path(mesh), repr(mesh))
    geometry = mesh.get("geometry") if isinstance(mesh, dict) else None
    if geometry is not None:
        in_case = isinstance(geometry, str) and (Path(geometry).suffix == ".geo" or directory is not None and (Path(directory) / geometry).exists())
        if in_case and directory is None:
            raise CaseError("mesh.geometry: a case that reads files needs its directory")
        named = None if in_case else named_mesh_path(geometry, "mesh.geometry")
        files["mesh.geometry"] = read_case_file(directory, "mesh.geometry", geometry) if in_case else _read_regular("mesh.geometry", named, repr(geometry))  # type: ignore[arg-type]
    return files


def files_digest(files: dict[str, CaseFile]) -> dict[str, str]:
    """{key: SHA-256 of the file's bytes}: what a configuration digest adds for its files."""
    return {key: case_file.sha256 for key, case_file in sorted(files.items())}
