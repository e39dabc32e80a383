"""``fpsolver fit`` and ``fpsolver infer`` on the shipped case fit-synthetic: the files they
promise, and one-line errors (exit 2, nothing written) for bad input."""

from __future__ import annotations

import json

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
        ("x\n0.1\nnan\n0.2\n0.3\n", "has one point"),
        ("t,x\n0.0,0.1\n0.1,0.2\n0.25,0.3\n", "non-uniform dt"),
    ],
)
def test_bad_trajectory_files(case, text, message):
    result = invoke("infer", case, "--trajectories", write(case / "bad.csv", text), "--dt", "0.1")
    assert result.exit_code == 2
    assert message in result.output
    assert not (case / "fits").exists()


def test_one_point_trajectories_in_npy(case):
    np.save(case / "single.npy", np.array([[0.1], [0.2]]))
    result = invoke("infer", case, "--trajectories", case / "single.npy", "--dt", "0.1")
    assert result.exit_code == 2 and "has one point" in result.output
    assert not (case / "fits").exists()
