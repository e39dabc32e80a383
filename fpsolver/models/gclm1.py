"""Generalized Caldeira-Leggett model I (gCLm Eqs. 26-31)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from fpsolver._validate import optional_real, real, reals
from fpsolver.fields.potentials import Potential
from fpsolver.fields.profiles import TemperatureProfile
from fpsolver.models.base import Domain, LangevinTerms, Model, require_positive

PER_PARTICLE = "per-particle"


class GCLM1(Model):
    r"""Bath oscillators pushed by -alpha_k T'(x): thermophoretic force and T''-friction.

    Inertial Langevin (Eq. 27):
        M x'' = -V' - eta_eff(x) x' - kappa T'(x) + F_L,  <F_L F_L> = 2 eta k_B T0 delta
    with eta_eff = eta (1 - alpha_tilde T''(x)) (Eq. 26). Overdamped Fokker-Planck (Eq. 30):

        A = (V' + kappa T') / eta_eff ,   D = D0 / eta_eff^2 ,   D0 = eta k_B T0 .

    Paper typo (docs/physics/models.md): Eq. 29 writes the noise as sqrt(2 D0/eta_eff), which
    does not give Eq. 30; fpsolver's SDE is the Ito SDE with D = D0/eta_eff^2.
    For a linear profile and V = 0, P_ss ∝ exp(-kappa T0' x / (k_B T0)) (Eq. 31).

    T0 per particle (docs/physics/models.md, 7): T0 = T(x(0)) belongs to each trajectory and is
    conserved, so with ``T0="per-particle"`` particle i has the noise of
    T0_i = T(x_i(0)): D_i = eta k_B T0_i / eta_eff^2 while A does not depend on T0 (the
    Kramers form's noise-induced drift scales with T0_i as D does). Its steady density is
    the mixture of the fixed-T0 steady states weighted by the initial density p0,

        P(x) = ∫ p0(x0) P_ss(x; T0 = T(x0)) dx0

    (:func:`fpsolver.pde.exact.per_particle_mixture`). Only the overdamped 1D ensemble
    integrates such a model directly; solvers of one density refuse it.

    Parameters
    ----------
    profile
        Temperature profile T(x).
    kappa
        Thermophoretic coupling (energy/temperature), F_th = -kappa T'.
    alpha_tilde
        Coupling of the friction to T'' (length^2/temperature).
    eta, kB
        Bare friction and Boltzmann constant.
    T0
        Temperature setting the noise strength; default T(x0), or T at the domain
        centre when ``x0`` is not given either. "per-particle": each trajectory's own
        T(x(0)) (overdamped 1D ensembles; the default rule then gives the reference T0).
    x0
        Initial position of the particle (used only to define T0).
    potential, overdamped
        See :class:`fpsolver.models.Ito`.

    Raises
    ------
    ValueError
        If eta_eff <= 0 at any point where coefficients are evaluated.

    Notes
    -----
    Extension to 2D/3D (not in the paper, which is 1D): with a temperature field
    T(r) the bath coupling generalises with T'' -> Laplacian of T and T' -> grad T,

        eta_eff(r) = eta (1 - alpha_tilde lap T),  A = (grad V + kappa grad T) / eta_eff,
        D = D0 / eta_eff^2  (isotropic),

    which reduces to Eqs. 26-30 in 1D. Free steady state for constant eta_eff:
    P ∝ exp(-kappa T / (k_B T0)) (A/D is a gradient), the nD form of Eq. 31.
    """

    name = "gclm1"

    def __init__(
        self,
        profile: TemperatureProfile,
        *,
        kappa: float,
        alpha_tilde: float = 0.0,
        eta: float = 1.0,
        kB: float = 1.0,
        T0: float | Literal["per-particle"] | None = None,
        x0: float | None = None,
        potential: Potential | None = None,
        overdamped: str = "ito",
    ) -> None:
        super().__init__(profile, potential=potential, overdamped=overdamped)
        require_positive("gclm1", eta=eta, kB=kB)
        self.kappa, self.alpha_tilde = real("kappa", kappa), real("alpha_tilde", alpha_tilde)
        self.eta, self.kB = float(eta), float(kB)
        if isinstance(T0, str):
            if T0 != PER_PARTICLE:
                raise ValueError(f"gclm1: 'T0' must be a number > 0, \"{PER_PARTICLE}\" or None, got {T0!r}")
            self.per_particle_T0 = True
            T0 = None
        self.T0_given = optional_real("T0", T0, positive=True)
        if x0 is not None and reals("x0", x0).size != self.dimension:
            raise ValueError(f"gclm1: 'x0' must be a point with {self.dimension} coordinate(s), got {x0!r}")
        self.x0 = x0

    @classmethod
    def from_physical(cls, profile: TemperatureProfile, *, pressure: float, particle_volume: float, tau_R: float, T_ref: float, eta: float = 1.0, kB: float = 1.0, **options: object) -> GCLM1:
        """Build from physical parameters (gCLm Eq. 4/28 and the text after Eq. 28).

        kappa = p V_p / (2 T_ref) and alpha_tilde = (tau_R / (pi eta)) kappa, with
        T_ref the reference temperature of the gas (also used as T0 unless given).

        Which cutoff relation: Eq. 28 sets kappa = S alpha_tilde with
        S = sum_k c_k^2 / (m_k omega_k^2), and the text after it takes
        S = pi K(0) / 2 = pi eta / tau_R, which gives the alpha_tilde above. That is the
        relation used here, so that parameters quoted with the paper's alpha_tilde
        reproduce its numbers. The paper's own Eqs. 22-23 give instead S = K(0)
        exactly, and for an Ohmic bath J = eta omega exp(-omega tau_R) (friction
        ∫_0^∞ K dt = eta, cutoff 1/tau_R) K(0) = 2 eta / (pi tau_R), hence
        alpha_tilde = (pi tau_R / (2 eta)) kappa: pi^2/2 ≈ 4.93 times larger than the
        value here. Pass ``alpha_tilde`` to the constructor for that reading; the
        validation study ``gclm1_eq31`` evaluates both relations by quadrature.
        """
        require_positive("gclm1", pressure=pressure, particle_volume=particle_volume, tau_R=tau_R, T_ref=T_ref)
        kappa = pressure * particle_volume / (2.0 * T_ref)
        options.setdefault("T0", T_ref)
        return cls(profile, kappa=kappa, alpha_tilde=tau_R / (np.pi * eta) * kappa, eta=eta, kB=kB, **options)  # type: ignore[arg-type]

    def T0(self, domain: Domain) -> float:
        """Noise temperature T0 (explicit, else T(x0), else T at the domain centre).

        In nD ``x0`` is a point (x, y[, z]) and the centre is that of the bounding box.
        With ``T0="per-particle"`` this is the reference T0_ref of :meth:`coefficients`.
        """
        if self.T0_given is not None:
            return float(self.T0_given)
        x0 = self.x0 if self.x0 is not None else 0.5 * (np.asarray(domain[0], dtype=float) + np.asarray(domain[1], dtype=float))
        point = np.array([x0], dtype=float) if self.dimension == 1 else np.asarray(x0, dtype=float).reshape(-1, 1)
        return float(self.profile.T(point)[0])

    def noise_ratios(self, x0: np.ndarray, domain: Domain) -> np.ndarray:
        """r_i = T(x0_i) / T0_ref for trajectories started at the 1D points ``x0``: the factor
        on D = Gamma/gamma^2 (and on any drift term proportional to it) of each trajectory."""
        return self.profile.T(np.asarray(x0, dtype=float)) / self.T0(domain)

    def with_noise_ratio(self, ratio: float, domain: Domain) -> GCLM1:
        """The fixed-T0 model with T0 = ratio * T0_ref (a trajectory's own model)."""
        return GCLM1(
            self.profile,
            kappa=self.kappa,
            alpha_tilde=self.alpha_tilde,
            eta=self.eta,
            kB=self.kB,
            T0=float(ratio) * self.T0(domain),
            x0=self.x0,
            potential=self.potential,
            overdamped=self.overdamped,
        )

    def eta_eff(self, x: np.ndarray) -> np.ndarray:
        """eta_eff(x) = eta (1 - alpha_tilde T''(x)) (Eq. 26); Laplacian of T in nD."""
        return self.eta * (1.0 - self.alpha_tilde * self.profile.laplacian(x))

    def validate(self, x: np.ndarray, domain: Domain) -> None:
        super().validate(x, domain)
        if self.dimension == 1:
            x = np.sort(np.concatenate([np.asarray(x, dtype=float).ravel(), np.asarray(domain, dtype=float)]))
            where = x
        else:
            x = np.asarray(x, dtype=float).reshape(self.dimension, -1)
            where = x.T
        eta_eff = self.eta_eff(x)
        bad = ~(eta_eff > 0)
        if np.any(bad):
            first = int(np.argmax(bad))
            point = np.atleast_1d(where[first])
            curvature = self.profile.laplacian(x[..., first : first + 1])[0]
            raise ValueError(
                f"gclm1: eta_eff = eta (1 - alpha_tilde T'') must be > 0, but eta_eff({', '.join(f'{c:.6g}' for c in point)}) = "
                f"{eta_eff[first]:.6g} (alpha_tilde = {self.alpha_tilde:g}, T'' = {curvature:.6g})"
            )

    def langevin_terms(self, x: np.ndarray, domain: Domain) -> LangevinTerms:
        x = np.asarray(x, dtype=float)
        friction = self.eta_eff(x)
        grad_temperature = self.profile.gradient(x)
        return LangevinTerms(
            friction=friction,
            dfriction=-self.eta * self.alpha_tilde * self.profile.gradient_laplacian(x),
            noise=np.full_like(friction, self.eta * self.kB * self.T0(domain)),
            dnoise=np.zeros_like(grad_temperature),
            force=-self.potential.gradient(x) - self.kappa * grad_temperature,
        )

    def parameters(self) -> dict[str, object]:
        return {
            "eta": self.eta,
            "kB": self.kB,
            "kappa": self.kappa,
            "alpha_tilde": self.alpha_tilde,
            "T0": PER_PARTICLE if self.per_particle_T0 else self.T0_given,
            "x0": self.x0,
        }
