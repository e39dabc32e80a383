"""Absorbing walls through every stage of a case: the PDE transient and the Langevin
ensemble from the same start absorb alike; moments are conditioned on survival, the
survival probability and the mean exit time are compared on their own; walls a stage
cannot honour are refused naming the key."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from typer.testing import CliRunner

from fpsolver.analysis.metrics import conditional_moments, transient_agreement, truncated_mean_exit_time
from fpsolver.cases.build import build_case
from fpsolver.cases.checks import fokker_planck_checks
from fpsolver.cases.run import run_case, transient_ensemble
from fpsolver.cases.schema import parse_case
from fpsolver.cases.walls import Walls
from fpsolver.cli import app

#: the case of the issue that reported the reflected particles (fpsolver issue 21)
CASE = {
    "title": "absorbing transient",
    "domain": {"x_min": -1.0, "x_max": 1.0},
    "mesh": {"kind": "uniform", "cells": 60},
    "temperature": {"profile": "exponential", "T0": 1.0, "length": 1.0},
    "boundary": {"left": "absorbing", "right": "absorbing"},
    "models": {"ito": {"eta": 1.0}},
    "pde": {"steady": False, "transient": True, "t_end": 0.5, "snapshots": 5},
    "ensemble": {"n_particles": 4096},
}


@pytest.fixture(scope="module")
def results():
    return run_case(build_case(Path("."), parse_case(CASE)))


def test_absorbing_transient_case_passes_every_check(results):
    metrics = results.metrics["ito"]
    checks = fokker_planck_checks(parse_case(CASE), results.metrics)
    names = {check.metric for check in checks}
    assert {"transient_mean_max_z", "transient_variance_max_z", "transient_survival_max_z", "exit_time_z"} <= names
    assert all(check.passed for check in checks), [(c.metric, c.value) for c in checks]
    # about half the probability has left by t_end, so the survival check has something to test
    assert 0.2 < metrics["final_mass"] < 0.8
    ensemble = results.transient_ensembles["ito"]
    assert ensemble.alive[-1] < ensemble.n_particles and np.all(np.abs(ensemble.exit_side[np.isfinite(ensemble.exit_time)]) == 1)
    assert any("no steady state" in note for note in results.notes)


def test_reflected_particles_fail_against_the_absorbing_pde(results):
    """The defect of the issue, as a control: particles reflected while the PDE absorbs."""
    config = parse_case(CASE)
    case = build_case(Path("."), config)
    reflecting = Walls.of(parse_case({key: value for key, value in CASE.items() if key != "boundary"} | {"pde": CASE["pde"]}))
    wrong = transient_ensemble(case, case.models["ito"], walls=reflecting).run()
    metrics = transient_agreement(results.transient["ito"], wrong)
    assert "transient_survival_max_z" not in metrics  # no particle left: nothing to compare it with
    assert max(metrics["transient_mean_max_z"], metrics["transient_variance_max_z"]) > 10.0


def test_pde_moments_are_conditioned_on_the_remaining_mass(results):
    solution = results.transient["ito"]
    survival, mean, variance = conditional_moments(solution.P, solution.x, solution.volumes)
    assert np.allclose(survival, np.interp(solution.snapshot_times, solution.t, solution.mass), rtol=1e-12)
    assert np.allclose(mean, np.interp(solution.snapshot_times, solution.t, solution.mean), rtol=1e-10, atol=1e-12)
    assert np.allclose(variance, np.interp(solution.snapshot_times, solution.t, solution.variance), rtol=1e-10)


def test_truncated_mean_exit_time_of_an_exponential_survival():
    """S = exp(-t/tau): E[t | t <= T] = tau - T exp(-T/tau) / (1 - exp(-T/tau))."""
    tau, T = 0.7, 1.3
    t = np.linspace(0.0, T, 20001)
    expected = tau - T * np.exp(-T / tau) / (1.0 - np.exp(-T / tau))
    assert truncated_mean_exit_time(t, np.exp(-t / tau)) == pytest.approx(expected, rel=1e-7)


def test_mixed_walls_are_refused_by_the_langevin_stages_naming_the_key(tmp_path):
    (tmp_path / "case.toml").write_text(tomli_w.dumps(copy.deepcopy(CASE) | {"boundary": {"left": "absorbing", "right": "reflecting"}}))
    result = CliRunner().invoke(app, ["run", str(tmp_path)])
    message = result.stderr.strip()
    assert result.exit_code == 2, result.output
    assert len(message.splitlines()) == 1 and "boundary.left" in message and "one wall kind per axis" in message, message
    assert not (tmp_path / "results").exists()
