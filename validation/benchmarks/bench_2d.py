"""Benchmark: 2D steady solve of 250 000 cells (500 x 500 Grid2D).

Problem: Ito model, gaussian hot spot with a harmonic trap,
T = 1 + 2 exp(-((x - 0.2)^2 + y^2) / (2 0.3^2)), V = (x^2 + y^2)/2 on [-1, 1]^2,
reflecting walls, exact face velocities (16-point segment quadrature). A/D is not a
gradient here, so the solve is a genuine non-equilibrium steady state. Prints the
times of the coefficient evaluation (face velocities), FiPy's matrix assembly and
the pinned sparse solve, and checks sum(P V) = 1 and the residual.

Run: OMP_NUM_THREADS=1 python validation/benchmarks/bench_2d.py [cells_per_axis]
"""

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import fipy  # noqa: E402
import numpy as np  # noqa: E402

import fpsolver.pde.operator as discretization  # noqa: E402
from fpsolver import geometry, geometry_fields  # noqa: E402
from fpsolver.models import Ito  # noqa: E402
from fpsolver.pde.steady import stationary_density  # noqa: E402


def main(cells: int = 500) -> None:
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (cells, cells))
    profile = geometry_fields.formula("1 + 2*exp(-((x - 0.2)**2 + y**2)/(2*0.3**2))")
    potential = geometry_fields.potential_formula("(x**2 + y**2)/2")
    model = Ito(profile, potential=potential)

    # coefficients: the model's A, D at faces and cells plus the exact-face segment
    # quadrature, timed on their own (build_operator repeats this work, then assembles)
    start = time.perf_counter()
    domain = geometry.bounding_box(mesh)
    points = geometry.cell_points(mesh)
    model.coefficients(geometry.face_points(mesh), domain)
    model.coefficients(points, domain)
    cells_of_faces = np.asarray(mesh.faceCellIDs.data)[:, np.asarray(mesh.interiorFaces.value)]
    discretization._segment_exponent(model, points, cells_of_faces[0], cells_of_faces[1], domain, order=16)
    coefficients = time.perf_counter() - start

    start = time.perf_counter()
    operator = discretization.build_operator(model, mesh)
    build = time.perf_counter() - start

    start = time.perf_counter()
    P, residual = stationary_density(operator)
    solve = time.perf_counter() - start

    print(f"fpsolver 2D steady benchmark: {mesh.numberOfCells} cells ({cells} x {cells}), FiPy {fipy.__version__}")
    print(f"  coefficients + exact face velocities (16-point segment quadrature): {coefficients:.2f} s")
    print(f"  FiPy assembly (build_operator minus the above): {build - coefficients:.2f} s")
    print(f"  pinned sparse solve (SuperLU, COLAMD): {solve:.2f} s")
    print(f"  total (build_operator + solve): {build + solve:.2f} s   (target < 10 s)")
    print(f"  mass sum(P V) = {np.sum(P * operator.volumes):.15f}, min P = {P.min():.3e}, relative residual = {residual:.2e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
