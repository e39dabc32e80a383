"""Model coefficients: the paper's definitions, GCLM2 convolution facts, bad input."""

import numpy as np
import pytest
from scipy import integrate

from fpsolver import meshes, potentials, profiles
from fpsolver.models import GCLM1, GCLM2, MODELS, Ito, model_class

DOMAIN = (-2.0, 2.0)
X = np.linspace(-1.9, 1.9, 39)


def test_ito_coefficients_follow_eq6():
    profile = profiles.exponential(T0=2.0, length=0.7)
    model = Ito(profile, eta=3.0, kB=0.5, potential=potentials.harmonic(stiffness=2.0))
    c = model.coefficients(X, DOMAIN)
    np.testing.assert_allclose(c.D, 0.5 * profile.T(X) / 3.0)
    np.testing.assert_allclose(c.dD, 0.5 * profile.dT(X) / 3.0)
    np.testing.assert_allclose(c.A, 2.0 * X / 3.0)


def test_ito_alpha_convention_shifts_drift_by_alpha_dD():
    profile = profiles.tanh_step(width=0.3)
    ito, strat = Ito(profile), Ito(profile, alpha=0.5)
    np.testing.assert_allclose(strat.coefficients(X, DOMAIN).A, ito.coefficients(X, DOMAIN).A - 0.5 * ito.coefficients(X, DOMAIN).dD)


def test_gclm1_coefficients_follow_eq30_and_eq26():
    profile = profiles.gaussian_hotspot(T_background=1.0, amplitude=0.5, width=0.6)
    model = GCLM1(profile, kappa=0.8, alpha_tilde=0.1, eta=2.0, kB=1.5, T0=1.2, potential=potentials.harmonic())
    c = model.coefficients(X, DOMAIN)
    eta_eff = 2.0 * (1.0 - 0.1 * profile.d2T(X))
    np.testing.assert_allclose(c.A, (X + 0.8 * profile.dT(X)) / eta_eff)
    np.testing.assert_allclose(c.D, 2.0 * 1.5 * 1.2 / eta_eff**2)
    h = 1e-5
    fd = (model.coefficients(X + h, DOMAIN).D - model.coefficients(X - h, DOMAIN).D) / (2 * h)
    np.testing.assert_allclose(c.dD, fd, rtol=1e-6, atol=1e-9)


def test_gclm1_T0_defaults_to_temperature_at_x0_or_domain_centre():
    profile = profiles.linear(T0=1.0, gradient=0.2)
    assert GCLM1(profile, kappa=1.0).T0(DOMAIN) == pytest.approx(1.0)
    assert GCLM1(profile, kappa=1.0, x0=1.0).T0(DOMAIN) == pytest.approx(1.2)
    assert GCLM1(profile, kappa=1.0).T0((0.0, 2.0)) == pytest.approx(1.2)


def test_gclm1_physical_parameters_follow_eq28():
    model = GCLM1.from_physical(profiles.linear(), pressure=2.0, particle_volume=0.3, tau_R=0.01, T_ref=1.5, eta=2.0)
    assert model.kappa == pytest.approx(2.0 * 0.3 / (2 * 1.5))
    assert model.alpha_tilde == pytest.approx(0.01 / (np.pi * 2.0) * model.kappa)
    assert model.T0(DOMAIN) == pytest.approx(1.5)


def test_kramers_form_adds_noise_induced_drift():
    """docs/physics/small_mass.md: gCLm-I small-mass limit has A_kramers = A_ito - D'/2 (constant noise)."""
    model = GCLM1(profiles.gaussian_hotspot(width=0.5), kappa=0.3, alpha_tilde=0.05)
    kramers = GCLM1(profiles.gaussian_hotspot(width=0.5), kappa=0.3, alpha_tilde=0.05, overdamped="kramers")
    ito, kr = model.coefficients(X, DOMAIN), kramers.coefficients(X, DOMAIN)
    np.testing.assert_allclose(kr.A, ito.A - 0.5 * ito.dD, atol=1e-14)
    np.testing.assert_allclose(kr.D, ito.D)


def test_gclm2_kramers_limit_is_local_equilibrium_at_uniform_temperature():
    """At uniform T the Kramers form of model II gives a flat density: A = D' exactly."""
    model = GCLM2(profiles.linear(T0=1.3, gradient=0.0), sigma=0.4, overdamped="kramers")
    c = model.coefficients(X, DOMAIN)
    np.testing.assert_allclose(c.A, -c.dD, atol=1e-10 * np.abs(c.dD).max())


def test_gclm2_friction_integral_matches_infinite_domain_closed_form():
    """∫F^2 dX = sqrt(pi)(sigma + x^2/(2 sigma)) away from the walls (docs/physics/models.md)."""
    sigma, L = 0.2, 4.0
    model = GCLM2(profiles.linear(T0=1.0, gradient=0.0), sigma=sigma, eta=1.0, L=L)
    x = np.linspace(-1.0, 1.0, 21)  # >= 5 sigma from the walls at +-2
    closed = np.sqrt(np.pi) * (sigma + x**2 / (2 * sigma))
    np.testing.assert_allclose(model.eta2(x, DOMAIN) * L, closed, rtol=1e-8)


def test_gclm2_diffusion_equals_eta2_kT_for_constant_temperature():
    model = GCLM2(profiles.linear(T0=1.7, gradient=0.0), sigma=0.3, kB=0.8)
    np.testing.assert_allclose(model.Deff2(X, DOMAIN), model.eta2(X, DOMAIN) * 0.8 * 1.7, rtol=1e-10)


def test_gclm2_constant_friction_is_papers_approximation():
    model = GCLM2(profiles.linear(T0=2.0), sigma=0.3, friction="constant", eta=2.0)  # T > 0 on the whole domain [-2, 2]
    np.testing.assert_allclose(model.eta2(X, DOMAIN), 2.0 * np.sqrt(np.pi) * 0.3 / 4.0)


def direct_thermal_integral(profile, sigma, x, domain):
    """∫_Omega F(x,X)^2 T(X) dX by adaptive quadrature (independent of the FFT path)."""

    def integrand(X, xi):
        u = xi - X
        g = np.exp(-(u**2) / (2 * sigma**2))
        F = g * (1 - xi * u / sigma**2)
        return F**2 * profile.T(np.array([X]))[0]

    return np.array([integrate.quad(integrand, *domain, args=(xi,), epsabs=1e-13, epsrel=1e-12, limit=200)[0] for xi in x])


def test_gclm2_auxiliary_grid_accuracy_converges_at_fourth_order():
    profile = profiles.tanh_step(T_left=2.0, T_right=1.0, width=0.3)
    sigma, x = 0.25, np.linspace(-1.95, 1.95, 14)
    reference = direct_thermal_integral(profile, sigma, x, DOMAIN)
    points = np.array([129, 257, 513, 1025])
    errors = []
    for n in points:
        model = GCLM2(profile, sigma=sigma, L=1.0, aux_points=int(n))
        errors.append(np.max(np.abs(model.Deff2(x, DOMAIN) - reference) / reference))
    slope = -np.polyfit(np.log(points - 1), np.log(errors), 1)[0]
    assert slope >= 3.7
    default = GCLM2(profile, sigma=sigma, L=1.0)
    assert np.max(np.abs(default.Deff2(x, DOMAIN) - reference) / reference) < 1e-9


def test_gclm2_user_kernel_matches_builtin_gaussian():
    profile = profiles.exponential(T0=1.0, length=1.5)
    builtin = GCLM2(profile, sigma=0.3)
    custom = GCLM2(profile, sigma=0.3, kernel="exp(-u**2/(2*sigma**2))")
    for a, b in zip([builtin.coefficients(X, DOMAIN)], [custom.coefficients(X, DOMAIN)]):
        np.testing.assert_allclose(a.D, b.D, rtol=1e-12)
    np.testing.assert_allclose(
        GCLM2(profile, sigma=0.3, kernel="exp(-u**2/(2*sigma**2))", friction="constant").eta2(X, DOMAIN),
        builtin.constant_friction(DOMAIN),
        rtol=1e-10,
    )


def test_gclm2_derivatives_are_consistent_with_values():
    model = GCLM2(profiles.gaussian_hotspot(width=0.4), sigma=0.3)
    terms = model.langevin_terms(X, DOMAIN)
    h = 1e-5
    fd_friction = (model.eta2(X + h, DOMAIN) - model.eta2(X - h, DOMAIN)) / (2 * h)
    fd_noise = (model.Deff2(X + h, DOMAIN) - model.Deff2(X - h, DOMAIN)) / (2 * h)
    np.testing.assert_allclose(terms.dfriction, fd_friction, atol=1e-7 * np.abs(fd_friction).max())
    np.testing.assert_allclose(terms.dnoise, fd_noise, atol=1e-7 * np.abs(fd_noise).max())


def test_registry_names_and_unknown_model():
    assert set(MODELS) == {"ito", "gclm1", "gclm2"}
    assert model_class("gclm2") is GCLM2
    with pytest.raises(ValueError, match="unknown model 'gclm3'.*gclm1"):
        model_class("gclm3")


@pytest.mark.parametrize(
    "build, fragment",
    [
        (lambda p: GCLM2(p, sigma=0.0), "'sigma' must be finite and > 0"),
        (lambda p: GCLM2(p, sigma=-1.0), "'sigma' must be finite and > 0"),
        (lambda p: GCLM2(p, sigma=0.1, temperature="global"), "'temperature' must be one of"),
        (lambda p: GCLM2(p, sigma=0.1, friction="x"), "'friction' must be one of"),
        (lambda p: Ito(p, eta=0.0), "'eta' must be finite and > 0"),
        (lambda p: Ito(p, alpha=2.0), "'alpha' must lie in"),
        (lambda p: Ito(p, kB=float("nan")), "'kB' must be finite and > 0"),
        (lambda p: GCLM1(p, kappa=float("inf")), "'kappa' must be finite"),
        (lambda p: Ito(p, overdamped="stratonovich"), "'overdamped' must be one of"),
    ],
)
def test_bad_model_parameters_raise_clear_errors(build, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        build(profiles.linear())


def test_gclm1_nonpositive_eta_eff_names_first_bad_x():
    profile = profiles.gaussian_hotspot(T_background=1.0, amplitude=1.0, width=0.2)  # T''(0) = -25
    model = GCLM1(profile, kappa=1.0, alpha_tilde=-0.1)  # eta_eff = 1 + 0.1 T'' < 0 near 0
    mesh = meshes.uniform(-1.0, 1.0, 40)
    with pytest.raises(ValueError, match=r"eta_eff\(-0\.\d+\) = -"):
        model.validate(meshes.cell_centers(mesh), meshes.extent(mesh))
