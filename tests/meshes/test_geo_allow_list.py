"""The .geo allow-list (issue 24, item 1): directives that run programs or touch files are
refused with the line; the shipped geometries pass; meshing opens nothing outside the case."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import CASES, ENV, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from fpsolver.meshes import MESH_DIR
from fpsolver.meshes.geo import MAX_LOOP_ITERATIONS, TRIANGLES_PER_AREA, GeoError, check_geo, tokens

SQUARE = "h = 0.5;\nPoint(1) = {0, 0, 0, h}; Point(2) = {1, 0, 0, h}; Point(3) = {1, 1, 0, h}; Point(4) = {0, 1, 0, h};\n"

HOSTILE = {
    'SystemCall "touch /tmp/x";': "'SystemCall'",
    'System "touch /tmp/x";': "'System'",
    'NonBlockingSystemCall "ls";': "'NonBlockingSystemCall'",
    'Include "/abs/other.geo";': "'Include'",
    'Merge "/tmp/a.msh";': "'Merge'",
    'Save "/tmp/y.msh";': "'Save'",
    'Printf("%g", 1) > "/tmp/f";': "'Printf'",
    'x = GetEnv("HOME");': "'GetEnv'",
    'x = FileExists("/etc/passwd");': "'FileExists'",
    'x = StrCat("a", "b");': "'StrCat'",
    "Exit;": "'Exit'",
    "Abort;": "'Abort'",
    "Mesh 2;": "'Mesh'",
    'General.FileName = "a";': "'General'",
    'Mesh.Format = "msh";': "numbers, not strings",
    "Plugin(Smooth).Run;": "'Plugin'",
    "SystemCall = 1;": "'SystemCall'",
    "h = 1; x = h(2);": "'h'",
    "For i In {1:1e9}\nEndFor": "iterations",
    "For (1:1000)\nFor (1:1000)\nEndFor\nEndFor": "iterations",
    "For (1:n)\nEndFor": "'n'",
    "x = 10^10^10;\nFor (1:x)\nEndFor": "bounds",
    "For (1:2)\n": "without EndFor",
    "EndFor": "without For",
    "Point(1) = {0, 0, 0, 1}": "closing ';'",
    "x = 1; @": "unexpected character",
    "Macro Evil\nReturn": "'Macro'",
    'Call "Evil";': "'Call'",
    "Point(1) = {0, 0, 0, 1} $": "unexpected character",
}


@pytest.mark.parametrize("statement", list(HOSTILE))
def test_directives_off_the_allow_list_are_refused_with_their_line(statement):
    with pytest.raises(GeoError, match="line 6|line 7|line 8|without EndFor") as caught:
        check_geo(SQUARE + "\n\n\n\n" + statement + "\n", "evil.geo")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("evil.geo")
    assert HOSTILE[statement] in message


@pytest.mark.parametrize("path", [MESH_DIR / "disc.geo", *sorted(CASES.glob("*/*.geo"))], ids=lambda p: p.name)
def test_shipped_geometries_pass(path):
    triangles = check_geo(path.read_text(), path.name)
    assert triangles is not None and 10 < triangles < 1e5


def test_geometry_language_in_use_passes_and_the_estimate_is_the_area_over_h_squared():
    text = (
        SQUARE + "Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};\n"
        "Curve Loop(1) = {1, 2, 3, 4}; Plane Surface(1) = {1};\n"
        'Physical Surface("inside") = {1}; Physical Curve(5) = {1, 2};\n'
        "Transfinite Curve{1} = 10 Using Progression 1.1; Recombine Surface{1};\n"
        "Field[1] = Distance; Field[1].PointsList = {1}; Background Field = 1;\n"
        "n = 3; For i In {1:n}\n  If (i > 1)\n    Point(newp) = {0.1 * i, 0.5, 0, Sqrt(h) / 4};\n  EndIf\nEndFor\n"
        "Mesh.Algorithm = 6; Geometry.Tolerance = 1e-8; /* a comment */ // another\n"
    )
    assert check_geo(text) == pytest.approx(TRIANGLES_PER_AREA * 1.0 / 0.5**2)
    assert check_geo(SQUARE + "Mesh.MeshSizeMax = 0.1;") == pytest.approx(TRIANGLES_PER_AREA / 0.01)
    assert check_geo(f"For (1:{MAX_LOOP_ITERATIONS})\nEndFor\n") is None


def test_a_tiny_mesh_size_is_refused_with_its_estimate_before_gmsh_runs():
    with pytest.raises(GeoError, match=r"about 2\.31e\+10 triangles"):
        check_geo(SQUARE.replace("0.5", "1e-5"))


def _case(directory: Path, geo: str) -> Path:
    directory.mkdir()
    (directory / "shape.geo").write_text(geo)
    (directory / "case.toml").write_text(
        '[mesh]\nkind = "gmsh"\ngeometry = "shape.geo"\n[temperature]\nprofile = "formula"\nexpression = "1 + 0.1*x"\n[models.ito]\n[pde]\ntransient = false\n[ensemble]\nenabled = false\n'
    )
    return directory


def test_a_case_whose_geo_runs_a_command_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "touched"
    case = _case(tmp_path / "case", (CASES / "obstacle-box" / "box.geo").read_text() + f'SystemCall "touch {marker}";\n')
    done = subprocess.run([sys.executable, "-m", "fpsolver", "run", str(case), "--quiet"], env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "line 10" in done.stderr and "'SystemCall'" in done.stderr, done.stderr
    assert not marker.exists() and not (case / "results").exists()


@pytest.mark.skipif(shutil.which("strace") is None or shutil.which("gmsh") is None, reason="needs strace and gmsh")
def test_meshing_a_case_geo_opens_nothing_outside_the_case_tmp_and_packages(tmp_path):
    """strace -f -e trace=file over meshing the shipped obstacle-box geometry: every path gmsh
    (and Python) opens is in the case, the temporary directory, the installation or the system's
    libraries and configuration, never the user's files (gmsh's own preferences aside) or another case."""
    case = _case(tmp_path / "case", (CASES / "obstacle-box" / "box.geo").read_text())
    log = tmp_path / "trace.log"
    script = f"from fpsolver.cases.build import open_case; open_case({str(case)!r})"
    done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat,creat,execve", "-o", str(log), sys.executable, "-c", script], env=ENV, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip("ptrace is not permitted here")
    assert done.returncode == 0, done.stderr[-2000:]
    prefixes = [str(case), "/tmp", str(ROOT), sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent), "/usr", "/lib", "/etc", "/proc", "/sys", "/dev"]
    # gmsh's own preferences in the user's home (~/.gmshrc, ~/.gmsh-options, fltk's), whatever the .geo says
    prefixes += [str(Path.home() / name) for name in (".gmsh", ".fltk")]
    opened = set()
    for line in log.read_text().splitlines():
        if '"' in line and "ENOENT" not in line:
            path = line.split('"')[1]
            if path.startswith("/"):
                opened.add(path)
    outside = sorted(path for path in opened if not any(path.startswith(prefix) for prefix in prefixes))
    assert not outside, outside[:20]
    assert any(path.startswith(str(case)) and path.endswith("shape.geo") for path in opened)


# ----------------------------------------------------------------------------- drawn .geo files

FORBIDDEN = (
    "SystemCall",
    "System",
    "NonBlockingSystemCall",
    "Include",
    "Merge",
    "Save",
    "Printf",
    "Print",
    "GetEnv",
    "FileExists",
    "StrCat",
    "Exit",
    "Abort",
    "Plugin",
    "Call",
    "Macro",
    "Delete Model",
    "General.NumThreads",
    "Mesh 2",
)
ALLOWED = (
    "h = 0.1;",
    "Point(newp) = {0.5, 0.5, 0, h};",
    "Line(1) = {1, 2};",
    "Curve Loop(1) = {1, 2, 3, 4};",
    "Plane Surface(1) = {1};",
    'Physical Surface("inside") = {1};',
    "Mesh.MeshSizeMax = 0.2;",
    "Transfinite Curve{1} = 5;",
    "For i In {1:3}\nEndFor",
    "If (h > 0)\nEndIf",
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(ALLOWED),
            st.tuples(st.sampled_from(FORBIDDEN), st.sampled_from([' "touch /tmp/x";', '("a") > "/tmp/b";', ";", " = 1;", '("HOME");'])).map("".join),
            st.text(alphabet='abcXYZ(){};=" /.\n#$@', max_size=20),
        ),
        max_size=8,
    )
)
def test_drawn_geo_files_are_refused_with_a_line_or_hold_no_forbidden_word(statements):
    """300 drawn .geo files (the square, then allowed, forbidden and random statements): each is
    either refused with one line naming a line of the file, or accepted and then holds none of
    the directives that run programs or touch files."""
    text = SQUARE + "\n".join(statements) + "\n"
    try:
        check_geo(text, "drawn.geo")
    except GeoError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith("drawn.geo")
        if " line " in message:
            line = int(message.split(" line ")[1].split(":")[0])
            assert 1 <= line <= text.count("\n") + 1
        return
    words = {token.text for token in tokens(text)}
    assert not words & {"SystemCall", "System", "NonBlockingSystemCall", "Include", "Merge", "Save", "Printf", "Print", "GetEnv", "FileExists", "Exit", "Abort", "Plugin", "Call", "Macro"}
