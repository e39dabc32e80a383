"""Write fits of profiles and trajectories: fit.json, fit.nc, figures and a report.

``CASE/fits/NAME/`` is written atomically (:func:`fpsolver.io.atomic.atomic_directory`):
``fit.json`` (parameters, errors, covariance, correlation, chi^2/dof, AIC/BIC and the
model comparison), ``fit.nc`` (data, best fits and residuals with units and long
names), ``figures/*.png`` and ``report.md``/``report.html``. The writers only lay out
what the fits and the case layer computed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from fpsolver._version import __version__
from fpsolver.analysis.fit import ProfileFit
from fpsolver.analysis.fit_estimates import ParameterEstimates, compare_fits
from fpsolver.analysis.infer import KramersMoyal, Trajectories, TrajectoryFit
from fpsolver.analysis.infer_nd import KramersMoyalMap, Tracks
from fpsolver.io.atomic import atomic_directory
from fpsolver.io.report import Report

DPI = 110


def _attributes(units: str, long_name: str) -> dict[str, str]:
    return {"units": units, "long_name": long_name}


def _comparison_table(report: Report, rows: list[dict[str, object]]) -> None:
    report.heading("Model comparison")
    report.paragraph("Every model was fitted to the same data; the smallest AIC is preferred (Akaike weights in the last column).")
    report.table(["model", "k", "ln L", "AIC", "BIC", "ΔAIC", "weight"], [[r["model"], r["n_parameters"], r["log_likelihood"], r["aic"], r["bic"], r["delta_aic"], r["weight"]] for r in rows])


def _parameter_table(report: Report, label: str, fit: Any) -> None:
    """Estimates with their 95% intervals (profile likelihood or Wald), correlations, the
    identifiable combinations, the distinct minima of the search and the warnings."""
    estimates: ParameterEstimates = fit.parameters
    low, high = estimates.interval()
    report.table(
        ["model", "parameter", "value", "standard error", f"95% interval ({estimates.interval_method})"],
        [[label, name, value, error, f"[{lo:.6g}, {hi:.6g}]"] for name, value, error, lo, hi in zip(estimates.names, estimates.values, estimates.errors, low, high)],
    )
    if len(estimates.names) > 1:
        report.table(["correlation", *estimates.names], [[name, *row] for name, row in zip(estimates.names, estimates.correlation.tolist())])
    if estimates.combinations:
        report.paragraph(f"{label}: the data do not determine every parameter separately (near-singular Fisher information); what they determine:")
        report.table(["combination", "value", "standard error of its logarithm"], [[c["combination"], c["value"], c["log_error"]] for c in estimates.combinations])
    if len(fit.minima) > 1:
        report.paragraph(f"{label}: the global search found {len(fit.minima)} distinct minima (-2 ln L relative to the best):")
        report.table(["minimum", *estimates.names, "Δ(-2 ln L)"], [[index, *m["values"].values(), m["delta_deviance"]] for index, m in enumerate(fit.minima, start=1)])
    for warning in fit.warnings:
        report.paragraph(f"**Warning** ({label}): {warning}")


def _parameter_sections(report: Report, fits: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Each fitted model's parameter table and the model comparison, added to ``report``;
    returns the corner figures (name, drawer) of the models with free parameters."""
    for label, fit in fits.items():
        if fit.parameters.names:
            _parameter_table(report, label, fit)
    _comparison_table(report, compare_fits(fits))
    return [(f"corner_{label}.png", lambda path, label=label: corner_figure(label, fits[label].parameters, path)) for label in fits if fits[label].parameters.names]


def corner_figure(label: str, estimates: ParameterEstimates, path: Path) -> Path:
    """Corner-style plot of the Gaussian (Wald) approximation: marginal densities on the
    diagonal, 1σ and 2σ ellipses (39% and 86% of the mass) below it."""
    n = len(estimates.names)
    figure = Figure(figsize=(2.6 * n + 0.6, 2.4 * n + 0.4), layout="constrained")
    axes = np.atleast_2d(figure.subplots(n, n, squeeze=False))
    values, errors, covariance = estimates.values, estimates.errors, estimates.covariance
    angle = np.linspace(0, 2 * np.pi, 200)
    for i in range(n):
        for j in range(n):
            ax = axes[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            if i == j:
                grid = values[i] + errors[i] * np.linspace(-4, 4, 200)
                ax.plot(grid, np.exp(-0.5 * ((grid - values[i]) / errors[i]) ** 2) if errors[i] > 0 else 0 * grid, color="C0")
                ax.axvline(values[i], color="k", lw=0.8)
                ax.set(yticks=[], title=f"{estimates.names[i]} = {values[i]:.4g} ± {errors[i]:.2g}")
            else:
                block = covariance[np.ix_([j, i], [j, i])]
                eigenvalues, eigenvectors = np.linalg.eigh(block)
                circle = np.vstack([np.cos(angle), np.sin(angle)])
                for radius, style in ((1.0, "-"), (2.0, "--")):
                    ellipse = eigenvectors @ (radius * np.sqrt(np.clip(eigenvalues, 0, None))[:, None] * circle)
                    ax.plot(values[j] + ellipse[0], values[i] + ellipse[1], style, color="C0")
                ax.plot(values[j], values[i], "k+")
            if i == n - 1:
                ax.set_xlabel(estimates.names[j])
            if j == 0 and i > 0:
                ax.set_ylabel(estimates.names[i])
    figure.suptitle(f"{label}: parameter uncertainties (Gaussian approximation)", fontsize="small")
    figure.savefig(path, dpi=DPI)
    return path


def _profile_figure(fits: Mapping[str, ProfileFit], path: Path) -> Path:
    figure = Figure(figsize=(7.5, 5.5), layout="constrained")
    data_axes, residual_axes = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    data = next(iter(fits.values())).data
    errors = data.errors if data.likelihood == "gaussian" else np.sqrt(np.maximum(data.values, 1.0))
    data_axes.errorbar(data.x, data.values, yerr=errors, fmt=".", color="k", ms=3, elinewidth=0.6, label="data")
    for index, (label, fit) in enumerate(fits.items()):
        data_axes.plot(data.x, fit.prediction, color=f"C{index}", label=f"{label}: chi2/dof = {fit.chi2_per_dof:.3g}")
        residual_axes.plot(data.x, fit.residuals, ".", ms=3, color=f"C{index}")
    residual_axes.axhline(0.0, color="0.5", lw=0.6)
    data_axes.set(ylabel="count per bin" if data.likelihood == "poisson" else "value", title="steady profile: data and best fits")
    residual_axes.set(xlabel="x", ylabel="residual" if data.likelihood == "gaussian" else "deviance residual")
    data_axes.legend(fontsize="x-small")
    figure.savefig(path, dpi=DPI)
    return path


def _write(target: Path, summary: dict[str, Any], dataset: xr.Dataset, report: Report, figures: list[tuple[str, Any]]) -> Path:
    with atomic_directory(target) as staging:
        (staging / "figures").mkdir()
        for name, draw in figures:
            report.figure(draw(staging / "figures" / name))
        (staging / "fit.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
        dataset.to_netcdf(staging / "fit.nc", engine="h5netcdf")
        report.write(staging)
    return target


def _common(configuration: dict[str, Any], data_file: Path, kind: str, fits: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "fpsolver_version": __version__,
        "kind": kind,
        "data_file": str(data_file),
        "configuration": configuration,
        "fits": {label: fit.as_dict() for label, fit in fits.items()},
        "comparison": compare_fits(fits) if fits else [],
    }


def _case_attributes(configuration: dict[str, Any], data_file: Path) -> dict[str, str]:
    return {"fpsolver_version": __version__, "configuration": json.dumps(configuration), "data_file": str(data_file)}


def write_profile_fits(case: Path, name: str, configuration: dict[str, Any], data_file: Path, fits: Mapping[str, ProfileFit]) -> Path:
    """``CASE/fits/NAME/`` for fits of a steady profile (one per model label)."""
    data = next(iter(fits.values())).data
    labels = list(fits)
    counts = data.likelihood == "poisson"
    variables = {
        "data": (("point",), data.values, _attributes("1" if counts else "data units", "counts per bin" if counts else "measured value")),
        "best_fit": (("model", "point"), np.array([fits[label].prediction for label in labels]), _attributes("1" if counts else "data units", "best-fit prediction of the data")),
        "residual": (("model", "point"), np.array([fits[label].residuals for label in labels]), _attributes("1", "deviance residual" if counts else "(data - best fit) / error")),
    }
    if not counts:
        variables["error"] = (("point",), data.errors, _attributes("data units", "standard error of the measured value"))
    dataset = xr.Dataset(
        variables,
        coords={"x": (("point",), data.x, _attributes("length", "position")), "model": (("model",), np.array(labels), _attributes("1", "model label"))},
        attrs={**_case_attributes(configuration, data_file), "likelihood": data.likelihood},
    )
    report = Report(f"Fit of a steady profile: {data_file.name}")
    report.paragraph(
        f"{data.size} points, {'Poisson counts' if counts else 'Gaussian errors'}; prediction: scale × exact zero-flux steady state "
        f"of each model (the scale is always fitted). Free parameters: {', '.join(next(iter(fits.values())).parameters.names) or 'none'}."
    )
    rows = [[label, fit.chi2, fit.dof, fit.chi2_per_dof, fit.scale, fit.success] for label, fit in fits.items()]
    report.table(["model", "chi2" if not counts else "deviance", "dof", "per dof", "scale", "converged"], rows)
    corners = _parameter_sections(report, fits)
    figures = [("fit.png", lambda path: _profile_figure(fits, path))]
    figures += corners
    summary = _common(configuration, data_file, "profile", fits)
    return _write(Path(case) / "fits" / name, summary, dataset, report, figures)


def _residual_figure(estimates: KramersMoyal, binned: Mapping[str, tuple[np.ndarray, np.ndarray]], path: Path) -> Path:
    """(estimate - model) / error per bin for the drift and D, the model's bin averages
    including the finite-dt bias; points beyond ±2 are what chi2/dof counts."""
    figure = Figure(figsize=(8.5, 3.4), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    used = estimates.used
    for index, (label, (drift, diffusion)) in enumerate(binned.items()):
        for ax, estimate, error, model in ((axes[0], estimates.drift, estimates.drift_error, drift), (axes[1], estimates.diffusion, estimates.diffusion_error, diffusion)):
            ax.plot(estimates.mean_position[used], ((estimate - model) / error)[used], "o-", ms=3, lw=0.6, color=f"C{index}", label=label)
    for ax, title in zip(axes, ("drift", "diffusion")):
        ax.axhline(0.0, color="0.5", lw=0.6)
        for level in (-2.0, 2.0):
            ax.axhline(level, color="0.7", lw=0.6, ls="--")
        ax.set(xlabel="x", title=f"{title}: (estimate - model) / error")
    axes[0].set_ylabel("normalised residual per bin")
    axes[0].legend(fontsize="x-small")
    figure.savefig(path, dpi=DPI)
    return path


def _estimates_figure(estimates: KramersMoyal, curves: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]], path: Path) -> Path:
    figure = Figure(figsize=(8.5, 3.8), layout="constrained")
    drift_axes, diffusion_axes = figure.subplots(1, 2)
    used = estimates.used
    drift_axes.errorbar(estimates.mean_position[used], estimates.drift[used], yerr=estimates.drift_error[used], fmt="o", ms=3, color="k", label="binned estimate")
    diffusion_axes.errorbar(estimates.mean_position[used], estimates.diffusion[used], yerr=estimates.diffusion_error[used], fmt="o", ms=3, color="k", label="binned estimate")
    if estimates.diffusion_robust is not None:
        robust = used & np.isfinite(estimates.diffusion_robust)
        style = {"fmt": "s", "mfc": "none", "ms": 4, "color": "0.4", "label": "noise-robust (covariance) estimate"}
        diffusion_axes.errorbar(estimates.mean_position[robust], estimates.diffusion_robust[robust], yerr=estimates.diffusion_robust_error[robust], **style)
    for index, (label, (x, drift, diffusion)) in enumerate(curves.items()):
        drift_axes.plot(x, drift, color=f"C{index}", label=f"{label} (best fit)")
        diffusion_axes.plot(x, diffusion, color=f"C{index}", label=f"{label} (best fit)")
    drift_axes.set(xlabel="x", ylabel="drift -A(x) (length/time)", title="drift")
    diffusion_axes.set(xlabel="x", ylabel="D(x) (length²/time)", title="diffusion")
    drift_axes.legend(fontsize="x-small")
    figure.savefig(path, dpi=DPI)
    return path


def write_trajectory_fits(
    case: Path,
    name: str,
    configuration: dict[str, Any],
    data_file: Path,
    data: Trajectories,
    estimates: KramersMoyal,
    fits: Mapping[str, TrajectoryFit],
    curves: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    chi2: Mapping[str, dict[str, float]],
    binned: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> Path:
    """``CASE/fits/NAME/`` for trajectory inference: binned estimates, model curves
    ``curves[label] = (x, drift, D)`` of the best fits, their chi^2/dof against the
    binned estimates ``chi2[label] = {"drift": ..., "diffusion": ...}`` and the
    model's bin averages ``binned[label] = (drift, D)`` (with the finite-dt bias) for
    the residual plot per bin."""
    labels = list(fits)
    x = next(iter(curves.values()))[0]
    dataset = xr.Dataset(
        {
            "count": (("bin",), estimates.counts, _attributes("1", "increments starting in the bin")),
            "mean_position": (("bin",), estimates.mean_position, _attributes("length", "mean start position in the bin")),
            "drift": (("bin",), estimates.drift, _attributes("length/time", "binned drift estimate <dx>/dt")),
            "drift_error": (("bin",), estimates.drift_error, _attributes("length/time", "standard error of the drift estimate")),
            "diffusion": (("bin",), estimates.diffusion, _attributes("length^2/time", "binned diffusion estimate <dx^2>/(2 dt)")),
            "diffusion_error": (("bin",), estimates.diffusion_error, _attributes("length^2/time", "standard error of the diffusion estimate")),
            "diffusion_robust": (("bin",), estimates.diffusion_robust, _attributes("length^2/time", "noise-robust covariance estimate <dx_k^2 + 2 dx_k dx_k+1>/(2 dt)")),
            "diffusion_robust_error": (("bin",), estimates.diffusion_robust_error, _attributes("length^2/time", "standard error of the noise-robust estimate")),
            "model_drift": (("model", "grid"), np.array([curves[label][1] for label in labels]), _attributes("length/time", "drift -A(x) of the best-fit model")),
            "model_diffusion": (("model", "grid"), np.array([curves[label][2] for label in labels]), _attributes("length^2/time", "D(x) of the best-fit model")),
        },
        coords={
            "bin_centre": (("bin",), estimates.centres, _attributes("length", "bin centre")),
            "x": (("grid",), x, _attributes("length", "position")),
            "model": (("model",), np.array(labels), _attributes("1", "model label")),
        },
        attrs={**_case_attributes(configuration, data_file), "dt": data.dt, "increments": data.size, "trajectories": len(data.lengths)},
    )
    report = Report(f"Inference from trajectories: {data_file.name}")
    transition = next(iter(fits.values())).transition
    report.paragraph(
        f"{len(data.lengths)} trajectories, {data.size} increments, dt = {data.dt:g}. Binned Kramers-Moyal estimates of the drift and D(x) "
        f"(bias O(dt)); maximum-likelihood fits with the '{transition}' Gaussian transition density. chi2/dof compares the estimates with "
        "the model's bin averages including the first-order finite-dt bias."
    )
    report.table(
        ["model", "chi2/dof drift", "chi2/dof D", "ln L", "converged"], [[label, chi2[label]["drift"], chi2[label]["diffusion"], fits[label].log_likelihood, fits[label].success] for label in labels]
    )
    corners = _parameter_sections(report, fits)
    figures = [("estimates.png", lambda path: _estimates_figure(estimates, curves, path))]
    if binned:
        figures.append(("residuals.png", lambda path: _residual_figure(estimates, binned, path)))
    figures += corners
    summary = _common(configuration, data_file, "trajectories", fits)
    summary["estimates"] = {
        key: [value if np.isfinite(value) else None for value in getattr(estimates, attribute).tolist()]
        for key, attribute in (
            ("bin_centre", "centres"),
            ("drift", "drift"),
            ("drift_error", "drift_error"),
            ("diffusion", "diffusion"),
            ("diffusion_error", "diffusion_error"),
            ("diffusion_robust", "diffusion_robust"),
            ("diffusion_robust_error", "diffusion_robust_error"),
        )
    }
    summary["chi2_per_dof_vs_estimates"] = dict(chi2)
    return _write(Path(case) / "fits" / name, summary, dataset, report, figures)


def _maps_figure(maps: KramersMoyalMap, path: Path) -> Path:
    """D map (colour) with the drift field (arrows) of 2D tracks; a 3D map is shown in
    its middle z slice."""
    figure = Figure(figsize=(6.0, 4.8), layout="constrained")
    ax = figure.subplots()
    diffusion, drift = maps.diffusion, maps.drift
    if diffusion.ndim == 3:
        middle = diffusion.shape[2] // 2
        diffusion, drift = diffusion[:, :, middle], drift[:2, :, :, middle]
    x, y = maps.centres[0], maps.centres[1]
    image = ax.pcolormesh(maps.edges[0], maps.edges[1], diffusion.T, shading="flat")
    figure.colorbar(image, ax=ax, label="D (length²/time)")
    grid_x, grid_y = np.meshgrid(x, y, indexing="ij")
    ax.quiver(grid_x, grid_y, drift[0], drift[1], color="w")
    ax.set(xlabel="x", ylabel="y", title="binned D map and drift field", aspect="equal")
    figure.savefig(path, dpi=DPI)
    return path


def write_track_fits(case: Path, name: str, configuration: dict[str, Any], data_file: Path, data: Tracks, maps: KramersMoyalMap, fits: Mapping[str, TrajectoryFit]) -> Path:
    """``CASE/fits/NAME/`` for nD tracks: the binned drift and D maps and the fits."""
    dims = ("bin_x", "bin_y", "bin_z")[: data.dimension]
    dataset = xr.Dataset(
        {
            "count": (dims, maps.counts, _attributes("1", "increments starting in the cell")),
            "drift": (("axis", *dims), maps.drift, _attributes("length/time", "binned drift estimate <dr>/dt")),
            "drift_error": (("axis", *dims), maps.drift_error, _attributes("length/time", "standard error of the drift estimate")),
            "diffusion": (dims, maps.diffusion, _attributes("length^2/time", "binned isotropic diffusion estimate <|dr|^2>/(2 d dt)")),
            "diffusion_error": (dims, maps.diffusion_error, _attributes("length^2/time", "standard error of the diffusion estimate")),
        },
        coords={dim: ((dim,), centres, _attributes("length", f"cell centre along {dim[-1]}")) for dim, centres in zip(dims, maps.centres)},
        attrs={**_case_attributes(configuration, data_file), "dt": data.dt, "increments": data.size, "tracks": len(data.lengths)},
    )
    report = Report(f"Inference from {data.dimension}D tracks: {data_file.name}")
    report.paragraph(
        f"{len(data.lengths)} tracks, {data.size} increments, dt = {data.dt:g}. Binned drift and isotropic D maps (bias O(dt)); "
        "maximum-likelihood fits with Euler's Gaussian transition density (bias O(dt))."
    )
    corners = _parameter_sections(report, fits)
    figures = [("maps.png", lambda path: _maps_figure(maps, path))]
    figures += corners
    summary = _common(configuration, data_file, "tracks", fits)
    summary["maps"] = {"edges": [e.tolist() for e in maps.edges], "diffusion": np.where(np.isfinite(maps.diffusion), maps.diffusion, None).tolist()}
    return _write(Path(case) / "fits" / name, summary, dataset, report, figures)
