"""The exact steady reference of gCLm-I with T0 = "per-particle": the mixture of fixed-T0
states over the initial distribution, against an independent closed form (Eq. 31)."""

import numpy as np
import pytest
from scipy import integrate

from fpsolver import exact, meshes, profiles
from fpsolver.analysis import compare
from fpsolver.models import GCLM1

DOMAIN = (-1.0, 1.0)
KAPPA, GRADIENT = 2.0, 0.45


def _model():
    return GCLM1(profiles.linear(T0=1.0, gradient=GRADIENT), kappa=KAPPA, T0="per-particle")


def _eq31(x, x0):
    """Normalised Eq. 31 state on [-1, 1] with T0 = T(x0): c exp(-c x) / (2 sinh c)."""
    c = KAPPA * GRADIENT / (1.0 + GRADIENT * x0)
    return c * np.exp(-c * x) / (2.0 * np.sinh(c))


def test_uniform_start_gives_the_average_of_eq31_states_over_x0():
    mesh = meshes.uniform(-1.0, 1.0, 30)
    nodes, weights = exact.initial_distribution("uniform", DOMAIN)
    assert weights.sum() == pytest.approx(1.0, rel=1e-14)
    mixture = exact.per_particle_mixture(_model(), nodes, weights, DOMAIN, _at_cell_centres)
    closed = np.array([integrate.quad(lambda x0: _eq31(x, x0), -1.0, 1.0, epsabs=1e-14)[0] / 2.0 for x in meshes.cell_centers(mesh)])
    assert mixture == pytest.approx(closed, rel=1e-10)
    single = _eq31(meshes.cell_centers(mesh), 0.0)
    assert compare.l1_distance(mixture, single, np.full(30, 2 / 30)) > 0.02


def _at_cell_centres(fixed):
    """The exact state normalised by ∫ P dx = 1 (Simpson on a grid holding the 30 cell centres)."""
    x = np.linspace(-1.0, 1.0, 6001)
    P = exact.steady_state_at(fixed, x, DOMAIN)
    return P[100::200] / integrate.simpson(P, x=x)


def test_a_point_start_is_the_fixed_T0_state_and_positions_weigh_by_count():
    mesh = meshes.uniform(-1.0, 1.0, 30)
    nodes, weights = exact.initial_distribution(0.4, DOMAIN)
    point = exact.per_particle_mixture(_model(), nodes, weights, DOMAIN, lambda fixed: exact.steady_state(fixed, mesh))
    assert point == pytest.approx(exact.steady_state(GCLM1(profiles.linear(T0=1.0, gradient=GRADIENT), kappa=KAPPA, T0=1.18), mesh), rel=1e-12)
    nodes, weights = exact.initial_distribution(np.array([0.4, -0.5, 0.4]), DOMAIN)
    assert nodes.tolist() == [-0.5, 0.4] and weights == pytest.approx([1 / 3, 2 / 3])


def test_model_with_one_noise_temperature_is_its_own_mixture():
    model = GCLM1(profiles.linear(), kappa=1.0)
    mesh = meshes.uniform(-1.0, 1.0, 10)
    assert np.array_equal(exact.per_particle_mixture(model, np.array([0.0, 0.5]), np.array([0.5, 0.5]), DOMAIN, lambda fixed: exact.steady_state(fixed, mesh)), exact.steady_state(model, mesh))


@pytest.mark.parametrize(("x0", "message"), [("gaussian", "'x0' must be a position, \"uniform\""), (np.array([0.0, 2.0]), "'x0' must be positions inside the domain")])
def test_bad_initial_distributions_are_refused(x0, message):
    with pytest.raises(ValueError, match=message):
        exact.initial_distribution(x0, DOMAIN)


def test_single_density_references_refuse_per_particle_T0():
    for call in (lambda: exact.steady_state_at(_model(), np.array([0.0, 0.5]), DOMAIN), lambda: exact.periodic_steady_state_at(_model(), np.array([0.0]), DOMAIN)):
        with pytest.raises(ValueError, match='T0 = "per-particle" gives each trajectory its own'):
            call()


def test_uniform_quadrature_splits_at_kinks_of_T():
    nodes, weights = exact.initial_distribution("uniform", DOMAIN, breakpoints=np.array([-0.2, 0.5, 3.0]), order=16)
    assert nodes.size == 3 * 6 and weights.sum() == pytest.approx(1.0, rel=1e-14)
    profile = profiles.piecewise_linear(nodes=[-1.0, -0.2, 0.5, 1.0], values=[1.0, 2.0, 0.5, 1.5])
    exact_mean = integrate.quad(lambda x: profile.T(np.array([x]))[0] ** -2, -1.0, 1.0, points=[-0.2, 0.5], epsabs=1e-14)[0] / 2.0
    split = abs(np.sum(weights * profile.T(nodes) ** -2) / exact_mean - 1.0)
    whole_nodes, whole_weights = exact.initial_distribution("uniform", DOMAIN, order=18)  # as many nodes, no split
    whole = abs(np.sum(whole_weights * profile.T(whole_nodes) ** -2) / exact_mean - 1.0)
    assert split < 1e-4 and split < whole / 10
