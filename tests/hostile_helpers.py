"""Helpers of the round-two hostile-input tests: a small 1D case and a file-tree snapshot."""

from __future__ import annotations

from pathlib import Path

import tomli_w

SMALL = {
    "title": "small",
    "domain": {"x_min": -1.0, "x_max": 1.0},
    "mesh": {"cells": 20},
    "temperature": {"profile": "linear", "T0": 1.5, "gradient": 0.5},
    "models": {"ito": {}},
    "pde": {"transient": False},
    "ensemble": {"enabled": False},
}


def small_case(directory: Path) -> Path:
    """A 20-cell 1D steady case (PDE only) in the new folder ``directory``."""
    directory.mkdir()
    (directory / "case.toml").write_text(tomli_w.dumps(SMALL))
    return directory


def tree(root: Path) -> dict[str, int]:
    """Every path under ``root`` with its modification time (links not followed)."""
    return {str(path.relative_to(root)): path.lstat().st_mtime_ns for path in root.rglob("*")}
