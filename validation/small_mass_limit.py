"""Small-mass limit of the inertial ensembles (PHYSICS.md 2.4): which Fokker-Planck form?

For gCLm-II (full, x-dependent eta2, nonlocal temperature; T = exp(-x/0.8),
sigma = 0.6 on [-1, 1]) and gCLm-I (gaussian hot spot, alpha_tilde = 0.1, so
eta_eff depends on x), the BAOAB position histogram for M = 0.1 ... 0.01 is
compared (L1) with the steady states of the model built with
overdamped="ito" (the papers' forms) and overdamped="kramers" (Hottovy-Volpe-
Wehr limit). dt = 0.1 M / gamma_max resolves the velocity relaxation, and
M = 0.01 is repeated at half the step to show the dt error. Reported, not tuned.
Writes validation/figures/small_mass_limit.png.
"""

from pathlib import Path

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt
import numpy as np

import fpsolver
from fpsolver import compare, meshes, profiles
from fpsolver.ensembles import run_inertial_ensemble

MASSES = (0.1, 0.05, 0.02, 0.01)


def build(name, overdamped):
    if name == "gclm2":
        return fpsolver.GCLM2(profiles.exponential(T0=1.0, length=0.8), sigma=0.6, overdamped=overdamped)
    return fpsolver.GCLM1(
        profiles.gaussian_hotspot(T_background=1.0, amplitude=1.0, center=-0.2, width=0.4), kappa=0.5, alpha_tilde=0.1, overdamped=overdamped
    )


def main():
    mesh = meshes.uniform(-1.0, 1.0, 40)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    for ax, name in zip(axes, ("gclm2", "gclm1")):
        ito, kramers = build(name, "ito"), build(name, "kramers")
        P_ito, P_kramers = compare.cell_averages(ito, mesh), compare.cell_averages(kramers, mesh)
        gamma_max = ito.langevin_terms(np.linspace(-1, 1, 201), (-1.0, 1.0)).friction.max()
        print(f"\n{name}: L1(Ito form, Kramers form) = {compare.l1_distance(P_ito, P_kramers, np.asarray(mesh.cellVolumes)):.4f}, gamma_max = {gamma_max:.3f}")
        print(f"{'M':>6s} {'dt':>9s} {'L1 to ito':>10s} {'L1 to kramers':>14s} {'stat. L1 (expected)':>20s}")
        rows = []
        for mass, factor in [(m, 1.0) for m in MASSES] + [(MASSES[-1], 0.5)]:
            dt = factor * 0.1 * mass / gamma_max
            result = run_inertial_ensemble(ito, mesh, 20_000, dt, 3.0, mass=mass, burn_in=1.5, seed=3, sample_every=max(1, int(0.01 / dt)))
            l1_ito = compare.l1_distance(result.density, P_ito, result.volumes)
            l1_kramers = compare.l1_distance(result.density, P_kramers, result.volumes)
            noise = np.sqrt(2 / np.pi) * np.sum(result.density_error * result.volumes)
            print(f"{mass:6.3f} {dt:9.2e} {l1_ito:10.4f} {l1_kramers:14.4f} {noise:20.4f}")
            if factor == 1.0:
                rows.append((mass, l1_ito, l1_kramers))
        rows = np.array(rows)
        ax.loglog(rows[:, 0], rows[:, 1], "o-", label="to Ito form (paper)")
        ax.loglog(rows[:, 0], rows[:, 2], "s-", label="to Kramers form")
        ax.set(xlabel="M", ylabel="L1 distance", title=name)
        ax.legend(fontsize=8)
        closer = "Kramers" if rows[-1, 2] < rows[-1, 1] else "Ito"
        print(f"{name}: at the smallest M the histogram is closer to the {closer} form")
    fig.tight_layout()
    out = Path(__file__).resolve().parent / "figures" / "small_mass_limit.png"
    fig.savefig(out, dpi=80)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
