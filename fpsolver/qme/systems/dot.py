"""Single-level quantum dot between two leads (quantum-dot paper, docs/physics/quantum.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpsolver.qme import analytic
from fpsolver.qme._builder import build_master_equation
from fpsolver.qme._records import Observable, Recorded, with_provenance
from fpsolver.qme._steady import steady_state
from fpsolver.qme.baths import Bath
from fpsolver.qme.systems._parameters import require_positive
from fpsolver.qme.systems._registry import ZERO_LINE, Curve, ReferenceLine, ScanFigure, System


@dataclass(frozen=True)
class QuantumDot(Recorded):
    """Steady-state transport through the dot.

    ``J_L``: particles per time from the left lead into the dot (= J_R into the right
    lead); ``Q_L``: heat per time out of the left lead; ``Q_R``: heat per time into
    the right lead (paper Eqs. 6-8); ``entropy_production`` = Q_R/T_R - Q_L/T_L.
    ``method`` says how the numbers were obtained ("closed_form", "pauli" or
    "liouvillian"); ``metadata`` records the run (fpsolver version, parameters,
    method, wall time).
    """

    eps: float
    T_L: float
    T_R: float
    mu_L: float
    mu_R: float
    gamma_L: float
    gamma_R: float
    k_B: float
    method: str
    p1: float
    J_L: float
    Q_L: float
    Q_R: float
    entropy_production: float

    @property
    def eps_r(self) -> float:
        """Reversible level (Eq. 10); ``nan`` if T_L = T_R."""
        return float(analytic.reversible_level(T_L=self.T_L, T_R=self.T_R, mu_L=self.mu_L, mu_R=self.mu_R))

    @property
    def regime(self) -> str:
        """See :func:`fpsolver.qme.analytic.classify_dot_regime`."""
        return analytic.classify_dot_regime(
            eps=self.eps,
            T_L=self.T_L,
            T_R=self.T_R,
            mu_L=self.mu_L,
            mu_R=self.mu_R,
            gamma_L=self.gamma_L,
            gamma_R=self.gamma_R,
            k_B=self.k_B,
        )

    def observables(self) -> dict[str, Observable]:
        """Occupation, particle and heat currents, entropy production and eps_r (the quantities of a qme case)."""
        return {
            "occupation": Observable(self.p1, "1", "dot occupation p1"),
            "J_L": Observable(self.J_L, "1/time", "particles per time from the left lead into the dot"),
            "Q_L": Observable(self.Q_L, "energy/time", "heat per time out of the left lead"),
            "Q_R": Observable(self.Q_R, "energy/time", "heat per time into the right lead"),
            "entropy_production": Observable(self.entropy_production, "k_B/time", "entropy production Q_R/T_R - Q_L/T_L"),
            "eps_r": Observable(self.eps_r, "energy", "reversible level eps_r (Eq. 10)"),
        }


def _check(gamma_L: float, gamma_R: float, k_B: float) -> None:
    for name, value in (("gamma_L", gamma_L), ("gamma_R", gamma_R), ("k_B", k_B)):
        require_positive(name, value)


_PARAMETERS = """
    Parameters
    ----------
    eps
        Energy of the level (energy).
    T_L, T_R
        Temperature k_B T of the left (T_L) and right (T_R) lead (energy).
    mu_L, mu_R
        Chemical potential of the left (mu_L) and right (mu_R) lead (energy).
    gamma_L, gamma_R
        Tunnelling rate to the left (gamma_L) and right (gamma_R) lead (rate, > 0).
    k_B
        Boltzmann constant, which sets the units.
"""


@with_provenance
def quantum_dot(eps: float, T_L: float, T_R: float, mu_L: float, mu_R: float, gamma_L: float = 1.0, gamma_R: float = 1.0, *, k_B: float = 1.0) -> QuantumDot:
    _check(gamma_L, gamma_R, k_B)
    args = {"eps": eps, "T_L": T_L, "T_R": T_R, "mu_L": mu_L, "mu_R": mu_R, "gamma_L": gamma_L, "gamma_R": gamma_R, "k_B": k_B}
    q_L, q_R = analytic.dot_heat_currents(**args)
    return QuantumDot(
        **args,
        method="closed_form",
        p1=float(analytic.dot_occupation(**args)),
        J_L=float(analytic.dot_particle_current(**args)),
        Q_L=float(q_L),
        Q_R=float(q_R),
        entropy_production=float(analytic.dot_entropy_production(**args)),
    )


quantum_dot.__doc__ = (
    """Closed-form steady state of the single-level dot (paper Eqs. 1-10).
    """
    + _PARAMETERS
    + """
    Raises
    ------
    ValueError
        T_L or T_R <= 0, gamma_L, gamma_R or k_B <= 0 (TypeError or ValueError for
        arguments that are not finite numbers).
"""
)


@with_provenance
def quantum_dot_lindblad(
    eps: float,
    T_L: float,
    T_R: float,
    mu_L: float,
    mu_R: float,
    gamma_L: float = 1.0,
    gamma_R: float = 1.0,
    *,
    k_B: float = 1.0,
    method: str = "auto",
) -> QuantumDot:
    _check(gamma_L, gamma_R, k_B)
    annihilation = np.array([[0.0, 1.0], [0.0, 0.0]])
    baths = [Bath(coupling=annihilation, temperature=T, strength=g, statistics="fermi", chemical_potential=mu) for T, g, mu in ((T_L, gamma_L, mu_L), (T_R, gamma_R, mu_R))]
    state = steady_state(build_master_equation(np.diag([0.0, eps]), baths, k_B=k_B), method=method)
    heat = state.heat_currents
    return QuantumDot(
        eps=eps,
        T_L=T_L,
        T_R=T_R,
        mu_L=mu_L,
        mu_R=mu_R,
        gamma_L=gamma_L,
        gamma_R=gamma_R,
        k_B=k_B,
        method=state.method,
        p1=float(state.diagonal[1]),
        J_L=float(-state.particle_currents[0]),
        Q_L=float(-heat[0]),
        Q_R=float(heat[1]),
        entropy_production=state.entropy_production,
    )


quantum_dot_lindblad.__doc__ = (
    """The same dot through the general builder with fermionic baths.

    H_S = eps |1><1| on (|0>, |1>); lead nu removes the electron through
    c = |0><1| (flat J = gamma_nu, temperature T_nu, chemical potential mu_nu).
    Temperatures may be 0 here.
    """
    + _PARAMETERS
    + """    method
        Steady-state solver: "auto", "pauli" or "liouvillian".
"""
)


DOT = System(
    name="dot",
    solve=quantum_dot,
    observables=QuantumDot.observables,
    example={"eps": 0.5, "T_L": 1.2, "T_R": 0.8, "mu_L": 0.1, "mu_R": -0.1},
    example_scan={"parameter": "eps", "start": -3.0, "stop": 3.0, "num": 61},
    figures=(
        ScanFigure(
            filename="populations.png",
            caption="populations",
            title="quantum dot",
            curves=(Curve("occupation", "dot occupation p1"), Curve("J_L", "particle current J_L")),
            reference_lines=(ReferenceLine("vertical", "eps_r", label="eps_r = {value:.3g}", when_scanning="eps"), ZERO_LINE),
        ),
        ScanFigure(
            filename="currents.png",
            caption="heat currents and entropy production",
            title="dot heat currents",
            ylabel="heat current / entropy production",
            curves=(Curve("Q_L", "Q_L"), Curve("Q_R", "Q_R"), Curve("entropy_production", "entropy_production")),
            reference_lines=(ZERO_LINE,),
            legend_columns=2,
        ),
    ),
    summary="single-level quantum dot between two leads (quantum-dot paper)",
)
