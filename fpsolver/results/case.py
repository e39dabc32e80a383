"""What one run of a case produced: plain frozen objects that the writers read.

The run step (:mod:`fpsolver.cases.run`) builds them; the writers (:mod:`fpsolver.io`)
only read them, so nothing here knows about case files, solvers or checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fpsolver.results.ensemble import EnsembleNDResult, EnsembleResult, InertialEnsembleResult
from fpsolver.results.field import SteadyState, TransientSolution


@dataclass(frozen=True)
class CaseIdentity:
    """The case a result belongs to: where it lives and the configuration that made it.

    Attributes
    ----------
    name : str
        The case's name (its directory's).
    directory : Path
        The case directory; results go to ``directory / "results"``.
    title : str
        The case file's ``title`` (may be empty).
    configuration : Mapping
        The resolved configuration (every default filled in), plain data.
    configuration_sha256 : str
        Digest of the configuration that identifies results and checkpoints.
    """

    name: str
    directory: Path
    title: str
    configuration: Mapping[str, Any]
    configuration_sha256: str

    @property
    def results_dir(self) -> Path:
        """Where the case's results are written."""
        return self.directory / "results"

    @property
    def heading(self) -> str:
        """The title, or the name when the case has none."""
        return self.title or self.name


@dataclass(frozen=True)
class CaseResults:
    """Everything a run of a Fokker-Planck case produced, keyed by model label.

    Attributes
    ----------
    case : CaseIdentity
    x, T : ndarray
        Cell centres (length; shape (n,) in 1D, (dim, n) on 2D/3D meshes) and the
        temperature there (temperature units).
    steady, exact : dict
        PDE steady states and the exact steady densities (1/length^d) at the cells (a
        model without an exact reference on its mesh has no entry in ``exact``).
    transient : dict
        Transient PDE solutions.
    ensembles, inertial : dict
        Overdamped and inertial Langevin ensembles (2D/3D: :class:`EnsembleNDResult`);
        ``exact_cell_averages`` holds the exact density averaged over each cell, their
        reference in 1D, and ``ensemble_references`` that of the 2D/3D ensembles, the
        PDE steady density averaged over each histogram bin.
    transient_ensembles : dict
        Overdamped Langevin ensembles started from the PDE transient's initial density and
        recorded at its snapshot times (the SDE side of the transient comparison).
    soret : dict
        Per model, the local Soret coefficient S_T = -d ln P/dT (1/temperature) at the
        midpoints between cells: ``(x_mid, S_T)``.
    metrics : dict
        Per model, the comparison metrics and observables (see
        :mod:`fpsolver.analysis.metrics`).
    notes : list
        What the run left out and why (no exact reference, no ensemble for this geometry).
    """

    case: CaseIdentity
    x: np.ndarray
    T: np.ndarray
    steady: dict[str, SteadyState] = field(default_factory=dict)
    exact: dict[str, np.ndarray] = field(default_factory=dict)
    transient: dict[str, TransientSolution] = field(default_factory=dict)
    ensembles: dict[str, EnsembleResult | EnsembleNDResult] = field(default_factory=dict)
    inertial: dict[str, InertialEnsembleResult] = field(default_factory=dict)
    exact_cell_averages: dict[str, np.ndarray] = field(default_factory=dict)
    ensemble_references: dict[str, np.ndarray] = field(default_factory=dict)
    soret: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    transient_ensembles: dict[str, EnsembleResult] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def dimension(self) -> int:
        """Number of coordinates of the mesh."""
        return 1 if np.ndim(self.x) == 1 else int(np.shape(self.x)[0])


@dataclass(frozen=True)
class QuantityInfo:
    """How to label one QME observable: its units, its name in words and the names of
    its axes beyond the scan (e.g. ``("site",)``)."""

    units: str
    long_name: str
    dims: tuple[str, ...] = ()


@dataclass(frozen=True)
class QMEResults:
    """A qme case's scan: parameter values and, per observable, one row per value.

    Attributes
    ----------
    case : CaseIdentity
    system : str
        The registry name of the quantum system.
    parameter : str or None
        The scanned ``[system]`` key (None: a single point).
    values : ndarray
        The scan values (``[nan]`` for a single point).
    quantities : dict
        Per observable, an array whose first axis runs over ``values``.
    info : dict
        Per observable, its :class:`QuantityInfo`.
    metrics : dict
        Scalar summaries (e.g. the minimum entropy production).
    """

    case: CaseIdentity
    system: str
    parameter: str | None
    values: np.ndarray
    quantities: dict[str, np.ndarray]
    info: dict[str, QuantityInfo] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
