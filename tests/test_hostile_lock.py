"""The case lock is taken before any other work (issue 24, item 9): a race with an injected delay."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from cli_helpers import ENV
from hostile_helpers import small_case
from typer.testing import CliRunner

from fpsolver.cli import app

runner = CliRunner()


DELAYED = """
import sys, time
from pathlib import Path
import fpsolver.cases.build as build, fpsolver.cases.run as run
original = build.open_case
def delayed(*args, **kwargs):
    Path(sys.argv[2]).write_text("inside")
    deadline = time.monotonic() + 120
    while not Path(sys.argv[3]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return original(*args, **kwargs)
run.open_case = delayed
run.run_case_directory(sys.argv[1], only=frozenset({"pde"}))
"""


def test_the_lock_is_taken_before_any_other_work(tmp_path):
    """A run held inside its first step (reading the case) already holds the lock: a second
    run, a --resume and a sweep of the same case started meanwhile are refused (exit 2, the
    holder's pid), and the first run then completes."""
    case = small_case(tmp_path / "case")
    marker, release = tmp_path / "inside", tmp_path / "release"
    first = subprocess.Popen([sys.executable, "-c", DELAYED, str(case), str(marker), str(release)], env=ENV, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert first.poll() is None and time.monotonic() < deadline, first.stderr.read() if first.stderr else ""
            time.sleep(0.05)
        for command in (["run", str(case), "--quiet"], ["run", str(case), "--resume", "--quiet"], ["sweep", str(case), "--set", "temperature.T0=1,2", "--quiet"]):
            result = runner.invoke(app, command)
            assert result.exit_code == 2 and f"being run by process {first.pid}" in result.stderr, (command, result.stderr)
        assert not (case / "results").exists()
    finally:
        release.write_text("go")
        _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr[-2000:]
    assert (case / "results" / "metrics.json").is_file() and not (case / ".lock").exists()
    assert sorted(os.listdir(case)) == ["case.toml", "results"]
