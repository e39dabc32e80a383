"""Convergence order of the 2D scheme where no zero-flux state exists, and the
Kramers overdamped form of gCLm-I in 2D."""

import numpy as np
import pytest

from fpsolver import geometry, geometry_fields
from fpsolver.models import GCLM1, Ito
from fpsolver.pde.steady import solve_steady

DECLARED_ORDER = 2  # second order in h (module docstring of fpsolver.pde.operator)


def _on_grid(model, n, face_velocity):
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (n, n))
    return solve_steady(model, mesh, face_velocity=face_velocity).P.reshape(n, n)


@pytest.mark.parametrize("face_velocity", ["exact", "pointwise"])
def test_non_equilibrium_2d_steady_state_converges_at_second_order(face_velocity):
    """Hot spot plus the potential x y + x^2/2: A/D is no gradient, a circulating
    steady current exists and neither face rule is exact. Self-convergence on grids
    of 15, 45, 135 cells per axis (ratio 3, so every coarse centre is a fine centre):
    the differences between successive grids shrink by 3^order."""
    model = Ito(
        geometry_fields.formula("1 + 2*exp(-((x - 0.2)**2 + y**2)/(2*0.3**2))"),
        potential=geometry_fields.potential_formula("x*y + x**2/2"),
    )
    P15, P45, P135 = (_on_grid(model, n, face_velocity) for n in (15, 45, 135))
    difference_coarse = np.max(np.abs(P15 - P45[1::3, 1::3]))
    difference_fine = np.max(np.abs(P45 - P135[1::3, 1::3]))
    order = np.log(difference_coarse / difference_fine) / np.log(3.0)
    assert abs(order - DECLARED_ORDER) < 0.25, order


def test_gclm1_kramers_form_in_2d_is_ito_times_sqrt_d():
    """Kramers adds gamma' Gamma / gamma^3 = -grad D / 2 to A, so the zero-flux density
    becomes P_ito * sqrt(D) (D = D0 / eta_eff^2); radial T keeps A/D a gradient so both
    discrete states are exact."""
    field = geometry_fields.formula("1 + 0.5*exp(-(x**2 + y**2)/(2*0.4**2))")
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (24, 24))
    ito = GCLM1(field, kappa=0.8, alpha_tilde=0.02, T0=1.2)
    kramers = GCLM1(field, kappa=0.8, alpha_tilde=0.02, T0=1.2, overdamped="kramers")
    P_ito, solution = solve_steady(ito, mesh).P, solve_steady(kramers, mesh)
    expected = P_ito / ito.eta_eff(solution.points)
    expected /= np.sum(expected * solution.volumes)
    assert np.max(np.abs(solution.P / expected - 1.0)) < 1e-10
