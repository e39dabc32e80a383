"""Module paths that existed before the package was split into layers, kept importing.

``import fpsolver.profiles`` (and every other old path in :data:`MOVED`) gives the
module's new home, after a :class:`DeprecationWarning` naming it. One import hook
serves them all, so no placeholder files stand in the package's layers. The names
reached as attributes, ``from fpsolver import profiles``, are public and do not warn.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from importlib.machinery import ModuleSpec
from types import ModuleType

#: old module path -> new module path
MOVED: dict[str, str] = {
    "fpsolver.case": "fpsolver.cases.build",
    "fpsolver.checkpoint": "fpsolver.io.checkpoint",
    "fpsolver.checks": "fpsolver.cases.checks",
    "fpsolver.compare": "fpsolver.analysis.compare",
    "fpsolver.config": "fpsolver.cases.schema",
    "fpsolver.discretization": "fpsolver.pde.operator",
    "fpsolver.distributed": "fpsolver.cases.distributed",
    "fpsolver.ensembles.results": "fpsolver.results.ensemble",
    "fpsolver.ensembles.overdamped2d": "fpsolver.ensembles.overdamped_nd",
    "fpsolver.exact": "fpsolver.pde.exact",
    "fpsolver.figures": "fpsolver.io.figures",
    "fpsolver.geometry": "fpsolver.meshes.nd",
    "fpsolver.geometry_fields": "fpsolver.fields.nd",
    "fpsolver.geometry_results": "fpsolver.results.field",
    "fpsolver.io.scaffold": "fpsolver.cases.scaffold",
    "fpsolver.lock": "fpsolver.io.lock",
    "fpsolver.models._base": "fpsolver.models.base",
    "fpsolver.observables": "fpsolver.analysis.observables",
    "fpsolver.output": "fpsolver.io.output",
    "fpsolver.pipeline": "fpsolver.cases.run",
    "fpsolver.potentials": "fpsolver.fields.potentials",
    "fpsolver.profiles": "fpsolver.fields.profiles",
    "fpsolver.qme.dot": "fpsolver.qme.systems.dot",
    "fpsolver.report": "fpsolver.io.report",
    "fpsolver.scaffold": "fpsolver.cases.scaffold",
    "fpsolver.steady": "fpsolver.pde.steady",
    "fpsolver.sweep": "fpsolver.cases.sweep",
    "fpsolver.sweep_output": "fpsolver.io.sweep_output",
    "fpsolver.transient": "fpsolver.pde.transient",
}


class _MovedLoader(importlib.abc.Loader):
    """Loads an old path as its new module (the same module object, untouched), with a warning."""

    def create_module(self, spec: ModuleSpec) -> None:
        """The default blank module, replaced in :meth:`exec_module`."""

    def exec_module(self, module: ModuleType) -> None:
        """Import the new module and put it in ``sys.modules`` under the old name (the import system returns that entry)."""
        new = MOVED[module.__name__]
        warnings.warn(f"{module.__name__} moved to {new}; import it from there (the old path will be removed)", DeprecationWarning, stacklevel=4)
        sys.modules[module.__name__] = importlib.import_module(new)


class _MovedFinder(importlib.abc.MetaPathFinder):
    """Finds the old paths of :data:`MOVED` (and only those)."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        return importlib.util.spec_from_loader(fullname, _MovedLoader()) if fullname in MOVED else None


def install() -> None:
    """Put the finder of old paths on ``sys.meta_path`` once."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
