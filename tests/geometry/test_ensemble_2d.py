"""2D overdamped ensembles against the 2D PDE (rectangle) and the cylindrical PDE (disc).

Samples are taken every 0.4 time units (about the relaxation time), so the counts
are close to multinomial with the PDE's bin probabilities p: chi^2/dof has mean 1
and standard deviation sqrt(2/dof), and the expected L1 distance is
sum sqrt(2 p (1 - p) / (pi N)). Seeds are fixed, so the outcome is deterministic.
"""

import fipy
import numba
import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from fpsolver import geometry, geometry_fields, potentials, profiles
from fpsolver.ensembles.overdamped_nd import Disc, Rectangle, cartesian_bins, polar_bins, run_ensemble_2d
from fpsolver.models import Ito
from fpsolver.pde.steady import solve_steady


def _check_multinomial(counts, p):
    N = counts.sum()
    dof = p.size - 1
    chi2_per_dof = np.sum((counts - N * p) ** 2 / (N * p)) / dof
    l1 = np.sum(np.abs(counts / N - p))
    expected_l1 = np.sum(np.sqrt(2 * p * (1 - p) / (np.pi * N)))
    assert chi2_per_dof < 1 + 4 * np.sqrt(2 / dof), chi2_per_dof
    assert l1 < 1.5 * expected_l1, (l1, expected_l1)


def test_rectangle_ensemble_histogram_matches_2d_pde():
    """Non-equilibrium case (hot spot plus a potential: A/D is no gradient). The PDE
    reference is the 96 x 96 solve averaged over 8 x 8 blocks, i.e. the bin averages."""
    model = Ito(
        geometry_fields.formula("1 + 2*exp(-((x - 0.2)**2 + y**2)/(2*0.3**2))"),
        potential=geometry_fields.potential_formula("x*y + x**2/2"),
    )
    coarse = geometry.grid((-1.0, -1.0), (1.0, 1.0), (12, 12))
    fine = solve_steady(model, geometry.grid((-1.0, -1.0), (1.0, 1.0), (96, 96))).P
    bins = cartesian_bins(coarse)
    p = fine.reshape(12, 8, 12, 8).mean(axis=(1, 3)).ravel() * bins.areas
    result = run_ensemble_2d(model, Rectangle.from_mesh(coarse), 30000, 1e-3, 5.0, bins=bins, burn_in=1.0, sample_interval=0.4, seed=1, scheme="euler")
    assert result.counts.sum() == 30000 * 10
    assert np.sum(result.P * bins.areas) == pytest.approx(1.0)
    _check_multinomial(result.counts, p)


def test_disc_ensemble_radial_histogram_matches_cylindrical_pde():
    model = Ito(
        geometry_fields.formula("1 + 2*exp(-(x**2 + y**2)/(2*0.3**2))"),
        potential=geometry_fields.potential_formula("k*(x**2 + y**2)/2", k=1.5),
    )
    radial = solve_steady(
        Ito(profiles.formula("1 + 2*exp(-x**2/(2*0.3**2))"), potential=potentials.formula("k*x**2/2", k=1.5)),
        fipy.CylindricalGrid1D(nx=2000, dx=1.0 / 2000),
    )
    bins = polar_bins(Disc(), 12, 4)
    mass = CubicSpline(radial.x, radial.P * radial.x)  # P r: FiPy's cylindrical volumes are r dr
    rings = np.diff([mass.integrate(0.0, r) for r in bins.edges_a])
    p = np.repeat(rings / rings.sum(), 4) / 4
    result = run_ensemble_2d(model, Disc(), 30000, 1e-3, 5.0, bins=bins, burn_in=1.0, sample_interval=0.4, seed=3, scheme="euler")
    assert np.all(np.hypot(result.final_x, result.final_y) <= 1.0)
    _check_multinomial(result.counts, p)


def test_ensemble_2d_is_reproducible_and_seed_dependent():
    model = Ito(geometry_fields.formula("1 + x**2 + y**2"))
    mesh = geometry.grid((0.0, 0.0), (1.0, 2.0), (4, 6))
    run = dict(bins=cartesian_bins(mesh), burn_in=0.0, sample_interval=5e-3, chunk_size=100)
    first = run_ensemble_2d(model, Rectangle.from_mesh(mesh), 1000, 1e-3, 0.1, seed=7, **run)
    again = run_ensemble_2d(model, Rectangle.from_mesh(mesh), 1000, 1e-3, 0.1, seed=7, **run)
    other = run_ensemble_2d(model, Rectangle.from_mesh(mesh), 1000, 1e-3, 0.1, seed=8, **run)
    np.testing.assert_array_equal(first.counts, again.counts)
    np.testing.assert_array_equal(first.final_x, again.final_x)
    assert not np.array_equal(first.final_x, other.final_x)
    assert np.all((first.final_x >= 0) & (first.final_x <= 1) & (first.final_y >= 0) & (first.final_y <= 2))


def test_ensemble_2d_rejects_bad_parameters():
    model = Ito(geometry_fields.formula("1 + x**2 + y**2"))
    bins = polar_bins(Disc(), 3)
    with pytest.raises(ValueError, match="'dt' must be greater than 0"):
        run_ensemble_2d(model, Disc(), 10, -1.0, 1.0, bins=bins)
    with pytest.raises(ValueError, match="temperature profile is 1D"):
        run_ensemble_2d(Ito(profiles.linear()), Disc(), 10, 1e-3, 1.0, bins=bins)


def test_ensemble_2d_split_into_chunk_subsets_merges_bit_identically(restore_threads):
    from fpsolver.ensembles.overdamped_nd import OverdampedEnsemble2D

    model = Ito(geometry_fields.formula("1 + x**2 + y**2"))
    ensemble = OverdampedEnsemble2D(model, Disc(), 1000, 1e-3, 0.1, bins=polar_bins(Disc(), 5, 3), burn_in=0.0, sample_interval=5e-3, chunk_size=128, seed=5)
    whole = ensemble.run()
    merged = ensemble.merge([ensemble.run_chunks([1, 3, 5, 7]), ensemble.run_chunks([6, 0, 4, 2])])
    np.testing.assert_array_equal(whole.counts, merged.counts)
    np.testing.assert_array_equal(whole.final_x, merged.final_x)
    np.testing.assert_array_equal(whole.final_y, merged.final_y)
    with pytest.raises(ValueError, match="exactly once"):
        ensemble.merge([ensemble.run_chunks([0, 1])])
    other_seed = OverdampedEnsemble2D(model, Disc(), 1000, 1e-3, 0.1, bins=polar_bins(Disc(), 5, 3), burn_in=0.0, sample_interval=5e-3, chunk_size=128, seed=6)
    with pytest.raises(ValueError, match="different ensemble"):
        ensemble.merge([ensemble.run_chunks([0, 1, 2, 3]), other_seed.run_chunks([4, 5, 6, 7])])
    numba.set_num_threads(1)
    single_thread = ensemble.run()
    np.testing.assert_array_equal(whole.final_x, single_thread.final_x)


def test_ensemble_2d_result_to_xarray_is_tidy_and_round_trips(tmp_path):
    import xarray as xr

    model = Ito(geometry_fields.formula("1 + x**2 + y**2"))
    mesh = geometry.grid((0.0, 0.0), (1.0, 2.0), (4, 6))
    result = run_ensemble_2d(model, Rectangle.from_mesh(mesh), 500, 1e-3, 0.05, bins=cartesian_bins(mesh), burn_in=0.0, sample_interval=5e-3, chunk_size=100, seed=2)
    dataset = result.to_xarray()
    for variable in [*dataset.data_vars.values(), *dataset.coords.values()]:
        assert {"units", "long_name"} <= set(variable.attrs), variable.name
    assert float((dataset.P * dataset.area).sum()) == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_array_equal(dataset.x_centre.values, result.bins.centres[0])
    assert dataset.attrs["bins"] == "cartesian" and "fpsolver_version" in dataset.attrs
    dataset.to_netcdf(tmp_path / "e.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "e.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back.counts.values, result.counts)
