"""Seals on results directories: stored metrics are trusted only when this user's fpsolver wrote them.

When a run writes ``CASE/results`` it records the SHA-256 of every file in ``seal.json``
with an HMAC-SHA256 of that list under a key private to the user
(``$XDG_CACHE_HOME/fpsolver/seal.key``, else ``~/.cache/fpsolver/seal.key``; 32 random
bytes, mode 0600, made on first use). :func:`verify` recomputes the digests and the HMAC:
a results directory edited by hand, copied from another machine or user, truncated or
corrupt does not verify, and ``fpsolver validate`` then recomputes instead of trusting it.
A plain digest would not do: whoever edits ``metrics.json`` can recompute a digest, but not
an HMAC without the key. Where no key can be made (an unwritable home), nothing verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path

SEAL_FILE = "seal.json"
KEY_BYTES = 32


def key_path() -> Path:
    """Where the user's key lives."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "fpsolver" / "seal.key"


def _key(create: bool) -> bytes | None:
    """The user's key; made (atomically, by linking a complete file) when ``create``; None where it cannot be."""
    path = key_path()
    try:
        key = path.read_bytes()
        return key if len(key) == KEY_BYTES else None
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".seal-key-")
        try:
            os.write(descriptor, secrets.token_bytes(KEY_BYTES))
            os.close(descriptor)
            try:
                os.link(temporary, path)  # fails when another process made the key first: use theirs
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
        key = path.read_bytes()
        return key if len(key) == KEY_BYTES else None
    except OSError:
        return None


def file_digests(directory: Path) -> dict[str, str]:
    """SHA-256 of every regular file under ``directory`` but the seal, by relative POSIX path;
    a link or other special file is listed as ``"special"`` (it never matches a sealed file)."""
    digests = {}
    for path in sorted(Path(directory).rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if relative == SEAL_FILE or (path.is_dir() and not path.is_symlink()):
            continue
        if path.is_symlink() or not path.is_file():
            digests[relative] = "special"
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digests[relative] = digest.hexdigest()
    return digests


def _mac(key: bytes, digests: dict[str, str]) -> str:
    return hmac.new(key, json.dumps(digests, sort_keys=True).encode(), hashlib.sha256).hexdigest()


def seal(directory: Path) -> None:
    """Write ``directory/seal.json`` over the files now in ``directory`` (the last write of a results set)."""
    key = _key(create=True)
    digests = file_digests(directory)
    document = {"files": digests, "hmac_sha256": _mac(key, digests) if key is not None else None}
    (Path(directory) / SEAL_FILE).write_text(json.dumps(document, indent=1, sort_keys=True))


def verify(directory: Path) -> bool:
    """True when ``directory`` holds exactly the files its seal lists, byte for byte, and the
    seal was made with this user's key; False otherwise (never raises for a bad directory)."""
    key = _key(create=False)
    if key is None:
        return False
    try:
        document = json.loads((Path(directory) / SEAL_FILE).read_text())
        recorded, mac = document["files"], document["hmac_sha256"]
        if not isinstance(recorded, dict) or not isinstance(mac, str):
            return False
        digests = file_digests(directory)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return False
    return digests == recorded and hmac.compare_digest(mac, _mac(key, digests))
