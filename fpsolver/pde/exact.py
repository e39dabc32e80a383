"""Exact references: the zero-flux quadrature and the papers' closed forms.

Zero-flux steady state in 1D (PHYSICS.md section 1):

    P_ss(x) = C / D(x) exp( - ∫_{x_0}^{x} A(s)/D(s) ds )

evaluated by high-order composite Gauss-Legendre quadrature between consecutive
points, independently of the finite-volume solver. Closed forms from the gCLm paper:
Ito P ∝ T^(alpha - 1) (Eq. 8 for alpha = 0), gCLm-I Eq. 31, gCLm-II Eq. 60.
"""

from __future__ import annotations

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._validate import integer, reals, within_budget
from fpsolver.fields.profiles import TemperatureProfile
from fpsolver.meshes.builders import cell_centers, extent
from fpsolver.models import Model
from fpsolver.pde.operator import BYTES_PER_NODE, MAX_QUADRATURE_ORDER, check_model_and_mesh

__all__ = [
    "steady_state",
    "steady_state_at",
    "ito_power_law",
    "gclm1_linear_eq31",
    "gclm2_exponential_eq60",
    "normalise",
]


def normalise(P: np.ndarray, volumes: np.ndarray) -> np.ndarray:
    """P scaled so that sum(P * volumes) = 1."""
    return P / np.sum(P * volumes)


def steady_state_at(model: Model, x: np.ndarray, domain: tuple[float, float], *, order: int = 20, subdivisions: int = 4) -> np.ndarray:
    """Unnormalised exact zero-flux density at the increasing points ``x`` (max = 1)."""
    if not isinstance(model, Model):
        raise TypeError(f"'model' must be a fpsolver Model, got {type(model).__name__}")
    x = reals("x", x)
    integer("order", order, maximum=MAX_QUADRATURE_ORDER)
    integer("subdivisions", subdivisions, maximum=MAX_QUADRATURE_ORDER)
    within_budget("the exact steady state", memory_bytes=BYTES_PER_NODE * x.size * order * subdivisions, detail=f"{x.size} points, order = {order}, subdivisions = {subdivisions}")
    model.validate(x, domain)
    pieces = model.drift_over_diffusion_integral(x, domain, order=order, subdivisions=subdivisions)
    log_P = -np.concatenate([[0.0], np.cumsum(pieces)])
    log_P -= np.log(model.coefficients(x, domain).D)
    return np.exp(log_P - log_P.max())


def steady_state(model: Model, mesh: Mesh, *, order: int = 20, subdivisions: int = 4) -> np.ndarray:
    """Exact zero-flux density at the cell centres of a 1D mesh, sum(P V) = 1.

    Quadrature: ``order``-point Gauss-Legendre on ``subdivisions`` parts of every
    interval between neighbouring centres.
    """
    check_model_and_mesh(model, mesh)
    x = cell_centers(mesh)
    volumes = _fipy.cell_volumes(mesh)
    order_of_x = np.argsort(x)
    P = np.empty_like(x)
    P[order_of_x] = steady_state_at(model, x[order_of_x], extent(mesh), order=order, subdivisions=subdivisions)
    return normalise(P, volumes)


def ito_power_law(profile: TemperatureProfile, x: np.ndarray, alpha: float = 0.0) -> np.ndarray:
    """Free Ito-model steady state P ∝ T(x)^(alpha - 1) (Eq. 8: P ∝ 1/T for alpha = 0), max = 1."""
    P = profile.T(x) ** (alpha - 1.0)
    return P / P.max()


def gclm1_linear_eq31(x: np.ndarray, *, kappa: float, T0: float, gradient: float, kB: float = 1.0) -> np.ndarray:
    """gCLm Eq. 31 for T = T0 + T0' x, V = 0: P ∝ exp(-kappa T0' x / (k_B T0)), max = 1."""
    exponent = -kappa * gradient * np.asarray(x, dtype=float) / (kB * T0)
    return np.exp(exponent - exponent.max())


def gclm2_exponential_eq60(x: np.ndarray, *, length: float) -> np.ndarray:
    """gCLm Eq. 60 (local temperature, constant friction, T = T0 exp(-x/length)): P ∝ exp(x/length), max = 1."""
    exponent = np.asarray(x, dtype=float) / length
    return np.exp(exponent - exponent.max())
