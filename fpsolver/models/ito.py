"""The space-dependent-temperature model of gCLm Sec. II (Eqs. 5-8)."""

from __future__ import annotations

import numpy as np

from fpsolver._validate import real
from fpsolver.fields.potentials import Potential
from fpsolver.fields.profiles import TemperatureProfile
from fpsolver.models.base import Domain, LangevinTerms, Model, require_positive


class Ito(Model):
    r"""Brownian particle with local temperature T(x) (gCLm Eqs. 5-8).

    Langevin: eta x' = -V'(x) + sqrt(2 eta k_B T(x)) xi(t), read with convention alpha.

        A = V'/eta - alpha dD/dx ,   D = k_B T(x) / eta

    (the paper writes D(x) = eta k_B T and divides by eta^2 in Eq. 6). alpha = 0 is
    Ito (the paper's, P_ss ∝ 1/T, Soret coefficient S_T = 1/T, Eq. 8), 1/2
    Stratonovich, 1 Hanggi-Klimontovich ("isothermal"); the free steady state is
    P_ss ∝ T^(alpha - 1).

    Parameters
    ----------
    profile
        Temperature profile T(x).
    eta
        Friction coefficient (mass/time).
    kB
        Boltzmann constant (energy/temperature).
    potential
        External potential V(x); default none.
    alpha
        Stochastic convention in [0, 1].
    overdamped
        ``"ito"`` (default) or ``"kramers"``, the small-mass limit of
        M x'' = -V' - eta x' + sqrt(2 eta k_B T(x)) xi: with constant eta it has no
        noise-induced drift, i.e. it is the alpha = 0 model, so alpha != 0 raises ValueError.

    In 2D/3D (a :mod:`fpsolver.fields.nd` temperature field and potential)
    the same model is isotropic: D = k_B T(r)/eta, A = grad V/eta - alpha grad D, and
    the free steady state is still P_ss ∝ T^(alpha - 1).
    """

    name = "ito"

    def __init__(
        self,
        profile: TemperatureProfile,
        *,
        eta: float = 1.0,
        kB: float = 1.0,
        potential: Potential | None = None,
        alpha: float = 0.0,
        overdamped: str = "ito",
    ) -> None:
        super().__init__(profile, potential=potential, overdamped=overdamped)
        require_positive("ito", eta=eta, kB=kB)
        self.eta, self.kB, self.alpha = float(eta), float(kB), real("alpha", alpha)
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"'alpha' must lie in [0, 1], got {alpha!r}")
        if overdamped == "kramers" and alpha != 0.0:
            raise ValueError(f"ito: overdamped = 'kramers' is the small-mass limit with constant friction, i.e. alpha = 0; got alpha = {alpha!r}")

    def langevin_terms(self, x: np.ndarray, domain: Domain) -> LangevinTerms:
        temperature = self.profile.T(x)
        grad_temperature = self.profile.gradient(x)
        eta = np.full_like(temperature, self.eta)
        return LangevinTerms(
            friction=eta,
            dfriction=np.zeros_like(grad_temperature),
            noise=self.eta * self.kB * temperature,
            dnoise=self.eta * self.kB * grad_temperature,
            force=-self.potential.gradient(x),
        )

    def parameters(self) -> dict[str, object]:
        return {"eta": self.eta, "kB": self.kB, "alpha": self.alpha}
