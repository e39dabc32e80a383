"""The one Check: comparison kinds, NaN handling and the metrics.json record."""

import json
import math

import pytest

from fpsolver.analysis.checks import COMPARISONS, Check


@pytest.mark.parametrize(
    "comparison, value, limit, reference, passed",
    [
        ("upper", 0.5, 1.0, None, True),
        ("upper", 1.0, 1.0, None, True),
        ("upper", 1.5, 1.0, None, False),
        ("lower", 1.5, 1.0, None, True),
        ("lower", 0.5, 1.0, None, False),
        ("lower", -1e-13, -1e-12, None, True),
        ("absolute", 1.05, 0.1, 1.0, True),
        ("absolute", 0.85, 0.1, 1.0, False),
        ("relative", 101.0, 0.02, 100.0, True),
        ("relative", 97.0, 0.02, 100.0, False),
        ("relative", -101.0, 0.02, -100.0, True),
        ("slope", 1.9, 0.15, 2.0, True),
        ("slope", 2.2, 0.15, 2.0, False),
        ("info", 5.0, 0.0, 1.0, None),
    ],
)
def test_comparisons(comparison, value, limit, reference, passed):
    check = Check("subject", "metric", value, limit, comparison, reference=reference)
    assert check.passed is passed
    assert check.gating is (comparison != "info")
    assert check.verdict == {True: "PASS", False: "FAIL", None: "info"}[passed]


@pytest.mark.parametrize("comparison, reference", [("upper", None), ("lower", None), ("absolute", 0.0), ("relative", 1.0), ("slope", 2.0)])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_value_fails_every_gating_comparison(comparison, reference, value):
    assert Check("s", "m", value, 1e9, comparison, reference=reference).passed is False


def test_default_is_an_upper_bound_and_at_least_means_lower():
    check = Check("ito", "l1_pde_vs_exact", 1e-3, 1e-2)
    assert check.comparison == "upper" and not check.at_least and check.passed
    assert Check("scan", "min_entropy_production", 0.0, -1e-12, "lower").at_least


def test_as_dict_keeps_the_metrics_json_keys_and_is_json_serialisable():
    record = Check("ito", "l1_pde_vs_exact", 3e-3, 1e-2).as_dict()
    assert {"subject", "metric", "value", "limit", "at_least", "passed"} <= set(record)
    assert record["subject"] == "ito" and record["metric"] == "l1_pde_vs_exact"
    assert record["value"] == 3e-3 and record["limit"] == 1e-2
    assert record["at_least"] is False and record["passed"] is True
    assert json.loads(json.dumps(record)) == record
    assert Check("s", "m", 0.0, 1.0, "lower").as_dict()["at_least"] is True


def test_unknown_comparison_and_missing_reference_raise():
    with pytest.raises(ValueError, match="comparison must be one of"):
        Check("s", "m", 1.0, 1.0, "less")
    for comparison in ("absolute", "relative", "slope"):
        with pytest.raises(ValueError, match="needs a reference"):
            Check("s", "m", 1.0, 1.0, comparison)
    assert set(COMPARISONS) == {"upper", "lower", "absolute", "relative", "slope", "info"}


def test_case_checks_use_the_one_check():
    from fpsolver.cases import checks

    assert checks.Check is Check
    (second_law,) = checks.qme_checks({"second_law": {"min_entropy_production": 0.0}})
    assert second_law.at_least and second_law.passed
    (violated,) = checks.qme_checks({"second_law": {"min_entropy_production": -1e-6}})
    assert violated.passed is False
