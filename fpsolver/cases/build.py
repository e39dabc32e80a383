"""Build library objects (mesh, profile, potential, models) from a validated case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpsolver import _fipy, meshes
from fpsolver._fipy import Mesh
from fpsolver.cases.schema import CaseConfig, CaseError, CylindricalMeshConfig, GmshMeshConfig, GridMeshConfig, MeshConfig, QMECaseConfig, case_file, load_case
from fpsolver.fields import nd, potentials, profiles
from fpsolver.fields.base import TemperatureField
from fpsolver.fields.potentials import Potential
from fpsolver.models import Model, model_class


@dataclass(frozen=True)
class Case:
    """A loaded case: its directory, configuration and the objects it describes."""

    directory: Path
    config: CaseConfig
    mesh: Mesh
    profile: TemperatureField
    potential: Potential
    models: dict[str, Model]

    dimension = property(lambda self: _fipy.dimension(self.mesh), doc="Number of coordinates of the mesh.")

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
#: --fast cap on the cells per axis of 2D/3D grids, and the Gmsh cell size's lower bound
#: as a fraction of the geometry's default one
FAST_CELLS_PER_AXIS = {2: 24, 3: 10}
FAST_PARTICLES = 4096
FAST_SNAPSHOTS = 5


def _fast_mesh(mesh):
    """The --fast variant of a mesh table: 1D at most 100 cells, grids at most 24 (2D) or 10 (3D) cells per axis."""
    if isinstance(mesh, str) or isinstance(mesh, GmshMeshConfig):
        return mesh
    if isinstance(mesh, MeshConfig):
        return mesh.model_copy(update={"cells": min(mesh.cells, FAST_CELLS)})
    cap = FAST_CELLS_PER_AXIS[mesh.dimension]
    return mesh.model_copy(update={"cells": [min(n, cap) for n in mesh.cells]})


def fast_variant(config: CaseConfig) -> CaseConfig:
    """The ``--fast`` variant of a case (smoke tests): at most 100 cells for inline 1D
    meshes (24 or 10 per axis on 2D or 3D grids; Gmsh meshes unchanged), at most 4096
    particles, 5 transient snapshots; everything else unchanged."""
    mesh = _fast_mesh(config.mesh)
    ensemble = config.ensemble.model_copy(update={"n_particles": min(config.ensemble.n_particles or FAST_PARTICLES, FAST_PARTICLES), "chunk_size": min(config.ensemble.chunk_size, 512)})
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


def _line_mesh(config: CaseConfig, periodic: bool) -> Mesh:
    m, d = config.mesh, config.domain
    if m.kind == "uniform":
        return meshes.uniform(d.x_min, d.x_max, m.cells, periodic=periodic)
    return meshes.geometric(d.x_min, d.x_max, m.cells, ratio=m.ratio, refine=m.refine, periodic=periodic)


def _grid_mesh(config: CaseConfig, periodic: tuple[str, ...]) -> Mesh:
    m = config.mesh
    return meshes.grid(tuple(m.lower), tuple(m.upper), tuple(m.cells), ratio=m.ratio, refine=m.refine, periodic=periodic)


def _cylindrical_mesh(config: CaseConfig) -> Mesh:
    m = config.mesh
    return meshes.cylindrical(tuple(m.lower), tuple(m.upper), tuple(m.cells), ratio=m.ratio, refine=m.refine)


def _gmsh_mesh(config: CaseConfig, directory: Path) -> Mesh:
    """A ``.geo`` file of the case directory, or a geometry shipped in fpsolver/meshes/data by name
    (located and checked by :mod:`fpsolver.cases.files`)."""
    return meshes.gmsh_mesh(config.attach_files(directory).files["mesh.geometry"].path, **config.mesh.parameters)


def build_mesh(config: CaseConfig, directory: Path = Path(".")) -> Mesh:
    """The case's mesh (1D line, 2D/3D grid, cylindrical grid or Gmsh geometry), periodic where ``[boundary]`` says."""
    mesh, periodic = config.mesh, config.periodic_axes()
    if isinstance(mesh, str):
        if periodic:
            raise CaseError("boundary: periodic walls need an inline [mesh] (a named mesh cannot be periodic)")
        path = config.attach_files(directory).files["mesh"].path
        return guard("mesh", lambda: meshes.load_named(path.stem, path.parent))
    if isinstance(mesh, GmshMeshConfig):
        return guard("mesh", lambda: _gmsh_mesh(config, directory))
    if isinstance(mesh, CylindricalMeshConfig):
        return guard("mesh", lambda: _cylindrical_mesh(config))
    if isinstance(mesh, GridMeshConfig):
        return guard("mesh", lambda: _grid_mesh(config, periodic))
    return guard("mesh", lambda: _line_mesh(config, bool(periodic)))


def build_profile(config: CaseConfig, directory: Path) -> TemperatureField:
    """The temperature: a 1D profile, or on 2D/3D meshes a formula in x, y(, z) or a tabulated grid."""
    parameters = config.temperature.parameters()
    name, dimension = config.temperature.profile, config.dimension
    if name in ("tabulated", "tabulated_grid"):
        data = config.attach_files(directory).files["temperature.file"]  # checked: inside the case directory
        if name == "tabulated":
            return guard("temperature", lambda: profiles.tabulated_csv(data.data, source=str(data.path), smoothing=parameters["smoothing"]))
        parameters["file"] = data.path
    if name == "formula":
        parameters.update(parameters.pop("parameters", {}))
    if dimension > 1 and name == "formula":
        return guard("temperature", lambda: nd.formula(parameters.pop("expression"), dimension=dimension, **parameters))
    if name == "tabulated_grid":
        return guard("temperature", lambda: nd.tabulated_grid(**parameters))
    return guard("temperature", lambda: profiles.make_profile(name, **parameters))


def build_potential(config: CaseConfig) -> Potential:
    """The potential: 1D built-ins and formulas, or a formula in x, y(, z) on 2D/3D meshes."""
    parameters = config.potential.parameters()
    parameters.update(parameters.pop("parameters", {}))
    if config.dimension > 1 and config.potential.kind == "formula":
        return guard("potential", lambda: nd.potential_formula(parameters.pop("expression"), dimension=config.dimension, **parameters))
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
    profile = build_profile(config, directory)
    potential = build_potential(config)
    mesh = build_mesh(config, directory)
    if config.dimension == 1:
        domain = meshes.extent(mesh)
        points = meshes.cell_centers(mesh)
        guard("temperature", lambda: profile.check_domain(points.tolist() + list(domain)))
    else:
        domain, points = meshes.bounding_box(mesh), meshes.cell_points(mesh)
        guard("temperature", lambda: profile.check_domain(points))
    models: dict[str, Model] = {}
    for label, table in config.models.items():
        key = f"models.{label}"
        cls = guard(key, lambda: model_class(table.model))
        model = guard(key, lambda: cls(profile, potential=potential, **table.parameters()))
        guard(key, lambda: model.check_dimension(config.dimension))
        guard(key, lambda: model.validate(points, domain))
        models[label] = model
    return Case(directory=directory, config=config, mesh=mesh, profile=profile, potential=potential, models=models)


def _check_qme_parameters(config: QMECaseConfig) -> None:
    """Evaluate the system once with its base parameters so bad values fail early
    (scan points are checked as they run)."""
    from fpsolver.cases.schema import QME_SYSTEMS

    guard("system", lambda: QME_SYSTEMS[config.system.kind](**config.system.parameters()))
