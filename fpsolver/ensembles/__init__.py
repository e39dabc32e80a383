"""Langevin (SDE) ensembles that cross-validate the Fokker-Planck PDE (docs/physics/ensembles.md).

* :func:`run_ensemble` — overdamped Ito SDE dx = -A dt + sqrt(2 D) dW of any model
  (Euler-Maruyama or Platen's weak order 2), reflecting or absorbing walls.
* :func:`run_inertial_ensemble` — M x'' = F - gamma x' + F_L (gCLm Eqs. 27, 48) by
  BAOAB splitting with an exact Ornstein-Uhlenbeck velocity step.
* :func:`run_ensemble_nd` — the overdamped SDE in 2D and 3D boxes (reflecting,
  absorbing or periodic walls per axis) and 2D discs, Euler-Maruyama or weak order 2
  (``run_ensemble_2d`` is its 2D name).

Their options (names, defaults, bounds) are defined once in
:mod:`fpsolver.ensembles.options`, which the case-file table ``[ensemble]`` shares.
They return frozen result objects with a steady histogram on the mesh cells and
batch-means errors, moments versus time and run metadata; the classes
:class:`OverdampedEnsemble`, :class:`InertialEnsemble` and
:class:`OverdampedEnsembleND` split a run into
chunks across processes and merge the parts bit-identically.

Names load on first use, so importing :mod:`fpsolver.ensembles.options` does not
load numba or FiPy.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_PUBLIC = {
    "run_ensemble": "fpsolver.ensembles.overdamped",
    "run_inertial_ensemble": "fpsolver.ensembles.inertial",
    "OverdampedEnsemble": "fpsolver.ensembles.overdamped",
    "InertialEnsemble": "fpsolver.ensembles.inertial",
    "BOUNDARIES": "fpsolver.ensembles.overdamped",
    "ChunkResults": "fpsolver.ensembles._setup",
    "EnsembleResult": "fpsolver.results.ensemble",
    "InertialEnsembleResult": "fpsolver.results.ensemble",
    "SDE_SCHEMES": "fpsolver.ensembles.schemes",
    "SCHEMES": "fpsolver.ensembles.schemes",
    "Scheme": "fpsolver.ensembles.schemes",
    "EnsembleOptions": "fpsolver.ensembles.options",
    "OverdampedOptions": "fpsolver.ensembles.options",
    "InertialOptions": "fpsolver.ensembles.options",
    "Ensemble2DOptions": "fpsolver.ensembles.options",
    "EnsembleNDOptions": "fpsolver.ensembles.options",
    "run_ensemble_nd": "fpsolver.ensembles.overdamped_nd",
    "run_ensemble_2d": "fpsolver.ensembles.overdamped_nd",
    "OverdampedEnsembleND": "fpsolver.ensembles.overdamped_nd",
    "OverdampedEnsemble2D": "fpsolver.ensembles.overdamped_nd",
    "EnsembleNDResult": "fpsolver.results.ensemble",
}

__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'fpsolver.ensembles' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
