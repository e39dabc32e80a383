"""Exact references: the zero-flux quadrature and the papers' closed forms.

Zero-flux steady state in 1D (docs/physics/canonical.md):

    P_ss(x) = C / D(x) exp( - ∫_{x_0}^{x} A(s)/D(s) ds )

evaluated by high-order composite Gauss-Legendre quadrature between consecutive
points, independently of the finite-volume solver. Closed forms from the gCLm paper:
Ito P ∝ T^(alpha - 1) (Eq. 8 for alpha = 0), gCLm-I Eq. 31, gCLm-II Eq. 60.

On a ring of length L (docs/physics/canonical.md) the steady state carries a constant
current J: with q = D P and Phi(x) = ∫_{x_0}^{x} A/D,

    q(x) = c exp(-Phi(x)) [ 1 + (exp(Phi(L)) - 1) Psi(x) / Psi(L) ],   Psi(x) = ∫_{x_0}^{x} exp(Phi),
    J = -c (exp(Phi(L)) - 1) / Psi(L),

c fixed by ∫ P = 1 (Risken, *The Fokker-Planck Equation*, Sec. 11.3; Buettiker 1987,
Landauer 1988): :func:`periodic_steady_state`. J = 0 exactly when Phi(L) = 0.

gCLm-I with T0 = "per-particle" (T0 = T(x(0)) conserved along each trajectory) has
no single steady state: the ensemble's is the mixture of the fixed-T0 states weighted
by the initial density p0 (docs/papers.md),

    P(x) = ∫ p0(x0) P_ss(x; T0 = T(x0)) dx0 ≈ sum_k w_k P_ss(x; T0 = T(x0_k)),

with the quadrature (x0_k, w_k) of p0 from :func:`initial_distribution`:
:func:`per_particle_mixture`.

In 2D/3D a zero-flux steady state exists when A/D is a gradient, A/D = grad phi
(every free Ito model, gCLm-I with constant eta_eff, any model at constant T); then
P ∝ exp(-phi)/D with phi the line integral of A/D from a reference point:
:func:`zero_flux_reference_exists` tests the curl of A/D numerically and
:func:`steady_state_nd` integrates along straight segments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from fpsolver import _fipy
from fpsolver._fipy import Mesh
from fpsolver._validate import integer, reals, within_budget
from fpsolver.fields.profiles import TemperatureProfile
from fpsolver.meshes.builders import cell_centers, extent
from fpsolver.meshes.nd import bounding_box
from fpsolver.models import Model
from fpsolver.models.base import check_model_and_mesh
from fpsolver.pde.operator import BYTES_PER_NODE, MAX_QUADRATURE_ORDER

__all__ = [
    "steady_state",
    "steady_state_at",
    "periodic_steady_state",
    "periodic_steady_state_at",
    "steady_state_nd",
    "zero_flux_reference_exists",
    "ito_power_law",
    "gclm1_linear_eq31",
    "gclm2_exponential_eq60",
    "normalise",
    "initial_distribution",
    "per_particle_mixture",
]

State = TypeVar("State", np.ndarray, float, tuple)


def normalise(P: np.ndarray, volumes: np.ndarray) -> np.ndarray:
    """P scaled so that sum(P * volumes) = 1."""
    return P / np.sum(P * volumes)


def steady_state_at(model: Model, x: np.ndarray, domain: tuple[float, float], *, order: int = 20, subdivisions: int = 4) -> np.ndarray:
    """Unnormalised exact zero-flux density at the increasing points ``x`` (max = 1)."""
    if not isinstance(model, Model):
        raise TypeError(f"'model' must be a fpsolver Model, got {type(model).__name__}")
    model.require_one_noise_temperature("the exact steady state")
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


def initial_distribution(x0: float | str | np.ndarray, domain: tuple[float, float], *, breakpoints: np.ndarray = (), order: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature (nodes x0_k, weights w_k summing to 1) of an ensemble's initial density p0.

    ``x0`` as the ensembles take it: a point (one node), ``"uniform"`` (p0 = 1/L on the
    domain: Gauss-Legendre on each of the n pieces between the ``breakpoints`` inside it,
    max(4, ceil(order / n)) nodes per piece, so that a kink of T(x0) costs no accuracy and
    many spline knots do not multiply the nodes by ``order``), or an array of positions
    (its empirical distribution: each distinct position weighted by its count).
    """
    low, high = float(domain[0]), float(domain[1])
    if isinstance(x0, str):
        if x0 != "uniform":
            raise ValueError(f"'x0' must be a position, \"uniform\" or an array of positions, got {x0!r}")
        integer("order", order, maximum=MAX_QUADRATURE_ORDER)
        inner = np.asarray(breakpoints, dtype=float).ravel()
        edges = np.union1d([low, high], inner[(inner > low) & (inner < high)])
        unit, unit_weights = np.polynomial.legendre.leggauss(max(4, -(-order // (edges.size - 1))))
        centres, halves = 0.5 * (edges[1:] + edges[:-1]), 0.5 * np.diff(edges)
        nodes = (centres[:, None] + halves[:, None] * unit).ravel()
        return nodes, (halves[:, None] * unit_weights).ravel() / (high - low)
    positions = np.atleast_1d(reals("x0", x0))
    if positions.ndim != 1 or np.any((positions < low) | (positions > high)):
        raise ValueError(f"'x0' must be positions inside the domain [{low:g}, {high:g}]")
    nodes, counts = np.unique(positions, return_counts=True)
    return nodes, counts / positions.size


def per_particle_mixture(model: Model, nodes: np.ndarray, weights: np.ndarray, domain: tuple[float, float], state: Callable[[Model], State]) -> State:
    """sum_k w_k state(model at T0 = T(x0_k)): a steady property of a per-particle-T0 ensemble.

    ``state(fixed_model)`` is any property linear in the density (normalised density at
    cells, cell averages, a ring current J, or a tuple of them), so the mixture
    P(x) = ∫ p0(x0) P_ss(x; T0 = T(x0)) dx0 (module docstring) holds for it term by term;
    (``nodes``, ``weights``) from :func:`initial_distribution`. For a model with one noise
    temperature this is ``state(model)``. Cost: one ``state`` per node.
    """
    if not model.per_particle_T0:
        return state(model)
    weights = np.asarray(weights, dtype=float)
    ratios = model.noise_ratios(np.asarray(nodes, dtype=float), domain)  # type: ignore[attr-defined]
    parts = [state(model.with_noise_ratio(ratio, domain)) for ratio in ratios]  # type: ignore[attr-defined]
    if isinstance(parts[0], tuple):
        return tuple(sum(w * np.asarray(part[j], dtype=float) for w, part in zip(weights, parts)) for j in range(len(parts[0])))  # type: ignore[return-value]
    return sum(w * np.asarray(part, dtype=float) for w, part in zip(weights, parts))  # type: ignore[return-value]


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


def _gauss(order: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1] and the spectral integration matrix S
    (∫_0^{tau_k} f ≈ sum_j S_kj f(tau_j))."""
    nodes, weights = np.polynomial.legendre.leggauss(order)
    vandermonde = np.polynomial.legendre.legvander(nodes, order - 1)
    integrated = np.stack([np.polynomial.legendre.legval(nodes, np.polynomial.legendre.legint(np.eye(order)[n], lbnd=-1.0)) for n in range(order)], axis=1)
    return 0.5 * (nodes + 1.0), 0.5 * weights, 0.5 * integrated @ np.linalg.inv(vandermonde)


def periodic_steady_state_at(model: Model, x: np.ndarray, period: tuple[float, float], *, order: int = 24, pieces: int = 2000) -> tuple[np.ndarray, float]:
    """The steady state of ``model`` on the ring ``period`` = (x_0, x_0 + L) at the points ``x``.

    Returns (P(x), J): the density normalised by ∫_{x_0}^{x_0 + L} P dx = 1 and its
    constant current J (1/time; > 0 towards +x). Composite Gauss-Legendre with ``pieces``
    equal intervals of ``order`` nodes; Phi and Psi at the nodes from the spectral
    integration matrix, so both integrals converge spectrally for smooth coefficients.
    The points are wrapped into the period.

    Raises
    ------
    ValueError
        If the coefficients are not periodic (A, D at x_0 and x_0 + L differ).
    """
    model.require_one_noise_temperature("the exact ring steady state")
    low, high = float(period[0]), float(period[1])
    length = high - low
    tau, weights, integration = _gauss(order)
    edges = np.linspace(low, high, pieces + 1)
    width = np.diff(edges)
    nodes = edges[:-1, None] + width[:, None] * tau
    c = model.coefficients(nodes.ravel(), period)
    ends = model.coefficients(np.array([low, high]), period)
    if not (abs(ends.A[1] - ends.A[0]) <= 1e-8 * np.max(np.abs(c.A)) and abs(ends.D[1] - ends.D[0]) <= 1e-8 * np.max(c.D)):
        raise ValueError(f"periodic steady state: A and D differ at x = {low:g} and {high:g} (the coefficients must be periodic)")
    ratio = (c.A / c.D).reshape(nodes.shape) * width[:, None]
    phi_edges = np.concatenate([[0.0], np.cumsum(ratio @ weights)])
    phi = phi_edges[:-1, None] + ratio @ integration.T
    growth = np.exp(phi - phi.max()) * width[:, None]  # exp(Phi) scaled by exp(-max Phi)
    psi_edges = np.concatenate([[0.0], np.cumsum(growth @ weights)])
    psi = psi_edges[:-1, None] + growth @ integration.T
    total_phi, total_psi = phi_edges[-1], psi_edges[-1]
    shape = np.expm1(total_phi) / total_psi  # (exp(Phi(L)) - 1) / Psi(L), Psi scaled as above
    D_nodes = c.D.reshape(nodes.shape)
    mass = np.sum((np.exp(-phi) * (1.0 + shape * psi) / D_nodes * width[:, None]) @ weights)

    wrapped = low + np.mod(np.asarray(x, dtype=float) - low, length)
    # Phi and Psi at the points: integrate from the start of each point's piece
    piece = np.clip(np.searchsorted(edges, wrapped, side="right") - 1, 0, pieces - 1)
    offset = wrapped - edges[piece]
    sub = np.maximum(offset, 0.0)
    samples = edges[piece][:, None] + sub[:, None] * tau
    cs = model.coefficients(samples.ravel(), period)
    ratio_points = (cs.A / cs.D).reshape(samples.shape) * sub[:, None]
    phi_points = phi_edges[piece] + ratio_points @ weights
    inner = phi_edges[piece][:, None] + ratio_points @ integration.T  # Phi at the sample nodes
    psi_points = psi_edges[piece] + (np.exp(inner - phi.max()) * sub[:, None]) @ weights
    D_points = model.coefficients(wrapped, period).D
    P = np.exp(-phi_points) * (1.0 + shape * psi_points) / D_points / mass
    # J = -c (exp(Phi(L)) - 1)/Psi(L) with c = 1/mass and Psi unscaled = exp(max Phi) psi
    current = -shape * np.exp(-phi.max()) / mass
    return P, float(current)


def periodic_steady_state(model: Model, mesh: Mesh, *, order: int = 24, pieces: int = 2000) -> tuple[np.ndarray, float]:
    """Exact steady state on a 1D periodic mesh at its cell centres and its current, normalised
    like the discrete solution: sum(P V) = 1, and J scaled by the same factor (the current of
    the density P so normalised). See :func:`periodic_steady_state_at`."""
    x = cell_centers(mesh)
    P, current = periodic_steady_state_at(model, x, extent(mesh), order=order, pieces=pieces)
    scale = 1.0 / np.sum(P * _fipy.cell_volumes(mesh))
    return P * scale, current * scale


def _line_integrals(model: Model, start: np.ndarray, end: np.ndarray, domain, order: int) -> np.ndarray:
    """∫ A/D . dl along the straight segments from ``start`` to ``end`` (columns of (dim, n) arrays)."""
    tau, weights, _ = _gauss(order)
    delta = end - start
    samples = (start[:, :, None] + delta[:, :, None] * tau).reshape(start.shape[0], -1)
    c = model.coefficients(samples, domain)
    integrand = np.einsum("dk,dk->k", np.reshape(c.A, samples.shape), np.repeat(delta, order, axis=1)) / c.D
    return integrand.reshape(-1, order) @ weights


def zero_flux_reference_exists(model: Model, mesh: Mesh, *, samples: int = 64, tolerance: float = 1e-8) -> bool:
    """Whether A/D is a gradient on the 2D/3D ``mesh`` (so P ∝ exp(-phi)/D is the zero-flux state).

    The circulation of A/D around small squares (side 1e-3 of the mesh's diameter, in every
    coordinate plane) at up to ``samples`` cell centres, relative to the integral of |A/D|
    along them, must stay below ``tolerance``: it vanishes to round-off for a gradient and is
    about curl(A/D) x side / |A/D| otherwise. On periodic meshes phi must also be periodic.
    """
    lower, upper = bounding_box(mesh)
    points = _fipy.cell_centers(mesh)
    chosen = points[:, np.linspace(0, points.shape[1] - 1, min(samples, points.shape[1])).astype(int)]
    side = 1e-3 * float(np.linalg.norm(upper - lower))
    circulation, magnitude = 0.0, 0.0
    dim = points.shape[0]
    for first in range(dim):
        for second in range(first + 1, dim):
            corners = [np.zeros(dim), np.eye(dim)[first], np.eye(dim)[first] + np.eye(dim)[second], np.eye(dim)[second]]
            loop = 0.0
            for a, b in zip(corners, corners[1:] + corners[:1]):
                start, end = chosen + side * a[:, None], chosen + side * b[:, None]
                loop = loop + _line_integrals(model, start, end, (lower, upper), 8)
                c = model.coefficients(0.5 * (start + end), (lower, upper))
                magnitude += float(np.sum(np.linalg.norm(np.reshape(c.A, start.shape) / c.D, axis=0)) * side)
            circulation += float(np.sum(np.abs(loop)))
    if not circulation <= tolerance * magnitude:
        return False
    for axis in _fipy.periodic_axes(mesh):
        start = chosen.copy()
        end = chosen.copy()
        end[axis] = start[axis] + (upper[axis] - lower[axis])
        if np.max(np.abs(_line_integrals(model, start, end, (lower, upper), 32))) > 1e-9:
            return False
    return True


def steady_state_nd(model: Model, mesh: Mesh, *, order: int = 32) -> np.ndarray:
    """Zero-flux density P ∝ exp(-phi)/D at the cell centres of a 2D/3D mesh, sum(P V) = 1.

    phi(c) = ∫ A/D . dl along the straight segment from the mesh's first cell centre to c
    (``order``-point Gauss-Legendre): the exact reference when A/D is a gradient (check with
    :func:`zero_flux_reference_exists`). Coefficients are evaluated along the segments,
    so they must be defined there (inside holes of a Gmsh domain too: formulas are).
    """
    model.require_one_noise_temperature("the exact steady state")
    lower, upper = bounding_box(mesh)
    points = _fipy.cell_centers(mesh)
    reference = np.repeat(points[:, :1], points.shape[1], axis=1)
    phi = _line_integrals(model, reference, points, (lower, upper), order)
    log_P = -phi - np.log(model.coefficients(points, (lower, upper)).D)
    return normalise(np.exp(log_P - log_P.max()), _fipy.cell_volumes(mesh))
