"""The pass/fail checks of ``fpsolver validate``: a case's metrics against its
``[validation]`` tolerances (Fokker-Planck cases) or physical laws (qme cases)."""

from __future__ import annotations

from fpsolver.analysis.checks import Check
from fpsolver.cases.schema import CaseConfig, QMECaseConfig

MASS_DRIFT_LIMIT = 1e-10
#: the ensemble's ring current may differ from the exact one by this many of its standard errors
CURRENT_SIGMA_LIMIT = 4.0
SECOND_LAW_SLACK = 1e-12
#: z-scores of the PDE transient against the ensemble from the same start, bounded by
#: [validation] transient_z: conditional moments, and with absorbing walls the survival
#: probability and the mean exit time (:func:`fpsolver.analysis.metrics.transient_agreement`)
TRANSIENT_Z_METRICS = ("transient_mean_max_z", "transient_variance_max_z", "transient_survival_max_z", "exit_time_z")


def fokker_planck_checks(config: CaseConfig, metrics: dict[str, dict[str, float]]) -> list[Check]:
    """PDE vs exact (L1), transient mass drift, SDE vs exact (chi^2/dof and L1, the
    latter against ``sde_l1`` or ``sde_l1_factor`` x the expected noise L1; on a ring also
    |J_SDE - J_exact| <= ``CURRENT_SIGMA_LIMIT`` standard errors), and the PDE transient vs
    the SDE ensemble from the same start (max z-score of the conditional <x> and Var x
    over the snapshots, with absorbing walls also of the survival probability and of
    the mean exit time, against ``transient_z``)."""
    tolerances = config.validation
    checks = []
    for label, values in metrics.items():
        if "l1_pde_vs_exact" in values:
            checks.append(Check(label, "l1_pde_vs_exact", values["l1_pde_vs_exact"], tolerances.l1_pde_vs_exact))
        if "current_relative_error" in values:
            checks.append(Check(label, "current_relative_error", values["current_relative_error"], tolerances.current_relative_error))
        if "max_mass_drift" in values:
            checks.append(Check(label, "max_mass_drift", values["max_mass_drift"], MASS_DRIFT_LIMIT))
        # inertial ensembles follow another Fokker-Planck form in general (docs/physics/small_mass.md):
        # their distances are reported, not checked
        if "sde_chi2_per_dof" in values:
            checks.append(Check(label, "sde_chi2_per_dof", values["sde_chi2_per_dof"], tolerances.sde_chi2_per_dof))
            limit = tolerances.sde_l1 if tolerances.sde_l1 is not None else tolerances.sde_l1_factor * values["sde_expected_l1"]
            checks.append(Check(label, "sde_l1", values["sde_l1"], limit))
        for name in TRANSIENT_Z_METRICS:
            if name in values:
                checks.append(Check(label, name, values[name], tolerances.transient_z))
        if "sde_current_exact" in values:
            limit = CURRENT_SIGMA_LIMIT * values["sde_current_error"]
            checks.append(Check(label, "sde_current", values["sde_current"], limit, comparison="absolute", reference=values["sde_current_exact"], note="within 4 standard errors of the exact current"))
    return checks


def qme_checks(metrics: dict[str, dict[str, float]]) -> list[Check]:
    """Second law: entropy production >= 0 at every scan point."""
    return [Check("scan", "min_entropy_production", metrics["second_law"]["min_entropy_production"], -SECOND_LAW_SLACK, comparison="lower")]


def case_checks(config: CaseConfig | QMECaseConfig, metrics: dict[str, dict[str, float]]) -> list[Check]:
    """The checks of a case of either kind from its metrics."""
    return qme_checks(metrics) if config.kind == "qme" else fokker_planck_checks(config, metrics)
