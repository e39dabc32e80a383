"""fpsolver: thermophoresis of Brownian particles, classical and quantum.

Fokker-Planck equations in the canonical form dP/dt = div[A P + grad(D P)] on FiPy
meshes (three models: :class:`Ito`, :class:`GCLM1`, :class:`GCLM2`), exact
references, Langevin ensembles and discrete quantum master equations. See
``README.md`` for a tour and the physics reference (``docs/physics/``) for every equation.

The public names below load on first use, so ``import fpsolver`` (and the command
line) does not pay for FiPy, numba or the ensembles until they are needed.
"""

from __future__ import annotations

import importlib
from typing import Any

from fpsolver import _moved
from fpsolver._version import __version__

_moved.install()  # old module paths (fpsolver.profiles, fpsolver.exact, ...) import with a DeprecationWarning

#: public name -> (module, attribute); attribute None means the module itself
_PUBLIC: dict[str, tuple[str, str | None]] = {
    "analysis": ("fpsolver.analysis", None),
    "cases": ("fpsolver.cases", None),
    "compare": ("fpsolver.analysis.compare", None),
    "ensembles": ("fpsolver.ensembles", None),
    "exact": ("fpsolver.pde.exact", None),
    "fields": ("fpsolver.fields", None),
    "fit": ("fpsolver.analysis.fit", None),
    "geometry": ("fpsolver.meshes.nd", None),
    "geometry_fields": ("fpsolver.fields.nd", None),
    "infer": ("fpsolver.analysis.infer", None),
    "meshes": ("fpsolver.meshes", None),
    "models": ("fpsolver.models", None),
    "observables": ("fpsolver.analysis.observables", None),
    "pde": ("fpsolver.pde", None),
    "potentials": ("fpsolver.fields.potentials", None),
    "profiles": ("fpsolver.fields.profiles", None),
    "qme": ("fpsolver.qme", None),
    "results": ("fpsolver.results", None),
    "Model": ("fpsolver.models", "Model"),
    "Ito": ("fpsolver.models", "Ito"),
    "GCLM1": ("fpsolver.models", "GCLM1"),
    "GCLM2": ("fpsolver.models", "GCLM2"),
    "MODELS": ("fpsolver.models", "MODELS"),
    "FokkerPlanckOperator": ("fpsolver.pde.operator", "FokkerPlanckOperator"),
    "build_operator": ("fpsolver.pde.operator", "build_operator"),
    "solve_steady": ("fpsolver.pde.steady", "solve_steady"),
    "solve_transient": ("fpsolver.pde.transient", "solve_transient"),
    "SteadyState": ("fpsolver.results.field", "SteadyState"),
    "TransientSolution": ("fpsolver.results.field", "TransientSolution"),
    "run_ensemble": ("fpsolver.ensembles", "run_ensemble"),
    "run_inertial_ensemble": ("fpsolver.ensembles", "run_inertial_ensemble"),
    "run_ensemble_2d": ("fpsolver.ensembles.overdamped_nd", "run_ensemble_2d"),
    "run_ensemble_nd": ("fpsolver.ensembles.overdamped_nd", "run_ensemble_nd"),
    "EnsembleResult": ("fpsolver.results.ensemble", "EnsembleResult"),
    "InertialEnsembleResult": ("fpsolver.results.ensemble", "InertialEnsembleResult"),
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'fpsolver' has no attribute {name!r}")
    module_name, attribute = _PUBLIC[name]
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
