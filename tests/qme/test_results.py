"""QME results: provenance in ``metadata`` and tidy ``to_xarray()`` (named dims, coordinates,
``units`` and ``long_name`` on every variable) that round-trips through NetCDF."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from fpsolver import __version__, qme

RESULTS = {
    "chain": lambda: qme.chain(4, 1.0, 0.6, 0.8, 0.3, approach="local"),
    "lambda": lambda: qme.lambda_system(T_1=1.0, T_2=0.4, omega_2=1.3),
    "v": lambda: qme.v_system(T_1=1.0, T_2=0.4, method="liouvillian"),
    "dot": lambda: qme.quantum_dot(0.5, 1.2, 0.8, 0.1, -0.1),
    "dot_lindblad": lambda: qme.quantum_dot_lindblad(0.5, 1.2, 0.8, 0.1, -0.1),
    "steady_state": lambda: qme.steady_state(qme.chain_master_equation(3, 1.0, 0.4, 0.9, 0.2)),
}


def assert_tidy(dataset: xr.Dataset) -> None:
    for variable in [*dataset.data_vars.values(), *dataset.coords.values()]:
        assert variable.attrs["units"] and variable.attrs["long_name"], variable.name
    for dim in dataset.dims:
        assert dim in dataset.coords, dim


@pytest.mark.parametrize("name", RESULTS)
def test_to_xarray_is_tidy_and_survives_netcdf(name, tmp_path):
    result = RESULTS[name]()
    dataset = result.to_xarray()
    assert_tidy(dataset)
    assert dataset.attrs["fpsolver_version"] == __version__
    assert dataset.attrs["method"] == result.method
    dataset.to_netcdf(tmp_path / "result.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "result.nc", engine="h5netcdf") as reread:
        xr.testing.assert_identical(reread.load(), dataset)


@pytest.mark.parametrize("name", ["chain", "lambda", "v", "dot", "dot_lindblad"])
def test_system_results_record_the_call(name):
    result = RESULTS[name]()
    metadata = result.metadata
    assert metadata["fpsolver_version"] == __version__
    assert metadata["wall_time_s"] > 0
    assert metadata["method"] == result.method
    assert metadata["function"].startswith("fpsolver.qme.systems.")
    dataset = result.to_xarray()
    assert json.loads(dataset.attrs["parameters"]) == metadata["parameters"]


def test_parameters_record_defaults_and_arguments():
    parameters = qme.chain(4, 1.0, 0.6, 0.8, 0.3, approach="local").metadata["parameters"]
    assert parameters == {"N": 4, "h": 1.0, "g": 0.6, "T_left": 0.8, "T_right": 0.3, "gamma": 1.0, "approach": "local", "hbar": 1.0, "k_B": 1.0, "method": "auto"}
    assert qme.quantum_dot_lindblad(0.5, 1.2, 0.8, 0.1, -0.1).metadata["method"] == "pauli"
    assert qme.quantum_dot(0.5, 1.2, 0.8, 0.1, -0.1).metadata["method"] == "closed_form"


def test_chain_dataset_holds_the_result():
    result = RESULTS["chain"]()
    dataset = result.to_xarray()
    assert dataset.site_populations.dims == ("site",) and list(dataset.site.values) == [1, 2, 3, 4]
    np.testing.assert_array_equal(dataset.site_populations.values, result.site_populations)
    np.testing.assert_array_equal(dataset.heat_currents.values, result.heat_currents)
    assert float(dataset.entropy_production) == result.entropy_production


def test_three_level_dataset_labels_its_levels():
    result = RESULTS["lambda"]()
    dataset = result.to_xarray()
    assert list(dataset.level.values) == ["1", "2", "e"]
    assert float(dataset.populations.sel(level="2") - dataset.populations.sel(level="1")) == pytest.approx(result.population_imbalance, abs=1e-15)


def test_steady_state_dataset_rebuilds_rho_and_the_baths():
    state = RESULTS["steady_state"]()
    dataset = state.to_xarray()
    rho = dataset.rho_real.values + 1j * dataset.rho_imag.values
    np.testing.assert_allclose(rho, state.density_matrix, atol=1e-15)
    assert np.trace(rho).real == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(dataset.bath_temperature.values, [0.9, 0.55, 0.2])
    assert dataset.attrs["dimension"] == 6 and dataset.attrs["baths"] == 3 and dataset.attrs["method"] == "pauli"
    assert float(dataset.heat_currents.sum()) == pytest.approx(0.0, abs=1e-14)


def test_qme_steady_state_is_not_the_pde_steady_state():
    import fpsolver

    assert not hasattr(qme, "SteadyState")
    assert qme.QMESteadyState is not fpsolver.SteadyState
