"""Transient solves: conservation, positivity, relaxation, and convergence orders
against the exact Ornstein-Uhlenbeck solution."""

import numpy as np
import pytest

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.models import GCLM2, Ito

OU_MODEL = Ito(profiles.linear(T0=1.0, gradient=0.0), potential=potentials.harmonic(stiffness=1.0))
M0, V0 = 1.0, 0.1  # initial mean and variance


def ou_density(x, t):
    """Exact P(x, t) for dx = -x dt + sqrt(2) dW from a Gaussian (M0, V0)."""
    mean = M0 * np.exp(-t)
    variance = 1.0 + (V0 - 1.0) * np.exp(-2.0 * t)
    return np.exp(-((x - mean) ** 2) / (2 * variance)) / np.sqrt(2 * np.pi * variance)


def ou_error(mesh, dt, scheme, t_end=1.0):
    solution = fpsolver.solve_transient(OU_MODEL, mesh, lambda x: ou_density(x, 0.0), t_end, dt=dt, scheme=scheme)
    return float(np.sum(np.abs(solution.P[-1] - ou_density(solution.x, t_end)) * solution.volumes))


def fitted_order(steps, errors):
    return float(np.polyfit(np.log(steps), np.log(errors), 1)[0])


@pytest.mark.parametrize("scheme, order", [("euler", 1), ("tr-bdf2", 2)])
def test_time_convergence_order_against_exact_ou_solution(scheme, order):
    mesh = meshes.uniform(-6.0, 6.0, 3000)
    dts = np.array([0.2, 0.1, 0.05])
    errors = [ou_error(mesh, dt, scheme) for dt in dts]
    assert fitted_order(dts, errors) == pytest.approx(order, abs=0.15)


def test_space_convergence_is_second_order_against_exact_ou_solution():
    cells = np.array([60, 120, 240, 480])
    errors = [ou_error(meshes.uniform(-6.0, 6.0, int(n)), 0.002, "tr-bdf2") for n in cells]
    assert -fitted_order(cells, errors) == pytest.approx(2.0, abs=0.15)


@pytest.fixture(scope="module")
def long_run():
    mesh = meshes.geometric(-1.0, 1.0, 60, ratio=1.05, refine=0.1)
    model = GCLM2(profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.1, width=0.1), sigma=0.3)
    dt = 0.01
    solution = fpsolver.solve_transient(model, mesh, lambda x: np.exp(-((x + 0.6) ** 2) / 0.01), 1000 * dt, dt=dt, scheme="euler", times=dt * np.arange(1, 1001))
    return model, mesh, solution


def test_mass_conserved_to_1e10_over_1000_steps(long_run):
    _, _, solution = long_run
    assert solution.metadata["steps"] == 1000
    assert np.max(np.abs(solution.mass - 1.0)) <= 1e-10


def test_backward_euler_keeps_density_nonnegative(long_run):
    _, _, solution = long_run
    assert solution.snapshots.shape == (1000, 60)
    assert solution.snapshots.min() >= 0.0


def test_transient_relaxes_to_steady_state(long_run):
    model, mesh, solution = long_run
    steady = fpsolver.solve_steady(model, mesh)
    distance = np.sum(np.abs(solution.snapshots - steady.P) * solution.volumes, axis=1)
    assert distance[-1] < 1e-8
    relaxing = distance[100:-1] > 1e-10  # above the round-off floor (~1e-12) the approach is monotone
    assert relaxing.sum() > 100 and np.all(np.diff(distance[100:])[relaxing] <= 1e-15)


def test_adaptive_steps_meet_tolerance_and_hit_snapshot_times():
    mesh = meshes.uniform(-6.0, 6.0, 600)
    solution = fpsolver.solve_transient(OU_MODEL, mesh, lambda x: ou_density(x, 0.0), 2.0, dt=0.5, adaptive=True, tolerance=1e-6, scheme="tr-bdf2", times=[0.3, 1.0])
    np.testing.assert_allclose(solution.snapshot_times, [0.3, 1.0, 2.0])
    for t, P in zip(solution.snapshot_times, solution.snapshots):
        assert np.sum(np.abs(P - ou_density(solution.x, t)) * solution.volumes) < 2e-4
    assert solution.metadata["rejected_steps"] >= 1
    np.testing.assert_allclose(solution.mean[-1], M0 * np.exp(-2.0), atol=1e-4)


def test_absorbing_walls_survival_matches_eigenfunction_series():
    """Free diffusion on [0, 1], P = 0 at both walls, uniform start:
    S(t) = sum over odd n of 8/(n pi)^2 exp(-(n pi)^2 D t)."""
    D = 0.5
    model = Ito(profiles.linear(T0=D, gradient=0.0))
    solution = fpsolver.solve_transient(model, meshes.uniform(0.0, 1.0, 400), lambda x: np.ones_like(x), 0.2, dt=2e-4, scheme="tr-bdf2", boundary="absorbing")
    n = np.arange(1, 400, 2)[:, None]
    survival = np.sum(8 / (n * np.pi) ** 2 * np.exp(-((n * np.pi) ** 2) * D * solution.t[None, :]), axis=0)
    assert np.all(np.diff(solution.mass) < 0)
    np.testing.assert_allclose(solution.mass[50:], survival[50:], rtol=2e-4)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"t_end": 0.0}, "t_end"),
        ({"dt": -1.0}, "dt"),
        ({"scheme": "rk4"}, "scheme"),
        ({"P0": -np.ones(10)}, "P0"),
        ({"P0": np.ones(3)}, "one value per cell"),
        ({"P0": np.zeros(10)}, "zero total probability"),
        ({"times": [2.0]}, "snapshot times"),
        ({"boundary": "sticky"}, "boundary"),
    ],
)
def test_bad_transient_input_raises_clear_errors(kwargs, fragment):
    arguments = {"P0": np.ones(10), "t_end": 1.0, **kwargs}
    with pytest.raises(ValueError, match=fragment):
        fpsolver.solve_transient(OU_MODEL, meshes.uniform(-1.0, 1.0, 10), arguments.pop("P0"), arguments.pop("t_end"), **arguments)


def test_steady_solve_refuses_absorbing_walls():
    from fpsolver.pde.operator import build_operator
    from fpsolver.pde.steady import stationary_density

    operator = build_operator(OU_MODEL, meshes.uniform(-1.0, 1.0, 10), boundary="absorbing")
    with pytest.raises(ValueError, match="absorbing"):
        stationary_density(operator)


def test_resume_from_checkpoint_is_bit_identical(tmp_path):
    mesh = meshes.uniform(-3.0, 3.0, 120)
    arguments = dict(dt=0.05, scheme="tr-bdf2", adaptive=True, tolerance=1e-6, times=[0.4, 0.8])
    full = fpsolver.solve_transient(OU_MODEL, mesh, lambda x: ou_density(x, 0.0), 1.5, **arguments)
    saved = []
    fpsolver.solve_transient(OU_MODEL, mesh, lambda x: ou_density(x, 0.0), 1.5, checkpoint=lambda s: saved.append(s.to_arrays()), checkpoint_every=7, **arguments)
    from fpsolver.pde.transient import TransientState

    middle = saved[len(saved) // 2]
    np.savez(tmp_path / "state.npz", **middle)
    with np.load(tmp_path / "state.npz") as arrays:
        state = TransientState.from_arrays(dict(arrays))
    assert 0 < state.t < 1.5
    resumed = fpsolver.solve_transient(OU_MODEL, mesh, None, 1.5, resume=state, **arguments)
    np.testing.assert_array_equal(resumed.snapshots, full.snapshots)
    np.testing.assert_array_equal(resumed.mean, full.mean)
    assert resumed.metadata["steps"] == full.metadata["steps"]
