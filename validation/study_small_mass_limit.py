"""Small-mass limit of the inertial ensembles (PHYSICS.md 2.4): which Fokker-Planck form?

For gCLm-II (full, x-dependent eta2, nonlocal temperature; T = exp(-x/0.8), sigma = 0.6
on [-1, 1]) and gCLm-I (Gaussian hot spot, alpha_tilde = 0.1, so eta_eff depends on x),
the BAOAB position histogram for decreasing M is compared (L1) with the steady states
of the model built with overdamped="ito" (the papers' forms, Eqs. 30, 57) and
overdamped="kramers" (the Hottovy-Volpe-Wehr small-mass limit). dt = 0.1 M/gamma_max
resolves the velocity relaxation; the smallest M is repeated at half the step to show
the dt error. The numbers are reported as they come; the gating check is the theory's
prediction that the limit is the Kramers form.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import fpsolver
from fpsolver import compare, meshes, profiles
from fpsolver.ensembles import run_inertial_ensemble
from validation._common import new_figure, save_figure
from validation._report import StudyResult

NAME = "small_mass_limit"
TITLE = "Small-mass limit of the inertial ensembles: Ito (paper) or Kramers form?"


def _model(name: str, overdamped: str) -> fpsolver.Model:
    if name == "gclm2":
        return fpsolver.GCLM2(profiles.exponential(T0=1.0, length=0.8), sigma=0.6, overdamped=overdamped)
    return fpsolver.GCLM1(profiles.gaussian_hotspot(T_background=1.0, amplitude=1.0, center=-0.2, width=0.4), kappa=0.5, alpha_tilde=0.1, overdamped=overdamped)


def run(fast: bool, out_dir: Path) -> StudyResult:
    masses = (0.1, 0.02) if fast else (0.1, 0.05, 0.02, 0.01)
    particles = 5000 if fast else 20000
    result = StudyResult(NAME, TITLE)
    result.parameters = {
        "mesh": "uniform, 40 cells on [-1, 1]",
        "ensemble": f"BAOAB, {particles} particles, t_end = 3, burn-in 1.5, seed 3, dt = 0.1 M/gamma_max (and half of it at the smallest M)",
        "masses": ", ".join(f"{m:g}" for m in masses),
    }
    mesh = meshes.uniform(-1.0, 1.0, 40)
    volumes = np.asarray(mesh.cellVolumes)
    figure, axes = new_figure(2, width=4.2)
    table = [["model", "M", "dt", "L1 to Ito form", "L1 to Kramers form", "noise L1"]]
    verdicts = []
    for ax, name in zip(axes, ("gclm2", "gclm1")):
        ito, kramers = _model(name, "ito"), _model(name, "kramers")
        P_ito, P_kramers = compare.cell_averages(ito, mesh), compare.cell_averages(kramers, mesh)
        gamma_max = ito.langevin_terms(np.linspace(-1, 1, 201), (-1.0, 1.0)).friction.max()
        rows = []
        for mass, factor in [(m, 1.0) for m in masses] + [(masses[-1], 0.5)]:
            dt = factor * 0.1 * mass / gamma_max
            ensemble = run_inertial_ensemble(ito, mesh, particles, dt, 3.0, mass=mass, burn_in=1.5, seed=3, sample_interval=max(1, int(0.01 / dt)) * dt, chunk_size=1024, table_points=8193)
            l1_ito = compare.l1_distance(ensemble.P, P_ito, volumes)
            l1_kramers = compare.l1_distance(ensemble.P, P_kramers, volumes)
            noise = float(np.sqrt(2 / np.pi) * np.sum(ensemble.P_error * volumes))
            table.append([name, mass, dt, l1_ito, l1_kramers, noise])
            if factor == 1.0:
                rows.append((mass, l1_ito, l1_kramers))
        rows = np.array(rows)
        ax.loglog(rows[:, 0], rows[:, 1], "o-", label="to Ito form (paper)")
        ax.loglog(rows[:, 0], rows[:, 2], "s-", label="to Kramers form")
        ax.set(xlabel="M", ylabel="L1 distance", title=name)
        ax.legend(fontsize=7)
        separation = compare.l1_distance(P_ito, P_kramers, volumes)
        result.check(f"{name}: L1 between the Ito-form and Kramers-form steady states", separation, 0.0, 0.0, "info")
        result.check(f"{name}: L1(histogram, Ito form) at M = {masses[-1]:g}", rows[-1, 1], 0.0, 0.0, "info")
        result.check(
            f"{name}: L1(histogram, Kramers form) at M = {masses[-1]:g} is below half the Ito-Kramers separation (Hottovy-Volpe-Wehr)",
            rows[-1, 2],
            0.0,
            0.5 * separation,
            "upper",
        )
        verdicts.append(f"{name}: closer to the {'Kramers' if rows[-1, 2] < rows[-1, 1] else 'Ito'} form (L1 {rows[-1, 2]:.3f} vs {rows[-1, 1]:.3f} at M = {masses[-1]:g})")
    result.figures.append(save_figure(figure, out_dir, NAME, "l1_vs_mass"))
    result.table = table
    result.paragraph = (
        "As M decreases the inertial position histograms approach the **Kramers** (noise-induced drift) form, not the "
        "overdamped Ito form of the gCLm paper (Eqs. 30 and 57): " + "; ".join(verdicts) + ". With position-dependent "
        "friction the paper's overdamped equations are therefore not the small-mass limit of its own Langevin equations "
        '(Eqs. 27, 48); fpsolver offers both forms (overdamped="ito" | "kramers").'
    )
    return result
