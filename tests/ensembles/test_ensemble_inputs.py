"""Bad input raises ValueError naming the parameter; tables are accurate; results convert to xarray."""

import numpy as np
import pytest
from _cases import DOMAIN, mesh40, model_cases

from fpsolver import exact
from fpsolver.ensembles import run_ensemble, run_inertial_ensemble
from fpsolver.ensembles._tables import inertial_table, overdamped_table
from fpsolver.ensembles.options import OverdampedOptions

MODEL = model_cases()["ito"]


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"n_particles": 0}, "n_particles"),
        ({"n_particles": -5}, "n_particles"),
        ({"dt": 0.0}, "dt"),
        ({"dt": -1e-3}, "dt"),
        ({"dt": float("nan")}, "dt"),
        ({"t_end": 0.0}, "t_end"),
        ({"x0": 1.5}, "x0"),
        ({"x0": -1.0001}, "x0"),
        ({"scheme": "rk4"}, "scheme"),
        ({"boundary": "sticky"}, "boundary"),
        ({"boundary": "periodic"}, "boundary"),  # the model's coefficients are not periodic on [-1, 1]
        ({"burn_in": 0.5}, "burn_in"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"seed": -1}, "seed"),
        ({"table_points": 1}, "table_points"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(options, parameter):
    arguments = {"n_particles": 10, "dt": 1e-3, "t_end": 0.1, "sample_interval": 1e-3, **options}
    with pytest.raises(ValueError, match=parameter):
        run_ensemble(MODEL, mesh40(), arguments.pop("n_particles"), arguments.pop("dt"), arguments.pop("t_end"), **arguments)


def test_absorbing_walls_need_x0_strictly_inside():
    with pytest.raises(ValueError, match="x0"):
        run_ensemble(MODEL, mesh40(), 10, 1e-3, 0.1, x0=1.0, boundary="absorbing")


def test_inertial_bad_mass_raises():
    with pytest.raises(ValueError, match="mass"):
        run_inertial_ensemble(MODEL, mesh40(), 10, 1e-3, 0.1, mass=0.0)


@pytest.mark.parametrize("name", ["ito", "gclm1", "gclm2"])
def test_table_interpolation_error_is_far_below_statistical_error(name):
    """Relative error of the tabulated coefficients, propagated to the steady density, < 1e-5.

    A relative coefficient error e changes the steady density by at most
    ~ |dD/D| + integral |d(A/D)| dx; the smallest statistical error of any test
    here is ~2e-3 per cell.
    """
    model = model_cases()[name]
    x = np.random.default_rng(0).uniform(*DOMAIN, 20_000)
    c = model.coefficients(x, DOMAIN)
    table = overdamped_table(model, DOMAIN, OverdampedOptions().table_points).interpolate(x)
    relative_D = np.max(np.abs(table[:, 1] ** 2 / 2 - c.D) / c.D)
    drift_over_D = np.max(np.abs(-table[:, 0] - c.A) / c.D) * (DOMAIN[1] - DOMAIN[0])
    assert relative_D + drift_over_D < 1e-5, (relative_D, drift_over_D)
    terms = model.langevin_terms(x, DOMAIN)
    inertial = inertial_table(model, DOMAIN, OverdampedOptions().table_points).interpolate(x)
    assert np.max(np.abs(inertial[:, 1] - terms.friction) / terms.friction) < 1e-5


def test_results_convert_to_xarray_with_units_and_metadata():
    result = run_ensemble(MODEL, mesh40(), 300, 1e-3, 0.05, sample_interval=1e-3, seed=3, progress=None)
    dataset = result.to_xarray()
    assert dataset["P"].attrs["units"] == "1/length"
    assert '"seed": 3' in dataset.attrs["metadata"]
    assert np.isclose(float((dataset["P"] * dataset["volume"]).sum()), 1.0)
    inertial = run_inertial_ensemble(MODEL, mesh40(), 300, 1e-3, 0.05, mass=0.1, sample_interval=1e-3, seed=3).to_xarray()
    assert inertial["v_density"].attrs["units"] == "time/length"


def test_progress_callback_reports_every_block_up_to_the_total():
    calls = []
    run_ensemble(MODEL, mesh40(), 100_000, 1e-3, 0.6, seed=1, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 1 and calls[-1] == (600, 600)
    assert all(b[0] > a[0] for a, b in zip(calls, calls[1:]))


def test_density_is_normalised_over_cells():
    result = run_ensemble(MODEL, mesh40(), 1000, 1e-3, 0.05, sample_interval=1e-3, seed=3)
    assert np.isclose(np.sum(result.P * result.volumes), 1.0)
    assert exact.steady_state(MODEL, mesh40()).shape == result.P.shape
