"""Nothing is lost: SIGKILL mid-run leaves earlier results intact, --resume continues from
the last checkpoint to the same numbers as an uninterrupted run, and a lock file keeps two
runs of one case apart."""

import hashlib
import os
import signal
import subprocess
import sys
import time

import numpy as np
import xarray as xr
from cli_helpers import ENV, copy_case, fpsolver

from fpsolver.io.lock import case_lock

LONG_ENSEMBLE = """
[ensemble]
n_particles = 40000
chunk_size = 256
t_end = 12.0
dt = 0.0004
"""


def _long_case(root, name):
    case = copy_case("exponential", root / name)
    text = (case / "case.toml").read_text()
    cut = text.index("[models.gclm1]")
    (case / "case.toml").write_text(text[:cut] + LONG_ENSEMBLE)
    return case


def _digest(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_kill_after_checkpoint_then_resume_matches_uninterrupted_run(tmp_path):
    case = _long_case(tmp_path, "interrupted")
    first = fpsolver("run", case, "--only", "pde", "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = _digest(case / "results")

    process = subprocess.Popen([sys.executable, "-m", "fpsolver", "run", str(case), "--only", "sde", "--quiet"], cwd=tmp_path, env=ENV)
    checkpoint = case / ".checkpoint" / "ensemble-ito-0.npz"
    deadline = time.monotonic() + 240
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checkpoint.exists() and process.poll() is None, "the run must still be going after its first checkpoint"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _digest(case / "results") == before

    resumed = fpsolver("run", case, "--only", "sde", "--resume", "--quiet", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert not (case / ".checkpoint").exists()  # cleared after success

    fresh = _long_case(tmp_path, "uninterrupted")
    reference = fpsolver("run", fresh, "--only", "sde", "--quiet", cwd=tmp_path)
    assert reference.returncode == 0, reference.stderr
    with xr.open_dataset(case / "results" / "ensemble.nc", engine="h5netcdf") as a, xr.open_dataset(fresh / "results" / "ensemble.nc", engine="h5netcdf") as b:
        np.testing.assert_array_equal(a["P"].sel(model="ito").values, b["P"].sel(model="ito").values)
        np.testing.assert_array_equal(a["mean"].sel(model="ito").values, b["mean"].sel(model="ito").values)


def test_resume_reuses_checkpoints(tmp_path, monkeypatch):
    """In-process: a run stopped after some chunk groups resumes without recomputing them."""
    from fpsolver.cases.build import open_case
    from fpsolver.cases.run import run_case
    from fpsolver.ensembles import OverdampedEnsemble
    from fpsolver.io.checkpoint import CheckpointStore

    case = open_case(_long_case(tmp_path, "inproc"), fast=True)
    store = CheckpointStore(case.directory / ".checkpoint", case.config.digest(), resume=False)

    class Interrupted(Exception):
        pass

    calls, interrupt = [], [True]
    original = OverdampedEnsemble.run_chunks

    def counting(self, chunks=None, **kwargs):
        calls.append(tuple(chunks))
        if interrupt[0] and len(calls) == 3:
            interrupt[0] = False
            raise Interrupted
        return original(self, chunks, **kwargs)

    monkeypatch.setattr(OverdampedEnsemble, "run_chunks", counting)
    try:
        run_case(case, only=frozenset({"sde"}), checkpoints=store)
    except Interrupted:
        pass
    done_before = calls[:2]
    calls.clear()
    resumed = run_case(case, only=frozenset({"sde"}), checkpoints=CheckpointStore(case.directory / ".checkpoint", case.config.digest(), resume=True))
    assert not set(done_before) & set(calls)
    monkeypatch.setattr(OverdampedEnsemble, "run_chunks", original)
    straight = run_case(case, only=frozenset({"sde"}))
    np.testing.assert_array_equal(resumed.ensembles["ito"].P, straight.ensembles["ito"].P)


def test_second_run_of_a_locked_case_is_refused(tmp_path):
    case = copy_case("quantum-dot", tmp_path)
    with case_lock(case):  # this live process holds it
        result = fpsolver("run", case, cwd=tmp_path)
    assert result.returncode == 2
    assert f"is being run by process {os.getpid()}" in result.stderr
    assert not (case / "results").exists()


def test_lock_file_left_by_a_dead_process_does_not_block(tmp_path):
    case = copy_case("quantum-dot", tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (case / ".lock").write_text(str(dead.pid))
    result = fpsolver("run", case, "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (case / ".lock").exists()
