"""gCLm-I with T0 = "per-particle": each trajectory keeps the noise of T(x(0)), so the steady
histogram is the mixture of fixed-T0 steady states over the initial distribution."""

import numba
import numpy as np
import pytest

import fpsolver
from fpsolver import exact, meshes, profiles
from fpsolver.analysis import compare
from fpsolver.ensembles import InertialEnsemble, OverdampedEnsemble

DOMAIN = (-1.0, 1.0)
MESH = meshes.uniform(-1.0, 1.0, 20)


def _model(overdamped="kramers", T0="per-particle"):
    """T from 0.29 to 3.5 over the domain and a curved profile (eta_eff(x) not constant), so
    the Kramers drift has a noise-induced part and Platen's supporting values matter."""
    return fpsolver.GCLM1(profiles.exponential(T0=1.0, length=0.8), kappa=1.0, alpha_tilde=0.03, T0=T0, overdamped=overdamped)


def _mixture(model):
    nodes, weights = exact.initial_distribution("uniform", DOMAIN)
    return exact.per_particle_mixture(model, nodes, weights, DOMAIN, lambda fixed: compare.cell_averages(fixed, MESH))


@pytest.mark.parametrize(("overdamped", "scheme"), [("kramers", "weak2"), ("ito", "euler")])
def test_histogram_is_the_mixture_of_fixed_T0_states_and_not_the_single_T0_state(overdamped, scheme):
    model = _model(overdamped)
    result = OverdampedEnsemble(model, MESH, 8192, 5e-4, 6.0, scheme=scheme, sample_interval=0.25, seed=1).run()
    mixture = _mixture(model)
    single = compare.cell_averages(model.with_noise_ratio(1.0, DOMAIN), MESH)  # T0 = T(0) for every particle
    assert compare.chi2_per_dof(result.P, mixture, result.P_error) < 2.0
    assert compare.chi2_per_dof(result.P, single, result.P_error) > 15.0
    assert compare.l1_distance(mixture, single, result.volumes) > 0.05


def test_drift_column_is_the_noise_induced_drift_of_the_kramers_form():
    kramers, ito = (OverdampedEnsemble(_model(form), MESH, 256, 1e-3, 0.01) for form in ("kramers", "ito"))
    x = kramers.table.grid
    c = _model("kramers").coefficients(x, DOMAIN)
    terms = _model("kramers").langevin_terms(x, DOMAIN)
    # A = -F/gamma + gamma' Gamma / gamma^3: a = -A has the noise-induced part -gamma' Gamma / gamma^3
    assert np.allclose(kramers.table.values[:, 2], -terms.dfriction * terms.noise / terms.friction**3, rtol=1e-12, atol=1e-14)
    assert np.array_equal(ito.table.values[:, 2], np.zeros_like(x))
    assert np.allclose(kramers.table.values[:, 1], np.sqrt(2.0 * c.D), rtol=1e-14)


def test_a_common_start_gives_the_fixed_T0_state_of_that_start():
    model = _model("ito")
    result = OverdampedEnsemble(model, MESH, 8192, 5e-4, 6.0, x0=0.6, sample_interval=0.25, seed=2).run()
    fixed = compare.cell_averages(model.with_noise_ratio(float(model.noise_ratios(np.array([0.6]), DOMAIN)[0]), DOMAIN), MESH)
    assert fixed == pytest.approx(_fixed_by_T0(0.6), rel=1e-12)
    assert compare.chi2_per_dof(result.P, fixed, result.P_error) < 2.0


def _fixed_by_T0(x0):
    return compare.cell_averages(_model("ito", T0=float(profiles.exponential(T0=1.0, length=0.8).T(np.array([x0]))[0])), MESH)


def _fields(result):
    return [result.P, result.counts, result.mean, result.variance, result.final_x]


def _small(chunk_size=256):
    return OverdampedEnsemble(_model(), MESH, 3000, 1e-3, 0.2, sample_interval=1e-2, seed=5, chunk_size=chunk_size)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
def test_one_and_two_threads_give_identical_results(restore_threads):
    numba.set_num_threads(1)
    one = _small().run()
    numba.set_num_threads(2)
    two = _small().run()
    for a, b in zip(_fields(one), _fields(two)):
        assert np.array_equal(a, b, equal_nan=True)


def test_chunk_splits_merge_to_the_single_run():
    ensemble = _small()
    whole = ensemble.run()
    chunks = np.arange(ensemble.n_chunks)
    for parts in ([chunks[1::2], chunks[0::2]], [chunks[:3], chunks[3:7], chunks[7:]]):
        merged = ensemble.merge([ensemble.run_chunks(part) for part in parts])
        for a, b in zip(_fields(whole), _fields(merged)):
            assert np.array_equal(a, b, equal_nan=True)


def test_per_particle_differs_from_global_T0_with_the_same_streams():
    per_particle = _small().run()
    global_T0 = OverdampedEnsemble(_model(T0=None), MESH, 3000, 1e-3, 0.2, sample_interval=1e-2, seed=5).run()
    assert not np.array_equal(per_particle.final_x, global_T0.final_x)


def test_inertial_and_pde_refuse_per_particle_T0():
    with pytest.raises(ValueError, match="inertial ensemble needs one noise temperature"):
        InertialEnsemble(_model(), MESH, 256, 1e-3, 0.01, mass=0.1)
    with pytest.raises(ValueError, match="Fokker-Planck equation needs one noise temperature"):
        fpsolver.solve_steady(_model(), MESH)
    with pytest.raises(ValueError, match="exact steady state needs one noise temperature"):
        exact.steady_state(_model(), MESH)
