"""
A custom 2D geometry
====================

Any FiPy mesh works: 2D and 3D grids (graded per axis), cylindrical (r, z) grids and
Gmsh meshes. Temperatures and potentials are formulas in x, y, z. Here: a particle in
a square box with a hot spot off-centre, solved for its zero-flux steady state with
gCLm-I (whose friction follows the Laplacian of T in 2D).
"""

# %%
import matplotlib.pyplot as plt

import fpsolver
from fpsolver import geometry, geometry_fields

mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (40, 40))
profile = geometry_fields.formula("1 + 2*exp(-((x - 0.4)**2 + y**2)/(2*w**2))", w=0.3)
model = fpsolver.GCLM1(profile, kappa=0.5, alpha_tilde=0.005, T0=1.0)
steady = fpsolver.solve_steady(model, mesh)
print(f"{mesh.numberOfCells} cells, mass {steady.mass:.12f}, mean position {steady.mean}")

# %%
# The density on the cell centres: the particle avoids the hot spot.
x, y = steady.points
shape = (40, 40)
figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4), layout="constrained")
image = left.pcolormesh(x.reshape(shape), y.reshape(shape), profile.T(steady.points).reshape(shape), shading="auto")
figure.colorbar(image, ax=left)
left.set(title="T(x, y)", aspect="equal")
image = right.pcolormesh(x.reshape(shape), y.reshape(shape), steady.P.reshape(shape), shading="auto")
figure.colorbar(image, ax=right)
right.set(title="steady P(x, y)", aspect="equal")
plt.show()

# %%
# A Gmsh geometry (a box with a circular obstacle, the shipped case ``obstacle-box``)
# goes the same way with ``mesh = fpsolver.geometry.gmsh_mesh("box.geo")``; case files
# take ``[mesh] kind = "grid"``, ``"cylindrical"`` or ``"gmsh"``.
