"""The FiPy finite-volume discretisation of the canonical Fokker-Planck form.

    dP/dt = div( D grad P ) + div( u P ),   u = A + grad D        (PHYSICS.md section 1)

assembled by FiPy as ``DiffusionTerm(coeff=D) + ExponentialConvectionTerm(coeff=u)``
(Scharfetter-Gummel exponential fitting). The assembled sparse matrix M is the
volume-integrated generator, d(V_i P_i)/dt = (M P)_i; its columns sum to zero for
reflecting walls, so probability is conserved to round-off.

Face velocity (``face_velocity``):

* ``"exact"`` (default): on the face between centres x_i < x_{i+1} (h = x_{i+1} - x_i)

      u_f = D_f ( ln(D(x_{i+1})/D(x_i)) + ∫_{x_i}^{x_{i+1}} A/D dx ) / h

  with the integral by Gauss-Legendre quadrature of the model's coefficients. The
  exponential scheme then gives P_{i+1}/P_i = exp(-u_f h/D_f) = the exact zero-flux
  ratio, so the discrete steady state equals the exact one at the cell centres to
  round-off on any mesh.
* ``"pointwise"``: u_f = A + D' evaluated at the face; second order in h.

2D/3D (any FiPy mesh: ``Grid2D/3D``, non-uniform grids, ``CylindricalGrid2D``,
``Gmsh2D``): the same two terms with an isotropic D and vector u = A + grad D. FiPy's
exponential scheme uses the normal component, Pe_f = -u.n_f d_f / D_f with d_f the
distance between the two cell centres. ``"exact"`` generalises the 1D rule along the
straight segment from centre c_i to c_j (unit vector t, length |c_j - c_i|):

    q_f = ln(D(c_j)/D(c_i)) + ∫_{c_i}^{c_j} A.t/D ds,   u_f = (D_f q_f / d_f) n_f

(n_f the unit face normal pointing from i to j), so the zero-flux two-point ratio is
P_j/P_i = exp(-q_f). Whenever A/D = grad phi (every free Ito model; gCLm-I with
constant eta_eff; any model with T constant) the exact density P ∝ exp(-phi)/D
zeroes every face flux, and the discrete steady state equals it at the cell
centres to round-off on any mesh (orthogonal or not). Otherwise no zero-flux state
exists and the scheme is second order like ``"pointwise"``.

Transients are first (backward Euler) or second (TR-BDF2) order in dt and second
order in h (exactly steady-state preserving with ``"exact"`` faces).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._validate import integer, one_of, within_budget
from fpsolver.meshes.builders import cell_centers, extent
from fpsolver.meshes.nd import bounding_box, cell_points, face_points
from fpsolver.models import Model
from fpsolver.models.base import Domain, check_model_and_mesh

FACE_VELOCITIES = ("exact", "pointwise")
BOUNDARIES = ("reflecting", "absorbing")
MAX_QUADRATURE_ORDER = 256
#: Peak memory of an operator per cell (mesh, coefficients, sparse matrix) and per
#: quadrature node of a cell (the coefficients at the nodes), measured: 1.5 kB per cell at order 16.
BYTES_PER_CELL = 256
BYTES_PER_NODE = 80


@dataclass(frozen=True)
class FokkerPlanckOperator:
    """A model discretised on a mesh.

    Attributes
    ----------
    matrix
        Volume-integrated generator M (CSR): d(V P)/dt = M P.
    x, volumes
        Cell centres (shape (n,) in 1D, (dim, n) in nD) and cell volumes (lengths in 1D).
    x_faces
        Face centres (shape (n_faces,) in 1D, (dim, n_faces) in nD).
    D_faces, u_faces
        Diffusion coefficient and convection velocity used on each face (u has shape
        (dim, n_faces) in nD).
    interior_faces, left_cells, right_cells
        Interior face ids and the cells on their two sides: low-x and high-x in 1D,
        FiPy's ``faceCellIDs`` order in nD (fluxes count positive from left to right).
    boundary, face_velocity
        Options used.
    D_cells
        D at the cell centres.
    """

    matrix: sp.csr_matrix
    x: np.ndarray
    volumes: np.ndarray
    x_faces: np.ndarray
    D_faces: np.ndarray
    u_faces: np.ndarray
    interior_faces: np.ndarray
    left_cells: np.ndarray
    right_cells: np.ndarray
    boundary: str
    face_velocity: str
    D_cells: np.ndarray

    @property
    def dimension(self) -> int:
        return 1 if self.x.ndim == 1 else self.x.shape[0]

    def face_flux(self, P: np.ndarray) -> np.ndarray:
        """Probability flux J (+x direction) through every face for cell values ``P``.

        Interior faces use the two-point fluxes of the discrete operator, so the flux
        divergence reproduces M P exactly; wall faces carry the outflow of their cell
        (zero for reflecting walls). In nD the flux is the rate (1/time) through each
        face from ``left_cells`` to ``right_cells``, and wall faces are set to 0 (the
        total outflow of a cell with absorbing walls is ``-M.sum(axis=0) * P``).
        """
        matrix = self.matrix
        l, r = self.left_cells, self.right_cells
        flux = np.zeros(self.x_faces.shape[-1])
        flux[self.interior_faces] = np.asarray(matrix[r, l]).ravel() * P[l] - np.asarray(matrix[l, r]).ravel() * P[r]
        if self.dimension > 1:
            return flux
        outflow = -np.asarray(matrix.sum(axis=0)).ravel() * P  # mass leaving each cell through walls
        lowest, highest = int(np.argmin(self.x)), int(np.argmax(self.x))
        wall_low, wall_high = int(np.argmin(self.x_faces)), int(np.argmax(self.x_faces))
        flux[wall_low] = -outflow[lowest]
        flux[wall_high] = outflow[highest]
        return flux


def _segment_exponent(model: Model, points: np.ndarray, left: np.ndarray, right: np.ndarray, domain: Domain, *, order: int, chunk: int = 1 << 20) -> np.ndarray:
    """∫ A.t/D ds along the straight segments from ``points[:, left]`` to ``points[:, right]``.

    ``order``-point Gauss-Legendre on each segment, s = c_l + tau (c_r - c_l),
    tau in [0, 1]: ∫ A.t/D ds = ∫_0^1 A.(c_r - c_l)/D dtau. Evaluated in chunks of
    about ``chunk`` points to bound memory on large meshes.
    """
    nodes, weights = np.polynomial.legendre.leggauss(order)
    tau, weights = 0.5 * (nodes + 1.0), 0.5 * weights
    start, delta = points[:, left], points[:, right] - points[:, left]
    result = np.empty(left.size)
    per_chunk = max(1, chunk // order)
    for begin in range(0, left.size, per_chunk):
        part = slice(begin, begin + per_chunk)
        samples = (start[:, part, None] + delta[:, part, None] * tau).reshape(points.shape[0], -1)
        c = model.coefficients(samples, domain)
        integrand = np.einsum("dk,dk->k", c.A, np.repeat(delta[:, part], order, axis=1)) / c.D
        result[part] = integrand.reshape(-1, order) @ weights
    return result


def build_operator(
    model: Model,
    mesh: Mesh,
    *,
    boundary: str = "reflecting",
    face_velocity: str = "exact",
    quadrature_order: int = 16,
) -> FokkerPlanckOperator:
    """Discretise ``model`` on the FiPy ``mesh`` (1D, 2D or 3D; see module docstring).

    Raises
    ------
    ValueError
        For unknown options, a model not defined in the mesh's dimension (gCLm-II is
        1D only), a profile/potential of another dimension, or unphysical coefficients.
    """
    check_model_and_mesh(model, mesh)
    one_of("boundary", boundary, BOUNDARIES)
    one_of("face_velocity", face_velocity, FACE_VELOCITIES)
    integer("quadrature_order", quadrature_order, maximum=MAX_QUADRATURE_ORDER)
    cells = int(mesh.numberOfCells)
    nodes = quadrature_order if face_velocity == "exact" else 1
    within_budget("the Fokker-Planck operator", memory_bytes=cells * (BYTES_PER_CELL + BYTES_PER_NODE * nodes), detail=f"{cells} cells, quadrature_order = {quadrature_order}")
    dim = _fipy.dimension(mesh)
    model.check_dimension(dim)
    if dim == 1:
        domain: Domain = extent(mesh)
        x, x_faces = cell_centers(mesh), _fipy.face_centers(mesh)[0]
        model.validate(np.concatenate([x, x_faces]), domain)
    else:
        domain = bounding_box(mesh)
        x, x_faces = cell_points(mesh), face_points(mesh)
        model.validate(np.concatenate([x, x_faces], axis=1), domain)

    face_coefficients = model.coefficients(x_faces, domain)
    D_faces = face_coefficients.D
    u_faces = face_coefficients.A + face_coefficients.dD
    D_cells = model.coefficients(x, domain).D

    interior = _fipy.interior_faces(mesh)
    cells = _fipy.face_cells(mesh, interior)
    if dim == 1:
        swap = x[cells[0]] > x[cells[1]]
        left = np.where(swap, cells[1], cells[0])
        right = np.where(swap, cells[0], cells[1])
    else:
        left, right = cells[0], cells[1]
    if face_velocity == "exact":
        u_faces = u_faces.copy()
        if dim == 1:
            h = x[right] - x[left]
            # in 1D each interior face joins neighbours in x order: integrate between sorted centres
            sorted_cells = np.argsort(x)
            rank = np.empty_like(sorted_cells)
            rank[sorted_cells] = np.arange(x.size)
            integral = model.drift_over_diffusion_integral(x[sorted_cells], domain, order=quadrature_order)[rank[left]]
            u_faces[interior] = D_faces[interior] * _fipy.exponential_scheme_peclet(np.log(D_cells[right] / D_cells[left]) + integral) / h
        else:
            exponent = np.log(D_cells[right] / D_cells[left]) + _segment_exponent(model, x, left, right, domain, order=quadrature_order)
            distance = _fipy.cell_distances(mesh)[interior]
            normals = _fipy.face_normals(mesh)[:, interior]
            # FiPy's normals need not point from left to right: orient them
            normals = normals * np.sign(np.einsum("dk,dk->k", normals, x[:, right] - x[:, left]))
            u_faces[:, interior] = normals * (D_faces[interior] * _fipy.exponential_scheme_peclet(exponent) / distance)

    velocity = u_faces[np.newaxis, :] if dim == 1 else u_faces
    matrix = _fipy.assemble_generator(mesh, D_faces, velocity, absorbing=boundary == "absorbing")
    if not np.all(np.isfinite(matrix.data)):
        raise ValueError("the assembled Fokker-Planck matrix has non-finite entries (degenerate mesh or coefficients?)")
    return FokkerPlanckOperator(
        matrix=matrix,
        x=x,
        volumes=_fipy.cell_volumes(mesh),
        x_faces=x_faces,
        D_faces=D_faces,
        u_faces=u_faces,
        interior_faces=interior,
        left_cells=left,
        right_cells=right,
        boundary=boundary,
        face_velocity=face_velocity,
        D_cells=D_cells,
    )
