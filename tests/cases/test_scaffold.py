"""``fpsolver new``: documented templates that load and run, for every kind and registered quantum system."""

from __future__ import annotations

import pytest
import tomllib
from cli_helpers import fpsolver

from fpsolver.cases import load_case
from fpsolver.cases.scaffold import qme_case_template, scaffold_case
from fpsolver.cases.schema import QME_SCHEMAS, ScanConfig
from fpsolver.qme.systems import SYSTEMS


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_qme_template_lists_every_system_key_with_a_description(system, tmp_path):
    path = scaffold_case(tmp_path / "case", kind="qme", system=system)
    text = path.read_text()
    data = tomllib.loads(text)
    assert data["kind"] == "qme" and data["system"]["kind"] == system
    fields = QME_SCHEMAS[system].model_fields
    assert set(data["system"]) == {"kind", *fields}
    for name, value in SYSTEMS[system].example.items():
        assert data["system"][name] == value
    for name, field in fields.items():
        assert f"{name} = " in text and field.description and f"# {field.description}" in text, name
    assert data["scan"]["parameter"] == SYSTEMS[system].example_scan["parameter"]
    assert set(data["scan"]) <= set(ScanConfig.model_fields)
    config = load_case(path.parent)
    assert config.system.kind == system and config.scan is not None


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_new_qme_case_runs_from_the_command_line(system, tmp_path):
    created = fpsolver("new", "fresh", "--kind", "qme", "--system", system, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    run = fpsolver("run", "fresh", "--quiet", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    results = tmp_path / "fresh" / "results"
    assert {"qme.nc", "qme.csv", "report.html"} <= {p.name for p in results.iterdir()}
    assert sorted(p.name for p in (results / "figures").iterdir()) == sorted(figure.filename for figure in SYSTEMS[system].figures)


def test_unknown_system_and_mixed_options_are_refused(tmp_path):
    unknown = fpsolver("new", "x", "--kind", "qme", "--system", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown quantum system 'nope'; valid names: chain, dot, lambda, v" in unknown.stderr
    mixed = fpsolver("new", "x", "--kind", "qme", "--profile", "linear", cwd=tmp_path)
    assert mixed.returncode == 2 and "--profile applies to fokker-planck cases" in mixed.stderr
    assert not (tmp_path / "x").exists()
    with pytest.raises(ValueError, match="unknown case kind 'sde'"):
        scaffold_case(tmp_path / "y", kind="sde")


def test_template_title_is_quoted_toml():
    assert tomllib.loads(qme_case_template('a "quoted" name', "dot"))["title"].startswith('a "quoted" name: ')
