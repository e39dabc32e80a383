"""N-site chain between a hot and a cold end (quantum-thermophoresis Fig. 2, docs/physics/quantum.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from fpsolver._validate import checked, integer, one_of, within_budget
from fpsolver.qme._builder import MasterEquation, build_master_equation
from fpsolver.qme._records import FromSteadyState, Observable, with_provenance
from fpsolver.qme._steady import QMESteadyState, steady_state
from fpsolver.qme.baths import Bath
from fpsolver.qme.systems._parameters import require_non_negative, require_positive
from fpsolver.qme.systems._registry import HEAT_CURRENTS_FIGURE, Curve, ScanFigure, System

APPROACHES = ("global", "local")

_PARAMETERS = """
    Parameters
    ----------
    N
        Number of sites (>= 2).
    h
        Excitation energy of each site (energy, > 0).
    g
        Hopping between neighbouring excited states (energy).
    T_left, T_right
        Temperature k_B T of the bath of site 1 (T_left) and of site N (T_right), linear in between (energy, >= 0).
    gamma
        Flat spectral density J = gamma of every bath (rate, > 0).
    approach
        "global" (jump operators from the eigenstates of H_S) or "local" (from the uncoupled sites).
    hbar, k_B
        Reduced Planck constant (hbar) and Boltzmann constant (k_B), which set the units.
"""
_RAISES = """
    Raises
    ------
    ValueError
        N < 2, h <= 0, gamma <= 0, a negative temperature, an unknown approach, or
        (global) a Bohr frequency 0 between a site ground state and an excited
        eigenstate (flat spectrum, e.g. N = 2 with |g| = h).
"""


@dataclass(frozen=True, eq=False)
class ChainResult(FromSteadyState):
    """Steady state of the N-site chain (quantum-thermophoresis Fig. 2).

    ``site_populations[k]`` = <g_k|rho|g_k> + <e_k|rho|e_k> (sites 1..N from the
    left); ``heat_currents[k]`` = -Tr[D_k(rho) H_S], heat per time from the system
    into the bath of site k. ``metadata`` records the run (fpsolver version,
    parameters, method, wall time).
    """

    N: int
    h: float
    g: float
    approach: str
    site_temperatures: np.ndarray
    site_populations: np.ndarray
    steady_state: QMESteadyState = field(repr=False)

    def observables(self) -> dict[str, Observable]:
        """Site populations and temperatures, heat currents and entropy production (the quantities of a qme case)."""
        return {
            "site_populations": Observable(self.site_populations, "1", "site population <g_k|rho|g_k> + <e_k|rho|e_k>", ("site",)),
            "site_temperatures": Observable(self.site_temperatures, "energy", "k_B T of the bath of site k", ("site",)),
            "heat_currents": Observable(self.heat_currents, "energy/time", "heat per time from the system into the bath of site k", ("bath",)),
            "entropy_production": Observable(self.entropy_production, "k_B/time", "entropy production sum_k Q_k / T_k"),
        }


def _site_coupling(N: int, k: int) -> sp.csr_matrix:
    """S_k = |e_k><g_k| + |g_k><e_k| as canonical complex CSR (built directly: N of them)."""
    indptr = np.zeros(2 * N + 1, dtype=np.int32)
    indptr[k + 1 :] += 1
    indptr[N + k + 1 :] += 1
    return sp.csr_matrix((np.ones(2, complex), np.array([N + k, k], dtype=np.int32), indptr), shape=(2 * N, 2 * N))


def chain_memory(N: int, approach: str) -> float:
    """Estimated peak memory (bytes) of a chain steady state: the dense Pauli rate matrix
    of the 2N states and the eigenvectors of the N x N excited block (global), or the sparse
    LU factors of the Liouvillian on (2N)^2 unknowns, whose fill grows like their number^1.5 (local)."""
    unknowns = (2.0 * N) ** 2
    return 16.0 * unknowns**1.5 if approach == "local" else 8.0 * unknowns + 24.0 * float(N) ** 2


@checked
def chain_master_equation(
    N: int,
    h: float,
    g: float,
    T_left: float,
    T_right: float,
    gamma: float = 1.0,
    approach: str = "global",
    *,
    hbar: float = 1.0,
    k_B: float = 1.0,
) -> MasterEquation:
    """Master equation of the N-site chain (docs/physics/quantum.md).

    One particle in 2N states, ordered |g_1>..|g_N>, |e_1>..|e_N>;
    H_S = sum_k h |e_k><e_k| + sum_{k<N} g (|e_k><e_{k+1}| + h.c.); bath k couples
    through S_k = |e_k><g_k| + |g_k><e_k| with flat J = gamma, temperatures linear
    from T_left (site 1) to T_right (site N).

    ``approach="global"``: jump operators from the eigenstates of H_S (the paper's
    microscopic approach). ``"local"``: jump operators |g_k><e_k| at frequency h
    from the uncoupled sites, H_S (with g) only in the coherent part.
    """
    N = integer("N", N, minimum=2)
    one_of("approach", approach, APPROACHES)
    within_budget(f"the {approach} chain", memory_bytes=chain_memory(N, approach), detail=f"N = {N} sites")
    require_positive("h", h)
    require_positive("gamma", gamma)
    for name, value in (("T_left", T_left), ("T_right", T_right)):
        require_non_negative(name, value)
    excited = np.arange(N, 2 * N)
    site_energy = sp.csr_matrix((np.full(N, float(h)), (excited, excited)), shape=(2 * N, 2 * N))
    hopping = sp.csr_matrix((np.full(N - 1, float(g)), (excited[:-1], excited[1:])), shape=(2 * N, 2 * N))
    hamiltonian = site_energy + hopping + hopping.T
    baths = [Bath(coupling=_site_coupling(N, k), temperature=float(temperature), strength=gamma) for k, temperature in enumerate(np.linspace(T_left, T_right, N))]
    dissipation = None if approach == "global" else site_energy
    return build_master_equation(hamiltonian, baths, dissipation_hamiltonian=dissipation, hbar=hbar, k_B=k_B)


chain_master_equation.__doc__ += _PARAMETERS + _RAISES


@with_provenance
def chain(N: int, h: float, g: float, T_left: float, T_right: float, gamma: float = 1.0, approach: str = "global", *, hbar: float = 1.0, k_B: float = 1.0, method: str = "auto") -> ChainResult:
    master_equation = chain_master_equation(N, h, g, T_left, T_right, gamma, approach, hbar=hbar, k_B=k_B)
    state = steady_state(master_equation, method=method)
    diagonal = state.diagonal
    return ChainResult(
        N=int(N),
        h=h,
        g=g,
        approach=approach,
        site_temperatures=np.linspace(T_left, T_right, int(N)),
        site_populations=diagonal[: int(N)] + diagonal[int(N) :],
        steady_state=state,
    )


chain.__doc__ = (
    """Steady state of the N-site chain; see :func:`chain_master_equation`.

    ``method`` ("auto", "pauli" or "liouvillian") is passed to :func:`~fpsolver.qme.steady_state`:
    the global chain uses the Pauli shortcut under "auto", the local one always needs the full Liouvillian.
    """
    + _PARAMETERS
    + """    method
        Steady-state solver: "auto", "pauli" or "liouvillian".
"""
    + _RAISES
)


def chain_site_populations(N: int, h: float, g: float, T_left: float, T_right: float, gamma: float = 1.0, approach: str = "global") -> np.ndarray:
    """Steady-state site populations <g_k|rho|g_k> + <e_k|rho|e_k>, k = 1..N (Fig. 2)."""
    return chain(N, h, g, T_left, T_right, gamma, approach).site_populations


CHAIN = System(
    name="chain",
    solve=chain,
    observables=ChainResult.observables,
    example={"N": 10, "h": 1.0, "g": 1.3, "T_left": 0.8, "T_right": 0.4},
    example_scan={"parameter": "g", "values": [0.1, 0.5, 0.9, 1.3]},
    figures=(
        ScanFigure(
            filename="populations.png",
            caption="populations",
            title="N-site chain (quantum-thermophoresis Fig. 2)",
            xlabel="site k (hot -> cold)",
            ylabel="site population",
            profile=True,
            curves=(Curve("site_populations", "{parameter} = {value:g}", "o-"),),
        ),
        HEAT_CURRENTS_FIGURE,
    ),
    summary="N-site chain between a hot and a cold bath (quantum-thermophoresis Fig. 2)",
)
