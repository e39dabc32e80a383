"""Run a shipped case for the gallery, as ``fpsolver run`` does, and show what it wrote.

Each gallery page copies ``cases/NAME`` into a temporary directory (the repository's
copy stays untouched), runs it with :func:`fpsolver.cases.run_case_directory` at the
small sizes of ``fpsolver run --fast``, prints the checks and shows the figures from
``results/figures/``. With ``FPSOLVER_DOCS_FAST=1`` only the PDE (and quantum) stages
run; otherwise the Langevin ensembles run too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.image import imread

import fpsolver
from fpsolver.cases import run_case_directory

CASES = Path(fpsolver.__file__).resolve().parents[1] / "cases"


def stages() -> frozenset[str]:
    """The stages a gallery page runs: PDE and quantum only in the fast docs build."""
    if os.environ.get("FPSOLVER_DOCS_FAST", "") not in ("", "0"):
        return frozenset({"pde", "qme"})
    return frozenset({"pde", "sde", "qme"})


def run_shipped_case(name: str):
    """Copy ``cases/NAME`` to a temporary directory, run it and print its checks.

    Returns the run (:class:`fpsolver.cases.run.CaseRun`).
    """
    case = Path(tempfile.mkdtemp(prefix="fpsolver-gallery-")) / name
    shutil.copytree(CASES / name, case, ignore=shutil.ignore_patterns("results", "sweeps", "fits", ".checkpoint", ".lock"))
    print((case / "case.toml").read_text())
    run = run_case_directory(case, fast=True, only=stages())
    passed = sum(check.passed for check in run.checks)
    print(f"checks: {passed}/{len(run.checks)} passed")
    for check in run.checks:
        status = "pass" if check.passed else "FAIL"
        print(f"  {status}  {check.subject:>14}  {check.metric:<32} {check.value:.3g} ({check.comparison} {check.limit:g})")
    return run


def show_figures(run) -> None:
    """Show every figure the run wrote into ``results/figures/`` (one page image each)."""
    for path in sorted((run.target / "figures").glob("*.png")):
        image = imread(path)
        height, width = image.shape[:2]
        figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.imshow(image)
        axes.set_axis_off()
    plt.show()
