"""The library entry points of the case application: run_case_directory and validate_case."""

from __future__ import annotations

import json
import os

import pytest
from cli_helpers import copy_case

from fpsolver.cases import CaseError, run_case_directory, validate_case
from fpsolver.io.lock import case_lock


def _small_case(tmp_path):
    return copy_case("exponential", tmp_path)


def test_run_case_directory_writes_results_and_returns_checks(tmp_path):
    case = _small_case(tmp_path)
    outcome = run_case_directory(case, fast=True, only=frozenset({"pde"}))
    assert outcome.target == case / "results"
    stored = json.loads((outcome.target / "metrics.json").read_text())
    assert stored["metrics"] == outcome.results.metrics
    assert [c["metric"] for c in stored["checks"]] == [c.metric for c in outcome.checks]
    assert all(check.passed for check in outcome.checks)
    assert not (case / ".checkpoint").exists()
    # the PDE is exact at the nodes: every model's L1 to the exact density is round-off
    assert max(values["l1_pde_vs_exact"] for values in outcome.results.metrics.values()) < 1e-12


def test_validate_case_reuses_stored_results_of_the_same_configuration(tmp_path, monkeypatch):
    case = _small_case(tmp_path)
    first = run_case_directory(case, fast=True)
    stamp = (case / "results" / "metrics.json").stat().st_mtime_ns

    def refuse(*args, **kwargs):
        raise AssertionError("validate_case ran the case although results of its configuration exist")

    monkeypatch.setattr("fpsolver.cases.run.run_case_directory", refuse)
    checks = validate_case(case, fast=True)
    assert sorted((c.subject, c.metric, c.value) for c in checks) == sorted((c.subject, c.metric, c.value) for c in first.checks)
    assert (case / "results" / "metrics.json").stat().st_mtime_ns == stamp


def test_validate_case_applies_current_tolerances_to_stored_metrics(tmp_path):
    case = _small_case(tmp_path)
    run_case_directory(case, fast=True, only=frozenset({"pde"}))
    (case / "case.toml").write_text((case / "case.toml").read_text() + "\n[validation]\nl1_pde_vs_exact = 1e-30\n")
    checks = validate_case(case, fast=True)
    failing = {(c.subject, c.metric) for c in checks if not c.passed}
    assert failing and all(metric == "l1_pde_vs_exact" for _, metric in failing)


def test_run_case_directory_refuses_a_locked_case_before_computing(tmp_path):
    case = _small_case(tmp_path)
    with case_lock(case), pytest.raises(CaseError, match=f"being run by process {os.getpid()}"):
        run_case_directory(case, fast=True, only=frozenset({"pde"}))
    assert not (case / "results").exists()


def test_run_case_directory_names_the_bad_key(tmp_path):
    case = _small_case(tmp_path)
    (case / "case.toml").write_text((case / "case.toml").read_text().replace("[temperature]", "[temperature]\nbogus = 1", 1))
    with pytest.raises(CaseError, match="bogus"):
        run_case_directory(case, fast=True)


@pytest.mark.parametrize("path", ["results", ".checkpoint"])
def test_an_unusable_output_path_is_reported_before_computing(tmp_path, monkeypatch, path):
    case = _small_case(tmp_path)
    (case / path).write_text("in the way")
    monkeypatch.setattr("fpsolver.cases.run.run_case", lambda *a, **k: pytest.fail("computed although the output path is unusable"))
    with pytest.raises(CaseError, match=f"{path} is not a directory"):
        run_case_directory(case, fast=True)
    assert (case / path).read_text() == "in the way"
