"""fpsolver run from a virtual environment's bin/ without activating it finds the gmsh
executable that the geometry extra installed beside Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fpsolver.meshes import nd

BESIDE = Path(sys.executable).parent


def test_gmsh_beside_python_is_put_on_path(tmp_path, monkeypatch):
    fake_python = tmp_path / "bin" / "python"
    fake_python.parent.mkdir()
    gmsh = fake_python.parent / "gmsh"
    gmsh.write_text("#!/bin/sh\n")
    gmsh.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    monkeypatch.setattr(sys, "executable", str(fake_python))
    assert nd._gmsh_on_path()
    assert os.environ["PATH"].split(os.pathsep) == [str(tmp_path / "elsewhere"), str(fake_python.parent)]
    gmsh.unlink()
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    assert not nd._gmsh_on_path()


def test_disc_meshes_with_only_system_directories_on_path():
    assert (BESIDE / "gmsh").exists()  # the geometry extra installs it beside Python
    code = "from fpsolver.meshes import nd; mesh = nd.disc(cell_size=0.3); print(mesh.numberOfCells)"
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 10
