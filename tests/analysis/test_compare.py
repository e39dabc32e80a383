"""Comparison metrics on distributions with known distances."""

import numpy as np
import pytest

from fpsolver import compare


def test_metrics_of_identical_densities_are_zero():
    volumes = np.array([0.5, 0.25, 0.25])
    P = np.array([1.0, 1.0, 1.0])
    assert compare.l1_distance(P, P, volumes) == 0
    assert compare.hellinger_distance(P, P, volumes) == 0
    assert compare.ks_statistic(P, P, volumes) == 0


def test_disjoint_distributions_have_maximal_distances():
    volumes = np.ones(2)
    P, Q = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert compare.l1_distance(P, Q, volumes) == pytest.approx(2.0)
    assert compare.hellinger_distance(P, Q, volumes) == pytest.approx(1.0)
    assert compare.ks_statistic(P, Q, volumes) == pytest.approx(1.0)


def test_chi2_skips_cells_without_error_and_uses_the_rest():
    P, Q = np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 3.0])
    assert compare.chi2_per_dof(P, Q, np.array([0.5, 0.0, 1.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no cell"):
        compare.chi2_per_dof(P, Q, np.zeros(3))


def test_expected_l1_matches_multinomial_sampling():
    rng = np.random.default_rng(0)
    volumes = np.full(20, 0.1)
    Q = np.linspace(1, 3, 20)
    Q /= np.sum(Q * volumes)
    n = 10_000
    l1 = [compare.l1_distance(rng.multinomial(n, Q * volumes) / (n * volumes), Q, volumes) for _ in range(400)]
    assert np.mean(l1) == pytest.approx(compare.expected_l1(Q, volumes, n), rel=0.05)


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shape"):
        compare.l1_distance(np.ones(3), np.ones(2), np.ones(3))


def test_l1_of_disjoint_normalised_densities_on_uneven_cells_is_two():
    volumes = np.array([0.5, 1.5, 2.0])
    P, Q = np.array([2.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.125])
    assert np.sum(P * volumes) == np.sum(Q * volumes) == 1.0
    assert compare.l1_distance(P, Q, volumes) == 2.0


def test_l1_weighs_each_cell_by_its_volume():
    volumes = np.array([0.25, 0.75])
    P, Q = np.array([2.0, 2.0 / 3.0]), np.array([1.0, 1.0])
    assert compare.l1_distance(P, Q, volumes) == pytest.approx(1.0 * 0.25 + (1.0 / 3.0) * 0.75)


def test_max_relative_error_is_the_largest_pointwise_ratio():
    Q = np.array([1.0, -2.0, 4.0])
    P = np.array([1.1, -2.1, 4.0])
    assert compare.max_relative_error(P, Q) == pytest.approx(0.1)
    assert compare.max_relative_error(Q, Q) == 0.0


@pytest.mark.parametrize("Q, message", [(np.array([1.0, 0.0]), "non-zero"), (np.array([1.0, np.nan]), "finite"), (np.ones(3), "shape")])
def test_max_relative_error_rejects_bad_references(Q, message):
    with pytest.raises(ValueError, match=message):
        compare.max_relative_error(np.ones(2), Q)
