"""Write case results atomically: CSV, NetCDF (h5netcdf), metrics JSON, figures, and a
report in Markdown and self-contained HTML. Writers never compute physics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from fpsolver.io import figures
from fpsolver.io.atomic import atomic_directory
from fpsolver._version import __version__
from fpsolver.cases.checks import Check, fokker_planck_checks, qme_checks
from fpsolver.analysis.observables import effective_soret
from fpsolver.cases.run import CaseResults, QMEResults
from fpsolver.io.report import Report


def _global_attributes(results: CaseResults | QMEResults) -> dict[str, str]:
    config = results.case.config
    attributes = {
        "fpsolver_version": __version__,
        "case": results.case.name,
        "configuration": json.dumps(config.resolved(), sort_keys=True),
        "configuration_sha256": config.digest(),
    }
    ensemble = getattr(config, "ensemble", None)
    if ensemble is not None:
        attributes["seed"] = str(ensemble.seed)
    return attributes


def steady_dataset(results: CaseResults) -> xr.Dataset:
    """T(x), and per model label its PDE density, exact density and face flux."""
    first = next(iter(results.steady.values()))
    data = {
        "T": ("x", results.case.profile.T(first.x), {"units": "temperature", "description": "temperature profile"}),
        "volume": ("x", first.volumes, {"units": "length", "description": "cell volume"}),
    }
    for label, solution in results.steady.items():
        data[f"P_{label}"] = ("x", solution.P, {"units": "1/length", "description": f"steady density, model {label}, FiPy PDE"})
        data[f"P_{label}_exact"] = ("x", results.exact[label], {"units": "1/length", "description": f"exact zero-flux density, model {label}"})
        data[f"J_{label}"] = ("x_face", solution.J, {"units": "1/time", "description": f"probability flux through faces, model {label}"})
    coords = {
        "x": ("x", first.x, {"units": "length", "description": "cell centre"}),
        "x_face": ("x_face", first.x_faces, {"units": "length", "description": "face position"}),
    }
    return xr.Dataset(data, coords=coords, attrs=_global_attributes(results))


def _labelled(datasets: dict[str, xr.Dataset], shared: set[str]) -> xr.Dataset:
    """Merge per-model datasets, suffixing every variable and non-shared dimension with the label."""
    renamed = []
    for label, dataset in datasets.items():
        names = {name: f"{name}_{label}" for name in [*dataset.data_vars, *dataset.dims, *dataset.coords] if name not in shared}
        renamed.append(dataset.rename(names))
    merged = xr.merge(renamed, compat="override", join="outer", combine_attrs="override")
    return merged


def write_steady_csv(results: CaseResults, path: Path) -> None:
    """x, T, one column per model, and each model's exact reference."""
    first = next(iter(results.steady.values()))
    columns = {"x": first.x, "T": results.case.profile.T(first.x)}
    for label, solution in results.steady.items():
        columns[label] = solution.P
        columns[f"{label}_exact"] = results.exact[label]
    np.savetxt(path, np.column_stack(list(columns.values())), delimiter=",", header=",".join(columns), comments="", fmt="%.15g")


def case_checks(results: CaseResults | QMEResults) -> list[Check]:
    if isinstance(results, QMEResults):
        return qme_checks(results.metrics)
    return fokker_planck_checks(results.case.config, results.metrics)


def _metrics_with_soret(results: CaseResults) -> dict[str, dict[str, float]]:
    metrics = {label: dict(values) for label, values in results.metrics.items()}
    for label, solution in results.steady.items():
        metrics[label]["effective_soret"] = effective_soret(solution.P, results.case.profile.T(solution.x), solution.volumes)
    return metrics


def write_results(results: CaseResults | QMEResults) -> Path:
    """Write everything into ``CASE/results`` (replaced atomically); return that path."""
    target = results.case.results_dir
    with atomic_directory(target) as staging:
        (staging / "figures").mkdir()
        if isinstance(results, QMEResults):
            figure_paths = _write_qme(results, staging)
            metrics = results.metrics
        else:
            figure_paths = _write_fokker_planck(results, staging)
            metrics = _metrics_with_soret(results)
        checks = case_checks(results)
        document = {
            "fpsolver_version": __version__,
            "configuration_sha256": results.case.config.digest(),
            "metrics": metrics,
            "checks": [check.as_dict() for check in checks],
        }
        (staging / "metrics.json").write_text(json.dumps(document, indent=2, sort_keys=True, allow_nan=True))
        case_report(results, metrics, checks, figure_paths).write(staging)
    return target


def _write_fokker_planck(results: CaseResults, staging: Path) -> list[tuple[Path, str]]:
    paths = []
    if results.steady:
        write_steady_csv(results, staging / "steady.csv")
        steady_dataset(results).to_netcdf(staging / "steady.nc", engine="h5netcdf")
        paths.append((figures.temperature_and_soret(results, staging / "figures" / "soret.png"), "T(x) and the effective Soret coefficient -d ln P/dT"))
    if results.steady or results.ensembles:
        paths.insert(0, (figures.steady_profiles(results, staging / "figures" / "steady.png"), "steady densities: PDE, exact and SDE histogram"))
    if results.transient:
        transient = _labelled({label: s.to_xarray().drop_vars("volume") for label, s in results.transient.items()}, {"x"})
        transient.attrs = _global_attributes(results)
        transient.to_netcdf(staging / "transient.nc", engine="h5netcdf")
    if results.ensembles or results.inertial:
        datasets = {label: e.to_xarray() for label, e in results.ensembles.items()}
        datasets.update({f"inertial_{label}": e.to_xarray() for label, e in results.inertial.items()})
        ensemble = _labelled(datasets, {"x", "x_face"})
        ensemble.attrs = _global_attributes(results)
        ensemble.to_netcdf(staging / "ensemble.nc", engine="h5netcdf")
    if results.transient or results.ensembles:
        paths.append((figures.moment_relaxation(results, staging / "figures" / "moments.png"), "relaxation of <x> and Var x: PDE and SDE (2 sigma bands)"))
    return paths


def _write_qme(results: QMEResults, staging: Path) -> list[tuple[Path, str]]:
    data = {}
    for name, values in results.quantities.items():
        dims = ("point",) + tuple(f"{name}_index{i}" for i in range(values.ndim - 1))
        data[name] = (dims, values, {"description": name})
    dataset = xr.Dataset(data, coords={"point": ("point", results.values, {"description": results.parameter or "single point"})}, attrs=_global_attributes(results))
    dataset.to_netcdf(staging / "qme.nc", engine="h5netcdf")
    columns = {results.parameter or "point": results.values}
    for name, values in results.quantities.items():
        flat = values.reshape(values.shape[0], -1)
        for index in range(flat.shape[1]):
            columns[name if flat.shape[1] == 1 else f"{name}_{index + 1}"] = flat[:, index]
    np.savetxt(staging / "qme.csv", np.column_stack(list(columns.values())), delimiter=",", header=",".join(columns), comments="", fmt="%.15g")
    paths = figures.qme_scan(results, staging / "figures")
    return list(zip(paths, ["populations", "heat currents and entropy production"]))


def case_report(results: CaseResults | QMEResults, metrics: dict, checks: list[Check], figure_paths: list[tuple[Path, str]]) -> Report:
    """The case report: checks, metrics, figures, resolved configuration."""
    config = results.case.config
    report = Report(f"fpsolver case report: {results.case.name}")
    report.paragraph(f"{config.title or results.case.name} (fpsolver {__version__}, configuration sha256 {config.digest()[:12]})")
    report.heading("Checks")
    report.table(["subject", "metric", "value", "limit", "pass"], [[c.subject, c.metric, c.value, (">= " if c.at_least else "<= ") + f"{c.limit:.3g}", c.passed] for c in checks])
    report.heading("Metrics")
    names = sorted({name for values in metrics.values() for name in values})
    report.table(["metric", *metrics], [[name, *[values.get(name, "") for values in metrics.values()]] for name in names])
    report.heading("Figures")
    for path, caption in figure_paths:
        report.figure(path, caption)
    report.heading("Configuration")
    report.code(json.dumps(config.resolved(), indent=2))
    return report
