"""The convergence-order fit: exact on power laws, honest about its error, strict on input."""

import numpy as np
import pytest

from fpsolver.analysis.compare import log_slope


def test_a_power_law_gives_its_exponent():
    x = np.array([0.4, 0.2, 0.1, 0.05])
    slope, error = log_slope(x, -3.0 * x**1.7, 0.01 * 3.0 * x**1.7)
    assert slope == pytest.approx(1.7, abs=1e-12)
    assert error > 0


def test_the_standard_error_matches_the_scatter_of_noisy_fits():
    rng = np.random.default_rng(0)
    x = np.array([0.2, 0.14, 0.1, 0.07])
    truth = 0.7 * x**2
    sigma = np.array([0.00064, 0.00055, 0.00049, 0.00043])
    fits = np.array([log_slope(x, truth + sigma * rng.standard_normal(4), sigma) for _ in range(4000)])
    assert np.std(fits[:, 0]) == pytest.approx(np.mean(fits[:, 1]), rel=0.15)
    assert abs(np.mean(fits[:, 0]) - 2.0) < 4.0 * np.std(fits[:, 0]) / np.sqrt(4000) + 0.02


@pytest.mark.parametrize(
    ("x", "y", "error"),
    [([1.0], [1.0], [0.1]), ([1.0, 2.0], [1.0, 2.0], [0.1]), ([0.0, 1.0], [1.0, 2.0], [0.1, 0.1]), ([1.0, 2.0], [0.0, 2.0], [0.1, 0.1]), ([1.0, 2.0], [1.0, 2.0], [0.1, 0.0])],
)
def test_bad_input_is_a_value_error(x, y, error):
    with pytest.raises(ValueError, match="log_slope"):
        log_slope(np.array(x), np.array(y), np.array(error))
