"""Benchmark: particle-steps per second of the fpsolver kernel vs a vectorised numpy loop.

Problem: Ito model, T = exp(-x/0.8) on [-1, 1], reflecting walls, 1e6 particles,
Euler-Maruyama, dt = 1e-3. The numpy loop does the same work per step
(interpolated coefficients, Gaussian increment, mirror walls); both are timed
without histogram sampling (burn-in = whole run) and fpsolver also with
sampling every step. Then: wall time until the histogram of the weak-2 ensemble
reaches L1 <= 0.01 to the exact steady state (50 cells), starting from uniform
positions, doubling the particle count until it does.

Run: python validation/benchmarks/bench_ensembles.py (leave OMP_NUM_THREADS
unset for numba; NUMBA_NUM_THREADS defaults to the core count).
"""

import os
import time

import numba
import numpy as np

import fpsolver
from fpsolver import compare, meshes, profiles
from fpsolver.ensembles import OverdampedEnsemble, OverdampedOptions, run_ensemble
from fpsolver.ensembles._tables import overdamped_table

N = 1_000_000
DT = 1e-3


def numpy_euler(table, x, steps, rng):
    grid = table.grid
    a_col, b_col = table.values[:, 0], table.values[:, 1]
    lo, hi = grid[0], grid[-1]
    sqrt_dt = np.sqrt(DT)
    for _ in range(steps):
        x = x + np.interp(x, grid, a_col) * DT + np.interp(x, grid, b_col) * sqrt_dt * rng.standard_normal(x.size)
        x = np.where(x < lo, 2 * lo - x, x)
        x = np.where(x > hi, 2 * hi - x, x)
    return x


def main():
    model = fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8))
    mesh = meshes.uniform(-1.0, 1.0, 50)
    print(f"numba {numba.__version__}, threads {numba.get_num_threads()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, cores {os.cpu_count()}")
    run_ensemble(model, mesh, 2048, DT, 0.01, scheme="euler", seed=0)  # compile / load cache
    run_ensemble(model, mesh, 2048, DT, 0.01, scheme="weak2", seed=0)

    rates = {}
    for label, scheme, burn in (("euler, no sampling", "euler", 0.2 - DT), ("euler, histogram every step", "euler", 0.0), ("weak2, no sampling", "weak2", 0.2 - DT)):
        steps = 200
        start = time.perf_counter()
        run_ensemble(model, mesh, N, DT, steps * DT, scheme=scheme, burn_in=burn, seed=1, sample_interval=DT)
        elapsed = time.perf_counter() - start
        rates[label] = N * steps / elapsed
        print(f"fpsolver {label:28s}: {rates[label]:.3e} particle-steps/s ({elapsed:.2f} s for {N * steps:.1e}, end to end)")

    # the kernel alone (run_chunks: stepping, no setup or merge), like the numpy loop below
    steps = 200
    ensemble = OverdampedEnsemble(model, mesh, N, DT, steps * DT, scheme="euler", burn_in=(steps - 1) * DT, seed=1, sample_interval=DT)
    start = time.perf_counter()
    ensemble.run_chunks()
    elapsed = time.perf_counter() - start
    rates["euler kernel"] = N * steps / elapsed
    print(f"fpsolver euler kernel (run_chunks)   : {rates['euler kernel']:.3e} particle-steps/s ({elapsed:.2f} s for {N * steps:.1e})")

    table = overdamped_table(model, (-1.0, 1.0), OverdampedOptions().table_points)
    rng = np.random.default_rng(1)
    x = np.linspace(-1, 1, N)
    steps = 20
    start = time.perf_counter()
    numpy_euler(table, x, steps, rng)
    elapsed = time.perf_counter() - start
    numpy_rate = N * steps / elapsed
    print(f"numpy vectorised Euler-Maruyama     : {numpy_rate:.3e} particle-steps/s ({elapsed:.2f} s for {N * steps:.1e})")
    print(f"ratio fpsolver euler kernel / numpy: {rates['euler kernel'] / numpy_rate:.1f}x (end to end: {rates['euler, no sampling'] / numpy_rate:.1f}x)")
    print(f"target 2e8 particle-steps/s (kernel): {'met' if rates['euler kernel'] >= 2e8 else 'NOT met'}")

    reference = compare.cell_averages(model, mesh)
    particles = 20_000
    while True:
        start = time.perf_counter()
        result = run_ensemble(model, mesh, particles, 2e-3, 8.0, scheme="weak2", burn_in=5.0, seed=2, sample_interval=0.02)
        elapsed = time.perf_counter() - start
        l1 = compare.l1_distance(result.density, reference, result.volumes)
        print(f"weak2, dt 2e-3, t 8 (burn-in 5), {particles} particles: L1 = {l1:.4f}, wall time {elapsed:.2f} s")
        if l1 <= 0.01 or particles > 1_000_000:
            break
        particles *= 2


if __name__ == "__main__":
    main()
