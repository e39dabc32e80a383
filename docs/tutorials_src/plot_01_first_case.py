"""
Your first case, and reading its results with xarray
=====================================================

A *case* is a directory holding a ``case.toml``. ``fpsolver run CASE`` reads it, builds
the mesh, the temperature profile and the models, solves each model's steady state
(and, if asked, its relaxation and a Langevin ensemble), compares every solve with the
exact steady state, and writes the results, figures and a report into
``CASE/results/``. Here we do the same from Python on a copy of the shipped case
``cases/exponential`` and read the results back with xarray.
"""

# %%
# Copy the shipped case
# ---------------------
# The case describes an exponential temperature profile T(x) = T0 exp(-x/length) on
# [-1, 1] and four models: the Ito model, gCLm-I, the full gCLm-II and gCLm-II with the
# paper's approximations (local temperature, constant friction).
import shutil
import tempfile
from pathlib import Path

import fpsolver

source = Path(fpsolver.__file__).resolve().parents[1] / "cases" / "exponential"
case = Path(tempfile.mkdtemp()) / "exponential"
shutil.copytree(source, case)
print((case / "case.toml").read_text())

# %%
# Run it
# ------
# :func:`fpsolver.cases.run_case_directory` is what the command line calls. ``fast=True``
# shrinks the sizes (the smoke-test mode of ``fpsolver run --fast``) and
# ``only={"pde"}`` skips the Langevin ensembles to keep this page quick.
from fpsolver.cases import run_case_directory

run = run_case_directory(case, fast=True, only=frozenset({"pde"}))
for check in run.checks:
    print(f"{check.subject:>11} {check.metric:<18} {check.value:.2e} (limit {check.limit:g})")
print(sorted(path.name for path in (case / "results").iterdir()))

# %%
# Read the steady states
# ----------------------
# ``steady.nc`` is a tidy NetCDF file: the density ``P`` as a function of the model and
# the cell centre ``x``, next to the exact steady state. xarray opens it directly.
import xarray as xr

steady = xr.open_dataset(case / "results" / "steady.nc", engine="h5netcdf")
print(steady)

# %%
# Each model's density is one selection away, and plotting is one call.
import matplotlib.pyplot as plt

figure, axes = plt.subplots(figsize=(6, 3.5), layout="constrained")
for model in steady["model"].values:
    steady["P"].sel(model=model).plot(ax=axes, label=str(model))
axes.set(title="steady densities, T(x) = exp(-x)", ylabel="P(x)")
axes.legend()
plt.show()

# %%
# Means and distances to the exact solutions
# ------------------------------------------
# ``metrics.json`` holds the numbers the command prints (per model: mean position,
# effective Soret coefficient, L1 distance of the PDE solution to the exact steady
# state, drift of the total probability, ...) and the checks with their limits.
import json

metrics = json.loads((case / "results" / "metrics.json").read_text())["metrics"]
for model, values in metrics.items():
    print(f"{model:>11}: <x> = {values['mean_position']:+.4f}, L1(PDE, exact) = {values['l1_pde_vs_exact']:.1e}")

# %%
# The Ito model piles the particle up on the cold (right) side, P ∝ 1/T = e^x; gCLm-II
# with the paper's approximations gives the same law (Eq. 60); the full gCLm-II and
# gCLm-I differ. The same run on the command line is ``fpsolver run cases/exponential``,
# which also writes ``results/report.html``.
