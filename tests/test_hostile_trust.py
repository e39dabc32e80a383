"""What `validate` trusts (issue 24, item 3): stored metrics only when the results folder is
sealed by this user's run; tampered, corrupt or foreign results are recomputed; no checks is
never a pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_helpers import small_case
from typer.testing import CliRunner

from fpsolver.cli import app
from fpsolver.io import seal

runner = CliRunner()


@pytest.fixture()
def ran(tmp_path, monkeypatch):
    """A small case run once, and a counter of the runs validate makes afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    case = small_case(tmp_path / "case")
    assert runner.invoke(app, ["run", str(case), "--quiet"]).exit_code == 0
    import fpsolver.cases.run as run_module

    calls = []
    original = run_module.run_case_directory

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(run_module, "run_case_directory", counted)
    return case, calls


def _validate(case: Path):
    result = runner.invoke(app, ["validate", str(case)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _edit_metrics(case: Path, edit) -> None:
    path = case / "results" / "metrics.json"
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))


def test_validate_trusts_only_results_sealed_by_this_users_run(ran, tmp_path, monkeypatch):
    case, calls = ran
    assert seal.verify(case / "results")
    assert _validate(case).exit_code == 0 and calls == []  # sealed: reused

    def zero_and_fail(document):
        document["metrics"]["ito"]["l1_pde_vs_exact"] = 0.0

    # every tampering is detected and the case recomputed; the recomputed run passes on its own merit
    tamperings = [
        lambda: _edit_metrics(case, zero_and_fail),
        lambda: _edit_metrics(case, lambda d: d.update(metrics={})),
        lambda: (case / "results" / "metrics.json").write_text("{not json"),
        lambda: (case / "results" / "metrics.json").write_bytes(b"\xff\x00"),
        lambda: (case / "results" / "seal.json").write_text("[]"),
        lambda: (case / "results" / "seal.json").unlink(),
        lambda: (case / "results" / "extra.txt").write_text("x"),
        lambda: (case / "results" / "steady.csv").write_text("model,x\n"),
    ]
    for number, tamper in enumerate(tamperings, start=1):
        tamper()
        assert not seal.verify(case / "results")
        assert _validate(case).exit_code == 0 and len(calls) == number, number
        assert seal.verify(case / "results")
    # a results folder sealed with another user's key (a copied case) is not trusted either
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    assert not seal.verify(case / "results")
    assert _validate(case).exit_code == 0 and len(calls) == len(tamperings) + 1


def test_validate_with_no_checks_is_never_a_pass(ran, monkeypatch):
    case, _ = ran
    monkeypatch.setattr("fpsolver.cases.validate_case", lambda *args, **kwargs: [])
    result = _validate(case)
    assert result.exit_code == 1 and "no checks" in result.stderr


def test_a_failing_stored_check_fails_and_a_zeroed_one_is_recomputed(ran):
    case, calls = ran
    (case / "case.toml").write_text((case / "case.toml").read_text() + "\n[validation]\nl1_pde_vs_exact = 1e-300\n")
    assert _validate(case).exit_code == 1 and calls == []
    _edit_metrics(case, lambda d: d["metrics"]["ito"].update(l1_pde_vs_exact=0.0))
    assert _validate(case).exit_code == 1 and len(calls) == 1  # not the forged 0: recomputed, and fails
