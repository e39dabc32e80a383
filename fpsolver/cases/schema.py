"""The case-file schema (pydantic v2, TOML): validated, documented, defaults stated.

A case file ``case.toml`` describes one temperature profile and the models to solve
on it. Every table and key is listed in ``cases/README.md``; ``fpsolver show CASE``
prints the resolved configuration with all defaults filled in. Profile, potential and
model keys are generated from the library signatures (see
:mod:`fpsolver.cases._signature_schema`) and the ``[pde]`` and ``[ensemble]`` keys from
the solvers' options objects, so a case-file key and the Python keyword of the same
name are the same thing, with the same default.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import tomllib
from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, ValidationError, create_model, model_validator

from fpsolver._options import Options, OptionsT, WallKind
from fpsolver._validate import within_budget
from fpsolver.cases._signature_schema import schema_from_signature
from fpsolver.cases.errors import CaseError
from fpsolver.cases.files import CaseFile, files_digest, read_file, read_files
from fpsolver.ensembles.options import InertialOptions, OverdampedOptions
from fpsolver.fields import nd, potentials, profiles
from fpsolver.models import MODELS
from fpsolver.pde.options import SteadyOptions, TransientOptions
from fpsolver.qme.systems import SYSTEMS, System

#: Longest case title (it is copied into every report and NetCDF file).
MAX_TITLE = 1000
LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

PROFILE_SCHEMAS = {name: schema_from_signature(f"profile_{name}", f) for name, f in {**profiles.PROFILES, "tabulated_grid": nd.tabulated_grid}.items()}
#: profiles and potentials that work on 2D/3D meshes (the others are functions of x only)
ND_PROFILES = ("formula", "tabulated_grid")
ND_POTENTIALS = ("none", "formula")
POTENTIAL_SCHEMAS = {name: schema_from_signature(f"potential_{name}", f) for name, f in potentials.POTENTIALS.items()}
MODEL_SCHEMAS = {name: schema_from_signature(f"model_{name}", cls, exclude=("profile", "potential")) for name, cls in MODELS.items()}


@cache
def _system_schema(system: System) -> type[BaseModel]:
    return schema_from_signature(f"qme_{system.name}", system.solve)


class _SystemsView(Mapping):
    """A read-only live view of the quantum-system registry :data:`fpsolver.qme.systems.SYSTEMS`
    (a system registered later is seen at once)."""

    def __init__(self, pick: Callable[[System], Any]) -> None:
        self._pick = pick

    def __getitem__(self, name: str) -> Any:
        return self._pick(SYSTEMS[name])

    def __iter__(self) -> Iterator[str]:
        return iter(SYSTEMS)

    def __len__(self) -> int:
        return len(SYSTEMS)


QME_SYSTEMS: Mapping[str, Callable[..., Any]] = _SystemsView(lambda system: system.solve)
QME_SCHEMAS: Mapping[str, type[BaseModel]] = _SystemsView(_system_schema)


class _Named(BaseModel):
    """A table with a registry name key whose other keys are checked against a schema
    (the classes are made by :func:`_named_table`)."""

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)
    #: the key that names the registry entry, and the registry's schemas by name
    registry_key: ClassVar[str]
    schemas: ClassVar[Mapping[str, type[BaseModel]]]

    @model_validator(mode="after")
    def _check_parameters(self):
        if self.registry_name not in self.schemas:
            raise ValueError(f"unknown {self.registry_key} {self.registry_name!r}; valid: {', '.join(sorted(self.schemas))}")
        self.schemas[self.registry_name].model_validate(self.model_extra or {})
        return self

    @property
    def registry_name(self) -> str:
        """The value of the registry key (which profile, potential, model or system)."""
        return getattr(self, self.registry_key)

    def parameters(self) -> dict[str, Any]:
        """Keyword arguments with every default filled in."""
        return self.schemas[self.registry_name].model_validate(self.model_extra or {}).model_dump()


def _named_table(class_name: str, key: str, schemas: Mapping[str, type[BaseModel]], doc: str, default: str | None = None) -> type[_Named]:
    """A table class whose string ``key`` (required unless ``default``) names an entry of
    ``schemas`` and whose other keys are that entry's parameters."""
    table = create_model(class_name, __base__=_Named, __doc__=doc, __module__=__name__, **{key: (str, ... if default is None else default)})
    table.registry_key, table.schemas = key, schemas
    return table


TemperatureConfig = _named_table("TemperatureConfig", "profile", PROFILE_SCHEMAS, '``[temperature]``: ``profile`` = a built-in name, "formula" or "tabulated", plus its keys.')
PotentialConfig = _named_table("PotentialConfig", "kind", POTENTIAL_SCHEMAS, '``[potential]``: ``kind`` = "none" (default), "harmonic", "double_well" or "formula".', default="none")
ModelConfig = _named_table("ModelConfig", "model", MODEL_SCHEMAS, "``[models.LABEL]``: ``model`` (default: LABEL) plus that model's parameters.")
SystemConfig = _named_table(
    "SystemConfig", "kind", QME_SCHEMAS, '``[system]`` of a qme case: ``kind`` = a registered system (fpsolver.qme.SYSTEMS: "chain", "lambda", "v", "dot", ...), plus its keys.'
)


class DomainConfig(BaseModel):
    """``[domain]``: the interval [x_min, x_max] (length units; x = 0 is the coupling origin of gclm2)."""

    model_config = STRICT
    x_min: float = Field(-1.0, description="left wall (length)")
    x_max: float = Field(1.0, description="right wall (length); x = 0 is the coupling origin of gclm2")


Refine = Literal["left", "right", "walls"] | float


class MeshConfig(BaseModel):
    """``[mesh]``: inline 1D mesh on the domain (or top-level ``mesh = "NAME"`` from meshes/)."""

    model_config = STRICT
    kind: Literal["uniform", "geometric"] = Field("uniform", description='"uniform" or "geometric" (cell widths grow by `ratio`); 2D/3D: "grid", "cylindrical", "gmsh"')
    cells: int = Field(200, ge=1, description="number of cells")
    ratio: float = Field(1.05, gt=0, description="geometric only: width ratio of neighbouring cells")
    refine: Refine = Field("walls", description='geometric only: where cells are smallest: "left", "right", "walls" or a coordinate')

    dimension = property(lambda self: 1, doc="Number of coordinates of the mesh.")


class GridMeshConfig(BaseModel):
    """``[mesh]`` with ``kind = "grid"``: a 2D or 3D box (fpsolver.meshes.grid), uniform or graded per axis."""

    model_config = STRICT
    kind: Literal["grid"]
    lower: list[float] = Field(min_length=2, max_length=3, description="grid: lower corner [x, y(, z)] (length)")
    upper: list[float] = Field(min_length=2, max_length=3, description="grid: upper corner [x, y(, z)] (length)")
    cells: list[Annotated[int, Field(ge=1)]] = Field(min_length=2, max_length=3, description="grid: cells per axis [nx, ny(, nz)]")
    ratio: float | list[Annotated[float, Field(gt=0)]] = Field(1.0, description="grid: width ratio of neighbouring cells, one for all axes or per axis (1 = uniform)")
    refine: Refine | list[Refine] = Field("walls", description='grid: where cells are smallest, one for all axes or per axis ("left", "right", "walls" or a coordinate)')

    dimension = property(lambda self: len(self.cells), doc="Number of coordinates of the mesh.")

    @model_validator(mode="after")
    def _check_axes(self):
        if not len(self.lower) == len(self.upper) == len(self.cells):
            raise ValueError(f"lower, upper and cells need one entry per axis, got {len(self.lower)}, {len(self.upper)}, {len(self.cells)}")
        if not all(hi > lo for lo, hi in zip(self.lower, self.upper)):
            raise ValueError(f"upper {self.upper} must exceed lower {self.lower} on every axis")
        return self


class CylindricalMeshConfig(GridMeshConfig):
    """``[mesh]`` with ``kind = "cylindrical"``: an axisymmetric (r, z) grid (fpsolver.meshes.cylindrical);
    formulas use x for r and y for z, densities are per radian."""

    kind: Literal["cylindrical"]  # type: ignore[assignment]
    lower: list[float] = Field(min_length=2, max_length=2, description="cylindrical: [r_min, z_min] (r_min >= 0; 0 is the axis)")
    upper: list[float] = Field(min_length=2, max_length=2, description="cylindrical: [r_max, z_max]")
    cells: list[Annotated[int, Field(ge=1)]] = Field(min_length=2, max_length=2, description="cylindrical: cells [nr, nz]")


class GmshMeshConfig(BaseModel):
    """``[mesh]`` with ``kind = "gmsh"``: a 2D Gmsh geometry (fpsolver.meshes.gmsh_mesh)."""

    model_config = STRICT
    kind: Literal["gmsh"]
    geometry: str = Field(description='gmsh: a .geo file in the case directory, or the name of one shipped in fpsolver/meshes/data ("disc")')
    parameters: dict[str, float] = Field(default_factory=dict, description="gmsh: values replacing `name = value;` definitions of the .geo file (e.g. cellSize)")

    dimension = property(lambda self: 2, doc="Number of coordinates of the mesh.")


def _mesh_kind(value: Any) -> str:
    kind = value.get("kind", "uniform") if isinstance(value, dict) else getattr(value, "kind", "uniform")
    return kind if kind in ("grid", "cylindrical", "gmsh") else "line"


AnyMesh = Annotated[
    Annotated[MeshConfig, Tag("line")] | Annotated[GridMeshConfig, Tag("grid")] | Annotated[CylindricalMeshConfig, Tag("cylindrical")] | Annotated[GmshMeshConfig, Tag("gmsh")],
    Discriminator(_mesh_kind),
]
#: wall groups of grids, in pairs of opposite walls per axis
WALL_PAIRS = (("left", "right"), ("bottom", "top"), ("front", "back"))


class _OptionsTable(BaseModel):
    """A case-file table whose solver keys are copied from the solvers' options objects
    (:mod:`fpsolver.pde.options`, :mod:`fpsolver.ensembles.options`): same names,
    defaults, bounds and descriptions as the library keywords."""

    model_config = STRICT

    def options(self, options_class: type[OptionsT], **values: Any) -> OptionsT:
        """The ``options_class`` options this table sets (its other keys left out), ``values`` replacing them."""
        shared = {name: getattr(self, name) for name in options_class.model_fields if name in type(self).model_fields}
        return options_class.build(**{**shared, **values})


def _option_fields(options_class: type[Options], names: tuple[str, ...], prefix: str = "", **changes: tuple[Any, dict[str, Any]]) -> dict[str, Any]:
    """Fields ``names`` of ``options_class`` for a case table, descriptions prefixed with
    ``prefix``; ``changes[name] = (annotation, field overrides)`` narrows a key for case files."""
    fields: dict[str, Any] = {}
    for name in names:
        field = options_class.model_fields[name]
        annotation, overrides = changes.get(name, (field.annotation, {}))
        bounded = Annotated[(annotation, *field.metadata)] if field.metadata else annotation
        settings = {"default": field.default, "description": prefix + (field.description or ""), **overrides}
        fields[name] = (bounded, Field(**settings))
    return fields


PDEConfig = create_model(
    "PDEConfig",
    __base__=_OptionsTable,
    __doc__="``[pde]``: steady and transient Fokker-Planck solves (options of solve_steady and solve_transient).",
    steady=(bool, Field(True, description="solve the zero-flux steady state of every model")),
    **_option_fields(SteadyOptions, ("face_velocity", "linear_solver")),
    transient=(bool, Field(False, description="also relax from a Gaussian initial density")),
    **_option_fields(TransientOptions, ("t_end", "dt", "scheme", "adaptive", "tolerance"), prefix="transient: "),
    snapshots=(int, Field(11, ge=1, description="transient: number of equally spaced snapshots saved")),
    initial_mean=(float | None, Field(None, description="transient: centre of the initial Gaussian; default the domain centre")),
    initial_width=(float | None, Field(None, gt=0, description="transient: width of the initial Gaussian; default 1/20 of the domain")),
)

EnsembleConfig = create_model(
    "EnsembleConfig",
    __base__=_OptionsTable,
    __doc__="``[ensemble]``: Langevin ensembles cross-validating the PDE (options of fpsolver.run_ensemble and run_inertial_ensemble).",
    enabled=(bool, Field(True, description="run overdamped Langevin ensembles")),
    models=(list[str] | None, Field(None, description="labels of [models.*] to simulate; default all")),
    **_option_fields(
        OverdampedOptions,
        ("n_particles", "precision", "dt", "t_end", "burn_in", "sample_interval", "scheme", "seed", "x0", "chunk_size", "time_blocks", "table_points"),
        x0=(float | Literal["uniform"], {}),
    ),
    **_option_fields(
        InertialOptions,
        ("mass",),
        mass=(float | None, {"default": None, "description": "also run the inertial ensemble (Eqs. 27, 48) with this particle mass"}),
    ),
)
#: [pde] and [ensemble] keys that are not solver options, and the one option whose
#: case-file default differs from the library's: ``mass`` (required by
#: run_inertial_ensemble) switches the inertial ensemble on when set.
CASE_ONLY_KEYS = {
    "pde": ("steady", "transient", "snapshots", "initial_mean", "initial_width"),
    "ensemble": ("enabled", "models"),
}
CASE_SWITCH_OPTIONS = {"ensemble": ("mass",)}


#: default [validation] transient_z: with 2 x 11 snapshot z-scores of a correct run, one
#: beyond 4 standard errors has probability ~1e-3
TRANSIENT_Z_LIMIT = 4.0


#: case-file keys renamed after the metric they bound: table -> {old spelling: new spelling}
RENAMED_KEYS: dict[str, dict[str, str]] = {"validation": {"pde_vs_exact_l1": "l1_pde_vs_exact"}}


def renamed_keys(data: Any, table: str) -> Any:
    """``data`` of case-file table ``table`` with old spellings (:data:`RENAMED_KEYS`) under
    their new names, each with a one-line :class:`FutureWarning`; both spellings at once is an error."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for old, new in RENAMED_KEYS[table].items():
        if old in data:
            if new in data:
                raise ValueError(f"{table}.{old}: the old spelling of {table}.{new}; give one of them")
            warnings.warn(f"{table}.{old} is now spelled {table}.{new}; the old spelling still loads", FutureWarning, stacklevel=2)
            data[new] = data.pop(old)
    return data


class ValidationConfig(BaseModel):
    """``[validation]``: tolerances checked by ``fpsolver validate``, each named after the metric it bounds."""

    model_config = STRICT
    l1_pde_vs_exact: float = Field(1e-9, gt=0, description="max L1 distance between the PDE and the exact steady state")
    current_relative_error: float = Field(1e-9, gt=0, description="max relative error of the PDE's steady ring current against the exact one")
    sde_chi2_per_dof: float = Field(2.0, gt=0, description="max chi^2 per cell of the SDE histogram against the exact density")
    sde_l1_factor: float = Field(3.0, gt=0, description="max SDE L1 distance as a multiple of its expected noise level")
    sde_l1: float | None = Field(None, gt=0, description="absolute max SDE L1 distance (overrides sde_l1_factor)")
    transient_z: float = Field(
        TRANSIENT_Z_LIMIT, gt=0, description="max z-score |SDE - PDE| / (SDE standard error) of <x> and Var x at every transient snapshot, the SDE started from the PDE's initial density"
    )

    @model_validator(mode="before")
    @classmethod
    def _old_spellings(cls, data: Any) -> Any:
        return renamed_keys(data, "validation")


class CaseConfig(BaseModel):
    """A Fokker-Planck case: one temperature profile, one or more models."""

    model_config = STRICT
    kind: Literal["fokker-planck"] = "fokker-planck"
    title: str = Field("", max_length=MAX_TITLE, description=f"free text shown in reports (at most {MAX_TITLE} characters)")
    domain: DomainConfig = DomainConfig()
    mesh: AnyMesh | str = MeshConfig()
    temperature: TemperatureConfig
    potential: PotentialConfig = PotentialConfig()
    boundary: dict[str, WallKind] = Field(
        default_factory=dict,
        description='wall group -> "reflecting" (default), "absorbing" or "periodic": "left"/"right" (x), "bottom"/"top" (y), "front"/"back" (z) on grids, "walls" for every wall',
    )
    models: dict[str, ModelConfig] = Field(min_length=1)
    pde: PDEConfig = PDEConfig()
    ensemble: EnsembleConfig = EnsembleConfig()
    validation: ValidationConfig = ValidationConfig()

    @model_validator(mode="before")
    @classmethod
    def _default_model_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("models"), dict):
            models = {}
            for label, table in data["models"].items():
                models[label] = {"model": label, **table} if isinstance(table, dict) else table
            data = {**data, "models": models}
        return data

    @model_validator(mode="after")
    def _check_domain(self):
        for label in self.models:
            if not LABEL.fullmatch(label):
                raise ValueError(f"models.{label}: a model label is a letter followed by letters, digits, '_' or '-' (it names files and NetCDF coordinates)")
        if not self.domain.x_max > self.domain.x_min:
            raise ValueError(f"domain: x_max ({self.domain.x_max}) must exceed x_min ({self.domain.x_min})")
        unknown = set(self.ensemble.models or ()) - set(self.models)
        if unknown:
            raise ValueError(f"ensemble.models: {sorted(unknown)} are not labels of [models.*]")
        self._check_geometry()
        return self

    @property
    def dimension(self) -> int:
        """Number of coordinates of the case's mesh (1 for named meshes)."""
        return 1 if isinstance(self.mesh, str) else self.mesh.dimension

    def periodic_axes(self) -> tuple[str, ...]:
        """The axes ("x", "y", "z") whose two walls are periodic."""
        return tuple("xyz"[axis] for axis, pair in enumerate(WALL_PAIRS) if self.boundary.get(pair[0]) == "periodic")

    def absorbing_walls(self) -> dict[str, str]:
        """The wall groups that absorb, as the ``boundary`` mapping of the PDE solvers."""
        return {group: kind for group, kind in self.boundary.items() if kind == "absorbing"}

    def _check_geometry(self) -> None:
        """Mesh kind, dimension, fields and walls fit together (one-line errors naming the key)."""
        dimension = self.dimension
        if dimension > 1 and {"x_min", "x_max"} & self.domain.model_fields_set:
            raise ValueError("domain: [domain] is the interval of 1D meshes; a 2D/3D [mesh] gives its own lower/upper corners")
        if dimension > 1 and self.temperature.profile not in ND_PROFILES:
            raise ValueError(f"temperature.profile: {self.temperature.profile!r} is a function of x only; on a {dimension}D mesh use {' or '.join(ND_PROFILES)}")
        if dimension == 3 and self.temperature.profile == "tabulated_grid":
            raise ValueError("temperature.profile: 'tabulated_grid' holds T on a 2D grid; on a 3D mesh use 'formula'")
        if dimension > 1 and self.potential.kind not in ND_POTENTIALS:
            raise ValueError(f"potential.kind: {self.potential.kind!r} is a function of x only; on a {dimension}D mesh use {' or '.join(ND_POTENTIALS)}")
        if dimension == 1 and self.temperature.profile == "tabulated_grid":
            raise ValueError("temperature.profile: 'tabulated_grid' is for 2D meshes; in 1D use 'tabulated'")
        groups = {"walls", *(group for pair in WALL_PAIRS[:dimension] for group in pair)}
        is_grid = isinstance(self.mesh, (MeshConfig, GridMeshConfig)) and not isinstance(self.mesh, CylindricalMeshConfig)
        for group, kind in self.boundary.items():
            if group not in groups:
                raise ValueError(f"boundary.{group}: not a wall group of this {dimension}D mesh (groups: {', '.join(sorted(groups))})")
            if kind == "periodic" and not is_grid:
                raise ValueError(f"boundary.{group}: periodic walls need a grid mesh (kind uniform, geometric or grid); this mesh cannot be periodic")
            if kind == "periodic" and group == "walls":
                raise ValueError("boundary.walls: name the periodic pairs of walls (left/right, bottom/top, front/back)")
        for low, high in WALL_PAIRS[:dimension]:
            if (self.boundary.get(low) == "periodic") != (self.boundary.get(high) == "periodic"):
                raise ValueError(f'boundary.{low}: periodic walls come in pairs: set both {low} and {high} to "periodic"')
        if self.absorbing_walls() and self.pde.steady:
            raise ValueError("boundary: absorbing walls leave no normalisable steady state; set pde.steady = false (and pde.transient = true)")

    def resolved(self) -> dict[str, Any]:
        """The configuration with every default filled in (plain data)."""
        data = self.model_dump(mode="json")
        data["temperature"] = {"profile": self.temperature.profile, **self.temperature.parameters()}
        data["potential"] = {"kind": self.potential.kind, **self.potential.parameters()}
        data["models"] = {label: {"model": m.model, **m.parameters()} for label, m in self.models.items()}
        return data

    _files: dict[str, CaseFile] | None = PrivateAttr(None)

    def attach_files(self, directory: Path) -> CaseConfig:
        """Read the files this case names (:mod:`fpsolver.cases.files`) from the case ``directory``
        once; the case is built from these bytes and :meth:`digest` covers them. Returns self."""
        if self._files is None:
            self._files = read_files(self.resolved(), directory)
        return self

    @property
    def files(self) -> dict[str, CaseFile]:
        """The files read by :meth:`attach_files`, by case key (``temperature.file``, ``mesh``)."""
        if self._files is None:
            self._files = read_files(self.resolved(), None)  # CaseError if the case names data files
        return self._files

    def digest(self) -> str:
        """SHA-256 of the resolved configuration without [validation] (tolerances do not
        change results) and of the bytes of every file it reads, identifying results,
        sweep points and checkpoints."""
        data = self.resolved()
        data.pop("validation", None)
        if self.files:
            data["files"] = files_digest(self.files)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


#: Memory per scan point (its observables; a chain's grow with N, which its own budget bounds).
SCAN_BYTES_PER_POINT = 1024


class ScanConfig(BaseModel):
    """``[scan]`` of a qme case: one system parameter over a list or a linspace."""

    model_config = STRICT
    parameter: str = Field(description="name of the [system] key scanned")
    values: list[float] | None = Field(None, description="the values, or give start/stop/num")
    start: float | None = Field(None, description="first value of a linspace")
    stop: float | None = Field(None, description="last value of a linspace")
    num: int = Field(21, ge=1, description="points of the linspace")

    def points(self) -> list[float]:
        if self.values is not None:
            return list(self.values)
        import numpy as np

        return np.linspace(self.start, self.stop, self.num).tolist()

    @model_validator(mode="after")
    def _check_values(self):
        if self.values is None and (self.start is None or self.stop is None):
            raise ValueError("give either 'values' or 'start' and 'stop'")
        if self.values is not None and not self.values:
            raise ValueError("'values' must not be empty")
        count = len(self.values) if self.values is not None else self.num
        within_budget("the scan", memory_bytes=SCAN_BYTES_PER_POINT * count, steps=count, detail=f"{count} points")
        return self


class QMECaseConfig(BaseModel):
    """A quantum-master-equation case: one system, optionally scanned over a parameter."""

    model_config = STRICT
    kind: Literal["qme"]
    title: str = Field("", max_length=MAX_TITLE, description=f"free text shown in reports (at most {MAX_TITLE} characters)")
    system: SystemConfig
    scan: ScanConfig | None = None

    @model_validator(mode="after")
    def _check_scan(self):
        if self.scan is None:
            return self
        fields = QME_SCHEMAS[self.system.kind].model_fields
        if self.scan.parameter not in fields:
            raise ValueError(f"scan.parameter: {self.scan.parameter!r} is not a parameter of system {self.system.kind!r} ({', '.join(fields)})")
        kind = fields[self.scan.parameter].annotation
        if kind not in (int, float):
            raise ValueError(f"scan.parameter: {self.scan.parameter!r} of system {self.system.kind!r} is not a number and cannot be scanned")
        fractional = [value for value in self.scan.points() if kind is int and not float(value).is_integer()]
        if fractional:
            raise ValueError(f"scan: {self.scan.parameter} is an integer, got {fractional[0]:g}")
        return self

    def scan_points(self) -> list[tuple[float, dict[str, Any]]]:
        """(scan value, keyword arguments of the system) per scan point; one point with value nan without a scan.
        Integer parameters (by the solve function's annotation, e.g. the chain's N) are passed as int."""
        parameters = self.system.parameters()
        if self.scan is None:
            return [(float("nan"), parameters)]
        cast = QME_SCHEMAS[self.system.kind].model_fields[self.scan.parameter].annotation
        return [(value, {**parameters, self.scan.parameter: cast(value)}) for value in self.scan.points()]

    def resolved(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["system"] = {"kind": self.system.kind, **self.system.parameters()}
        return data

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.resolved(), sort_keys=True).encode()).hexdigest()


AnyCase = CaseConfig | QMECaseConfig

_UNION_TAGS = {"str", "float", "int", "bool", "MeshConfig", "GmshMeshConfig", "line", "grid", "cylindrical", "gmsh"}
_UNION_TAGS |= {f"function-after[_check_axes(), {name}]" for name in ("GridMeshConfig", "CylindricalMeshConfig")}


def _location(error: dict[str, Any]) -> str:
    """Dotted key path of a pydantic error, without pydantic's union-member tags."""
    parts = [str(p) for p in error["loc"] if str(p) not in _UNION_TAGS and "[" not in str(p)]
    return ".".join(parts)


def parse_case(data: dict[str, Any], directory: Path | None = None) -> AnyCase:
    """Validate case data (``kind`` picks the schema) and, given the case ``directory``, read the
    files it names (:meth:`CaseConfig.attach_files`); raise :class:`CaseError` naming the first bad key."""
    config = _validated(data)
    return config.attach_files(directory) if directory is not None and isinstance(config, CaseConfig) else config


def _validated(data: dict[str, Any]) -> AnyCase:
    kind = data.get("kind", "fokker-planck")
    schema = {"fokker-planck": CaseConfig, "qme": QMECaseConfig}.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise CaseError(f"kind: must be 'fokker-planck' or 'qme', got {kind!r}")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        location = _location(first)
        raise CaseError(f"{location}: {message}" if location else message) from None


def case_file(case: str | Path) -> Path:
    """The ``case.toml`` of a case directory (or the file itself)."""
    path = Path(case)
    if path.is_dir():
        if not (path / "case.toml").is_file():
            raise CaseError(f"{case}: no case.toml in this directory")
        return path / "case.toml"
    if not path.exists():
        raise CaseError(f"{case}: no such case directory or case file")
    return path


def load_case(case: str | Path) -> AnyCase:
    """Read and validate the case file ``case`` (a ``case.toml`` or a directory holding one),
    and the files it names, relative to the directory holding the case file."""
    path = case_file(case)
    return parse_case(read_toml(path), path.parent)


def read_toml(path: Path) -> dict:
    """The case file at ``path`` as TOML data; CaseError for invalid or too deeply nested TOML."""
    text = read_file("case file", path).text()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise CaseError(f"{path}: arrays or inline tables nested too deeply") from None
