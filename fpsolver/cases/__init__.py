"""The case application: schema, build, run, checks, sweeps and distribution.

A case directory holds ``case.toml``; :mod:`.schema` validates it, :mod:`.build`
turns it into meshes, profiles and models, :mod:`.run` solves it and writes the
results (:func:`run_case_directory`, :func:`validate_case`), :mod:`.checks` judges
them, :mod:`.sweep` scans parameters and :mod:`.distributed` maps the work onto Dask.
The entry points load lazily, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib

from fpsolver.cases.errors import CaseError

_ENTRY_POINTS = {
    "run_case_directory": "fpsolver.cases.run",
    "validate_case": "fpsolver.cases.run",
    "sweep_case_directory": "fpsolver.cases.sweep",
    "load_case": "fpsolver.cases.schema",
    "open_case": "fpsolver.cases.build",
}

__all__ = ["CaseError", *_ENTRY_POINTS]


def __getattr__(name: str):
    if name in _ENTRY_POINTS:
        return getattr(importlib.import_module(_ENTRY_POINTS[name]), name)
    raise AttributeError(f"module 'fpsolver.cases' has no attribute {name!r}")
