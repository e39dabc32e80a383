"""
Parameter sweeps on Dask
========================

``fpsolver sweep CASE --set KEY=START:STOP:COUNT`` runs one case for every point of a
grid of case-file values and writes a tidy table and a summary plot into
``CASE/sweeps/``. Finished points are cached, so an interrupted sweep resumes without
recomputing them. With the ``distributed`` extra the points run as Dask tasks, on a
local cluster (``--workers N``) or on a scheduler (``--scheduler tcp://HOST:PORT``);
the results do not depend on where they ran. This example starts a local cluster of
two workers, which takes a few seconds, so the quick documentation build shows it
without running it.
"""

# %%
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import fpsolver
from fpsolver.cases import sweep_case_directory
from fpsolver.cases.distributed import dask_mapper, open_client
from fpsolver.cases.sweep import parse_assignment

# %%
# Sweep gCLm-I's thermophoretic coupling kappa over 8 values, each point a PDE solve
# on a worker process. Dask starts its workers as fresh processes that import the
# main module, so a script that opens a local cluster keeps that work under
# ``if __name__ == "__main__":``.


def sweep_kappa(case: Path) -> list[dict]:
    """Run the sweep on a local two-worker cluster; return the gCLm-I rows."""
    with open_client(workers=2) as client:
        run = sweep_case_directory(case, [parse_assignment("models.gclm1.kappa=0:2:8")], fast=True, mapper=dask_mapper(client))
    print("table and plot written to", run.target)
    return [row for row in run.rows if row["model"] == "gclm1"]


if __name__ == "__main__":
    source = Path(fpsolver.__file__).resolve().parents[1] / "cases" / "linear"
    case = Path(tempfile.mkdtemp()) / "linear"
    shutil.copytree(source, case)
    rows = sweep_kappa(case)
    for row in rows:
        print(f"kappa = {row['models.gclm1.kappa']:.3f}: <x> = {row['mean_position']:+.4f}")

    # the mean position moves to the cold side as kappa grows
    figure, axes = plt.subplots(figsize=(6, 3.2), layout="constrained")
    axes.plot([row["models.gclm1.kappa"] for row in rows], [row["mean_position"] for row in rows], "o-")
    axes.set(xlabel="kappa", ylabel="<x>", title="gCLm-I on a linear profile: sweep of kappa")
    plt.show()
