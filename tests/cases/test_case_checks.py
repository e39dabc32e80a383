"""The case check rules: which metrics are checked against which tolerances."""

from __future__ import annotations

import pytest

from fpsolver.cases.checks import MASS_DRIFT_LIMIT, case_checks, fokker_planck_checks, qme_checks
from fpsolver.cases.schema import parse_case

CASE = {"temperature": {"profile": "linear", "T0": 2.0, "gradient": 0.5}, "models": {"ito": {}}}
METRICS = {"l1_pde_vs_exact": 1e-12, "max_mass_drift": 1e-13, "sde_chi2_per_dof": 1.1, "sde_l1": 0.02, "sde_expected_l1": 0.01}


def _by_metric(checks):
    return {check.metric: check for check in checks}


def test_every_checked_metric_uses_its_tolerance():
    config = parse_case({**CASE, "validation": {"l1_pde_vs_exact": 1e-10, "sde_chi2_per_dof": 1.5, "sde_l1_factor": 3.0}})
    checks = _by_metric(fokker_planck_checks(config, {"ito": METRICS}))
    assert set(checks) == {"l1_pde_vs_exact", "max_mass_drift", "sde_chi2_per_dof", "sde_l1"}
    assert checks["l1_pde_vs_exact"].limit == 1e-10 and checks["sde_chi2_per_dof"].limit == 1.5
    assert checks["max_mass_drift"].limit == MASS_DRIFT_LIMIT
    assert checks["sde_l1"].limit == pytest.approx(3.0 * METRICS["sde_expected_l1"])
    assert all(check.passed for check in checks.values())


def test_an_absolute_sde_l1_overrides_the_noise_factor_and_can_fail():
    config = parse_case({**CASE, "validation": {"sde_l1": 0.015}})
    check = _by_metric(fokker_planck_checks(config, {"ito": METRICS}))["sde_l1"]
    assert check.limit == 0.015 and check.passed is False


def test_missing_stages_give_no_checks_and_inertial_metrics_are_not_gated():
    config = parse_case(CASE)
    checks = fokker_planck_checks(config, {"ito": {"l1_pde_vs_exact": 0.0, "inertial_l1": 5.0, "inertial_chi2_per_dof": 50.0}})
    assert [check.metric for check in checks] == ["l1_pde_vs_exact"]


def test_second_law_check_of_qme_cases():
    (passed,) = qme_checks({"second_law": {"min_entropy_production": 0.0}})
    (failed,) = qme_checks({"second_law": {"min_entropy_production": -1e-6}})
    assert passed.passed and not failed.passed and passed.at_least


def test_case_checks_dispatch_on_the_kind():
    qme = parse_case({"kind": "qme", "system": {"kind": "lambda", "T_1": 1.0, "T_2": 0.5}})
    assert [c.metric for c in case_checks(qme, {"second_law": {"min_entropy_production": 1.0}})] == ["min_entropy_production"]
    assert [c.metric for c in case_checks(parse_case(CASE), {"ito": {"l1_pde_vs_exact": 0.0}})] == ["l1_pde_vs_exact"]
