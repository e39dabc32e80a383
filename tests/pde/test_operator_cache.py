"""The operator cache of build_operator: a hit only when every input is unchanged, and a
hit is the very operator a fresh assembly gives."""

import numpy as np
import pytest

from fpsolver import meshes, potentials, profiles
from fpsolver.models import GCLM1, Ito
from fpsolver.pde import operator as pde_operator
from fpsolver.pde.operator import build_operator

PROFILE = profiles.formula("1 + 0.8*x**2")
MESH = meshes.uniform(0.0, 1.0, 40)


class HiddenForce(Ito):
    """An Ito model with a force scale its parameters() do not report (as a user's subclass may)."""

    def __init__(self, profile, scale):
        super().__init__(profile)
        self.scale = scale

    def langevin_terms(self, x, domain):
        terms = super().langevin_terms(x, domain)
        terms.force[...] = self.scale * (0.5 - x)
        return terms


def reference():
    return build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH)


def test_same_inputs_return_the_cached_operator_equal_to_a_fresh_assembly():
    first = reference()
    assert build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH) is first
    pde_operator.clear_cache()
    fresh = reference()
    assert fresh is not first
    assert (fresh.matrix != first.matrix).nnz == 0
    np.testing.assert_array_equal(fresh.u_faces, first.u_faces)


CHANGES = {
    "parameter": lambda: build_operator(Ito(PROFILE, eta=1.5, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH),
    "profile": lambda: build_operator(Ito(profiles.formula("1 + 0.7*x**2"), potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH),
    "potential": lambda: build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.5, center=0.5)), MESH),
    "model": lambda: build_operator(GCLM1(PROFILE, kappa=0.5, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH),
    "alpha": lambda: build_operator(Ito(PROFILE, alpha=0.5, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH),
    "mesh": lambda: build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), meshes.uniform(0.0, 1.1, 40)),
    "boundary": lambda: build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH, boundary="absorbing"),
    "wall group": lambda: build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH, boundary={"left": "absorbing"}),
    "face velocity": lambda: build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH, face_velocity="pointwise"),
    "quadrature": lambda: build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH, quadrature_order=2),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changing_any_input_changes_the_operator(change):
    base = reference()
    changed = CHANGES[change]()
    assert changed is not base
    if change == "mesh":
        assert not np.array_equal(changed.x, base.x)
    else:
        assert abs(changed.matrix - base.matrix).max() > 0.0  # 1e-9 for the quadrature order, O(1) otherwise
    pde_operator.clear_cache()
    np.testing.assert_array_equal(CHANGES[change]().matrix.toarray(), changed.matrix.toarray())  # and it is what a fresh assembly gives


def test_a_parameter_changed_in_place_or_hidden_from_describe_is_a_new_operator():
    model = Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5))
    before = build_operator(model, MESH).matrix.toarray()
    model.eta = 3.0
    assert np.abs(build_operator(model, MESH).matrix.toarray() - before).max() > 1e-3
    hidden = HiddenForce(PROFILE, 1.0)
    weak = build_operator(hidden, MESH).matrix.toarray()
    hidden.scale = 2.0  # describe() is unchanged; the coefficients at the faces are not
    assert hidden.describe() == HiddenForce(PROFILE, 1.0).describe()
    assert np.abs(build_operator(hidden, MESH).matrix.toarray() - weak).max() > 1e-3


def test_cached_operators_are_read_only_and_go_with_their_mesh():
    mesh = meshes.uniform(0.0, 1.0, 12)
    operator = build_operator(Ito(PROFILE), mesh)
    with pytest.raises(ValueError, match="read-only"):
        operator.matrix.data[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        operator.volumes[0] = 1.0
    assert mesh in pde_operator._CACHE
    del mesh, operator
    import gc

    gc.collect()
    assert all(int(m.numberOfCells) != 12 for m in pde_operator._CACHE)


@pytest.mark.parametrize("boundary", ["reflecting", "absorbing", {"right": "absorbing"}])
def test_flux_form_of_the_generator_is_the_matrix(boundary):
    operator = build_operator(Ito(PROFILE, potential=potentials.harmonic(stiffness=2.0, center=0.5)), MESH, boundary=boundary)
    P = np.random.default_rng(1).random(MESH.numberOfCells)
    np.testing.assert_allclose(operator.apply(P), operator.matrix @ P, rtol=0, atol=1e-12 * np.abs(operator.matrix).max())
    loss = np.asarray(operator.matrix.sum(axis=0)).ravel() @ P
    assert operator.apply(P).sum() == pytest.approx(loss, abs=1e-12 * np.abs(operator.matrix).max())
