"""Benchmark: particle-steps per second of the 2D and 3D overdamped ensembles.

The job: Ito model with T = 1 + 0.5 exp(-(x^2 + y^2)) (and z^2 in 3D) in the harmonic
trap V = r^2/2 on the box [-3, 3]^d with mirror walls, a 24^d (2D) or 12^3 (3D)
cell histogram sampled every 10 steps after a burn-in of half the steps, 2^20
particles x 100 steps (dt = 1e-3), run through ``OverdampedEnsembleND.run_chunks``
(stepping and histograms, no merge) for Euler-Maruyama and weak order 2:

* with every numba thread: particle-steps per wall second;
* with one thread: particle-steps per CPU-second (``time.process_time``); times the
  core count this is the rate an idle machine reaches.

Target (issue 14): >= 5e7 particle-steps/s in 2D (Euler-Maruyama) on the 2-core
machine, i.e. >= 2.5e7 per CPU-second. Every line prints the load average: on a shared
machine wall times are noisy, CPU-seconds less so.

Run: python validation/benchmarks/bench_ensembles_nd.py
"""

import os
import time

import numba

from fpsolver import geometry, geometry_fields
from fpsolver.ensembles import OverdampedEnsembleND
from fpsolver.ensembles.overdamped_nd import Box, cartesian_bins
from fpsolver.models import Ito

N, STEPS, DT = 2**20, 100, 1e-3


def load() -> str:
    return f"(load {os.getloadavg()[0]:.2f})"


def job(dim: int, scheme: str, n: int) -> OverdampedEnsembleND:
    squares = " + ".join(f"{axis}**2" for axis in "xyz"[:dim])
    model = Ito(geometry_fields.formula(f"1 + 0.5*exp(-({squares}))", dimension=dim), potential=geometry_fields.potential_formula(f"({squares})/2", dimension=dim))
    mesh = geometry.grid((-3.0,) * dim, (3.0,) * dim, (24,) * dim if dim == 2 else (12,) * 3)
    return OverdampedEnsembleND(model, Box.from_mesh(mesh), n, DT, STEPS * DT, bins=cartesian_bins(mesh), scheme=scheme, burn_in=STEPS // 2 * DT, sample_interval=10 * DT, seed=1)


def main() -> None:
    threads = numba.get_num_threads()
    print(f"{N} particles x {STEPS} steps, {threads} numba threads {load()}")
    for dim in (2, 3):
        for scheme in ("euler", "weak2"):
            job(dim, scheme, 4096).run_chunks()  # compile / load the cache
            ensemble = job(dim, scheme, N)
            start = time.perf_counter()
            ensemble.run_chunks()
            wall = time.perf_counter() - start
            numba.set_num_threads(1)
            try:
                cpu = time.process_time()
                ensemble.run_chunks()
                cpu = time.process_time() - cpu
            finally:
                numba.set_num_threads(threads)
            rate, per_cpu = N * STEPS / wall, N * STEPS / cpu
            target = f", target 5e7 ({rate / 5e7:.2f}x wall, {threads * per_cpu / 5e7:.2f}x idle {threads} cores)" if (dim, scheme) == (2, "euler") else ""
            print(f"{dim}D {scheme:5s}: {rate:.3e} particle-steps/s wall, {per_cpu:.3e} per CPU-second{target} {load()}")


if __name__ == "__main__":
    main()
