"""Property test: mutated case files always end in exit code 2 with one line naming the
key at fault, no traceback, and no results directory created or changed."""

import copy
import json
import math

import hypothesis.strategies as st
import pytest
import tomli_w
import tomllib
from cli_helpers import CASES
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from fpsolver.cli import app

BASES = {name: tomllib.loads((CASES / name / "case.toml").read_text()) for name in ("exponential", "tabulated", "trap-in-gradient", "chain-fig2", "quantum-dot")}
NUMERIC_KEYS = {
    "exponential": [("domain", "x_min"), ("mesh", "cells"), ("temperature", "T0"), ("temperature", "length"), ("models", "gclm1", "kappa"), ("models", "gclm2", "sigma"), ("pde", "t_end")],
    "tabulated": [("mesh", "cells"), ("models", "gclm2", "sigma"), ("models", "gclm1", "alpha_tilde")],
    "trap-in-gradient": [("potential", "stiffness"), ("temperature", "gradient"), ("ensemble", "dt"), ("ensemble", "t_end")],
    "chain-fig2": [("system", "N"), ("system", "h"), ("system", "T_left"), ("system", "gamma")],
    "quantum-dot": [("system", "T_L"), ("system", "gamma_R"), ("scan", "num")],
}
REQUIRED = {
    "exponential": [("temperature",), ("temperature", "profile"), ("models",), ("models", "gclm1", "kappa"), ("models", "gclm2", "sigma")],
    "tabulated": [("temperature", "file")],
    "trap-in-gradient": [("temperature", "profile")],
    "chain-fig2": [("system",), ("system", "kind"), ("system", "N"), ("system", "T_right"), ("scan", "parameter")],
    "quantum-dot": [("system", "eps"), ("system", "mu_L")],
}
runner = CliRunner()


def _set(data, path, value):
    table = data
    for key in path[:-1]:
        table = table[key]
    table[path[-1]] = value


def _delete(data, path):
    table = data
    for key in path[:-1]:
        table = table[key]
    del table[path[-1]]


def _dotted(path):
    return ".".join(path)


@st.composite
def mutated_case(draw):
    """(case name, mutated data, fragment the error message must contain)."""
    name = draw(st.sampled_from(sorted(BASES)))
    data = copy.deepcopy(BASES[name])
    fp = name not in ("chain-fig2", "quantum-dot")
    kinds = ["wrong_type", "missing", "nan", "unknown_key", "bad_kind"]
    if fp:
        kinds += ["unknown_model", "nonpositive_temperature", "empty_mesh", "bad_formula", "zero_width", "bad_sigma"]
    else:
        kinds += ["negative_bath_temperature"]
    if name == "tabulated":
        kinds.append("missing_file")
    kind = draw(st.sampled_from(kinds))
    if kind == "wrong_type":
        path = draw(st.sampled_from(NUMERIC_KEYS[name]))
        _set(data, path, draw(st.one_of(st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=1))))
        return name, data, _dotted(path)
    if kind == "missing":
        path = draw(st.sampled_from(REQUIRED[name]))
        _delete(data, path)
        return name, data, path[-1] if len(path) > 1 else path[0]
    if kind == "nan":
        path = draw(st.sampled_from([p for p in NUMERIC_KEYS[name] if p[-1] not in ("cells", "N", "num")]))
        _set(data, path, draw(st.sampled_from([math.nan, math.inf, -math.inf])))
        return name, data, _dotted(path)
    if kind == "unknown_key":
        table = draw(st.sampled_from(["temperature", "pde", "ensemble", "mesh"] if fp else ["system", "scan"]))
        key = draw(st.from_regex(r"\Azz[a-z]{1,6}\Z"))
        data.setdefault(table, {})[key] = 1.0
        return name, data, key
    if kind == "bad_kind":
        value = draw(st.text(min_size=1, max_size=8).filter(lambda s: s not in ("qme", "fokker-planck")))
        data["kind"] = value
        return name, data, "kind"
    if kind == "unknown_model":
        label = draw(st.from_regex(r"\Am[a-z]{1,6}\Z").filter(lambda s: s not in ("model",)))
        data["models"][label] = {"model": label + "x"}
        return name, data, f"models.{label}"
    if kind == "nonpositive_temperature":
        if "T0" in data["temperature"]:
            data["temperature"]["T0"] = draw(st.floats(max_value=0.0, allow_nan=False, allow_infinity=False))
        else:
            data["temperature"] = {"profile": "linear", "T0": 0.1, "gradient": draw(st.floats(min_value=0.2, max_value=50.0))}
        return name, data, "temperature"
    if kind == "empty_mesh":
        data.setdefault("mesh", {})["cells"] = draw(st.integers(max_value=0))
        return name, data, "mesh.cells"
    if kind == "zero_width":
        value = draw(st.floats(min_value=-5, max_value=5, allow_nan=False))
        data["domain"] = {"x_min": value, "x_max": value - draw(st.floats(min_value=0, max_value=3))}
        return name, data, "domain"
    if kind == "bad_formula":
        expression = draw(st.sampled_from(["1 +", "x**", "exp(", "import os", "y + 1", "__import__('os')", "open('f')", "x.real", "1 if x else 2", "lambda: 1", "[x]", "f(x)"]))
        data["temperature"] = {"profile": "formula", "expression": expression}
        return name, data, "temperature"
    if kind == "bad_sigma":
        data["models"]["gclm2"]["sigma"] = draw(st.floats(max_value=0.0, allow_nan=False, allow_infinity=False))
        return name, data, "sigma"
    if kind == "missing_file":
        data["temperature"]["file"] = draw(st.from_regex(r"\A[a-z]{1,8}\.csv\Z"))
        return name, data, "temperature"
    # negative bath temperature (qme)
    key = "T_left" if name == "chain-fig2" else "T_R"
    data["system"][key] = draw(st.floats(max_value=-1e-6, min_value=-100, allow_nan=False))
    return name, data, key


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    (root / "profile.csv").write_text((CASES / "tabulated" / "profile.csv").read_text())
    previous = root / "results"
    previous.mkdir()
    (previous / "marker.txt").write_text("earlier results")
    return root


@settings(max_examples=520, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated_case())
def test_mutated_case_exits_2_with_one_line_naming_the_key(workspace, case):
    name, data, fragment = case
    text = tomli_w.dumps(data)
    assert json.dumps(tomllib.loads(text), sort_keys=True) == json.dumps(data, sort_keys=True)  # the file says what we mean
    (workspace / "case.toml").write_text(text)
    result = runner.invoke(app, ["run", str(workspace)])
    message = result.stderr.strip()
    assert result.exit_code == 2, (name, data, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert len(message.splitlines()) == 1, message
    assert fragment in message, (fragment, message)
    assert sorted(p.name for p in workspace.iterdir()) == ["case.toml", "profile.csv", "results"]
    assert [p.name for p in (workspace / "results").iterdir()] == ["marker.txt"]
