"""The README's custom-geometry example runs and writes its figure."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "validation" / "example_custom_geometry.py"


@pytest.mark.skipif(shutil.which("gmsh") is None, reason="gmsh executable not on PATH (pip install gmsh)")
def test_custom_geometry_example_runs(tmp_path):
    pytest.importorskip("gmsh")
    output = tmp_path / "example.png"
    completed = subprocess.run(
        [sys.executable, str(EXAMPLE), str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "agg"},
    )
    assert completed.returncode == 0, completed.stderr
    assert "mass 1.000000000000" in completed.stdout
    assert output.stat().st_size > 10_000
