"""Thermal baths of the microscopic master equation (docs/physics/quantum.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import scipy.sparse as sp

from fpsolver.qme._hermitian import is_hermitian

SPECTRAL_DENSITIES = ("flat", "ohmic")
STATISTICS = ("bose", "fermi")


@dataclass(frozen=True, kw_only=True)
class Bath:
    """One bath k coupled to the system.

    Parameters
    ----------
    coupling
        Bosonic bath: the Hermitian system operator S_k of H_I = S_k (x) B_k.
        Fermionic bath: the operator c_k that removes one particle from the system
        into the bath (e.g. ``|0><1|`` for a single level). A Hermitian ``c + c^†``
        cannot be used for fermions: the sign of a Bohr frequency does not tell
        whether a particle enters or leaves (a level below mu gains energy by
        filling), so the direction must be part of the input.
    temperature
        k_B T_k >= 0 is in energy units; ``T = 0`` is allowed.
    spectral_density
        ``"flat"``: J(w) = strength (the paper's J = Gamma); ``"ohmic"``:
        J(w) = strength * w * exp(-w / cutoff). Fermionic baths must be flat
        (wide-band limit).
    strength
        Gamma (flat) or eta (ohmic), a rate (1/time) or rate/frequency.
    cutoff
        Ohmic cutoff frequency w_c (``inf`` for a pure ohmic J = eta w).
    statistics
        ``"bose"`` or ``"fermi"``.
    chemical_potential
        mu_k of a fermionic bath (energy units); must be 0 for a bosonic bath.

    Rates (quantum-thermophoresis Eq. 5 and docs/physics/quantum.md), with w the energy
    released into the bath divided by hbar:

    * bose: gamma(w) = J(w) (1 + n(w)) for w > 0, J(|w|) n(|w|) for w < 0,
      gamma(0) = lim J(w) k_B T / (hbar w): eta k_B T / hbar (ohmic), divergent
      for a flat J (the builder raises ``ValueError``).
    * fermi: a particle leaving with energy E = hbar w at rate J (1 - f(E)), one
      entering with energy E at rate J f(E), f = 1/(1 + exp((E - mu)/(k_B T))).
    """

    coupling: sp.csr_matrix = field(repr=False)
    temperature: float
    spectral_density: Literal["flat", "ohmic"] = "flat"
    strength: float = 1.0
    cutoff: float = math.inf
    statistics: Literal["bose", "fermi"] = "bose"
    chemical_potential: float = 0.0

    def __post_init__(self) -> None:
        coupling = self.coupling
        if not (sp.isspmatrix_csr(coupling) and coupling.dtype == complex and coupling.has_canonical_format):
            coupling = sp.csr_matrix(coupling, dtype=complex)
            coupling.sum_duplicates()
            coupling.eliminate_zeros()
        if coupling.shape[0] != coupling.shape[1]:
            raise ValueError(f"coupling must be a square matrix, got shape {coupling.shape}")
        object.__setattr__(self, "coupling", coupling)
        if not (math.isfinite(self.temperature) and self.temperature >= 0):
            raise ValueError(f"temperature must be finite and >= 0, got {self.temperature}")
        if self.spectral_density not in SPECTRAL_DENSITIES:
            raise ValueError(f"spectral_density must be one of {SPECTRAL_DENSITIES}, got {self.spectral_density!r}")
        if self.statistics not in STATISTICS:
            raise ValueError(f"statistics must be one of {STATISTICS}, got {self.statistics!r}")
        if not (math.isfinite(self.strength) and self.strength >= 0):
            raise ValueError(f"strength must be finite and >= 0, got {self.strength}")
        if not self.cutoff > 0:
            raise ValueError(f"cutoff must be > 0, got {self.cutoff}")
        if self.statistics == "fermi" and self.spectral_density != "flat":
            raise ValueError("spectral_density must be 'flat' for a fermionic bath (wide-band limit)")
        if self.statistics == "bose":
            if self.chemical_potential != 0:
                raise ValueError("chemical_potential must be 0 for a bosonic bath")
            if not is_hermitian(coupling):
                raise ValueError("coupling must be Hermitian for a bosonic bath")
