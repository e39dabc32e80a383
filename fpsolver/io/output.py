"""Write case results atomically: tidy CSV and NetCDF (h5netcdf), metrics JSON, figures,
and a report in Markdown and self-contained HTML.

Writers take result objects and checks and lay them out; they never solve, never
compute physics and import nothing from the case application (:mod:`fpsolver.cases`).
NetCDF files are tidy: one variable per quantity with a ``model`` dimension
(``P(model, x)``), ``units`` and ``long_name`` on every variable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from fpsolver._version import __version__
from fpsolver.analysis.checks import Check
from fpsolver.io import figures, figures_nd, seal
from fpsolver.io.atomic import atomic_directory
from fpsolver.io.report import Report, criterion, verdict
from fpsolver.results.case import CaseIdentity, CaseResults, QMEResults, QuantityInfo

METRICS_FILE = "metrics.json"


def _attributes(units: str, long_name: str) -> dict[str, str]:
    return {"units": units, "long_name": long_name}


def _global_attributes(case: CaseIdentity) -> dict[str, str]:
    attributes = {
        "fpsolver_version": __version__,
        "case": case.name,
        "configuration": json.dumps(case.configuration, sort_keys=True),
        "configuration_sha256": case.configuration_sha256,
    }
    ensemble = case.configuration.get("ensemble")
    if ensemble is not None:
        attributes["seed"] = str(ensemble["seed"])
    return attributes


def stack_models(datasets: Mapping[str, xr.Dataset], shared: tuple[str, ...] = ("volume",)) -> xr.Dataset:
    """Per-model datasets as one dataset with a leading ``model`` dimension.

    Variables named in ``shared`` (the same for every model, such as the cell volumes)
    are kept once, from the first dataset, without a ``model`` dimension.
    A dimension whose coordinate is the same for every model (cell centres, snapshot
    times) stays shared; one whose coordinate differs (the step times of adaptive
    solves, ensemble record times) becomes ``<dim>_index``, with ``<dim>(model,
    <dim>_index)`` as a coordinate padded with NaN. Each model's provenance (its
    dataset attributes, JSON) becomes the variable ``provenance(model)``.
    """
    labels = list(datasets)
    first = datasets[labels[0]]
    kept = [name for name in shared if name in first.data_vars]
    datasets = {label: dataset.drop_vars(kept, errors="ignore") for label, dataset in datasets.items()}
    varying = {
        dim
        for dim in set().union(*(d.dims for d in datasets.values()))
        if dim in first.coords and not all(dim in d.coords and d[dim].shape == first[dim].shape and np.array_equal(d[dim].values, first[dim].values) for d in datasets.values())
    }
    lengths = {dim: max(d.sizes[dim] for d in datasets.values()) for dim in varying}
    prepared = []
    for dataset in datasets.values():
        for dim in varying:
            dataset = dataset.rename_dims({dim: f"{dim}_index"}).drop_indexes(dim, errors="ignore")
            dataset = dataset.pad({f"{dim}_index": (0, lengths[dim] - dataset.sizes[f"{dim}_index"])})
        dataset = dataset.copy()
        dataset.attrs = {}
        prepared.append(dataset)
    stacked = xr.concat(prepared, dim=xr.DataArray(labels, dims="model", name="model"), data_vars="all", coords="different", compat="equals", join="exact", combine_attrs="override")
    stacked["model"].attrs.update(_attributes("1", "model label of the case file ([models.LABEL])"))
    provenance = [json.dumps(dict(d.attrs), sort_keys=True, default=str) for d in datasets.values()]
    stacked["provenance"] = ("model", np.array(provenance, dtype=object), _attributes("1", "model parameters and run metadata (JSON)"))
    for dim in varying:
        stacked[dim].attrs.update(first[dim].attrs)
    for name in kept:
        stacked[name] = first[name]
    return stacked


def _merge_prefixed(dataset: xr.Dataset, other: xr.Dataset, prefix: str) -> xr.Dataset:
    """``dataset`` with every variable and dimension of ``other`` added as ``<prefix>_<name>``
    (the cell coordinates ``x``, ``x_face`` and the ``model`` label stay shared)."""
    renamed = other.rename({name: f"{prefix}_{name}" for name in [*other.data_vars, *other.dims] if name not in ("x", "x_face", "model")})
    return dataset.merge(renamed, join="outer")


def steady_dataset(results: CaseResults) -> xr.Dataset:
    """T, cell volumes (and cell and face centres), and per model its PDE density P, the exact
    density P_exact (where the model has one) and the face flux J, each with a ``model`` dimension."""
    per_model = {}
    cell = "x" if results.dimension == 1 else "cell"
    for label, solution in results.steady.items():
        dataset = solution.to_xarray()
        reference = results.exact.get(label, np.full(solution.P.shape, np.nan))
        dataset["P_exact"] = (cell, reference, _attributes(f"1/length{'' if results.dimension == 1 else f'^{results.dimension}'}", "exact steady density (NaN: none on this mesh)"))
        per_model[label] = dataset
    stacked = stack_models(per_model)
    stacked["T"] = (cell, results.T, _attributes("temperature", "temperature field"))
    stacked.attrs = _global_attributes(results.case)
    return stacked


def write_steady_csv(results: CaseResults, path: Path) -> None:
    """A long (tidy) table: one row per model and cell with model, x (y, z), T, P and P_exact (empty where none)."""
    axes = ["x", "y", "z"][: results.dimension]
    with open(path, "w") as handle:
        handle.write(",".join(["model", *axes, "T", "P", "P_exact"]) + "\n")
        for label, solution in results.steady.items():
            reference = results.exact.get(label, np.full(solution.P.shape, np.nan))
            rows = np.column_stack([*solution.points, results.T, solution.P, reference])
            for row in rows:
                handle.write(json.dumps(label) + "," + ",".join("" if np.isnan(value) else f"{value:.15g}" for value in row) + "\n")


def read_metrics(directory: Path, configuration_sha256: str) -> dict[str, dict[str, float]] | None:
    """The metrics stored in ``directory/metrics.json`` when they belong to the
    configuration ``configuration_sha256`` and the directory is as the run wrote it
    (:func:`fpsolver.io.seal.verify`); None otherwise (missing, edited, corrupt, foreign)."""
    if not seal.verify(Path(directory)):
        return None
    try:
        document = json.loads((Path(directory) / METRICS_FILE).read_text())
    except (OSError, ValueError):
        return None
    metrics = document.get("metrics") if isinstance(document, dict) else None
    if document.get("configuration_sha256") != configuration_sha256 or not isinstance(metrics, dict) or not metrics:
        return None
    return metrics


def write_results(results: CaseResults | QMEResults, checks: list[Check]) -> Path:
    """Write everything into ``CASE/results`` (replaced atomically); return that path."""
    target = results.case.results_dir
    with atomic_directory(target) as staging:
        (staging / "figures").mkdir()
        if isinstance(results, QMEResults):
            figure_paths = _write_qme(results, staging)
        else:
            figure_paths = _write_fokker_planck(results, staging)
        document = {
            "fpsolver_version": __version__,
            "configuration_sha256": results.case.configuration_sha256,
            "metrics": results.metrics,
            "checks": [check.as_dict() for check in checks],
        }
        (staging / METRICS_FILE).write_text(json.dumps(document, indent=2, sort_keys=True, allow_nan=True))
        case_report(results, checks, figure_paths).write(staging)
        seal.seal(staging)  # last: what validate may trust later
    return target


def _write_fokker_planck(results: CaseResults, staging: Path) -> list[tuple[Path, str]]:
    if results.dimension > 1:
        return _write_fokker_planck_nd(results, staging)
    paths = []
    if results.steady:
        write_steady_csv(results, staging / "steady.csv")
        steady_dataset(results).to_netcdf(staging / "steady.nc", engine="h5netcdf")
        paths.append((figures.temperature_and_soret(results, staging / "figures" / "soret.png"), "T(x) and the local Soret coefficient -d ln P/dT"))
    if results.steady or results.ensembles:
        paths.insert(0, (figures.steady_profiles(results, staging / "figures" / "steady.png"), "steady densities: PDE, exact and SDE histogram"))
    if results.transient:
        transient = stack_models({label: s.to_xarray() for label, s in results.transient.items()})
        if results.transient_ensembles:
            transient = _merge_prefixed(transient, stack_models({label: e.to_xarray() for label, e in results.transient_ensembles.items()}), "sde")
        transient.attrs = _global_attributes(results.case)
        transient.to_netcdf(staging / "transient.nc", engine="h5netcdf")
    if results.ensembles or results.inertial:
        datasets = {label: e.to_xarray() for label, e in results.ensembles.items()}
        ensemble = stack_models(datasets) if datasets else xr.Dataset()
        if results.inertial:
            ensemble = _merge_prefixed(ensemble, stack_models({label: e.to_xarray() for label, e in results.inertial.items()}), "inertial")
        ensemble.attrs = _global_attributes(results.case)
        ensemble.to_netcdf(staging / "ensemble.nc", engine="h5netcdf")
    if results.transient:
        caption = "relaxation of <x> and Var x: PDE transient and the SDE ensemble from the same initial density (2 sigma bands)"
        paths.append((figures.moment_relaxation(results, staging / "figures" / "moments.png"), caption))
    return paths


def _write_fokker_planck_nd(results: CaseResults, staging: Path) -> list[tuple[Path, str]]:
    """2D/3D results: steady.csv/.nc with cell and face centres, transient.nc, ensemble.nc
    (histograms per bin with their PDE reference), field maps and line cuts."""
    paths = []
    if results.steady:
        write_steady_csv(results, staging / "steady.csv")
        steady_dataset(results).to_netcdf(staging / "steady.nc", engine="h5netcdf")
        where = "on the mesh" if results.dimension == 2 else "on the middle z slice"
        caption = f"temperature and steady densities {where}, with the probability flux J (streamlines; a note where J = 0 to round-off)"
        paths.append((figures_nd.field_maps(results, staging / "figures" / "fields.png"), caption))
        paths.append((figures_nd.line_cut(results, staging / "figures" / "line_cut.png"), "line cut of the steady densities: PDE and exact reference"))
    if results.transient:
        transient = stack_models({label: s.to_xarray() for label, s in results.transient.items()})
        transient.attrs = _global_attributes(results.case)
        transient.to_netcdf(staging / "transient.nc", engine="h5netcdf")
        paths.append((figures_nd.moment_relaxation(results, staging / "figures" / "moments.png"), "relaxation of the mean position and the total probability"))
    if results.ensembles:
        datasets = {}
        for label, result in results.ensembles.items():
            dataset = result.to_xarray()
            measure = f"length^{results.dimension}"
            dataset["P_pde"] = ("bin", results.ensemble_references[label], _attributes(f"1/{measure}", "PDE steady density averaged over the bin (the histogram's reference)"))
            datasets[label] = dataset
        ensemble = stack_models(datasets, shared=("area",))
        ensemble.attrs = _global_attributes(results.case)
        ensemble.to_netcdf(staging / "ensemble.nc", engine="h5netcdf")
    return paths


def _write_qme(results: QMEResults, staging: Path) -> list[tuple[Path, str]]:
    data = {}
    for name, values in results.quantities.items():
        info = results.info.get(name, QuantityInfo("1", name, tuple(f"{name}_index{i}" for i in range(values.ndim - 1))))
        data[name] = (("point", *info.dims), values, _attributes(info.units, info.long_name))
    point = ("point", results.values, _attributes("1", f"value of the scanned [system] key {results.parameter}" if results.parameter else "single point (no scan)"))
    xr.Dataset(data, coords={"point": point}, attrs=_global_attributes(results.case)).to_netcdf(staging / "qme.nc", engine="h5netcdf")
    columns = {results.parameter or "point": results.values}
    for name, values in results.quantities.items():
        flat = values.reshape(values.shape[0], -1)
        for index in range(flat.shape[1]):
            columns[name if flat.shape[1] == 1 else f"{name}_{index + 1}"] = flat[:, index]
    np.savetxt(staging / "qme.csv", np.column_stack(list(columns.values())), delimiter=",", header=",".join(columns), comments="", fmt="%.15g")
    return figures.qme_scan(results, staging / "figures")


def case_report(results: CaseResults | QMEResults, checks: list[Check], figure_paths: list[tuple[Path, str]]) -> Report:
    """The case report: checks, metrics, figures, resolved configuration."""
    case, metrics = results.case, results.metrics
    report = Report(f"fpsolver case report: {case.name}")
    report.paragraph(f"{case.heading} (fpsolver {__version__}, configuration sha256 {case.configuration_sha256[:12]})")
    report.heading("Checks")
    report.table(["subject", "metric", "value", "criterion", "verdict"], [[c.subject, c.metric, c.value, criterion(c), verdict(c.passed)] for c in checks], verdict_column=4)
    for note in getattr(results, "notes", ()):
        report.paragraph(f"Note: {note}")
    report.heading("Metrics")
    names = sorted({name for values in metrics.values() for name in values})
    report.table(["metric", *metrics], [[name, *[values.get(name, "") for values in metrics.values()]] for name in names])
    report.heading("Figures")
    for path, caption in figure_paths:
        report.figure(path, caption)
    report.heading("Configuration")
    report.code(json.dumps(case.configuration, indent=2))
    return report
