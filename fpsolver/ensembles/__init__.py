"""Langevin (SDE) ensembles that cross-validate the Fokker-Planck PDE (PHYSICS.md section 3).

* :func:`run_ensemble` — overdamped Ito SDE dx = -A dt + sqrt(2 D) dW of any model
  (Euler-Maruyama or Platen's weak order 2), reflecting or absorbing walls.
* :func:`run_inertial_ensemble` — M x'' = F - gamma x' + F_L (gCLm Eqs. 27, 48) by
  BAOAB splitting with an exact Ornstein-Uhlenbeck velocity step.

Both return frozen result objects with a steady histogram on the mesh cells and
batch-means errors, moments versus time and run metadata; the classes
:class:`OverdampedEnsemble` and :class:`InertialEnsemble` split a run into chunks
across processes and merge the parts bit-identically.
"""

from fpsolver.ensembles._setup import ChunkResults
from fpsolver.ensembles.inertial import InertialEnsemble, run_inertial_ensemble
from fpsolver.ensembles.overdamped import BOUNDARIES, OverdampedEnsemble, run_ensemble
from fpsolver.ensembles.schemes import SCHEMES, Scheme
from fpsolver.results.ensemble import EnsembleResult, InertialEnsembleResult

__all__ = [
    "run_ensemble",
    "run_inertial_ensemble",
    "OverdampedEnsemble",
    "InertialEnsemble",
    "ChunkResults",
    "EnsembleResult",
    "InertialEnsembleResult",
    "SCHEMES",
    "Scheme",
    "BOUNDARIES",
]
