"""SIGKILL during a sweep (issue 24): after every kill the sweep's table is absent or complete,
finished points are kept, and the sweep run again gives the table of an uninterrupted sweep,
byte for byte."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import ENV
from hostile_helpers import small_case
from typer.testing import CliRunner

from fpsolver.cli import app

SWEEP = ["--set", "temperature.T0=1:2:6", "--quiet"]
OUTPUTS = {"sweep.csv", "sweep.nc", "summary.png"}


def _kill_after_points(case: Path, points: int) -> None:
    """Start the sweep in a subprocess and SIGKILL it once ``points`` points are cached."""
    cache = case / "sweeps" / ".points"
    process = subprocess.Popen([sys.executable, "-m", "fpsolver", "sweep", str(case), *SWEEP], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if cache.is_dir() and len(list(cache.glob("*.json"))) >= points:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.slow
def test_kills_during_a_sweep_leave_old_or_new_tables_and_the_rerun_is_identical(tmp_path):
    case = small_case(tmp_path / "case")
    reference = tmp_path / "reference"
    shutil.copytree(case, reference)
    assert CliRunner().invoke(app, ["sweep", str(reference), *SWEEP]).exit_code == 0
    generator = random.Random(24)
    for _ in range(3):
        _kill_after_points(case, generator.randint(1, 5))
        table = case / "sweeps" / "temperature.T0"
        assert not table.exists() or {p.name for p in table.iterdir()} == OUTPUTS
    assert CliRunner().invoke(app, ["sweep", str(case), *SWEEP]).exit_code == 0
    for name in ("sweep.csv",):
        assert (case / "sweeps" / "temperature.T0" / name).read_bytes() == (reference / "sweeps" / "temperature.T0" / name).read_bytes()
    assert not [p for p in (case / "sweeps").iterdir() if "staging" in p.name]
