"""The FiPy finite-volume discretisation of the canonical Fokker-Planck form.

    dP/dt = div( D grad P ) + div( u P ),   u = A + grad D        (docs/physics/canonical.md)

assembled by FiPy as ``DiffusionTerm(coeff=D) + ExponentialConvectionTerm(coeff=u)``
(Scharfetter-Gummel exponential fitting). The assembled sparse matrix M is the
volume-integrated generator, d(V_i P_i)/dt = (M P)_i; its columns sum to zero for
reflecting walls, so probability is conserved (to round-off when M P is evaluated as
pairwise fluxes, :meth:`FokkerPlanckOperator.apply`, as the time steps do).

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

``"exact-flux"`` also sets the face diffusion coefficient so that the two-point flux of the
scheme is the exact flux of a constant-current state along the segment: with
Phi(s) = ∫_{c_i}^{s} A.t/D and I = ∫_{c_i}^{c_j} exp(Phi(s)) ds,

    F_ij = ( D(c_i) P_i - D(c_j) exp(Phi(c_j)) P_j ) / I          (rate per face area)

is what the exact solution of -J = A P + d(D P)/ds with constant J gives between the two
centres. Every 1D state of constant current (the zero-flux one and, on a ring, the
current-carrying periodic steady state of a ratchet, docs/physics/canonical.md) is then exact
at the cell centres to round-off; Phi at the Gauss nodes comes from the spectral
integration matrix of the same nodes (smooth coefficients per cell assumed).

Periodic meshes (FiPy's ``PeriodicGrid1D/2D/3D...``): the faces that join opposite walls
are interior faces; their segments are unwrapped by the period, and coefficients are
evaluated at positions wrapped back into the box. The coefficients must be periodic
(T, grad T and grad V; V itself may carry a tilt), which :func:`build_operator` checks.

Walls: ``boundary`` is "reflecting" (zero flux), "absorbing" (P = 0 on the wall faces)
for every wall, or a mapping from wall groups (:func:`fpsolver._fipy.wall_faces`:
"left", "right", "bottom", "top", "front", "back" on grids, "walls" on any mesh) to
"absorbing" or "reflecting".

Transients are first (backward Euler) or second (TR-BDF2) order in dt and second
order in h (exactly steady-state preserving with ``"exact"`` faces).

Reuse: :func:`build_operator` keeps the last ``CACHED_OPERATORS_PER_MESH`` operators of
every mesh (held weakly: they go with the mesh) and returns the cached one when every
input it depends on is unchanged. The key is a digest of the model's class and
:meth:`~fpsolver.models.base.Model.describe` (parameters, profile, potential), its
breakpoints, its coefficients A, D, dD at every face and D at every cell centre (so a
tabulated profile read again from a changed file, or a parameter changed in place, is
a new key), the cell and face centres and cell volumes, the boundary, the face velocity
and the quadrature order. A hit skips the Gauss-Legendre face integrals and the FiPy
assembly (about 20 ms of FiPy's Python overhead per assembly, whatever the size); the
cached operator's arrays are read-only, and it also keeps the LU factorisations of its
implicit step matrices (:meth:`FokkerPlanckOperator.step_solver`).
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
import scipy.sparse as sp

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._validate import integer, one_of, within_budget
from fpsolver.meshes.builders import cell_centers, extent
from fpsolver.meshes.nd import bounding_box, cell_points, face_points
from fpsolver.models import Model
from fpsolver.models.base import Domain, check_model_and_mesh
from fpsolver.models.periodicity import check_periodic
from fpsolver.pde import linear

FACE_VELOCITIES = ("exact", "exact-flux", "pointwise")
BOUNDARIES = ("reflecting", "absorbing")
MAX_QUADRATURE_ORDER = 256
#: Peak memory of an operator per cell (mesh, coefficients, sparse matrix) and per
#: quadrature node of a cell (the coefficients at the nodes), measured: 1.5 kB per cell at order 16.
BYTES_PER_CELL, BYTES_PER_NODE = 256, 80
#: Operators kept per mesh by :func:`build_operator` (least recently used dropped first).
CACHED_OPERATORS_PER_MESH = 8
#: Factorised step matrices kept per operator (:meth:`FokkerPlanckOperator.step_solver`).
CACHED_FACTORIZATIONS = 8


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
    face_cells, face_vectors
        The cells on the two sides of every face, shape (2, n_faces), and its area vector
        S_f = A_f n_f (length^(d-1); per radian on cylindrical meshes), shape (dim, n_faces),
        pointing from ``face_cells[0]`` to ``face_cells[1]``: fluxes count positive along
        S_f. Interior faces join low-x to high-x in 1D (on a ring, the face joining the
        ends has the last cell on its low side) and follow FiPy's ``faceCellIDs`` order
        in nD; -1 stands for the outside of a wall (S_f points out of the cell, in 1D
        along +x) and, on both sides, for the duplicate wall faces of periodic grids.
    interior_faces, left_cells, right_cells
        Ids of the faces between two cells and the cells on their two sides (views of
        ``face_cells``).
    boundary, face_velocity
        Options used (``boundary`` as given: a string or a wall-group mapping).
    D_cells
        D at the cell centres.
    periodic_axes
        Axes along which the mesh is periodic (empty for walls all round).
    wall_loss
        The column sums of M on the cells next to absorbing walls (the rate of loss through
        them, <= 0) and 0 elsewhere; ``None``: taken as the column sums of M on every cell.
    """

    matrix: sp.csr_matrix
    x: np.ndarray
    volumes: np.ndarray
    x_faces: np.ndarray
    D_faces: np.ndarray
    u_faces: np.ndarray
    face_cells: np.ndarray
    face_vectors: np.ndarray
    boundary: str | Mapping[str, str]
    face_velocity: str
    D_cells: np.ndarray
    periodic_axes: tuple[int, ...] = ()
    wall_loss: np.ndarray | None = None
    _factorizations: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False, compare=False)

    def step_solver(self, shift: float, method: linear.Method = "direct") -> Callable[[np.ndarray], np.ndarray]:
        """A function b -> x solving (V - shift M) x = b, V = diag(volumes): the matrix of an implicit
        step of length shift (:mod:`fpsolver.pde.linear`). The factorisation is kept with the operator
        (the last ``CACHED_FACTORIZATIONS``), so repeated runs with the same steps factorise once."""
        key = (float(shift), method)
        solve = self._factorizations.get(key)
        if solve is None:
            solve = linear.factorize(sp.diags(self.volumes) - shift * self.matrix, method)
            self._factorizations[key] = solve
            if len(self._factorizations) > CACHED_FACTORIZATIONS:
                self._factorizations.popitem(last=False)
        else:
            self._factorizations.move_to_end(key)
        return solve

    @property
    def dimension(self) -> int:
        return 1 if self.x.ndim == 1 else self.x.shape[0]

    @property
    def interior_faces(self) -> np.ndarray:
        return np.flatnonzero(np.all(self.face_cells >= 0, axis=0))

    @property
    def left_cells(self) -> np.ndarray:
        return self.face_cells[0, self.interior_faces]

    @property
    def right_cells(self) -> np.ndarray:
        return self.face_cells[1, self.interior_faces]

    @property
    def absorbing(self) -> bool:
        """Whether some wall absorbs (no normalisable steady state then)."""
        if isinstance(self.boundary, Mapping):
            return "absorbing" in self.boundary.values()
        return self.boundary == "absorbing"

    def face_flux(self, P: np.ndarray) -> np.ndarray:
        """Probability flux J (+x direction) through every face for cell values ``P``.

        Interior faces use the two-point fluxes of the discrete operator, so the flux
        divergence reproduces M P exactly; wall faces carry the outflow of their cell
        (zero for reflecting walls). In nD the flux is the rate (1/time) through each
        face from ``left_cells`` to ``right_cells``, and wall faces are set to 0 (the
        total outflow of a cell with absorbing walls is ``-M.sum(axis=0) * P``). On a 1D
        ring the duplicate wall face FiPy keeps carries the flux of the face joining the ends.
        """
        matrix = self.matrix
        flux = np.zeros(self.x_faces.shape[-1])
        forward, backward = self.one_way_rates(P)
        flux[self.interior_faces] = forward - backward
        if self.dimension > 1:
            return flux
        wall_low, wall_high = int(np.argmin(self.x_faces)), int(np.argmax(self.x_faces))
        if self.periodic_axes:
            flux[wall_high] = flux[wall_low]
            return flux
        outflow = -np.asarray(matrix.sum(axis=0)).ravel() * P  # mass leaving each cell through walls
        lowest, highest = int(np.argmin(self.x)), int(np.argmax(self.x))
        flux[wall_low] = -outflow[lowest]
        flux[wall_high] = outflow[highest]
        return flux

    def apply(self, P: np.ndarray) -> np.ndarray:
        """M P, evaluated as the divergence of the two-point fluxes between coupled cells:

            (M P)_i = sum_j [ M_ij P_j - M_ji P_i ] + wall_loss_i P_i

        which is M P in exact arithmetic for any matrix whose column sums are ``wall_loss``.
        Unlike the row sums of ``matrix @ P`` (where the diagonal cancels the neighbours to
        relative round-off of |M_ii| P_i, and the column sums of the stored M are zero only to
        round-off), the terms cancel pairwise when summed over cells, so sum(M P) is 0 to the
        round-off of the fluxes themselves with reflecting walls: time steps built on it
        conserve the mass to round-off (:mod:`fpsolver.pde.transient`).
        """
        low, high, forward, backward, loss = self._pair_fluxes
        flux = forward * P[low] - backward * P[high]
        n = P.size
        return np.bincount(high, flux, minlength=n) - np.bincount(low, flux, minlength=n) + loss * P

    @cached_property
    def _pair_fluxes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every coupled pair of cells low < high with the rates M[high, low] (low to high) and
        M[low, high] (high to low), and the loss rate of each cell (see :meth:`apply`)."""
        matrix = self.matrix.tocsr()
        pattern = (abs(sp.triu(matrix, 1)) + abs(sp.tril(matrix, -1)).T).tocoo()
        low, high = pattern.row.astype(np.int64), pattern.col.astype(np.int64)
        forward = np.asarray(matrix[high, low]).ravel()
        backward = np.asarray(matrix[low, high]).ravel()
        loss = np.asarray(matrix.sum(axis=0)).ravel() if self.wall_loss is None else self.wall_loss
        return low, high, forward, backward, loss

    def one_way_rates(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The two rates (1/time) whose difference is the flux through each interior face:
        M[right, left] P_left (left to right) and M[left, right] P_right (right to left)."""
        low, high = self.left_cells, self.right_cells
        return np.asarray(self.matrix[high, low]).ravel() * P[low], np.asarray(self.matrix[low, high]).ravel() * P[high]

    def current(self, P: np.ndarray) -> float:
        """The constant probability current (1/time) of a 1D steady state on a ring: the mean
        face flux (every face carries the same flux in a steady state)."""
        if self.dimension != 1 or not self.periodic_axes:
            raise ValueError("current: defined for steady states on a 1D periodic mesh only")
        return float(np.mean(self.face_flux(P)[self.interior_faces]))


@cache
def _gauss_nodes(order: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes tau and weights on [0, 1] and the spectral integration matrix S:
    ∫_0^{tau_k} f ≈ sum_j S_kj f(tau_j) (exact for polynomials of degree < order)."""
    nodes, weights = np.polynomial.legendre.leggauss(order)
    vandermonde = np.polynomial.legendre.legvander(nodes, order - 1)
    integrated = np.stack([np.polynomial.legendre.legval(nodes, np.polynomial.legendre.legint(np.eye(order)[n], lbnd=-1.0)) for n in range(order)], axis=1)
    integration = 0.5 * integrated @ np.linalg.inv(vandermonde)
    return 0.5 * (nodes + 1.0), 0.5 * weights, integration


def _wrap(points: np.ndarray, domain: tuple[np.ndarray, np.ndarray], periodic_axes: tuple[int, ...]) -> np.ndarray:
    """``points`` (dim, n) with the periodic coordinates wrapped into [lower, upper)."""
    if not periodic_axes:
        return points
    points = points.copy()
    lower, upper = domain
    for axis in periodic_axes:
        points[axis] = lower[axis] + np.mod(points[axis] - lower[axis], upper[axis] - lower[axis])
    return points


def _model_domain(model: Model, domain: tuple[np.ndarray, np.ndarray]) -> Domain:
    """The domain argument of the model: (x_min, x_max) in 1D, the box corners in nD."""
    return (float(domain[0][0]), float(domain[1][0])) if model.dimension == 1 else domain


def _segments(
    model: Model,
    points: np.ndarray,
    left: np.ndarray,
    delta: np.ndarray,
    domain: tuple[np.ndarray, np.ndarray],
    periodic_axes: tuple[int, ...],
    *,
    order: int,
    flux: bool,
    chunk: int = 1 << 20,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Phi = ∫ A.t/D ds along the segments from ``points[:, left]`` to ``points[:, left] + delta``
    and, with ``flux``, I = ∫ exp(Phi(s)) ds (Phi from the segment's start).

    ``order``-point Gauss-Legendre on each segment, s = c + tau delta, tau in [0, 1]:
    Phi = ∫_0^1 A.delta/D dtau; Phi at the nodes from the spectral integration matrix.
    Evaluated in chunks of about ``chunk`` points to bound memory on large meshes.
    """
    tau, weights, integration = _gauss_nodes(order)
    start = points[:, left]
    exponent = np.empty(left.size)
    integral = np.empty(left.size) if flux else None
    length = np.sqrt(np.einsum("dk,dk->k", delta, delta))
    per_chunk = max(1, chunk // order)
    model_domain = _model_domain(model, domain)
    for begin in range(0, left.size, per_chunk):
        part = slice(begin, begin + per_chunk)
        samples = _wrap((start[:, part, None] + delta[:, part, None] * tau).reshape(points.shape[0], -1), domain, periodic_axes)
        c = model.coefficients(samples[0] if model.dimension == 1 else samples, model_domain)
        A = np.reshape(c.A, (points.shape[0], -1))
        integrand = (np.einsum("dk,dk->k", A, np.repeat(delta[:, part], order, axis=1)) / c.D).reshape(-1, order)
        exponent[part] = integrand @ weights
        if flux:
            phi = integrand @ integration.T
            integral[part] = length[part] * (np.exp(phi) @ weights)
    return exponent, integral


def _face_geometry(mesh: Mesh, points: np.ndarray, interior: np.ndarray, left: np.ndarray, right: np.ndarray, normals: np.ndarray, periodic_axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The cells on either side of every face and its area vector, in the orientation of the face fluxes.

    ``normals`` are FiPy's unit normals with the interior ones already pointing from ``left``
    to ``right``. Interior faces: (left, right) and S_f = A_f n_f. Wall faces: (cell, -1) and
    S_f pointing out of the cell, except in 1D, where fluxes count along +x: the low wall is
    (-1, cell) with S_f = +x. The duplicate wall faces of FiPy's periodic grids (normal along
    a periodic axis) belong to no cell: (-1, -1).
    """
    areas = _fipy.face_areas(mesh)
    cells = np.full((2, areas.size), -1, dtype=np.int64)
    cells[0, interior], cells[1, interior] = left, right
    vectors = normals * areas
    walls = _fipy.wall_faces(mesh)["walls"]
    owner = _fipy.face_cells(mesh, walls)[0]
    outward = np.sign(np.einsum("dk,dk->k", normals[:, walls], _fipy.face_centers(mesh)[:, walls] - points[:, owner]))
    vectors[:, walls] *= outward
    duplicate = np.any(np.abs(normals[list(periodic_axes)][:, walls]) > 0.5, axis=0)
    inward = (points.shape[0] == 1) & (vectors[0, walls] < 0)  # 1D: the low wall, counted along +x
    vectors[:, walls[inward]] *= -1.0
    cells[0, walls] = np.where(duplicate | inward, -1, owner)
    cells[1, walls] = np.where(inward & ~duplicate, owner, -1)
    return cells, vectors


def _absorbing_faces(mesh: Mesh, boundary: str | Mapping[str, str]) -> bool | np.ndarray:
    """What :func:`fpsolver._fipy.assemble_generator` takes: all walls, none, or the faces of absorbing wall groups."""
    if not isinstance(boundary, Mapping):
        if boundary not in BOUNDARIES:
            raise ValueError(f"boundary must be one of {BOUNDARIES} or a mapping of wall groups to them, got {boundary!r}")
        return boundary == "absorbing"
    groups = _fipy.wall_faces(mesh)
    faces = []
    for group, kind in boundary.items():
        if group not in groups:
            raise ValueError(f"boundary: no wall group {group!r} on this mesh (groups: {', '.join(groups)})")
        if kind not in BOUNDARIES:
            raise ValueError(f"boundary: wall group {group!r} must be one of {BOUNDARIES}, got {kind!r}")
        if kind == "absorbing":
            if group != "walls" and groups[group].size == 0:
                raise ValueError(f"boundary: wall group {group!r} has no wall faces (is the mesh periodic along it?)")
            faces.append(groups[group])
    return np.unique(np.concatenate(faces)) if faces else np.zeros(0, dtype=int)


def build_operator(
    model: Model,
    mesh: Mesh,
    *,
    boundary: str | Mapping[str, str] = "reflecting",
    face_velocity: str = "exact",
    quadrature_order: int = 16,
) -> FokkerPlanckOperator:
    """Discretise ``model`` on the FiPy ``mesh`` (1D, 2D or 3D; see module docstring).

    Raises
    ------
    ValueError
        For unknown options, a model not defined in the mesh's dimension (gCLm-II is
        1D only), a profile/potential of another dimension, coefficients that are not
        periodic on a periodic mesh, or unphysical coefficients.
    """
    check_model_and_mesh(model, mesh)
    model.require_one_noise_temperature("the Fokker-Planck equation")
    one_of("face_velocity", face_velocity, FACE_VELOCITIES)
    integer("quadrature_order", quadrature_order, maximum=MAX_QUADRATURE_ORDER)
    cells = int(mesh.numberOfCells)
    nodes = quadrature_order if face_velocity.startswith("exact") else 1
    within_budget("the Fokker-Planck operator", memory_bytes=cells * (BYTES_PER_CELL + BYTES_PER_NODE * nodes), detail=f"{cells} cells, quadrature_order = {quadrature_order}")
    absorbing = _absorbing_faces(mesh, boundary)
    entry = _CACHE.get(mesh)
    if entry is None:
        entry = _CACHE[mesh] = _MeshEntry(_MeshGeometry.of(mesh), OrderedDict())
    geometry = entry.geometry
    dim, periodic, box, x, x_faces, volumes = geometry.dimension, geometry.periodic_axes, geometry.box, geometry.x, geometry.x_faces, geometry.volumes
    model.check_dimension(dim)
    low, high = float(box[0][0]), float(box[1][0])
    if dim == 1:
        model.validate(np.concatenate([x, x_faces]), (low, high))
        points = x[np.newaxis]
    else:
        model.validate(np.concatenate([x, x_faces], axis=1), box)
        points = x
    domain = _model_domain(model, box)
    if periodic:
        check_periodic(model, points, box, periodic)

    face_coefficients = model.coefficients(x_faces, domain)
    D_cells = model.coefficients(x, domain).D
    key = _operator_key(model, face_coefficients, D_cells, (x, x_faces, volumes), boundary, face_velocity, quadrature_order)
    cached = entry.operators
    if key in cached:
        cached.move_to_end(key)
        return cached[key]
    D_faces = face_coefficients.D.copy()
    u_faces = face_coefficients.A + face_coefficients.dD

    interior = _fipy.interior_faces(mesh)
    cells = _fipy.face_cells(mesh, interior)
    if dim == 1:
        swap = x[cells[0]] > x[cells[1]]
        if periodic:  # the face joining the ends has the highest cell on its low side
            swap ^= np.abs(x[cells[1]] - x[cells[0]]) > 0.5 * (high - low)
        left = np.where(swap, cells[1], cells[0])
        right = np.where(swap, cells[0], cells[1])
    else:
        left, right = cells[0], cells[1]
    delta = points[:, right] - points[:, left]
    for axis in periodic:  # segments across a periodic wall go the short way round
        period = box[1][axis] - box[0][axis]
        delta[axis] -= period * np.round(delta[axis] / period)
    normals = _fipy.face_normals(mesh)
    # FiPy's normals need not point from left to right: orient them
    normals[:, interior] *= np.sign(np.einsum("dk,dk->k", normals[:, interior], delta))
    if face_velocity == "exact" and dim == 1 and not periodic:
        u_faces = u_faces.copy()
        h = x[right] - x[left]
        # in 1D each interior face joins neighbours in x order: integrate between sorted centres (split at breakpoints)
        sorted_cells = np.argsort(x)
        rank = np.empty_like(sorted_cells)
        rank[sorted_cells] = np.arange(x.size)
        integral = model.drift_over_diffusion_integral(x[sorted_cells], domain, order=quadrature_order)[rank[left]]
        u_faces[interior] = D_faces[interior] * _fipy.exponential_scheme_peclet(np.log(D_cells[right] / D_cells[left]) + integral) / h
    elif face_velocity in ("exact", "exact-flux"):
        exponent, integral = _segments(model, points, left, delta, box, periodic, order=quadrature_order, flux=face_velocity == "exact-flux")
        q = np.log(D_cells[right] / D_cells[left]) + exponent
        distance = _fipy.cell_distances(mesh)[interior]
        peclet = _fipy.exponential_scheme_peclet(q)
        if integral is not None:
            # FiPy's coefficient of P_left is (D_f / d) g(Pe); make it the exact D(c_left) / I
            D_faces[interior] = distance * D_cells[left] / (integral * _fipy.exponential_scheme_weight(peclet))
        u_faces = np.atleast_2d(u_faces).copy()
        u_faces[:, interior] = normals[:, interior] * (D_faces[interior] * peclet / distance)
        if dim == 1:
            u_faces = u_faces[0]

    face_cells, face_vectors = _face_geometry(mesh, points, interior, left, right, normals, periodic)
    velocity = u_faces[np.newaxis, :] if dim == 1 else u_faces
    matrix = _fipy.assemble_generator(mesh, D_faces, velocity, absorbing=absorbing)
    if not np.all(np.isfinite(matrix.data)):
        raise ValueError("the assembled Fokker-Planck matrix has non-finite entries (degenerate mesh or coefficients?)")
    operator = FokkerPlanckOperator(
        matrix=matrix,
        x=x,
        volumes=volumes,
        x_faces=x_faces,
        D_faces=D_faces,
        u_faces=u_faces,
        face_cells=face_cells,
        face_vectors=face_vectors,
        boundary=dict(boundary) if isinstance(boundary, Mapping) else boundary,
        face_velocity=face_velocity,
        D_cells=D_cells,
        periodic_axes=periodic,
        wall_loss=_wall_loss(mesh, matrix, absorbing),
    )
    for array in (matrix.data, matrix.indices, matrix.indptr, x, volumes, x_faces, D_faces, u_faces, face_cells, face_vectors, D_cells, operator.wall_loss):
        array.flags.writeable = False
    cached[key] = operator
    if len(cached) > CACHED_OPERATORS_PER_MESH:
        cached.popitem(last=False)
    return operator


def _wall_loss(mesh: Mesh, matrix: sp.csr_matrix, absorbing: bool | np.ndarray) -> np.ndarray:
    """The column sums of ``matrix`` on the cells next to the ``absorbing`` faces, 0 elsewhere
    (where they are zero but for round-off)."""
    loss = np.zeros(matrix.shape[0])
    faces = _fipy.wall_faces(mesh)["walls"] if absorbing is True else np.asarray(absorbing if absorbing is not False else [], dtype=np.int64)
    if faces.size:
        cells = np.unique(_fipy.face_cells(mesh, faces)[0])
        loss[cells] = np.asarray(matrix.sum(axis=0)).ravel()[cells]
    return loss


@dataclass(frozen=True)
class _MeshGeometry:
    """What :func:`build_operator` reads from a mesh on every call (read once per mesh: each
    read of a FiPy mesh property builds FiPy variables)."""

    dimension: int
    periodic_axes: tuple[int, ...]
    box: tuple[np.ndarray, np.ndarray]
    x: np.ndarray
    x_faces: np.ndarray
    volumes: np.ndarray

    @classmethod
    def of(cls, mesh: Mesh) -> _MeshGeometry:
        dimension = _fipy.dimension(mesh)
        if dimension == 1:
            low, high = extent(mesh)
            box = (np.array([low]), np.array([high]))
            x, x_faces = cell_centers(mesh), _fipy.face_centers(mesh)[0]
        else:
            box = bounding_box(mesh)
            x, x_faces = cell_points(mesh), face_points(mesh)
        volumes = _fipy.cell_volumes(mesh)
        for array in (*box, x, x_faces, volumes):
            array.flags.writeable = False
        return cls(dimension, _fipy.periodic_axes(mesh), box, x, x_faces, volumes)


@dataclass(frozen=True)
class _MeshEntry:
    geometry: _MeshGeometry
    operators: OrderedDict[bytes, FokkerPlanckOperator]


#: mesh -> its geometry and operators; entries vanish with their mesh
_CACHE: weakref.WeakKeyDictionary[Mesh, _MeshEntry] = weakref.WeakKeyDictionary()


def clear_cache() -> None:
    """Forget every cached operator (the next :func:`build_operator` call assembles afresh)."""
    _CACHE.clear()


def _digest(value: object, digest: hashlib._Hash) -> None:
    """Feed ``value`` (nested dicts, lists, tuples, arrays, scalars, strings) into ``digest``,
    arrays by their dtype, shape and bytes (a repr would abbreviate large arrays)."""
    if isinstance(value, Mapping):
        digest.update(b"{")
        for name in sorted(value, key=str):
            _digest(str(name), digest)
            _digest(value[name], digest)
        digest.update(b"}")
    elif isinstance(value, list | tuple):
        digest.update(b"[")
        for item in value:
            _digest(item, digest)
        digest.update(b"]")
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes() if array.dtype != object else repr(array.tolist()).encode())
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


def _operator_key(
    model: Model,
    face_coefficients: object,
    D_cells: np.ndarray,
    geometry: tuple[np.ndarray, ...],
    boundary: str | Mapping[str, str],
    face_velocity: str,
    quadrature_order: int,
) -> bytes:
    """Digest of every input of the operator of one mesh (see the module docstring)."""
    digest = hashlib.blake2b(digest_size=32)
    kind = type(model)
    _digest(
        [
            f"{kind.__module__}.{kind.__qualname__}",
            model.describe(),
            np.asarray(model.breakpoints, dtype=float),
            np.asarray(face_coefficients.A, dtype=float),
            np.asarray(face_coefficients.D, dtype=float),
            np.asarray(face_coefficients.dD, dtype=float),
            np.asarray(D_cells, dtype=float),
            geometry,
            dict(boundary) if isinstance(boundary, Mapping) else boundary,
            face_velocity,
            int(quadrature_order),
        ],
        digest,
    )
    return digest.digest()
