"""2D transients: conservation, positivity, relaxation to the 2D steady state."""

import shutil

import numpy as np
import pytest

from fpsolver import geometry, geometry_fields
from fpsolver.models import GCLM1, Ito
from fpsolver.pde.steady import solve_steady
from fpsolver.pde.transient import solve_transient

FIELD = "1 + 2*exp(-((x - 0.2)**2 + y**2)/(2*0.3**2))"


def _blob(points):
    return np.exp(-((points[0] + 0.5) ** 2 + (points[1] - 0.3) ** 2) / 0.02)


@pytest.mark.parametrize("scheme", ["euler", "tr-bdf2"])
def test_2d_transient_conserves_mass_and_relaxes_to_steady_state(scheme):
    mesh = geometry.nonuniform_grid(np.linspace(0.03, 0.07, 40), np.full(36, 2.0 / 36), origin=(-1.0, -1.0))
    model = Ito(geometry_fields.formula(FIELD), potential=geometry_fields.potential_formula("x*y + x**2/2"))
    solution = solve_transient(model, mesh, _blob, t_end=12.0, dt=0.05, scheme=scheme, times=[0.1, 1.0])
    assert np.max(np.abs(solution.mass - 1.0)) < 1e-10
    assert solution.P.min() >= -1e-14 if scheme == "tr-bdf2" else solution.P.min() >= 0.0
    steady = solve_steady(model, mesh)
    assert np.sum(np.abs(solution.P[-1] - steady.P) * steady.volumes) < 1e-5


def test_gclm1_2d_transient_conserves_mass_adaptive():
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (30, 30))
    model = GCLM1(geometry_fields.formula(FIELD), kappa=0.7, alpha_tilde=0.01)
    solution = solve_transient(model, mesh, _blob, t_end=0.5, dt=0.01, scheme="euler", adaptive=True, tolerance=1e-5)
    assert np.max(np.abs(solution.mass - 1.0)) < 1e-10
    assert solution.P.min() >= 0.0
    assert solution.to_xarray()["P"].shape == (1, 900)


@pytest.mark.skipif(shutil.which("gmsh") is None, reason="gmsh executable not on PATH")
def test_disc_transient_conserves_mass():
    pytest.importorskip("gmsh")
    mesh = geometry.disc(cell_size=0.1)
    model = Ito(geometry_fields.formula("1 + 2*exp(-(x**2 + y**2)/(2*0.3**2))"))
    solution = solve_transient(model, mesh, _blob, t_end=1.0, dt=0.05, scheme="tr-bdf2")
    assert np.max(np.abs(solution.mass - 1.0)) < 1e-10


def test_absorbing_square_decays_like_the_fundamental_mode():
    """D = 1 on [-1, 1]^2 with P = 0 on the walls: P0 = cos(pi x/2) cos(pi y/2) is the
    slowest mode, so the survival probability is exp(-pi^2 t / 2) exactly (up to O(h^2, dt^2))."""
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (60, 60))
    model = Ito(geometry_fields.formula("1 + 0*x"))
    solution = solve_transient(model, mesh, lambda p: np.cos(np.pi * p[0] / 2) * np.cos(np.pi * p[1] / 2), 0.5, dt=5e-4, scheme="tr-bdf2", boundary="absorbing")
    assert solution.mass[-1] == pytest.approx(np.exp(-(np.pi**2) / 2 * 0.5), rel=2e-3)
    assert np.all(np.diff(solution.mass) < 0)
