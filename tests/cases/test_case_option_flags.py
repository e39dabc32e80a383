"""The case workflow flags gCLm-II's constant friction with nonlocal temperature: a
warning and a metric row with its non-flat uniform-temperature state."""

from __future__ import annotations

from pathlib import Path

import pytest

from fpsolver.cases.build import build_case
from fpsolver.cases.run import run_case
from fpsolver.cases.schema import parse_case

CASE = {
    "mesh": {"cells": 60},
    "temperature": {"profile": "exponential", "T0": 1.0, "length": 1.0},
    "models": {"flagged": {"model": "gclm2", "sigma": 0.25, "friction": "constant"}, "consistent": {"model": "gclm2", "sigma": 0.25, "friction": "constant", "temperature": "local"}},
    "ensemble": {"enabled": False},
}


def test_flagged_model_warns_and_reports_its_uniform_temperature_state():
    case = build_case(Path("."), parse_case(CASE))
    with pytest.warns(UserWarning, match="models.flagged: .*fluctuation-dissipation"):
        results = run_case(case)
    assert results.metrics["flagged"]["uniform_T_l1_to_flat"] > 0.1
    assert "uniform_T_l1_to_flat" not in results.metrics["consistent"]
