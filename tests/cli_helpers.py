"""Helpers shared by the command-line tests: run fpsolver in a subprocess, copy cases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
ENV = {**os.environ, "MPLBACKEND": "agg", "OMP_NUM_THREADS": "1"}


def fpsolver(*args, cwd, timeout=300) -> subprocess.CompletedProcess:
    """Run ``python -m fpsolver ARGS`` and capture its output."""
    return subprocess.run([sys.executable, "-m", "fpsolver", *map(str, args)], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)


def copy_case(name: str, destination: Path) -> Path:
    """A copy of a shipped case without its results."""
    target = destination / name
    shutil.copytree(CASES / name, target, ignore=shutil.ignore_patterns("results", "sweeps", ".checkpoint", ".lock"))
    return target
