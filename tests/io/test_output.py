"""The case writers: tidy NetCDF and CSV, metrics JSON, figures and report, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from matplotlib.figure import Figure

from fpsolver import meshes, profiles
from fpsolver.analysis.checks import Check
from fpsolver.io.output import read_metrics, stack_models, write_results
from fpsolver.models import GCLM1, Ito
from fpsolver.pde import exact
from fpsolver.pde.steady import solve_steady
from fpsolver.results.case import CaseIdentity, CaseResults


@pytest.fixture
def results(tmp_path) -> CaseResults:
    mesh = meshes.uniform(-1.0, 1.0, 40)
    profile = profiles.exponential(T0=1.0, length=0.8)
    models = {"ito": Ito(profile), "a_exact": GCLM1(profile, kappa=0.5)}
    x = meshes.cell_centers(mesh)
    steady = {label: solve_steady(model, mesh) for label, model in models.items()}
    identity = CaseIdentity(name="demo", directory=tmp_path / "demo", title="", configuration={"ensemble": {"seed": 3}}, configuration_sha256="f" * 64)
    return CaseResults(
        case=identity,
        x=x,
        T=profile.T(x),
        steady=steady,
        exact={label: exact.steady_state(model, mesh) for label, model in models.items()},
        soret={label: (x[1:], np.ones(x.size - 1)) for label in models},
        metrics={label: {"mass": s.mass} for label, s in steady.items()},
    )


def test_steady_netcdf_is_tidy_and_plots_by_model(results):
    target = write_results(results, [Check("ito", "mass", 1.0, 1.1)])
    with xr.open_dataset(target / "steady.nc", engine="h5netcdf") as ds:
        assert ds.P.dims == ("model", "x") and list(ds.model.values) == ["ito", "a_exact"]
        assert ds.T.dims == ("x",) and ds.volume.dims == ("x",)
        for variable in [*ds.data_vars.values(), *ds.coords.values()]:
            assert {"units", "long_name"} <= set(variable.attrs), variable.name
        np.testing.assert_array_equal(ds.P.sel(model="a_exact").values, results.steady["a_exact"].P)
        np.testing.assert_array_equal(ds.P_exact.sel(model="ito").values, results.exact["ito"])
        lines = ds.P.plot(hue="model", ax=Figure().add_subplot())
        assert len(lines) == 2
        assert json.loads(ds.provenance.sel(model="ito").item())["fpsolver_version"]


def test_steady_csv_is_long_so_labels_cannot_collide(results):
    target = write_results(results, [])
    table = np.genfromtxt(target / "steady.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    assert table.dtype.names == ("model", "x", "T", "P", "P_exact")
    labels = [label.strip('"') for label in table["model"]]
    assert labels.count("ito") == labels.count("a_exact") == results.x.size
    ito = table[np.array(labels) == "ito"]
    np.testing.assert_allclose(ito["P_exact"], results.exact["ito"], rtol=1e-14)


def test_metrics_json_round_trips_and_belongs_to_its_configuration(results):
    check = Check("ito", "mass", 0.5, 1.0, comparison="lower")
    target = write_results(results, [check])
    document = json.loads((target / "metrics.json").read_text())
    assert document["checks"] == [check.as_dict()] and document["checks"][0]["passed"] is False
    assert read_metrics(target, "f" * 64) == results.metrics
    assert read_metrics(target, "0" * 64) is None
    assert read_metrics(Path(target) / "missing", "f" * 64) is None


def test_stack_models_pads_coordinates_that_differ_between_models():
    a = xr.Dataset({"mean": ("time", [1.0, 2.0, 3.0], {"units": "length", "long_name": "<x>"})}, coords={"time": ("time", [0.0, 1.0, 2.0], {"units": "time", "long_name": "t"})})
    b = xr.Dataset({"mean": ("time", [5.0, 6.0], {"units": "length", "long_name": "<x>"})}, coords={"time": ("time", [0.0, 0.5], {"units": "time", "long_name": "t"})})
    stacked = stack_models({"a": a, "b": b})
    assert stacked["mean"].dims == ("model", "time_index")
    np.testing.assert_array_equal(stacked["time"].sel(model="b").values, [0.0, 0.5, np.nan])
    np.testing.assert_array_equal(stacked["mean"].sel(model="a").values, [1.0, 2.0, 3.0])
    assert stacked["time"].attrs["units"] == "time"
