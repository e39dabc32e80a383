"""``fpsolver fit`` and ``fpsolver infer`` on the shipped case fit-synthetic: the files they
promise, and one-line errors (exit 2, nothing written) for bad input."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from cli_helpers import copy_case
from typer.testing import CliRunner

from fpsolver.cli import app

runner = CliRunner()


@pytest.fixture()
def case(tmp_path):
    return copy_case("fit-synthetic", tmp_path)


def invoke(*arguments):
    return runner.invoke(app, [str(a) for a in arguments])


def test_fit_recovers_the_stated_parameters_and_writes_every_file(case):
    result = invoke("fit", case, "--data", case / "profile_counts.csv", "--free", "models.gclm1.kappa", "--free", "models.gclm1.alpha_tilde", "--name", "profile", "--json")
    assert result.exit_code == 0, result.output
    target = case / "fits" / "profile"
    assert {"fit.json", "fit.nc", "report.md", "report.html", "figures"} <= {p.name for p in target.iterdir()}
    assert {"fit.png", "corner_gclm1.png"} <= {p.name for p in (target / "figures").iterdir()}
    summary = json.loads((target / "fit.json").read_text())
    parameters = summary["fits"]["gclm1"]["parameters"]
    for key, truth in (("models.gclm1.kappa", 0.8), ("models.gclm1.alpha_tilde", 0.3)):  # make_data.py
        assert abs(parameters["values"][key] - truth) < 4 * parameters["errors"][key]
    assert summary["fits"]["gclm1"]["chi2_per_dof"] < 2
    with xr.open_dataset(target / "fit.nc", engine="h5netcdf") as dataset:
        for variable in [*dataset.data_vars.values(), *dataset.coords.values()]:
            assert {"units", "long_name"} <= set(variable.attrs), variable.name
        assert dataset["best_fit"].shape == (1, 40)


def test_infer_compares_all_models_and_prefers_the_generating_one(case):
    result = invoke(
        "infer",
        case,
        "--trajectories",
        case / "trajectories.npz",
        "--free",
        "models.gclm1.kappa",
        "--free",
        "models.gclm1.alpha_tilde",
        "--free",
        "models.ito.alpha",
        "--free",
        "models.gclm2.sigma",
        "--name",
        "paths",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((case / "fits" / "paths" / "fit.json").read_text())
    assert summary["comparison"][0]["model"] == "gclm1"
    assert summary["chi2_per_dof_vs_estimates"]["gclm1"]["diffusion"] < 2.5
    assert (case / "fits" / "paths" / "figures" / "estimates.png").exists()
    assert (case / "fits" / "paths" / "figures" / "residuals.png").exists()
    gclm1 = summary["fits"]["gclm1"]
    assert gclm1["parameters"]["interval_method"] == "profile" and gclm1["warnings"] == [] and gclm1["minima"][0]["delta_deviance"] == 0.0
    assert gclm1["noise_diagnostic"]["detected"] == 0.0


def write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--free", "models.gclm3.kappa"), "no model labelled 'gclm3'"),
        (("--free", "models.gclm1.nonsense"), "'nonsense' is not a key"),
        (("--free", "models.gclm2.temperature"), "not a real-valued parameter"),
        (("--free", "mesh.cells"), "expected models.LABEL.KEY"),
    ],
)
def test_bad_free_keys(case, arguments, message):
    result = invoke("fit", case, "--data", case / "profile_counts.csv", *arguments)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) <= 2
    assert not (case / "fits").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,count\n0.0,1\n0.2,3\n0.1,2\n0.3,1\n", "data line 3): x must be strictly increasing"),
        ("x,count\n0.0,1\n0.1,3\n0.1,2\n0.3,1\n", "is duplicated"),
        ("x,count\n0.0,1\n0.1,nan\n0.2,2\n0.3,1\n", "data line 2): counts[1] is not finite"),
        ("x,count\n0.0,1\n0.1,-3\n0.2,2\n0.3,1\n", "counts must be >= 0"),
        ("x,value,error\n0.0,1,0.1\n0.1,1,-0.1\n0.2,2,0.1\n0.3,1,0.1\n", "errors must be > 0"),
        ("x,count\n0.0,1\n0.1,abc\n", "column 'count': 'abc' is not a number"),
        ("x,signal\n0.0,1\n0.1,2\n", "needs columns x,value,error"),
    ],
)
def test_bad_profile_files(case, text, message):
    result = invoke("fit", case, "--data", write(case / "bad.csv", text), "--free", "models.gclm1.kappa")
    assert result.exit_code == 2
    assert message in result.output.replace("\n", " ").replace("  ", " ") or message in result.output
    assert not (case / "fits").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x\n0.1\nnan\n0.2\nnan\n0.3\n", "no trajectory has two finite points"),
        ("t,x\n0.0,0.1\n0.1,0.2\n0.1,0.3\n", "times must increase inside a trajectory"),
        ("x,id\n0.1,a\n0.2,b\n0.3,a\n", "trajectory id a must be contiguous (sample 2"),
        ("x\n0.5\n0.5\n0.5\n", "every increment is zero"),
        ("x\n0.1\n\x00\x01\n", "NUL byte"),
    ],
)
def test_bad_trajectory_files(case, text, message):
    result = invoke("infer", case, "--trajectories", write(case / "bad.csv", text), "--dt", "0.1")
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (case / "fits").exists()


def npy_header(shape, dtype="<f8"):
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def hostile(case, kind):
    """A hostile --trajectories argument of each kind; every one must be a one-line error."""
    path = case / f"hostile-{kind}"
    if kind == "garbage.csv":
        path.write_bytes(bytes(range(128, 256)) * 50)
    elif kind == "long-line.csv":
        path.write_text("x\n" + "1" * 10_000_000 + "\n")
    elif kind == "pickled.npy":
        np.save(path, np.array([np.zeros(3), np.zeros(2)], dtype=object), allow_pickle=True)
    elif kind == "ragged.npz":
        np.savez(path, x=np.array([np.zeros(3), np.zeros(2)], dtype=object))
    elif kind == "truncated.npy":
        np.save(path, np.linspace(0, 1, 1000))
        path.write_bytes(path.read_bytes()[:-100])
    elif kind == "huge-header.npy":
        path.write_bytes(npy_header((10**12,)) + b"\0" * 64)
    elif kind == "huge-header.npz":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("x.npy", npy_header((10**6, 10**6)) + b"\0" * 64)
    elif kind == "not-a-zip.npz":
        path.write_bytes(b"PK\x03\x04 garbage")
    elif kind == "dt-array.npz":
        np.savez(path, x=np.linspace(0, 1, 10), dt=np.array([0.1, 0.2]))
    elif kind == "directory.csv":
        path.mkdir()
    elif kind == "fifo.csv":
        os.mkfifo(path)
    elif kind == "dev-zero":
        return Path("/dev/zero")
    elif kind == "missing.csv":
        pass
    elif kind == "data.txt":
        path.write_text("x\n0.1\n")
    return path


HOSTILE = {
    "garbage.csv": "is not UTF-8 text",
    "long-line.csv": "line 2 is longer than",
    "pickled.npy": "holds Python objects",
    "ragged.npz": "array 'x': holds Python objects",
    "truncated.npy": "truncated or corrupt",
    "huge-header.npy": "the header claims shape (1000000000000,)",
    "huge-header.npz": "the header claims shape (1000000, 1000000)",
    "not-a-zip.npz": "not a .npz (zip) archive",
    "dt-array.npz": "'dt' must be one number",
    "directory.csv": "is a directory, not a data file",
    "fifo.csv": "is a FIFO (named pipe), not a data file",
    "dev-zero": "/dev/zero: is a character device, not a data file",
    "missing.csv": "data file does not exist",
    "data.txt": "unknown data format '.txt'",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_trajectory_files_are_one_line_errors(case, kind):
    result = invoke("infer", case, "--trajectories", hostile(case, kind), "--dt", "0.1", "--free", "models.ito.alpha")
    assert result.exit_code == 2, result.output
    assert HOSTILE[kind] in result.output.replace("\n", ""), result.output
    assert len(result.output.strip().splitlines()) <= 2
    assert not (case / "fits").exists()


def test_all_zero_counts_are_refused(case):
    result = invoke("fit", case, "--data", write(case / "zero.csv", "x,count\n-1,0\n0,0\n1,0\n"), "--free", "models.gclm1.kappa")
    assert result.exit_code == 2 and "every count is zero" in result.output
    assert not (case / "fits").exists()


def test_csv_with_bom_ids_missing_frames_and_dropped_times(case):
    """BOM, an id column, NaN and empty x as missing frames, times with a dropped frame:
    the same increments as the clean 2D array with the gap spanning 2 dt."""
    from fpsolver.cases.fit import read_trajectories

    text = "\ufeffid,t,x\n0,0.0,0.1\n0,0.1,0.2\n0,0.2,nan\n0,0.3,0.25\n1,0.0,-0.1\n1,0.1,\n1,0.2,-0.3\n1,0.4,-0.2\n"
    data = read_trajectories(write(case / "frames.csv", text), None)
    assert data.starts.tolist() == [0.1, 0.2, -0.1, -0.3] and data.ends.tolist() == [0.2, 0.25, -0.3, -0.2]
    assert np.allclose(data.intervals, [0.1, 0.2, 0.2, 0.2]) and data.dt == pytest.approx(0.2)


def test_npz_with_padding_ids_and_scalar_dt(case):
    from fpsolver.cases.fit import read_trajectories

    np.savez(case / "padded.npz", x=np.array([[0.1, 0.2, 0.3], [0.5, np.nan, 0.4]]), dt=np.array(0.05))
    data = read_trajectories(case / "padded.npz", None)
    assert data.lengths == (3, 2) and np.allclose(data.intervals, [0.05, 0.05, 0.1])


def test_free_formula_constant_with_its_case_file_spelling(case):
    from fpsolver.cases.fit import parse_free
    from fpsolver.cases.schema import load_case

    config = load_case(copy_case("buettiker-landauer", case))
    spelled = [parse_free(config, key) for key in ("temperature.parameters.a", "temperature.a", "potential.parameters.V0")]
    assert [(f.section, f.name, f.initial) for f in spelled] == [("temperature", "a", 0.5), ("temperature", "a", 0.5), ("potential", "V0", 0.5)]


def test_noisy_trajectories_are_warned_about_on_the_command_line(case):
    """Position noise 0.05 on the shipped trajectories: the lag-1 diagnostic warns in the
    CLI output and in fit.json; --wald switches the interval method."""
    with np.load(case / "trajectories.npz") as archive:
        x, dt = archive["x"], archive["dt"]
    noisy = np.clip(x + 0.05 * np.random.default_rng(1).standard_normal(x.shape), -2.0, 2.0)  # observed inside the case's domain
    np.savez(case / "noisy.npz", x=noisy, dt=dt)
    result = invoke("infer", case, "--trajectories", case / "noisy.npz", "--free", "models.ito.alpha", "--name", "noisy", "--wald")
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "anti-correlated" in result.output.replace("\n", " ")
    summary = json.loads((case / "fits" / "noisy" / "fit.json").read_text())
    ito = summary["fits"]["ito"]
    assert ito["noise_diagnostic"]["detected"] == 1.0 and ito["parameters"]["interval_method"] == "wald"
    assert any("anti-correlated" in warning for warning in ito["warnings"])


@pytest.mark.parametrize("kind", ["garbage.csv", "directory.csv", "truncated.npy", "not-a-zip.npz"])
def test_hostile_profile_files_are_one_line_errors(case, kind):
    result = invoke("fit", case, "--data", hostile(case, kind), "--free", "models.gclm1.kappa")
    assert result.exit_code == 2, result.output
    assert HOSTILE[kind] in result.output.replace("\n", ""), result.output
    assert not (case / "fits").exists()
