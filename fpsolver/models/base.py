"""The canonical Fokker-Planck form shared by every position-space model.

Every model is, physically, an overdamped limit of a Langevin equation

    M x'' = F(x) - gamma(x) x' + F_L(t),   <F_L(t) F_L(t')> = 2 Gamma(x) delta(t - t')

with friction gamma(x) (mass/time), noise intensity Gamma(x) (energy * friction) and
deterministic force F(x). A model supplies (gamma, gamma', Gamma, Gamma', F) and this
module maps them to the canonical form of docs/physics/canonical.md,

    dP/dt = d/dx [ A P + d(D P)/dx ],     J = -A P - d(D P)/dx,

with D = Gamma / gamma^2 (length^2/time) and, for ``overdamped="ito"`` (the papers'
forms, Eqs. 6, 30, 57)

    A = -F / gamma - alpha dD/dx                                   (length/time)

(alpha is the stochastic-calculus convention of the Ito model, 0 elsewhere), or for
``overdamped="kramers"`` the Smoluchowski-Kramers small-mass limit with
position-dependent friction (Hottovy, Volpe and Wehr, J. Stat. Phys. 2015;
docs/physics/small_mass.md)

    A = -F / gamma + gamma' Gamma / gamma^3 .
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from fpsolver._quadrature import integrate_between
from fpsolver._validate import one_of, real
from fpsolver.fields.base import TemperatureField
from fpsolver.fields.potentials import Potential
from fpsolver.fields.potentials import none as no_potential

# 1D: (x_min, x_max); 2D/3D: (lower corner, upper corner) of the mesh's bounding box.
Domain = tuple[float, float] | tuple[np.ndarray, np.ndarray]
OVERDAMPED_FORMS = ("ito", "kramers")


@dataclass(frozen=True)
class LangevinTerms:
    """Terms of the inertial Langevin equation at points ``x``.

    Attributes
    ----------
    friction, dfriction
        gamma(x) and d gamma/dx.
    noise, dnoise
        Gamma(x), the noise intensity (<F_L F_L> = 2 Gamma delta), and dGamma/dx.
    force
        Deterministic force F(x) (including -V' and, for gCLm-I, -kappa T').
    """

    friction: np.ndarray
    dfriction: np.ndarray
    noise: np.ndarray
    dnoise: np.ndarray
    force: np.ndarray


@dataclass(frozen=True)
class Coefficients:
    """Canonical drift A, diffusion D and dD/dx at points ``x``."""

    x: np.ndarray
    A: np.ndarray
    D: np.ndarray
    dD: np.ndarray


class Model(ABC):
    """Base class: (temperature profile, potential, parameters) -> (A, D, dD/dx).

    Subclasses implement :meth:`langevin_terms` and :meth:`parameters`; they know
    nothing of meshes, solvers or files.
    """

    name: ClassVar[str]
    #: Highest mesh dimension the model is defined for (gCLm-II is 1D only).
    max_dimension: ClassVar[int] = 3
    alpha: float = 0.0
    #: Whether each trajectory carries its own noise temperature (gCLm-I ``T0="per-particle"``);
    #: such a model also provides ``noise_ratios`` and ``with_noise_ratio`` (see :class:`GCLM1`).
    per_particle_T0: bool = False

    def __init__(self, profile: TemperatureField, *, potential: Potential | None, overdamped: str) -> None:
        if not isinstance(profile, TemperatureField):
            raise TypeError(f"{self.name}: 'profile' must be a TemperatureField (a 1D profile or an nD field), got {type(profile).__name__}")
        if potential is not None and not isinstance(potential, Potential):
            raise TypeError(f"{self.name}: 'potential' must be a fpsolver Potential (fpsolver.potentials) or None, got {type(potential).__name__}")
        one_of("overdamped", overdamped, OVERDAMPED_FORMS)
        self.profile = profile
        self.potential = potential if potential is not None else no_potential()
        self.overdamped = overdamped

    @abstractmethod
    def langevin_terms(self, x: np.ndarray, domain: Domain) -> LangevinTerms:
        """gamma, gamma', Gamma, Gamma', F at the points ``x`` of ``domain``."""

    @abstractmethod
    def parameters(self) -> dict[str, object]:
        """The model's parameters (for result metadata and reports)."""

    def require_one_noise_temperature(self, solver: str) -> None:
        """Raise ``ValueError`` when ``solver`` (which solves one density) meets per-particle T0."""
        if self.per_particle_T0:
            raise ValueError(
                f'{self.name}: {solver} needs one noise temperature, but T0 = "per-particle" gives each trajectory its own; '
                "use the overdamped 1D ensemble, or the mixture of fixed-T0 states (fpsolver.pde.exact.per_particle_mixture)"
            )

    @property
    def dimension(self) -> int:
        """Number of coordinates of the model's points (that of its temperature profile)."""
        return self.profile.dimension

    def check_dimension(self, dimension: int) -> None:
        """Raise ``ValueError`` unless the model can be solved on a ``dimension``-D mesh."""
        if dimension > self.max_dimension:
            raise ValueError(f"{self.name}: the model is defined in {self.max_dimension}D only, got a {dimension}D mesh")
        if self.profile.dimension != dimension:
            raise ValueError(f"{self.name}: the temperature profile is {self.profile.dimension}D but the mesh is {dimension}D (use fpsolver.fields.nd for 2D/3D temperature fields)")
        if not self.potential.is_zero and self.potential.dimension != dimension:
            raise ValueError(f"{self.name}: the potential is {self.potential.dimension}D but the mesh is {dimension}D")

    def validate(self, x: np.ndarray, domain: Domain) -> None:
        """Raise ``ValueError`` if the model is unphysical at any of the points ``x``.

        In 1D ``x`` has shape (n,) and the domain ends are checked too; in nD the
        points have shape (dim, n) (the corners of the bounding box may lie outside
        a curved domain, so only the points are checked).
        """
        if self.dimension == 1:
            self.profile.check_domain(np.concatenate([np.asarray(x, dtype=float).ravel(), np.asarray(domain, dtype=float)]))
        else:
            self.profile.check_domain(np.asarray(x, dtype=float).reshape(self.dimension, -1))

    def checked_terms(self, x: np.ndarray, domain: Domain) -> LangevinTerms:
        """:meth:`langevin_terms` at the points ``x``, after checking that the model is
        physical exactly there: T, the friction gamma and the noise intensity Gamma finite
        and > 0, the force and the derivatives finite.

        Every solver and reference evaluates the model through this method (at cell
        centres, faces, the Gauss-Legendre nodes of the exact face velocities, the
        exact references' nodes and the ensembles' coefficient tables), so no profile
        can be negative, nor a friction vanish, where it is integrated.

        Raises
        ------
        ValueError
            Naming the quantity and the first point (smallest x) where it fails.
        """
        x = np.asarray(x, dtype=float)
        points = x.reshape(self.dimension, -1)
        require_values(self.name, "T", self.profile.T(x), points, positive=True)
        terms = self.langevin_terms(x, domain)
        require_values(self.name, "the friction gamma", terms.friction, points, positive=True)
        require_values(self.name, "the noise intensity Gamma", terms.noise, points, positive=True)
        for label, values in (("the force F", terms.force), ("d gamma/dx", terms.dfriction), ("d Gamma/dx", terms.dnoise)):
            require_values(self.name, label, values, points, positive=False)
        return terms

    def coefficients(self, x: np.ndarray, domain: Domain) -> Coefficients:
        """Canonical coefficients A, D, dD/dx at the points ``x`` (see module docstring),
        checked by :meth:`checked_terms`.

        In nD (points of shape (dim, n)) gamma, Gamma and D are scalars per point and
        gamma', Gamma', F, A and dD are gradients/vectors of shape (dim, n); the same
        formulas hold with grad in place of d/dx (isotropic D).
        """
        x = np.asarray(x, dtype=float)
        terms = self.checked_terms(x, domain)
        gamma, dgamma, noise, dnoise = terms.friction, terms.dfriction, terms.noise, terms.dnoise
        with np.errstate(all="ignore"):  # overflow or underflow of extreme parameters is refused just below
            D = noise / gamma**2
            dD = dnoise / gamma**2 - 2.0 * noise * dgamma / gamma**3
            if self.overdamped == "ito":
                A = -terms.force / gamma - self.alpha * dD
            else:
                A = -terms.force / gamma + dgamma * noise / gamma**3
        points = x.reshape(self.dimension, -1)
        require_values(self.name, "D = Gamma/gamma^2", D, points, positive=True)
        require_values(self.name, "the drift A", A, points, positive=False)
        require_values(self.name, "dD/dx", dD, points, positive=False)
        return Coefficients(x=x, A=A, D=D, dD=dD)

    @property
    def breakpoints(self) -> np.ndarray:
        """Points where the coefficients may be non-smooth (quadratures split there)."""
        return self.profile.breakpoints

    def drift_over_diffusion_integral(self, points: np.ndarray, domain: Domain, *, order: int = 16, subdivisions: int = 1) -> np.ndarray:
        """∫ A/D dx between consecutive increasing ``points`` (Gauss-Legendre, split at breakpoints)."""

        def integrand(s: np.ndarray) -> np.ndarray:
            c = self.coefficients(s, domain)
            return c.A / c.D

        integral = integrate_between(integrand, points, order=order, subdivisions=subdivisions, breakpoints=self.breakpoints)
        if not np.all(np.isfinite(integral)):
            first = int(np.argmax(~np.isfinite(integral)))
            raise ValueError(f"{self.name}: the drift is too strong: ∫A/D dx between x = {points[first]:.6g} and {points[first + 1]:.6g} is not finite")
        return integral

    def describe(self) -> dict[str, object]:
        """Everything needed to rebuild this model: name, parameters, profile, potential."""
        return {
            "model": self.name,
            "overdamped": self.overdamped,
            **self.parameters(),
            "profile": self.profile.describe(),
            "potential": self.potential.describe(),
        }


def require_values(owner: str, quantity: str, values: np.ndarray, points: np.ndarray, *, positive: bool) -> None:
    """Raise ``ValueError`` naming ``quantity`` and the first point (smallest x) where
    ``values`` (one per point, or one row per axis) is not finite (or not > 0 when ``positive``)."""
    values = np.asarray(values, dtype=float).reshape(-1, points.shape[1])
    good = np.all(np.isfinite(values), axis=0)
    if positive:
        good &= np.all(values > 0, axis=0)
    if not np.all(good):
        bad = np.flatnonzero(~good)
        first = bad[np.lexsort(points[::-1, bad])[0]]
        where = ", ".join(f"{value:.6g}" for value in points[:, first])
        wanted = "finite and > 0" if positive else "finite"
        shown = ", ".join(f"{value:.6g}" for value in values[:, first])
        raise ValueError(f"{owner}: {quantity} must be {wanted} wherever the model is evaluated, but at x = ({where}) it is {shown}")


def require_positive(owner: str, **values: object) -> None:
    """Raise ``TypeError`` (not a number) or ``ValueError`` (not finite and > 0) naming the first bad parameter."""
    for key, value in values.items():
        real(key, value, positive=True)


def check_model_and_mesh(model: object, mesh: object) -> None:
    """Raise ``TypeError`` unless ``model`` is a fpsolver Model and ``mesh`` a FiPy mesh,
    ``ValueError`` for a mesh of fewer than 2 cells."""
    if not isinstance(model, Model):
        raise TypeError(f"'model' must be a fpsolver Model (fpsolver.Ito, GCLM1, GCLM2), got {type(model).__name__}")
    if not all(hasattr(mesh, name) for name in ("dim", "numberOfCells", "cellCenters", "faceCenters")):  # any FiPy mesh (they share no public base class)
        raise TypeError(f"'mesh' must be a FiPy mesh (see fpsolver.meshes), got {type(mesh).__name__}")
    if int(mesh.numberOfCells) < 2:
        raise ValueError(f"'mesh' must have at least 2 cells, got {int(mesh.numberOfCells)}")
