"""PDE vs SDE vs exact: steady states of every model (docs/physics/ensembles.md, 6).

For each model, the overdamped Ito ensemble (:func:`fpsolver.ensembles.run_ensemble`,
Platen weak order 2, reflecting walls) is histogrammed on the mesh cells and
compared with the exact cell averages of the zero-flux steady state
(:func:`fpsolver.analysis.compare.cell_averages`) and with the PDE, using the metrics of
:mod:`fpsolver.analysis.compare`. Gating: chi^2 per cell (batch-means errors) below
1 + 4 sqrt(2/n) (4 standard deviations of a chi^2/n variable) and the mean position
within 4 standard errors of the exact mean. L1, Hellinger and KS are reported with
the L1 expected from sampling noise alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import fpsolver
from fpsolver import compare, meshes, profiles
from fpsolver.ensembles import run_ensemble
from validation._common import new_figure, save_figure
from validation._report import StudyResult

NAME = "pde_vs_sde"
TITLE = "PDE vs SDE ensemble vs exact: steady states of the three models"
SHOWS = "PDE, SDE ensemble and exact quadrature give the same steady states for the three position-space models."

DOMAIN = (-1.0, 1.0)


def _models() -> dict[str, fpsolver.Model]:
    tanh = profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.1, width=0.2)
    return {
        "ito": fpsolver.Ito(tanh),
        "gclm1": fpsolver.GCLM1(profiles.gaussian_hotspot(T_background=1.0, amplitude=1.0, center=0.0, width=0.4), kappa=1.0, alpha_tilde=0.05),
        "gclm2": fpsolver.GCLM2(profiles.exponential(T0=1.0, length=2.0), sigma=0.3),
    }


def run(fast: bool, out_dir: Path) -> StudyResult:
    particles = 4000 if fast else 40000
    cells, dt, t_end, burn_in = 40, 1e-3, 4.0, 2.0  # burn-in 1 left a relaxation bias visible at 40000 particles (chi^2 6.7 for ito)
    result = StudyResult(NAME, TITLE)
    result.parameters = {
        "mesh": f"uniform, {cells} cells on [-1, 1]",
        "ensemble": (
            f"{particles} particles, Platen weak-2, dt = {dt:g}, t_end = {t_end:g}, burn-in {burn_in:g}, seed 1, uniform start, 40 chunks (batch-means errors), samples every L^2/(8 pi^2 D_min)"
        ),
        "models": "ito: tanh step 2 -> 0.5; gclm1: Gaussian hot spot (amplitude 1, width 0.4), kappa = 1, alpha_tilde = 0.05; gclm2: T = exp(-x/2), sigma = 0.3",
    }
    mesh = meshes.uniform(*DOMAIN, cells)
    figure, axes = new_figure(3, width=3.9)
    table = [["model", "L1", "expected L1 (noise)", "Hellinger", "KS", "chi2/cell", "<x> SDE", "<x> exact"]]
    chi2_bound = 1.0 + 4.0 * np.sqrt(2.0 / cells)
    for ax, (name, model) in zip(axes, _models().items()):
        # samples every eighth of the slowest relaxation time L^2/(pi^2 D_min) are nearly
        # independent, so batch-means errors and chi^2 per cell mean what they say
        D_min = model.coefficients(meshes.cell_centers(mesh), DOMAIN).D.min()
        sample_interval = (DOMAIN[1] - DOMAIN[0]) ** 2 / (8 * np.pi**2 * D_min)
        ensemble = run_ensemble(model, mesh, particles, dt, t_end, burn_in=burn_in, seed=1, chunk_size=particles // 40, sample_interval=sample_interval, table_points=8193)
        reference = compare.cell_averages(model, mesh)
        pde = fpsolver.solve_steady(model, mesh)
        metrics = compare.compare(ensemble.P, reference, ensemble.volumes, ensemble.P_error)
        samples = float(np.sum(ensemble.counts))
        result.check(f"{name}: chi^2 per cell of the SDE histogram vs exact cell averages", metrics["chi2_per_dof"], 1.0, chi2_bound, "upper", "bound 1 + 4 sqrt(2/n)")
        exact_mean = float(np.sum(reference * ensemble.volumes * ensemble.x))
        result.check(f"{name}: steady <x> of the SDE vs exact (tolerance 4 standard errors)", ensemble.steady_mean, exact_mean, 4 * ensemble.steady_mean_error, "absolute")
        result.check(f"{name}: L1(SDE, exact); expected from noise with all samples independent: {compare.expected_l1(reference, ensemble.volumes, samples):.3g}", metrics["l1"], 0.0, 0.0, "info")
        table.append([name, metrics["l1"], compare.expected_l1(reference, ensemble.volumes, samples), metrics["hellinger"], metrics["ks"], metrics["chi2_per_dof"], ensemble.steady_mean, exact_mean])
        ax.errorbar(ensemble.x, ensemble.P, yerr=ensemble.P_error, fmt=".", ms=3, label="SDE histogram")
        ax.plot(pde.x, pde.P, "-", label="PDE")
        ax.plot(ensemble.x, reference, "k:", label="exact cell averages")
        ax.set(xlabel="x", ylabel="P(x)", title=name)
        ax.legend(fontsize=7)
    result.figures.append(save_figure(figure, out_dir, NAME, "steady"))
    result.table = table
    passed = [row[0] for row in table[1:] if row[5] <= chi2_bound]
    failed = [f"{row[0]} (chi^2 per cell {row[5]:.2f})" for row in table[1:] if row[5] > chi2_bound]
    result.paragraph = (
        f"SDE histograms consistent with the exact cell averages within their batch-means errors: {', '.join(passed) or 'none'}. "
        + (
            f"**Not consistent: {', '.join(failed)}** — a systematic difference that sampling noise does not explain; "
            "it is reported, not hidden (a burn-in of 1 instead of 2 gave chi^2 6.7 for ito, so check relaxation, time step "
            "and the wall treatment of the ensemble first). "
            if failed
            else ""
        )
        + "Mean positions are compared within 4 standard errors. Moment relaxation and the shipped cases are the studies "
        "`moment_relaxation` and `shipped_cases`."
    )
    return result
