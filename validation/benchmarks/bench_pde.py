"""Steady-state PDE benchmark: coefficient construction, FiPy steady solve and exact
quadrature, per model, for N = 1e3 ... 1e6 cells, measured side by side in one run.

Run:  OMP_NUM_THREADS=1 python validation/benchmarks/bench_pde.py [--max-cells 1000000]

Columns: coefficient construction (face coefficients + the Gauss-Legendre integrals of
A/D for the exact face velocities), the full ``solve_steady`` (coefficients, FiPy
assembly, sparse LU), the exact zero-flux quadrature (``exact.steady_state``), their
ratio, and the L1 distance between the two. For GCLM2 a second block shows the
auxiliary-grid convolution alone with aux_points = 4N + 1, to exhibit its N log N
scaling (the default auxiliary grid depends on sigma, not on N).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import fpsolver  # noqa: E402
from fpsolver import exact, meshes, profiles  # noqa: E402


def best_of(repeats: int, function) -> tuple[float, object]:
    best, value = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


def models(profile):
    return {
        "ito": lambda: fpsolver.Ito(profile),
        "gclm1": lambda: fpsolver.GCLM1(profile, kappa=0.5, alpha_tilde=1e-3),
        "gclm2": lambda: fpsolver.GCLM2(profile, sigma=0.2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-cells", type=int, default=1_000_000)
    args = parser.parse_args()
    profile = profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.1, width=0.1)
    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.max_cells]
    print(f"fpsolver {fpsolver.__version__}, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, tanh profile on [-1, 1]")
    print(f"{'model':6} {'cells':>8} {'coeffs [s]':>11} {'steady [s]':>11} {'exact [s]':>10} {'steady/exact':>13} {'L1 diff':>9}")
    for name, build in models(profile).items():
        for n in sizes:
            mesh = meshes.uniform(-1.0, 1.0, n)
            domain = meshes.extent(mesh)
            x, x_faces = meshes.cell_centers(mesh), np.asarray(mesh.faceCenters.value[0])
            repeats = 3 if n <= 100_000 else 1

            def coefficients():
                model = build()
                model.coefficients(x_faces, domain)
                return model.drift_over_diffusion_integral(x, domain)

            t_coeff, _ = best_of(repeats, coefficients)
            t_steady, steady = best_of(repeats, lambda: fpsolver.solve_steady(build(), mesh))
            t_exact, reference = best_of(repeats, lambda: exact.steady_state(build(), mesh))
            l1 = np.sum(np.abs(steady.P - reference) * steady.volumes)
            print(f"{name:6} {n:8d} {t_coeff:11.4f} {t_steady:11.4f} {t_exact:10.4f} {t_steady / t_exact:13.2f} {l1:9.1e}")
    print("\nGCLM2 auxiliary-grid convolutions alone (5 kernels x 2 integrands, FFT), aux_points = 4N + 1:")
    print(f"{'N':>8} {'time [s]':>9} {'time / (N log2 N) [ns]':>24}")
    for n in sizes:
        mesh = meshes.uniform(-1.0, 1.0, n)
        domain = meshes.extent(mesh)
        t, _ = best_of(3 if n <= 100_000 else 1, lambda: fpsolver.GCLM2(profile, sigma=0.2, aux_points=4 * n + 1)._convolutions(domain))
        print(f"{n:8d} {t:9.4f} {1e9 * t / (n * np.log2(n)):24.2f}")


if __name__ == "__main__":
    main()
