"""The case-file schema (pydantic v2, TOML): validated, documented, defaults stated.

A case file ``case.toml`` describes one temperature profile and the models to solve
on it. Every table and key is listed in ``cases/README.md``; ``fpsolver show CASE``
prints the resolved configuration with all defaults filled in. Profile, potential and
model keys are generated from the library signatures (see
:mod:`fpsolver.cases._signature_schema`), so a case-file key and the Python keyword of the
same name are the same thing.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fpsolver import qme
from fpsolver.cases._signature_schema import schema_from_signature
from fpsolver.cases.errors import CaseError
from fpsolver.fields import potentials, profiles
from fpsolver.models import MODELS

LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

PROFILE_SCHEMAS = {name: schema_from_signature(f"profile_{name}", f) for name, f in profiles.PROFILES.items()}
POTENTIAL_SCHEMAS = {name: schema_from_signature(f"potential_{name}", f) for name, f in potentials.POTENTIALS.items()}
MODEL_SCHEMAS = {name: schema_from_signature(f"model_{name}", cls, exclude=("profile", "potential")) for name, cls in MODELS.items()}
QME_SYSTEMS = {
    "chain": qme.chain,
    "lambda": qme.lambda_system,
    "v": qme.v_system,
    "dot": qme.quantum_dot,
}
QME_SCHEMAS = {name: schema_from_signature(f"qme_{name}", f) for name, f in QME_SYSTEMS.items()}


class _Named(BaseModel):
    """A table with a registry name key whose other keys are checked against a schema."""

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)
    _registry_key: str = "name"
    _schemas: dict[str, type[BaseModel]] = {}

    @model_validator(mode="after")
    def _check_parameters(self):
        name = getattr(self, self._registry_key)
        if name not in self._schemas:
            raise ValueError(f"unknown {self._registry_key} {name!r}; valid: {', '.join(sorted(self._schemas))}")
        self._schemas[name].model_validate(self.model_extra or {})
        return self

    def parameters(self) -> dict[str, Any]:
        """Keyword arguments with every default filled in."""
        name = getattr(self, self._registry_key)
        return self._schemas[name].model_validate(self.model_extra or {}).model_dump()


class TemperatureConfig(_Named):
    """``[temperature]``: ``profile`` = a built-in name, "formula" or "tabulated", plus its keys."""

    _registry_key = "profile"
    _schemas = PROFILE_SCHEMAS
    profile: str


class PotentialConfig(_Named):
    """``[potential]``: ``kind`` = "none" (default), "harmonic", "double_well" or "formula"."""

    _registry_key = "kind"
    _schemas = POTENTIAL_SCHEMAS
    kind: str = "none"


class ModelConfig(_Named):
    """``[models.LABEL]``: ``model`` (default: LABEL) plus that model's parameters."""

    _registry_key = "model"
    _schemas = MODEL_SCHEMAS
    model: str


class SystemConfig(_Named):
    """``[system]`` of a qme case: ``kind`` = "chain", "lambda", "v" or "dot", plus its keys."""

    _registry_key = "kind"
    _schemas = QME_SCHEMAS
    kind: str


class DomainConfig(BaseModel):
    """``[domain]``: the interval [x_min, x_max] (length units; x = 0 is the coupling origin of gclm2)."""

    model_config = STRICT
    x_min: float = Field(-1.0, description="left wall (length)")
    x_max: float = Field(1.0, description="right wall (length); x = 0 is the coupling origin of gclm2")


class MeshConfig(BaseModel):
    """``[mesh]``: inline mesh on the domain (or top-level ``mesh = "NAME"`` from meshes/)."""

    model_config = STRICT
    kind: Literal["uniform", "geometric"] = Field("uniform", description='"uniform" or "geometric" (cell widths grow by `ratio`)')
    cells: int = Field(200, ge=1, description="number of cells")
    ratio: float = Field(1.05, gt=0, description="geometric only: width ratio of neighbouring cells")
    refine: Literal["left", "right", "walls"] | float = Field("walls", description='geometric only: where cells are smallest: "left", "right", "walls" or a coordinate')


class PDEConfig(BaseModel):
    """``[pde]``: steady and transient Fokker-Planck solves."""

    model_config = STRICT
    steady: bool = Field(True, description="solve the zero-flux steady state of every model")
    face_velocity: Literal["exact", "pointwise"] = Field("exact", description='"exact" (steady state exact at cell centres) or "pointwise" (2nd order)')
    transient: bool = Field(False, description="also relax from a Gaussian initial density")
    t_end: float = Field(1.0, gt=0, description="transient: final time")
    dt: float | None = Field(None, gt=0, description="transient: (initial) time step; default t_end/100")
    scheme: Literal["euler", "tr-bdf2"] = Field("tr-bdf2", description='transient: "euler" (order 1, positive) or "tr-bdf2" (order 2)')
    adaptive: bool = Field(False, description="transient: step-doubling adaptive time steps")
    tolerance: float = Field(1e-5, gt=0, description="transient: local error tolerance of adaptive steps (L1)")
    snapshots: int = Field(11, ge=1, description="transient: number of equally spaced snapshots saved")
    initial_mean: float | None = Field(None, description="transient: centre of the initial Gaussian; default the domain centre")
    initial_width: float | None = Field(None, gt=0, description="transient: width of the initial Gaussian; default 1/20 of the domain")


class EnsembleConfig(BaseModel):
    """``[ensemble]``: Langevin ensembles cross-validating the PDE (see fpsolver.run_ensemble)."""

    model_config = STRICT
    enabled: bool = Field(True, description="run overdamped Langevin ensembles")
    models: list[str] | None = Field(None, description="labels of [models.*] to simulate; default all")
    n_particles: int = Field(10_000, ge=1, description="particles per model")
    dt: float | None = Field(None, gt=0, description="time step; default min(t_end/4000, L^2/(2000 D_max))")
    t_end: float | None = Field(None, gt=0, description="duration; default 10 L^2/(pi^2 D_min), ten slowest relaxation times")
    burn_in: float | None = Field(None, ge=0, description="time before the histogram samples; default t_end/2")
    sample_interval: float | None = Field(
        None, gt=0, description="time between histogram samples; default L^2/(8 pi^2 D_min), an eighth of the slowest relaxation time, so samples are nearly independent"
    )
    scheme: Literal["weak2", "euler"] = Field("weak2", description='"weak2" (Platen, weak order 2) or "euler" (Euler-Maruyama)')
    seed: int = Field(0, ge=0, description="random seed (results do not depend on threads or processes)")
    x0: float | Literal["uniform"] = Field("uniform", description='initial position, or "uniform" (spread evenly)')
    chunk_size: int = Field(256, ge=1, description="particles per random stream / error batch")
    time_blocks: int = Field(1, ge=1, description="time blocks of the sampling window (batches = chunks x blocks)")
    table_points: int = Field(4097, ge=16, description="points of the coefficient table used inside the kernels")
    inertial_mass: float | None = Field(None, gt=0, description="also run the inertial ensemble (Eqs. 27, 48) with this mass")


class ValidationConfig(BaseModel):
    """``[validation]``: tolerances checked by ``fpsolver validate``."""

    model_config = STRICT
    pde_vs_exact_l1: float = Field(1e-9, gt=0, description="max L1 distance between the PDE and the exact steady state")
    sde_chi2_per_dof: float = Field(2.0, gt=0, description="max chi^2 per cell of the SDE histogram against the exact density")
    sde_l1_factor: float = Field(3.0, gt=0, description="max SDE L1 distance as a multiple of its expected noise level")
    sde_l1: float | None = Field(None, gt=0, description="absolute max SDE L1 distance (overrides sde_l1_factor)")


class CaseConfig(BaseModel):
    """A Fokker-Planck case: one temperature profile, one or more models."""

    model_config = STRICT
    kind: Literal["fokker-planck"] = "fokker-planck"
    title: str = ""
    domain: DomainConfig = DomainConfig()
    mesh: MeshConfig | str = MeshConfig()
    temperature: TemperatureConfig
    potential: PotentialConfig = PotentialConfig()
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
        return self

    def resolved(self) -> dict[str, Any]:
        """The configuration with every default filled in (plain data)."""
        data = self.model_dump(mode="json")
        data["temperature"] = {"profile": self.temperature.profile, **self.temperature.parameters()}
        data["potential"] = {"kind": self.potential.kind, **self.potential.parameters()}
        data["models"] = {label: {"model": m.model, **m.parameters()} for label, m in self.models.items()}
        return data

    def digest(self) -> str:
        """SHA-256 of the resolved configuration without [validation] (tolerances do not
        change results), identifying results and checkpoints."""
        data = self.resolved()
        data.pop("validation", None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


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
        return self


class QMECaseConfig(BaseModel):
    """A quantum-master-equation case: one system, optionally scanned over a parameter."""

    model_config = STRICT
    kind: Literal["qme"]
    title: str = ""
    system: SystemConfig
    scan: ScanConfig | None = None

    @model_validator(mode="after")
    def _check_scan(self):
        if self.scan is not None and self.scan.parameter not in QME_SCHEMAS[self.system.kind].model_fields:
            valid = ", ".join(QME_SCHEMAS[self.system.kind].model_fields)
            raise ValueError(f"scan.parameter: {self.scan.parameter!r} is not a parameter of system {self.system.kind!r} ({valid})")
        return self

    def resolved(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["system"] = {"kind": self.system.kind, **self.system.parameters()}
        return data

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.resolved(), sort_keys=True).encode()).hexdigest()


AnyCase = CaseConfig | QMECaseConfig

_UNION_TAGS = {"str", "float", "int", "bool", "MeshConfig"}


def _location(error: dict[str, Any]) -> str:
    """Dotted key path of a pydantic error, without pydantic's union-member tags."""
    parts = [str(p) for p in error["loc"] if str(p) not in _UNION_TAGS and "[" not in str(p)]
    return ".".join(parts)


def parse_case(data: dict[str, Any]) -> AnyCase:
    """Validate case data (``kind`` picks the schema); raise :class:`CaseError` naming the first bad key."""
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
    path = path / "case.toml" if path.is_dir() else path
    if not path.is_file():
        raise CaseError(f"{case}: no case.toml found")
    return path


def load_case(case: str | Path) -> AnyCase:
    """Read and validate ``case.toml`` of the case directory ``case``."""
    path = case_file(case)
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CaseError(f"{path}: not valid TOML: {exc}") from None
    return parse_case(data)
