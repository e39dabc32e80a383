"""Weak order of the stationary bias, walls far away (fast version of validation/ensemble_weak_order.py)."""

import numpy as np
import pytest
from _cases import exact_moments, weak_order_model

from fpsolver import meshes
from fpsolver.analysis.compare import log_slope
from fpsolver.ensembles import SDE_SCHEMES, run_ensemble

TIME_STEPS = (0.4, 0.2, 0.1)


def _stationary_bias(scheme, dt, model, domain):
    # t_end so that the statistical error at the smallest step stays below ~15% of the weak-2 bias
    t_end = 160.0 if scheme == "weak2" else 40.0
    result = run_ensemble(model, meshes.uniform(*domain, 12), 100_000, dt, t_end, scheme=scheme, burn_in=8.0, sample_interval=dt, seed=21, x0=0.0)
    return result


@pytest.mark.parametrize("scheme", ["euler", "weak2"])
def test_stationary_bias_slope_matches_declared_weak_order(scheme):
    """Fitted log-log slope of |<x^2>_dt - <x^2>| (and of <x> for Euler) within 0.3 of the declared order.

    The <x^2> bias is resolved to 1% or better, so its slope is tested against 0.3
    alone (the allowance for the dt^2 terms at these steps). The Euler <x> bias at
    dt = 0.1 is only ~4 standard errors, so its slope carries a statistical error of
    ~0.12 on top (slopes 1.1-1.36 over seeds, before and after the random streams
    changed): the band is 0.3 plus two of its standard errors. For the weak-2 scheme
    the bias in <x> is ~5e-4 at dt = 0.2, below this fast test's resolution; the
    validation study measures it with more samples.
    """
    model, domain = weak_order_model()
    m1, m2 = exact_moments(model, domain)
    results = [_stationary_bias(scheme, dt, model, domain) for dt in TIME_STEPS]
    bias2 = np.array([r.steady_second_moment - m2 for r in results])
    error2 = np.array([r.steady_second_moment_error for r in results])
    assert np.all(np.abs(bias2) > 4 * error2), (bias2, error2)
    order = SDE_SCHEMES[scheme].weak_order
    slope2 = np.polyfit(np.log(TIME_STEPS), np.log(np.abs(bias2)), 1)[0]
    assert abs(slope2 - order) < 0.3, slope2
    if scheme == "euler":
        bias1 = np.array([r.steady_mean - m1 for r in results])
        error1 = np.array([r.steady_mean_error for r in results])
        slope1, slope1_error = log_slope(np.array(TIME_STEPS), bias1, error1)
        assert slope1_error < 0.25, (slope1_error, bias1, error1)  # the band stays narrower than order 1 vs 2
        assert abs(slope1 - order) < 0.3 + 2.0 * slope1_error, (slope1, slope1_error, bias1)
