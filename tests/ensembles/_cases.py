"""Shared models, meshes and helpers of the ensemble tests (one list, not copies)."""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import fpsolver
from fpsolver import exact, meshes, potentials, profiles
from fpsolver.analysis.observables import steady_moments

DOMAIN = (-1.0, 1.0)


def model_cases():
    """The three models with non-trivial steady states on [-1, 1] (GCLM2 in its full form)."""
    return {
        "ito": fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8)),
        "gclm1": fpsolver.GCLM1(profiles.gaussian_hotspot(T_background=1.0, amplitude=1.0, center=-0.2, width=0.4), kappa=0.5, alpha_tilde=0.05),
        "gclm2": fpsolver.GCLM2(profiles.exponential(T0=1.0, length=0.8), sigma=0.6, eta=4.0),
    }


def weak_order_model():
    """A harmonic trap inside a temperature gradient with walls far away (P at walls < 1e-7).

    gCLm-I with T = exp(-x/3): the drift (x + kappa T')/eta_eff is non-linear, so the
    discretisation bias of <x> is not zero by symmetry (for a linear drift it is).
    """
    model = fpsolver.GCLM1(profiles.exponential(T0=1.0, length=3.0), kappa=1.0, alpha_tilde=0.8, T0=1.0, potential=potentials.harmonic(stiffness=1.0))
    return model, (-6.0, 6.0)


def exact_moments(model, domain):
    """<x> and <x^2> of the exact zero-flux steady state."""
    return steady_moments(model, domain)


def sample_steady_state(model, domain, n, seed):
    """n positions drawn from the exact steady state (inverse CDF on a fine grid)."""
    x = np.linspace(domain[0], domain[1], 20001)
    P = exact.steady_state_at(model, x, domain)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (P[1:] + P[:-1]) * np.diff(x))])
    cdf /= cdf[-1]
    u = np.random.default_rng(seed).random(n)
    return np.interp(u, cdf, x)


def mesh40():
    return meshes.uniform(DOMAIN[0], DOMAIN[1], 40)


def mean_first_passage_time(model, domain, x0, points=4001):
    """Backward equation -A tau' + D tau'' = -1, tau = 0 at both walls (2nd-order finite differences)."""
    x = np.linspace(domain[0], domain[1], points)
    h = x[1] - x[0]
    c = model.coefficients(x[1:-1], domain)
    lower = c.D / h**2 + c.A / (2 * h)
    upper = c.D / h**2 - c.A / (2 * h)
    matrix = sp.diags([lower[1:], -2 * c.D / h**2, upper[:-1]], [-1, 0, 1], format="csc")
    tau = spla.spsolve(matrix, -np.ones(points - 2))
    return float(np.interp(x0, x[1:-1], tau))
