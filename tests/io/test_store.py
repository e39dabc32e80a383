"""Result storage: the atomic swap of a results directory and the checkpoint store."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fpsolver.io.atomic import StoreError, atomic_directory, recover
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


# A child writes a new set of 3 files over an old one and is killed (os._exit) at step
# STEP of the swap; MODE "exchange" uses renameat2, "fallback" the two renames.
SWAPPER = textwrap.dedent(
    """
    import os, shutil, sys
    import fpsolver.io.atomic as atomic
    target, mode, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = [0]
    def killer(function):
        def call(*args, **kwargs):
            count[0] += 1
            if count[0] == step:
                os._exit(9)
            return function(*args, **kwargs)
        return call
    if mode == "fallback":
        atomic.exchange = lambda a, b: False
    else:
        atomic.exchange = killer(atomic.exchange)
    atomic.os.replace = killer(os.replace)
    atomic.shutil.rmtree = killer(shutil.rmtree)
    with atomic.atomic_directory(target) as staging:
        for name in "abc":
            (staging / name).write_text("new")
    """
)


def _complete_set(target) -> str:
    contents = {path.name: path.read_text() for path in target.iterdir()}
    assert sorted(contents) == ["a", "b", "c"] and len(set(contents.values())) == 1, contents
    return next(iter(contents.values()))


@pytest.mark.parametrize("mode", ["exchange", "fallback"])
@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_kill_at_any_step_of_the_swap_leaves_a_complete_set(tmp_path, mode, step):
    target = tmp_path / "results"
    target.mkdir()
    for name in "abc":
        (target / name).write_text("old")
    child = subprocess.run([sys.executable, "-c", SWAPPER, str(target), mode, str(step)], capture_output=True, text=True)
    assert child.returncode in (0, 9), child.stderr
    if target.exists():
        before = _complete_set(target)
    else:  # only between the two renames of the fallback: the next start restores it
        assert mode == "fallback" and child.returncode == 9
        recover(target)
        before = _complete_set(target)
    assert before in ("old", "new")
    with atomic_directory(target) as staging:  # the next run cleans up and swaps
        for name in "abc":
            (staging / name).write_text("next")
    assert _complete_set(target) == "next"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


@pytest.mark.parametrize("obstacle", ["file", "symlink", "read-only"])
def test_an_unusable_target_is_refused_before_anything_is_written(tmp_path, obstacle):
    target = tmp_path / "results"
    if obstacle == "file":
        target.write_text("not a directory")
    elif obstacle == "symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        target.mkdir()
        target.chmod(0o500)
    if obstacle == "read-only" and os.access(target, os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    with pytest.raises(StoreError, match=str(target)), atomic_directory(target):
        pytest.fail("the body ran")
    assert not list(tmp_path.glob(".results-staging-*"))
