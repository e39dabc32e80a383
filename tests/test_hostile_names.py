"""Hostile input, round two (issue 24): user-given names that would climb out of their folder
(item 2) and sweep keys given twice or a sweeps folder in the way (items 6, 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import copy_case
from hostile_helpers import small_case, tree
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fpsolver.cli import app
from fpsolver.io.atomic import StoreError, atomic_directory, check_target
from fpsolver.io.names import MAX_NAME, check_name, safe_name

runner = CliRunner()


BAD_NAMES = [".", "..", "../results", "../../victim", "/tmp/abs", "a/b", "x" * 300, "", " ", "-x", ".hidden", "a\x00b", "a b", "é", "fits/../..", "a..b"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_check_name_refuses_everything_but_one_safe_component(name):
    with pytest.raises(ValueError, match="--name: a name is one folder name") as caught:
        check_name(name, "--name")
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 400


@pytest.mark.parametrize("name", ["profile", "run-2", "fit_1.v2", "a+b", "X" * MAX_NAME])
def test_check_name_accepts_safe_names(name):
    assert check_name(name, "--name") == name


def test_safe_name_of_any_text_is_a_safe_distinct_name():
    long_a, long_b = "k" * 500 + "a", "k" * 500 + "b"
    names = [safe_name(text) for text in ("../x", "..", "a b/c", long_a, long_b, "", "é")]
    assert all(check_name(name, "n") == name for name in names)
    assert safe_name(long_a) != safe_name(long_b) and len(safe_name(long_a)) == MAX_NAME


@pytest.mark.parametrize("relative", ["fits/..", "fits/../..", "x/../../y/.."])
def test_the_atomic_store_refuses_a_target_that_is_not_one_safe_folder(tmp_path, relative):
    (tmp_path / "fits").mkdir()
    before = tree(tmp_path)
    with pytest.raises(StoreError, match="a name is one folder name"), atomic_directory(tmp_path / relative):
        pass
    assert tree(tmp_path) == before


def test_fit_names_are_checked_before_anything_is_computed_and_earlier_fits_survive(tmp_path, monkeypatch):
    """--name . / .. / ../results / ../../victim / absolute: exit 2, one line naming --name,
    nothing written or removed (an earlier fit, the results and a directory outside the case)."""
    case = copy_case("fit-synthetic", tmp_path)
    (case / "fits" / "earlier").mkdir(parents=True)
    (case / "fits" / "earlier" / "fit.json").write_text("{}")
    (case / "results").mkdir()
    (case / "results" / "metrics.json").write_text("{}")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious").write_text("keep")
    before = tree(tmp_path)

    def opened(*args):
        raise AssertionError("the case was opened before --name was checked")

    monkeypatch.setattr("fpsolver.cases.fit._open", opened)
    for name in [".", "..", "../results", "../../victim", str(victim), "x" * 300, "a/b"]:
        for command in (("fit", case, "--data", case / "profile_counts.csv"), ("infer", case, "--trajectories", case / "trajectories.npz")):
            result = runner.invoke(app, [*map(str, command), "--free", "models.gclm1.kappa", "--name", name])
            assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit), (name, result.output)
            assert "--name" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert tree(tmp_path) == before


def test_sweeps_refuse_a_key_given_twice_and_a_sweeps_file_in_the_way(tmp_path):
    case = small_case(tmp_path / "case")
    twice = runner.invoke(app, ["sweep", str(case), "--set", "temperature.T0=1,2", "--set", "temperature.T0=3:4:2", "--quiet"])
    assert twice.exit_code == 2 and "temperature.T0: the key is given 2 times" in twice.stderr
    (case / "sweeps").write_text("not a folder")
    blocked = runner.invoke(app, ["sweep", str(case), "--set", "temperature.T0=1,2", "--quiet"])
    assert blocked.exit_code == 2 and "is not a directory" in blocked.stderr and blocked.exception is None or isinstance(blocked.exception, SystemExit)
    assert sorted(p.name for p in case.iterdir()) == ["case.toml", "sweeps"]


def test_check_target_refuses_before_writing(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is not a directory"):
        check_target(tmp_path / "file" / "results")


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.text(max_size=140), st.text(alphabet="./\\~-_ab\x00é+", max_size=12), st.sampled_from([".", "..", "../x", "/etc", "a/../b", "x" * 129])))
def test_drawn_names_are_one_folder_below_their_parent_or_refused(name):
    """500 drawn names: check_name accepts a name only when it is one path component that stays
    below its parent (no separator, not '.', '..', not hidden); else one line naming --name.
    safe_name of any text is always accepted."""
    try:
        accepted = check_name(name, "--name")
    except ValueError as exc:
        assert str(exc).startswith("--name:") and "\n" not in str(exc)
    else:
        parent = Path("/case/fits")
        assert (parent / accepted).parent == parent and accepted not in (".", "..") and not accepted.startswith(".")
        assert "/" not in accepted and "\\" not in accepted and "\x00" not in accepted and len(accepted) <= MAX_NAME
    assert check_name(safe_name(name), "--name")
