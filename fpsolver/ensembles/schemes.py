"""Time-stepping schemes of the overdamped ensembles, with their declared weak orders.

For the Ito SDE dx = a(x) dt + b(x) dW with a = -A and b = sqrt(2 D) (docs/physics/canonical.md):

``"euler"`` — Euler-Maruyama, weak order 1 (Kloeden and Platen 1992, Sec. 14.1):

    x_{n+1} = x_n + a dt + b dW,   dW ~ N(0, dt)

``"weak2"`` — Platen's explicit (derivative-free) order 2.0 weak scheme
(Kloeden and Platen, *Numerical Solution of Stochastic Differential Equations*,
Springer 1992, Sec. 15.1, Eq. 15.1.1), for multiplicative noise:

    Y  = x + a dt + b dW,     Y+- = x + a dt +- b sqrt(dt)
    x_{n+1} = x + (a(Y) + a) dt / 2 + (b(Y+) + b(Y-) + 2 b) dW / 4
              + (b(Y+) - b(Y-)) (dW^2 - dt) / (4 sqrt(dt))

with all unmarked coefficients at x_n. Its weak order 2 carries over to the bias
of stationary averages (Talay, Stochastics Stoch. Rep. 29, 1990). Both orders
hold away from walls; with walls active the order is measured in
``validation/study_sde_weak_order.py``.

In d = 2, 3 dimensions (:mod:`fpsolver.ensembles.overdamped_nd`) the noise of
dr = a dt + b dW has the d columns b^j = b e_j (isotropic b = sqrt(2 D)); they do not
commute (L^r b^k = b d_r b e_k), so ``"weak2"`` is Platen's scheme for
multi-dimensional noise (Kloeden and Platen 1992, Sec. 15.1, Eq. 15.1.5) with these
columns; per component k, with dW_k ~ N(0, dt):

    Y   = r + a dt + b dW,   R+-_k = r + a dt +- b sqrt(dt) e_k,   U+-_k = r +- b sqrt(dt) e_k
    r'_k = r_k + (a_k(Y) + a_k) dt / 2
           + [b(R+_k) + b(R-_k) + 2 b] dW_k / 4 + sum_{j != k} [b(U+_j) + b(U-_j) - 2 b] dW_k / 4
           + [b(R+_k) - b(R-_k)] (dW_k^2 - dt) / (4 sqrt(dt))
           + sum_{j != k} [b(U+_j) - b(U-_j)] (dW_k dW_j + V_jk) / (4 sqrt(dt))

with the two-point variables V_jk = -V_kj = +-dt (probability 1/2 each, j > k).
Order 2: Taylor-expanding the evaluations (b(U+_j) + b(U-_j) - 2 b = b^2 d_jj b dt + ...,
b(U+_j) - b(U-_j) = 2 b d_j b sqrt(dt) + ..., similarly for R and a(Y)) turns the step
into the simplified weak Taylor 2.0 scheme (Kloeden and Platen Eq. 14.2.1):
r'_k = r_k + a_k dt + b dW_k + L^0 a_k dt^2/2 + (sum_j b d_j a_k dW_j + L^0 b dW_k) dt/2
+ sum_j b d_j b (dW_j dW_k + V_jk)/2 with L^0 = a.grad + (b^2/2) Laplacian, up to terms whose
first five moments are O(dt^3); that scheme's one-step moments match those of the
SDE to O(dt^3), which gives weak order 2 (Kloeden and Platen Theorem 14.5.2). The
order is measured in 2D in ``tests/ensembles/test_ensemble_nd.py`` and
``validation/study_sde_weak_order.py``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from fpsolver.ensembles._kernels import SCHEME_EULER, SCHEME_PLATEN_WEAK2


@dataclass(frozen=True)
class Scheme:
    """A stepping scheme: its name, kernel code, declared weak order and source."""

    name: str
    code: int
    weak_order: float
    citation: str


#: the Langevin (SDE) stepping schemes by name; the PDE's are fpsolver.pde.transient.SCHEMES
SDE_SCHEMES: dict[str, Scheme] = {
    "euler": Scheme("euler", SCHEME_EULER, 1.0, "Euler-Maruyama; Kloeden & Platen (1992) Sec. 14.1"),
    "weak2": Scheme(
        "weak2",
        SCHEME_PLATEN_WEAK2,
        2.0,
        "Platen's explicit order 2.0 weak scheme; Kloeden & Platen (1992) Sec. 15.1, Eq. 15.1.1 (1D), Eq. 15.1.5 (2D, 3D)",
    ),
}


def get_scheme(name: str) -> Scheme:
    """The scheme called ``name``; ``ValueError`` listing the valid names otherwise."""
    if name not in SDE_SCHEMES:
        raise ValueError(f"'scheme' must be one of {tuple(SDE_SCHEMES)}, got {name!r}")
    return SDE_SCHEMES[name]


def __getattr__(name: str) -> dict[str, Scheme]:
    """``SCHEMES``, the old name of :data:`SDE_SCHEMES` (deprecated: the PDE has a registry of that name)."""
    if name == "SCHEMES":
        warnings.warn("fpsolver.ensembles.SCHEMES is now SDE_SCHEMES (the PDE's schemes are fpsolver.pde.transient.SCHEMES)", DeprecationWarning, stacklevel=2)
        return SDE_SCHEMES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
