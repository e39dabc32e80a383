"""User-given names that become paths (``--name`` of fit/infer, sweep folders): one path
component from a safe alphabet, so a name can never climb out of its folder, replace a
sibling or the case itself, or exceed a file system's name length."""

from __future__ import annotations

import hashlib
import re

#: A safe name: a letter or digit, then letters, digits, ``_``, ``.``, ``+`` or ``-``; at most 128 characters.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")
MAX_NAME = 128


def check_name(name: object, what: str) -> str:
    """``name`` when it is one safe path component (:data:`SAFE_NAME`, no ``..``).

    Raises
    ------
    ValueError
        Naming ``what`` (e.g. ``--name``) and the rule.
    """
    if not isinstance(name, str) or not SAFE_NAME.fullmatch(name) or ".." in name:
        shown = repr(name) if not isinstance(name, str) or len(name) <= 60 else f"{name[:40]!r}... ({len(name)} characters)"
        raise ValueError(f"{what}: a name is one folder name of at most {MAX_NAME} letters, digits, '_', '.', '+' or '-', starting with a letter or digit, without '..'; got {shown}")
    return name


def safe_name(text: str) -> str:
    """A safe name made from any ``text`` (a default name from a file stem or keys): runs of
    other characters become ``_``; a name over :data:`MAX_NAME` characters keeps its start and
    ends with 12 hex digits of its SHA-256, so distinct texts keep distinct names."""
    name = re.sub(r"[^A-Za-z0-9_.+-]+", "_", text).replace("..", "_").lstrip("_.+-") or "unnamed"
    if len(name) > MAX_NAME:
        name = f"{name[: MAX_NAME - 13]}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return name
