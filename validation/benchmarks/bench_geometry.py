"""Benchmark: large steady solves in 2D and 3D (issue 14 targets).

* 3D: 100^3 cells (Grid3D on [-1, 1]^3), target < 60 s and < 8 GiB;
* 2D: 1000 x 1000 cells (Grid2D on [-1, 1]^2), target < 30 s.

Problem: gCLm-I with a Gaussian hot spot, T = 1 + exp(-|r - r0|^2 / 0.3), kappa = 0.5,
alpha_tilde = 0.01 (so eta_eff varies and A/D is not a gradient: a genuine non-equilibrium
steady state), reflecting walls, exact face velocities. Each size runs in its own
process so that its peak memory (``resource.getrusage``, max resident set) is its own.
Both linear solvers are timed side by side on the 3D problem ("direct" = SuperLU,
"iterative" = pyamg multigrid + GMRES; "auto" picks the latter above 20 000 3D cells
and 250 000 2D cells),
on a smaller grid for SuperLU, whose 3D fill-in makes 100^3 impractical. The 3D cube runs
with the default 16 and with 8 Gauss points per face for the exact face velocities (the
coefficient quadrature is most of the time; 8 points are still spectrally accurate on
cells this small). Timings are
noisy on a shared machine: compare ratios within one run.

Run: OMP_NUM_THREADS=1 python validation/benchmarks/bench_geometry.py [--fast]
(``--fast``: 40^3 and 300^2, for a quick check).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def solve(dimension: int, cells: int, linear_solver: str, quadrature_order: int = 16) -> dict[str, float]:
    """One steady solve in this process: wall times of setup and solve, peak memory, checks."""
    import numpy as np

    import fpsolver
    from fpsolver import meshes
    from fpsolver.fields import nd

    started = time.perf_counter()
    mesh = meshes.grid((-1.0,) * dimension, (1.0,) * dimension, (cells,) * dimension)
    centre = "(x - 0.2)**2 + y**2" + (" + (z + 0.1)**2" if dimension == 3 else "")
    model = fpsolver.GCLM1(nd.formula(f"1 + exp(-({centre})/0.3)", dimension=dimension), kappa=0.5, alpha_tilde=0.01, T0=1.0)
    meshed = time.perf_counter()
    steady = fpsolver.solve_steady(model, mesh, linear_solver=linear_solver, quadrature_order=quadrature_order)
    solved = time.perf_counter()
    return {
        "dimension": dimension,
        "cells": int(cells**dimension),
        "linear_solver": steady.metadata["linear_solver"],
        "quadrature_order": quadrature_order,
        "mesh_s": meshed - started,
        "solve_s": solved - meshed,
        "total_s": solved - started,
        "peak_GiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 2**30,
        "mass_error": abs(steady.mass - 1.0),
        "relative_residual": steady.metadata["relative_residual"],
        "min_P": float(np.min(steady.P)),
    }


def run(dimension: int, cells: int, linear_solver: str, quadrature_order: int = 16) -> dict[str, float]:
    """:func:`solve` in a fresh process (its own peak memory)."""
    command = [sys.executable, __file__, "--one", str(dimension), str(cells), linear_solver, str(quadrature_order)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(fast: bool) -> None:
    cube, square, small_cube = (40, 300, 20) if fast else (100, 1000, 30)
    rows = [
        (run(3, small_cube, "direct"), None),
        (run(3, small_cube, "iterative"), None),
        (run(3, cube, "auto"), (60.0, 8.0)),
        (run(3, cube, "auto", 8), (60.0, 8.0)),
        (run(2, square, "auto"), (30.0, None)),
    ]
    print(f"{'dim':>3} {'cells':>9} {'solver':>9} {'order':>5} {'mesh s':>7} {'solve s':>8} {'total s':>8} {'peak GiB':>8} {'|mass-1|':>9} {'residual':>9}  target")
    for row, target in rows:
        verdict = ""
        if target is not None:
            seconds, memory = target
            ok = row["total_s"] < seconds and (memory is None or row["peak_GiB"] < memory)
            verdict = f"< {seconds:g} s" + (f", < {memory:g} GiB" if memory else "") + (": PASS" if ok else ": FAIL")
        print(
            f"{row['dimension']:>3} {row['cells']:>9} {row['linear_solver']:>9} {row['quadrature_order']:>5} {row['mesh_s']:7.2f} {row['solve_s']:8.2f} {row['total_s']:8.2f} "
            f"{row['peak_GiB']:8.2f} {row['mass_error']:9.1e} {row['relative_residual']:9.1e}  {verdict}"
        )
    direct, iterative = rows[0][0], rows[1][0]
    print(f"3D {small_cube}^3: SuperLU / multigrid solve time = {direct['solve_s'] / iterative['solve_s']:.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--one":
        print(json.dumps(solve(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))))
    else:
        main("--fast" in sys.argv)
