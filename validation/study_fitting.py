"""Fitting models to measured profiles and trajectories (issue 13): coverage, model
selection, the noise convention alpha, finite-dt bias and a side-by-side with SFI.

Synthetic data come from fpsolver's ensembles with known parameters (seeded). For
each generating model one ensemble of independent particles starts at the trap
centre and runs long enough to reach the steady state (Platen weak order 2,
dt = 0.005; gCLm-II relaxes slowly where its friction eta2 ~ x^2/(2 sigma) is large,
so it runs longer); then

* profiles: each repetition is the histogram (40 bins) of the final positions of its
  own particles (multinomial counts), fitted with the Poisson likelihood
  (:func:`fpsolver.fit.fit_profile`); the histogram of all repetitions together is
  compared with the exact steady state (the data really are steady);
* trajectories: the first particles continue as trajectories sampled every
  dt = 0.01 (:func:`fpsolver.infer.simulate_trajectories`, 4 weak-order-2 substeps
  per sample), fitted by maximum likelihood with Kessler's Gaussian transition
  density (:func:`fpsolver.infer.fit_trajectories`). Each sample is one ensemble
  call for all trajectories at once, so many trajectories of moderate length cost
  far less than a few long ones; the likelihood only conditions on the starts.
  Kessler's variance 2 D dt [1 + dt (a D' + 2 D a' + D D'')/(2 D)] is an expansion
  in dt times a rate that reaches 9.9 per unit time for the gCLm-I generator (3.8
  Ito, 4.4 gCLm-II) where the data lie; dt = 0.01 keeps it <= 0.1. At dt = 0.05
  (0.5) the gCLm-I fits were biased (alpha_tilde 6.6 standard errors low with 8e4
  increments) and their intervals covered kappa in 60% and alpha_tilde in 2% of 40
  repetitions.

Each repetition is fitted by every family (Ito with free alpha, gCLm-I with free
kappa and alpha_tilde, gCLm-II with free sigma); the family with the smallest AIC is
the selected one. Coverage: the fraction of repetitions whose 95% Wald interval holds
the true value (the issue asks for 85-99% over 40 repetitions; 40 of 40 covers, which
a true coverage of 95% gives with probability 0.95^40 = 13%, fails the 99% bound).

The binned Kramers-Moyal estimates are checked against the model's fields on a finely
sampled gCLm-I set, and their finite-dt bias against the first-order prediction
E[D̂] - D = dt/2 (a^2 + a D' + 2 D a' + D D'') by subsampling that set: the measured
bias is projected on the predicted one (ratio 1 = as predicted) and its order is the
slope of log(ratio x dt) against log(dt) over the steps where the projected bias is
at least 5 standard errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import stats

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.analysis import fit, infer
from validation._common import fitted_slope, new_figure, save_figure
from validation._report import StudyResult, totals, write_report

NAME = "fitting"
TITLE = "Fitting models to steady profiles and trajectories (coverage, model selection, SFI)"
SHOWS = "Fits of steady profiles and trajectories recover the parameters they were generated with, and model selection picks the right model."

DOMAIN = (-3.0, 3.0)
PROFILE = profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.0, width=1.0)
TRAP = potentials.harmonic(stiffness=3.0)
MESH = meshes.uniform(*DOMAIN, 40)
EDGES = np.linspace(*DOMAIN, 41)  # histogram bins of the profiles
# weak order 2 at dt = 0.01 left the gCLm-I histogram of 2e6 particles (200 repetitions) at deviance/dof 2.28 against
# the exact steady state (rate up to 9.9 per unit time where the data lie); half the step quarters that bias
ENSEMBLE_DT = 0.005
EQUILIBRATION = {"ito": 3.0, "gclm1": 3.0, "gclm2": 12.0}  # time from x = 0 to the steady state (gCLm-II: slow outer region)
DT, SUBSTEPS = 0.01, 4  # trajectory sampling interval and ensemble steps per sample (see the module docstring)
GCLM2_ETA = 10.0  # puts gCLm-II's relaxation time (eta2 ~ eta sqrt(pi) sigma / L near x = 0) near the others', so dt = 0.01 resolves it
GCLM2_AUX_POINTS = 1025  # FFT grid of gCLm-II's convolutions: relative error < 1e-7 against 8193 points for sigma >= 0.3, 4x cheaper than the default
FINE_DT = 0.002  # finely sampled gCLm-I set for the Kramers-Moyal checks
BIAS_FACTORS = (1, 2, 4, 8, 16, 32)  # subsampling: dt = 0.002 ... 0.064
KM_EDGES = np.linspace(-1.2, 1.2, 13)
RESOLVED = 5.0  # a bias enters the order fit when its projection is at least this many standard errors
FIRST_ORDER_LIMIT = 0.1  # ... and the first-order prediction is at most this fraction of D (second-order terms then ~1% of D)
CHECK_TRAJECTORIES, CHECK_POINTS = 1000, 129  # subset for the chi^2 check against the model's fields


@dataclass(frozen=True)
class Sizes:
    """Data sizes: repetitions, particles per profile, trajectories x points per trajectory
    repetition, and the finely sampled set (trajectories x points at FINE_DT)."""

    repetitions: int
    particles: int
    trajectories: int
    points: int
    fine_trajectories: int
    fine_points: int
    sfi: bool


#: the issue's per-row coverage band, and the largest chance of failing its upper end that
#: an exact interval may have for the upper end to gate per row (0.36 at 40 repetitions,
#: 0.039 at 200)
COVERAGE_LOWER, COVERAGE_UPPER, MAX_FALSE_FAILURE = 0.85, 0.99, 0.05
ROOT = Path(__file__).resolve().parents[1]
COVERAGE_REPORT = ROOT / "validation" / "report-coverage"
FULL = Sizes(repetitions=40, particles=10_000, trajectories=1000, points=101, fine_trajectories=16_000, fine_points=257, sfi=True)
FAST = Sizes(repetitions=4, particles=4_000, trajectories=250, points=101, fine_trajectories=4_000, fine_points=129, sfi=False)


def ito(values):
    return fpsolver.Ito(PROFILE, potential=TRAP, alpha=values["alpha"])


def gclm1(values):
    return fpsolver.GCLM1(PROFILE, potential=TRAP, kappa=values["kappa"], alpha_tilde=values["alpha_tilde"])


def gclm2(values):
    return fpsolver.GCLM2(PROFILE, potential=TRAP, sigma=values["sigma"], eta=GCLM2_ETA, aux_points=GCLM2_AUX_POINTS)


FAMILIES = {"ito": (ito, {"alpha": 0.5}), "gclm1": (gclm1, {"kappa": 0.5, "alpha_tilde": 0.0}), "gclm2": (gclm2, {"sigma": 0.8})}
GENERATORS = {
    "ito alpha=0": ("ito", {"alpha": 0.0}),
    "ito alpha=0.5": ("ito", {"alpha": 0.5}),
    "ito alpha=1": ("ito", {"alpha": 1.0}),
    "gclm1": ("gclm1", {"kappa": 0.8, "alpha_tilde": 0.5}),
    "gclm2": ("gclm2", {"sigma": 0.5}),
}
ALPHAS = (0.0, 0.5, 1.0)


@dataclass(frozen=True)
class Synthetic:
    """One generating model's data: per-repetition profiles and trajectory sets (with
    their positions, shape (repetitions, trajectories, points)), the steady particles
    they came from, and the pooled histogram's deviance per dof against the exact
    steady state."""

    profiles: list[fit.ProfileData]
    trajectories: list[infer.Trajectories]
    positions: np.ndarray
    steady: np.ndarray
    pooled_deviance: float


def _synthetic(truth, family: str, sizes: Sizes, seed: int) -> Synthetic:
    duration = EQUILIBRATION[family]
    steps = int(round(duration / ENSEMBLE_DT))
    particles = sizes.repetitions * sizes.particles
    steady = fpsolver.run_ensemble(truth, MESH, particles, ENSEMBLE_DT, duration, x0=0.0, burn_in=0.0, record_every=steps, sample_interval=duration, seed=seed).final_x
    centres = 0.5 * (EDGES[1:] + EDGES[:-1])
    counts = [np.histogram(part, EDGES)[0] for part in steady.reshape(sizes.repetitions, sizes.particles)]
    pooled = fit.profile_data(centres, np.sum(counts, axis=0), likelihood="poisson", domain=DOMAIN)
    deviance = fit.fit_profile(lambda values: truth, {}, pooled, domain=DOMAIN).chi2_per_dof
    starts = steady[: sizes.repetitions * sizes.trajectories]
    positions = infer.simulate_trajectories(truth, MESH, starts.size, sizes.points, DT, substeps=SUBSTEPS, seed=seed + 1, x0=starts)
    positions = positions.reshape(sizes.repetitions, sizes.trajectories, sizes.points)
    return Synthetic(
        profiles=[fit.profile_data(centres, c, likelihood="poisson", domain=DOMAIN) for c in counts],
        trajectories=[infer.trajectories(part, dt=DT) for part in positions],
        positions=positions,
        steady=steady,
        pooled_deviance=deviance,
    )


def _fit_families(kind: str, data) -> dict[str, object]:
    method = fit.fit_profile if kind == "profile" else infer.fit_trajectories
    # Wald intervals, as in the committed report (profile intervals: validation/study_inference_robustness.py)
    return {family: method(factory, start, data, domain=DOMAIN, intervals="wald") for family, (factory, start) in FAMILIES.items()}


def _coverage(fits: list, truth: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per parameter: covered count, mean estimate, sd of the estimates, mean standard error."""
    out = {}
    for name, value in truth.items():
        index = fits[0].parameters.names.index(name)
        low = np.array([f.parameters.interval()[0][index] for f in fits])
        high = np.array([f.parameters.interval()[1][index] for f in fits])
        estimates = np.array([f.parameters[name][0] for f in fits])
        errors = np.array([f.parameters[name][1] for f in fits])
        out[name] = {"covered": int(np.sum((low <= value) & (value <= high))), "mean": float(estimates.mean()), "sd": float(estimates.std(ddof=1)), "error": float(errors.mean())}
    return out


def _exact_interval_fails_upper_bound(repetitions: int) -> float:
    """Probability that more than 99% of ``repetitions`` exact intervals cover, at the largest
    nominal coverage in the study (97.5%: a two-sided 95% interval with the truth on a
    parameter bound, alpha = 0 or 1, covers whenever the estimate sits on the bound)."""
    return float(stats.binom.sf(np.floor(COVERAGE_UPPER * repetitions), repetitions, 0.975))


def _nearest_alpha(value: float) -> float:
    return min(ALPHAS, key=lambda candidate: abs(candidate - value))


def _sfi_fields(data: infer.Trajectories, points: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """StochasticForceInference (order-3 polynomial bases) drift and D at ``points``; None if not installed."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        from SFI import OverdampedLangevinInference, TrajectoryCollection
        from SFI.bases import monomials_up_to
    except ImportError:
        return None
    collection = TrajectoryCollection.from_arrays(X=positions.T[:, :, None], dt=data.dt)
    inference = OverdampedLangevinInference(collection)
    inference.compute_diffusion_constant()
    inference.infer_force_linear(monomials_up_to(order=3, dim=1, rank="vector"))
    inference.infer_diffusion_linear(monomials_up_to(order=3, dim=1, rank="matrix"))
    return np.asarray(inference.force_inferred(points[:, None])).ravel(), np.asarray(inference.diffusion_inferred(points[:, None])).ravel()


def _recovery(result: StudyResult, table: list, sizes: Sizes, fast: bool) -> Synthetic:
    """Coverage and model selection for every generator and both kinds of data; returns the gCLm-I data."""
    gating = not fast
    alpha_hits: dict[str, list[bool]] = {"profile": [], "trajectories": []}
    alpha_errors: dict[str, list[float]] = {"profile": [], "trajectories": []}
    pooled_covered, pooled_intervals = 0, 0
    for index, (label, (family, truth_values)) in enumerate(GENERATORS.items()):
        truth = FAMILIES[family][0](truth_values)
        data = _synthetic(truth, family, sizes, seed=100 + 10 * index)
        if family == "gclm1":
            kept = data
        pooled = f"{sizes.repetitions * sizes.particles} particles, 38 dof"
        table.append(["steady-state check", f"profile: {label}", "deviance/dof of all repetitions' histogram vs exact P_ss", f"{data.pooled_deviance:.2f}", pooled])
        result.check(f"{label}: pooled synthetic histogram vs exact steady state, deviance/dof", data.pooled_deviance, 1.0, 2.0, "upper" if gating else "info", "the synthetic profiles are steady")
        for kind, datasets in (("profile", data.profiles), ("trajectories", data.trajectories)):
            all_fits = [_fit_families(kind, dataset) for dataset in datasets]
            own = [fits[family] for fits in all_fits]
            for name, numbers in _coverage(own, truth_values).items():
                coverage = numbers["covered"] / sizes.repetitions
                pooled_covered, pooled_intervals = pooled_covered + numbers["covered"], pooled_intervals + sizes.repetitions
                table.append(
                    [
                        "coverage of the 95% interval",
                        f"{kind}: {label}",
                        f"{name} = {truth_values[name]:g}",
                        f"{numbers['covered']}/{sizes.repetitions} = {100 * coverage:.0f}%",
                        f"mean estimate {numbers['mean']:.4g}, sd of estimates {numbers['sd']:.3g}, mean standard error {numbers['error']:.3g}",
                    ]
                )
                if gating:
                    result.check(f"{kind}, {label}: 95% interval coverage of {name} >= {COVERAGE_LOWER}", coverage, 0.95, COVERAGE_LOWER, "lower")
                    chance = _exact_interval_fails_upper_bound(sizes.repetitions)
                    if chance <= MAX_FALSE_FAILURE:
                        note = f"an exact interval fails this bound with probability {100 * chance:.1f}%"
                        result.check(f"{kind}, {label}: 95% interval coverage of {name} <= {COVERAGE_UPPER}", coverage, 0.95, COVERAGE_UPPER, "upper", note)
                    else:  # over-coverage is then gated on the pooled count below
                        note = f"not testable per row at {sizes.repetitions} repetitions: an exact interval fails it with probability {100 * chance:.0f}%"
                        result.check(f"{kind}, {label}: 95% interval coverage of {name} <= {COVERAGE_UPPER} (stated bound)", coverage, 0.95, 0.0, "info", note)
                else:
                    result.check(f"{kind}, {label}: 95% interval coverage of {name}", coverage, 0.95, 0.0, "info", f"{sizes.repetitions} repetitions (fast mode: not gating)")
            selected = [min(fits, key=lambda f: fits[f].aic) for fits in all_fits]
            share = selected.count(family) / len(selected)
            table.append(["model selection (smallest AIC)", f"{kind}: {label}", f"picks {family}", f"{100 * share:.0f}%", ", ".join(f"{f}: {selected.count(f)}" for f in FAMILIES)])
            result.check(f"{kind}, {label}: AIC picks the generating family", share, 1.0, 0.9, "lower" if gating else "info")
            if family == "ito":
                for f in own:
                    value, error = f.parameters["alpha"]
                    alpha_hits[kind].append(_nearest_alpha(value) == truth_values["alpha"])
                    alpha_errors[kind].append(error)
    trajectory_size = f"{sizes.trajectories} x {sizes.points} points ({sizes.trajectories * (sizes.points - 1)} increments, dt = {DT})"
    for kind, size in (("trajectories", trajectory_size), ("profile", f"{sizes.particles} particles in 40 bins")):
        share = float(np.mean(alpha_hits[kind]))
        sigma = f"mean sigma(alpha) = {np.mean(alpha_errors[kind]):.3f}"
        table.append(["alpha discrimination", f"{kind}: {size}", "nearest of {0, 0.5, 1} is the truth", f"{100 * share:.0f}% of {len(alpha_hits[kind])}", sigma])
        result.check(f"alpha (0 vs 0.5 vs 1) identified from {kind} per repetition", share, 1.0, 0.9, "lower" if gating else "info", size)
    low, high = stats.binom.interval(0.95, pooled_intervals, 0.95)
    gate_low, gate_high = stats.binom.interval(0.999, pooled_intervals, 0.975)  # 0.975: the nominal coverage on a parameter bound
    pooled = pooled_covered / pooled_intervals
    spread = f"a true 95% gives {100 * low / pooled_intervals:.1f}-{100 * high / pooled_intervals:.1f}% in 95% of studies"
    table.append(["coverage of the 95% interval", "all generators, parameters and kinds", "pooled", f"{pooled_covered}/{pooled_intervals} = {100 * pooled:.1f}%", spread])
    result.check("pooled 95% interval coverage over every generator, parameter and kind", pooled, 0.95, 0.0, "info", spread)
    if gating:  # intervals that are too wide (over-coverage) show in the pooled count
        result.check(
            "pooled 95% interval coverage not above what exact intervals give (binomial, 99.9%)",
            pooled,
            0.95,
            gate_high / pooled_intervals,
            "upper",
            f"<= {100 * gate_high / pooled_intervals:.1f}% (the 99.9% binomial bound at coverage 0.975, the largest nominal value)",
        )
    return kept


def _kramers_moyal(result: StudyResult, table: list, truth, steady: np.ndarray, sizes: Sizes, gating: bool, out_dir: Path) -> None:
    """Binned estimates against the model on a finely sampled set; the finite-dt bias of D by subsampling it."""
    starts = steady[-sizes.fine_trajectories :]
    positions = infer.simulate_trajectories(truth, MESH, starts.size, sizes.fine_points, FINE_DT, substeps=2, seed=7, x0=starts)
    # agreement within the error bars: a subset small enough that the first-order bias (about 3 dt D at most) stays below the errors
    subset = infer.trajectories(positions[:CHECK_TRAJECTORIES, :CHECK_POINTS], dt=FINE_DT)
    estimates = infer.kramers_moyal(subset, KM_EDGES)
    drift, diffusion = infer.bin_averages(truth, subset, KM_EDGES, DOMAIN)
    _, expected = infer.bin_averages(truth, subset, KM_EDGES, DOMAIN, finite_dt=True)
    used = estimates.used
    chi2_drift = infer.chi2_per_dof(estimates.drift[used], drift[used], estimates.drift_error[used])
    chi2_diffusion = infer.chi2_per_dof(estimates.diffusion[used], diffusion[used], estimates.diffusion_error[used])
    bias_to_noise = float(np.max(np.abs(expected - diffusion)[used] / estimates.diffusion_error[used]))
    result.check("binned drift vs gCLm-I -A(x): chi^2/dof", chi2_drift, 1.0, 2.0, "upper")
    result.check("binned D(x) vs gCLm-I D(x): chi^2/dof", chi2_diffusion, 1.0, 2.0, "upper")
    table.append(
        [
            "Kramers-Moyal vs model",
            f"gclm1, {CHECK_TRAJECTORIES} x {CHECK_POINTS} points, {subset.size} increments, dt = {FINE_DT}",
            "chi^2/dof drift, D",
            f"{chi2_drift:.2f}, {chi2_diffusion:.2f}",
            f"12 bins on [-1.2, 1.2]; largest first-order bias of D = {bias_to_noise:.2f} standard errors",
        ]
    )
    steps, ratios, ratio_errors, relative = [], [], [], []
    figure, axes = new_figure(2, width=4.4)
    for factor in BIAS_FACTORS:
        coarse = infer.trajectories(positions[:, ::factor], dt=FINE_DT * factor)
        km = infer.kramers_moyal(coarse, KM_EDGES)
        _, exact = infer.bin_averages(truth, coarse, KM_EDGES, DOMAIN)
        _, first_order = infer.bin_averages(truth, coarse, KM_EDGES, DOMAIN, finite_dt=True)
        ok = km.used
        measured, predicted, error = (km.diffusion - exact)[ok], (first_order - exact)[ok], km.diffusion_error[ok]
        weights = 1.0 / error**2
        ratio = float(np.sum(weights * measured * predicted) / np.sum(weights * predicted**2))
        ratio_error = float(1.0 / np.sqrt(np.sum(weights * predicted**2)))
        steps.append(coarse.dt)
        ratios.append(ratio)
        ratio_errors.append(ratio_error)
        relative.append(float(np.max(np.abs(predicted) / exact[ok])))
        table.append(
            [
                "finite-dt bias of D",
                f"dt = {coarse.dt:g} ({coarse.size} increments)",
                "measured / predicted (projection), chi^2/dof vs prediction",
                f"{ratio:.3f} ± {ratio_error:.3f}, {infer.chi2_per_dof(measured, predicted, error):.2f}",
                f"largest predicted bias {100 * relative[-1]:.1f}% of D; projected bias = {ratio / ratio_error:.1f} standard errors",
            ]
        )
        axes[1].errorbar(km.mean_position[ok], measured, yerr=error, fmt="o", ms=3, label=f"dt = {coarse.dt:g}")
        axes[1].plot(km.mean_position[ok], predicted, "k-", lw=0.8)
    steps, ratios, ratio_errors = np.array(steps), np.array(ratios), np.array(ratio_errors)
    window = (ratios / ratio_errors >= RESOLVED) & (np.array(relative) <= FIRST_ORDER_LIMIT)
    order = fitted_slope(steps[window], ratios[window] * steps[window]) if window.sum() >= 2 else float("nan")
    note = f"dt = {', '.join(f'{s:g}' for s in steps[window])}: bias >= {RESOLVED:g} standard errors and <= {100 * FIRST_ORDER_LIMIT:g}% of D"
    result.check("order of the finite-dt bias of D (halving dt halves it)", order, 1.0, 0.35, "slope" if gating else "info", note)
    table.append(["finite-dt bias of D", note, "order (slope of log bias vs log dt)", f"{order:.3f}", "first order predicted"])
    axes[0].errorbar(steps, ratios, yerr=ratio_errors, fmt="o-", color="k")
    axes[0].axhline(1.0, color="C0", lw=0.8)
    axes[0].set(xscale="log", xlabel="dt", ylabel="measured / predicted bias of D", title="finite-dt bias (gCLm-I)")
    axes[0].minorticks_off()
    axes[0].set_xticks(steps, [f"{step:g}" for step in steps])
    axes[1].set(xlabel="x (bin mean)", ylabel="D̂ - D (lines: first order)")
    axes[1].legend(fontsize=6)
    result.figures.append(save_figure(figure, out_dir, NAME, "finite_dt_bias"))


def _side_by_side(result: StudyResult, table: list, truth, data: infer.Trajectories, positions: np.ndarray, sizes: Sizes, out_dir: Path) -> None:
    """L2 errors of the drift and D estimates against the true fields: ML fit, binned KM, SFI."""
    km = infer.kramers_moyal(data, 15)
    used = km.used
    x, weights = km.mean_position[used], km.counts[used]
    exact = truth.coefficients(x, DOMAIN)

    def l2(values, reference):
        return float(np.sqrt(np.average((values - reference) ** 2, weights=weights)))

    ml = infer.fit_trajectories(gclm1, FAMILIES["gclm1"][1], data, domain=DOMAIN).model.coefficients(x, DOMAIN)
    rows = {"fpsolver ML fit (gclm1)": (l2(-ml.A, -exact.A), l2(ml.D, exact.D)), "fpsolver binned KM": (l2(km.drift[used], -exact.A), l2(km.diffusion[used], exact.D))}
    sfi = _sfi_fields(data, x, positions) if sizes.sfi else None
    if sfi is not None:
        rows["SFI (order-3 polynomials)"] = (l2(sfi[0], -exact.A), l2(sfi[1], exact.D))
        result.check("L2 error of the drift: fpsolver ML fit <= SFI", rows["fpsolver ML fit (gclm1)"][0], 0.0, rows["SFI (order-3 polynomials)"][0], "upper")
        result.check("L2 error of D(x): fpsolver ML fit <= SFI", rows["fpsolver ML fit (gclm1)"][1], 0.0, rows["SFI (order-3 polynomials)"][1], "upper")
    else:
        reason = "full mode only (its JIT compilation alone takes ~10 s)" if not sizes.sfi else "stochasticforceinference is not installed: pip install -e '.[validation]'"
        table.append(["SFI comparison", "skipped", reason, "", ""])
    for method, (drift_error, diffusion_error) in rows.items():
        table.append(["L2 error vs true fields", f"gclm1, {data.size} increments, dt = {DT}", method, f"drift {drift_error:.4f}, D {diffusion_error:.4f}", "count-weighted over 15 bins"])

    figure, axes = new_figure(2, width=4.4)
    for axis, estimate, error, true_field, fitted, sfi_field, label in (
        (axes[0], km.drift, km.drift_error, -exact.A, -ml.A, None if sfi is None else sfi[0], "drift -A(x)"),
        (axes[1], km.diffusion, km.diffusion_error, exact.D, ml.D, None if sfi is None else sfi[1], "D(x)"),
    ):
        axis.errorbar(x, estimate[used], yerr=error[used], fmt="o", ms=3, color="k", label="binned KM")
        axis.plot(x, true_field, "C0", label="true")
        axis.plot(x, fitted, "C1--", label="ML fit")
        if sfi_field is not None:
            axis.plot(x, sfi_field, "C2:", label="SFI")
        axis.set(xlabel="x", ylabel=label)
    axes[0].set_title(f"gCLm-I trajectories ({data.size} increments)")
    axes[0].legend(fontsize=7)
    result.figures.append(save_figure(figure, out_dir, NAME, "fields"))


def run(fast: bool, out_dir: Path) -> StudyResult:
    sizes = FAST if fast else FULL
    result = StudyResult(NAME, TITLE)
    result.parameters = {
        "temperature": "tanh step T_L = 2, T_R = 0.5, centre 0, width 1",
        "potential": "harmonic, stiffness 3; domain [-3, 3] (reflecting walls, rarely reached)",
        "repetitions": sizes.repetitions,
        "profile data": f"{sizes.particles} particles per repetition in 40 bins (Poisson likelihood); steady after t = {EQUILIBRATION} from x = 0 (weak order 2, dt = {ENSEMBLE_DT})",
        "trajectory data": f"{sizes.trajectories} trajectories x {sizes.points} points per repetition ({sizes.trajectories * (sizes.points - 1)} increments), dt = {DT} (Kessler likelihood)",
        "Kramers-Moyal set": f"gclm1, {sizes.fine_trajectories} trajectories x {sizes.fine_points} points, dt = {FINE_DT}, subsampled x {BIAS_FACTORS}",
        "families fitted": f"ito (alpha), gclm1 (kappa, alpha_tilde), gclm2 (sigma; eta = {GCLM2_ETA:g}, {GCLM2_AUX_POINTS}-point convolution grid); eta = k_B = 1 otherwise",
    }
    table = [["table", "data / generator", "quantity", "value", "note"]]
    started = time.perf_counter()
    gclm1_data = _recovery(result, table, sizes, fast)
    recovery_seconds = time.perf_counter() - started
    truth = gclm1(GENERATORS["gclm1"][1])
    _kramers_moyal(result, table, truth, gclm1_data.steady, sizes, not fast, out_dir)
    _side_by_side(result, table, truth, gclm1_data.trajectories[0], gclm1_data.positions[0], sizes, out_dir)
    result.table = table
    result.paragraph = (
        f"{len(GENERATORS)} generating models x {sizes.repetitions} repetitions, each fitted by the three families on profiles and on trajectories "
        f"({recovery_seconds:.0f} s). Coverage is that of the 95% Wald intervals from the inverse Fisher information; model selection takes the "
        "smallest AIC among the families; alpha is identified when the nearest of 0, 0.5, 1 to the free fit is the true one. The binned "
        "Kramers-Moyal estimates are compared with the model's fields averaged over the starts in each bin; their finite-dt bias is measured by "
        f"subsampling one fine trajectory set (dt x {', '.join(map(str, BIAS_FACTORS))}), projected on the first-order prediction, and its order fitted "
        f"where it is at least {RESOLVED:g} standard errors and at most {100 * FIRST_ORDER_LIMIT:g}% of D (beyond, higher orders take over: the ratio falls "
        f"below 1). The 95% intervals' upper coverage bound of {100 * COVERAGE_UPPER:g}% asked for fails whenever all 40 intervals cover, which an exact 95% interval does "
        "in 13% of the checks (36% for a truth on the bound alpha = 0 or 1, where the nominal coverage is 97.5%); the pooled row tests them together "
        f"here, and the coverage run (`python -m validation.study_fitting --repetitions 200`, {COVERAGE_REPORT.relative_to(ROOT)}/REPORT.md) gates the "
        "band per row, where an exact interval fails it with probability 3.9% at most. "
        "The side-by-side uses the same trajectories for fpsolver and StochasticForceInference (Frishman and Ronceray, PRX 10, 021009 (2020)), "
        "whose polynomial bases do not know the temperature profile."
    )
    return result


def coverage_run(repetitions: int) -> StudyResult:
    """The recovery part alone (coverage and model selection per generator and kind of data)
    at ``repetitions`` repetitions: enough (200) for the issue's per-row coverage band
    85-99% to be a test an exact interval passes with probability >= 96%. 200
    repetitions took 650 s on this 2-core machine, otherwise idle (909 s and 1287 s
    under load with the slower ensemble kernels before)."""
    sizes = replace(FULL, repetitions=repetitions, sfi=False)
    result = StudyResult(f"{NAME}-coverage", f"Fitting: coverage and model selection over {repetitions} repetitions")
    table = [["table", "data / generator", "quantity", "value", "note"]]
    started = time.perf_counter()
    _recovery(result, table, sizes, fast=False)
    result.table = table
    result.paragraph = (
        f"The recovery part of the `{NAME}` study with {repetitions} repetitions per generator instead of {FULL.repetitions} "
        f"({time.perf_counter() - started:.0f} s); same data sizes per repetition and seeds as the full study (the first "
        f"{FULL.repetitions} repetitions' particles differ because each generator's ensemble is drawn at once)."
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m validation.study_fitting [--repetitions N] [--out DIR]``: the coverage run."""
    parser = argparse.ArgumentParser(prog="python -m validation.study_fitting", description="Coverage and model selection of the fits over many repetitions.")
    parser.add_argument("--repetitions", type=int, default=200, help="repetitions per generator (default 200)")
    parser.add_argument("--out", type=Path, default=COVERAGE_REPORT, help=f"output folder (default {COVERAGE_REPORT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.repetitions < 2:
        parser.error(f"--repetitions must be at least 2, got {args.repetitions}")
    args.out.mkdir(parents=True, exist_ok=True)
    with np.errstate(all="raise", under="ignore"):
        result = coverage_run(args.repetitions)
    write_report([result], args.out, version=fpsolver.__version__, mode=f"coverage, {args.repetitions} repetitions")
    count = totals([result])
    print(f"[coverage] {count['passed']}/{count['checks']} gating checks pass; wrote {args.out}/REPORT.md")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
