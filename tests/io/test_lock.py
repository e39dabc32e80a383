"""The case lock: one run per case directory, released however its holder ends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from fpsolver.io.lock import CaseLockedError, case_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from fpsolver.io.lock import case_lock
    with case_lock(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(60)
    """
)

# Many processes take and release one lock with random delays injected between every
# step of taking it (open, flock, the same-file check) and of releasing it (unlink,
# close); each logs enter/leave with O_APPEND. Overlapping holders would interleave.
CONTENDER = textwrap.dedent(
    """
    import fcntl, os, random, sys, time
    from pathlib import Path
    import fpsolver.io.lock as lock
    random.seed(int(sys.argv[2]))
    def slow(function):
        def delayed(*args, **kwargs):
            time.sleep(random.uniform(0.0, 0.002))
            return function(*args, **kwargs)
        return delayed
    lock.fcntl = type("F", (), {"flock": staticmethod(slow(fcntl.flock)), "LOCK_EX": fcntl.LOCK_EX, "LOCK_NB": fcntl.LOCK_NB})
    lock._same_file = slow(lock._same_file)
    lock.os = type("O", (), {name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    lock.os.open, lock.os.close = slow(os.open), slow(os.close)
    Path.unlink = slow(Path.unlink)
    log = os.open(sys.argv[3], os.O_WRONLY | os.O_APPEND)
    held = 0
    for _ in range(60):
        try:
            with lock.case_lock(sys.argv[1]):
                os.write(log, f"enter {os.getpid()}\\n".encode())
                time.sleep(random.uniform(0.0, 0.002))
                os.write(log, f"leave {os.getpid()}\\n".encode())
                held += 1
        except lock.CaseLockedError:
            time.sleep(random.uniform(0.0, 0.001))
    print(held)
    """
)


def test_lock_holds_our_pid_and_is_released(tmp_path):
    with case_lock(tmp_path) as path:
        assert path == tmp_path / ".lock"
        assert path.read_text() == str(os.getpid())
    assert not path.exists()


def test_lock_is_released_when_the_body_raises(tmp_path):
    with pytest.raises(RuntimeError, match="boom"), case_lock(tmp_path):
        raise RuntimeError("boom")
    assert not (tmp_path / ".lock").exists()


def test_a_second_holder_in_this_process_is_refused(tmp_path):
    with case_lock(tmp_path), pytest.raises(CaseLockedError, match=f"process {os.getpid()}"), case_lock(tmp_path):
        pass


def test_live_owner_is_refused_and_a_killed_one_releases(tmp_path):
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True) as other:
        try:
            assert other.stdout.readline().strip() == "locked"
            with pytest.raises(CaseLockedError, match=f"being run by process {other.pid}"), case_lock(tmp_path):
                pass
        finally:
            other.kill()
            other.wait()
    assert (tmp_path / ".lock").exists()  # killed with -9: its file stays, its lock does not
    with case_lock(tmp_path) as path:
        assert path.read_text() == str(os.getpid())


@pytest.mark.parametrize("content", ["", "not a pid", "99999999"])
def test_a_leftover_lock_file_does_not_block(tmp_path, content):
    (tmp_path / ".lock").write_text(content)
    with case_lock(tmp_path) as path:
        assert path.read_text() == str(os.getpid())


def test_an_unusable_lock_path_is_reported(tmp_path):
    (tmp_path / ".lock").mkdir()
    with pytest.raises(CaseLockedError, match="is a directory"), case_lock(tmp_path):
        pass
    (tmp_path / ".lock").rmdir()
    (tmp_path / ".lock").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(CaseLockedError, match="cannot use the lock file"), case_lock(tmp_path):
        pass


def test_holders_never_overlap_under_injected_delays(tmp_path):
    log = tmp_path / "log"
    log.touch()
    case = tmp_path / "case"
    case.mkdir()
    processes = [subprocess.Popen([sys.executable, "-c", CONTENDER, str(case), str(seed), str(log)], stdout=subprocess.PIPE, text=True) for seed in range(4)]
    held = [int(p.communicate(timeout=120)[0]) for p in processes]
    events = [line.split() for line in log.read_text().splitlines()]
    assert len(events) == 2 * sum(held) and sum(held) > 20 and all(held)
    for (enter, who), (leave, same) in zip(events[0::2], events[1::2]):
        assert (enter, leave) == ("enter", "leave") and who == same, "two processes held the case at once"
