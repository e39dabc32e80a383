"""Benchmark: ``fpsolver run CASE`` with an empty numba cache (first run) and again with the
cache it filled (warm run), for every shipped case or the ones named.

Each run is a fresh process (interpreter start, imports, compilation where the cache is
cold, the case's stages, writing) on a temporary copy of the case, with
``NUMBA_CACHE_DIR`` set to a new empty folder for the first run and kept for the warm
run, so no case profits from another's compiled kernels. Every line prints the load
average beside the times: on a shared machine compare ratios measured side by side.

Targets (issue 25): first run under 30 s and at most 3x the warm run for every case;
``cases/exponential`` under 8 s first and under 4 s warm.

Run: python validation/benchmarks/bench_first_run.py [CASE_NAME ...]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "cases"


def load() -> str:
    return f"(load {os.getloadavg()[0]:.2f})"


def fpsolver_command() -> list[str]:
    script = shutil.which("fpsolver", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "fpsolver"]


def timed_run(case: Path, cache: Path) -> float:
    """Wall seconds of one ``fpsolver run CASE -q`` with numba's cache in ``cache``."""
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([*fpsolver_command(), "run", str(case), "-q"], check=True, env=environment, capture_output=True)
    return time.perf_counter() - start


def main(names: list[str]) -> None:
    names = names or sorted(p.parent.name for p in CASES.glob("*/case.toml"))
    print(f"{'case':26s} {'first s':>8s} {'warm s':>8s} {'ratio':>6s}  targets: first < 30 s, ratio <= 3")
    for name in names:
        with tempfile.TemporaryDirectory(prefix="first-run-") as scratch:
            case = shutil.copytree(CASES / name, Path(scratch) / name)
            cache = Path(scratch) / "numba-cache"
            before = load()
            first = timed_run(case, cache)
            shutil.rmtree(case / "results", ignore_errors=True)
            warm = timed_run(case, cache)
            print(f"{name:26s} {first:8.1f} {warm:8.1f} {first / warm:6.2f}  {before} -> {load()}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
