"""Time the fit and infer paths (issues 23 and 25) and compare with StochasticForceInference.

    python validation/benchmarks/bench_inference.py [--points 1000000]

1. ``fpsolver fit`` of the 40-bin profile of cases/fit-synthetic with 2 free parameters
   (and a 100-bin profile of the same model) split into start-up (imports), set-up (case
   and data), the library call (global search, local fits, profile intervals; and with
   Wald intervals) and writing, plus the wall time of the command in a subprocess.
2. A 4-parameter Kessler fit (alpha, kB, gradient, stiffness of an Ito model) of
   ``--points`` exact-in-distribution Euler-Maruyama increments (20 substeps per dt),
   with Wald and with profile intervals.
3. Noisy trajectories (noise 0.02, 5% missing frames; validation/study_inference_robustness.py):
   fpsolver with the noise model against SFI (order-3 polynomial bases), RMS errors of
   the drift and D over the central 90% of the data, and times. SFI is optional (the
   ``validation`` extra); without it the row says so.

Every line prints the load average beside it: on a shared machine times scale with load.

Measured (2026-12-08, 2 cores at load average 15-20, so several times the idle times):
fit split 40 bins: start-up 14.3 s, set-up 0.10 s, library call 1.54 s (216 model
evaluations; Wald 0.58 s, 89), writing 6.2 s; 100 bins: library call 1.47 s (Wald 0.21 s);
`fpsolver fit` end to end 27.1 s (Wald 22.8 s). Kessler, 4 free, 1e6 increments: 32.8 s
Wald (206 evaluations), 85.3 s profile (503). Noisy trajectories (18981 increments):
fpsolver with the noise model drift RMS error 0.083, D 0.034 (34.5 s); SFI 0.205 and
0.051 (42.3 s). At load 12 the 40-bin library call took 0.57 s (Wald 0.19 s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def load() -> str:
    return f"(load average {os.getloadavg()[0]:.2f})"


def fit_command_split() -> None:
    start = time.perf_counter()
    from fpsolver.analysis.fit import fit_profile
    from fpsolver.cases import fit as case_fit
    from fpsolver.io.fit_output import write_profile_fits
    from fpsolver.meshes import extent

    imported = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        case = Path(folder) / "fit-synthetic"
        subprocess.run(["cp", "-r", str(ROOT / "cases" / "fit-synthetic"), str(case)], check=True)
        keys = ["models.gclm1.kappa", "models.gclm1.alpha_tilde"]
        before = time.perf_counter()
        loaded, free = case_fit._open(case, keys)
        domain = extent(loaded.mesh)
        data = case_fit.read_profile(case / "profile_counts.csv", domain)
        factory = case_fit.model_factory(loaded, "gclm1", free)
        set_up = time.perf_counter()
        times = {}
        for intervals in ("profile", "wald"):
            begin = time.perf_counter()
            result = fit_profile(factory, {f.key: f.initial for f in free}, data, domain=domain, intervals=intervals)
            times[intervals] = (time.perf_counter() - begin, result.evaluations)
        begin = time.perf_counter()
        write_profile_fits(loaded.directory, "bench", loaded.config.resolved(), case / "profile_counts.csv", {"gclm1": result})
        writing = time.perf_counter() - begin
        print(
            f"fit split, 40 bins, 2 free: start-up {imported - start:.2f} s, set-up {set_up - before:.2f} s, library call {times['profile'][0]:.2f} s "
            f"({times['profile'][1]} model evaluations; Wald intervals {times['wald'][0]:.2f} s, {times['wald'][1]}), writing {writing:.2f} s {load()}"
        )
        edges = np.linspace(-2.0, 2.0, 101)
        centres = 0.5 * (edges[1:] + edges[:-1])
        from fpsolver import exact

        density = exact.steady_state_at(factory({"models.gclm1.kappa": 0.8, "models.gclm1.alpha_tilde": 0.3}), centres, domain)
        counts = np.random.default_rng(1).multinomial(20_000, density / density.sum())
        np.savetxt(case / "profile_100.csv", np.column_stack([centres, counts]), delimiter=",", header="x,count", comments="", fmt=["%.6f", "%d"])
        data100 = case_fit.read_profile(case / "profile_100.csv", domain)
        for intervals in ("profile", "wald"):
            begin = time.perf_counter()
            result = fit_profile(factory, {f.key: f.initial for f in free}, data100, domain=domain, intervals=intervals)
            print(f"library call, 100 bins, 2 free, {intervals} intervals: {time.perf_counter() - begin:.2f} s ({result.evaluations} model evaluations) {load()}")
        for extra in ([], ["--wald"]):
            begin = time.perf_counter()
            command = [sys.executable, "-m", "fpsolver", "fit", str(case), "--data", str(case / "profile_100.csv"), *[a for k in keys for a in ("--free", k)], "--quiet", *extra]
            subprocess.run(command, check=True, env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "agg"})
            print(f"`fpsolver fit` of the 100-bin profile {' '.join(extra) or '(profile intervals)'}: {time.perf_counter() - begin:.2f} s end to end {load()}")


def kessler_fit(points: int) -> None:
    from fpsolver.analysis import infer
    from validation.study_inference_robustness import DOMAIN, DT, NOISE_START, ito, simulate

    rows = 100
    data = infer.trajectories(simulate(rows, points // rows + 1, seed=7), dt=DT)
    for intervals in ("wald", "profile"):
        begin = time.perf_counter()
        result = infer.fit_trajectories(ito, NOISE_START, data, domain=DOMAIN, intervals=intervals)
        values = ", ".join(f"{n} = {v:.4g}" for n, v in zip(result.parameters.names, result.parameters.values))
        print(f"Kessler fit, 4 free, {data.size} increments, {intervals} intervals: {time.perf_counter() - begin:.2f} s ({result.evaluations} likelihood evaluations; {values}) {load()}")


def side_by_side() -> None:
    from fpsolver.analysis import infer
    from validation.study_inference_robustness import DOMAIN, DT, MISSING, NOISE_SD, NOISE_START, NOISE_TRUTH, ito, simulate

    rng = np.random.default_rng(11)
    clean = simulate(8, 2500, seed=11)
    observed = clean + NOISE_SD * rng.standard_normal(clean.shape)
    observed[rng.random(clean.shape) < MISSING] = np.nan
    data = infer.trajectories(observed, dt=DT)
    low, high = np.nanpercentile(observed, [5, 95])
    grid = np.linspace(low, high, 200)
    truth = ito(NOISE_TRUTH).coefficients(grid, DOMAIN)
    begin = time.perf_counter()
    result = infer.fit_trajectories(ito, NOISE_START, data, domain=DOMAIN, noise=True)
    seconds = time.perf_counter() - begin
    fitted = result.model.coefficients(grid, DOMAIN)

    def rms(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.sqrt(np.mean((a - b) ** 2)))

    print(f"noisy trajectories ({data.size} increments): fpsolver (noise model) drift RMS error {rms(-fitted.A, -truth.A):.4f}, D RMS error {rms(fitted.D, truth.D):.4f}, {seconds:.1f} s {load()}")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        from SFI import OverdampedLangevinInference, TrajectoryCollection
        from SFI.bases import monomials_up_to
    except ImportError:
        print("SFI (stochasticforceinference) is not installed: no side-by-side")
        return
    begin = time.perf_counter()
    # SFI takes equally spaced frames: missing frames are filled by linear interpolation
    filled = np.array([np.interp(np.arange(row.size), np.flatnonzero(np.isfinite(row)), row[np.isfinite(row)]) for row in observed])
    collection = TrajectoryCollection.from_arrays(X=filled.T[:, :, None], dt=DT)
    inference = OverdampedLangevinInference(collection)
    inference.compute_diffusion_constant()
    inference.infer_force_linear(monomials_up_to(order=3, dim=1, rank="vector"))
    inference.infer_diffusion_linear(monomials_up_to(order=3, dim=1, rank="matrix"))
    drift_sfi = np.asarray(inference.force_inferred(grid[:, None])).ravel()
    diffusion_sfi = np.asarray(inference.diffusion_inferred(grid[:, None])).ravel()
    errors = f"drift RMS error {rms(drift_sfi, -truth.A):.4f}, D RMS error {rms(diffusion_sfi, truth.D):.4f}"
    print(f"SFI (order-3 polynomials, missing frames interpolated): {errors}, {time.perf_counter() - begin:.1f} s {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="increments of the 4-parameter Kessler fit")
    arguments = parser.parse_args()
    fit_command_split()
    kessler_fit(arguments.points)
    side_by_side()


if __name__ == "__main__":
    main()
