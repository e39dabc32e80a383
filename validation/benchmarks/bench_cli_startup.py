"""Benchmark: wall time of the light commands, ``fpsolver --help`` and ``fpsolver show cases/exponential``.

Each command runs in a fresh process (interpreter start, imports, the command and
exit) ``repeats`` times; prints the median and the fastest run. The command is the
``fpsolver`` script next to this Python if there is one, else ``python -m fpsolver``.
Neither command needs FiPy or numba (tests/test_imports.py checks that they are not
loaded), so the time is Python, typer, rich, pydantic and the case schema.

Run: python validation/benchmarks/bench_cli_startup.py [repeats]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {"fpsolver --help": ["--help"], "fpsolver show cases/exponential": ["show", str(ROOT / "cases" / "exponential")]}


def fpsolver_command() -> list[str]:
    script = shutil.which("fpsolver", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "fpsolver"]


def wall_times(command: list[str], repeats: int) -> list[float]:
    """Seconds of ``repeats`` runs of ``command``; raises CalledProcessError if one fails."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main(repeats: int = 5) -> None:
    base = fpsolver_command()
    print(f"command: {' '.join(base)}  ({repeats} runs each)")
    for label, arguments in COMMANDS.items():
        times = wall_times([*base, *arguments], repeats)
        print(f"{label:<34} median {statistics.median(times):.3f} s   fastest {min(times):.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
