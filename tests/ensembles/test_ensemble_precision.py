"""Ensembles sized by ``precision``: chunks are added in rounds until the relative standard
error of an average cell reaches the target, reproducibly."""

import numpy as np
import pytest
from _cases import model_cases

from fpsolver import meshes
from fpsolver.ensembles import OverdampedEnsemble, run_ensemble, run_inertial_ensemble
from fpsolver.ensembles.options import MIN_PRECISION_CHUNKS

MESH = meshes.uniform(-1.0, 1.0, 10)
RUN = dict(dt=2e-3, t_end=0.4, burn_in=0.1, sample_interval=0.02, chunk_size=32, seed=3)


def _reached(result):
    """sqrt(cells * sum_i (err_i V_i)^2), recomputed from the result's own errors."""
    return float(np.sqrt(result.volumes.size * np.sum((result.P_error * result.volumes) ** 2)))


def test_a_run_without_n_particles_grows_until_the_precision_is_reached():
    result = run_ensemble(model_cases()["ito"], MESH, precision=0.02, **RUN)
    assert result.n_particles % RUN["chunk_size"] == 0 and result.n_particles > MIN_PRECISION_CHUNKS * RUN["chunk_size"], "one round would not have sufficed"
    assert result.metadata["precision_reached"] == pytest.approx(_reached(result))
    assert result.metadata["precision_reached"] <= 0.02 == result.metadata["precision_target"]
    # one chunk fewer would not have reached it by much: the growth rule aims 10% past the target
    assert result.metadata["precision_reached"] > 0.02 / 2


def test_a_loose_target_stops_after_the_minimum_number_of_chunks():
    result = run_ensemble(model_cases()["ito"], MESH, precision=0.5, **RUN)
    assert result.n_particles == MIN_PRECISION_CHUNKS * RUN["chunk_size"]
    assert result.metadata["precision_reached"] <= 0.5


def test_the_grown_run_is_bit_identical_to_a_fixed_run_of_its_final_size():
    grown = run_ensemble(model_cases()["gclm1"], MESH, precision=0.02, **RUN)
    fixed = run_ensemble(model_cases()["gclm1"], MESH, grown.n_particles, **RUN)
    assert fixed.metadata["precision_target"] is None
    for name in ("counts", "P", "P_error", "final_x", "mean", "variance"):
        assert np.array_equal(getattr(grown, name), getattr(fixed, name), equal_nan=True), name


def test_rounds_split_across_calls_merge_to_the_single_run():
    ensemble = OverdampedEnsemble(model_cases()["ito"], MESH, precision=0.02, **RUN)
    chunks = np.arange(ensemble.n_chunks)
    partials = [ensemble.run_chunks(chunks[1::2]), ensemble.run_chunks(chunks[0::2])]
    while (more := ensemble.more_chunks(partials)) is not None:
        partials.append(ensemble.run_chunks(more))
    whole = run_ensemble(model_cases()["ito"], MESH, precision=0.02, **RUN)
    assert np.array_equal(ensemble.merge(partials).counts, whole.counts)


def test_the_inertial_ensemble_is_sized_by_precision_too():
    result = run_inertial_ensemble(model_cases()["ito"], MESH, mass=0.05, precision=0.03, **RUN)
    assert result.metadata["precision_reached"] <= 0.03 and result.metadata["n_particles"] >= MIN_PRECISION_CHUNKS * RUN["chunk_size"]


def test_an_array_x0_needs_n_particles():
    with pytest.raises(ValueError, match="'x0' as an array of positions needs 'n_particles'"):
        run_ensemble(model_cases()["ito"], MESH, x0=np.zeros(64), **RUN)


def _nd_run(**options):
    from fpsolver import geometry, geometry_fields
    from fpsolver.ensembles.overdamped_nd import Box, cartesian_bins, run_ensemble_nd
    from fpsolver.models import Ito

    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (6, 6))
    model = Ito(geometry_fields.formula("1 + 0.5*x*x + 0.3*y", dimension=2), alpha=0.5)
    return run_ensemble_nd(model, Box.from_mesh(mesh), dt=4e-3, t_end=0.8, burn_in=0.2, sample_interval=0.1, chunk_size=32, seed=5, bins=cartesian_bins(mesh), **options)


def test_an_nd_run_grows_until_the_precision_is_reached_and_equals_the_fixed_run():
    grown = _nd_run(precision=0.03)
    n = grown.metadata["n_particles"]
    assert n % 32 == 0 and n > MIN_PRECISION_CHUNKS * 32, "one round would not have sufficed"
    errors = grown.P_error * grown.bins.areas
    assert grown.metadata["precision_reached"] == pytest.approx(float(np.sqrt(errors.size * np.sum(errors**2))))
    assert 0.03 / 2 < grown.metadata["precision_reached"] <= 0.03 == grown.metadata["precision_target"]
    fixed = _nd_run(n_particles=n)
    assert fixed.metadata["precision_target"] is None
    for name in ("counts", "P", "P_error", "final_positions"):
        assert np.array_equal(getattr(grown, name), getattr(fixed, name), equal_nan=True), name
