"""Helpers shared by the studies: figures, fitted slopes, independent references.

The metrics (L1 distance, max. relative error, Soret coefficient) and the
normalisation of densities are the package's own: :mod:`fpsolver.analysis.compare`,
:mod:`fpsolver.analysis.observables` and :func:`fpsolver.pde.exact.normalise`. Figures use the matplotlib object API
(:class:`matplotlib.figure.Figure`, no pyplot state), so the studies run headless.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from scipy import integrate

FIGURE_DPI = 80


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 4.2, height: float = 3.2) -> tuple[Figure, np.ndarray]:
    """A figure with a grid of axes (always returned as a flat array)."""
    figure = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False)
    return figure, axes.ravel()


def save_figure(figure: Figure, out_dir: Path, study: str, name: str) -> Path:
    """Save ``figure`` as ``out_dir/figures/<study>_<name>.png`` and return the path."""
    folder = out_dir / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{study}_{name}.png"
    figure.savefig(path, dpi=FIGURE_DPI)
    return path


def fitted_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])


def ou_density(x: np.ndarray, t: float, *, mean0: float, variance0: float, stiffness: float = 1.0, diffusion: float = 1.0) -> np.ndarray:
    """Exact Ornstein-Uhlenbeck density for dx = -k x dt + sqrt(2 D) dW from a Gaussian start."""
    mean = mean0 * np.exp(-stiffness * t)
    stationary = diffusion / stiffness
    variance = stationary + (variance0 - stationary) * np.exp(-2.0 * stiffness * t)
    return np.exp(-((x - mean) ** 2) / (2.0 * variance)) / np.sqrt(2.0 * np.pi * variance)


def gaussian_F_squared_integral(x: np.ndarray, sigma: float, domain: tuple[float, float], weight=None) -> np.ndarray:
    """∫_Omega F(x,X)^2 w(X) dX for the Gaussian kernel by adaptive quadrature (scipy.quad).

    F(x, X) = g(u) + x g'(u), u = x - X, g(u) = exp(-u^2/(2 sigma^2)) (gCLm Eq. 35);
    ``weight`` is w(X) (a vectorised function; default 1). Independent of fpsolver's
    FFT auxiliary grid, used as its reference.
    """

    def integrand(X: float, xi: float) -> float:
        u = xi - X
        F = np.exp(-(u**2) / (2 * sigma**2)) * (1.0 - xi * u / sigma**2)
        w = 1.0 if weight is None else float(weight(np.array([X]))[0])
        return F * F * w

    values = []
    for xi in np.asarray(x, float):
        # split at the kernel centre so quad sees the peak
        cuts = sorted({domain[0], min(max(xi, domain[0]), domain[1]), domain[1]})
        total = sum(integrate.quad(integrand, a, b, args=(xi,), epsabs=1e-14, epsrel=1e-12, limit=400)[0] for a, b in zip(cuts[:-1], cuts[1:]) if b > a)
        values.append(total)
    return np.array(values)


def describe_mesh(cells: int, domain: tuple[float, float], kind: str = "uniform") -> str:
    """Short text for parameter lists, e.g. 'uniform, 400 cells on [-1, 1]'."""
    return f"{kind}, {cells} cells on [{domain[0]:g}, {domain[1]:g}]"
