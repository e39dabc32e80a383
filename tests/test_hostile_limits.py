"""Sizes a user controls are estimated and refused before any allocation (issue 24, item 5):
one line, exit 2, nothing written, within seconds."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from hostile_helpers import SMALL, small_case, tree
from typer.testing import CliRunner

from fpsolver.cli import app

runner = CliRunner()


def _refused(arguments: list[str], fragment: str, case) -> None:
    before = tree(case)
    started = time.perf_counter()
    result = runner.invoke(app, arguments)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and fragment in message, message
    assert tree(case) == before
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["sweep", "{case}", "--set", "temperature.T0=0:1:1000000"], "1e+06 points"),
        (["sweep", "{case}", "--set", "temperature.T0=0:1:1000", "--set", "temperature.gradient=0:1:1000"], "1e+06 points"),
        (["run", "{case}", "--workers", "1000000"], "--workers 1000000: at most"),
        (["sweep", "{case}", "--set", "temperature.T0=1,2", "--workers", "1000000"], "--workers 1000000: at most"),
    ],
)
def test_command_line_sizes_are_refused_with_their_estimate(tmp_path, extra, fragment):
    case = small_case(tmp_path / "case")
    _refused([part.replace("{case}", str(case)) for part in extra], fragment, case)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"ensemble": {"chunk_size": 10**9, "n_particles": 1000}}, "GiB of memory"),
        ({"ensemble": {"chunk_size": 10**9}}, "GiB of memory"),
        ({"title": "t" * 5000}, "title"),
        ({"ensemble": {"mass": 1e-300, "n_particles": 1000}}, "'mass': M = 1e-300"),
        ({"ensemble": {"mass": 1e-12, "n_particles": 1000}}, "domain lengths"),
    ],
)
def test_case_sizes_are_refused_with_their_estimate(tmp_path, changes, fragment):
    import tomli_w

    case = small_case(tmp_path / "case")
    (case / "case.toml").write_text(tomli_w.dumps({**SMALL, **changes}))
    _refused(["run", str(case), "--quiet"], fragment, case)


def test_a_port_that_is_no_dask_scheduler_is_a_one_line_error(tmp_path):
    """A server that answers with garbage (a huge frame length) instead of Dask's protocol."""
    pytest.importorskip("distributed")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]

    def answer() -> None:
        server.settimeout(30)
        try:
            while True:
                connection, _ = server.accept()
                connection.sendall(b"\xff" * 64)
                time.sleep(0.5)
                connection.close()
        except OSError:
            return

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        case = small_case(tmp_path / "case")
        _refused(["run", str(case), "--quiet", "--scheduler", f"tcp://127.0.0.1:{port}"], "--scheduler", case)
    finally:
        server.close()
        thread.join(timeout=5)


def test_infer_bins_are_bounded(tmp_path):
    from cli_helpers import copy_case

    case = copy_case("fit-synthetic", tmp_path)
    _refused(["infer", str(case), "--trajectories", str(case / "trajectories.npz"), "--bins", "1000000000"], "--bins 1000000000: at most 100000", case)
