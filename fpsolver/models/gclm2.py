"""Generalized Caldeira-Leggett model II (gCLm Eqs. 32-60)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate
from scipy.interpolate import BSpline, make_interp_spline

from fpsolver._expression import SymbolicFunction, parse_formula
from fpsolver._validate import integer, one_of, optional_real, within_budget
from fpsolver.fields.potentials import Potential
from fpsolver.fields.profiles import TemperatureProfile, formula
from fpsolver.models._convolution import convolve_on_grid
from fpsolver.models.base import Domain, LangevinTerms, Model, require_positive, require_values

TEMPERATURE_OPTIONS = ("nonlocal", "local")
FRICTION_OPTIONS = ("full", "constant")
AUX_POINTS_PER_SIGMA = 40
MIN_AUX_POINTS = 4097
#: Peak memory per auxiliary grid point: five kernels and their FFTs on a grid of three
#: times the size (complex), and two quintic splines.
AUX_BYTES_PER_POINT = 400


@dataclass(frozen=True)
class _Convolutions:
    """Splines of I(x) = ∫_Omega F(x,X)^2 f(X) dX and I'(x) for f = 1 and f = T."""

    friction: BSpline
    dfriction: BSpline
    thermal: BSpline
    dthermal: BSpline


class GCLM2(Model):
    r"""A continuum of local baths at temperatures T(X), coupled through g(x - X).

    With F(x, X) = g(x - X) + x g'(x - X) (Eq. 35),

        eta2(x)  = (eta / L)     ∫_Omega F(x,X)^2 dX          (Eq. 50)
        Deff2(x) = (eta k_B / L) ∫_Omega F(x,X)^2 T(X) dX     (Eq. 55)
        A = V' / eta2 ,   D = Deff2 / eta2^2                   (Eqs. 56-57)

    Expanding F^2 = g^2 + 2x g g' + x^2 g'^2, the integrals are fixed-kernel
    convolutions computed by FFT on a uniform auxiliary grid of ``aux_points``
    points (4th-order quadrature, quintic-spline interpolation to any x; see
    :mod:`fpsolver.models._convolution`), so any mesh, uniform or not, can be used.
    d/dx of each integral is itself a convolution (with 2F dF/dx), so D' is not a
    finite difference. x is measured from the coupling origin: the model is not
    translation invariant (for the Gaussian, ∫F^2 dX = sqrt(pi)(sigma + x^2/(2 sigma))
    on an infinite domain).

    Parameters
    ----------
    profile
        Temperature profile T(x).
    sigma
        Width of the coupling weight (length); default kernel
        g(u) = exp(-u^2 / (2 sigma^2)).
    eta, kB
        Bare friction and Boltzmann constant.
    L
        Size of the "universe" (length); default the domain length.
    kernel
        Optional formula for g in the variable ``u`` (``sigma`` may appear in it).
    temperature
        ``"nonlocal"`` (default, Eq. 55) or ``"local"`` (Deff2 = eta2 k_B T(x)).
    friction
        ``"full"`` (default, Eq. 50) or ``"constant"``: eta2 = (eta/L) ∫ g(u)^2 du over
        the real line (= eta sqrt(pi) sigma / L for the Gaussian, the paper's
        approximation, valid for |x| << sigma). ``"constant"`` with
        ``temperature="nonlocal"`` breaks the fluctuation-dissipation relation: at a
        uniform temperature T the noise is still k_B T eta2_full(x) (Eq. 55) while the
        friction is the constant, so D = k_B T eta2_full(x) / eta2_const^2 varies and the
        free steady state P ∝ 1/eta2_full(x) is not flat
        (:attr:`breaks_fluctuation_dissipation`; the case workflow warns and reports
        the uniform-T state's L1 distance from flat). The combination is kept because
        the approximation studies compare it with the others.
    aux_points
        Auxiliary grid size; default max(4097, 40 (b - a)/sigma + 1).
    potential, overdamped
        See :class:`fpsolver.models.Ito`.
    """

    name = "gclm2"
    # F(x, X) = g(x - X) + x g'(x - X) (Eq. 35) is defined on a line: no nD form.
    max_dimension = 1

    def __init__(
        self,
        profile: TemperatureProfile,
        *,
        sigma: float,
        eta: float = 1.0,
        kB: float = 1.0,
        L: float | None = None,
        kernel: str | None = None,
        temperature: str = "nonlocal",
        friction: str = "full",
        aux_points: int | None = None,
        potential: Potential | None = None,
        overdamped: str = "ito",
    ) -> None:
        super().__init__(profile, potential=potential, overdamped=overdamped)
        require_positive("gclm2", sigma=sigma, eta=eta, kB=kB)
        L = optional_real("L", L, positive=True)
        one_of("temperature", temperature, TEMPERATURE_OPTIONS)
        one_of("friction", friction, FRICTION_OPTIONS)
        if aux_points is not None:
            integer("aux_points", aux_points, minimum=16)
        if kernel is not None and not isinstance(kernel, str):
            raise TypeError(f"'kernel' must be a formula in u (a string) or None, got {type(kernel).__name__}")
        self.sigma, self.eta, self.kB, self.L = float(sigma), float(eta), float(kB), L
        self.kernel_text = kernel
        self.temperature, self.friction = temperature, friction
        self.aux_points = aux_points
        text = kernel if kernel is not None else "exp(-u**2/(2*sigma**2))"
        self.kernel = SymbolicFunction(parse_formula(text, ("u",), {"sigma": self.sigma}), "u")
        self._cache: dict[tuple[float, float, int], _Convolutions] = {}

    @property
    def breaks_fluctuation_dissipation(self) -> bool:
        """True for ``friction="constant"`` with ``temperature="nonlocal"``, whose friction
        and noise come from different kernels (see the class docstring)."""
        return self.friction == "constant" and self.temperature == "nonlocal"

    def at_uniform_temperature(self, T: float = 1.0) -> GCLM2:
        """The same model (kernel, options, no potential) at the uniform temperature ``T``:
        its free steady state is flat exactly when friction and noise obey the
        fluctuation-dissipation relation."""
        require_positive("gclm2", T=T)
        return GCLM2(
            formula("T_uniform", T_uniform=T),
            sigma=self.sigma,
            eta=self.eta,
            kB=self.kB,
            L=self.L,
            kernel=self.kernel_text,
            temperature=self.temperature,
            friction=self.friction,
            aux_points=self.aux_points,
            overdamped=self.overdamped,
        )

    def universe_length(self, domain: Domain) -> float:
        return float(self.L) if self.L is not None else float(domain[1] - domain[0])

    def constant_friction(self, domain: Domain) -> float:
        """(eta / L) ∫_R g(u)^2 du (eta sqrt(pi) sigma / L for the Gaussian kernel)."""
        if self.kernel_text is None:
            integral = np.sqrt(np.pi) * self.sigma
        else:
            integral = integrate.quad(lambda u: float(self.kernel(np.array([u]))[0] ** 2), -np.inf, np.inf)[0]
        return self.eta * integral / self.universe_length(domain)

    def resolved_aux_points(self, domain: Domain) -> int:
        """Points of the auxiliary convolution grid, refused beyond the memory budget
        (about :data:`AUX_BYTES_PER_POINT` bytes per point) before anything is allocated."""
        if self.aux_points is not None:
            n_points = float(self.aux_points)
            detail = f"aux_points = {self.aux_points}"
        else:
            n_points = max(float(MIN_AUX_POINTS), np.ceil(AUX_POINTS_PER_SIGMA * (domain[1] - domain[0]) / self.sigma) + 1.0)
            detail = f"{n_points:.3g} points = 40 (x_max - x_min)/sigma with sigma = {self.sigma:g}"
        within_budget("gclm2: the convolution grid", memory_bytes=AUX_BYTES_PER_POINT * n_points, detail=detail)
        return int(n_points)

    def _convolutions(self, domain: Domain) -> _Convolutions:
        n_points = self.resolved_aux_points(domain)
        key = (float(domain[0]), float(domain[1]), n_points)
        if key not in self._cache:
            grid, spacing = np.linspace(domain[0], domain[1], n_points, retstep=True)
            g = self.kernel

            def product(i: int, j: int):
                return lambda u: g(u, i) * g(u, j)

            # g^2, g g', g'^2, g g'', g' g''
            kernels = [product(0, 0), product(0, 1), product(1, 1), product(0, 2), product(1, 2)]

            def integral_and_derivative(values: np.ndarray) -> tuple[BSpline, BSpline]:
                c0, c1, c2, c3, c4 = convolve_on_grid(kernels, values, spacing)
                x = grid
                integral = c0 + 2 * x * c1 + x**2 * c2
                derivative = 4 * c1 + 2 * x * (2 * c2 + c3) + 2 * x**2 * c4
                return make_interp_spline(x, integral, k=5), make_interp_spline(x, derivative, k=5)

            friction, dfriction = integral_and_derivative(np.ones_like(grid))
            temperature = self.profile.T(grid)
            require_values(self.name, "T", temperature, grid[np.newaxis], positive=True)
            thermal, dthermal = integral_and_derivative(temperature)
            self._cache[key] = _Convolutions(friction, dfriction, thermal, dthermal)
        return self._cache[key]

    def langevin_terms(self, x: np.ndarray, domain: Domain) -> LangevinTerms:
        x = np.asarray(x, dtype=float)
        scale = self.eta / self.universe_length(domain)
        conv = self._convolutions(domain) if (self.friction == "full" or self.temperature == "nonlocal") else None
        if self.friction == "full":
            gamma, dgamma = scale * conv.friction(x), scale * conv.dfriction(x)
        else:
            gamma, dgamma = np.full_like(x, self.constant_friction(domain)), np.zeros_like(x)
        if self.temperature == "nonlocal":
            noise, dnoise = self.kB * scale * conv.thermal(x), self.kB * scale * conv.dthermal(x)
        else:
            temperature = self.profile.T(x)
            noise = self.kB * gamma * temperature
            dnoise = self.kB * (dgamma * temperature + gamma * self.profile.dT(x))
        return LangevinTerms(friction=gamma, dfriction=dgamma, noise=noise, dnoise=dnoise, force=-self.potential.dV(x))

    def eta2(self, x: np.ndarray, domain: Domain) -> np.ndarray:
        """Friction eta2(x) (Eq. 50, or its constant approximation)."""
        return self.langevin_terms(x, domain).friction

    def Deff2(self, x: np.ndarray, domain: Domain) -> np.ndarray:
        """Noise intensity Deff2(x) (Eq. 55, or its local approximation)."""
        return self.langevin_terms(x, domain).noise

    def parameters(self) -> dict[str, object]:
        return {
            "eta": self.eta,
            "kB": self.kB,
            "sigma": self.sigma,
            "L": self.L,
            "kernel": self.kernel_text if self.kernel_text is not None else "gaussian",
            "temperature": self.temperature,
            "friction": self.friction,
            "aux_points": self.aux_points,
        }
