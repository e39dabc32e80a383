"""Fault injection on the commit path (issue 24): ENOSPC and EIO at each write of a run's
results, its checkpoints, its lock and a sweep's point cache and table. Every fault is a
one-line error (exit 2), the previous results stay byte for byte, no staging folder or
temporary file is left, the lock is released, and the next run without the fault succeeds."""

from __future__ import annotations

import builtins
import errno
import hashlib
import os
import pathlib

import pytest
from hostile_helpers import small_case
from typer.testing import CliRunner

from fpsolver.cli import app

runner = CliRunner()


def _digest(root: pathlib.Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


class Faults:
    """Make the n-th Python-level open-for-writing of a path containing ``marker`` fail with ``code``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, marker: str, code: int) -> None:
        self.marker, self.code, self.hits = marker, code, 0
        original_open, original_pwrite = builtins.open, os.pwrite

        def failing_open(file, mode="r", *args, **kwargs):
            if any(flag in mode for flag in "wax+") and marker in str(file):
                self.hits += 1
                raise OSError(code, os.strerror(code), str(file))
            return original_open(file, mode, *args, **kwargs)

        def failing_pwrite(descriptor, data, offset):
            if marker == ".lock":
                self.hits += 1
                raise OSError(code, os.strerror(code))
            return original_pwrite(descriptor, data, offset)

        monkeypatch.setattr(builtins, "open", failing_open)
        monkeypatch.setattr(os, "pwrite", failing_pwrite)
        original_write_text = pathlib.Path.write_text

        def failing_write_text(path, data, *args, **kwargs):
            if marker in str(path):
                self.hits += 1
                raise OSError(code, os.strerror(code), str(path))
            return original_write_text(path, data, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "write_text", failing_write_text)


SMALL_TRANSIENT = "\n[pde]\nsteady = true\ntransient = true\nt_end = 0.2\ndt = 0.01\nsnapshots = 3\n"


SLOW = pytest.mark.slow
RUN_FAULTS = [
    pytest.param("-staging-", errno.ENOSPC, id="results-ENOSPC"),
    pytest.param(".checkpoint", errno.EIO, id="checkpoint-EIO"),
    pytest.param("-staging-", errno.EIO, id="results-EIO", marks=SLOW),
    pytest.param(".checkpoint", errno.ENOSPC, id="checkpoint-ENOSPC", marks=SLOW),
    pytest.param("seal.json", errno.ENOSPC, id="seal-ENOSPC", marks=SLOW),
    pytest.param("metrics.json", errno.EIO, id="metrics-EIO", marks=SLOW),
    pytest.param(".lock", errno.ENOSPC, id="lock-ENOSPC", marks=SLOW),
    pytest.param(".lock", errno.EIO, id="lock-EIO", marks=SLOW),
]
SWEEP_FAULTS = [
    pytest.param(".points", errno.ENOSPC, id="points-ENOSPC"),
    pytest.param("-staging-", errno.EIO, id="table-EIO", marks=SLOW),
    pytest.param(".points", errno.EIO, id="points-EIO", marks=SLOW),
    pytest.param("-staging-", errno.ENOSPC, id="table-ENOSPC", marks=SLOW),
]


@pytest.mark.parametrize(("marker", "code"), RUN_FAULTS)
def test_run_faults_keep_the_old_results(tmp_path, monkeypatch, marker, code):
    case = small_case(tmp_path / "case")
    (case / "case.toml").write_text((case / "case.toml").read_text().replace("[pde]\ntransient = false\n", "") + SMALL_TRANSIENT)
    assert runner.invoke(app, ["run", str(case), "--quiet"]).exit_code == 0
    old = _digest(case / "results")
    with monkeypatch.context() as patch:
        faults = Faults(patch, marker, code)
        result = runner.invoke(app, ["run", str(case), "--quiet"])
    if marker == ".lock":  # the pid in the lock file is for messages only: a full disk there does not stop the run
        assert (result.exit_code == 0) == (code == errno.ENOSPC), result.output
        assert result.exit_code in (0, 2) and (result.exception is None or isinstance(result.exception, SystemExit))
        return
    assert faults.hits >= 1
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit), result.exception
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and os.strerror(code) in message, message
    assert _digest(case / "results") == old
    assert sorted(p.name for p in case.iterdir() if p.name not in ("results", ".checkpoint")) == ["case.toml"]
    assert not list((case / ".checkpoint").glob(".*.tmp")) if (case / ".checkpoint").exists() else True
    assert runner.invoke(app, ["run", str(case), "--quiet", "--resume"]).exit_code == 0


@pytest.mark.parametrize(("marker", "code"), SWEEP_FAULTS)
def test_sweep_faults_keep_the_old_table_and_finished_points(tmp_path, monkeypatch, marker, code):
    case = small_case(tmp_path / "case")
    arguments = ["sweep", str(case), "--set", "temperature.T0=1,2", "--quiet"]
    assert runner.invoke(app, arguments).exit_code == 0
    old = _digest(case / "sweeps" / "temperature.T0")
    (case / "case.toml").write_text((case / "case.toml").read_text().replace("cells = 20", "cells = 24"))
    with monkeypatch.context() as patch:
        Faults(patch, marker, code)
        result = runner.invoke(app, arguments)
    assert result.exit_code == 2 and (result.exception is None or isinstance(result.exception, SystemExit)), result.exception
    assert len(result.stderr.strip().splitlines()) == 1 and os.strerror(code) in result.stderr
    assert _digest(case / "sweeps" / "temperature.T0") == old
    assert not [p for p in (case / "sweeps").rglob("*") if "staging" in p.name or p.name.endswith(".tmp")]
    assert not (case / ".lock").exists()
    assert runner.invoke(app, arguments).exit_code == 0
