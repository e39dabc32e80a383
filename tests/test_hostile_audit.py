"""No file is opened outside the case on its behalf (issue 24): an audit hook
(``sys.addaudithook``) on ``open`` events is active while cases are read, meshed, solved
and written, and records every path outside the case directory, the temporary directory,
the installed packages (and this checkout), the numba and matplotlib caches and fpsolver's
seal key. Hostile cases (data paths, links and .geo files reaching out) are refused with
nothing opened outside; ordinary runs open nothing outside either."""

from __future__ import annotations

import os
import site
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import tomli_w
from cli_helpers import CASES, ROOT
from hostile_helpers import SMALL
from typer.testing import CliRunner

from fpsolver.cli import app
from fpsolver.io.seal import key_path

runner = CliRunner()
_WATCH: dict[str, object] = {"active": False, "outside": [], "allowed": ()}


def _hook(event: str, arguments: tuple) -> None:
    if event != "open" or not _WATCH["active"]:
        return
    path = arguments[0]
    if isinstance(path, int):
        return  # an already open descriptor
    text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path)
    resolved = os.path.realpath(os.path.abspath(text))
    if not resolved.startswith(_WATCH["allowed"]):  # type: ignore[arg-type]
        _WATCH["outside"].append(resolved)  # type: ignore[union-attr]


sys.addaudithook(_hook)


def _allowed(case: Path) -> tuple[str, ...]:
    home = Path.home()
    places = [
        case,
        Path(tempfile.gettempdir()),
        Path(sys.prefix),
        Path(sys.base_prefix),
        *map(Path, site.getsitepackages()),
        Path(sysconfig.get_paths()["purelib"]),
        ROOT / "fpsolver",  # the checkout's package, its __pycache__ and numba cache
        Path(os.environ.get("NUMBA_CACHE_DIR", ROOT / "fpsolver")),
        key_path().parent,
        home / ".cache" / "matplotlib",
        home / ".config" / "matplotlib",
        Path("/dev/null"),
        Path("/dev/urandom"),
        Path("/proc"),  # the machine's description (CPUs, memory), read by numba and the BLAS
        Path("/sys"),
        Path("/usr/share/fonts"),
        Path("/etc/localtime"),
    ]
    return tuple(str(Path(os.path.realpath(place))) for place in places)


@contextmanager
def opens_outside(case: Path) -> Iterator[list[str]]:
    """The paths opened outside the allowed places while the block runs."""
    _WATCH.update(active=True, outside=[], allowed=_allowed(case))
    try:
        yield _WATCH["outside"]  # type: ignore[misc]
    finally:
        _WATCH["active"] = False


def _write_case(directory: Path, data: dict, files: dict[str, str] | None = None) -> Path:
    directory.mkdir()
    (directory / "case.toml").write_text(tomli_w.dumps(data))
    for name, text in (files or {}).items():
        (directory / name).write_text(text)
    return directory


CSV = "x,T\n" + "".join(f"{-1 + 0.1 * i:.3f},{1.5 + 0.1 * i:.3f}\n" for i in range(21))
TABULATED = {**SMALL, "temperature": {"profile": "tabulated", "file": "profile.csv"}}
GMSH = {
    "mesh": {"kind": "gmsh", "geometry": "box.geo"},
    "temperature": {"profile": "formula", "expression": "1 + 0.1*x"},
    "models": {"ito": {}},
    "pde": {"transient": False},
    "ensemble": {"enabled": False},
}


@pytest.mark.parametrize(
    ("data", "files", "commands"),
    [
        (SMALL, {}, [["run", "{case}", "--quiet"], ["validate", "{case}"], ["sweep", "{case}", "--set", "temperature.T0=1,2", "--quiet"]]),
        (TABULATED, {"profile.csv": CSV}, [["run", "{case}", "--quiet"]]),
        (GMSH, {"box.geo": (CASES / "obstacle-box" / "box.geo").read_text()}, [["run", "{case}", "--quiet"]]),
    ],
    ids=["line", "tabulated", "gmsh"],
)
def test_ordinary_runs_open_nothing_outside_the_case(tmp_path, data, files, commands):
    case = _write_case(tmp_path / "case", data, files)
    for command in commands:
        with opens_outside(case) as outside:
            result = runner.invoke(app, [part.replace("{case}", str(case)) for part in command])
        assert result.exit_code == 0, result.output
        assert not outside, (command, sorted(set(outside))[:10])


def _link_out(case: Path) -> None:
    (case / "link.csv").symlink_to("/etc/passwd")


@pytest.mark.parametrize(
    ("data", "files", "setup"),
    [
        ({**TABULATED, "temperature": {"profile": "tabulated", "file": "/etc/passwd"}}, {}, None),
        ({**TABULATED, "temperature": {"profile": "tabulated", "file": "../../../../etc/passwd"}}, {}, None),
        ({**TABULATED, "temperature": {"profile": "tabulated", "file": "link.csv"}}, {}, _link_out),
        ({**GMSH, "mesh": {"kind": "gmsh", "geometry": "../evil.geo"}}, {}, None),
        (GMSH, {"box.geo": 'Include "/etc/passwd";\n'}, None),
        (GMSH, {"box.geo": 'Merge "/etc/hosts";\n'}, None),
        (GMSH, {"box.geo": 'h = 0.1;\nPrintf("x") > "/home/leak.txt";\n'}, None),
    ],
    ids=["absolute", "dotdot", "link", "geo-outside", "geo-include", "geo-merge", "geo-printf"],
)
def test_hostile_cases_are_refused_without_opening_anything_outside(tmp_path, data, files, setup):
    case = _write_case(tmp_path / "case", data, files)
    if setup is not None:
        setup(case)
    with opens_outside(case) as outside:
        result = runner.invoke(app, ["run", str(case), "--quiet"])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output
    assert not outside, sorted(set(outside))[:10]
    assert not (case / "results").exists()


def test_the_hook_sees_an_open_outside(tmp_path):
    """The watch itself: opening /etc/hostname (or any file outside) inside the block is recorded,
    through open() and os.open alike; opening a case file is not."""
    case = _write_case(tmp_path / "case", SMALL)
    outside_file = next(path for path in ("/etc/hostname", "/etc/passwd", "/etc/os-release") if Path(path).is_file())
    with opens_outside(case) as outside:
        (case / "case.toml").read_text()
        Path(outside_file).read_bytes()
        os.close(os.open(outside_file, os.O_RDONLY))
    assert outside == [os.path.realpath(outside_file)] * 2
