"""The case-file schema: defaults, resolution, digests and one-line errors naming the key."""

from __future__ import annotations

import pytest
import tomllib
from cli_helpers import CASES

from fpsolver.cases import CaseError
from fpsolver.cases.schema import CaseConfig, QMECaseConfig, load_case, parse_case

MINIMAL = {"temperature": {"profile": "linear", "T0": 2.0, "gradient": 0.5}, "models": {"ito": {}}}


def test_minimal_case_gets_every_default():
    config = parse_case(MINIMAL)
    assert isinstance(config, CaseConfig)
    resolved = config.resolved()
    assert resolved["models"]["ito"]["model"] == "ito"
    assert resolved["domain"] == {"x_min": -1.0, "x_max": 1.0}
    assert resolved["potential"]["kind"] == "none"
    assert set(resolved) >= {"pde", "ensemble", "validation", "mesh"}


def test_digest_ignores_tolerances_but_not_physics():
    base = parse_case(MINIMAL).digest()
    assert parse_case({**MINIMAL, "validation": {"sde_chi2_per_dof": 5.0}}).digest() == base
    assert parse_case({**MINIMAL, "temperature": {**MINIMAL["temperature"], "gradient": 0.25}}).digest() != base
    assert parse_case(dict(MINIMAL)).digest() == base


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"domain": {"x_min": 1.0, "x_max": 0.0}}, "domain: x_max"),
        ({"models": {"ito": {"bogus": 1}}}, "bogus"),
        ({"mesh": {"cells": 0}}, "mesh.cells"),
        ({"kind": "nonsense"}, "kind: must be"),
        ({"ensemble": {"models": ["missing"]}}, "ensemble.models"),
        ({"models": {"a/b": {"model": "ito"}}}, "models.a/b: a model label"),
        ({"models": {"1st": {"model": "ito"}}}, "models.1st: a model label"),
    ],
)
def test_bad_values_raise_one_line_naming_the_key(change, fragment):
    with pytest.raises(CaseError) as error:
        parse_case({**MINIMAL, **change})
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_every_shipped_case_loads_as_its_kind():
    for case in sorted(CASES.iterdir()):
        if (case / "case.toml").exists():
            config = load_case(case)
            data = tomllib.loads((case / "case.toml").read_text())
            assert isinstance(config, QMECaseConfig if data.get("kind") == "qme" else CaseConfig)


def test_missing_or_invalid_case_file_is_a_case_error(tmp_path):
    with pytest.raises(CaseError, match="no case.toml"):
        load_case(tmp_path)
    (tmp_path / "case.toml").write_text("title = ")
    with pytest.raises(CaseError, match="not valid TOML"):
        load_case(tmp_path)
