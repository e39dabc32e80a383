"""Fixed-kernel convolutions over a finite domain by FFT on a uniform auxiliary grid.

For kernels k_j(u) and a function f(X) on Omega = [a, b] this computes

    c_j(x_i) = ∫_a^b k_j(x_i - X) f(X) dX

at the M points x_i = a + i h of a uniform grid (h = (b - a)/(M - 1)), all at once in
O(M log M) operations. The quadrature is the end-corrected trapezoid rule with
weights h [3/8, 7/6, 23/24, 1, ..., 1, 23/24, 7/6, 3/8] (4th order in h for smooth
integrands, Press et al., Numerical Recipes, Eq. 4.1.14), which matters because the
integrand does not vanish at the walls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import fft

MIN_POINTS = 8


def end_corrected_weights(n_points: int, spacing: float) -> np.ndarray:
    """Quadrature weights of the 4th-order end-corrected trapezoid rule."""
    if n_points < MIN_POINTS:
        raise ValueError(f"auxiliary grid needs at least {MIN_POINTS} points, got {n_points}")
    weights = np.ones(n_points)
    weights[:3] = (3.0 / 8.0, 7.0 / 6.0, 23.0 / 24.0)
    weights[-3:] = (23.0 / 24.0, 7.0 / 6.0, 3.0 / 8.0)
    return weights * spacing


def convolve_on_grid(kernels: Sequence[Callable[[np.ndarray], np.ndarray]], values: np.ndarray, spacing: float) -> list[np.ndarray]:
    """Return [∫ k(x_i - X) f(X) dX for each kernel k] on the grid of ``values``.

    Parameters
    ----------
    kernels
        Vectorised kernel functions of the offset u = x - X.
    values
        f at the M uniform grid points.
    spacing
        Grid spacing h.
    """
    n = values.size
    offsets = spacing * np.arange(-(n - 1), n)
    size = fft.next_fast_len(3 * n - 2, real=True)
    weighted = fft.rfft(values * end_corrected_weights(n, spacing), size)
    return [fft.irfft(fft.rfft(kernel(offsets), size) * weighted, size)[n - 1 : 2 * n - 1] for kernel in kernels]
