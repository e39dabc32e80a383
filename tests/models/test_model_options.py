"""Option combinations of the models that used to be silently inconsistent: refused,
or flagged with their consequence computed exactly."""

from __future__ import annotations

import numpy as np
import pytest

from fpsolver import meshes, profiles
from fpsolver.analysis.metrics import uniform_temperature_departure
from fpsolver.models import GCLM1, GCLM2, Ito
from fpsolver.pde import exact

MESH = meshes.uniform(-1.0, 1.0, 200)
DOMAIN = (-1.0, 1.0)


@pytest.mark.parametrize("alpha", [0.5, 1.0])
def test_kramers_form_of_the_ito_model_refuses_a_nonzero_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        Ito(profiles.linear(), alpha=alpha, overdamped="kramers")


def test_kramers_form_of_the_ito_model_is_the_alpha_zero_model():
    x = meshes.cell_centers(MESH)
    kramers, ito = Ito(profiles.exponential(), overdamped="kramers"), Ito(profiles.exponential())
    assert np.allclose(kramers.coefficients(x, DOMAIN).A, ito.coefficients(x, DOMAIN).A, rtol=0, atol=1e-15)


def test_constant_friction_with_nonlocal_temperature_is_not_flat_at_uniform_temperature():
    flagged = GCLM2(profiles.exponential(), sigma=0.25, friction="constant")
    assert flagged.breaks_fluctuation_dissipation
    uniform = flagged.at_uniform_temperature(2.0)
    x = meshes.cell_centers(MESH)
    # D P = const with D = k_B T eta2_full(x) / eta2_const^2 (A = 0): P ∝ 1 / eta2_full
    full_friction = GCLM2(profiles.exponential(), sigma=0.25).eta2(x, DOMAIN)
    expected = exact.normalise(1.0 / full_friction, np.full(x.size, 0.01))
    assert np.max(np.abs(exact.steady_state(uniform, MESH) / expected - 1.0)) < 1e-8
    assert uniform_temperature_departure(uniform, MESH)["uniform_T_l1_to_flat"] > 0.1


@pytest.mark.parametrize(("temperature", "friction", "overdamped"), [("local", "constant", "ito"), ("nonlocal", "full", "kramers"), ("local", "full", "kramers")])
def test_consistent_pairings_are_flat_at_uniform_temperature(temperature, friction, overdamped):
    model = GCLM2(profiles.exponential(), sigma=0.25, temperature=temperature, friction=friction, overdamped=overdamped)
    assert not model.breaks_fluctuation_dissipation
    assert uniform_temperature_departure(model.at_uniform_temperature(), MESH)["uniform_T_l1_to_flat"] < 1e-9


def test_from_physical_uses_the_relation_after_eq_28():
    model = GCLM1.from_physical(profiles.linear(), pressure=2.0, particle_volume=0.3, tau_R=0.01, T_ref=1.5, eta=2.0)
    assert model.kappa == pytest.approx(2.0 * 0.3 / (2 * 1.5), rel=1e-15)
    assert model.alpha_tilde == pytest.approx(0.01 / (np.pi * 2.0) * model.kappa, rel=1e-15)
    assert model.T0(DOMAIN) == 1.5


def test_gclm1_T0_per_particle_is_the_only_string_and_is_described():
    model = GCLM1(profiles.linear(T0=1.0, gradient=0.4), kappa=1.0, T0="per-particle", x0=0.5)
    assert model.per_particle_T0 and model.describe()["T0"] == "per-particle"
    assert model.T0(DOMAIN) == pytest.approx(1.2)  # the reference: T(x0)
    assert model.noise_ratios(np.array([-1.0, 0.5, 1.0]), DOMAIN) == pytest.approx([0.6 / 1.2, 1.0, 1.4 / 1.2])
    fixed = model.with_noise_ratio(0.5, DOMAIN)
    assert not fixed.per_particle_T0 and fixed.T0(DOMAIN) == pytest.approx(0.6)
    x = meshes.cell_centers(MESH)
    assert fixed.coefficients(x, DOMAIN).D == pytest.approx(0.5 * model.coefficients(x, DOMAIN).D, rel=1e-14)
    assert not GCLM1(profiles.linear(), kappa=1.0).per_particle_T0
    with pytest.raises(ValueError, match="'T0' must be a number > 0, \"per-particle\" or None, got 'initial'") as error:
        GCLM1(profiles.linear(), kappa=1.0, T0="initial")
    assert "\n" not in str(error.value)
