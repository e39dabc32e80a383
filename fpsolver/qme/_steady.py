"""Steady state of a master equation: sparse Liouvillian solve or Pauli rate equations."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from fpsolver._validate import one_of, within_budget
from fpsolver.qme._builder import MasterEquation
from fpsolver.qme._records import Observable, Recorded, provenance

METHODS = ("auto", "pauli", "liouvillian")
# A pivot this small relative to the largest means the bordered generator is
# singular: the null space of the Liouvillian (or rate matrix) is not one-dimensional.
_PIVOT_RTOL = 1e-13


@dataclass(frozen=True, eq=False)
class QMESteadyState(Recorded):
    """The trace-one stationary state of a master equation and the currents it carries.

    Attributes
    ----------
    master_equation
        The generator this state belongs to.
    method
        ``"pauli"`` (rate equations; rho diagonal in the working basis) or
        ``"liouvillian"`` (full sparse solve).
    populations_basis
        Diagonal of rho in the working basis (``master_equation.basis``).
    coherent_rho
        The full rho in the working basis (Liouvillian path); ``None`` for Pauli,
        where rho is diagonal there.
    metadata
        Provenance: fpsolver version, method, Hilbert-space dimension, number of
        baths, whether the generator is secular, wall time of the solve (s).

    Sign conventions: every current is *from the system into bath k*. The energy
    current is the paper's J_k = -Tr[D_k(rho) H_S] (quantum-thermophoresis, Dufour
    section); particle currents count particles entering bath k; heat currents are
    J_k - mu_k N_k. Entropy production is sum_k Q_k / T_k (units of k_B per time when
    temperatures are energies) and is >= 0 for the global master equation.
    """

    master_equation: MasterEquation = field(repr=False)
    method: Literal["pauli", "liouvillian"]
    populations_basis: np.ndarray = field(repr=False)
    coherent_rho: np.ndarray | None = field(default=None, repr=False)

    @property
    def rho_basis(self) -> np.ndarray:
        """rho in the working basis (dense)."""
        if self.coherent_rho is None:
            return np.diag(self.populations_basis).astype(complex)
        return self.coherent_rho

    @cached_property
    def density_matrix(self) -> np.ndarray:
        """rho in the original basis of H_S (dense)."""
        return self.master_equation.to_original(self.rho_basis)

    @cached_property
    def diagonal(self) -> np.ndarray:
        """<i|rho|i> for the original basis states i."""
        basis = self.master_equation.basis
        if self.method == "pauli":
            return np.asarray(abs(basis).power(2) @ self.populations_basis)
        return np.asarray(basis.multiply((basis @ self.rho_basis).conj()).sum(axis=1)).ravel().real

    def expectation(self, operator: np.ndarray) -> complex:
        """Tr[rho O] for O given in the original basis."""
        return complex(np.trace(self.density_matrix @ np.asarray(operator)))

    @cached_property
    def energy_currents(self) -> np.ndarray:
        """J_k = -Tr[D_k(rho) H_S], energy per time from the system into bath k."""
        me = self.master_equation
        if me.secular:
            # Each A_k(w) lowers H_S by hbar w, so -Tr[D_k(rho) H_S] = sum_w hbar w gamma_k(w) <A^†A>.
            return self._per_bath_flux(me.hbar * me.omega)
        vec_rho = self.rho_basis.ravel(order="F")
        vec_h_t = me.hamiltonian.T.toarray().ravel(order="F")
        return np.array([-(vec_h_t @ (dk @ vec_rho)).real for dk in me.bath_dissipators()])

    @cached_property
    def particle_currents(self) -> np.ndarray:
        """Particles per time from the system into bath k (zero for bosonic baths)."""
        return self._per_bath_flux(self.master_equation.particles.astype(float))

    @cached_property
    def heat_currents(self) -> np.ndarray:
        """Q_k = J_k - mu_k N_k, heat per time from the system into bath k."""
        mu = np.array([b.chemical_potential for b in self.master_equation.baths])
        return self.energy_currents - mu * self.particle_currents

    @cached_property
    def entropy_production(self) -> float:
        """sum_k Q_k / T_k; ``inf`` if heat flows into a bath at T = 0."""
        temperatures = np.array([b.temperature for b in self.master_equation.baths])
        heat = self.heat_currents
        cold = temperatures == 0
        if np.any(heat[cold] > 1e-14 * max(np.abs(heat).max(), 1e-300)):
            return float("inf")
        return float(np.sum(heat[~cold] / temperatures[~cold]))

    def observables(self) -> dict[str, Observable]:
        """Populations, rho (real and imaginary parts) in the original basis, per-bath currents, entropy production."""
        rho = self.density_matrix
        return {
            "populations": Observable(self.diagonal, "1", "<i|rho|i> in the original basis of H_S", ("state",)),
            "rho_real": Observable(rho.real, "1", "Re <i|rho|j>", ("state", "state_j")),
            "rho_imag": Observable(rho.imag, "1", "Im <i|rho|j>", ("state", "state_j")),
            "energy_currents": Observable(self.energy_currents, "energy/time", "energy per time from the system into bath k", ("bath",)),
            "particle_currents": Observable(self.particle_currents, "1/time", "particles per time from the system into bath k", ("bath",)),
            "heat_currents": Observable(self.heat_currents, "energy/time", "heat per time from the system into bath k", ("bath",)),
            "entropy_production": Observable(self.entropy_production, "k_B/time", "entropy production sum_k Q_k / T_k"),
        }

    def coordinates(self) -> dict[str, Observable]:
        baths = self.master_equation.baths
        return {
            "bath_temperature": Observable(np.array([b.temperature for b in baths]), "energy", "k_B T_k of bath k", ("bath",)),
            "bath_chemical_potential": Observable(np.array([b.chemical_potential for b in baths]), "energy", "chemical potential mu_k of bath k", ("bath",)),
        }

    def _per_bath_flux(self, weight: np.ndarray) -> np.ndarray:
        """sum over jumps of weight * gamma * Tr[A^† A rho], per bath."""
        me = self.master_equation
        if self.method == "pauli":
            flux = weight * me.rate * np.abs(me.amplitude) ** 2 * self.populations_basis[me.col]
            return np.bincount(me.bath, weights=flux, minlength=len(me.baths))
        p, q = me._same_group_pairs(weight != 0)
        same_row = me.row[p] == me.row[q]
        p, q = p[same_row], q[same_row]
        flux = (weight[p] * me.rate[p] * np.conj(me.amplitude[p]) * me.amplitude[q] * self.rho_basis[me.col[q], me.col[p]]).real
        return np.bincount(me.bath[p], weights=flux, minlength=len(me.baths))


def _check_pivots(pivots: np.ndarray, what: str) -> None:
    pivots = np.abs(pivots)
    if not pivots.min() > _PIVOT_RTOL * pivots.max():
        raise ValueError(
            f"the steady state is not unique: the null space of the {what} is not one-dimensional "
            f"(smallest/largest pivot = {pivots.min() / pivots.max():.1e}); "
            "check that every state is connected to the others by the baths"
        )


def _liouvillian_steady_state(me: MasterEquation) -> np.ndarray:
    d = me.dimension
    diag_index = np.arange(d) * (d + 1)
    # Population rows sum to zero (trace preservation), so row (0, 0) is redundant:
    # replace it by the trace condition.
    drop_first = sp.diags(np.r_[0.0, np.ones(d * d - 1)])
    trace_row = sp.csr_matrix((np.ones(d), (np.zeros(d, dtype=int), diag_index)), shape=(d * d, d * d))
    system = (drop_first @ me.liouvillian + trace_row).tocsc()
    try:
        lu = splu(system)
    except RuntimeError as err:  # SuperLU: "Factor is exactly singular"
        raise ValueError("the steady state is not unique: the null space of the Liouvillian is not one-dimensional") from err
    _check_pivots(lu.U.diagonal(), "Liouvillian")
    rhs = np.zeros(d * d, dtype=complex)
    rhs[0] = 1.0
    rho = lu.solve(rhs).reshape((d, d), order="F")
    rho = 0.5 * (rho + rho.conj().T)
    return rho / np.trace(rho).real


def _pauli_steady_state(me: MasterEquation) -> np.ndarray:
    rates = me.rate_matrix()
    generator = rates - np.diag(rates.sum(axis=0))
    generator[0, :] = 1.0
    with warnings.catch_warnings():
        # An exactly singular matrix is reported below with a clearer message.
        warnings.simplefilter("ignore", sla.LinAlgWarning)
        lu, piv = sla.lu_factor(generator, check_finite=False)
    _check_pivots(np.diag(lu), "Pauli rate matrix")
    rhs = np.zeros(me.dimension)
    rhs[0] = 1.0
    return sla.lu_solve((lu, piv), rhs, check_finite=False)


def steady_state(master_equation: MasterEquation, *, method: str = "auto") -> QMESteadyState:
    """Trace-one null vector of the generator.

    Parameters
    ----------
    master_equation
        From :func:`build_master_equation`.
    method
        ``"auto"``: Pauli rate equations when
        :attr:`MasterEquation.pauli_applicable`, otherwise the full Liouvillian;
        ``"pauli"`` or ``"liouvillian"`` force a path.

    Notes
    -----
    Liouvillian path: sparse LU of L with the redundant population row (0, 0)
    replaced by Tr rho = 1. Pauli path: dense LU of the rate generator with the
    same replacement. In both, a pivot below 1e-13 of the largest means the null
    space is not one-dimensional and raises. The Pauli state is a stationary
    state of the full generator whenever the decoupling condition holds; it is
    *the* steady state when that is unique (tests compare both paths).

    Raises
    ------
    ValueError
        Unknown ``method``; ``method="pauli"`` where populations do not decouple;
        a steady state that is not unique.
    """
    if not isinstance(master_equation, MasterEquation):
        raise TypeError(f"'master_equation' must be a MasterEquation (fpsolver.qme.build_master_equation), got {type(master_equation).__name__}")
    one_of("method", method, METHODS)
    if method == "pauli" and not master_equation.pauli_applicable:
        raise ValueError(
            "method='pauli' is not applicable: populations couple to coherences "
            "(H_S not diagonal in the working basis, or a jump operator with two "
            "entries in one row or column, e.g. inside a degenerate level); use 'liouvillian'"
        )
    started = time.perf_counter()
    details = {"dimension": master_equation.dimension, "baths": len(master_equation.baths), "secular": master_equation.secular}
    pauli = method == "pauli" or (method == "auto" and master_equation.pauli_applicable)
    unknowns = float(master_equation.dimension) ** (1 if pauli else 2)
    # dense Pauli rate matrix, or sparse LU of the Liouvillian whose fill grows like unknowns^1.5
    within_budget(
        f"the {'Pauli' if pauli else 'Liouvillian'} steady state", memory_bytes=8.0 * unknowns**2 if pauli else 16.0 * unknowns**1.5, detail=f"Hilbert-space dimension {master_equation.dimension}"
    )
    if pauli:
        populations = _pauli_steady_state(master_equation)
        return QMESteadyState(master_equation, "pauli", populations, metadata=provenance(started=started, method="pauli", **details))
    rho = _liouvillian_steady_state(master_equation)
    return QMESteadyState(master_equation, "liouvillian", np.diag(rho).real.copy(), rho, metadata=provenance(started=started, method="liouvillian", **details))
