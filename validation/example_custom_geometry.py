"""Worked example: fpsolver on a custom 2D geometry (mesh, profile, model, solve, plot).

A Brownian particle in a square box [-1, 1]^2 with a circular obstacle, heated by a
hot spot to the right of the obstacle; gCLm-I model (thermophoretic force
-kappa grad T, friction from the Laplacian of T); reflecting walls everywhere,
including the obstacle. Runs in a few seconds and writes
validation/figures/geometry_custom_example.png.

Run: python validation/example_custom_geometry.py [output.png]   (needs `pip install gmsh`)
"""

import sys
from pathlib import Path

import fipy
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.tri import Triangulation  # noqa: E402

from fpsolver import geometry_fields  # noqa: E402
from fpsolver.models import GCLM1  # noqa: E402
from fpsolver.pde.steady import solve_steady  # noqa: E402

# 1. Mesh: any FiPy mesh works (Grid2D, CylindricalGrid2D, Gmsh2D, ...). Here Gmsh
#    meshes a box with a hole of radius 0.3 at (-0.2, 0) from .geo text.
GEO = """
h = 0.04;
Point(1) = {-1, -1, 0, h}; Point(2) = {1, -1, 0, h}; Point(3) = {1, 1, 0, h}; Point(4) = {-1, 1, 0, h};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Point(5) = {-0.2, 0, 0, h}; Point(6) = {0.1, 0, 0, h}; Point(7) = {-0.5, 0, 0, h};
Circle(5) = {6, 5, 7}; Circle(6) = {7, 5, 6};
Curve Loop(1) = {1, 2, 3, 4}; Curve Loop(2) = {5, 6};
Plane Surface(1) = {1, 2};
"""
mesh = fipy.Gmsh2D(GEO)

# 2. Temperature field T(x, y): a formula in x and y (parsed safely, derivatives
#    symbolic). geometry_fields.tabulated_grid("T.npz") reads measured data instead.
profile = geometry_fields.formula("1 + 2*exp(-((x - 0.5)**2 + y**2)/(2*w**2))", w=0.25)

# 3. Model: gCLm-I in 2D, eta_eff = eta (1 - alpha_tilde lap T), A = kappa grad T / eta_eff.
model = GCLM1(profile, kappa=0.5, alpha_tilde=0.005, T0=1.0)

# 4. Zero-flux steady state, normalised to sum(P * cell area) = 1.
steady = solve_steady(model, mesh)
print(f"{mesh.numberOfCells} cells, mass {steady.mass:.12f}, <r> = {steady.mean.round(4)}, residual {steady.metadata['relative_residual']:.1e}")

# 5. Plot T and P on the cell centres (triangles inside the obstacle are masked).
x, y = steady.points
triangulation = Triangulation(x, y)
middle_x, middle_y = x[triangulation.triangles].mean(axis=1), y[triangulation.triangles].mean(axis=1)
triangulation.set_mask(np.hypot(middle_x + 0.2, middle_y) < 0.31)
figure, axes = plt.subplots(1, 2, figsize=(9, 4), constrained_layout=True)
for ax, values, title in [(axes[0], profile.T(steady.points), "temperature T(x, y)"), (axes[1], steady.P, "steady density P(x, y)")]:
    image = ax.tripcolor(triangulation, values, shading="gouraud", cmap="inferno")
    figure.colorbar(image, ax=ax)
    ax.set(title=title, xlabel="x", ylabel="y", aspect="equal")
default = Path(__file__).resolve().parent / "figures" / "geometry_custom_example.png"
output = Path(sys.argv[1]) if len(sys.argv) > 1 else default
output.parent.mkdir(parents=True, exist_ok=True)
figure.savefig(output, dpi=120)
print(f"wrote {output}")
