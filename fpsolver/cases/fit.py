"""``fpsolver fit`` and ``fpsolver infer``: fit a case's models to measured data.

A free parameter is a dotted case-file key with a number as its value in the case
(the starting point): ``models.LABEL.KEY`` (a model keyword, e.g.
``models.gclm1.kappa``), ``temperature.KEY`` (a profile parameter, when T is not
known exactly) or ``potential.KEY``; a named constant of a formula profile or
potential is ``temperature.NAME`` or, as written in the case file,
``temperature.parameters.NAME``. The models fitted are those named by free
``models.*`` keys, or every model of the case when none is named; temperature and
potential keys are free in each of them. Every fitted model sees the same data, so
their AIC/BIC compare them.

Data files (x in the case's length units):

* profiles (``--data``): CSV with a header, columns ``x,value,error`` (values in any
  units with their standard errors; Gaussian likelihood) or ``x,count`` with an
  optional ``width`` (counts per bin, Poisson likelihood); or NetCDF with variables
  of those names along one dimension.
* trajectories (``--trajectories``): CSV with columns ``x`` and optionally ``t``
  (time) and ``id`` (trajectory label: a NaN or empty x is then a missing frame;
  without ids NaN rows separate trajectories); ``.npy`` (1D NaN-separated, or 2D, one
  trajectory per row, NaN for missing frames and as padding of shorter ones); ``.npz``
  or NetCDF with ``x`` and optionally ``t``, ``id``, ``dt``. Without times, ``--dt``
  gives the frame interval; an increment across missing frames spans their time, and
  with times any spacing is allowed.

Files are read by :mod:`fpsolver.io.data_files`, which refuses hostile ones (not a
regular file, binary garbage, pickled arrays, truncated or oversized headers) with a
one-line error.

Results go to ``CASE/fits/NAME/`` (written atomically; nothing is written on error).
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fpsolver.cases.build import Case, build_case, build_potential, build_profile, guard
from fpsolver.cases.errors import CaseError
from fpsolver.cases.schema import MODEL_SCHEMAS, POTENTIAL_SCHEMAS, PROFILE_SCHEMAS, CaseConfig, load_case
from fpsolver.io.atomic import StoreError, check_target
from fpsolver.io.names import check_name, safe_name
from fpsolver.models import Model, model_class

Progress = Callable[[str, float, float], None]
SECTIONS = ("models", "temperature", "potential")


@dataclass(frozen=True)
class FreeParameter:
    """A free case-file key: ``section`` (models, temperature, potential), the model
    label (models only), the keyword ``name`` and its starting value."""

    key: str
    section: str
    label: str | None
    name: str
    initial: float


def parse_free(config: CaseConfig, key: str) -> FreeParameter:
    """Check a ``--free`` key against the case schema; its case value is the start."""
    parts = key.split(".")
    if parts[0] in SECTIONS[1:] and len(parts) == 3 and parts[1] == "parameters":
        parts = [parts[0], parts[2]]  # temperature.parameters.s: a formula constant, as temperature.s
    if parts[0] not in SECTIONS or len(parts) != (3 if parts[0] == "models" else 2):
        raise CaseError(f"--free {key}: expected models.LABEL.KEY, temperature.KEY or potential.KEY (a formula's constant: temperature.NAME or temperature.parameters.NAME)")
    if parts[0] == "models":
        label, name = parts[1], parts[2]
        if label not in config.models:
            raise CaseError(f"--free {key}: no model labelled {label!r} in the case (labels: {', '.join(config.models)})")
        schema, resolved = MODEL_SCHEMAS[config.models[label].model], config.models[label].parameters()
    else:
        label, name = None, parts[1]
        table = config.temperature if parts[0] == "temperature" else config.potential
        registry_name = table.registry_name
        schema = (PROFILE_SCHEMAS if parts[0] == "temperature" else POTENTIAL_SCHEMAS)[registry_name]
        resolved = table.parameters()
        resolved.update(resolved.pop("parameters", {}))
    if name not in resolved:
        valid = ", ".join(sorted(resolved))
        raise CaseError(f"--free {key}: {name!r} is not a key of this table (keys: {valid})")
    field = schema.model_fields.get(name)
    if field is not None and float not in (field.annotation, *typing.get_args(field.annotation)):
        raise CaseError(f"--free {key}: {name!r} is not a real-valued parameter (type {field.annotation}), so it cannot be fitted")
    value = resolved[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CaseError(f"--free {key}: the value {value!r} is not a number (only numeric keys can be fitted; set a number in case.toml as the starting value)")
    return FreeParameter(key, parts[0], label, name, float(value))


def model_factory(case: Case, label: str, free: list[FreeParameter]) -> Callable[[dict[str, float]], Model]:
    """``factory(values) -> Model`` for model ``label`` of ``case`` with the free keys
    (values keyed by the free keys) replacing the case's values."""
    config, directory = case.config, case.directory
    table = config.models[label]
    cls = model_class(table.model)
    base = table.parameters()
    mine = [f for f in free if f.label in (None, label)]
    temperature = [f for f in mine if f.section == "temperature"]
    potential = [f for f in mine if f.section == "potential"]

    def rebuilt(section_table, parameters: list[FreeParameter], values: dict[str, float], schema):
        """The [temperature] or [potential] table with the free keys replaced."""
        data = {section_table.registry_key: section_table.registry_name, **(section_table.model_extra or {})}
        for f in parameters:
            if f.name in schema.model_fields:
                data[f.name] = values[f.key]
            else:  # a named constant of a formula
                data["parameters"] = {**data.get("parameters", {}), f.name: values[f.key]}
        return type(section_table).model_validate(data)

    def factory(values: dict[str, float]) -> Model:
        profile, potential_object = case.profile, case.potential
        if temperature:
            schema = PROFILE_SCHEMAS[config.temperature.profile]
            updated = config.model_copy(update={"temperature": rebuilt(config.temperature, temperature, values, schema)})
            profile = build_profile(updated, directory)
        if potential:
            schema = POTENTIAL_SCHEMAS[config.potential.kind]
            potential_object = build_potential(config.model_copy(update={"potential": rebuilt(config.potential, potential, values, schema)}))
        parameters = {**base, **{f.name: values[f.key] for f in mine if f.section == "models"}}
        return cls(profile, potential=potential_object, **parameters)

    return factory


def _labels(case: Case, free: list[FreeParameter]) -> list[str]:
    named = list(dict.fromkeys(f.label for f in free if f.label is not None))
    return named or list(case.config.models)


def _open(case: str | Path, keys: list[str]) -> tuple[Case, list[FreeParameter]]:
    directory = Path(case)
    directory = directory.parent if directory.is_file() else directory
    config = load_case(directory)
    if not isinstance(config, CaseConfig):
        raise CaseError("fitting needs a Fokker-Planck case (kind = 'fokker-planck')")
    free = [parse_free(config, key) for key in keys]
    duplicated = {f.key for f in free if sum(g.key == f.key for g in free) > 1}
    if duplicated:
        raise CaseError(f"--free {sorted(duplicated)[0]}: given twice")
    return build_case(directory, config), free


# ---------------------------------------------------------------- reading data files


def _read_table(path: Path) -> dict[str, Any]:
    from fpsolver.io.data_files import DataFileError, read_table

    try:
        return read_table(path)
    except DataFileError as exc:
        raise CaseError(str(exc)) from None


def _position(path: Path, exc: Exception, tabular: bool) -> str:
    """The library's message with the file position of the bad element."""
    index = getattr(exc, "index", None)
    where = f" (data line {index + 1})" if index is not None and tabular else (f" (element {index})" if index is not None else "")
    return f"{path}{where}: {exc}"


def read_profile(path: Path, domain: tuple[float, float]):
    """A profile data file as :class:`fpsolver.analysis.fit.ProfileData`."""
    from fpsolver.analysis.fit import profile_data

    columns = _read_table(path)
    if "x" not in columns or not ({"value", "error"} <= set(columns) or "count" in columns):
        raise CaseError(f"{path}: needs columns x,value,error (Gaussian) or x,count[,width] (Poisson), found {', '.join(columns)}")
    try:
        if "count" in columns:
            return profile_data(columns["x"], columns["count"], likelihood="poisson", widths=columns.get("width"), domain=domain)
        return profile_data(columns["x"], columns["value"], errors=columns["error"], likelihood="gaussian", domain=domain)
    except ValueError as exc:
        raise CaseError(_position(path, exc, path.suffix.lower() == ".csv")) from None


def _stored_dt(path: Path, columns: dict[str, Any], dt: float | None) -> float | None:
    """``dt`` when given, else the file's one-number ``dt`` (checked either way)."""
    stored_dt = columns.get("dt")
    if stored_dt is not None:
        stored = np.asarray(stored_dt)
        if stored.size != 1 or stored.dtype.kind not in "iuf":
            raise CaseError(f"{path}: 'dt' must be one number, got an array of shape {stored.shape} and type {stored.dtype}")
        dt = float(stored.ravel()[0]) if dt is None else dt
    return dt


def read_trajectories(path: Path, dt: float | None):
    """A trajectory file as :class:`fpsolver.analysis.infer.Trajectories`."""
    from fpsolver.analysis.infer import trajectories

    columns = _read_table(path)
    if "x" not in columns:
        raise CaseError(f"{path}: needs an 'x' array or column, found {', '.join(columns)}")
    dt = _stored_dt(path, columns, dt)
    try:
        return trajectories(columns["x"], dt=dt, t=columns.get("t"), ids=columns.get("id"))
    except ValueError as exc:
        raise CaseError(_position(path, exc, path.suffix.lower() == ".csv")) from None


# ---------------------------------------------------------------- the commands


@dataclass(frozen=True)
class FitRun:
    """What a fit or infer command did: the fits per model label and the output folder."""

    fits: dict[str, Any]
    target: Path


def _default_name(path: Path, free: list[FreeParameter]) -> str:
    return safe_name("-".join([path.stem, *(f.key.removeprefix("models.") for f in free)]) or path.stem)


def _checked_name(name: str | None) -> str | None:
    """The user's ``--name``, checked before anything is read or computed (one safe folder name)."""
    try:
        return None if name is None else check_name(name, "--name")
    except ValueError as exc:
        raise CaseError(str(exc)) from None


def _fits_target(directory: Path, name: str) -> Path:
    """``CASE/fits/NAME``, checked writable before the fit starts."""
    target = directory / "fits" / name
    try:
        check_target(target)
    except StoreError as exc:
        raise CaseError(str(exc)) from None
    return target


def _written(write: Callable[[], Path]) -> Path:
    """Run a writer of CASE/fits/NAME; a store that cannot be written is a CaseError."""
    try:
        return write()
    except StoreError as exc:
        raise CaseError(str(exc)) from None
    except OSError as exc:
        raise CaseError(f"cannot write the fits: {exc.strerror} ({exc.filename}); earlier fits are unchanged") from None


def fit_case_directory(case: str | Path, data: str | Path, free_keys: list[str], *, name: str | None = None, intervals: str = "profile", progress: Progress | None = None) -> FitRun:
    """``fpsolver fit``: fit the case's models to a steady profile and write CASE/fits/NAME/."""
    from fpsolver.analysis.fit import fit_profile
    from fpsolver.io.fit_output import write_profile_fits
    from fpsolver.meshes import extent

    name = _checked_name(name)
    loaded, free = _open(case, free_keys)
    name = _fits_target(loaded.directory, name or _default_name(Path(data), free)).name
    domain = extent(loaded.mesh)
    profile = read_profile(Path(data), domain)
    fits = {}
    for label in _labels(loaded, free):
        mine = [f for f in free if f.label in (None, label)]
        factory = model_factory(loaded, label, mine)
        fits[label] = guard(f"models.{label}", lambda: fit_profile(factory, {f.key: f.initial for f in mine}, profile, domain=domain, intervals=intervals, progress=progress))
    target = _written(lambda: write_profile_fits(loaded.directory, name, loaded.config.resolved(), Path(data), fits))
    return FitRun(fits=fits, target=target)


def infer_case_directory(
    case: str | Path,
    trajectory_file: str | Path,
    free_keys: list[str],
    *,
    dt: float | None = None,
    bins: int = 20,
    transition: str = "kessler",
    name: str | None = None,
    noise: bool = False,
    intervals: str = "profile",
    progress: Progress | None = None,
) -> FitRun:
    """``fpsolver infer``: binned drift and D(x) estimates and maximum-likelihood fits
    of the case's models to trajectories; write CASE/fits/NAME/."""
    from fpsolver.analysis.compare import chi2_per_dof
    from fpsolver.analysis.infer import bin_averages, fit_trajectories, kramers_moyal
    from fpsolver.io.fit_output import write_trajectory_fits
    from fpsolver.meshes import extent

    name = _checked_name(name)
    loaded, free = _open(case, free_keys)
    name = _fits_target(loaded.directory, name or _default_name(Path(trajectory_file), free)).name
    if loaded.dimension > 1:
        return _infer_tracks(loaded, free, Path(trajectory_file), dt=dt, bins=bins, name=name, noise=noise, intervals=intervals, progress=progress)
    domain = extent(loaded.mesh)
    data = read_trajectories(Path(trajectory_file), dt)
    estimates = guard("--bins", lambda: kramers_moyal(data, bins))
    fits = {}
    for label in _labels(loaded, free):
        mine = [f for f in free if f.label in (None, label)]
        factory = model_factory(loaded, label, mine)
        options = {"domain": domain, "transition": transition, "noise": noise, "intervals": intervals, "progress": progress}
        fits[label] = guard(f"models.{label}", lambda: fit_trajectories(factory, {f.key: f.initial for f in mine}, data, **options))
    grid = np.linspace(float(estimates.edges[0]), float(estimates.edges[-1]), 200)
    curves, chi2, binned = {}, {}, {}
    used = estimates.used
    if not np.any(used):
        raise CaseError(f"--bins {bins}: no bin holds enough increments for an estimate")
    for label, fit in fits.items():
        coefficients = fit.model.coefficients(grid, domain)
        curves[label] = (grid, -coefficients.A, coefficients.D)
        drift, diffusion = bin_averages(fit.model, data, estimates.edges, domain, finite_dt=True)
        binned[label] = (drift, diffusion)
        chi2[label] = {
            "drift": chi2_per_dof(estimates.drift[used], drift[used], estimates.drift_error[used]),
            "diffusion": chi2_per_dof(estimates.diffusion[used], diffusion[used], estimates.diffusion_error[used]),
        }
    target = _written(lambda: write_trajectory_fits(loaded.directory, name, loaded.config.resolved(), Path(trajectory_file), data, estimates, fits, curves, chi2, binned))
    return FitRun(fits=fits, target=target)


AXES = ("x", "y", "z")


def read_tracks(path: Path, dimension: int, dt: float | None):
    """A file of nD tracks (columns or arrays ``x``, ``y``[, ``z``] shaped as the ``x`` of
    :func:`read_trajectories`) as :class:`fpsolver.analysis.infer_nd.Tracks`."""
    from fpsolver.analysis.infer_nd import tracks

    columns = _read_table(path)
    if path.suffix.lower() == ".npy":
        raise CaseError(f"{path}: a .npy file holds one array; give {dimension}D tracks as .npz, CSV or NetCDF with {', '.join(AXES[:dimension])}")
    missing = [axis for axis in AXES[:dimension] if axis not in columns]
    if missing:
        raise CaseError(f"{path}: {dimension}D tracks need arrays or columns {', '.join(AXES[:dimension])}; missing {', '.join(missing)}")
    dt = _stored_dt(path, columns, dt)
    try:
        return tracks([columns[axis] for axis in AXES[:dimension]], dt=dt, t=columns.get("t"), ids=columns.get("id"))
    except ValueError as exc:
        raise CaseError(_position(path, exc, path.suffix.lower() == ".csv")) from None


def _infer_tracks(loaded: Case, free: list[FreeParameter], path: Path, *, dt: float | None, bins: int, name: str | None, noise: bool, intervals: str, progress: Progress | None) -> FitRun:
    """``fpsolver infer`` on a 2D or 3D case: binned drift and D maps on a grid of
    ``bins`` cells per axis over the mesh's bounding box, and Euler maximum-likelihood
    fits (:mod:`fpsolver.analysis.infer_nd`)."""
    from fpsolver.analysis.infer_nd import fit_tracks, kramers_moyal_map
    from fpsolver.io.fit_output import write_track_fits
    from fpsolver.meshes.nd import bounding_box

    if noise:
        raise CaseError("--noise: the localization-noise model is 1D only")
    data = read_tracks(path, loaded.dimension, dt)
    lower, upper = bounding_box(loaded.mesh)
    maps = guard("--bins", lambda: kramers_moyal_map(data, [np.linspace(lo, hi, bins + 1) for lo, hi in zip(lower, upper)]))
    fits = {}
    for label in _labels(loaded, free):
        mine = [f for f in free if f.label in (None, label)]
        factory = model_factory(loaded, label, mine)
        fits[label] = guard(f"models.{label}", lambda: fit_tracks(factory, {f.key: f.initial for f in mine}, data, domain=(lower, upper), intervals=intervals, progress=progress))
    target = _written(lambda: write_track_fits(loaded.directory, name, loaded.config.resolved(), path, data, maps, fits))
    return FitRun(fits=fits, target=target)
