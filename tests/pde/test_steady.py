"""solve_steady against the exact zero-flux quadrature and the papers' closed forms."""

import numpy as np
import pytest

import fpsolver
from fpsolver import exact, meshes, potentials, profiles
from fpsolver.models import GCLM1, GCLM2, Ito

MODEL_FACTORIES = {
    "ito": lambda p: Ito(p),
    "ito_stratonovich_trap": lambda p: Ito(p, alpha=0.5, potential=potentials.harmonic(stiffness=2.0, center=0.2)),
    "gclm1": lambda p: GCLM1(p, kappa=0.7, alpha_tilde=0.002),
    "gclm1_kramers": lambda p: GCLM1(p, kappa=0.7, alpha_tilde=0.002, overdamped="kramers"),
    "gclm2_full": lambda p: GCLM2(p, sigma=0.3),
    "gclm2_local": lambda p: GCLM2(p, sigma=0.3, temperature="local"),
    "gclm2_constant": lambda p: GCLM2(p, sigma=0.3, friction="constant"),
    "gclm2_local_constant": lambda p: GCLM2(p, sigma=0.3, temperature="local", friction="constant"),
    "gclm2_double_well": lambda p: GCLM2(p, sigma=0.3, potential=potentials.double_well(barrier=0.5, minimum=0.5)),
}


def l1(P, Q, volumes):
    return float(np.sum(np.abs(P - Q) * volumes))


@pytest.mark.parametrize("model_name", sorted(MODEL_FACTORIES))
def test_steady_state_matches_exact_quadrature_to_roundoff_at_50_cells(model_name, profile, mesh50):
    model = MODEL_FACTORIES[model_name](profile)
    solution = fpsolver.solve_steady(model, mesh50)
    reference = exact.steady_state(model, mesh50)
    assert l1(solution.P, reference, solution.volumes) <= 1e-9
    assert solution.mass == pytest.approx(1.0, abs=1e-12)
    assert np.all(solution.P > 0)


def test_steady_flux_vanishes_on_every_face(mesh50):
    model = GCLM2(profiles.tanh_step(), sigma=0.2, potential=potentials.harmonic(stiffness=1.0))
    solution = fpsolver.solve_steady(model, mesh50)
    coefficients = model.coefficients(solution.x_faces, meshes.extent(mesh50))
    flux_scale = np.max(np.abs(coefficients.D)) * np.max(solution.P) / np.min(mesh50.cellVolumes)
    assert np.max(np.abs(solution.J)) <= 1e-12 * flux_scale


def test_pointwise_face_velocity_is_second_order():
    profile = profiles.tanh_step(T_left=2.0, T_right=0.5, width=0.2)
    model = Ito(profile)
    cells = np.array([50, 100, 200, 400])
    errors = []
    for n in cells:
        mesh = meshes.uniform(-1.0, 1.0, int(n))
        solution = fpsolver.solve_steady(model, mesh, face_velocity="pointwise")
        errors.append(l1(solution.P, exact.steady_state(model, mesh), solution.volumes))
    slope = -np.polyfit(np.log(cells), np.log(errors), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.15)
    assert errors[-1] > 1e-8  # really discretisation error, not round-off


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_ito_steady_state_is_power_law_of_temperature(alpha):
    profile = profiles.gaussian_hotspot(T_background=1.0, amplitude=1.5, width=0.4)
    mesh = meshes.geometric(-1.0, 1.0, 80, ratio=1.04)
    solution = fpsolver.solve_steady(Ito(profile, alpha=alpha), mesh)
    closed = exact.normalise(exact.ito_power_law(profile, solution.x, alpha), solution.volumes)
    assert l1(solution.P, closed, solution.volumes) <= 1e-10


def test_ito_soret_coefficient_is_one_over_T():
    """Eq. 8: P'/P = -S_T T' with S_T = 1/T; checked through d ln P / d ln T = -1 between cells."""
    profile = profiles.exponential(T0=2.0, length=0.7)
    mesh = meshes.uniform(-1.0, 1.0, 100)
    solution = fpsolver.solve_steady(Ito(profile), mesh)
    T = profile.T(solution.x)
    assert np.diff(np.log(solution.P)) / np.diff(np.log(T)) == pytest.approx(np.full(99, -1.0), abs=1e-9)


def test_gclm1_linear_profile_matches_eq31():
    T0, gradient, kappa, L = 1.5, 0.4, 2.0, 2.0
    profile = profiles.linear(T0=T0, gradient=gradient)
    mesh = meshes.uniform(-L / 2, L / 2, 60)
    model = GCLM1(profile, kappa=kappa, alpha_tilde=0.3, x0=0.0)  # T'' = 0, so alpha_tilde has no effect
    solution = fpsolver.solve_steady(model, mesh)
    closed = exact.gclm1_linear_eq31(solution.x, kappa=kappa, T0=T0, gradient=gradient)
    assert l1(solution.P, exact.normalise(closed, solution.volumes), solution.volumes) <= 1e-10


def test_gclm1_eq31_normalisation_constant():
    """A = (2 k_B T0 / kappa T0') sinh(kappa T0' L / (2 k_B T0)) normalises Eq. 31 on [-L/2, L/2].

    The paper prints sinh(kappa T0' L / k_B T0), without the 1/2; this test pins the
    correct value (the integral of the exponential over [-L/2, L/2]).
    """
    T0, gradient, kappa, L = 1.5, 0.4, 2.0, 2.0
    rate = kappa * gradient / T0
    mesh = meshes.uniform(-L / 2, L / 2, 4000)
    x = meshes.cell_centers(mesh)
    numeric = np.sum(np.exp(-rate * x)) * (L / 4000)
    assert numeric == pytest.approx(2.0 / rate * np.sinh(rate * L / 2.0), rel=1e-6)
    assert numeric != pytest.approx(2.0 / rate * np.sinh(rate * L), rel=1e-2)


def test_gclm2_local_constant_exponential_profile_matches_eq60():
    length = 0.8
    profile = profiles.exponential(T0=1.0, length=length)
    mesh = meshes.geometric(-1.0, 1.0, 70, ratio=1.05, refine="left")
    solution = fpsolver.solve_steady(GCLM2(profile, sigma=0.2, temperature="local", friction="constant"), mesh)
    closed = exact.gclm2_exponential_eq60(solution.x, length=length)
    assert l1(solution.P, exact.normalise(closed, solution.volumes), solution.volumes) <= 1e-10


def test_gclm2_full_friction_departs_from_eq59():
    """With the x-dependent eta2 the free steady state is P ∝ eta2/T (local), not 1/T."""
    profile = profiles.exponential(T0=1.0, length=0.8)
    mesh = meshes.uniform(-1.0, 1.0, 100)
    model = GCLM2(profile, sigma=0.3, temperature="local")
    solution = fpsolver.solve_steady(model, mesh)
    expected = exact.normalise(model.eta2(solution.x, (-1.0, 1.0)) / profile.T(solution.x), solution.volumes)
    eq59 = exact.normalise(1.0 / profile.T(solution.x), solution.volumes)
    assert l1(solution.P, expected, solution.volumes) <= 1e-10
    assert l1(solution.P, eq59, solution.volumes) > 0.1


def test_named_mesh_gives_same_answer_as_inline_definition():
    model = Ito(profiles.linear(T0=2.0, gradient=1.0))
    named = fpsolver.solve_steady(model, meshes.load_named("graded-walls"))
    inline = fpsolver.solve_steady(model, meshes.geometric(-1.0, 1.0, 200, ratio=1.03, refine="walls"))
    np.testing.assert_allclose(named.P, inline.P, rtol=1e-13)


@pytest.mark.parametrize(
    "model, fragment",
    [
        (Ito(profiles.linear(T0=0.2, gradient=1.0)), r"T\(-1\) = -0.8"),
        (Ito(profiles.formula("sqrt(x)")), r"T\(-1\) = nan"),
        (GCLM1(profiles.gaussian_hotspot(amplitude=1.0, width=0.2), kappa=1.0, alpha_tilde=-0.1), "eta_eff"),
        (GCLM2(profiles.linear(T0=0.5, gradient=1.0), sigma=0.2), r"T\(-1\) = -0.5"),
    ],
)
def test_solve_steady_rejects_unphysical_models_naming_x(model, fragment):
    with pytest.raises(ValueError, match=fragment):
        fpsolver.solve_steady(model, meshes.uniform(-1.0, 1.0, 20))


def test_exactness_survives_fipy_central_difference_fallback_at_fine_resolution():
    """At 20000 cells the face Peclet numbers are < 1e-3, where FiPy switches to central
    differencing; the compensated face velocity keeps the steady state exact."""
    model = Ito(profiles.tanh_step(T_left=2.0, T_right=0.5, width=0.2))
    mesh = meshes.uniform(-1.0, 1.0, 20000)
    solution = fpsolver.solve_steady(model, mesh)
    assert l1(solution.P, exact.steady_state(model, mesh, order=8, subdivisions=1), solution.volumes) <= 1e-12
