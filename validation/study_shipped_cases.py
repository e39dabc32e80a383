"""PDE vs SDE vs exact on every shipped case (the checks of ``fpsolver validate``).

Every Fokker-Planck case under ``cases/`` is run through the same pipeline as
``fpsolver run`` (``--fast`` sizes in fast mode): for every model, the PDE steady
state against the exact zero-flux quadrature (L1), and the overdamped SDE histogram
against the exact cell averages (chi^2 per cell with batch-means errors from nearly
independent samples, and L1 against a multiple of its expected noise level). The
quantum cases are checked for the second law (entropy production >= 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fpsolver.cases.build import QMECase, open_case
from fpsolver.cases.checks import fokker_planck_checks, qme_checks
from fpsolver.cases.run import run_case, run_qme_case
from validation._common import new_figure, save_figure
from validation._report import StudyResult

NAME = "shipped_cases"
TITLE = "PDE vs SDE vs exact on every shipped case"
SHOWS = "Every shipped case runs, and its PDE, SDE and exact steady states agree within their gates."
CASES = Path(__file__).resolve().parent.parent / "cases"


def run(fast: bool, out_dir: Path) -> StudyResult:
    result = StudyResult(NAME, TITLE)
    directories = sorted(p for p in CASES.iterdir() if (p / "case.toml").exists())
    result.parameters = {"cases": ", ".join(p.name for p in directories), "sizes": "--fast" if fast else "as in each case.toml"}
    fokker_planck = []
    table = [["case", "model", "L1 PDE-exact", "L1 SDE-exact", "expected noise L1", "chi2/cell SDE"]]
    for directory in directories:
        case = open_case(directory, fast=fast)
        if isinstance(case, QMECase):
            for check in qme_checks(run_qme_case(case).metrics):
                result.check(f"{directory.name}: {check.metric}", check.value, 0.0, check.limit, "lower")
            continue
        outcome = run_case(case, only=frozenset({"pde", "sde"}))
        if outcome.dimension == 1:  # the figure shows the 1D cases; the checks cover every case
            fokker_planck.append((directory.name, outcome))
        for check in fokker_planck_checks(case.config, outcome.metrics):
            result.check(f"{directory.name}, {check.subject}: {check.metric}", check.value, 0.0, check.limit, "upper")
        for label, metrics in outcome.metrics.items():
            table.append(
                [directory.name, label, metrics.get("l1_pde_vs_exact", np.nan), metrics.get("sde_l1", np.nan), metrics.get("sde_expected_l1", np.nan), metrics.get("sde_chi2_per_dof", np.nan)]
            )
    columns = 3
    rows = -(-len(fokker_planck) // columns)
    figure, axes = new_figure(columns, rows, width=3.6, height=2.8)
    for ax, (name, outcome) in zip(np.ravel(axes), fokker_planck):
        for index, (label, solution) in enumerate(outcome.steady.items()):
            ax.plot(solution.x, solution.P, color=f"C{index}", lw=1, label=label)
            if label in outcome.ensembles:
                ensemble = outcome.ensembles[label]
                ax.errorbar(ensemble.x[::3], ensemble.P[::3], yerr=ensemble.P_error[::3], fmt=".", ms=2, color=f"C{index}")
        ax.set(title=name, xlabel="x", ylabel="P")
        ax.legend(fontsize=6)
    for ax in np.ravel(axes)[len(fokker_planck) :]:
        ax.set_visible(False)
    result.figures.append(save_figure(figure, out_dir, NAME, "steady"))
    result.table = table
    result.paragraph = (
        "Figure: the 1D cases (the 2D and 3D cases are checked in the table and have their own case reports). "
        "Lines: PDE steady states (equal to the exact quadrature to round-off); points: SDE histograms with batch-means "
        "error bars (every third cell shown). The SDE histograms sample every eighth of the slowest relaxation time, so the "
        "per-cell errors are those of nearly independent samples and chi^2 per cell is meaningful."
    )
    return result
