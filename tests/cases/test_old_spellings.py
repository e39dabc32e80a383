"""Case files written with old spellings load with a one-line deprecation note and give
the same configuration, digest and checks as the new spellings; ``fpsolver show``
prints the new spelling."""

from __future__ import annotations

import pytest
import tomli_w
from typer.testing import CliRunner

from fpsolver.cases.checks import case_checks
from fpsolver.cases.schema import RENAMED_KEYS, parse_case
from fpsolver.cli import app

CASE = {"temperature": {"profile": "linear", "T0": 1.0, "gradient": 0.3}, "models": {"ito": {}}, "boundary": {"left": "periodic", "right": "periodic"}}
OLD = {table: dict.fromkeys(keys, 3e-9) for table, keys in RENAMED_KEYS.items()}
NEW = {table: {new: 3e-9 for new in keys.values()} for table, keys in RENAMED_KEYS.items()}
METRICS = {"ito": {"l1_pde_vs_exact": 2e-9, "current_relative_error": 1e-12}}


def test_every_old_spelling_loads_with_a_note_and_means_the_same():
    with pytest.warns(FutureWarning, match=r"is now spelled") as notes:
        old = parse_case({**CASE, **OLD})
    assert len(notes) == sum(len(keys) for keys in RENAMED_KEYS.values())
    assert all(len(str(note.message).splitlines()) == 1 for note in notes)
    new = parse_case({**CASE, **NEW})
    assert old.resolved() == new.resolved() and old.digest() == new.digest()
    assert case_checks(old, METRICS) == case_checks(new, METRICS)
    assert [check.limit for check in case_checks(old, METRICS)] == [3e-9, 1e-9]  # each tolerance bounds its own metric


def test_old_and_new_spelling_together_are_refused():
    with pytest.raises(ValueError, match="validation.pde_vs_exact_l1: the old spelling of validation.l1_pde_vs_exact"):
        parse_case({**CASE, "validation": {"pde_vs_exact_l1": 1e-9, "l1_pde_vs_exact": 1e-9}})


def test_show_prints_the_new_spelling(tmp_path):
    (tmp_path / "case.toml").write_text(tomli_w.dumps({**CASE, **OLD}))
    with pytest.warns(FutureWarning):
        result = CliRunner().invoke(app, ["show", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "l1_pde_vs_exact" in result.stdout and "pde_vs_exact_l1" not in result.stdout
