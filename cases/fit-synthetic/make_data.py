"""Make the synthetic data of this case with fpsolver's own ensembles (seeded, reproducible).

True model: gCLm-I with kappa = 0.8, alpha_tilde = 0.3 (eta = k_B = 1, T0 = T(0) = 1) in the
case's temperature T = exp(-x/2) and harmonic trap V = x^2 (stiffness 2) on [-2, 2].

* ``profile_counts.csv`` (columns ``x,count``): histogram in 40 bins of the final positions of
  20000 independent particles after t = 6 (many relaxation times), so the counts are multinomial.
* ``trajectories.npz`` (``x``: 20 trajectories x 1000 points, ``dt`` = 0.01): positions sampled
  every dt after a burn-in of t = 2 (:func:`fpsolver.infer.simulate_trajectories`).

Run from anywhere: ``python cases/fit-synthetic/make_data.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import fpsolver
from fpsolver import meshes, potentials, profiles

HERE = Path(__file__).resolve().parent
DOMAIN = (-2.0, 2.0)
TRUTH = {"kappa": 0.8, "alpha_tilde": 0.3}


def true_model() -> fpsolver.GCLM1:
    return fpsolver.GCLM1(profiles.exponential(T0=1.0, length=2.0), potential=potentials.harmonic(stiffness=2.0), **TRUTH)


def main() -> None:
    model = true_model()
    bins = meshes.uniform(*DOMAIN, 40)
    ensemble = fpsolver.run_ensemble(model, bins, 20_000, 0.002, 6.0, seed=2026, burn_in=0.0, record_every=3000, sample_interval=6.0)
    edges = np.linspace(*DOMAIN, 41)
    counts, _ = np.histogram(ensemble.final_x, edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    np.savetxt(HERE / "profile_counts.csv", np.column_stack([centres, counts]), delimiter=",", header="x,count", comments="", fmt=["%.6f", "%d"])
    positions = fpsolver.infer.simulate_trajectories(model, meshes.uniform(*DOMAIN, 40), 20, 1000, 0.01, seed=2026, burn_in=2.0)
    np.savez_compressed(HERE / "trajectories.npz", x=positions, dt=0.01)
    print(f"wrote {HERE / 'profile_counts.csv'} ({counts.sum()} counts) and {HERE / 'trajectories.npz'} {positions.shape}")


if __name__ == "__main__":
    main()
