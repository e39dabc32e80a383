"""The verification matrix: every wall kind x every stage x every model through ``run_case``.

Rows are the wall kinds of a case (:data:`fpsolver.cases.schema.WallKind`, read with
``typing.get_args``, plus ``mixed``: left absorbing, right reflecting), columns the
stages (PDE steady, PDE transient, Langevin steady, Langevin transient from the PDE's
start, inertial at small mass, and the 2D and 3D runs of PDE and ensemble), and the
models of :data:`fpsolver.models.MODELS`. :data:`EXPECTED` says for each (walls, stage)
what a run must show: the metrics it cross-checks (every check ``fpsolver validate``
makes of them must pass: PDE vs exact L1, chi^2 per bin and L1 of the histograms against
the exact or PDE density, transient z-scores of the conditional moments, of the
survival probability and of the mean exit time, within the case's default tolerances),
and where a stage cannot honour the walls, the words of its refusal (a one-line
``CaseError`` naming the key, or the note a run records for a stage without a steady
state). A wall kind, stage or model without an entry fails
``tests/cases/test_verification_matrix.py``.

The inertial column runs the model's small-mass limit (``overdamped = "kramers"``) and
gates the inertial histogram's L1 distance to its exact density at
:data:`INERTIAL_NOISE_FACTOR` times the expected L1 of the noise (the wall layer of width
sqrt(k_B T M)/gamma is well below it at M = :data:`MASS`).
"""

from __future__ import annotations

import itertools
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from fpsolver.cases.build import build_case
from fpsolver.cases.checks import fokker_planck_checks
from fpsolver.cases.errors import CaseError
from fpsolver.cases.run import run_case
from fpsolver.cases.schema import WallKind, parse_case
from fpsolver.models import MODELS

NAME = "verification_matrix"
TITLE = "Verification matrix: wall kinds x stages x models, each cross-checked or refused"

Walls = Literal[WallKind, "mixed"]
Stage = Literal["pde-steady", "pde-transient", "langevin-steady", "langevin-transient", "inertial", "2D", "3D"]
WALLS: tuple[str, ...] = (*typing.get_args(WallKind), "mixed")
STAGES: tuple[str, ...] = typing.get_args(Stage)
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)
MASS = 0.005
INERTIAL_NOISE_FACTOR = 3.0


@dataclass(frozen=True)
class Expectation:
    """What a cell's run must show: ``metrics`` present (their checks pass) and, for a
    stage that refuses the walls, ``refusal``: words of the error or of the run's note."""

    metrics: tuple[str, ...] = ()
    refusal: str | None = None


_NO_STEADY = "no normalisable steady state"
_SKIPPED = "Langevin steady stages skipped: absorbing walls leave no steady state"
_STEADY_ND = Expectation(("l1_pde_vs_exact", "sde_chi2_per_dof", "sde_l1"))
_ABSORBING_ND = Expectation(("final_mass",), _SKIPPED)
_SURVIVAL = ("transient_mean_max_z", "transient_variance_max_z", "transient_survival_max_z", "exit_time_z")
EXPECTED: dict[tuple[str, str], Expectation] = {
    ("reflecting", "pde-steady"): Expectation(("l1_pde_vs_exact",)),
    ("reflecting", "pde-transient"): Expectation(("max_mass_drift",)),
    ("reflecting", "langevin-steady"): Expectation(("sde_chi2_per_dof", "sde_l1")),
    ("reflecting", "langevin-transient"): Expectation(("transient_mean_max_z", "transient_variance_max_z")),
    ("reflecting", "inertial"): Expectation(("inertial_l1",)),
    ("reflecting", "2D"): _STEADY_ND,
    ("reflecting", "3D"): _STEADY_ND,
    ("absorbing", "pde-steady"): Expectation(refusal=_NO_STEADY),
    ("absorbing", "pde-transient"): Expectation(("final_mass",)),
    ("absorbing", "langevin-steady"): Expectation(refusal=_SKIPPED),
    ("absorbing", "langevin-transient"): Expectation(_SURVIVAL),
    ("absorbing", "inertial"): Expectation(refusal=_SKIPPED),
    ("absorbing", "2D"): _ABSORBING_ND,
    ("absorbing", "3D"): _ABSORBING_ND,
    ("periodic", "pde-steady"): Expectation(("l1_pde_vs_exact", "current_relative_error")),
    ("periodic", "pde-transient"): Expectation(("max_mass_drift",)),
    ("periodic", "langevin-steady"): Expectation(("sde_chi2_per_dof", "sde_l1", "sde_current")),
    ("periodic", "langevin-transient"): Expectation(refusal="not compared on a ring"),
    ("periodic", "inertial"): Expectation(refusal="inertial ensemble skipped: no periodic walls"),
    ("periodic", "2D"): _STEADY_ND,
    ("periodic", "3D"): _STEADY_ND,
    ("mixed", "pde-steady"): Expectation(refusal=_NO_STEADY),
    ("mixed", "pde-transient"): Expectation(("final_mass",)),
    ("mixed", "langevin-steady"): Expectation(refusal=_SKIPPED),
    ("mixed", "langevin-transient"): Expectation(refusal="boundary.left: the transient Langevin ensemble takes one wall kind per axis"),
    ("mixed", "inertial"): Expectation(refusal=_SKIPPED),
    ("mixed", "2D"): _ABSORBING_ND,
    ("mixed", "3D"): _ABSORBING_ND,
}

#: where a model is not defined: (model, stage or walls) -> its refusal, before :data:`EXPECTED`
MODEL_LIMITS: dict[tuple[str, str], Expectation] = {
    ("gclm2", "2D"): Expectation(refusal="models.gclm2: gclm2: the model is defined in 1D only"),
    ("gclm2", "3D"): Expectation(refusal="models.gclm2: gclm2: the model is defined in 1D only"),
    # gclm2's nonlocal temperature is not periodic on a ring (its Ito form and its small-mass limit say so in their words)
    ("gclm2", "periodic"): Expectation(refusal="must be periodic"),
}


def expectation(walls: str, stage: str, model: str) -> Expectation:
    """What the cell (``walls``, ``stage``, ``model``) must show: :data:`MODEL_LIMITS`, else :data:`EXPECTED`."""
    return MODEL_LIMITS.get((model, stage)) or MODEL_LIMITS.get((model, walls)) or EXPECTED[walls, stage]


#: temperature of every cell: periodic on the domains below (so rings are allowed), a gradient everywhere
TEMPERATURE = {1: "1 + 0.3*sin(pi*x)", 2: "1 + 0.3*sin(pi*x)*cos(pi*y)", 3: "1 + 0.3*sin(pi*x)*cos(pi*y)*cos(pi*z)"}
MODEL_TABLES = {"ito": {}, "gclm1": {"kappa": 0.5}, "gclm2": {"sigma": 0.1}}


def boundary(walls: str, dimension: int) -> dict[str, str]:
    """The ``[boundary]`` table of a row: one kind on every axis' walls; ``mixed``: left absorbing, right reflecting."""
    if walls == "mixed":
        return {"left": "absorbing", "right": "reflecting"}
    pairs = (("left", "right"), ("bottom", "top"), ("front", "back"))[:dimension]
    return {group: walls for pair in pairs for group in pair}


def cell_case(walls: str, stage: str, model: str, fast: bool) -> tuple[dict[str, Any], frozenset[str]]:
    """The case file (as data) and the stages (``only``) of one cell of the matrix.

    The 1D cells of the PDE and the overdamped ensembles share one case (PDE steady where
    the walls allow one, PDE transient, both ensembles), so :func:`run_cell` runs it once
    per row and model; a PDE steady cell with absorbing walls asks for the steady state
    anyway (to see it refused), and with mixed walls the PDE cells leave the ensembles out
    (their refusal is the Langevin cells')."""
    dimension = {"2D": 2, "3D": 3}.get(stage, 1)
    absorbs = walls in ("absorbing", "mixed")
    inertial = stage == "inertial"
    shared = dimension == 1 and not inertial and not (walls == "mixed" and stage == "langevin-steady")
    particles = 2048 if fast else 16384
    #: nD ensembles in the fast matrix: a shorter run with a coarser step (weak order 2 keeps the bias well below the noise)
    steps = {"dt": 0.004, "t_end": 3.0} if fast and dimension > 1 else {}
    case: dict[str, Any] = {
        "title": f"{walls} walls, {model}",
        "temperature": {"profile": "formula", "expression": TEMPERATURE[dimension]},
        "boundary": boundary(walls, dimension),
        "models": {model: {**MODEL_TABLES[model], **({"overdamped": "kramers"} if inertial else {})}},
        "pde": {"steady": stage == "pde-steady" or not absorbs, "transient": absorbs if dimension > 1 else shared, "t_end": 0.3, "snapshots": 3},
        "ensemble": {"n_particles": particles, "chunk_size": particles // 16, "seed": 5, **steps, **({"mass": MASS} if inertial else {})},
    }
    if dimension == 1:
        case["domain"] = {"x_min": -1.0, "x_max": 1.0}
        case["mesh"] = {"cells": 40}
    else:
        cells = (16 if fast else 48) if dimension == 2 else (8 if fast else 16)
        case["mesh"] = {"kind": "grid", "lower": [-1.0] * dimension, "upper": [1.0] * dimension, "cells": [cells] * dimension}
    only = {"sde"} if inertial else {"pde"} if walls == "mixed" and stage.startswith("pde") else {"pde", "sde"}
    return case, frozenset(only)


#: runs shared by the cells of one case: (case as JSON, stages) -> results or the CaseError raised
_RUNS: dict[tuple[str, frozenset[str]], Any] = {}


def run_shared(data: dict[str, Any], only: frozenset[str]) -> tuple[Any, Any]:
    """(configuration, results) of ``data`` run with ``only``, once per session; a
    :class:`CaseError` (of parsing or running) is raised again at every call."""
    key = (json.dumps(data, sort_keys=True), only)
    if key not in _RUNS:
        try:
            config = parse_case(data)
            _RUNS[key] = (config, run_case(build_case(Path("."), config), only=only))
        except CaseError as exc:
            _RUNS[key] = exc
    if isinstance(_RUNS[key], CaseError):
        raise _RUNS[key]
    return _RUNS[key]


@dataclass
class CellResult:
    """A cell's outcome: the checks it made (metric -> (value, limit, passed)) or the refusal it showed."""

    walls: str
    stage: str
    model: str
    checks: dict[str, tuple[float, float, bool]] = field(default_factory=dict)
    refusal: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def run_cell(walls: str, stage: str, model: str, fast: bool) -> CellResult:
    """Run one cell and compare what it shows with :data:`EXPECTED`."""
    expected = expectation(walls, stage, model)
    data, only = cell_case(walls, stage, model, fast)
    cell = CellResult(walls, stage, model)
    try:
        config, results = run_shared(data, only)
    except CaseError as exc:
        cell.refusal = str(exc)
        if expected.refusal is None or expected.refusal not in str(exc) or len(str(exc).splitlines()) != 1:
            cell.problems.append(f"refused: {exc}")
        return cell
    metrics = results.metrics[model]
    for check in fokker_planck_checks(config, results.metrics):
        cell.checks[check.metric] = (check.value, check.limit, bool(check.passed))
    if "inertial_l1" in metrics:
        limit = INERTIAL_NOISE_FACTOR * metrics["inertial_expected_l1"]
        cell.checks["inertial_l1"] = (metrics["inertial_l1"], limit, metrics["inertial_l1"] <= limit)
    if "final_mass" in metrics:
        mass = results.transient[model].mass
        cell.checks["final_mass"] = (metrics["final_mass"], 1.0, bool(metrics["final_mass"] < 1.0 and np.all(np.diff(mass) <= 1e-12)))
    cell.problems += [f"missing {name}" for name in expected.metrics if name not in cell.checks]
    cell.problems += [f"{name} = {value:.4g} beyond {limit:.4g}" for name, (value, limit, passed) in cell.checks.items() if not passed]
    if expected.refusal is not None:
        cell.refusal = next((note for note in results.notes if expected.refusal in note), None)
        cell.problems += [] if cell.refusal else [f"no note saying {expected.refusal!r}"]
    return cell


def cells() -> list[tuple[str, str, str]]:
    """Every (walls, stage, model) of the matrix."""
    return list(itertools.product(WALLS, STAGES, MODEL_NAMES))


def run(fast: bool, out_dir: Path):
    """The study: every cell at full (or fast) size, one gating check per cell, and the summary table."""
    from validation._report import StudyResult

    result = StudyResult(NAME, TITLE)
    result.parameters = {
        "cells": f"{len(WALLS)} wall kinds x {len(STAGES)} stages x {len(MODEL_NAMES)} models = {len(cells())}",
        "sizes": "1D: 40 cells; 2D: 16 (fast) or 48 cells per axis; 3D: 8 or 16; particles 2048 (fast) or 16384; fast nD ensembles dt = 0.004, t_end = 3",
        "gates": "the case's default tolerances (PDE vs exact L1 1e-9, chi^2/bin 2, SDE L1 3 noise, transient z 4); inertial L1 3 noise",
    }
    result.table = [["walls", "stage", "model", "outcome", "checks (value / limit)"]]
    for walls, stage, model in cells():
        cell = run_cell(walls, stage, model, fast)
        shown = "; ".join(f"{name} {value:.3g}/{limit:.3g}" for name, (value, limit, _) in cell.checks.items())
        outcome = "refused" if cell.refusal and not cell.checks else ("checked, part refused" if cell.refusal else "checked")
        result.table.append([walls, stage, model, outcome if cell.passed else "FAIL: " + "; ".join(cell.problems), shown or cell.refusal])
        result.check(f"{walls} / {stage} / {model}", float(len(cell.problems)), 0.0, 0.0, "absolute", note=outcome)
    result.paragraph = (
        "Every combination of wall kind, stage and model runs through the case workflow's one run path. "
        "A cell passes when its cross-checks pass within the stated bounds, or when the stage refuses the walls in the words listed for it; "
        "the check's value is the number of problems found (0 to pass)."
    )
    return result
