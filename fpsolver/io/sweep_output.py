"""Write a sweep's tidy table (CSV, NetCDF) and its summary plot, atomically."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from fpsolver._version import __version__
from fpsolver.io.atomic import atomic_directory
from fpsolver.io.names import safe_name

Row = dict[str, object]


def _columns(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def sweep_target(case: Path, keys: list[str]) -> Path:
    """``CASE/sweeps/<keys joined by +>``, made a safe folder name (:func:`fpsolver.io.names.safe_name`)."""
    return Path(case) / "sweeps" / safe_name("+".join(keys))


def write_sweep(case: Path, keys: list[str], rows: list[Row]) -> Path:
    """``CASE/sweeps/<keys>/`` with sweep.csv, sweep.nc (one row dimension) and summary.png;
    ``keys`` are the swept case-file keys, the first one the x axis of the plot."""
    target = sweep_target(case, keys)
    columns = _columns(rows)
    with atomic_directory(target) as staging:
        with open(staging / "sweep.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        data = {}
        for column in columns:
            values = [row.get(column, np.nan) for row in rows]
            data[column] = ("row", np.array(values, dtype=str if any(isinstance(v, str) for v in values) else float))
        xr.Dataset(data, attrs={"fpsolver_version": __version__, "swept": ", ".join(keys)}).to_netcdf(staging / "sweep.nc", engine="h5netcdf")
        _summary_plot(keys[0], rows, staging / "summary.png")
    return target


def _summary_plot(key: str, rows: list[Row], path: Path) -> None:
    figure = Figure(figsize=(8.0, 3.8), layout="constrained")
    mean_axes, soret_axes = figure.subplots(1, 2)
    for model in dict.fromkeys(str(row["model"]) for row in rows):
        selected = [row for row in rows if row["model"] == model and isinstance(row.get(key), (int, float))]
        x = [row[key] for row in selected]
        mean_axes.plot(x, [row.get("mean_position", np.nan) for row in selected], "o-", ms=3, label=model)
        soret_axes.plot(x, [row.get("effective_soret", np.nan) for row in selected], "o-", ms=3, label=model)
    mean_axes.set(xlabel=key, ylabel="<x> (steady)")
    soret_axes.set(xlabel=key, ylabel="effective Soret coefficient")
    mean_axes.legend(fontsize="x-small")
    figure.savefig(path, dpi=110)
