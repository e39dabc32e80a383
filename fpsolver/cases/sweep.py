"""Parameter sweeps over case-file keys: ``--set models.gclm1.kappa=0:2:11``.

Each point is the case with some keys replaced; it is validated like any case file,
solved, and reduced to a row per model of observables (mean position, effective Soret
coefficient, PDE-vs-exact and SDE metrics). Finished points are cached under
``CASE/sweeps/.points/<sha256 of the resolved point configuration>.json``, so an
interrupted sweep resumes without recomputing them. :func:`evaluate_point` is a pure
function of its arguments, so any executor can map it over the points.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fpsolver._validate import BudgetError, within_budget
from fpsolver.cases.schema import CaseError, case_file, parse_case, read_toml
from fpsolver.io.atomic import StoreError, check_target
from fpsolver.io.lock import CaseLockedError, case_lock

Row = dict[str, object]
#: Memory per sweep point (its overrides, digest and cached rows), for the budget.
BYTES_PER_POINT = 2048
#: Most points of one sweep: each point solves a whole case (seconds at least).
MAX_POINTS = 10_000


@dataclass(frozen=True)
class Assignment:
    """A dotted case-file key and the values it takes in the sweep."""

    key: str
    values: tuple[object, ...]


def _number(text: str) -> object:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return text.strip("\"'")


def parse_assignment(text: str) -> Assignment:
    """``KEY=START:STOP:NUM`` (linspace), ``KEY=v1,v2,...`` or ``KEY=value``."""
    if "=" not in text:
        raise CaseError(f"--set {text!r}: expected KEY=VALUES, e.g. models.gclm1.kappa=0:2:11")
    key, _, spec = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise CaseError(f"--set {text!r}: bad key {key!r}")
    parts = spec.split(":")
    if len(parts) == 3:
        try:
            start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise CaseError(f"--set {text!r}: START:STOP:NUM needs two numbers and an integer") from None
        if num < 1:
            raise CaseError(f"--set {text!r}: NUM must be >= 1")
        _within_budget(num, f"--set {key}: NUM = {num}")
        return Assignment(key, tuple(float(v) for v in np.linspace(start, stop, num)))
    values = tuple(_number(v) for v in spec.split(",") if v.strip())
    if not values:
        raise CaseError(f"--set {text!r}: no values")
    return Assignment(key, values)


def points(assignments: Iterable[Assignment]) -> list[dict[str, object]]:
    """The Cartesian product of the assignments, as {key: value} dicts (a key given twice is refused)."""
    assignments = list(assignments)
    keys = [a.key for a in assignments]
    for key in dict.fromkeys(key for key in keys if keys.count(key) > 1):
        raise CaseError(f"--set {key}: the key is given {keys.count(key)} times; give all its values in one --set")
    _within_budget(math.prod(len(a.values) for a in assignments), " x ".join(f"{len(a.values)} values of {a.key}" for a in assignments))
    return [dict(zip((a.key for a in assignments), combo)) for combo in itertools.product(*(a.values for a in assignments))]


def apply_overrides(data: dict, overrides: dict[str, object]) -> dict:
    """A copy of raw case data with dotted keys replaced (tables created as needed)."""
    data = copy.deepcopy(data)
    for key, value in overrides.items():
        table = data
        *parents, leaf = key.split(".")
        for parent in parents:
            table = table.setdefault(parent, {})
            if not isinstance(table, dict):
                raise CaseError(f"--set {key}: {parent!r} is not a table")
        table[leaf] = value
    return data


def _within_budget(count: int, detail: str) -> None:
    """Refuse sweeps of more than :data:`MAX_POINTS` points (each is a whole case solved) or
    whose table of points would exceed the memory budget (CaseError with the estimate)."""
    if count > MAX_POINTS:
        raise CaseError(f"the sweep has {count:.3g} points ({detail}), more than the {MAX_POINTS} a sweep may solve; split it")
    try:
        within_budget("the sweep", memory_bytes=BYTES_PER_POINT * count, steps=count, detail=f"{count:.3g} points: {detail}")
    except BudgetError as exc:
        raise CaseError(str(exc)) from None


def _check_store(target: Path) -> None:
    """Refuse, before any point is solved, a sweep whose output folder cannot be written."""
    try:
        check_target(target)
        if target.parent.exists() and not target.parent.is_dir():
            raise StoreError(f"{target.parent} is not a directory")
    except StoreError as exc:
        raise CaseError(str(exc)) from None


def point_digest(data: dict, directory: Path, fast: bool, only: frozenset[str]) -> str:
    """Identity of a sweep point: its resolved configuration with the bytes of the files it
    reads from the case ``directory``, --fast and the stages run."""
    import hashlib

    config = parse_case(data, directory)
    stamp = json.dumps({"config": config.digest(), "fast": fast, "only": sorted(only)}, sort_keys=True)
    return hashlib.sha256(stamp.encode()).hexdigest()


def evaluate_point(directory: str, data: dict, overrides: dict[str, object], fast: bool, only: frozenset[str]) -> list[Row]:
    """Solve one sweep point; rows of observables per model (pure: no files written).

    Rows hold the model label and its observables only: the swept keys are added by
    :func:`run_sweep`, so a cached point serves any sweep that reaches it.
    """
    from fpsolver.cases.build import build_case
    from fpsolver.cases.run import run_case

    case = build_case(Path(directory), parse_case(apply_overrides(data, overrides), Path(directory)), fast=fast)
    results = run_case(case, only=only)
    return [{"model": label, **metrics} for label, metrics in results.metrics.items()]


def _save_atomically(path: Path, rows: list[Row]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(rows, default=float))
    os.replace(temporary, path)


Mapper = Callable[[Callable[..., list[Row]], list[tuple]], Iterable[list[Row]]]


def run_sweep(
    case: str | Path,
    assignments: list[Assignment],
    *,
    fast: bool = False,
    only: frozenset[str] = frozenset({"pde"}),
    progress: Callable[[str, float, float], None] | None = None,
    mapper: Mapper | None = None,
) -> list[Row]:
    """Evaluate every point of the sweep (cached points are reused); return all rows.

    ``mapper(function, argument_tuples)`` yields results in order (default: serial);
    the distributed runner passes a Dask-backed one.
    """
    # absolute: a mapper may evaluate points in worker processes with another cwd
    path = case_file(case).resolve()
    directory = path.parent
    data = read_toml(path)
    if data.get("kind") == "qme":
        raise CaseError(f"{path}: sweeps run Fokker-Planck cases; a qme case scans one parameter with its [scan] table")
    from fpsolver.io.sweep_output import sweep_target

    cache = directory / "sweeps" / ".points"
    todo, digests = [], []
    settings = points(assignments)
    _check_store(sweep_target(directory, [a.key for a in assignments]))
    for overrides in settings:
        try:
            digests.append(point_digest(apply_overrides(data, overrides), directory, fast, only))
        except CaseError as exc:
            raise CaseError(f"sweep point {overrides}: {exc}") from None
        if not (cache / f"{digests[-1]}.json").exists():
            todo.append((str(directory), data, overrides, fast, only, digests[-1]))
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaseError(f"cannot make {cache}: {exc.strerror}") from None
    done = len(digests) - len(todo)
    if progress is not None:
        progress("sweep", done, len(digests))

    def evaluate_and_store(directory, data, overrides, fast, only, digest):
        rows = evaluate_point(directory, data, overrides, fast, only)
        if point_digest(apply_overrides(data, overrides), Path(directory), fast, only) != digest:
            raise CaseError(f"sweep point {overrides}: a file the case reads changed during the sweep; run it again")
        _save_atomically(cache / f"{digest}.json", rows)
        return rows

    run = mapper or (lambda function, arguments: (function(*a) for a in arguments))
    for _ in run(evaluate_and_store, todo):
        done += 1
        if progress is not None:
            progress("sweep", done, len(digests))
    return [{**overrides, **row} for overrides, digest in zip(settings, digests) for row in json.loads((cache / f"{digest}.json").read_text())]


@dataclass(frozen=True)
class SweepRun:
    """What :func:`sweep_case_directory` did: the rows and the directory they went to."""

    rows: list[Row]
    target: Path


def sweep_case_directory(case: str | Path, assignments: list[Assignment], **options: Any) -> SweepRun:
    """Run a sweep (:func:`run_sweep`, which takes ``options``: fast, only, progress,
    mapper) and write ``CASE/sweeps/<keys>/`` (what ``fpsolver sweep`` does)."""
    from fpsolver.io.sweep_output import write_sweep

    directory = case_file(case).parent
    try:
        with case_lock(directory):  # taken before any other work: a run or sweep of the same case waits for none
            rows = run_sweep(case, assignments, **options)
            target = write_sweep(directory, [a.key for a in assignments], rows)
    except (CaseLockedError, StoreError) as exc:
        raise CaseError(str(exc)) from None
    except OSError as exc:
        raise CaseError(f"cannot write the sweep: {exc.strerror} ({exc.filename}); finished points are kept") from None
    return SweepRun(rows=rows, target=target)
