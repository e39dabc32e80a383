"""Bose-Einstein and Fermi-Dirac occupations, safe at T = 0 and for large arguments."""

from __future__ import annotations

import numpy as np
from scipy.special import expit


def bose_factors(energy: np.ndarray, temperature: np.ndarray, *, k_B: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(1 + n, n)`` with ``n = 1 / (exp(E / (k_B T)) - 1)`` for ``E > 0``.

    Written as ``n = e^{-x} / (1 - e^{-x})`` with ``1 - e^{-x} = -expm1(-x)``, so a
    large ``x = E / (k_B T)`` underflows harmlessly instead of overflowing, and
    ``T = 0`` gives ``n = 0`` exactly. ``energy`` must be strictly positive.
    """
    energy, temperature = np.broadcast_arrays(np.asarray(energy, float), np.asarray(temperature, float))
    hot = temperature > 0
    x = np.full(energy.shape, np.inf)
    np.divide(energy, k_B * temperature, out=x, where=hot)
    one_minus_q = -np.expm1(-x)
    return 1.0 / one_minus_q, np.exp(-x) / one_minus_q


def fermi_dirac(energy: np.ndarray, temperature: np.ndarray, chemical_potential: np.ndarray, *, k_B: float = 1.0) -> np.ndarray:
    """``f = 1 / (1 + exp((E - mu) / (k_B T)))``; at ``T = 0`` a step with ``f(mu) = 1/2``."""
    energy, temperature, mu = np.broadcast_arrays(np.asarray(energy, float), np.asarray(temperature, float), np.asarray(chemical_potential, float))
    hot = temperature > 0
    x = np.zeros(energy.shape)
    np.divide(energy - mu, k_B * temperature, out=x, where=hot)
    step = 0.5 * (1.0 - np.sign(energy - mu))
    return np.where(hot, expit(-x), step)
