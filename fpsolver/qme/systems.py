"""Physical systems assembled from H_S and baths (quantum-thermophoresis paper).

Each function builds H_S and the list of :class:`Bath` and calls the generic
:func:`build_master_equation`; nothing here is known to the builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from fpsolver.qme._builder import MasterEquation, build_master_equation
from fpsolver.qme._steady import SteadyState, steady_state
from fpsolver.qme.baths import Bath

APPROACHES = ("global", "local")


@dataclass(frozen=True, eq=False)
class ThreeLevelResult:
    """Steady state of the Lambda or V system.

    ``populations`` follow ``levels`` (Lambda: |1>, |2>, |e>; V: |g>, |1>, |2>);
    ``population_imbalance`` is Delta = P_2 - P_1 and ``mean_position`` is
    <X> = (d/2) Delta (Eq. 9). ``heat_currents`` are J_k = -Tr[D_k(rho) H_S], heat
    per time from the system into bath k = 1, 2 (Dufour section); they sum to zero.
    """

    configuration: str
    levels: tuple[str, str, str]
    populations: np.ndarray
    population_imbalance: float
    mean_position: float
    steady_state: SteadyState = field(repr=False)

    @property
    def heat_currents(self) -> np.ndarray:
        return self.steady_state.heat_currents

    @property
    def entropy_production(self) -> float:
        return self.steady_state.entropy_production


def _positive(name: str, value: float) -> None:
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be finite and > 0, got {value}")


def _three_level(configuration, levels, energies, pairs, temperatures, gamma, d, hbar, k_B, method) -> ThreeLevelResult:
    hamiltonian = np.diag(energies).astype(complex)
    baths = []
    for (i, j), temperature in zip(pairs, temperatures):
        coupling = np.zeros((3, 3))
        coupling[i, j] = coupling[j, i] = 1.0
        baths.append(Bath(coupling=coupling, temperature=temperature, strength=gamma))
    state = steady_state(build_master_equation(hamiltonian, baths, hbar=hbar, k_B=k_B), method=method)
    populations = state.diagonal
    i_1, i_2 = levels.index("1"), levels.index("2")
    delta = float(populations[i_2] - populations[i_1])
    return ThreeLevelResult(
        configuration=configuration,
        levels=levels,
        populations=populations,
        population_imbalance=delta,
        mean_position=0.5 * d * delta,
        steady_state=state,
    )


def lambda_system(
    *,
    T_1: float,
    T_2: float,
    omega_1: float = 1.0,
    omega_2: float = 1.0,
    gamma: float = 1.0,
    d: float = 1.0,
    hbar: float = 1.0,
    k_B: float = 1.0,
    method: str = "auto",
) -> ThreeLevelResult:
    """Lambda system (quantum-thermophoresis Eqs. 6-12, PHYSICS.md 4.2).

    Levels |1>, |2>, |e> with E_e - E_k = hbar omega_k; bath k (temperature T_k, flat
    J = gamma) couples through S_k = |e><k| + |k><e|. The steady state obeys Eq. 8:
    Delta = P_2 - P_1 = -dn / (nbar (3 nbar + 2) - (3/4) dn^2).

    Raises
    ------
    ValueError
        omega_k <= 0, gamma <= 0, T_k < 0.
    """
    for name, value in (("omega_1", omega_1), ("omega_2", omega_2), ("gamma", gamma)):
        _positive(name, value)
    top = hbar * max(omega_1, omega_2)
    energies = [top - hbar * omega_1, top - hbar * omega_2, top]
    return _three_level("lambda", ("1", "2", "e"), energies, [(2, 0), (2, 1)], (T_1, T_2), gamma, d, hbar, k_B, method)


def v_system(
    *,
    T_1: float,
    T_2: float,
    omega_1: float = 1.0,
    omega_2: float = 1.0,
    gamma: float = 1.0,
    d: float = 1.0,
    hbar: float = 1.0,
    k_B: float = 1.0,
    method: str = "auto",
) -> ThreeLevelResult:
    """V system (quantum-thermophoresis Eqs. 13-14, PHYSICS.md 4.3).

    Levels |g>, |1>, |2> with E_k - E_g = hbar omega_k; bath k couples through
    S_k = |g><k| + |k><g|. Steady state: Delta_V = +dn / ((3 nbar + 1)(nbar + 1) - (3/4) dn^2)
    (migration towards the hot bath).

    Raises
    ------
    ValueError
        omega_k <= 0, gamma <= 0, T_k < 0.
    """
    for name, value in (("omega_1", omega_1), ("omega_2", omega_2), ("gamma", gamma)):
        _positive(name, value)
    energies = [0.0, hbar * omega_1, hbar * omega_2]
    return _three_level("v", ("g", "1", "2"), energies, [(0, 1), (0, 2)], (T_1, T_2), gamma, d, hbar, k_B, method)


@dataclass(frozen=True, eq=False)
class ChainResult:
    """Steady state of the N-site chain (quantum-thermophoresis Fig. 2).

    ``site_populations[k]`` = <g_k|rho|g_k> + <e_k|rho|e_k> (sites 1..N from the
    left); ``heat_currents[k]`` = -Tr[D_k(rho) H_S], heat per time from the system
    into the bath of site k.
    """

    N: int
    h: float
    g: float
    approach: str
    site_temperatures: np.ndarray
    site_populations: np.ndarray
    steady_state: SteadyState = field(repr=False)

    @property
    def heat_currents(self) -> np.ndarray:
        return self.steady_state.heat_currents

    @property
    def entropy_production(self) -> float:
        return self.steady_state.entropy_production


def _site_coupling(N: int, k: int) -> sp.csr_matrix:
    """S_k = |e_k><g_k| + |g_k><e_k| as canonical complex CSR (built directly: N of them)."""
    indptr = np.zeros(2 * N + 1, dtype=np.int32)
    indptr[k + 1 :] += 1
    indptr[N + k + 1 :] += 1
    return sp.csr_matrix((np.ones(2, complex), np.array([N + k, k], dtype=np.int32), indptr), shape=(2 * N, 2 * N))


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
    """Master equation of the N-site chain (PHYSICS.md 4.4).

    One particle in 2N states, ordered |g_1>..|g_N>, |e_1>..|e_N>;
    H_S = sum_k h |e_k><e_k| + sum_{k<N} g (|e_k><e_{k+1}| + h.c.); bath k couples
    through S_k = |e_k><g_k| + |g_k><e_k| with flat J = gamma, temperatures linear
    from T_left (site 1) to T_right (site N).

    ``approach="global"``: jump operators from the eigenstates of H_S (the paper's
    microscopic approach). ``"local"``: jump operators |g_k><e_k| at frequency h
    from the uncoupled sites, H_S (with g) only in the coherent part.

    Raises
    ------
    ValueError
        N < 2, h <= 0, gamma <= 0, a negative temperature, an unknown approach, or
        (global) a Bohr frequency 0 between a site ground state and an excited
        eigenstate (flat spectrum, e.g. N = 2 with |g| = h).
    """
    if int(N) != N or N < 2:
        raise ValueError(f"N must be an integer >= 2, got {N}")
    N = int(N)
    _positive("h", h)
    _positive("gamma", gamma)
    if approach not in APPROACHES:
        raise ValueError(f"approach must be one of {APPROACHES}, got {approach!r}")
    for name, value in (("T_left", T_left), ("T_right", T_right)):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {value}")
    excited = np.arange(N, 2 * N)
    site_energy = sp.csr_matrix((np.full(N, float(h)), (excited, excited)), shape=(2 * N, 2 * N))
    hopping = sp.csr_matrix((np.full(N - 1, float(g)), (excited[:-1], excited[1:])), shape=(2 * N, 2 * N))
    hamiltonian = site_energy + hopping + hopping.T
    baths = [Bath(coupling=_site_coupling(N, k), temperature=float(temperature), strength=gamma) for k, temperature in enumerate(np.linspace(T_left, T_right, N))]
    dissipation = None if approach == "global" else site_energy
    return build_master_equation(hamiltonian, baths, dissipation_hamiltonian=dissipation, hbar=hbar, k_B=k_B)


def chain(
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
    method: str = "auto",
) -> ChainResult:
    """Steady state of the N-site chain; see :func:`chain_master_equation`.

    ``method`` is passed to :func:`steady_state` (the global chain uses the Pauli
    shortcut under ``"auto"``; the local one always needs the full Liouvillian).
    """
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


def chain_site_populations(N: int, h: float, g: float, T_left: float, T_right: float, gamma: float = 1.0, approach: str = "global") -> np.ndarray:
    """Steady-state site populations <g_k|rho|g_k> + <e_k|rho|e_k>, k = 1..N (Fig. 2)."""
    return chain(N, h, g, T_left, T_right, gamma, approach).site_populations
