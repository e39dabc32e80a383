"""The README's library example runs, and the command line works end to end."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "MPLBACKEND": "agg", "OMP_NUM_THREADS": "1"}


def fpsolver(*args, cwd):
    return subprocess.run(
        [sys.executable, "-c", "from fpsolver.cli import app; app()", *map(str, args)],
        cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300,
    )


def test_readme_library_example_runs(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert blocks, "README has a python example"
    for block in blocks:
        result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "relaxation.nc").exists()


@pytest.fixture()
def exponential_case(tmp_path):
    case = tmp_path / "exponential"
    shutil.copytree(ROOT / "cases" / "exponential", case, ignore=shutil.ignore_patterns("results"))
    return case


def test_run_writes_every_promised_file(exponential_case):
    result = fpsolver("run", exponential_case, "--json", cwd=exponential_case.parent)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    metrics = summary[str(exponential_case)]["metrics"]
    assert all(m["l1_pde_vs_exact"] < 1e-9 for m in metrics.values())
    results = exponential_case / "results"
    with xr.open_dataset(results / "steady.nc", engine="h5netcdf") as steady:
        assert {"P_ito", "P_ito_exact", "P_gclm2", "T"} <= set(steady.data_vars)
        assert steady["P_ito"].attrs["units"] == "1/length"
        assert json.loads(steady.attrs["configuration"])["temperature"]["profile"] == "exponential"
    with xr.open_dataset(results / "transient.nc", engine="h5netcdf") as transient:
        assert transient["mass_ito"].values[-1] == pytest.approx(1.0, abs=1e-10)
    header = (results / "steady.csv").read_text().splitlines()[0]
    assert header.startswith("x,T,ito,ito_exact")
    for png in ("steady.png", "moments.png"):
        assert (results / "figures" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda t: t.replace('profile = "exponential"', 'profile = "exponentiel"'), "temperature"),
        (lambda t: t.replace("sigma = 0.25\n", "sigma = -0.25\n", 1), "models.gclm2"),
        (lambda t: t.replace("cells = 200", "cells = 0"), "mesh.cells"),
        (lambda t: t.replace("T0 = 1.0", "T0 = -1.0"), "temperature"),
        (lambda t: t.replace("kappa = 0.5", 'kappa = "big"'), "models.gclm1.kappa"),
        (lambda t: t + "\n[models.gclm3]\n", "models.gclm3"),
        (lambda t: t.replace("[domain]", "[domain"), "not valid TOML"),
    ],
)
def test_bad_case_exits_2_with_one_line_naming_the_key(exponential_case, edit, key):
    toml = exponential_case / "case.toml"
    toml.write_text(edit(toml.read_text()))
    result = fpsolver("run", exponential_case, cwd=exponential_case.parent)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert len(message.splitlines()) == 1, message
    assert key in message
    assert not (exponential_case / "results").exists()


def test_show_prints_resolved_defaults(exponential_case):
    result = fpsolver("show", exponential_case, cwd=exponential_case.parent)
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)
    assert resolved["models"]["gclm2"]["friction"] == "full"
    assert resolved["models"]["gclm2_eq60"]["model"] == "gclm2"
    assert resolved["pde"]["face_velocity"] == "exact"
