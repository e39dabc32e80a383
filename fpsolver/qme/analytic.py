"""Closed forms of the two quantum papers.

Lambda and V systems: quantum-thermophoresis Eqs. 2, 8, 10, 12-14 (docs/physics/quantum.md), written in terms of the Bose occupations n_k = n(omega_k, T_k),
dn = n_2 - n_1 and nbar = (n_1 + n_2)/2. Single-level quantum dot: quantum-dot
paper Eqs. 4-10 (docs/physics/quantum.md). All functions broadcast over numpy arrays.
"""

from __future__ import annotations

import numpy as np

from fpsolver._validate import real, reals
from fpsolver.qme._occupations import bose_factors, fermi_dirac

DOT_REGIMES = (
    "anomalous_thermodiffusion",
    "absolute_negative_mobility",
    "reverse_heat_transport",
    "work_to_heat",
    "heat_engine",
    "refrigerator",
    "conventional",
    "reversible",
)


def bose_occupation(omega, temperature, *, hbar: float = 1.0, k_B: float = 1.0) -> np.ndarray:
    """n = 1 / (exp(hbar omega / (k_B T)) - 1) for omega > 0; 0 at T = 0."""
    omega = reals("omega", omega)
    if np.any(omega <= 0):
        raise ValueError("'omega' must be > 0")
    reals("temperature", temperature, nonnegative=True)
    real("hbar", hbar, positive=True)
    real("k_B", k_B, positive=True)
    return bose_factors(hbar * omega, temperature, k_B=k_B)[1]


def _dn_nbar(n_1, n_2):
    n_1, n_2 = reals("n_1", n_1, nonnegative=True), reals("n_2", n_2, nonnegative=True)
    return n_2 - n_1, 0.5 * (n_1 + n_2)


def lambda_population_imbalance(*, n_1, n_2) -> np.ndarray:
    """Delta_ss = P_2 - P_1 = -dn / (nbar (3 nbar + 2) - (3/4) dn^2)   (Eq. 8)."""
    dn, nbar = _dn_nbar(n_1, n_2)
    return -dn / (nbar * (3 * nbar + 2) - 0.75 * dn**2)


def effective_mass(*, n_1, n_2) -> np.ndarray:
    """m* = 1 / (4 nbar + 2)   (Eq. 2; the same for the V system, Eq. 13)."""
    _, nbar = _dn_nbar(n_1, n_2)
    return 1.0 / (4 * nbar + 2)


def lambda_omega_squared(*, n_1, n_2, gamma: float = 1.0) -> np.ndarray:
    """Omega^2 = Gamma^2 [nbar (3 nbar + 2) - (3/4) dn^2]   (Eq. 10)."""
    dn, nbar = _dn_nbar(n_1, n_2)
    return gamma**2 * (nbar * (3 * nbar + 2) - 0.75 * dn**2)


def lambda_force(*, n_1, n_2, gamma: float = 1.0, d: float = 1.0) -> np.ndarray:
    """Quantum thermophoretic force F_q = -(dn/2) m* Gamma^2 d   (Eqs. 2, 10)."""
    dn, _ = _dn_nbar(n_1, n_2)
    return -0.5 * dn * effective_mass(n_1=n_1, n_2=n_2) * gamma**2 * d


def lambda_force_high_T(*, n_1, n_2, gamma: float = 1.0, d: float = 1.0) -> np.ndarray:
    """F_q^(high T) = -(dn / (3 nbar)) Gamma^2 d / 2   (Eq. 12, first form)."""
    dn, nbar = _dn_nbar(n_1, n_2)
    return -dn / (3 * nbar) * gamma**2 * d / 2


def lambda_force_gradient_form(*, T_1, T_2, gamma: float = 1.0, d: float = 1.0) -> np.ndarray:
    """-(T'/T) Gamma^2 d^2 / 6 with T' = (T_2 - T_1)/d, T = (T_1 + T_2)/2   (Eq. 12, last form).

    The high-temperature limit of :func:`lambda_force_high_T` for omega_1 = omega_2.
    """
    T_1, T_2 = reals("T_1", T_1, nonnegative=True), reals("T_2", T_2, nonnegative=True)
    return -((T_2 - T_1) / d) / (0.5 * (T_1 + T_2)) * gamma**2 * d**2 / 6


def v_population_imbalance(*, n_1, n_2) -> np.ndarray:
    """Delta_V = P_2 - P_1 = +dn / ((3 nbar + 1)(nbar + 1) - (3/4) dn^2)   (docs/physics/quantum.md)."""
    dn, nbar = _dn_nbar(n_1, n_2)
    return dn / ((3 * nbar + 1) * (nbar + 1) - 0.75 * dn**2)


def v_omega_squared(*, n_1, n_2, gamma: float = 1.0) -> np.ndarray:
    """Omega_V^2 = Gamma^2 [(3 nbar + 1)(nbar + 1) - (3/4) dn^2]   (Eq. 13)."""
    dn, nbar = _dn_nbar(n_1, n_2)
    return gamma**2 * ((3 * nbar + 1) * (nbar + 1) - 0.75 * dn**2)


def v_force(*, n_1, n_2, gamma: float = 1.0, d: float = 1.0) -> np.ndarray:
    """F_V = +(dn/2) m* Gamma^2 d = -F_q: negative thermophoresis   (Eq. 14)."""
    return -lambda_force(n_1=n_1, n_2=n_2, gamma=gamma, d=d)


def _dot_fermi(eps, T_L, T_R, mu_L, mu_R, k_B, gamma_L=1.0, gamma_R=1.0):
    """(f_L, f_R) after checking every argument: finite numbers, T > 0, gamma > 0, k_B > 0."""
    for name, value in (("eps", eps), ("mu_L", mu_L), ("mu_R", mu_R)):
        reals(name, value)
    for name, value in (("T_L", T_L), ("T_R", T_R), ("gamma_L", gamma_L), ("gamma_R", gamma_R)):
        if np.any(reals(name, value) <= 0):
            raise ValueError(f"'{name}' must be > 0 for the quantum-dot closed forms, got {value!r}")
    real("k_B", k_B, positive=True)
    return fermi_dirac(eps, T_L, mu_L, k_B=k_B), fermi_dirac(eps, T_R, mu_R, k_B=k_B)


def dot_occupation(*, eps, T_L, T_R, mu_L, mu_R, gamma_L=1.0, gamma_R=1.0, k_B: float = 1.0) -> np.ndarray:
    """p_1 = W_10 / (W_01 + W_10) = sum gamma_nu f_nu / (gamma_L + gamma_R)   (Eqs. 2-5)."""
    f_L, f_R = _dot_fermi(eps, T_L, T_R, mu_L, mu_R, k_B, gamma_L, gamma_R)
    return (gamma_L * f_L + gamma_R * f_R) / (gamma_L + gamma_R)


def dot_particle_current(*, eps, T_L, T_R, mu_L, mu_R, gamma_L=1.0, gamma_R=1.0, k_B: float = 1.0) -> np.ndarray:
    """J_L = gamma (f_L - f_R), gamma = gamma_L gamma_R / (gamma_L + gamma_R)   (Eq. 6).

    Particles per time from the left reservoir into the dot (= J_R, into the right one).
    """
    f_L, f_R = _dot_fermi(eps, T_L, T_R, mu_L, mu_R, k_B, gamma_L, gamma_R)
    return gamma_L * gamma_R / (gamma_L + gamma_R) * (f_L - f_R)


def dot_heat_currents(*, eps, T_L, T_R, mu_L, mu_R, gamma_L=1.0, gamma_R=1.0, k_B: float = 1.0):
    """(Q_L, Q_R) = ((eps - mu_L) J_L, (eps - mu_R) J_R)   (Eqs. 7-8).

    Q_L: heat per time out of the left reservoir; Q_R: into the right reservoir.
    """
    current = dot_particle_current(eps=eps, T_L=T_L, T_R=T_R, mu_L=mu_L, mu_R=mu_R, gamma_L=gamma_L, gamma_R=gamma_R, k_B=k_B)
    eps = np.asarray(eps, float)
    return (eps - mu_L) * current, (eps - mu_R) * current


def dot_entropy_production(*, eps, T_L, T_R, mu_L, mu_R, gamma_L=1.0, gamma_R=1.0, k_B: float = 1.0) -> np.ndarray:
    """s = Q_R / T_R - Q_L / T_L >= 0   (text after Eq. 9)."""
    q_L, q_R = dot_heat_currents(eps=eps, T_L=T_L, T_R=T_R, mu_L=mu_L, mu_R=mu_R, gamma_L=gamma_L, gamma_R=gamma_R, k_B=k_B)
    return q_R / np.asarray(T_R, float) - q_L / np.asarray(T_L, float)


def dot_entropy_production_from_rates(*, eps, T_L, T_R, mu_L, mu_R, gamma_L=1.0, gamma_R=1.0, k_B: float = 1.0) -> np.ndarray:
    """k_B sum_{i,j,nu} W_ij^nu p_j ln(W_ij^nu p_j / (W_ji^nu p_i))   (Eq. 9, i != j)."""
    f_L, f_R = _dot_fermi(eps, T_L, T_R, mu_L, mu_R, k_B, gamma_L, gamma_R)
    p1 = (gamma_L * f_L + gamma_R * f_R) / (gamma_L + gamma_R)
    total = 0.0
    for gamma, f in ((gamma_L, f_L), (gamma_R, f_R)):
        fill, empty = gamma * f * (1 - p1), gamma * (1 - f) * p1  # W_10 p_0 and W_01 p_1
        total = total + (fill - empty) * np.log(fill / empty)
    return k_B * total


def reversible_level(*, T_L, T_R, mu_L, mu_R) -> np.ndarray:
    """eps_r = (mu_R T_L - mu_L T_R) / (T_L - T_R), where s = 0 and f_L = f_R   (Eq. 10).

    ``nan`` where T_L = T_R (no level makes f_L = f_R unless mu_L = mu_R).
    """
    T_L, T_R = reals("T_L", T_L), reals("T_R", T_R)
    reals("mu_L", mu_L), reals("mu_R", mu_R)
    dT = T_L - T_R
    safe = np.where(dT == 0, 1.0, dT)
    return np.where(dT == 0, np.nan, (mu_R * T_L - mu_L * T_R) / safe)


def classify_dot_regime(*, eps: float, T_L: float, T_R: float, mu_L: float, mu_R: float, gamma_L: float = 1.0, gamma_R: float = 1.0, k_B: float = 1.0) -> str:
    """Transport regime of the quantum dot (quantum-dot paper Secs. III-VI, Figs. 2-9).

    With dT = T_L - T_R, dV = mu_L - mu_R (e = 1), "heat out of the hot reservoir"
    and "heat into the cold one" taken from Q_L, Q_R:

    * ``reversible``: J_L = 0 (eps = eps_r, or equilibrium);
    * dV = 0: ``anomalous_thermodiffusion`` if particles flow cold -> hot
      (J_L dT < 0, Sec. III), else ``conventional``;
    * dT dV > 0 (forces aligned, Fig. 8): ``absolute_negative_mobility`` if J_L dV < 0
      (region 1); ``reverse_heat_transport`` if heat leaves the cold and enters the
      hot reservoir (region 2, eps_r < eps < mu_R); ``work_to_heat`` if both
      reservoirs receive heat (region 3); else ``conventional`` (region 4);
    * dT dV < 0 (forces opposed, Fig. 9): ``heat_engine`` if the current climbs the
      bias (J_L dV < 0) fed by the hot reservoir; ``refrigerator`` if heat is pumped
      cold -> hot by the bias; ``work_to_heat`` if both reservoirs receive heat;
      else ``conventional``;
    * dT = 0: ``absolute_negative_mobility`` if J_L dV < 0, else ``conventional``.
    """
    args = dict(eps=eps, T_L=T_L, T_R=T_R, mu_L=mu_L, mu_R=mu_R, gamma_L=gamma_L, gamma_R=gamma_R, k_B=k_B)
    current = float(dot_particle_current(**args))
    q_L, q_R = (float(q) for q in dot_heat_currents(**args))
    dT, dV = T_L - T_R, mu_L - mu_R
    if abs(current) <= 1e-13 * gamma_L * gamma_R / (gamma_L + gamma_R):
        return "reversible"
    if dT == 0:
        return "absolute_negative_mobility" if current * dV < 0 else "conventional"
    from_hot, into_cold = (q_L, q_R) if dT > 0 else (-q_R, -q_L)
    if dV == 0:
        return "anomalous_thermodiffusion" if current * dT < 0 else "conventional"
    if dT * dV > 0:
        if current * dV < 0:
            return "absolute_negative_mobility"
        if from_hot < 0 and into_cold < 0:
            return "reverse_heat_transport"
    else:
        if current * dV < 0 and from_hot > 0:
            return "heat_engine"
        if from_hot < 0 and into_cold < 0:
            return "refrigerator"
    if from_hot < 0 <= into_cold:
        return "work_to_heat"
    return "conventional"
