"""Distributed execution on a local Dask cluster gives exactly the serial numbers.

One LocalCluster of two single-threaded worker processes on 127.0.0.1 serves the
module; every claim compares against the same computation run serially in this
process, bit for bit.
"""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("distributed")

from cli_helpers import ENV, copy_case  # noqa: E402
from cli_helpers import fpsolver as fpsolver_command

import fpsolver  # noqa: E402
from fpsolver import meshes, profiles  # noqa: E402
from fpsolver.cases.build import open_case  # noqa: E402
from fpsolver.cases.distributed import DistributedUnavailableError, dask_mapper, open_client, run_ensemble_distributed  # noqa: E402
from fpsolver.cases.run import run_case  # noqa: E402
from fpsolver.cases.sweep import parse_assignment, run_sweep  # noqa: E402
from fpsolver.ensembles import InertialEnsemble, OverdampedEnsemble  # noqa: E402

# 8 points, PDE only, --fast: ~0.1 s each, so the tests stay fast
SWEEP = [parse_assignment("models.gclm1.kappa=0:2:4"), parse_assignment("temperature.gradient=0.2,0.4")]
SWEEP_ONLY = frozenset({"pde"})


@pytest.fixture(scope="module")
def client():
    with open_client(workers=2) as client:
        client.wait_for_workers(2)
        yield client


@pytest.fixture(scope="module")
def serial_sweep(tmp_path_factory):
    case = copy_case("linear", tmp_path_factory.mktemp("serial"))
    return run_sweep(case, SWEEP, fast=True, only=SWEEP_ONLY)


def _assert_identical(first, second):
    """Every field of two result dataclasses equal, arrays bit for bit (NaN == NaN)."""
    assert type(first) is type(second)
    for field in dataclasses.fields(first):
        a, b = getattr(first, field.name), getattr(second, field.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), field.name
        elif isinstance(a, float) and np.isnan(a):  # e.g. the current of a run without periodic walls
            assert isinstance(b, float) and np.isnan(b), field.name
        else:
            assert a == b, field.name


def _ensemble(kind):
    """A small ensemble of 8 chunks (gCLm-I in a hot spot, 40 cells on [-1, 1])."""
    model = fpsolver.GCLM1(profiles.gaussian_hotspot(T_background=1.0, amplitude=1.0, center=-0.2, width=0.4), kappa=0.5)
    mesh = meshes.uniform(-1.0, 1.0, 40)
    common = dict(n_particles=8 * 256, dt=1e-3, t_end=0.5, seed=20261123, chunk_size=256)
    if kind == "inertial":
        return InertialEnsemble(model, mesh, mass=0.05, **common)
    return OverdampedEnsemble(model, mesh, **common)


def test_sweep_of_8_points_on_two_workers_equals_serial(client, serial_sweep, tmp_path):
    case = copy_case("linear", tmp_path)
    seen = []
    rows = run_sweep(case, SWEEP, fast=True, only=SWEEP_ONLY, mapper=dask_mapper(client, lambda done, total: seen.append((done, total))))
    assert len(rows) == 8 * 3
    assert rows == serial_sweep
    assert seen[0] == (0, 8) and seen[-1] == (8, 8) and len(seen) == 9


@pytest.mark.parametrize("kind", ["overdamped", "inertial"])
def test_ensemble_split_into_8_chunks_on_two_workers_equals_serial(client, kind):
    ensemble = _ensemble(kind)
    assert ensemble.n_chunks == 8
    _assert_identical(run_ensemble_distributed(client, ensemble, 8), ensemble.run())


def test_run_case_ensembles_through_dask_mapper_equal_serial_run(client, tmp_path):
    case = open_case(copy_case("linear", tmp_path), fast=True)
    serial = run_case(case, only=frozenset({"sde"}))
    distributed = run_case(case, only=frozenset({"sde"}), mapper=dask_mapper(client))
    assert serial.ensembles.keys() == distributed.ensembles.keys() == case.models.keys()
    for label in case.models:
        _assert_identical(distributed.ensembles[label], serial.ensembles[label])
    assert distributed.metrics == serial.metrics


def test_sweep_survives_a_worker_killed_mid_sweep(client, serial_sweep, tmp_path):
    case = copy_case("linear", tmp_path)
    pids = client.run(os.getpid)
    killed = []

    def kill_a_busy_worker(done, total):
        # after the first point is back, the workers are busy with the next ones
        if done == 1:
            busy = [address for address, keys in client.processing().items() if keys]
            assert busy, "no task left running to interrupt"
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(busy[0])

    rows = run_sweep(case, SWEEP, fast=True, only=SWEEP_ONLY, mapper=dask_mapper(client, kill_a_busy_worker))
    assert killed and killed[0] not in client.scheduler_info()["workers"]
    assert rows == serial_sweep


class _Interrupted(Exception):
    pass


def test_interrupted_sweep_resumes_without_recomputing_cached_points(client, serial_sweep, tmp_path):
    case = copy_case("linear", tmp_path)

    def interrupted_after_4_points(function, argument_tuples):
        # the first 4 points run on the cluster, then the sweep stops, as if killed
        yield from dask_mapper(client)(function, list(argument_tuples)[:4])
        raise _Interrupted

    with pytest.raises(_Interrupted):
        run_sweep(case, SWEEP, fast=True, only=SWEEP_ONLY, mapper=interrupted_after_4_points)
    assert len(list((case / "sweeps" / ".points").glob("*.json"))) == 4
    totals = []
    rows = run_sweep(case, SWEEP, fast=True, only=SWEEP_ONLY, mapper=dask_mapper(client, lambda done, total: totals.append(total)))
    assert set(totals) == {4}
    assert rows == serial_sweep


def test_cli_sweep_on_a_scheduler_address_equals_serial(client, serial_sweep, tmp_path):
    case = copy_case("linear", tmp_path)
    address = client.scheduler.address
    sets = ["--set", "models.gclm1.kappa=0:2:4", "--set", "temperature.gradient=0.2,0.4"]
    # relative case path: the workers' cwd is not the command's
    result = fpsolver_command("sweep", "linear", *sets, "--fast", "--quiet", "--scheduler", address, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(list((case / "sweeps" / ".points").glob("*.json"))) == 8
    assert run_sweep(case, SWEEP, fast=True, only=SWEEP_ONLY) == serial_sweep  # read back from the cache


def test_cli_run_on_dask_scheduler_address_variable_equals_serial(client, tmp_path):
    case = copy_case("linear", tmp_path)
    serial = run_case(open_case(case, fast=True), only=frozenset({"sde"}))
    environment = {**ENV, "DASK_SCHEDULER_ADDRESS": client.scheduler.address}
    client.get_task_stream()  # the scheduler records its task stream from the first request on
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-m", "fpsolver", "run", "linear", "--fast", "--only", "sde", "--json"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["linear"]["metrics"] == json.loads(json.dumps(serial.metrics))
    # the ensembles ran on the cluster: 8 checkpoint groups for each of the 3 models
    groups = [task for task in client.get_task_stream(start=started) if task["key"].startswith("_call-")]
    assert len(groups) == 3 * 8


def test_cli_rejects_workers_and_scheduler_together_in_one_line(tmp_path):
    copy_case("linear", tmp_path)
    result = fpsolver_command("sweep", "linear", "--set", "models.gclm1.kappa=1", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not both" in result.stderr


def test_open_client_needs_workers_or_a_scheduler(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with pytest.raises(ValueError, match="DASK_SCHEDULER_ADDRESS"):
        with open_client():
            pass
    with pytest.raises(ValueError, match="not both"):
        with open_client(workers=2, scheduler="tcp://127.0.0.1:8786"):
            pass


def test_missing_distributed_extra_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(DistributedUnavailableError, match=r"fpsolver\[distributed\]"):
        with open_client(workers=1):
            pass
