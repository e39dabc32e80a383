"""The cell-centred flux J(r) of steady states: reconstruction from face rates and the face geometry."""

import dataclasses

import numpy as np
import pytest

import fpsolver
from fpsolver import meshes
from fpsolver.fields import nd
from fpsolver.pde.operator import build_operator

#: an elliptic hot spot: grad(lap T) is not parallel to grad T, so gCLm-I with alpha_tilde != 0
#: has no gradient A/D and its steady state circulates (a radial spot would be a gradient flow)
ELLIPTIC = "1 + exp(-((x - 0.2)**2/0.3 + y**2/0.1))"


def _flat(dimension: int) -> fpsolver.Ito:
    return fpsolver.Ito(nd.formula("1 + 0*x", dimension=dimension))


def _with_flux(steady: fpsolver.SteadyState, field) -> fpsolver.SteadyState:
    """``steady`` with the face rates J_f = J(r_f) . S_f of the analytic flux ``field`` (exact for
    linear fields on flat faces: the face centre is the centroid)."""
    return dataclasses.replace(steady, J=np.einsum("dk,dk->k", field(steady.face_points), steady.face_vectors))


def _uniform(r: np.ndarray) -> np.ndarray:
    return np.array([0.3, -0.7, 0.4][: r.shape[0]])[:, np.newaxis] * np.ones(r.shape[1])


def _linear(r: np.ndarray) -> np.ndarray:
    gradient = np.array([[0.7, -0.4, 0.2], [0.5, 0.9, -0.3], [-0.1, 0.6, 0.8]])[: r.shape[0], : r.shape[0]]
    return _uniform(r) + gradient @ r


def _outflow(steady: fpsolver.SteadyState) -> np.ndarray:
    """sum of the rates out of each cell through its faces (independent of the reconstruction)."""
    out = np.zeros(steady.P.size)
    first, second = steady.face_cells
    np.add.at(out, first[first >= 0], steady.J[first >= 0])
    np.add.at(out, second[second >= 0], -steady.J[second >= 0])
    return out


MESHES = {
    "grid": lambda: meshes.grid((0.0, -1.0), (1.0, 1.0), (7, 9), ratio=1.3),
    "grid3d": lambda: meshes.grid((0.0, 0.0, 0.0), (1.0, 2.0, 0.5), (4, 5, 3), ratio=1.2),
    "cylindrical": lambda: meshes.cylindrical((0.0, -1.0), (1.0, 1.0), (6, 8)),
    "periodic": lambda: meshes.grid((0.0, 0.0), (1.0, 1.0), (6, 5), periodic=("x",)),
    "disc": lambda: meshes.disc(cell_size=0.2),
}


@pytest.mark.parametrize("name", sorted(MESHES))
def test_face_geometry_orients_area_vectors_from_the_first_to_the_second_cell(name):
    mesh = MESHES[name]()
    steady = fpsolver.solve_steady(_flat(fpsolver._fipy.dimension(mesh)), mesh)
    first, second = steady.face_cells
    interior = (first >= 0) & (second >= 0)
    join = steady.points[:, second[interior]] - steady.points[:, first[interior]]
    if name == "periodic":  # faces joining x = 0 and x = 1 point the short way round
        join[0] -= np.round(join[0])
    assert np.all(np.einsum("dk,dk->k", steady.face_vectors[:, interior], join) > 0)
    walls = (first >= 0) & (second < 0)
    assert np.all(np.einsum("dk,dk->k", steady.face_vectors[:, walls], steady.face_points[:, walls] - steady.points[:, first[walls]]) >= 0)
    if name == "periodic":  # the duplicate faces at x = 1 belong to no cell; y walls stay walls
        assert np.sum((first < 0) & (second < 0)) == 5 and np.sum(walls) == 12
    if name != "cylindrical":  # a closed cell: its outward area vectors sum to zero (per radian areas do not)
        closure = np.zeros((steady.P.size, steady.dimension))
        np.add.at(closure, first[first >= 0], steady.face_vectors[:, first >= 0].T)
        np.add.at(closure, second[second >= 0], -steady.face_vectors[:, second >= 0].T)
        assert np.max(np.abs(closure)) <= 1e-13


def test_face_fluxes_leave_each_cell_at_the_rate_the_generator_removes():
    """J counts along S_f: its net outflow from every cell is -(M P) for any P, not only a steady one."""
    mesh = meshes.disc(cell_size=0.2)
    model = fpsolver.GCLM1(nd.formula(ELLIPTIC, dimension=2), kappa=0.5, alpha_tilde=0.01, T0=1.0)
    operator = build_operator(model, mesh)
    P = np.random.default_rng(3).uniform(0.5, 1.5, operator.volumes.size)
    steady = dataclasses.replace(fpsolver.solve_steady(model, mesh), J=operator.face_flux(P))
    np.testing.assert_allclose(_outflow(steady), -(operator.matrix @ P), atol=1e-12 * np.abs(operator.matrix).max())


@pytest.mark.parametrize("name", sorted(MESHES))
def test_a_uniform_flux_is_recovered_exactly_on_every_mesh(name):
    mesh = MESHES[name]()
    steady = fpsolver.solve_steady(_flat(fpsolver._fipy.dimension(mesh)), mesh)
    if name == "periodic":  # as the solver gives them: no rate through the duplicate faces
        field = _with_flux(steady, _uniform)
        steady = dataclasses.replace(field, J=np.where(np.all(steady.face_cells < 0, axis=0), 0.0, field.J))
    else:
        steady = _with_flux(steady, _uniform)
    np.testing.assert_allclose(steady.J_cells, _uniform(steady.points), rtol=0, atol=1e-13)


@pytest.mark.parametrize("name", ["grid", "grid3d"])
def test_a_linear_flux_is_recovered_exactly_at_grid_cell_centres(name):
    mesh = MESHES[name]()
    steady = _with_flux(fpsolver.solve_steady(_flat(fpsolver._fipy.dimension(mesh)), mesh), _linear)
    np.testing.assert_allclose(steady.J_cells, _linear(steady.points), rtol=0, atol=1e-13)


def test_a_linear_flux_converges_at_first_order_on_triangles():
    errors = []
    for size in (0.2, 0.1, 0.05):
        steady = _with_flux(fpsolver.solve_steady(_flat(2), meshes.disc(cell_size=size)), _linear)
        errors.append(np.sqrt(np.mean((steady.J_cells - _linear(steady.points)) ** 2)))
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all((rates > 0.8) & (rates < 1.6)), rates
    assert errors[-1] > 1e-4  # a discretisation error, not round-off


@pytest.mark.parametrize("mesh", [lambda: meshes.grid((-1.0, -1.0), (1.0, 1.0), (30, 30)), lambda: meshes.disc(cell_size=0.1)])
def test_gradient_flow_carries_no_flux(mesh):
    mesh = mesh()
    model = fpsolver.Ito(nd.formula(ELLIPTIC, dimension=2), alpha=0.5)
    steady = fpsolver.solve_steady(model, mesh)
    assert steady.zero_flux
    area = np.min(np.linalg.norm(steady.face_vectors, axis=0))
    assert np.max(np.abs(steady.J_cells)) <= 1e-12 * steady.J_scale / area


@pytest.mark.parametrize("mesh", [lambda: meshes.grid((-1.0, -1.0), (1.0, 1.0), (30, 30)), lambda: meshes.disc(cell_size=0.1)])
def test_non_gradient_gclm1_steady_state_circulates_without_divergence(mesh):
    mesh = mesh()
    model = fpsolver.GCLM1(nd.formula(ELLIPTIC, dimension=2), kappa=0.5, alpha_tilde=0.01, T0=1.0)
    steady = fpsolver.solve_steady(model, mesh)
    assert not steady.zero_flux
    assert np.max(np.abs(steady.J)) > 1e-5 * steady.J_scale  # measured ~5e-4: far above round-off
    np.testing.assert_allclose(_outflow(steady), 0.0, atol=1e-12 * steady.J_scale)  # steady: no net outflow from any cell
    J = steady.J_cells
    magnitude = np.linalg.norm(J, axis=0)
    # a closed loop: both signs along each axis and (div J = 0, J.n = 0 on the walls) a zero volume
    # integral, which the discrete fluxes keep to round-off (measured 2e-13 of max|J| * area)
    assert np.all(J.min(axis=1) < -0.5 * magnitude.max()) and np.all(J.max(axis=1) > 0.5 * magnitude.max())
    total = np.abs(J @ steady.volumes)
    assert np.all(total <= 1e-9 * magnitude.max() * steady.volumes.sum())
