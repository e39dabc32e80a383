"""Write case results: CSV, NetCDF (h5netcdf), metrics JSON and figures, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from fpsolver import figures
from fpsolver._atomic import atomic_directory
from fpsolver._version import __version__
from fpsolver.pipeline import CaseResults


def _global_attributes(results: CaseResults) -> dict[str, str]:
    config = results.case.config
    return {
        "fpsolver_version": __version__,
        "case": results.case.name,
        "configuration": json.dumps(config.resolved(), sort_keys=True),
        "configuration_sha256": config.digest(),
    }


def steady_dataset(results: CaseResults) -> xr.Dataset:
    """One dataset: T(x), and per model label its PDE density, exact density and flux."""
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


def write_steady_csv(results: CaseResults, path: Path) -> None:
    """x, T, one column per model, and each model's exact reference."""
    first = next(iter(results.steady.values()))
    columns = {"x": first.x, "T": results.case.profile.T(first.x)}
    for label, solution in results.steady.items():
        columns[label] = solution.P
        columns[f"{label}_exact"] = results.exact[label]
    np.savetxt(path, np.column_stack(list(columns.values())), delimiter=",", header=",".join(columns), comments="", fmt="%.15g")


def write_results(results: CaseResults) -> Path:
    """Write everything into ``CASE/results`` (replaced atomically); return that path."""
    target = results.case.results_dir
    with atomic_directory(target) as staging:
        (staging / "figures").mkdir()
        if results.steady:
            write_steady_csv(results, staging / "steady.csv")
            steady_dataset(results).to_netcdf(staging / "steady.nc", engine="h5netcdf")
            figures.steady_profiles(results, staging / "figures" / "steady.png")
        if results.transient:
            datasets = [s.to_xarray().rename({name: f"{name}_{label}" for name in ("P", "mass", "mean", "variance", "step_time")}).drop_vars("volume")
                        for label, s in results.transient.items()]
            transient = xr.merge(datasets, compat="override", join="exact")
            transient.attrs = _global_attributes(results)
            transient.to_netcdf(staging / "transient.nc", engine="h5netcdf")
            figures.moment_relaxation(results, staging / "figures" / "moments.png")
        (staging / "metrics.json").write_text(json.dumps(results.metrics, indent=2, sort_keys=True))
    return target
