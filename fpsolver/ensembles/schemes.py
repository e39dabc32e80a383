"""Time-stepping schemes of the overdamped ensembles, with their declared weak orders.

For the Ito SDE dx = a(x) dt + b(x) dW with a = -A and b = sqrt(2 D) (PHYSICS.md 1):

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
``validation/ensemble_weak_order.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpsolver.ensembles._kernels import SCHEME_EULER, SCHEME_PLATEN_WEAK2


@dataclass(frozen=True)
class Scheme:
    """A stepping scheme: its name, kernel code, declared weak order and source."""

    name: str
    code: int
    weak_order: float
    citation: str


SCHEMES: dict[str, Scheme] = {
    "euler": Scheme("euler", SCHEME_EULER, 1.0, "Euler-Maruyama; Kloeden & Platen (1992) Sec. 14.1"),
    "weak2": Scheme(
        "weak2",
        SCHEME_PLATEN_WEAK2,
        2.0,
        "Platen's explicit order 2.0 weak scheme; Kloeden & Platen (1992) Sec. 15.1, Eq. 15.1.1",
    ),
}


def get_scheme(name: str) -> Scheme:
    """The scheme called ``name``; ``ValueError`` listing the valid names otherwise."""
    if name not in SCHEMES:
        raise ValueError(f"'scheme' must be one of {tuple(SCHEMES)}, got {name!r}")
    return SCHEMES[name]
