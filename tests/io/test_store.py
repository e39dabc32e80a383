"""Result storage: the atomic swap of a results directory and the checkpoint store."""

from __future__ import annotations

import numpy as np
import pytest

from fpsolver.io.atomic import atomic_directory, recover
from fpsolver.io.checkpoint import CheckpointStore


def test_atomic_directory_replaces_the_target_on_success(tmp_path):
    target = tmp_path / "results"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with atomic_directory(target) as staging:
        assert staging.parent == tmp_path and staging != target
        (staging / "new.txt").write_text("new")
        assert (target / "old.txt").exists()  # untouched while writing
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_atomic_directory_keeps_the_old_results_when_writing_fails(tmp_path):
    target = tmp_path / "results"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_directory(target) as staging:
        (staging / "half.txt").write_text("half")
        raise KeyboardInterrupt
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_recover_restores_results_left_aside_between_the_two_renames(tmp_path):
    target = tmp_path / "results"
    previous = tmp_path / ".results-previous"
    previous.mkdir()
    (previous / "old.txt").write_text("old")
    recover(target)
    assert (target / "old.txt").read_text() == "old" and not previous.exists()


def test_checkpoints_round_trip_and_survive_a_resume(tmp_path):
    arrays = {"P": np.linspace(0.0, 1.0, 7), "step": np.array(3)}
    store = CheckpointStore(tmp_path / ".checkpoint", "abc", resume=False)
    assert store.load("transient") is None
    store.save("transient", arrays)
    resumed = CheckpointStore(tmp_path / ".checkpoint", "abc", resume=True).load("transient")
    assert resumed.keys() == arrays.keys()
    for name in arrays:
        np.testing.assert_array_equal(resumed[name], arrays[name])
    assert not list((tmp_path / ".checkpoint").glob(".*.tmp"))


@pytest.mark.parametrize(("digest", "resume"), [("other configuration", True), ("abc", False)])
def test_checkpoints_of_another_configuration_or_a_fresh_run_are_dropped(tmp_path, digest, resume):
    CheckpointStore(tmp_path / ".checkpoint", "abc", resume=False).save("transient", {"P": np.ones(3)})
    assert CheckpointStore(tmp_path / ".checkpoint", digest, resume=resume).load("transient") is None


def test_clear_removes_the_store(tmp_path):
    store = CheckpointStore(tmp_path / ".checkpoint", "abc", resume=False)
    store.save("x", {"a": np.zeros(2)})
    store.clear()
    assert not (tmp_path / ".checkpoint").exists()
