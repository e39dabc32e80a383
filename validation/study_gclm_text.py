"""gCLm paper text: Eqs. 3-4, the memory-kernel constant after Eq. 28, and Eq. 58.

Symbolic checks (sympy) of the algebra the paper states in words:

* Eq. 3 is the first-order expansion in r of f = sqrt(T(x - r)) xi_L - sqrt(T(x + r)) xi_R (Eq. 2);
  Eq. 4 follows with <xi_L> = <xi_R> = p A / sqrt(T) and V = 2 r A, and equals -kappa T'
  with Eq. 28's kappa = p V / (2 T).
* After Eq. 28 the paper writes sum_k c_k^2/(m_k omega_k^2) = pi K(0)/2 = pi eta / tau_R.
  Eqs. 22-23 give sum_k c_k^2/(m_k omega_k^2) = (2/pi) ∫ J(w)/w dw = K(0), and for the
  ohmic J = eta w exp(-w/w_c), w_c = 1/tau_R, K(0) = 2 eta / (pi tau_R): the printed
  constant is pi^2/2 times larger, and so is the alpha_tilde it implies smaller.
* Eq. 58 writes k_B T(t) where the derivative of D = k_B T(x)/eta2(x) has k_B T(x).
"""

from __future__ import annotations

from pathlib import Path

import sympy

from validation._report import StudyResult

NAME = "gclm_paper_text"
TITLE = "gCLm paper text: Eqs. 3-4, the constant after Eq. 28, Eq. 58"


def _is_zero(expression: sympy.Expr) -> int:
    """0 when ``expression`` simplifies to zero, else 1 (a gate value)."""
    return 0 if sympy.simplify(expression) == 0 else 1


def _eqs_3_and_4(result: StudyResult) -> None:
    x, r, p, A = sympy.symbols("x r p A", positive=True)
    xi_L, xi_R = sympy.symbols("xi_L xi_R")
    T = sympy.Function("T", positive=True)
    force = sympy.sqrt(T(x - r)) * xi_L - sympy.sqrt(T(x + r)) * xi_R  # Eq. 2 with x_{L,R} = x -+ r
    first_order = force.subs(r, 0) + r * sympy.diff(force, r).subs(r, 0).doit()
    eq3 = sympy.sqrt(T(x)) * (xi_L - xi_R) - sympy.diff(T(x), x) / sympy.sqrt(T(x)) * r / 2 * (xi_L + xi_R)
    result.check("Eq. 3 = first-order expansion in r of sqrt(T(x-r)) xi_L - sqrt(T(x+r)) xi_R (sympy; 0 = identical)", _is_zero(first_order - eq3), 0, 0, "upper")
    mean_xi = p * A / sympy.sqrt(T(x))
    mean_force = eq3.subs({xi_L: mean_xi, xi_R: mean_xi})
    volume = 2 * r * A
    eq4 = -sympy.diff(T(x), x) / T(x) * p * volume / 2
    result.check("Eq. 4 = <Eq. 3> with <xi_L> = <xi_R> = pA/sqrt(T), V = 2rA (sympy; 0 = identical)", _is_zero(mean_force - eq4), 0, 0, "upper")
    kappa = p * volume / (2 * T(x))
    result.check("Eq. 4 = -kappa T' with Eq. 28's kappa = pV/(2T) (sympy; 0 = identical)", _is_zero(-kappa * sympy.diff(T(x), x) - eq4), 0, 0, "upper")


def _constant_after_eq28(result: StudyResult) -> dict[str, float]:
    w, eta, tau = sympy.symbols("omega eta tau_R", positive=True)
    spectral = eta * w * sympy.exp(-w * tau)  # ohmic, w_c = 1/tau_R
    K0 = 2 / sympy.pi * sympy.integrate(spectral / w, (w, 0, sympy.oo))  # Eq. 23 at t = s
    result.check("K(0) from Eq. 23 with J = eta w exp(-w tau_R) vs 2 eta/(pi tau_R) (sympy; 0 = identical)", _is_zero(K0 - 2 * eta / (sympy.pi * tau)), 0, 0, "upper")
    # Eq. 22 in Eq. 23: (2/pi) ∫ J/w dw = (2/pi)(pi/2) sum c^2/(m w_k) / w_k = sum c^2/(m w^2), i.e. K(0) itself
    c, m, wk = sympy.symbols("c m omega_k", positive=True)
    single_mode = 2 / sympy.pi * sympy.integrate(sympy.pi / 2 * c**2 / (m * wk) * sympy.DiracDelta(w - wk) / w, (w, 0, sympy.oo))
    result.check("one oscillator of Eq. 22 in Eq. 23: K(0) - c^2/(m omega_k^2) (sympy; 0: sum c^2/(m omega^2) = K(0), not pi K(0)/2)", _is_zero(single_mode - c**2 / (m * wk**2)), 0, 0, "upper")
    printed = sympy.pi * eta / tau
    factor = float(sympy.simplify(printed / K0))
    result.check(
        "printed sum c^2/(m omega^2) = pi eta/tau_R over the Eqs. 22-23 value K(0) = 2 eta/(pi tau_R)",
        factor,
        float(sympy.pi**2 / 2),
        1e-12,
        "relative",
        "pi/2 from 'pi K(0)/2' and pi from K(0) = 2 eta/tau_R: alpha_tilde = kappa / sum c^2/(m omega^2) differs by this factor",
    )
    return {"factor": factor}


def _eq58(result: StudyResult) -> float:
    x, t, k_B = sympy.symbols("x t k_B", positive=True)
    T, eta2 = sympy.Function("T", positive=True), sympy.Function("eta2", positive=True)
    derivative = sympy.diff(k_B * T(x) / eta2(x), x)
    corrected = k_B / eta2(x) * sympy.diff(T(x), x) - k_B * T(x) / eta2(x) ** 2 * sympy.diff(eta2(x), x)
    printed = k_B / eta2(x) * sympy.diff(T(x), x) - k_B * T(t) / eta2(x) ** 2 * sympy.diff(eta2(x), x)
    result.check("Eq. 58 with T(x): d/dx [k_B T(x)/eta2(x)] - (k_B T'/eta2 - k_B T(x) eta2'/eta2^2) (sympy; 0 = identical)", _is_zero(derivative - corrected), 0, 0, "upper")
    sample = {T(x): sympy.exp(-x), T(t): sympy.exp(-t), eta2(x): 1 + x**2}
    difference = (printed - derivative).subs(sample).doit().subs({x: sympy.Rational(1, 2), t: sympy.Rational(3, 10), k_B: 1})
    value = float(sympy.N(difference))
    result.check("Eq. 58 as printed (k_B T(t)) minus the derivative, at T = exp(-x), eta2 = 1 + x^2, x = 0.5, t = 0.3", value, 0.0, 0.0, "info", "not zero: 'T(t)' is a typo for T(x)")
    return value


def run(fast: bool, out_dir: Path) -> StudyResult:
    result = StudyResult(NAME, TITLE)
    result.parameters = {"method": "sympy: series to first order, symbolic integrals, simplify(difference) == 0", "spectral density": "J = eta w exp(-w/w_c), w_c = 1/tau_R (text after Eq. 28)"}
    _eqs_3_and_4(result)
    constants = _constant_after_eq28(result)
    eq58 = _eq58(result)
    result.paragraph = (
        "Eqs. 3 and 4 are right: Eq. 3 is the first-order expansion of the two-sided force of Eq. 2, and its average "
        "with <xi_L> = <xi_R> = pA/sqrt(T) and V = 2rA is Eq. 4, which Eq. 28's kappa = pV/(2T) reproduces as -kappa T'. "
        "**The constant after Eq. 28 is not consistent with Eqs. 22-23**: inserting Eq. 22 in Eq. 23 gives "
        "sum c^2/(m omega^2) = K(0) (not pi K(0)/2), and the ohmic J = eta w exp(-w tau_R) gives K(0) = 2 eta/(pi tau_R) (not "
        f"2 eta/tau_R); the printed pi eta/tau_R is {constants['factor']:.4f} = pi^2/2 times the Eqs. 22-23 value, so "
        "alpha_tilde = kappa / sum c^2/(m omega^2) from physical constants depends on which relation is used by this "
        "factor (PHYSICS.md 7). **Eq. 58 has a typo**: the derivative of D = k_B T(x)/eta2(x) has k_B T(x), not k_B T(t), in "
        f"its second term (the printed form differs by {eq58:.3f} at the sample point); Eq. 59 follows from the corrected form."
    )
    return result
