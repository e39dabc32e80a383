"""Whether a model's coefficients are periodic: the check every solver on a ring or
periodic box makes before it trusts its wrapped coefficients (PDE operator, ensembles)."""

from __future__ import annotations

import numpy as np

from fpsolver.models.base import Model

#: relative mismatch of the coefficients across a periodic wall above which a periodic geometry is refused
PERIODIC_TOLERANCE = 1e-8


def check_periodic(model: Model, points: np.ndarray, domain: tuple[np.ndarray, np.ndarray], periodic_axes: tuple[int, ...]) -> None:
    """Raise ``ValueError`` unless A and D take the same values one period apart on every periodic axis.

    ``points`` (dim, n) are the sample positions, ``domain`` = (lower, upper) the box corners
    (arrays of one entry per axis) and ``periodic_axes`` the axes whose walls are identified;
    the relative mismatch max |c(x + L e_axis) - c(x)| / max |c| of every coefficient must not
    exceed :data:`PERIODIC_TOLERANCE`.
    """
    model_domain = (float(domain[0][0]), float(domain[1][0])) if model.dimension == 1 else domain

    def coefficients(at: np.ndarray) -> np.ndarray:
        c = model.coefficients(at[0] if model.dimension == 1 else at, model_domain)
        return np.vstack([np.reshape(c.A, (points.shape[0], -1)), c.D[np.newaxis]])

    here = coefficients(points)
    scale = np.max(np.abs(here), axis=1, keepdims=True) + np.finfo(float).tiny
    for axis in periodic_axes:
        shifted = points.copy()
        shifted[axis] += domain[1][axis] - domain[0][axis]
        mismatch = float(np.max(np.abs(coefficients(shifted) - here) / scale))
        if not mismatch <= PERIODIC_TOLERANCE:
            raise ValueError(
                f"the mesh is periodic along {'xyz'[axis]} but the model's coefficients are not (relative mismatch {mismatch:.2g} one period apart): T, grad T and grad V must be periodic"
            )
