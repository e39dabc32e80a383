"""Sweeps over case-file keys: parsing, the point set, overrides, caching and writing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_helpers import copy_case

from fpsolver.cases import CaseError
from fpsolver.cases.sweep import Assignment, apply_overrides, parse_assignment, points, run_sweep, sweep_case_directory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("models.gclm1.kappa=0:2:3", Assignment("models.gclm1.kappa", (0.0, 1.0, 2.0))),
        ("mesh.cells=50,100", Assignment("mesh.cells", (50, 100))),
        ("pde.transient=true", Assignment("pde.transient", (True,))),
        ("temperature.profile='linear'", Assignment("temperature.profile", ("linear",))),
    ],
)
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [("kappa", "KEY=VALUES"), ("a..b=1", "bad key"), ("k=0:1:x", "START:STOP:NUM"), ("k=0:1:0", "NUM must be"), ("k=", "no values")])
def test_bad_assignments_name_the_problem(text, fragment):
    with pytest.raises(CaseError, match=fragment):
        parse_assignment(text)


def test_points_are_the_cartesian_product_in_order():
    grid = points([Assignment("a", (1, 2)), Assignment("b", ("x", "y", "z"))])
    assert grid == [{"a": a, "b": b} for a in (1, 2) for b in ("x", "y", "z")]


def test_apply_overrides_copies_and_creates_tables():
    data = {"models": {"ito": {}}}
    changed = apply_overrides(data, {"models.ito.eta": 2.0, "pde.transient": True})
    assert changed == {"models": {"ito": {"eta": 2.0}}, "pde": {"transient": True}}
    assert data == {"models": {"ito": {}}}
    with pytest.raises(CaseError, match="not a table"):
        apply_overrides({"title": "x"}, {"title.sub": 1})


def test_sweep_rows_carry_the_metrics_of_each_point_and_are_cached(tmp_path):
    case = copy_case("exponential", tmp_path)
    calls = []

    def counting_mapper(function, arguments):
        calls.append(len(arguments))
        return (function(*a) for a in arguments)

    sweep = [Assignment("potential.kind", ("none",)), Assignment("mesh.cells", (20, 40))]
    rows = run_sweep(case, sweep, only=frozenset({"pde"}), mapper=counting_mapper)
    assert calls == [2]
    assert {(row["mesh.cells"], row["model"]) for row in rows} == {(n, m) for n in (20, 40) for m in ("ito", "gclm1", "gclm2", "gclm2_eq60")}
    for row in rows:
        assert row["l1_pde_vs_exact"] < 1e-12 and np.isfinite(row["effective_soret"])
    again = run_sweep(case, sweep, only=frozenset({"pde"}), mapper=counting_mapper)
    assert calls == [2, 0] and again == rows


def test_sweep_case_directory_writes_the_table(tmp_path):
    case = copy_case("exponential", tmp_path)
    outcome = sweep_case_directory(case, [parse_assignment("mesh.cells=20,30")], only=frozenset({"pde"}))
    assert outcome.target == case / "sweeps" / "mesh.cells"
    assert {p.name for p in outcome.target.iterdir()} == {"sweep.csv", "sweep.nc", "summary.png"}
    header = (outcome.target / "sweep.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["mesh.cells", "model"] and "effective_soret" in header
    assert len(outcome.rows) == 8
    assert json.loads(json.dumps(outcome.rows, default=float))
