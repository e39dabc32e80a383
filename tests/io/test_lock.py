"""The case lock: one run per case directory, stale locks taken over, always released."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fpsolver.io.lock import CaseLockedError, case_lock


def test_lock_holds_our_pid_and_is_released(tmp_path):
    with case_lock(tmp_path) as path:
        assert path == tmp_path / ".lock"
        assert path.read_text() == str(os.getpid())
    assert not path.exists()


def test_lock_is_released_when_the_body_raises(tmp_path):
    with pytest.raises(RuntimeError, match="boom"), case_lock(tmp_path):
        raise RuntimeError("boom")
    assert not (tmp_path / ".lock").exists()


def test_live_owner_is_refused_with_its_pid(tmp_path):
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as other:
        try:
            (tmp_path / ".lock").write_text(str(other.pid))
            with pytest.raises(CaseLockedError, match=str(other.pid)), case_lock(tmp_path):
                pass
            assert (tmp_path / ".lock").read_text() == str(other.pid)
        finally:
            other.kill()


@pytest.mark.parametrize("content", ["", "not a pid", None])
def test_stale_or_unreadable_lock_is_taken_over(tmp_path, content):
    if content is None:  # the pid of a process that has exited
        finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
        content = finished.stdout.strip()
    (tmp_path / ".lock").write_text(content)
    with case_lock(tmp_path) as path:
        assert path.read_text() == str(os.getpid())
