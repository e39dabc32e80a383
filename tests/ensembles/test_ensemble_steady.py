"""Steady histograms of the overdamped ensembles against the exact zero-flux state."""

import pytest
from _cases import DOMAIN, mesh40, model_cases, sample_steady_state

from fpsolver import compare
from fpsolver.ensembles import run_ensemble

N_PARTICLES = 200_000


@pytest.mark.parametrize("name", ["ito", "gclm1", "gclm2"])
def test_steady_histogram_matches_exact_steady_state(name):
    """Start in the exact steady state and let the SDE run for about one relaxation time.

    A wrong drift or noise moves the histogram away by a large fraction of the
    difference between the true and the wrong stationary states. Each particle
    is sampled once, at t_end, so the samples are independent and the expected
    L1 distance of the histogram is compare.expected_l1(P, V, N) (about 0.011 for
    N = 2e5 on 40 cells); the bound is 1.3 times that (the L1 distance of 40
    cells fluctuates by ~10% of its mean) plus 0.002 for time-step bias.
    """
    model = model_cases()[name]
    mesh = mesh40()
    x0 = sample_steady_state(model, DOMAIN, N_PARTICLES, seed=11)
    dt, t_end = 2e-3, 1.5
    result = run_ensemble(model, mesh, N_PARTICLES, dt, t_end, scheme="weak2", burn_in=t_end - dt, sample_interval=dt, seed=5, x0=x0, chunk_size=4096)
    reference = compare.cell_averages(model, mesh)
    bound = 1.3 * compare.expected_l1(reference, result.volumes, N_PARTICLES) + 0.002
    l1 = compare.l1_distance(result.P, reference, result.volumes)
    chi2 = compare.chi2_per_dof(result.P, reference, result.P_error)
    assert result.counts.sum() == N_PARTICLES
    assert l1 < bound, (l1, bound)
    assert chi2 < 2.0, chi2
