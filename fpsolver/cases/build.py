"""Build library objects (mesh, profile, potential, models) from a validated case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpsolver import meshes
from fpsolver._fipy import Mesh
from fpsolver.cases.schema import CaseConfig, CaseError, QMECaseConfig, case_file, load_case
from fpsolver.fields import potentials, profiles
from fpsolver.fields.potentials import Potential
from fpsolver.fields.profiles import TemperatureProfile
from fpsolver.models import Model, model_class


@dataclass(frozen=True)
class Case:
    """A loaded case: its directory, configuration and the objects it describes."""

    directory: Path
    config: CaseConfig
    mesh: Mesh
    profile: TemperatureProfile
    potential: Potential
    models: dict[str, Model]

    name = property(lambda self: self.directory.name, doc="The case's name (its directory's).")
    results_dir = property(lambda self: self.directory / "results", doc="Where its results go.")


@dataclass(frozen=True)
class QMECase:
    """A loaded quantum-master-equation case."""

    directory: Path
    config: QMECaseConfig

    name = Case.name
    results_dir = Case.results_dir


FAST_CELLS = 100
FAST_PARTICLES = 4096
FAST_SNAPSHOTS = 5


def fast_variant(config: CaseConfig) -> CaseConfig:
    """The ``--fast`` variant of a case (smoke tests): at most 100 cells for inline
    meshes, at most 4096 particles, 5 transient snapshots; everything else unchanged."""
    mesh = config.mesh if isinstance(config.mesh, str) else config.mesh.model_copy(update={"cells": min(config.mesh.cells, FAST_CELLS)})
    ensemble = config.ensemble.model_copy(
        update={"n_particles": min(config.ensemble.n_particles, FAST_PARTICLES), "chunk_size": min(config.ensemble.chunk_size, 512)}
    )
    pde = config.pde.model_copy(update={"snapshots": min(config.pde.snapshots, FAST_SNAPSHOTS)})
    return config.model_copy(update={"mesh": mesh, "ensemble": ensemble, "pde": pde})


def guard(key: str, build):
    """Run ``build()``; re-raise library errors as CaseError naming the case key."""
    try:
        return build()
    except CaseError:
        raise
    except (ValueError, TypeError, FileNotFoundError) as exc:
        raise CaseError(f"{key}: {exc}") from None


def build_mesh(config: CaseConfig) -> Mesh:
    if isinstance(config.mesh, str):
        path = config.files["mesh"].path
        return guard("mesh", lambda: meshes.load_named(path.stem, path.parent))
    m, d = config.mesh, config.domain
    if m.kind == "uniform":
        return guard("mesh", lambda: meshes.uniform(d.x_min, d.x_max, m.cells))
    return guard("mesh", lambda: meshes.geometric(d.x_min, d.x_max, m.cells, ratio=m.ratio, refine=m.refine))


def build_profile(config: CaseConfig) -> TemperatureProfile:
    parameters = config.temperature.parameters()
    if config.temperature.profile == "tabulated":
        data = config.files["temperature.file"]
        return guard("temperature", lambda: profiles.tabulated_csv(data.data, source=str(data.path), smoothing=parameters["smoothing"]))
    if config.temperature.profile == "formula":
        parameters.update(parameters.pop("parameters", {}))
    return guard("temperature", lambda: profiles.make_profile(config.temperature.profile, **parameters))


def build_potential(config: CaseConfig) -> Potential:
    parameters = config.potential.parameters()
    parameters.update(parameters.pop("parameters", {}))
    return guard("potential", lambda: potentials.make_potential(config.potential.kind, **parameters))


def open_case(case: str | Path, *, fast: bool = False) -> Case | QMECase:
    """Load ``case.toml`` and build everything it describes; validate on the mesh.

    Raises
    ------
    CaseError
        With a one-line message naming the key at fault.
    """
    path = case_file(case)
    return build_case(path.parent, load_case(path), fast=fast)


def build_case(directory: Path, config: CaseConfig | QMECaseConfig, *, fast: bool = False) -> Case | QMECase:
    """Build the objects of a validated configuration whose data files live in ``directory``."""
    if isinstance(config, QMECaseConfig):
        _check_qme_parameters(config)
        return QMECase(directory=directory, config=config)
    config.attach_files(directory)
    if fast:
        config = fast_variant(config)
    mesh = build_mesh(config)
    domain = meshes.extent(mesh)
    profile = build_profile(config)
    potential = build_potential(config)
    guard("temperature", lambda: profile.check_domain(meshes.cell_centers(mesh).tolist() + list(domain)))
    models: dict[str, Model] = {}
    for label, table in config.models.items():
        key = f"models.{label}"
        cls = guard(key, lambda: model_class(table.model))
        model = guard(key, lambda: cls(profile, potential=potential, **table.parameters()))
        guard(key, lambda: model.validate(meshes.cell_centers(mesh), domain))
        models[label] = model
    return Case(directory=directory, config=config, mesh=mesh, profile=profile, potential=potential, models=models)


def _check_qme_parameters(config: QMECaseConfig) -> None:
    """Evaluate the system once with its base parameters so bad values fail early
    (scan points are checked as they run)."""
    from fpsolver.cases.schema import QME_SYSTEMS

    guard("system", lambda: QME_SYSTEMS[config.system.kind](**config.system.parameters()))
