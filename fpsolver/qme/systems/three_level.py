"""Lambda and V three-level systems between two bosonic baths (quantum-thermophoresis
Eqs. 6-14, docs/physics/quantum.md).

Each function builds H_S and the two :class:`~fpsolver.qme.baths.Bath` and calls the
generic :func:`~fpsolver.qme.build_master_equation`; nothing here is known to the builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fpsolver.qme._builder import build_master_equation
from fpsolver.qme._records import FromSteadyState, Observable, with_provenance
from fpsolver.qme._steady import QMESteadyState, steady_state
from fpsolver.qme.baths import Bath
from fpsolver.qme.systems._parameters import require_positive
from fpsolver.qme.systems._registry import HEAT_CURRENTS_FIGURE, Curve, ScanFigure, System


@dataclass(frozen=True, eq=False)
class ThreeLevelResult(FromSteadyState):
    """Steady state of the Lambda or V system.

    ``populations`` follow ``levels`` (Lambda: |1>, |2>, |e>; V: |g>, |1>, |2>);
    ``population_imbalance`` is Delta = P_2 - P_1 and ``mean_position`` is
    <X> = (d/2) Delta (Eq. 9). ``heat_currents`` are J_k = -Tr[D_k(rho) H_S], heat
    per time from the system into bath k = 1, 2 (Dufour section); they sum to zero.
    ``metadata`` records the run (fpsolver version, parameters, method, wall time).
    """

    configuration: str
    levels: tuple[str, str, str]
    populations: np.ndarray
    population_imbalance: float
    mean_position: float
    steady_state: QMESteadyState = field(repr=False)

    def observables(self) -> dict[str, Observable]:
        """Populations, Delta, <X>, heat currents and entropy production (the quantities of a qme case)."""
        return {
            "populations": Observable(self.populations, "1", "steady-state population of each level", ("level",)),
            "population_imbalance": Observable(self.population_imbalance, "1", "population imbalance Delta = P_2 - P_1"),
            "mean_position": Observable(self.mean_position, "length", "mean position <X> = (d/2) Delta"),
            "heat_currents": Observable(self.heat_currents, "energy/time", "heat per time from the system into bath k", ("bath",)),
            "entropy_production": Observable(self.entropy_production, "k_B/time", "entropy production sum_k Q_k / T_k"),
        }

    def coordinates(self) -> dict[str, Observable]:
        return {"level": Observable(np.array(self.levels), "1", "level", ("level",))}


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


_PARAMETERS = """
    Parameters
    ----------
    T_1, T_2
        Temperature k_B T_k of bath k = 1, 2 (energy, >= 0).
    omega_1, omega_2
        Frequency of the transition coupled to bath k = 1, 2 (1/time, > 0).
    gamma
        Flat spectral density J = gamma of both baths (rate, > 0).
    d
        Distance between the positions of levels 1 and 2 (length; mean position = (d/2) Delta).
    hbar, k_B
        Reduced Planck constant (hbar) and Boltzmann constant (k_B), which set the units.
    method
        Steady-state solver: "auto", "pauli" or "liouvillian" (see `fpsolver.qme.steady_state`).

    Raises
    ------
    ValueError
        omega_k <= 0, gamma <= 0, T_k < 0.
"""


@dataclass(frozen=True)
class _Configuration:
    """Which levels a configuration has, where they lie and which pairs the baths couple.

    ``top_level`` True: the shared level |e> lies above |1>, |2> (Lambda, E_e - E_k =
    hbar omega_k); False: below them (V, E_k - E_g = hbar omega_k).
    """

    name: str
    levels: tuple[str, str, str]
    pairs: tuple[tuple[int, int], tuple[int, int]]
    top_level: bool

    def energies(self, hbar: float, omega_1: float, omega_2: float) -> list[float]:
        """Level energies in the order of ``levels`` (energy)."""
        if self.top_level:
            top = hbar * max(omega_1, omega_2)
            return [top - hbar * omega_1, top - hbar * omega_2, top]
        return [0.0, hbar * omega_1, hbar * omega_2]


_LAMBDA = _Configuration("lambda", ("1", "2", "e"), ((2, 0), (2, 1)), top_level=True)
_V = _Configuration("v", ("g", "1", "2"), ((0, 1), (0, 2)), top_level=False)


def _solver(configuration: _Configuration, summary: str) -> Callable[..., ThreeLevelResult]:
    """The public solve function of one configuration (its name is ``<name>_system``)."""

    def solve(
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
        for name, value in (("omega_1", omega_1), ("omega_2", omega_2), ("gamma", gamma)):
            require_positive(name, value)
        energies = configuration.energies(hbar, omega_1, omega_2)
        return _three_level(configuration.name, configuration.levels, energies, configuration.pairs, (T_1, T_2), gamma, d, hbar, k_B, method)

    solve.__name__ = solve.__qualname__ = f"{configuration.name}_system"
    solve.__doc__ = summary + _PARAMETERS
    return with_provenance(solve)


lambda_system = _solver(
    _LAMBDA,
    """Lambda system (quantum-thermophoresis Eqs. 6-12, docs/physics/quantum.md).

    Levels |1>, |2>, |e> with E_e - E_k = hbar omega_k; bath k (temperature T_k, flat
    J = gamma) couples through S_k = |e><k| + |k><e|. The steady state obeys Eq. 8:
    Delta = P_2 - P_1 = -dn / (nbar (3 nbar + 2) - (3/4) dn^2).
    """,
)
v_system = _solver(
    _V,
    """V system (quantum-thermophoresis Eqs. 13-14, docs/physics/quantum.md).

    Levels |g>, |1>, |2> with E_k - E_g = hbar omega_k; bath k couples through
    S_k = |g><k| + |k><g|. Steady state: Delta_V = +dn / ((3 nbar + 1)(nbar + 1) - (3/4) dn^2)
    (migration towards the hot bath).
    """,
)


def _populations_figure(title: str) -> ScanFigure:
    return ScanFigure(
        filename="populations.png",
        caption="populations",
        title=title,
        ylabel="steady state",
        curves=(Curve("population_imbalance", "Delta = P_2 - P_1", "o-"), Curve("mean_position", "<X>", "s-")),
    )


def _system(name: str, solve, title: str, summary: str) -> System:
    return System(
        name=name,
        solve=solve,
        observables=ThreeLevelResult.observables,
        example={"T_1": 1.0, "T_2": 0.5},
        example_scan={"parameter": "T_2", "start": 0.1, "stop": 1.0, "num": 10},
        figures=(_populations_figure(title), HEAT_CURRENTS_FIGURE),
        summary=summary,
    )


LAMBDA = _system("lambda", lambda_system, "lambda system", "Lambda three-level system between two bosonic baths (quantum-thermophoresis Eqs. 6-12)")
V = _system("v", v_system, "v system", "V three-level system between two bosonic baths (quantum-thermophoresis Eqs. 13-14)")
