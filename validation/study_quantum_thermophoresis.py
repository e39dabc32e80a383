"""Quantum-thermophoresis paper: Lambda and V systems (Eqs. 8-14) and the N-site chain (Fig. 2).

The Lindblad builder (:mod:`fpsolver.qme`) is compared with the closed forms over a
grid of temperature pairs; the high-temperature limit of Eqs. 11-12 is followed as
T grows; Fig. 2 (b)-(e) is reproduced with N = 10 and the caption's parameters,
and the global (microscopic) master equation is compared with the local one.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import brentq

from fpsolver import qme
from fpsolver.qme import analytic
from validation._common import fitted_slope, new_figure, save_figure
from validation._report import StudyResult

NAME = "quantum_thermophoresis"
TITLE = "Quantum thermophoresis: Lambda/V systems (Eqs. 8-14) and the N-site chain (Fig. 2)"
SHOWS = "The Lambda/V systems match Eqs. 8-14 and Fig. 2 is reproduced, except the size of Fig. 2(e)'s effect, the delocalisation onset and 'all A(0) vanish'."

N_SITES, H = 10, 1.0
TEMPERATURES = (0.05, 0.1, 0.3, 1.0, 3.0, 10.0)
PANEL_B = {"g": 0.1, "T_L - T_R": 0.2, "means": (0.2, 0.3, 0.5, 0.8)}
PANEL_C = {"g": 0.1, "mean": 0.4, "gradients": (0.1, 0.2, 0.4, 0.6)}
PANEL_D = {"T_L": 0.8, "T_R": 0.4, "g": (0.1, 0.4, 0.7, 1.0, 1.3)}
PANEL_E = {"T_L": 0.3, "T_R": 0.1, "g": (0.1, 0.4, 0.7, 1.0, 1.3)}


def _occupations(T_1: float, T_2: float) -> dict[str, float]:
    return {"n_1": float(analytic.bose_occupation(1.0, T_1)), "n_2": float(analytic.bose_occupation(1.0, T_2))}


def _three_level_checks(result: StudyResult, axes) -> None:
    pairs = [(a, b) for a, b in product(TEMPERATURES, TEMPERATURES)]
    lam_err, v_err, force_err, v_sign_violations = 0.0, 0.0, 0.0, 0
    for T_1, T_2 in pairs:
        n = _occupations(T_1, T_2)
        lam = qme.lambda_system(T_1=T_1, T_2=T_2)
        lam_err = max(lam_err, abs(lam.population_imbalance - float(analytic.lambda_population_imbalance(**n))))
        v = qme.v_system(T_1=T_1, T_2=T_2)
        v_err = max(v_err, abs(v.population_imbalance - float(analytic.v_population_imbalance(**n))))
        # Eq. 10 in the steady state: m* Omega^2 <X> = F_q = -(dn/2) m* Gamma^2 d
        force = float(analytic.effective_mass(**n) * analytic.lambda_omega_squared(**n)) * lam.mean_position
        force_err = max(force_err, abs(force - float(analytic.lambda_force(**n))))
        dn = n["n_2"] - n["n_1"]
        if dn != 0 and v.population_imbalance * dn <= 0:
            v_sign_violations += 1
    grid = f"{len(pairs)} pairs (T_1, T_2) in {{{', '.join(f'{t:g}' for t in TEMPERATURES)}}}^2"
    result.check(f"Lambda: max |Delta_builder - Eq. 8| over {grid}", lam_err, 0.0, 1e-10, "upper")
    result.check("V: max |Delta_V builder - closed form from the rate equations| over the same pairs", v_err, 0.0, 1e-10, "upper")
    result.check("Lambda: max |m* Omega^2 <X>_builder - F_q (Eq. 10)| over the same pairs", force_err, 0.0, 1e-10, "upper")
    result.check("V: pairs where the particle does not move towards the hot bath (Delta_V dn <= 0)", v_sign_violations, 0, 0, "upper", "Eq. 14: negative thermophoresis, F_V = -F_q")
    T_2 = np.geomspace(0.02, 20.0, 60)
    for T_1 in (0.1, 1.0):
        lam = [qme.lambda_system(T_1=T_1, T_2=t).population_imbalance for t in T_2[::4]]
        line = axes[0].semilogx(T_2, analytic.lambda_population_imbalance(**_occupations_array(T_1, T_2)), label=f"Lambda, T_1 = {T_1:g}")[0]
        axes[0].semilogx(T_2[::4], lam, "o", mfc="none", color=line.get_color(), ms=4)
        v = [qme.v_system(T_1=T_1, T_2=t).population_imbalance for t in T_2[::4]]
        line = axes[0].semilogx(T_2, analytic.v_population_imbalance(**_occupations_array(T_1, T_2)), "--", label=f"V, T_1 = {T_1:g}")[0]
        axes[0].semilogx(T_2[::4], v, "s", mfc="none", color=line.get_color(), ms=4)
    axes[0].axhline(0, color="grey", lw=0.5)
    axes[0].set(xlabel="k_B T_2 / hbar omega", ylabel="Delta = P_2 - P_1", title="Eq. 8 / Eq. 14 (lines) vs builder (markers)")
    axes[0].legend(fontsize=7)


def _occupations_array(T_1: float, T_2: np.ndarray) -> dict[str, np.ndarray]:
    return {"n_1": np.full_like(T_2, float(analytic.bose_occupation(1.0, T_1))), "n_2": analytic.bose_occupation(np.ones_like(T_2), T_2)}


def _high_temperature_checks(result: StudyResult, ax, table: list) -> None:
    means = np.array([10.0, 30.0, 100.0, 300.0])
    eq11_error, ratio_to_eq10, gradient_form = [], [], []
    for T in means:
        T_1, T_2 = 1.1 * T, 0.9 * T
        n = _occupations(T_1, T_2)
        X = qme.lambda_system(T_1=T_1, T_2=T_2).mean_position
        stiffness = 4.0 / 3.0 * float(analytic.effective_mass(**n) * analytic.lambda_omega_squared(**n))
        high_T = float(analytic.lambda_force_high_T(**n))
        eq11_error.append(abs(X / (high_T / stiffness) - 1.0))
        ratio_to_eq10.append(high_T / float(analytic.lambda_force(**n)))
        gradient_form.append(float(analytic.lambda_force_gradient_form(T_1=T_1, T_2=T_2)) / high_T)
        table.append([T, X, high_T, ratio_to_eq10[-1], gradient_form[-1], eq11_error[-1]])
    slope = fitted_slope(means, eq11_error)
    result.check("Eq. 11 steady state <X> = F_q^highT / (4 m* Omega^2/3) vs builder: rel. error decays as 1/T (slope)", slope, -1.0, 0.1, "slope")
    result.check(f"Eq. 11 steady state vs builder: rel. error at k_B T = {means[-1]:g} hbar omega", eq11_error[-1], 0.0, 1.0 / means[-1], "upper", "bound 1/nbar: the first neglected order")
    result.check(f"Eq. 12: gradient form -(T'/T) Gamma^2 d^2/6 over -(dn/3nbar) Gamma^2 d/2 at T = {means[-1]:g}", gradient_form[-1], 1.0, 1.0 / means[-1], "absolute")
    result.check(
        f"F_q^highT (Eq. 12) / F_q (Eq. 10) at k_B T = {means[-1]:g}: 4/3, not 1",
        ratio_to_eq10[-1],
        4.0 / 3.0,
        1.0 / means[-1],
        "absolute",
        "Eq. 11 rescales the stiffness to 4 m* Omega^2 / 3, so its force is 4/3 of Eq. 10's; both give the same <X>",
    )
    ax.loglog(means, eq11_error, "o-", label="|<X>_builder / <X>_Eq.11 - 1|")
    ax.loglog(means, np.abs(np.array(ratio_to_eq10) - 4 / 3), "s-", label="|F_q^highT / F_q - 4/3|")
    ax.loglog(means, np.abs(np.array(gradient_form) - 1), "^-", label="|Eq. 12 gradient form / first form - 1|")
    ax.set(xlabel="k_B T / hbar omega (T_1,2 = 1.1 T, 0.9 T)", ylabel="deviation", title="high-temperature limit (Eqs. 11-12)")
    ax.legend(fontsize=7)


def lambda_rate_generator(n_1: float, n_2: float, spontaneous: float = 1.0, gamma: float = 1.0) -> np.ndarray:
    """Generator W of Eq. 6 for (P_1, P_2, P_e), dP/dt = W P, with (n_k + 1) replaced by (n_k + spontaneous).

    dP_k/dt = gamma [(n_k + s) P_e - n_k P_k], k = 1, 2 (rates per time); s = 1 is the paper's
    Eq. 6, s = 0 drops the spontaneous emission (the text after Eq. 8).
    """
    W = np.zeros((3, 3))
    for k, n in enumerate((n_1, n_2)):
        W[k, 2] += gamma * (n + spontaneous)
        W[2, 2] -= gamma * (n + spontaneous)
        W[2, k] += gamma * n
        W[k, k] -= gamma * n
    return W


def null_population(W: np.ndarray) -> np.ndarray:
    """Steady populations of a rate generator: W P = 0 with the last row replaced by sum P = 1 (LU solve)."""
    system = W.copy()
    system[-1] = 1.0
    rhs = np.zeros(W.shape[0])
    rhs[-1] = 1.0
    return np.linalg.solve(system, rhs)


def _lambda_limits(result: StudyResult) -> None:
    """Delta = 1 at T_2 = 0 (text after Eq. 8) and Delta = 0 without spontaneous emission."""
    worst_cold = max(abs(qme.lambda_system(T_1=T_1, T_2=0.0).population_imbalance - 1.0) for T_1 in TEMPERATURES)
    result.check("Lambda, T_2 = 0: max |Delta_builder - 1| over T_1 in the grid (paper: full concentration at the cold side)", worst_cold, 0.0, 1e-12, "upper")
    worst_eq6, worst_classical = 0.0, 0.0
    grid = TEMPERATURES[1:]  # k_B T >= 0.1: n >= 5e-5 keeps the 3x3 solve well conditioned
    for T_1, T_2 in product(grid, grid):
        n = _occupations(T_1, T_2)
        P = null_population(lambda_rate_generator(n["n_1"], n["n_2"]))
        worst_eq6 = max(worst_eq6, abs((P[1] - P[0]) - qme.lambda_system(T_1=T_1, T_2=T_2).population_imbalance))
        P = null_population(lambda_rate_generator(n["n_1"], n["n_2"], spontaneous=0.0))
        worst_classical = max(worst_classical, abs(P[1] - P[0]))
    result.check(f"Lambda: rate equations of Eq. 6 (null vector) vs builder: max |Delta difference| over {len(grid) ** 2} pairs with k_B T >= {grid[0]:g}", worst_eq6, 0.0, 1e-10, "upper")
    result.check("Lambda with n_k + 1 -> n_k (no spontaneous emission): max |Delta| over the same pairs (paper: 0)", worst_classical, 0.0, 1e-10, "upper")
    nbar = np.array([100.0, 1000.0, 10000.0])
    delta = np.abs(analytic.lambda_population_imbalance(n_1=nbar - 0.05, n_2=nbar + 0.05))
    result.check("Eq. 8 at fixed dn = 0.1, nbar = 100..10^4: slope of |Delta| vs nbar (paper: Delta -> 0 as nbar -> inf; 1/(3 nbar^2))", fitted_slope(nbar, delta), -2.0, 0.01, "slope")


def _bath_heat_currents(master_equation, rho: np.ndarray) -> np.ndarray:
    """J_k = -Tr[D_k(rho) H_S] for each bath, heat per time from the system into bath k (any rho, not only the steady state)."""
    d = master_equation.dimension
    vec = master_equation.to_basis(rho).ravel(order="F")
    hamiltonian = master_equation.hamiltonian.toarray()
    return np.array([-np.trace((dk @ vec).reshape((d, d), order="F") @ hamiltonian).real for dk in master_equation.bath_dissipators()])


def _energy_rate(master_equation, rho: np.ndarray) -> float:
    """d<H_S>/dt = Tr[H_S L(rho)] with the full Liouvillian."""
    d = master_equation.dimension
    change = (master_equation.liouvillian @ master_equation.to_basis(rho).ravel(order="F")).reshape((d, d), order="F")
    return float(np.trace(change @ master_equation.hamiltonian.toarray()).real)


def _dufour_and_first_law(result: StudyResult, ax) -> dict[str, float]:
    """Dufour section on a transient (T_1 = T_2) and the first law with a non-equilibrium pair of baths."""
    times = np.linspace(0.0, 8.0, 81)
    T, omega = 0.5, 1.0
    lam = qme.lambda_system(T_1=T, T_2=T, method="liouvillian")
    me = lam.steady_state.master_equation
    n = float(analytic.bose_occupation(omega, T))
    rho0 = np.diag([0.1, 0.3, 0.6]).astype(complex)  # P_2 > P_1 and P_e > P_k n/(n+1): the paper's starting point
    states = qme.evolve(me, rho0, times)
    P = np.array([np.diag(rho).real for rho in states])
    J = np.array([_bath_heat_currents(me, rho) for rho in states])
    dufour = omega * n * (P[:, 1] - P[:, 0])
    result.check(
        f"Dufour transient (k_B T_1 = k_B T_2 = {T:g}, start P = (0.1, 0.3, 0.6)): max_t |J_1 - J_2 - hbar omega Gamma n (P_2 - P_1)|", np.max(np.abs(J[:, 0] - J[:, 1] - dufour)), 0.0, 1e-12, "upper"
    )
    violations = int(np.sum((P[:, 1] > P[:, 0]) & (J[:, 0] <= J[:, 1])))
    result.check("Dufour transient: times with P_2 > P_1 but J_1 <= J_2 (paper: J_1 > J_2)", violations, 0, 0, "upper")
    inverted = P[:, 2] > np.max(P[:, :2], axis=1) * n / (n + 1)
    result.check("Dufour transient: times with population inversion but not J_1 > J_2 > 0", int(np.sum(inverted & ~((J[:, 0] > J[:, 1]) & (J[:, 1] > 0)))), 0, 0, "upper")
    dufour_t0 = float(J[0, 0] - J[0, 1])
    result.check("Dufour transient: J_1 - J_2 at t = 0 (heat leaves faster into bath 1)", dufour_t0, 0.0, 0.0, "info")
    ax.plot(times, J[:, 0], label="J_1 (builder)")
    ax.plot(times, J[:, 1], label="J_2 (builder)")
    ax.plot(times, J[:, 1] + dufour, "k:", label="J_2 + hbar omega Gamma n (P_2 - P_1)")
    ax.set(xlabel="Gamma t", ylabel="heat current into bath k", title=f"Dufour: transient at k_B T_1 = k_B T_2 = {T:g} hbar omega")
    ax.legend(fontsize=7)

    # First law with two different baths: d<H>/dt = -(J_1 + J_2), J_k from the Dufour-section closed form
    T_1, T_2, omega_1, omega_2, gamma = 1.0, 0.2, 1.0, 1.4, 0.9
    lam = qme.lambda_system(T_1=T_1, T_2=T_2, omega_1=omega_1, omega_2=omega_2, gamma=gamma, method="liouvillian")
    me = lam.steady_state.master_equation
    n_1, n_2 = (float(analytic.bose_occupation(w, t)) for w, t in ((omega_1, T_1), (omega_2, T_2)))
    start = np.array([[0.5, 0.2, 0.1], [0.2, 0.2, 0.0], [0.1, 0.0, 0.3]], dtype=complex)  # with coherences
    states = qme.evolve(me, start, times)
    P = np.array([np.diag(rho).real for rho in states])
    closed = np.column_stack([omega_1 * gamma * ((n_1 + 1) * P[:, 2] - n_1 * P[:, 0]), omega_2 * gamma * ((n_2 + 1) * P[:, 2] - n_2 * P[:, 1])])
    J = np.array([_bath_heat_currents(me, rho) for rho in states])
    rate = np.array([_energy_rate(me, rho) for rho in states])
    scale = float(np.max(np.abs(J.sum(axis=1))))
    result.check(
        f"Lambda transient (T = {T_1:g}, {T_2:g}; omega = {omega_1:g}, {omega_2:g}): max |J_k builder - hbar omega_k Gamma [(n_k+1) P_e - n_k P_k]|", np.max(np.abs(J - closed)), 0.0, 1e-12, "upper"
    )
    result.check("Lambda transient: first law max_t |d<H_S>/dt + J_1 + J_2| / max_t |J_1 + J_2|", np.max(np.abs(rate + closed.sum(axis=1))) / scale, 0.0, 1e-10, "upper")
    result.check("Lambda transient: max_t |J_1 + J_2| (not zero out of the steady state)", scale, 0.0, 0.0, "info")
    return {"dufour_t0": dufour_t0, "first_law_scale": scale}


def _populations(T_L: float, T_R: float, g: float, approach: str = "global") -> np.ndarray:
    return qme.chain_site_populations(N_SITES, H, g, T_L, T_R, approach=approach)


def _chain_panels(result: StudyResult, axes) -> dict[str, object]:
    sites = np.arange(1, N_SITES + 1)
    # (b) fixed gradient, varying mean; (c) fixed mean, varying gradient (values not given in the caption)
    contrast_b, contrast_c, monotone_violations = [], [], 0
    for mean in PANEL_B["means"]:
        P = _populations(mean + PANEL_B["T_L - T_R"] / 2, mean - PANEL_B["T_L - T_R"] / 2, PANEL_B["g"])
        monotone_violations += int(np.sum(np.diff(P) <= 0))
        contrast_b.append(P[-1] / P[0])
        axes[0].plot(sites, P, "o-", ms=3, label=f"(T_L+T_R)/2 = {mean:g}")
    for gradient in PANEL_C["gradients"]:
        P = _populations(PANEL_C["mean"] + gradient / 2, PANEL_C["mean"] - gradient / 2, PANEL_C["g"])
        monotone_violations += int(np.sum(np.diff(P) <= 0))
        contrast_c.append(P[-1] / P[0])
        axes[1].plot(sites, P, "o-", ms=3, label=f"T_L - T_R = {gradient:g}")
    result.check("Fig. 2(b,c), g = 0.1h: neighbouring sites where the population does not grow towards the cold end", monotone_violations, 0, 0, "upper")
    result.check("Fig. 2(b): P_10/P_1 decreases as the mean temperature rises (violations)", int(np.sum(np.diff(contrast_b) >= 0)), 0, 0, "upper")
    result.check("Fig. 2(c): P_10/P_1 increases with the gradient (violations)", int(np.sum(np.diff(contrast_c) <= 0)), 0, 0, "upper")
    peaks = {}
    for ax, panel, key in ((axes[2], PANEL_D, "d"), (axes[3], PANEL_E, "e")):
        for g in panel["g"]:
            P = _populations(panel["T_L"], panel["T_R"], g)
            ax.plot(sites, P, "o-", ms=3, label=f"g = {g:g}h")
        peaks[key] = P
    result.check(
        "Fig. 2(d), k_B T_L = 0.8h, T_R = 0.4h, g = 1.3h: most populated site (paper: 3)", int(np.argmax(peaks["d"])) + 1, 3, 0, "absolute", "negative thermophoresis: migration towards the hot side"
    )
    result.check("Fig. 2(e), k_B T_L = 0.3h, T_R = 0.1h, g = 1.3h: most populated site (paper: 5 or 6)", int(np.argmax(peaks["e"])) + 1, 5.5, 0.5, "absolute")
    asymmetry = float(np.max(np.abs(peaks["e"] - peaks["e"][::-1])) / peaks["e"].max())
    result.check("Fig. 2(e), g = 1.3h: max |P_k - P_{11-k}| / max P (paper: 'symmetrically delocalized')", asymmetry, 0.0, 0.0, "info")
    titles = {
        0: f"(b) g = 0.1h, T_L - T_R = {PANEL_B['T_L - T_R']:g}h",
        1: f"(c) g = 0.1h, mean {PANEL_C['mean']:g}h",
        2: "(d) k_B T_L = 0.8h, k_B T_R = 0.4h",
        3: "(e) k_B T_L = 0.3h, k_B T_R = 0.1h",
    }
    for i, ax in enumerate(axes[:4]):
        ax.set(xlabel="site (1 = left, hot)", ylabel="site population", title=titles[i])
        ax.legend(fontsize=7)
    return {"contrast_b": contrast_b, "contrast_c": contrast_c, "asymmetry": asymmetry}


def centroid_shift(P: np.ndarray) -> float:
    """Hot-ward shift of the centroid, (N + 1)/2 - sum_k k P_k (sites; > 0: towards site 1, the hot end)."""
    sites = np.arange(1, P.size + 1)
    return float((P.size + 1) / 2 - np.sum(sites * P))


def hot_half_excess(P: np.ndarray) -> float:
    """Population of the hot half minus that of the cold half (> 0: migration towards the hot end)."""
    half = P.size // 2
    return float(P[:half].sum() - P[-half:].sum())


def _negative_thermophoresis_in_e(result: StudyResult) -> dict[str, float]:
    """Text after Eq. 14: 'a tiny bit of negative thermophoresis in (e) at g/h = 0.7 and 0.9, far less pronounced than in (d) at 1.3'."""
    reference = _populations(PANEL_D["T_L"], PANEL_D["T_R"], 1.3)
    metrics = {"d1.3": (centroid_shift(reference), hot_half_excess(reference))}
    result.check("Fig. 2(d), g = 1.3h: hot-ward centroid shift (sites) | hot-half excess", metrics["d1.3"][0], 0.0, 0.0, "info", f"hot-half excess {metrics['d1.3'][1]:.4f}")
    for g in (0.7, 0.9, 1.3):
        P = _populations(PANEL_E["T_L"], PANEL_E["T_R"], g)
        metrics[f"e{g:g}"] = (centroid_shift(P), hot_half_excess(P))
        liouvillian = qme.chain(N_SITES, H, g, PANEL_E["T_L"], PANEL_E["T_R"], method="liouvillian").site_populations
        result.check(f"Fig. 2(e), g = {g:g}h: Pauli shortcut vs full Liouvillian, max |Δ P_k| (the numbers below are not a solver artefact)", np.max(np.abs(P - liouvillian)), 0.0, 1e-10, "upper")
        result.check(f"Fig. 2(e), g = {g:g}h: hot-ward centroid shift (sites) | hot-half excess", metrics[f"e{g:g}"][0], 0.0, 0.0, "info", f"hot-half excess {metrics[f'e{g:g}'][1]:.4f}")
    for g in (0.7, 0.9):
        result.check(f"Fig. 2(e), g = {g:g}h: hot-half excess > 0 (negative thermophoresis present, as the paper says)", metrics[f"e{g:g}"][1], 0.0, 0.0, "lower")
        ratio = metrics[f"e{g:g}"][1] / metrics["d1.3"][1]
        result.check(
            f"hot-half excess of (e) at g = {g:g}h over (d) at 1.3h (paper: 'far less pronounced', << 1)",
            ratio,
            1.0,
            0.0,
            "info",
            "DISAGREES with the paper" if ratio >= 1.0 else "agrees with the paper",
        )
    return {key: value[1] for key, value in metrics.items()} | {f"shift_{key}": value[0] for key, value in metrics.items()}


def _panel_d_sensitivity(result: StudyResult, ax) -> dict[str, float]:
    """Near g* = -h / (2 cos(7 pi/11)) = 1.2036h an excited eigenstate of H_S crosses the ground manifold (E = 0)."""
    degenerate = -H / (2.0 * np.cos(7 * np.pi / (N_SITES + 1)))
    couplings = np.round(np.arange(1.10, 1.305, 0.01), 2)
    excess = np.array([hot_half_excess(_populations(PANEL_D["T_L"], PANEL_D["T_R"], g)) for g in couplings])
    energies = qme.chain(N_SITES, H, 1.2, PANEL_D["T_L"], PANEL_D["T_R"]).steady_state.master_equation.energies
    closed = abs(H + 2 * 1.2 * np.cos(7 * np.pi / (N_SITES + 1)))
    result.check("chain g = 1.2h: smallest non-zero |E| of H_S (builder) vs |h + 2g cos(7 pi/11)|", float(np.min(np.abs(energies[np.abs(energies) > 1e-12]))), closed, 1e-9, "relative")
    g_min = float(couplings[np.argmin(excess)])
    result.check(f"Fig. 2(d): g of the smallest hot-half excess on g = 1.10..1.30h vs the near-degeneracy g* = {degenerate:.4f}h", g_min, degenerate, 0.01, "absolute")
    result.check(
        "Fig. 2(d): hot-half excess at g = 1.2h over that at 1.3h (sensitivity of the panel to g)",
        excess[np.isclose(couplings, 1.2)][0] / excess[-1],
        1.0,
        0.0,
        "info",
        f"peak site at 1.2h: {int(np.argmax(_populations(PANEL_D['T_L'], PANEL_D['T_R'], 1.2))) + 1}, at 1.3h: 3",
    )
    ax.plot(couplings, excess, "o-", ms=3)
    ax.axvline(degenerate, color="grey", ls="--", label=f"g* = {degenerate:.4f}h (E = 0 crossing)")
    ax.set(xlabel="g / h", ylabel="hot-half excess", title="(d) k_B T = 0.8h -> 0.4h: sensitivity to g")
    ax.legend(fontsize=7)
    return {"degenerate": degenerate, "min_excess": float(excess.min()), "excess_1.3": float(excess[-1])}


def _two_site_crossing(result: StudyResult) -> None:
    """N = 2: |+-> = (|e_1> +- |e_2>)/sqrt(2) at h +- g; for g > h, |-> lies below the site ground states."""
    couplings = np.arange(0.025, 2.0, 0.05)  # avoids g = h, where E_- = 0 joins the ground manifold
    energy_error, vector_error, ground = 0.0, 0.0, []
    minus = np.array([0, 0, 1, -1]) / np.sqrt(2)
    for g in couplings:
        hamiltonian = np.zeros((4, 4))
        hamiltonian[2:, 2:] = [[H, g], [g, H]]
        energies, basis = qme.block_eigenbasis(sp.csr_matrix(hamiltonian))
        order = np.argsort(energies)
        energy_error = max(energy_error, float(np.max(np.abs(np.sort(energies) - np.sort([0.0, 0.0, H - g, H + g])))))
        lowest_excited = basis.toarray()[:, np.argmin(np.where(np.abs(energies) > 1e-12, energies, np.inf))]
        vector_error = max(vector_error, abs(1.0 - abs(lowest_excited @ minus) ** 2))
        ground.append(energies[order[0]] < -1e-12)
    crossing = couplings[np.argmax(ground)]
    result.check("N = 2: eigenvalues of H_S (builder's block_eigenbasis) vs {0, 0, h - g, h + g}, max |Δ| over g = 0.025..1.975h", energy_error, 0.0, 1e-12, "upper")
    result.check("N = 2: 1 - |<-|lowest excited eigenvector>|^2, |-> = (|e_1> - |e_2>)/sqrt(2), max over g", vector_error, 0.0, 1e-12, "upper")
    result.check("N = 2: smallest g on the grid with a delocalised ground state (E_- < 0): the level crossing at g = h", float(crossing), H, float(couplings[1] - couplings[0]), "absolute")


def reduced_population_generator(master_equation) -> np.ndarray:
    """2x2 generator of (P_1, P_2) from the builder's Pauli rates with P_e = 1 - P_1 - P_2 eliminated (Eq. 6).

    d(P_1, P_2)/dt = M (P_1, P_2) + const; Eq. 10 is its characteristic equation, so det M = Omega^2 and
    -trace M = Gamma / m* (rates per time, Gamma = 1 here).
    """
    W = master_equation.rate_matrix()
    generator = W - np.diag(W.sum(axis=0))
    return generator[:2, :2] - generator[:2, 2][:, None]


def _lambda_oscillator_claims(result: StudyResult) -> None:
    """Text after Eq. 10 (Omega^2 >= 0 since |dn| <= 2 nbar) and before Eq. 11 (<X> relaxes at Gamma nbar at high T)."""
    pairs = list(product((0.0,) + TEMPERATURES, TEMPERATURES))
    omega_error, omega_min, bound_min = 0.0, np.inf, np.inf
    for T_1, T_2 in pairs:
        n = {"n_1": float(analytic.bose_occupation(1.0, T_1)), "n_2": float(analytic.bose_occupation(1.0, T_2))}
        M = reduced_population_generator(qme.lambda_system(T_1=T_1, T_2=T_2).steady_state.master_equation)
        closed = float(analytic.lambda_omega_squared(**n))
        omega_error = max(omega_error, abs(np.linalg.det(M) - closed))
        omega_min = min(omega_min, float(np.linalg.det(M)))
        bound_min = min(bound_min, (n["n_1"] + n["n_2"]) - abs(n["n_2"] - n["n_1"]))
    grid = f"{len(pairs)} pairs, k_B T_1 in {{0}} + grid, T_2 in grid"
    result.check(f"Lambda: Omega^2/Gamma^2 of Eq. 10 vs det of the builder's (P_1, P_2) generator, max |Δ| over {grid}", omega_error, 0.0, 1e-12, "upper")
    result.check("Lambda: min Omega^2 / Gamma^2 over the same pairs (paper: Omega^2 >= 0)", omega_min, 0.0, 0.0, "lower")
    result.check("Lambda: min (2 nbar - |dn|) over the same pairs (paper: the gradient is bounded, |dn| <= 2 nbar)", bound_min, 0.0, 0.0, "lower")
    means = np.array([10.0, 30.0, 100.0, 300.0])
    closed_error, equal_T_error, errors, bounds = 0.0, 0.0, [], []
    for T in means:
        for T_1, T_2 in ((1.1 * T, 0.9 * T), (T, T)):
            n = _occupations(T_1, T_2)
            nbar, dn = 0.5 * (n["n_1"] + n["n_2"]), n["n_2"] - n["n_1"]
            M = reduced_population_generator(qme.lambda_system(T_1=T_1, T_2=T_2).steady_state.master_equation)
            slow = -float(np.max(np.linalg.eigvals(M).real))
            # roots of s^2 + (4 nbar + 2) s + Omega^2 = 0 (Eq. 10), Gamma = 1
            closed_error = max(closed_error, abs(slow / ((2 * nbar + 1) - np.sqrt((nbar + 1) ** 2 + 0.75 * dn**2)) - 1.0))
            if T_1 == T_2:
                equal_T_error = max(equal_T_error, abs(slow / nbar - 1.0))
            else:
                errors.append(abs(slow / nbar - 1.0))
                bounds.append((dn / nbar) ** 2)
    result.check("Lambda: slowest relaxation rate of <X> (builder) vs the root of Eq. 10, (2 nbar + 1) - sqrt((nbar + 1)^2 + 3 dn^2/4), max rel. error", closed_error, 0.0, 1e-10, "upper")
    result.check("Lambda, T_1 = T_2 = 10..300: slowest rate over Gamma nbar (text before Eq. 11: <X> damped at Gamma nbar), max |ratio - 1|", equal_T_error, 0.0, 1e-10, "upper")
    result.check(
        f"Lambda, T_1,2 = 1.1 T, 0.9 T, k_B T = {means[-1]:g}: |slowest rate / (Gamma nbar) - 1|, within (dn/nbar)^2 = {bounds[-1]:.3g}",
        errors[-1],
        0.0,
        bounds[-1],
        "upper",
        f"{', '.join(f'{e:.3g}' for e in errors)} at k_B T = {', '.join(f'{t:g}' for t in means)}: the correction is 3 dn^2/(8 nbar^2), the order the text drops",
    )


def _delocalisation_onset(result: StudyResult) -> float:
    """The ground state of H_S leaves the site ground manifold (E = 0) when h + 2g cos(N pi/(N+1)) < 0: g > h/(2 cos(pi/(N+1)))."""

    def lowest_excited(g: float) -> float:
        energies = np.linalg.eigvalsh(qme.chain_master_equation(N_SITES, H, g, 0.3, 0.1, approach="local").hamiltonian.toarray())
        return float(np.min(energies[np.abs(energies) > 1e-12]))

    onset = brentq(lowest_excited, 0.3, 0.9, xtol=1e-14)
    closed = H / (2.0 * np.cos(np.pi / (N_SITES + 1)))
    result.check(f"N = {N_SITES}: g where the lowest level of H_S (builder) reaches 0 (delocalised ground state) vs h/(2 cos(pi/11))", onset, closed, 1e-9, "relative")
    result.check("paper's onset 'g/h >~ 1' over the computed onset g/h = 0.521", 1.0 / onset, 1.0, 0.0, "info", "DISAGREES: delocalisation sets in at g = 0.52h for N = 10 (g = h only for N = 2)")
    return onset


def zero_frequency_jumps(N: int, g: float, tol: float = 1e-9) -> float:
    """max_k ||A_k(0)||_F for the chain: S_k projected on the E = 0 eigenspace of H_S (site ground states plus any excited level at 0)."""
    master_equation = qme.chain_master_equation(N, H, g, 0.3, 0.1, approach="local")
    energies, vectors = np.linalg.eigh(master_equation.hamiltonian.toarray())
    zero = vectors[:, np.abs(energies) < tol]
    projector = zero @ zero.T
    return max(float(np.linalg.norm(projector @ bath.coupling.toarray() @ projector)) for bath in master_equation.baths)


def _zero_frequency_claim(result: StudyResult) -> dict[str, float]:
    """'In our models, all the operators A_{w=0} vanish': false at the isolated g where an excited level of H_S reaches 0."""
    crossings = [-H / (2.0 * np.cos(j * np.pi / (N_SITES + 1))) for j in range(N_SITES, 0, -1) if np.cos(j * np.pi / (N_SITES + 1)) < 0]
    below = [g for g in crossings if g <= 1.3]
    generic = max(zero_frequency_jumps(N_SITES, g) for g in (0.1, 0.4, 0.7, 0.9, 1.0, 1.3))
    result.check("chain: max_k ||A_k(w=0)|| at g = 0.1, 0.4, 0.7, 0.9, 1.0, 1.3h (paper: all A_{w=0} vanish)", generic, 0.0, 1e-12, "upper")
    at_crossing = min(zero_frequency_jumps(N_SITES, g) for g in below)
    result.check(
        f"chain: min over the {len(below)} g <= 1.3h where h + 2g cos(j pi/11) = 0 ({', '.join(f'{g:.4f}' for g in below)}h) of max_k ||A_k(0)||",
        at_crossing,
        0.0,
        0.0,
        "info",
        "DISAGREES with 'all A_{w=0} vanish': an excited level joins the E = 0 manifold and S_k couples it to |g_k>",
    )
    result.check("chain: those isolated g have max_k ||A_k(0)|| >= 0.1 (not a round-off effect)", at_crossing, 0.0, 0.1, "lower")
    refused = 0
    for g in below:
        try:
            qme.chain_master_equation(N_SITES, H, g, 0.3, 0.1)
        except ValueError:
            refused += 1
    result.check("chain: builder with flat J refuses (gamma(0) diverges) at each of those g", refused, len(below), 0, "absolute")
    return {"crossings": below, "norm": at_crossing}


def _fig2e_readings(result: StudyResult) -> dict[str, float]:
    """Fig. 2(e) at 0.7h and 0.9h against (d) at 1.3h under the local and ohmic readings (the global one: rows above)."""
    readings = {"local": lambda T_L, T_R, g: _populations(T_L, T_R, g, approach="local"), "ohmic": ohmic_chain_populations}
    ratios = {}
    for reading, populations in readings.items():
        reference = hot_half_excess(populations(PANEL_D["T_L"], PANEL_D["T_R"], 1.3))
        for g in (0.7, 0.9):
            excess = hot_half_excess(populations(PANEL_E["T_L"], PANEL_E["T_R"], g))
            ratios[f"{reading}{g:g}"] = excess / reference
            result.check(
                f"{reading} reading, Fig. 2(e) g = {g:g}h: hot-half excess (> 0: hot-ward, the paper's sign) | ratio to (d) at 1.3h (paper: << 1)",
                excess,
                0.0,
                0.0,
                "info",
                f"ratio {excess / reference:.3f}; (d) excess {reference:.4f}",
            )
    return ratios


def ohmic_chain_populations(T_L: float, T_R: float, g: float) -> np.ndarray:
    """Site populations of the N-site chain with ohmic baths J(w) = (Gamma/h) w (equal to Gamma at w = h), no cutoff."""
    hamiltonian = np.zeros((2 * N_SITES, 2 * N_SITES))
    hamiltonian[N_SITES:, N_SITES:] = H * np.eye(N_SITES) + g * (np.eye(N_SITES, k=1) + np.eye(N_SITES, k=-1))
    flat = qme.chain_master_equation(N_SITES, H, g, T_L, T_R)
    baths = [qme.Bath(coupling=bath.coupling, temperature=bath.temperature, spectral_density="ohmic", strength=1.0 / H) for bath in flat.baths]
    diagonal = qme.steady_state(qme.build_master_equation(hamiltonian, baths)).diagonal
    return diagonal[:N_SITES] + diagonal[N_SITES:]


def _ohmic_chain(result: StudyResult, ax) -> None:
    """'We have also tested with ohmic spectral densities (not shown), finding qualitatively identical results.'"""
    monotone, contrast_b, contrast_c = 0, [], []
    for mean in PANEL_B["means"]:
        P = ohmic_chain_populations(mean + PANEL_B["T_L - T_R"] / 2, mean - PANEL_B["T_L - T_R"] / 2, PANEL_B["g"])
        monotone += int(np.sum(np.diff(P) <= 0))
        contrast_b.append(P[-1] / P[0])
    for gradient in PANEL_C["gradients"]:
        P = ohmic_chain_populations(PANEL_C["mean"] + gradient / 2, PANEL_C["mean"] - gradient / 2, PANEL_C["g"])
        monotone += int(np.sum(np.diff(P) <= 0))
        contrast_c.append(P[-1] / P[0])
    result.check("ohmic baths, Fig. 2(b,c) temperatures: neighbouring sites where the population does not grow towards the cold end", monotone, 0, 0, "upper")
    result.check(
        "ohmic baths, Fig. 2(b,c): violations of 'P_10/P_1 falls with the mean T (b) and grows with the gradient (c)'",
        int(np.sum(np.diff(contrast_b) >= 0) + np.sum(np.diff(contrast_c) <= 0)),
        0,
        0,
        "upper",
    )
    P_d = ohmic_chain_populations(PANEL_D["T_L"], PANEL_D["T_R"], 1.3)
    P_e = ohmic_chain_populations(PANEL_E["T_L"], PANEL_E["T_R"], 1.3)
    result.check("ohmic baths, Fig. 2(d) g = 1.3h: most populated site (flat J and paper: 3)", int(np.argmax(P_d)) + 1, 3, 0, "absolute")
    result.check("ohmic baths, Fig. 2(e) g = 1.3h: most populated site (paper: 5 or 6)", int(np.argmax(P_e)) + 1, 5.5, 0.5, "absolute")
    sites = np.arange(1, N_SITES + 1)
    ax.plot(sites, P_d, "o-", ms=3, label="ohmic, (d) g = 1.3h")
    ax.plot(sites, _populations(PANEL_D["T_L"], PANEL_D["T_R"], 1.3), "x--", ms=4, label="flat, (d) g = 1.3h")
    ax.plot(sites, P_e, "s-", ms=3, label="ohmic, (e) g = 1.3h")
    ax.plot(sites, _populations(PANEL_E["T_L"], PANEL_E["T_R"], 1.3), "+--", ms=4, label="flat, (e) g = 1.3h")
    ax.set(xlabel="site", ylabel="site population", title="ohmic J = (Gamma/h) w vs flat J = Gamma")
    ax.legend(fontsize=7)


def _global_vs_local(result: StudyResult, axes) -> dict[str, float]:
    sites = np.arange(1, N_SITES + 1)
    out = {}
    for ax, (label, T_L, T_R) in zip(axes, (("d", 0.8, 0.4), ("e", 0.3, 0.1))):
        for g in (0.1, 1.3):
            P_global = _populations(T_L, T_R, g)
            P_local = _populations(T_L, T_R, g, approach="local")
            line = ax.plot(sites, P_global, "o-", ms=3, label=f"global, g = {g:g}h")[0]
            ax.plot(sites, P_local, "x--", ms=4, color=line.get_color(), label=f"local, g = {g:g}h")
            distance = float(np.sum(np.abs(P_global - P_local)))
            result.check(f"panel ({label}), g = {g:g}h: sum |P_global - P_local|; local peak at site {int(np.argmax(P_local)) + 1}", distance, 0.0, 0.0, "info")
            out[f"{label}{g:g}"] = distance
        ax.set(xlabel="site", ylabel="site population", title=f"global vs local, k_B T_L = {T_L:g}h, T_R = {T_R:g}h")
        ax.legend(fontsize=7)
    return out


def run(fast: bool, out_dir: Path) -> StudyResult:
    result = StudyResult(NAME, TITLE)
    result.parameters = {
        "units": "hbar = k_B = Gamma = d = 1; Lambda/V: omega_1 = omega_2 = 1, flat J = Gamma",
        "chain": f"N = {N_SITES}, h = {H:g}, flat J = Gamma = 1, T linear from T_L (site 1) to T_R (site N)",
        "Fig. 2(b)": f"g = 0.1h, T_L - T_R = {PANEL_B['T_L - T_R']:g}h, mean {', '.join(f'{m:g}' for m in PANEL_B['means'])} h (not given in the caption: chosen)",
        "Fig. 2(c)": f"g = 0.1h, mean {PANEL_C['mean']:g}h, T_L - T_R = {', '.join(f'{m:g}' for m in PANEL_C['gradients'])} h (not given in the caption: chosen)",
        "Fig. 2(d)": "k_B T_L = 0.8h, k_B T_R = 0.4h (caption); g = 0.1, 0.4, 0.7, 1.0, 1.3 h (the caption gives no g: 1.3h is from the text, the others chosen)",
        "Fig. 2(e)": "k_B T_L = 0.3h, k_B T_R = 0.1h (caption); g = 0.1, 0.4, 0.7, 1.0, 1.3 h (no g in the caption: 0.7h, 0.9h and 1.3h are from the text)",
        "ohmic baths": "J(w) = (Gamma/h) w (no cutoff; equals the flat Gamma at w = h), same chain otherwise",
        "Dufour transient": "k_B T_1 = k_B T_2 = 0.5 hbar omega, rho(0) = diag(0.1, 0.3, 0.6) in (|1>, |2>, |e>), Gamma t = 0..8",
        "first-law transient": "k_B T_1 = 1, k_B T_2 = 0.2, omega = 1, 1.4, Gamma = 0.9, rho(0) with coherences",
    }
    figure, axes = new_figure(2, width=4.6)
    table = [["k_B T", "<X> builder", "F_q^highT (Eq. 12)", "F_q^highT / F_q(Eq. 10)", "gradient form / first form", "|<X>/<X>_Eq.11 - 1|"]]
    _three_level_checks(result, axes)
    _high_temperature_checks(result, axes[1], table)
    _lambda_limits(result)
    result.figures.append(save_figure(figure, out_dir, NAME, "lambda_v"))
    figure, axes = new_figure(1, width=4.6)
    dufour = _dufour_and_first_law(result, axes[0])
    result.figures.append(save_figure(figure, out_dir, NAME, "dufour_transient"))
    figure, axes = new_figure(4, width=3.6)
    panels = _chain_panels(result, axes)
    result.figures.append(save_figure(figure, out_dir, NAME, "fig2_panels_b_to_e"))
    figure, axes = new_figure(2, width=4.6)
    distances = _global_vs_local(result, axes)
    result.figures.append(save_figure(figure, out_dir, NAME, "global_vs_local"))
    excess = _negative_thermophoresis_in_e(result)
    figure, axes = new_figure(2, width=4.6)
    sensitivity = _panel_d_sensitivity(result, axes[0])
    _ohmic_chain(result, axes[1])
    _two_site_crossing(result)
    _lambda_oscillator_claims(result)
    onset = _delocalisation_onset(result)
    zero_frequency = _zero_frequency_claim(result)
    readings = _fig2e_readings(result)
    result.figures.append(save_figure(figure, out_dir, NAME, "sensitivity_and_ohmic"))
    result.table = table
    result.paragraph = (
        "The microscopic Lindblad builder reproduces Eq. 8 (Lambda) and the V-system imbalance to round-off over "
        "36 temperature pairs from 0.05 to 10 hbar omega/k_B, and in every pair the V particle moves towards the "
        "hot bath (Eq. 14's negative thermophoresis). **On the high-temperature limit (Eqs. 11-12)**: the force "
        "F_q^highT = -(dn/3nbar) Gamma^2 d/2 is not the high-T limit of Eq. 10's F_q = -(dn/2) m* Gamma^2 d; it "
        "tends to 4/3 of it, because Eq. 11 also replaces the stiffness m* Omega^2 by 4 m* Omega^2/3. The two "
        "rescalings cancel in the steady state, so Eq. 11 predicts the builder's <X> with a relative error that "
        "decays as 1/T (table). Fig. 2 is reproduced with N = 10: at g = 0.1h the population grows monotonically "
        "towards the cold end, more so at lower mean temperature (b) and larger gradient (c) (the caption gives no "
        "temperatures for (b) and (c); ours are listed above); at g = 1.3h the population peaks at site 3 for "
        "k_B T = 0.8h -> 0.4h (d) and near the middle for 0.3h -> 0.1h (e), as the paper says; the (e) profile is "
        f"not exactly symmetric (max |P_k - P_11-k| / max P = {panels['asymmetry']:.3f}). **The local master "
        "equation misses both large-g effects**: its population stays thermophobic (peak at the cold end) at "
        f"g = 1.3h (sum |P_global - P_local| = {distances['d1.3']:.3f} in (d), {distances['e1.3']:.3f} in (e)), "
        "while at g = 0.1h both give a monotone thermophobic profile and differ by "
        f"{distances['d0.1']:.3f} (d) and {distances['e0.1']:.3f} (e). "
        "**Claims from the text, each a row above.** Delta = 1 at T_2 = 0 and Delta = 0 once n_k + 1 -> n_k (no spontaneous "
        "emission; Eq. 8 then decays as 1/(3 nbar^2) at fixed dn) hold to round-off. The Dufour statement is about a state "
        "out of equilibrium: at T_1 = T_2 every steady heat current vanishes (and in any Lambda steady state each current "
        "vanishes on its own, since the three levels form a chain of two transitions: a sum-to-zero check tests nothing), "
        "so it is checked on a transient from a population-inverted start, where J_1 - J_2 = hbar omega Gamma n (P_2 - P_1) "
        f"at every time (J_1 - J_2 = {dufour['dufour_t0']:.4f} at t = 0) and J_1 > J_2 > 0 while the inversion lasts. With two "
        "different baths the first law d<H_S>/dt = -(J_1 + J_2) holds along a transient whose summed current is not zero "
        f"(max |J_1 + J_2| = {dufour['first_law_scale']:.3f}). **Fig. 2(e) at g = 0.7h and 0.9h: our numbers disagree with "
        "the text.** The paper sees 'a tiny bit of negative thermophoresis, far less pronounced than in (d) at g = 1.3h'; the "
        "global master equation (Pauli and full Liouvillian agree) gives a hot-half excess (population of sites 1-5 minus "
        f"sites 6-10) of {excess['e0.7']:.3f} (0.7h) and {excess['e0.9']:.3f} (0.9h) in (e) against {excess['d1.3']:.3f} in (d) at "
        f"1.3h, and hot-ward centroid shifts of {excess['shift_e0.7']:.3f} and {excess['shift_e0.9']:.3f} sites against "
        f"{excess['shift_d1.3']:.3f}: as large or larger, not far less. Panel (d) is sensitive to g: an excited eigenstate of "
        f"H_S crosses the ground manifold at g* = {sensitivity['degenerate']:.4f}h (E ≈ 0.003h at 1.2h), where the hot-half "
        f"excess drops to {sensitivity['min_excess']:.4f} from {sensitivity['excess_1.3']:.4f} at 1.3h and the peak moves to the "
        "middle. With ohmic baths the chain keeps every qualitative claim of Fig. 2 (b)-(e) (the paper: 'qualitatively "
        "identical'). For N = 2 the builder's eigenstates are |±> = (|e_1> ± |e_2>)/sqrt(2) at h ± g, and |-> crosses "
        "below the site ground states at g = h (the level crossing of panel (d)). "
        "**More claims from the text, each a row.** Eq. 10's Omega^2 is the determinant of the builder's population "
        "generator and never negative, since |dn| <= 2 nbar; <X> relaxes at exactly Gamma nbar when T_1 = T_2 and within "
        "3 dn^2/(8 nbar^2) of it otherwise (the high-temperature damping rate quoted before Eq. 11). **For N = 10 the ground "
        f"state delocalises at g = h/(2 cos(pi/11)) = {onset:.4f}h**, not at 'g/h >~ 1' (that is the N = 2 crossing). "
        "**'All A_{w=0} vanish' fails at isolated g**: wherever an excited level h + 2g cos(j pi/11) reaches 0 "
        f"({', '.join(f'{g:.4f}' for g in zero_frequency['crossings'])}h below 1.3h) a zero-frequency jump of norm >= "
        f"{zero_frequency['norm']:.2f} appears and the flat-J rate diverges (the builder refuses those g); at every other g "
        "they vanish. Fig. 2(e) under the other readings: the local master equation has no hot-ward excess at all "
        f"(the sign is not reproduced), ohmic baths give ratios {readings['ohmic0.7']:.2f} (0.7h) and {readings['ohmic0.9']:.2f} "
        "(0.9h) to (d) at 1.3h: not 'far less pronounced' either. A Bloch-Redfield (non-secular) reading is not computed "
        "here: fpsolver has no Redfield solver."
    )
    return result
