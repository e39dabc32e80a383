"""Inertial ensembles: equipartition, equilibrium at uniform temperature, small-mass trend."""

import numpy as np
from _cases import DOMAIN, mesh40, model_cases, sample_steady_state

import fpsolver
from fpsolver import compare, exact, profiles
from fpsolver.ensembles import run_inertial_ensemble


def test_uniform_temperature_gives_flat_density_and_equipartition_for_any_friction():
    """GCLM2 (x-dependent eta2) with local temperature T = 1.5 is in equilibrium: P flat, M<v^2> = k_B T.

    docs/physics/small_mass.md: at uniform temperature the inertial models are in equilibrium
    for any gamma(x); the overdamped Eq. 57 would instead give P ∝ eta2(x).
    """
    model = fpsolver.GCLM2(profiles.formula("1.5"), sigma=0.6, temperature="local")
    mesh = mesh40()
    mass = 0.2
    result = run_inertial_ensemble(model, mesh, 20_000, 2e-3, 3.0, mass=mass, burn_in=1.0, seed=4, sample_interval=0.05)
    flat = np.full(result.x.size, 0.5)
    assert compare.chi2_per_dof(result.P, flat, result.P_error) < 2.0
    assert abs(mass * result.steady_v_square - 1.5) < 4 * mass * result.steady_v_square_error + 0.01
    ito_form = exact.steady_state(model, mesh)  # ∝ eta2: clearly not flat, so the test can fail
    assert compare.l1_distance(ito_form, flat, result.volumes) > 10 * compare.l1_distance(result.P, flat, result.volumes)


def test_ito_model_inertial_histogram_approaches_overdamped_state_as_mass_decreases():
    """Constant friction: both overdamped forms agree; the L1 distance shrinks from M = 0.1 to M = 0.01."""
    model = model_cases()["ito"]
    mesh = mesh40()
    reference = compare.cell_averages(model, mesh)
    x0 = sample_steady_state(model, DOMAIN, 20_000, seed=1)
    distances = []
    for mass in (0.1, 0.01):
        result = run_inertial_ensemble(model, mesh, 20_000, mass / 5, 2.0, mass=mass, burn_in=0.5, seed=9, x0=x0, sample_interval=2 * mass)
        distances.append(compare.l1_distance(result.P, reference, result.volumes))
    assert distances[1] < 0.5 * distances[0], distances
