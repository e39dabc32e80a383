"""fpsolver: thermophoresis of Brownian particles, classical and quantum.

Fokker-Planck equations in the canonical form dP/dt = div[A P + grad(D P)] on FiPy
meshes (three models: :class:`Ito`, :class:`GCLM1`, :class:`GCLM2`), exact
references, Langevin ensembles and discrete quantum master equations. See
``README.md`` for a tour and ``shared/spec/PHYSICS.md`` for every equation.
"""

from fpsolver import compare, ensembles, exact, geometry, geometry_fields, meshes, potentials, profiles, qme
from fpsolver._version import __version__
from fpsolver.discretization import FokkerPlanckOperator, build_operator
from fpsolver.ensembles import EnsembleResult, InertialEnsembleResult, run_ensemble, run_inertial_ensemble
from fpsolver.ensembles.overdamped2d import run_ensemble_2d
from fpsolver.models import GCLM1, GCLM2, MODELS, Ito, Model
from fpsolver.results import SteadyState, TransientSolution
from fpsolver.steady import solve_steady
from fpsolver.transient import solve_transient

__all__ = [
    "__version__",
    "compare",
    "ensembles",
    "exact",
    "geometry",
    "geometry_fields",
    "meshes",
    "qme",
    "potentials",
    "profiles",
    "Model",
    "Ito",
    "GCLM1",
    "GCLM2",
    "MODELS",
    "FokkerPlanckOperator",
    "build_operator",
    "solve_steady",
    "solve_transient",
    "SteadyState",
    "TransientSolution",
    "run_ensemble",
    "run_inertial_ensemble",
    "run_ensemble_2d",
    "EnsembleResult",
    "InertialEnsembleResult",
]
