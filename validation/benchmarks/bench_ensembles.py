"""Benchmark: particle-steps per second of the fpsolver ensembles, side by side with numpy.

1. The main job (issue 15): Euler-Maruyama for the Ito model with D = T = 1 + 0.8 x^2
   on [0, 1], mirror walls, a 50-cell histogram accumulated every step after a burn-in
   of half the steps, 1e6 particles x 200 steps (dt = 1e-4): ``run_ensemble`` end to end
   against a plain numpy loop doing the same (``np.bincount`` for the histogram).
   Target: ratio >= 3.
2. The kernels on the same job for Euler, weak order 2 and inertial BAOAB (mass 0.1):
   the compiled kernel calls alone (every step of every chunk, no set-up), and
   ``run_chunks`` (set-up of streams, positions and accumulators, then the kernel
   calls; no merge), with every numba thread (wall time), and ``run_chunks`` with one
   thread per CPU-second (``time.process_time``; times the core count is the rate an
   idle machine would reach if both cores kept their one-core clock). Targets on an
   idle 2-core machine: 3e8, 1.5e8, 1e8.
3. ``fpsolver run cases/exponential`` wall time: first run with an empty numba cache
   (``NUMBA_CACHE_DIR`` set to a fresh folder: every kernel compiles) and warm.
   Targets: < 12 s first, < 8 s warm.
4. Wall time until the weak-2 histogram of T = exp(-x/0.8) on [-1, 1] reaches
   L1 <= 0.01 to the exact steady state, doubling the particle count until it does.

Every line prints the load average: on a shared machine the timings are noisy, and only
ratios measured in the same run are comparable. Each timing is the best of ``REPEATS``
runs (the least disturbed one).

Run: python validation/benchmarks/bench_ensembles.py [--skip-case]
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

import fpsolver
from fpsolver import compare, meshes, profiles
from fpsolver.ensembles import InertialEnsemble, OverdampedEnsemble, run_ensemble

N, STEPS, DT, CELLS = 1_000_000, 200, 1e-4, 50
REPEATS = 3
ROOT = Path(__file__).resolve().parents[2]


def load() -> str:
    return f"(load {os.getloadavg()[0]:.2f})"


def job_model():
    return fpsolver.Ito(profiles.formula("1 + 0.8*x**2")), meshes.uniform(0.0, 1.0, CELLS)


def job_options(scheme: str) -> dict:
    return dict(scheme=scheme, burn_in=STEPS // 2 * DT, sample_interval=DT, seed=1)


def numpy_job(n: int) -> np.ndarray:
    """The main job in plain numpy: Euler-Maruyama, mirror walls, histogram after burn-in."""
    rng = np.random.default_rng(1)
    x = (np.arange(n) + 0.5) / n
    counts = np.zeros(CELLS, dtype=np.int64)
    for step in range(STEPS):
        x = x + np.sqrt(2.0 * (1.0 + 0.8 * x * x) * DT) * rng.standard_normal(n)
        x = np.where(x < 0.0, -x, x)
        x = np.where(x > 1.0, 2.0 - x, x)
        if step >= STEPS // 2:
            counts += np.bincount(np.minimum((x * CELLS).astype(np.int64), CELLS - 1), minlength=CELLS)
    return counts


def best_time(prepare, clock=time.perf_counter) -> float:
    """The shortest of ``REPEATS`` timings: each time ``prepare()`` (not timed) returns the call to time."""
    times = []
    for _ in range(REPEATS):
        call = prepare()
        start = clock()
        call()
        times.append(clock() - start)
    return min(times)


def main_job() -> None:
    model, mesh = job_model()
    run_ensemble(model, mesh, 4096, DT, STEPS * DT, **job_options("euler"))  # compile / load cache
    fpsolver_time = best_time(lambda: lambda: run_ensemble(model, mesh, N, DT, STEPS * DT, **job_options("euler")))
    print(f"main job, fpsolver run_ensemble end to end: {N * STEPS / fpsolver_time:.3e} particle-steps/s ({fpsolver_time:.2f} s) {load()}")
    numpy_time = best_time(lambda: lambda: numpy_job(N))
    print(f"main job, numpy loop                      : {N * STEPS / numpy_time:.3e} particle-steps/s ({numpy_time:.2f} s) {load()}")
    print(f"ratio fpsolver / numpy: {numpy_time / fpsolver_time:.2f}x (target >= 3)")


def kernel_calls(ensemble):
    """The call that runs every step of every chunk of ``ensemble``, set up (untimed) first."""
    advance, _, particles = ensemble._start(ensemble.setup.chunk_indices(None))
    return lambda: ensemble.setup.run_blocks(advance, particles, None)


def kernels() -> None:
    model, mesh = job_model()
    makers = {
        "euler": (3e8, lambda n: OverdampedEnsemble(model, mesh, n, DT, STEPS * DT, **job_options("euler"))),
        "weak2": (1.5e8, lambda n: OverdampedEnsemble(model, mesh, n, DT, STEPS * DT, **job_options("weak2"))),
        "baoab": (1e8, lambda n: InertialEnsemble(model, mesh, n, DT, STEPS * DT, mass=0.1, burn_in=STEPS // 2 * DT, sample_interval=DT, seed=1)),
    }
    threads, cores = numba.get_num_threads(), os.cpu_count() or 1
    for label, (target, make) in makers.items():
        make(4096).run_chunks()
        kernel = N * STEPS / best_time(lambda make=make: kernel_calls(make(N)))
        wall = N * STEPS / best_time(lambda make=make: make(N).run_chunks)
        numba.set_num_threads(1)
        per_core = N // 4 * STEPS / best_time(lambda make=make: make(N // 4).run_chunks, time.process_time)
        numba.set_num_threads(threads)
        print(
            f"kernel {label}: kernel calls {kernel:.3e} particle-steps/s wall, run_chunks {wall:.3e} ({threads} threads); "
            f"run_chunks {per_core:.3e} per CPU-second, x {cores} cores = {per_core * cores:.3e} (target {target:.1e}) {load()}"
        )


def case_times() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "MPLBACKEND": "agg"}
        for label in ("first run (empty numba cache)", "warm run"):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "fpsolver", "run", "cases/exponential", "-q"], cwd=ROOT, env=env, check=True)
            print(f"fpsolver run cases/exponential, {label}: {time.perf_counter() - start:.1f} s {load()}")


def l1_search() -> None:
    model = fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8))
    mesh = meshes.uniform(-1.0, 1.0, 50)
    reference = compare.cell_averages(model, mesh)
    particles = 20_000
    while True:
        start = time.perf_counter()
        result = run_ensemble(model, mesh, particles, 2e-3, 8.0, scheme="weak2", burn_in=5.0, seed=2, sample_interval=0.02)
        elapsed = time.perf_counter() - start
        l1 = compare.l1_distance(result.P, reference, result.volumes)
        print(f"weak2, dt 2e-3, t 8 (burn-in 5), {particles} particles: L1 = {l1:.4f}, wall time {elapsed:.2f} s {load()}")
        if l1 <= 0.01 or particles > 1_000_000:
            break
        particles *= 2


def main() -> None:
    print(f"numba {numba.__version__}, threads {numba.get_num_threads()}, cores {os.cpu_count()} {load()}")
    main_job()
    kernels()
    if "--skip-case" not in sys.argv:
        case_times()
    l1_search()


if __name__ == "__main__":
    main()
