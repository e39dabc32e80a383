"""Vectorised transition rates gamma_k(w) of the microscopic master equation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fpsolver.qme._occupations import bose_factors, fermi_dirac
from fpsolver.qme.baths import Bath


def transition_rates(baths: Sequence[Bath], bath_index: np.ndarray, omega: np.ndarray, particles: np.ndarray, *, hbar: float, k_B: float) -> np.ndarray:
    """gamma for each jump: bath ``bath_index``, released energy ``hbar * omega``.

    ``particles`` is +1 (a particle leaves the system into a fermionic bath), -1
    (one enters) or 0 (bosonic). Conventions are those of :class:`Bath`.

    Raises
    ------
    ValueError
        For a bosonic bath with a flat spectral density and a jump at w = 0, whose
        rate lim J(w) k_B T / (hbar w) diverges (quantum-thermophoresis, text after
        Eq. 5).
    """
    temperature = np.array([b.temperature for b in baths])[bath_index]
    strength = np.array([b.strength for b in baths])[bath_index]
    cutoff = np.array([b.cutoff for b in baths])[bath_index]
    ohmic = np.array([b.spectral_density == "ohmic" for b in baths])[bath_index]
    mu = np.array([b.chemical_potential for b in baths])[bath_index]
    fermi = particles != 0

    w = np.abs(omega)
    spectral = np.where(ohmic, strength * w * np.exp(-w / cutoff), strength)
    rates = np.zeros(omega.shape)

    boson = ~fermi
    zero = boson & (omega == 0)
    if np.any(zero & ~ohmic):
        bad = sorted(set(bath_index[zero & ~ohmic].tolist()))
        raise ValueError(
            f"bath(s) {bad}: flat spectral density with a non-zero jump operator A(w=0); "
            "gamma(0) = lim J(w) k_B T / (hbar w) diverges. Use spectral_density='ohmic' "
            "or a coupling without zero-frequency matrix elements"
        )
    rates[zero] = strength[zero] * k_B * temperature[zero] / hbar
    moving = boson & (omega != 0)
    emission, absorption = bose_factors(hbar * w[moving], temperature[moving], k_B=k_B)
    rates[moving] = spectral[moving] * np.where(omega[moving] > 0, emission, absorption)

    # A leaving particle carries E = hbar w out of the system; an entering one brings E = -hbar w.
    energy = np.where(particles > 0, hbar * omega, -hbar * omega)[fermi]
    filled = fermi_dirac(energy, temperature[fermi], mu[fermi], k_B=k_B)
    rates[fermi] = spectral[fermi] * np.where(particles[fermi] > 0, 1.0 - filled, filled)
    return rates
