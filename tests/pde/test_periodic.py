"""Periodic meshes: the exact ring steady state and its current (docs/physics/canonical.md),
the discrete solution against it through the case workflow, and refused inputs."""

import numpy as np
import pytest

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.cases.run import run_case_directory
from fpsolver.pde import exact

RING = (0.0, 1.0)


def _tilted(force: float = 1.0) -> fpsolver.Ito:
    temperature = profiles.formula("1 + 0.5*sin(2*pi*x)")
    return fpsolver.Ito(temperature, potential=potentials.formula("0.5*cos(2*pi*x) - F*x", F=force))


def test_closed_form_satisfies_the_constant_current_equation():
    """J = -(A P + (D P)') at interior points, (D P)' by a fourth-order central difference of the closed form."""
    model = _tilted()
    x, h = np.array([0.13, 0.4, 0.77]), 5e-4
    P, current = exact.periodic_steady_state_at(model, x, RING)

    def q(shift: float) -> np.ndarray:
        return model.coefficients(x + shift, RING).D * exact.periodic_steady_state_at(model, x + shift, RING)[0]

    derivative = (-q(2 * h) + 8 * q(h) - 8 * q(-h) + q(-2 * h)) / (12 * h)
    flux = -(model.coefficients(x, RING).A * P + derivative)
    np.testing.assert_allclose(flux, current, rtol=2e-9)  # the difference is O(h^4): 5e-10 here
    grid = np.linspace(*RING, 4001)[:-1]
    P_grid, _ = exact.periodic_steady_state_at(model, grid, RING)
    assert abs(np.mean(P_grid) - 1.0) < 1e-12  # the trapezoid rule is spectral for periodic integrands


def test_closed_form_reduces_to_boltzmann_without_tilt_at_constant_temperature():
    model = fpsolver.Ito(profiles.formula("1.5 + 0*x"), potential=potentials.formula("0.5*cos(2*pi*x)"))
    x = np.linspace(0.05, 0.95, 7)
    P, current = exact.periodic_steady_state_at(model, x, RING)
    assert abs(current) < 1e-13
    boltzmann = np.exp(-0.5 * np.cos(2 * np.pi * x) / 1.5)
    np.testing.assert_allclose(P / boltzmann, (P / boltzmann)[0], rtol=1e-12)


@pytest.mark.parametrize("face_velocity", ["exact", "exact-flux"])
def test_discrete_ring_against_the_closed_form(face_velocity):
    """ "exact-flux" is exact at the cell centres for a current-carrying state; "exact" is 2nd order."""
    model = _tilted()
    mesh = meshes.geometric(*RING, 60, ratio=1.04, refine=0.3, periodic=True)
    solution = fpsolver.solve_steady(model, mesh, face_velocity=face_velocity)
    reference, current = exact.periodic_steady_state(model, mesh)
    error = np.max(np.abs(solution.P / reference - 1.0))
    current_error = abs(solution.metadata["current"] / current - 1.0)
    if face_velocity == "exact-flux":
        assert error < 1e-11 and current_error < 1e-11
    else:
        assert 1e-7 < error < 1e-2 and 1e-7 < current_error < 1e-2
    np.testing.assert_allclose(solution.J[solution.J != 0], solution.metadata["current"], rtol=1e-10)  # one current through every face


def test_exact_flux_keeps_zero_flux_states_exact_on_walled_meshes():
    model = fpsolver.Ito(profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.1, width=0.2))
    mesh = meshes.geometric(-1.0, 1.0, 50, ratio=1.05)
    solution = fpsolver.solve_steady(model, mesh, face_velocity="exact-flux")
    np.testing.assert_allclose(solution.P, exact.steady_state(model, mesh), rtol=1e-11)


def test_non_periodic_temperature_on_a_ring_is_refused():
    model = fpsolver.Ito(profiles.linear(T0=1.0, gradient=0.5))
    with pytest.raises(ValueError, match="periodic along x but the model's coefficients are not"):
        fpsolver.solve_steady(model, meshes.uniform(0.0, 1.0, 20, periodic=True))


def _ring_case(directory, potential: str, parameters: str) -> None:
    directory.mkdir()
    (directory / "case.toml").write_text(
        f"""
[domain]
x_min = 0.0
x_max = 1.0
[mesh]
cells = 80
[boundary]
left = "periodic"
right = "periodic"
[temperature]
profile = "formula"
expression = "1 + 0.5*sin(2*pi*x)"
[potential]
kind = "formula"
expression = "{potential}"
parameters = {parameters}
[models.ito]
[pde]
face_velocity = "exact-flux"
"""
    )


@pytest.mark.parametrize(("potential", "parameters"), [("0.5*cos(2*pi*x) - F*x", "{ F = 1.0 }"), ("V0*cos(2*pi*x)", "{ V0 = 0.5 }")], ids=["tilted", "buettiker-landauer"])
def test_ring_case_density_and_current_match_the_closed_form(tmp_path, potential, parameters):
    case = tmp_path / "ring"
    _ring_case(case, potential, parameters)
    run = run_case_directory(case, only=frozenset({"pde"}))
    metrics = run.results.metrics["ito"]
    assert metrics["l1_pde_vs_exact"] < 1e-9
    assert metrics["current_relative_error"] < 1e-9
    assert abs(metrics["current_exact"]) > 0.05  # a real current: tilt, or the temperature modulation alone
    assert all(check.passed for check in run.checks)
