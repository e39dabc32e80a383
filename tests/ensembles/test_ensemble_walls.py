"""Reflecting walls conserve particles; absorbing walls give the backward equation's mean first-passage time
(overdamped ensembles, and inertial ones in the small-mass limit with the kinetic boundary layer)."""

import numpy as np
from _cases import mean_first_passage_time

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.ensembles import run_ensemble, run_inertial_ensemble

#: Milne extrapolation length of the Klein-Kramers equation in units of sqrt(k_B T M)/gamma: -zeta(1/2)
MILNE_LENGTH = 1.4603545088


def test_reflecting_walls_conserve_the_particle_count():
    model = fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8))
    result = run_ensemble(model, meshes.uniform(-1, 1, 20), 5000, 5e-2, 5.0, scheme="euler", seed=1, record_every=1)
    assert np.all(result.alive == 5000)
    assert np.all(result.exit_side == 0)
    assert np.all((result.final_x >= -1) & (result.final_x <= 1))


def test_absorbing_walls_mean_exit_time_matches_backward_equation():
    """Mean exit time from x0 = 0.3 within 4 standard errors (+0.5% for O(dt) bias) of the FD solution."""
    model = fpsolver.Ito(profiles.exponential(T0=1.0, length=2.0))
    domain = (-1.0, 1.0)
    result = run_ensemble(model, meshes.uniform(*domain, 20), 40_000, 1e-3, 8.0, scheme="euler", seed=2, x0=0.3, boundary="absorbing")
    assert np.all(result.exit_side != 0), "all particles must be absorbed for the mean to be unbiased"
    mean, error = result.mean_exit_time()
    expected = mean_first_passage_time(model, domain, 0.3)
    assert abs(mean - expected) < 4 * error + 0.005 * expected, (mean, error, expected)
    # survival decreases monotonically from 1 to 0
    assert result.survival[0] == 1.0 and np.all(np.diff(result.survival) <= 0)


def test_inertial_absorbing_walls_reach_the_overdamped_exit_time_beyond_the_kinetic_layer():
    """Small mass M: the inertial mean exit time is the overdamped backward equation's with the
    walls moved out by the Milne length -zeta(1/2) sqrt(k_B T M)/gamma (Hagan, Doering and
    Levermore 1989); with M = 3e-3 that shift (+0.08 in tau) is ~10 standard errors, so the test
    also sees that the walls absorb at the wall and not before or after the layer."""
    model = fpsolver.Ito(profiles.formula("1 + 0*x"), potential=potentials.formula("0.5*x"))  # k_B T = eta = 1
    domain, mass = (-1.0, 1.0), 3e-3
    result = run_inertial_ensemble(model, meshes.uniform(*domain, 20), 4096, mass / 10, 8.0, mass=mass, boundary="absorbing", x0=0.0, seed=1, burn_in=0.0, sample_interval=mass / 10)
    assert np.all(result.exit_side != 0) and np.all(np.isnan(result.final_x))
    mean, error = result.mean_exit_time()
    shift = MILNE_LENGTH * np.sqrt(mass)
    expected = mean_first_passage_time(model, (domain[0] - shift, domain[1] + shift), 0.0)
    overdamped = mean_first_passage_time(model, domain, 0.0)
    assert abs(mean - expected) < 4 * error, (mean, error, expected)
    assert abs(mean - overdamped) > 8 * error
    assert result.alive[0] == 4096 and result.alive[-1] == 0 and np.all(np.diff(result.alive) <= 0)
