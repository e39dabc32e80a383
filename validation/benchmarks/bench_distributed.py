"""Benchmark: a 16-point sweep, serially and on a 2-worker Dask LocalCluster.

Two workloads on the shipped ``linear`` case, each sweeping ``models.gclm1.kappa``
over 16 values in [0, 2] (about 1-2 s a point):

* ``pde``: steady and transient PDE of the three models on 1000 cells, 5000 time
  steps (``pde.transient = true``, ``pde.dt = 2e-4``): FiPy work, one core.
* ``pde+sde``: --fast sizes, the PDE and the overdamped ensembles of the three
  models. The serial sweep already spreads the ensemble kernels over every core
  (numba threads), so the cluster can only gain on the rest of the point.

Every sweep starts from an empty point cache (its own copy of the case); serial
and distributed runs of a workload follow each other in the same process.
Excluded from the timings, and said so in the output: starting the cluster, and a
warm-up point of each workload (a kappa outside the sweep) run once in this process
and once on each worker, so that imports and numba's cached kernels are loaded.
The serial sweep runs as ``fpsolver sweep`` does without a cluster; each worker is
one process with one thread (numba limited to one thread), so 2 workers use the 2
cores. The distributed rows are checked to equal the serial ones exactly. Other
processes on the machine distort the timings: the load average is printed.

Run: python validation/benchmarks/bench_distributed.py [points] [workers]
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import tomllib

from fpsolver.cases.distributed import dask_mapper, open_client
from fpsolver.cases.sweep import evaluate_point, parse_assignment, run_sweep

CASE = Path(__file__).resolve().parents[2] / "cases" / "linear"
WORKLOADS = {
    # name: (fixed overrides, --fast, stages)
    "pde": ({"pde.transient": True, "pde.dt": 2e-4, "mesh.cells": 1000}, False, frozenset({"pde"})),
    "pde+sde": ({}, True, frozenset({"pde", "sde"})),
}
WARM_UP = {"models.gclm1.kappa": 3.0}  # outside the swept [0, 2]


def _copy(root: Path, name: str) -> Path:
    target = root / name
    shutil.copytree(CASE, target, ignore=shutil.ignore_patterns("results", "sweeps", ".checkpoint", ".lock"))
    return target


def _warm_up(case: Path, overrides: dict, fast: bool, stages: frozenset[str]) -> None:
    data = tomllib.loads((case / "case.toml").read_text())
    evaluate_point(str(case), data, {**overrides, **WARM_UP}, fast, stages)


def _timed_sweeps(client, root: Path, name: str, n_points: int) -> tuple[float, float, bool]:
    """Serial and distributed wall times of one workload, and whether the rows agree."""
    overrides, fast, stages = WORKLOADS[name]
    assignments = [parse_assignment(f"{key}={value}") for key, value in overrides.items()]
    assignments.append(parse_assignment(f"models.gclm1.kappa=0:2:{n_points}"))
    warm, serial_case, distributed_case = (_copy(root, f"{name}-{role}") for role in ("warm", "serial", "distributed"))
    _warm_up(warm, overrides, fast, stages)
    client.run(_warm_up, warm, overrides, fast, stages)

    start = time.perf_counter()
    serial = run_sweep(serial_case, assignments, fast=fast, only=stages)
    serial_time = time.perf_counter() - start
    start = time.perf_counter()
    distributed = run_sweep(distributed_case, assignments, fast=fast, only=stages, mapper=dask_mapper(client))
    return serial_time, time.perf_counter() - start, distributed == serial


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def main(n_points: int = 16, workers: int = 2) -> None:
    print(f"fpsolver distributed sweep benchmark: {n_points}-point sweeps of cases/linear, {os.cpu_count()} cores, {workers} workers")
    print(f"  before: {_load()}")
    with tempfile.TemporaryDirectory() as directory, open_client(workers=workers) as client:
        client.wait_for_workers(workers)
        print("  excluded from timings: cluster start; per workload one warm-up point here and on each worker")
        for name in WORKLOADS:
            serial_time, distributed_time, identical = _timed_sweeps(client, Path(directory), name, n_points)
            print(
                f"  {name:8s} serial {serial_time:6.2f} s ({serial_time / n_points:.2f} s a point), "
                f"{workers} workers {distributed_time:6.2f} s, speed-up {serial_time / distributed_time:.2f}x "
                f"(target >= 1.7x), rows identical: {identical}"
            )
    print(f"  after: {_load()}")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
