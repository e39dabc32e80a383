"""Hostile and careless inputs run through the command line in ONE process (used by
test_hostile_inputs.py, which starts this module as a subprocess).

The process limits its address space (RLIMIT_AS) and gives every input an alarm, then
runs each input in-process with typer's CliRunner in a fresh case directory and records:
the exit code, whether a traceback escaped (an exception other than SystemExit), the
error line, whether files were written for a refused input, and whether the input ran
past its timeout. Table-driven inputs cover the nine classes of issue 12; a
hypothesis-driven part draws formulas, numbers and file names. The report is one JSON
object on stdout: {"results": [...]}, one record per input.

Usage: python hostile_worker.py [--fast] [--examples N] [--limit-gib G] [--timeout S] [--classes A,B]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import fcntl
import json
import math
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

CLASSES = ("stale", "outside", "physics", "names", "swap", "lock", "resources", "tracebacks", "messages", "geo", "outnames", "trust", "limits")
BASE = {
    "title": "hostile",
    "domain": {"x_min": -1.0, "x_max": 1.0},
    "mesh": {"cells": 20},
    "temperature": {"profile": "linear", "T0": 1.5, "gradient": 0.5},
    "models": {"ito": {}},
    "pde": {"transient": False},
    "ensemble": {"enabled": False},
}
QME = {"kind": "qme", "system": {"kind": "dot", "eps": 0.5, "T_L": 1.2, "T_R": 0.8, "mu_L": 0.1, "mu_R": -0.1}}
CSV = "x,T\n" + "".join(f"{-1 + 0.1 * i:.6g},{1.5 + 0.2 * math.sin(-1 + 0.1 * i):.8g}\n" for i in range(21))
RUN = ("run", "{case}", "--quiet", "--only", "pde")
SECRET = "root:"  # the first field of /etc/passwd: must never appear in a message


@dataclass
class Input:
    """One hostile input: a case (TOML data or raw bytes), extra files, the command, and what must happen."""

    ident: str
    cls: str
    data: dict | None = None
    raw: bytes | None = None
    files: dict[str, str | bytes] = field(default_factory=dict)
    args: tuple[str, ...] = RUN
    expect: tuple[int, ...] = (2,)
    fragment: str = ""
    setup: Callable[[Path], object] | None = None
    check: Callable[[Path, object, int], str | None] | None = None
    fast: bool = True


def case(**changes: object) -> dict:
    """BASE with dotted keys replaced (None deletes the key)."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        table = data
        *parents, leaf = key.split(".")
        for parent in parents:
            table = table.setdefault(parent, {})
        if value is None:
            table.pop(leaf, None)
        else:
            table[leaf] = value
    return data


def qme(**changes: object) -> dict:
    data = copy.deepcopy(QME)
    for key, value in changes.items():
        table = data
        *parents, leaf = key.split(".")
        for parent in parents:
            table = table.setdefault(parent, {})
        table[leaf] = value
    return data


def tabulated(**changes: object) -> dict:
    return case(**{"temperature": {"profile": "tabulated", "file": "profile.csv"}, **changes})


# ----------------------------------------------------------------------------- the table


def stale_inputs() -> list[Input]:
    """Class 1: a data file edited between two sweeps is read again (the digest covers its bytes)."""
    edits = {
        "one-value": lambda text: text.replace("1.5,", "1.7,", 1) if "1.5," in text else text.replace("\n0,", "\n0,9", 1),
        "scaled": lambda text: "x,T\n" + "".join(f"{line.split(',')[0]},{2 * float(line.split(',')[1]):.8g}\n" for line in text.splitlines()[1:]),
        "added-row": lambda text: text + "1.05,1.6\n",
        "reordered": lambda text: "x,T\n" + "".join(f"{line}\n" for line in reversed(text.splitlines()[1:])),
        "comment": lambda text: text + "# measured again\n",
        "crlf": lambda text: text.replace("\n", "\r\n"),
        "bom": lambda text: "\ufeff" + text,
        "columns-swapped": lambda text: "T,x\n" + "".join(f"{line.split(',')[1]},{line.split(',')[0]}\n" for line in text.splitlines()[1:]),
    }
    inputs = []
    for name, edit in edits.items():

        def setup(directory: Path, edit=edit) -> object:
            first = _invoke(["sweep", str(directory), "--set", "models.ito.eta=1.0", "--quiet"])
            before = _cached_points(directory)
            (directory / "profile.csv").write_text(edit(CSV))
            return first.exit_code, before

        def check(directory: Path, state: object, code: int) -> str | None:
            first_code, before = state
            after = _cached_points(directory)
            if first_code != 0:
                return f"first sweep failed ({first_code})"
            return None if len(after) == len(before) + 1 else f"the edited file was not re-read: cached points {len(before)} -> {len(after)}"

        inputs.append(
            Input(f"stale-{name}", "stale", tabulated(), files={"profile.csv": CSV}, args=("sweep", "{case}", "--set", "models.ito.eta=1.0", "--quiet"), expect=(0,), setup=setup, check=check)
        )
    return inputs


def _cached_points(directory: Path) -> list[str]:
    cache = directory / "sweeps" / ".points"
    return sorted(path.name for path in cache.glob("*.json")) if cache.is_dir() else []


def outside_inputs() -> list[Input]:
    """Class 2: data files and meshes outside the case directory."""
    inputs = []
    for name in (
        "/etc/passwd",
        "../../../../etc/passwd",
        "../outside.csv",
        "/dev/null",
        "/dev/zero",
        "/proc/self/environ",
        "sub/../../outside.csv",
        "~/.bashrc",
        ".",
        "",
        " ",
        "sub",
        "link-out.csv",
        "link-dir/passwd",
        "fifo.csv",
    ):
        files: dict[str, str | bytes] = {"sub/readme.txt": "x"}
        inputs.append(Input(f"outside-file-{name or 'empty'}", "outside", tabulated(**{"temperature.file": name}), files=files, fragment="temperature.file", setup=_outside_links))
    for name in ("../../x", "/etc/passwd", "../../../etc/passwd", "graded-walls/../unit-uniform", ".hidden", "a/b", "", "unit-uniform.toml/..", "no-such-mesh", "~root"):
        inputs.append(Input(f"outside-mesh-{name or 'empty'}", "outside", case(mesh=name), fragment="mesh"))
    for name in ("../box.geo", "/etc/passwd.geo", "link-out.geo", "sub/../../box.geo", "../../etc/passwd", "no-such-geometry"):
        data = case(domain=None, mesh={"kind": "gmsh", "geometry": name}, temperature={"profile": "formula", "expression": "1 + 0.1*x*y"})
        inputs.append(Input(f"outside-geometry-{name}", "outside", data, fragment="mesh.geometry", setup=_outside_links))
    for name in ("/etc/passwd", "../outside.csv", "link-out.csv", "fifo.csv"):
        data = case(domain=None, mesh={"kind": "grid", "lower": [-1.0, -1.0], "upper": [1.0, 1.0], "cells": [4, 4]}, temperature={"profile": "tabulated_grid", "file": name})
        inputs.append(Input(f"outside-grid-{name}", "outside", data, fragment="temperature.file", setup=_outside_links))
    return inputs


def _outside_links(directory: Path) -> None:
    outside = directory.parent / "outside.csv"
    outside.write_text(CSV)
    (directory / "link-out.csv").symlink_to(outside)
    (directory / "link-out.geo").symlink_to(outside)
    (directory / "link-dir").symlink_to("/etc")
    os.mkfifo(directory / "fifo.csv")


def physics_inputs() -> list[Input]:
    """Class 3: invalid physics anywhere it is integrated, and non-numbers where numbers belong."""
    inputs = []
    for cells in (4, 10, 17, 40):
        inputs.append(
            Input(f"physics-sin-{cells}", "physics", case(**{"mesh.cells": cells, "temperature": {"profile": "formula", "expression": "1 + 1.5*sin(10*pi*x)"}}), fragment="temperature|models.ito")
        )
    for expression, fragment in (
        ("x", "temperature"),
        ("-1", "temperature"),
        ("1/x", "temperature"),
        ("log(x)", "temperature"),
        ("sqrt(x)", "temperature"),
        ("1 + 2*cos(40*x)", "temperature|models.ito"),
        ("0*x", "temperature"),
    ):
        inputs.append(Input(f"physics-formula-{expression}", "physics", case(temperature={"profile": "formula", "expression": expression}), fragment=fragment))
    for line, value in ((2, "-5"), (7, "0"), (22, "-1e-300"), (12, "nan"), (5, "inf"), (9, "abc"), (3, "")):
        lines = CSV.splitlines()
        x = lines[line - 1].split(",")[0]
        lines[line - 1] = f"{x},{value}"
        inputs.append(Input(f"physics-csv-line{line}-{value or 'empty'}", "physics", tabulated(), files={"profile.csv": "\n".join(lines) + "\n"}, fragment=f"line {line}"))
    for key, value in (("system.k_B", -1.0), ("system.k_B", 0.0), ("system.T_L", 0.0), ("system.gamma_L", -1.0), ("system.eps", math.nan), ("system.mu_R", math.inf)):
        inputs.append(Input(f"physics-dot-{key}-{value}", "physics", qme(**{key: value}), args=("run", "{case}", "--quiet"), fragment=key.split(".")[1]))
    for key, value in (("models.ito.eta", -1.0), ("models.ito.kB", 0.0), ("models.ito.alpha", 1.5), ("temperature.T0", -1.0), ("temperature.gradient", 2.0), ("models.ito.eta", math.nan)):
        inputs.append(Input(f"physics-key-{key}-{value}", "physics", case(**{key: value}), fragment=key.split(".")[0]))
    inputs.append(
        Input(
            "physics-gclm1-eta-eff",
            "physics",
            case(**{"models": {"gclm1": {"kappa": 0.5, "alpha_tilde": 10.0}}, "temperature": {"profile": "gaussian_hotspot", "width": 0.2}}),
            fragment="models.gclm1",
        )
    )
    inputs.append(
        Input(
            "physics-gclm2-T-between",
            "physics",
            case(**{"models": {"gclm2": {"sigma": 0.3}}, "temperature": {"profile": "formula", "expression": "1 + 1.5*sin(10*pi*x)"}, "mesh.cells": 10}),
            fragment="temperature 'formula' must be finite and > 0",  # T < 0 between the 10 cells, proved by interval arithmetic (issue 24)
        )
    )
    return inputs


def names_inputs() -> list[Input]:
    """Class 4: model labels that would collide with generated names or are not file names."""
    inputs = []
    for label in ("a/b", "../x", "a b", "1abc", "_x", "-x", "x" * 65, "é", "a.b", "a\\b", "con\u0000"):
        inputs.append(Input(f"names-bad-{label[:12]}", "names", case(models={label: {"model": "ito"}}), fragment="models."))
    for label in ("ito_exact", "exact", "x", "P", "model", "a-b"):
        inputs.append(Input(f"names-ok-{label}", "names", case(models={"ito": {}, label: {"model": "ito"}}), expect=(0,), check=_steady_results_hold, fast=label in ("ito_exact", "x")))
    return inputs


def swap_inputs() -> list[Input]:
    """Class 5: unusable results or checkpoint paths, leftovers of killed runs."""

    def results_file(directory: Path) -> None:
        (directory / "results").write_text("not a directory")

    def results_link(directory: Path) -> None:
        (directory / "elsewhere").mkdir()
        (directory / "results").symlink_to(directory / "elsewhere")

    def checkpoint_file(directory: Path) -> None:
        (directory / ".checkpoint").write_text("x")

    def checkpoint_link(directory: Path) -> None:
        (directory / "elsewhere").mkdir()
        (directory / ".checkpoint").symlink_to(directory / "elsewhere")

    def results_readonly(directory: Path) -> None:
        (directory / "results").mkdir()
        (directory / "results").chmod(0o500)

    def leftovers(directory: Path) -> None:
        (directory / ".results-staging-999999999-abc").mkdir()
        (directory / ".results-staging-999999999-abc" / "half.nc").write_text("x")
        (directory / "results").mkdir()
        (directory / "results" / "old.txt").write_text("old")

    def previous_only(directory: Path) -> None:
        (directory / ".results-previous").mkdir()
        (directory / ".results-previous" / "old.txt").write_text("old")

    def leftovers_gone(directory: Path, state: object, code: int) -> str | None:
        left = sorted(path.name for path in directory.iterdir() if path.name.startswith(".results-"))
        return None if not left and (directory / "results" / "steady.csv").is_file() else f"leftovers {left}"

    transient = {"pde.transient": True, "pde.t_end": 0.01, "pde.snapshots": 2}
    inputs = [
        Input("swap-results-file", "swap", case(), setup=results_file, fragment="results"),
        Input("swap-results-link", "swap", case(), setup=results_link, fragment="results"),
        Input("swap-checkpoint-file", "swap", case(**transient), setup=checkpoint_file, fragment=".checkpoint"),
        Input("swap-checkpoint-link", "swap", case(**transient), setup=checkpoint_link, fragment=".checkpoint"),
        Input("swap-leftovers", "swap", case(), setup=leftovers, expect=(0,), check=leftovers_gone),
        Input("swap-previous", "swap", case(), setup=previous_only, expect=(0,), check=leftovers_gone, fast=False),
    ]
    if os.geteuid() != 0:
        inputs.append(Input("swap-results-readonly", "swap", case(), setup=results_readonly, fragment="results"))
    return inputs


def lock_inputs() -> list[Input]:
    """Class 6: a live run holds the case; stale lock files; a lock path that cannot be a lock."""
    holders: list[int] = []

    def hold(directory: Path) -> None:
        descriptor = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT)
        os.write(descriptor, b"12345")
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        holders.append(descriptor)

    def stale(directory: Path) -> None:
        (directory / ".lock").write_text("999999999")

    def lock_dir(directory: Path) -> None:
        (directory / ".lock").mkdir()

    def lock_link(directory: Path) -> None:
        (directory / ".lock").symlink_to(directory / "elsewhere")

    def released(directory: Path, state: object, code: int) -> str | None:
        for descriptor in holders:
            os.close(descriptor)
        holders.clear()
        return None

    return [
        Input("lock-held", "lock", case(), setup=hold, check=released, fragment="being run by process"),
        Input("lock-held-qme", "lock", qme(), args=("run", "{case}", "--quiet"), setup=hold, check=released, fragment="being run by process"),
        Input("lock-stale", "lock", case(), setup=stale, expect=(0,), check=_steady_results_hold),
        Input("lock-directory", "lock", case(), setup=lock_dir, fragment=".lock"),
        Input("lock-link", "lock", case(), setup=lock_link, fragment=".lock"),
    ]


def resource_inputs() -> list[Input]:
    """Class 7: inputs whose memory or work exceed the budget, and formulas that explode."""
    inputs = []
    for key, value, fragment in (
        ("mesh.cells", 10**9, "mesh"),
        ("mesh.cells", 10**8, "mesh"),
        ("mesh.cells", 2**62, "mesh"),
        ("models.gclm2", {"sigma": 1e-9}, "models.gclm2"),
        ("models.gclm2", {"sigma": 1e-7}, "models.gclm2"),
        ("models.gclm2", {"sigma": 0.3, "aux_points": 10**12}, "models.gclm2"),
        ("pde", {"transient": True, "t_end": 1e12, "dt": 1e-300}, "models.ito"),
        ("pde", {"transient": True, "t_end": 1.0, "dt": 1e-12}, "models.ito"),
        ("pde", {"transient": True, "t_end": 1.0, "snapshots": 10**9}, "models.ito"),
        ("pde", {"transient": True, "adaptive": True, "tolerance": 0.0}, "pde.tolerance"),
        ("pde", {"transient": True, "adaptive": True, "tolerance": -1.0}, "pde.tolerance"),
        ("ensemble", {"n_particles": 10**12}, "models.ito"),
        ("ensemble", {"n_particles": 10**9, "chunk_size": 1}, "models.ito"),
        ("ensemble", {"n_particles": 1000, "dt": 1e-12, "t_end": 1.0}, "models.ito"),
        ("ensemble", {"n_particles": 1000, "table_points": 10**12}, "models.ito"),
    ):
        data = case(**{key: value})
        if key == "ensemble":
            data["ensemble"]["enabled"] = True
        args = RUN if key != "ensemble" else ("run", "{case}", "--quiet", "--only", "sde")
        inputs.append(Input(f"resources-{key}-{json.dumps(value)[:40]}", "resources", data, args=args, fragment=fragment))
    for expression in (
        "10**10**10",
        "(2**64)**(2**64)",
        "9**9**9",
        "x**(10**6)",
        "exp(exp(exp(10)))",
        "(" * 150 + "x" + ")" * 150,
        "1" + "+1" * 1500,
        "-" * 900 + "x",
        "x" + "*x" * 600,
        "*".join(f"sin(x+{i})" for i in range(30)),
        "1" * 5000,
    ):
        inputs.append(Input(f"resources-formula-{expression[:24]}", "resources", case(temperature={"profile": "formula", "expression": expression}), fragment="temperature"))
    for value in (10**9, 46000, 2**40):
        inputs.append(
            Input(
                f"resources-chain-{value}",
                "resources",
                {"kind": "qme", "system": {"kind": "chain", "N": value, "h": 1.0, "g": 0.5, "T_left": 1.0, "T_right": 0.5}},
                args=("run", "{case}", "--quiet"),
                fragment="system",
            )
        )
    inputs.append(Input("resources-scan-num", "resources", qme(scan={"parameter": "eps", "start": -1.0, "stop": 1.0, "num": 10**9}), args=("run", "{case}", "--quiet"), fragment="scan"))
    inputs.append(Input("resources-sweep-num", "resources", case(), args=("sweep", "{case}", "--set", "models.ito.eta=1:2:1000000000", "--quiet"), fragment="sweep"))
    inputs.append(
        Input("resources-sweep-product", "resources", case(), args=("sweep", "{case}", "--set", "models.ito.eta=1:2:100000", "--set", "models.ito.kB=1:2:100000", "--quiet"), fragment="sweep")
    )
    return inputs


def traceback_inputs() -> list[Input]:
    """Class 8: inputs that used to end in a traceback."""
    inputs = [
        Input("tracebacks-cells-1", "tracebacks", case(**{"mesh.cells": 1}), fragment="mesh"),
        Input("tracebacks-kappa-1e300", "tracebacks", case(models={"gclm1": {"kappa": 1e300}}), fragment="models.gclm1"),
        Input("tracebacks-kappa-1e30", "tracebacks", case(models={"gclm1": {"kappa": 1e30}}), fragment="models.gclm1"),
        Input("tracebacks-steep-potential", "tracebacks", case(potential={"kind": "harmonic", "stiffness": 1e12}), fragment="models.ito"),
        Input(
            "tracebacks-abs-gclm1", "tracebacks", case(models={"gclm1": {"kappa": 0.5, "alpha_tilde": 0.01}}, temperature={"profile": "formula", "expression": "1 + abs(x)"}), fragment="models.gclm1"
        ),
        Input("tracebacks-non-utf8", "tracebacks", raw=b'title = "\xff\xfe"\n', fragment="UTF-8"),
        Input("tracebacks-sweep-non-utf8", "tracebacks", raw=b'title = "\xff\xfe"\n', args=("sweep", "{case}", "--set", "models.ito.eta=1,2", "--quiet"), fragment="UTF-8"),
        Input("tracebacks-sweep-qme", "tracebacks", qme(), args=("sweep", "{case}", "--set", "system.eps=1,2", "--quiet"), fragment="qme"),
        Input("tracebacks-sweep-case-toml", "tracebacks", case(), args=("sweep", "{case}/case.toml", "--set", "models.ito.eta=1,2", "--quiet"), expect=(0,)),
        Input(
            "tracebacks-scan-N-fraction",
            "tracebacks",
            {"kind": "qme", "system": {"kind": "chain", "N": 3, "h": 1.0, "g": 0.5, "T_left": 1.0, "T_right": 0.5}, "scan": {"parameter": "N", "values": [3.0, 3.7]}},
            args=("run", "{case}", "--quiet"),
            fragment="scan",
        ),
        Input(
            "tracebacks-scan-N",
            "tracebacks",
            {"kind": "qme", "system": {"kind": "chain", "N": 3, "h": 1.0, "g": 0.5, "T_left": 1.0, "T_right": 0.5}, "scan": {"parameter": "N", "values": [3, 4, 5]}},
            args=("run", "{case}", "--quiet"),
            expect=(0,),
        ),
        Input("tracebacks-new-onto-file", "tracebacks", case(), args=("new", "{case}/case.toml/sub"), fragment="case.toml"),
        Input("tracebacks-new-existing-file", "tracebacks", None, files={"plain": "x"}, args=("new", "{case}/plain"), fragment="plain"),
        Input("tracebacks-new-tabulated-overwrite", "tracebacks", None, files={"t/profile.csv": CSV}, args=("new", "{case}/t", "--profile", "tabulated"), fragment="profile.csv"),
        Input("tracebacks-new-existing-case", "tracebacks", case(), args=("new", "{case}"), fragment="case.toml"),
        Input("tracebacks-missing-case", "tracebacks", None, args=("run", "{case}/nowhere", "--quiet"), fragment="nowhere"),
        Input("tracebacks-tabulated-dir", "tracebacks", tabulated(), files={"profile.csv/x": "1"}, fragment="temperature.file"),
        Input("tracebacks-table-not-table", "tracebacks", None, raw=b"temperature = 3\n[models.ito]\n", fragment="temperature"),
        Input("tracebacks-checkpoint-every-0", "tracebacks", case(**{"pde.transient": True, "pde.checkpoint_every": 0}), fragment="pde"),
        Input("tracebacks-t_end-string", "tracebacks", case(**{"pde.transient": True, "pde.t_end": "1"}), fragment="pde.t_end"),
    ]
    if os.geteuid() != 0:

        def readonly(directory: Path) -> None:
            directory.chmod(0o500)

        inputs.append(Input("tracebacks-readonly-case", "tracebacks", case(), setup=readonly, fragment="writable"))
    return inputs


def message_inputs() -> list[Input]:
    """Class 9: inputs whose messages were wrong or unclear (or that should simply work)."""
    return [
        Input("messages-bom", "messages", None, raw="\ufeff".encode() + tomli_w.dumps(case()).encode(), expect=(0,), check=_steady_results_hold),
        Input("messages-run-file", "messages", case(), args=("run", "{case}/case.toml", "--quiet", "--only", "pde"), expect=(0,), check=_steady_results_hold),
        Input("messages-dev-null-file", "messages", tabulated(**{"temperature.file": "null"}), setup=lambda d: (d / "null").symlink_to("/dev/null"), fragment="temperature.file"),
        Input("messages-directory-file", "messages", tabulated(**{"temperature.file": "data"}), files={"data/x": "1"}, fragment="directory"),
        Input(
            "messages-g-nan",
            "messages",
            {"kind": "qme", "system": {"kind": "chain", "N": 3, "h": 1.0, "g": math.nan, "T_left": 1.0, "T_right": 0.5}},
            args=("run", "{case}", "--quiet"),
            fragment="system.g",
        ),
        Input("messages-toml-error-position", "messages", None, raw=b'title = "x"\n[domain\n', fragment="line 2"),
        Input("messages-unknown-key", "messages", case(**{"temperature.zz": 1.0}), fragment="zz"),
        Input("messages-csv-header", "messages", tabulated(), files={"profile.csv": "a,b\n1,2\n"}, fragment="line 1"),
        Input("messages-csv-columns", "messages", tabulated(), files={"profile.csv": CSV + "0.5\n"}, fragment="line 23"),
        Input("messages-csv-binary", "messages", tabulated(), files={"profile.csv": b"\x00\xff\xfe" * 10}, fragment="UTF-8"),
    ]


# ----------------------------------------------------------------------------- round two (issue 24)

BOX = (Path(__file__).resolve().parent.parent / "cases" / "obstacle-box" / "box.geo").read_text()
GEO_CASE = case(domain=None, mesh={"kind": "gmsh", "geometry": "shape.geo"}, temperature={"profile": "formula", "expression": "1 + 0.1*x"})
GEO_DIRECTIVES = (
    'SystemCall "touch /tmp/hostile-geo";',
    'System "touch /tmp/hostile-geo";',
    'NonBlockingSystemCall "ls";',
    'Include "/etc/passwd";',
    'Merge "/etc/hosts";',
    'Save "/tmp/hostile.msh";',
    'Printf("x") > "/tmp/hostile.txt";',
    'x = GetEnv("HOME");',
    'x = FileExists("/etc/passwd");',
    "Exit;",
    "Abort;",
    "Mesh 2;",
    'General.FileName = "x";',
    "Plugin(Smooth).Run;",
    'Call "f";',
    "For i In {1:1e9}\nEndFor",
    "For (1:n)\nEndFor",
)


def geo_inputs() -> list[Input]:
    """Item 1: .geo directives that run programs, touch files or blow up the mesh: refused with the line."""
    inputs = [Input(f"geo-{number}", "geo", GEO_CASE, files={"shape.geo": BOX + text + "\n"}, fragment="line ", fast=number < 4) for number, text in enumerate(GEO_DIRECTIVES)]
    inputs.append(Input("geo-tiny-h", "geo", GEO_CASE, files={"shape.geo": BOX.replace("h = 0.1;", "h = 1e-5;")}, fragment="triangles"))
    inputs.append(Input("geo-shipped", "geo", GEO_CASE, files={"shape.geo": BOX}, expect=(0,), fast=False))
    return inputs


OUT_NAMES = (".", "..", "../results", "../../victim", "/tmp/abs", "a/b", "x" * 300, "-x", ".hidden", "a b", "fits/../..", "é")


def outnames_inputs() -> list[Input]:
    """Item 2: --name of fit and infer that would climb out of CASE/fits: refused before anything is read."""
    inputs = []
    for number, name in enumerate(OUT_NAMES):
        for command, option in (("fit", "--data"), ("infer", "--trajectories")):
            args = (command, "{case}", option, "{case}/profile.csv", "--free", "temperature.gradient", "--name", name)
            inputs.append(Input(f"outnames-{command}-{number}", "outnames", case(), files={"profile.csv": CSV}, args=args, fragment="--name", fast=number < 2))
    return inputs


def _ran(directory: Path) -> None:
    from fpsolver.cases.run import run_case_directory

    run_case_directory(directory, only=frozenset({"pde"}))


def _tampered(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(directory: Path) -> None:
        _ran(directory)
        edit(directory / "results")

    return setup


def _recomputed(directory: Path, state: object, code: int) -> str | None:
    from fpsolver.io.seal import verify

    problem = _steady_results_hold(directory, state, code)
    return problem or (None if verify(directory / "results") else "results not resealed by the recomputation")


def _zero_metrics(results: Path) -> None:
    document = json.loads((results / "metrics.json").read_text())
    document["metrics"] = {label: dict.fromkeys(values, 0.0) for label, values in document["metrics"].items()}
    (results / "metrics.json").write_text(json.dumps(document))


TAMPERINGS = {
    "zeroed": _zero_metrics,
    "empty": lambda results: (results / "metrics.json").write_text(json.dumps({**json.loads((results / "metrics.json").read_text()), "metrics": {}})),
    "corrupt": lambda results: (results / "metrics.json").write_text("{"),
    "binary": lambda results: (results / "metrics.json").write_bytes(b"\xff\xfe\x00"),
    "no-seal": lambda results: (results / "seal.json").unlink(),
    "forged-seal": lambda results: (results / "seal.json").write_text(json.dumps({"files": {}, "hmac_sha256": "0" * 64})),
    "extra-file": lambda results: (results / "x.txt").write_text("x"),
}


def trust_inputs() -> list[Input]:
    """Item 3: stored metrics that are not the run's own are recomputed (exit 0, correct and resealed)."""
    return [Input(f"trust-{name}", "trust", case(), setup=_tampered(edit), args=("validate", "{case}"), expect=(0,), check=_recomputed, fast=name == "zeroed") for name, edit in TAMPERINGS.items()]


def limits_inputs() -> list[Input]:
    """Item 5: sizes refused with their estimate before allocation."""
    inputs = [  # the fast subset runs the first four
        Input("limits-sweep-points", "limits", case(), args=("sweep", "{case}", "--set", "temperature.T0=0:1:1000000", "--quiet"), fragment="points"),
        Input("limits-sweep-product", "limits", case(), args=("sweep", "{case}", "--set", "temperature.T0=0:1:1000", "--set", "temperature.gradient=0:1:1000", "--quiet"), fragment="points"),
        Input("limits-sweep-twice", "limits", case(), args=("sweep", "{case}", "--set", "temperature.T0=1,2", "--set", "temperature.T0=3", "--quiet"), fragment="given 2 times"),
        Input("limits-workers", "limits", case(), args=("run", "{case}", "--quiet", "--workers", "1000000"), fragment="--workers"),
        Input("limits-bins", "limits", case(), files={"profile.csv": CSV}, args=("infer", "{case}", "--trajectories", "{case}/profile.csv", "--bins", "1000000000"), fragment="--bins"),
        Input("limits-chunk", "limits", case(**{"ensemble": {"chunk_size": 10**9, "n_particles": 1000}}), args=("run", "{case}", "--quiet"), fragment="GiB"),
        Input("limits-chunk-precision", "limits", case(**{"ensemble": {"chunk_size": 10**9}}), args=("run", "{case}", "--quiet"), fragment="GiB"),
        Input("limits-title", "limits", case(title="t" * 50_000), fragment="title"),
        Input("limits-mass", "limits", case(**{"ensemble": {"mass": 1e-300, "n_particles": 1000}}), args=("run", "{case}", "--quiet"), fragment="'mass'"),
        Input("limits-nested-arrays", "limits", raw=b"title = 'x'\nextra = " + b"[" * 5000 + b"]" * 5000 + b"\n", fragment="nested too deeply"),
        Input("limits-nested-tables", "limits", raw=b"title = 'x'\nextra = " + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n", fragment="nested too deeply"),
    ]
    for item in inputs[4:]:
        item.fast = False
    return inputs


def table() -> list[Input]:
    return [
        *stale_inputs(),
        *outside_inputs(),
        *physics_inputs(),
        *names_inputs(),
        *swap_inputs(),
        *lock_inputs(),
        *resource_inputs(),
        *traceback_inputs(),
        *message_inputs(),
        *geo_inputs(),
        *outnames_inputs(),
        *trust_inputs(),
        *limits_inputs(),
    ]


def _steady_results_hold(directory: Path, state: object, code: int) -> str | None:
    """Exit 0 must mean correct results: the steady PDE solution equals the exact one."""
    if code != 0:
        return None
    metrics = json.loads((directory / "results" / "metrics.json").read_text())
    worst = max(values.get("l1_pde_vs_exact", 0.0) for values in metrics.get("models", metrics).values() if isinstance(values, dict))
    return None if worst < 1e-9 else f"L1 PDE-exact = {worst}"


# ----------------------------------------------------------------------------- running


class InputTimeout(BaseException):
    """Raised by the per-input alarm (a BaseException, so no handler in fpsolver swallows it)."""


def _alarm(signum, frame):
    raise InputTimeout


def _invoke(args: list[str]):
    from typer.testing import CliRunner

    from fpsolver.cli import app

    return CliRunner().invoke(app, args)


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under root with (size, mtime_ns), links not followed."""
    found = {}
    for directory, names, files in os.walk(root, followlinks=False):
        for name in names + files:
            path = Path(directory) / name
            info = path.lstat()
            found[str(path.relative_to(root))] = (info.st_size if not path.is_dir() else 0, info.st_mtime_ns if not path.is_dir() else 0)
    return found


def run_input(item: Input, root: Path, timeout: float) -> dict:
    workspace = Path(tempfile.mkdtemp(prefix="in-", dir=root))
    directory = workspace / "case"
    directory.mkdir()
    for name, content in item.files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    if item.raw is not None:
        (directory / "case.toml").write_bytes(item.raw)
    elif item.data is not None:
        (directory / "case.toml").write_text(tomli_w.dumps(item.data))
    record = {"id": item.ident, "class": item.cls, "expect": list(item.expect)}
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        state = item.setup(directory) if item.setup else None
        before = _tree(workspace)
        result = _invoke([arg.replace("{case}", str(directory)) for arg in item.args])
        signal.setitimer(signal.ITIMER_REAL, 0)
        record["exit"] = result.exit_code
        record["traceback"] = result.exception is not None and not isinstance(result.exception, SystemExit)
        if record["traceback"]:
            record["exception"] = f"{type(result.exception).__name__}: {result.exception}"[:300]
        message = result.stderr.strip()
        record["message"] = message[:400]
        record["lines"] = len(message.splitlines())
        record["leaks"] = SECRET in result.output
        problems = []
        if result.exit_code not in item.expect:
            problems.append(f"exit {result.exit_code}, expected {item.expect}")
        if result.exit_code == 2:
            if record["lines"] != 1 or not message.startswith("error:"):
                problems.append("not one error line")
            if item.fragment and not any(fragment in message for fragment in item.fragment.split("|")):
                problems.append(f"message lacks {item.fragment!r}")
            if _tree(workspace) != before:
                problems.append("files written for a refused input")
        if item.check is not None:
            found = item.check(directory, state, result.exit_code)
            if found and result.exit_code in item.expect:
                problems.append(found)
        if record["traceback"] or record["leaks"]:
            problems.append("traceback" if record["traceback"] else "file contents in the output")
        record["problems"] = problems
    except InputTimeout:
        record.update(exit=None, problems=[f"ran past its timeout of {timeout} s"])
    except MemoryError:
        signal.setitimer(signal.ITIMER_REAL, 0)
        record.update(exit=None, problems=["MemoryError under the address-space limit"])
    except Exception as exc:  # the harness itself failed on this input: report it as a problem
        signal.setitimer(signal.ITIMER_REAL, 0)
        record.update(exit=None, problems=[f"harness: {type(exc).__name__}: {exc}"[:300]])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        record["seconds"] = round(time.perf_counter() - started, 3)
        for path in [workspace, *workspace.rglob("*")]:
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o700)
        shutil.rmtree(workspace, ignore_errors=True)
    return record


# ----------------------------------------------------------------------------- hypothesis


def hypothesis_inputs(examples: int, root: Path, timeout: float) -> list[dict]:
    """Drawn inputs: formulas from a grammar with extreme numbers, extreme values of numeric keys,
    and file names with path tricks. Each may be accepted (exit 0, correct results) or refused
    (exit 2, one line naming the key); never a traceback, a hang or a leak."""
    import hypothesis.strategies as st
    from hypothesis import HealthCheck, Phase, given, settings

    numbers = st.one_of(
        st.integers(-(10**6), 10**6).map(str),
        st.sampled_from(["1e308", "1e-308", "0", "0.0", "-0", "2**64", "10**400", "1e300*1e300", "pi", "e"]),
        st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda v: f"({v!r})"),
    )
    leaves = st.one_of(st.just("x"), numbers)

    def extend(children):
        functions = st.sampled_from(["exp", "log", "sqrt", "sin", "cos", "tanh", "abs", "atan", "erf", "cosh"])
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "^"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(functions, children).map(lambda t: f"{t[0]}({t[1]})"),
            children.map(lambda c: f"-{c}"),
        )

    formulas = st.recursive(leaves, extend, max_leaves=12)
    extreme = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 1e-300, 1e300, 2**63, -(2**63)]))
    numeric_keys = ["mesh.cells", "domain.x_min", "domain.x_max", "temperature.T0", "temperature.gradient", "models.ito.eta", "models.ito.kB", "models.ito.alpha"]
    paths = st.one_of(
        st.sampled_from(
            ["profile.csv", "./profile.csv", "sub/../profile.csv", "../case/profile.csv", "/etc/passwd", "//etc//passwd", "..", "profile.csv/", "PROFILE.CSV", "profile.csv\u0000", "%2e%2e/x"]
        ),
        st.text(alphabet="./ab~-_\\", min_size=1, max_size=12),
    )
    drawn = st.one_of(
        # a formula may be refused at the temperature or, when T is fine but a coefficient of the
        # model is not (T = x + 1e308: T^2 overflows), at the model
        formulas.map(lambda f: ("formula", case(temperature={"profile": "formula", "expression": f}), "temperature|models.ito")),
        st.tuples(st.sampled_from(numeric_keys), extreme).map(lambda kv: ("number", case(**{kv[0]: kv[1]}), kv[0].split(".")[0])),
        paths.map(lambda p: ("path", tabulated(**{"temperature.file": p}), "temperature.file")),
    )
    records: list[dict] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(drawn)
    def each(item):
        kind, data, fragment = item
        try:
            tomli_w.dumps(data)
        except (TypeError, ValueError):
            return  # not representable in TOML (e.g. an integer beyond 64 bits): no case file can say it
        check = _steady_results_hold
        records.append(
            run_input(
                Input(
                    f"hypothesis-{kind}-{len(records)}",
                    {"formula": "physics", "number": "physics", "path": "outside"}[kind],
                    data,
                    files={"profile.csv": CSV},
                    expect=(0, 2),
                    fragment=fragment,
                    check=check,
                ),
                root,
                timeout,
            )
        )

    each()
    return records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fast", action="store_true", help="only the inputs marked fast")
    parser.add_argument("--examples", type=int, default=150, help="hypothesis-drawn inputs")
    parser.add_argument("--limit-gib", type=float, default=4.0, help="address-space limit (RLIMIT_AS)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per input")
    parser.add_argument("--classes", default="", help="only the table inputs of these classes (comma-separated), e.g. geo,trust")
    options = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "agg")
    import numba  # noqa: F401  (reserves its address space before the limit is set)

    import fpsolver.cli  # noqa: F401

    limit = int(options.limit_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        chosen = set(filter(None, options.classes.split(",")))
        inputs = [item for item in table() if (item.fast or not options.fast) and (not chosen or item.cls in chosen)]
        results = [run_input(item, root, options.timeout) for item in inputs]
        if options.examples > 0:
            results += hypothesis_inputs(options.examples, root, options.timeout)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.write(json.dumps({"results": results, "address_space_limit": limit}) + "\n")


if __name__ == "__main__":
    main()
