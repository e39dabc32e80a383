"""``fpsolver new`` case templates and the case-file reference page, both generated from
the schemas in :mod:`fpsolver.cases.schema` (one source of truth for keys and defaults)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from fpsolver.cases import schema
from fpsolver.ensembles.options import ND_BINS_PER_AXIS, ND_POLAR_BINS, ND_TABLE_POINTS
from fpsolver.qme.systems import SYSTEMS

EXAMPLE_VALUES = {"kappa": 0.5, "sigma": 0.25, "file": "profile.csv", "expression": "1.5 + 0.5*tanh(4*x)"}
KINDS = ("fokker-planck", "qme")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def _default(field) -> object:
    return None if field.default is PydanticUndefined else field.default


def _table_lines(model: type[BaseModel], overrides: dict[str, object] | None = None, skip: tuple[str, ...] = ()) -> list[str]:
    """``key = default  # description`` for every field; unset optional keys commented out."""
    lines = []
    overrides = overrides or {}
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        value = overrides.get(name, _default(field))
        comment = f"  # {field.description}" if field.description else ""
        if name == "parameters" and isinstance(value, dict):
            value = value or None
        if value is None:
            lines.append(f"# {name} ={comment or '  # unset'}")
        else:
            lines.append(f"{name} = {_toml_value(value)}{comment}")
    return lines


def case_template(name: str, profile: str) -> str:
    """A documented case.toml for ``profile`` with every key at its default."""
    if profile not in schema.PROFILE_SCHEMAS:
        raise ValueError(f"unknown temperature profile {profile!r}; valid names: {', '.join(sorted(schema.PROFILE_SCHEMAS))}")
    lines = [
        f"# fpsolver case {name!r}: every key with its default (see cases/README.md).",
        f'title = "{name}: {profile} temperature profile"',
        "",
        "[domain]",
        *_table_lines(schema.DomainConfig),
        "",
        '[mesh]                       # or, at the top, mesh = "NAME" for meshes/NAME.toml',
        *_table_lines(schema.MeshConfig),
        "",
        "[temperature]",
        f'profile = "{profile}"',
        *_table_lines(schema.PROFILE_SCHEMAS[profile], EXAMPLE_VALUES),
        "",
        "[potential]",
        'kind = "none"                # "none", "harmonic", "double_well" or "formula"',
        "",
    ]
    for model in schema.MODEL_SCHEMAS:
        lines += [f"[models.{model}]", *_table_lines(schema.MODEL_SCHEMAS[model], EXAMPLE_VALUES), ""]
    for title, model in (("pde", schema.PDEConfig), ("ensemble", schema.EnsembleConfig), ("validation", schema.ValidationConfig)):
        lines += [f"[{title}]", *_table_lines(model), ""]
    return "\n".join(lines)


ND_EXAMPLE = {
    2: {"lower": [-1.0, -1.0], "upper": [1.0, 1.0], "cells": [40, 40], "expression": "1 + exp(-((x - 0.3)**2 + y**2)/0.1)"},
    3: {"lower": [-1.0, -1.0, -1.0], "upper": [1.0, 1.0, 1.0], "cells": [20, 20, 20], "expression": "1 + exp(-((x - 0.3)**2 + y**2 + z**2)/0.1)"},
}


def nd_case_template(name: str, dimension: int) -> str:
    """A documented 2D or 3D case.toml: a grid, a formula temperature in x, y(, z), every nD model,
    the wall groups, and the [pde], [ensemble] and [validation] keys at their defaults."""
    if dimension not in ND_EXAMPLE:
        raise ValueError(f"dim must be 1, 2 or 3, got {dimension!r}")
    example = ND_EXAMPLE[dimension]
    axes = "x, y" + (", z" if dimension == 3 else "")
    walls = ", ".join(f'{group} = "reflecting"' for pair in schema.WALL_PAIRS[:dimension] for group in pair)
    lines = [
        f"# fpsolver case {name!r}: a {dimension}D case with every key at its default (see cases/README.md).",
        f'title = "{name}: {dimension}D box with a hot spot"',
        "",
        '[mesh]                       # kind = "grid" (a box), "cylindrical" ((r, z) grid) or "gmsh" (geometry = "file.geo")',
        'kind = "grid"',
        *_table_lines(schema.GridMeshConfig, example, skip=("kind",)),
        "",
        '[boundary]                   # per wall group: "reflecting" (default), "absorbing" (transients only) or "periodic" (in pairs)',
        f"# {walls}",
        "",
        "[temperature]                # a formula in " + axes + ', or profile = "tabulated_grid" with file = "T.csv" (columns x,y,T; 2D)',
        'profile = "formula"',
        *_table_lines(schema.PROFILE_SCHEMAS["formula"], example),
        "",
        "[potential]",
        'kind = "none"                # "none" or "formula" (V in ' + axes + ")",
        "",
    ]
    for model in ("ito", "gclm1"):  # gclm2 is 1D only
        lines += [f"[models.{model}]", *_table_lines(schema.MODEL_SCHEMAS[model], {**EXAMPLE_VALUES, "T0": 1.0}), ""]
    for title, model in (("pde", schema.PDEConfig), ("ensemble", schema.EnsembleConfig), ("validation", schema.ValidationConfig)):
        lines += [f"[{title}]", *_table_lines(model), ""]
    return "\n".join(lines)


def qme_case_template(name: str, system: str) -> str:
    """A documented qme case.toml for the registered quantum ``system``: every ``[system]`` key
    at its default or the system's example value, and the system's example ``[scan]``."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown quantum system {system!r}; valid names: {', '.join(sorted(SYSTEMS))}")
    entry = SYSTEMS[system]
    return "\n".join(
        [
            f"# fpsolver case {name!r}: {entry.summary}; every [system] key with its default (see cases/README.md).",
            'kind = "qme"',
            f"title = {_toml_value(f'{name}: {entry.summary}')}",
            "",
            "[system]",
            f"kind = {_toml_value(system)}",
            *_table_lines(schema.QME_SCHEMAS[system], entry.example),
            "",
            "[scan]                       # optional: one [system] key over a list (values) or a linspace (start, stop, num)",
            *_table_lines(schema.ScanConfig, entry.example_scan),
            "",
        ]
    )


def scaffold_case(directory: Path, profile: str = "exponential", *, kind: str = "fokker-planck", system: str = "chain", dim: int = 1) -> Path:
    """Create ``directory/case.toml``: a Fokker-Planck case for temperature ``profile`` (and a
    sample profile.csv for "tabulated"), a 2D or 3D one (``dim``; a formula temperature on a grid),
    or with ``kind="qme"`` a case of the quantum ``system``."""
    if kind not in KINDS:
        raise ValueError(f"unknown case kind {kind!r}; valid: {', '.join(KINDS)}")
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{directory} exists and is not a directory")
    written = [directory / "case.toml", *([directory / "profile.csv"] if kind == "fokker-planck" and dim == 1 and profile == "tabulated" else [])]
    for path in written:
        if path.exists() or path.is_symlink():
            raise ValueError(f"{path} exists already; fpsolver new never overwrites files")
    if kind == "qme":
        text = qme_case_template(directory.name, system)
    elif dim != 1:
        text = nd_case_template(directory.name, dim)
    else:
        text = case_template(directory.name, profile)
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "fokker-planck" and profile == "tabulated":
        x = np.linspace(-1.0, 1.0, 101)
        np.savetxt(directory / "profile.csv", np.column_stack([x, 1.5 + 0.5 * np.tanh(4 * x)]), delimiter=",", header="x,T", comments="", fmt="%.10g")
    (directory / "case.toml").write_text(text)
    return directory / "case.toml"


def _field_rows(model: type[BaseModel]) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        default = _default(field)
        shown = "required" if field.default is PydanticUndefined else ("unset" if default is None else f"`{_toml_value(default)}`")
        meaning = (field.description or "").replace("|", "\\|")  # a bare | would end the table cell
        rows.append(f"| `{name}` | {shown} | {meaning} |")
    return rows


def _table(model: type[BaseModel]) -> list[str]:
    return ["| key | default | meaning |", "|---|---|---|", *_field_rows(model), ""]


ND_ENSEMBLE_TEXT = f"""On 2D/3D `grid` meshes the overdamped ensemble runs in the grid's box
(`fpsolver.ensembles.run_ensemble_nd`: periodic axes as in `[boundary]`, mirror walls
elsewhere) with the same keys (an unset `n_particles` grows the run until `precision` is
reached on its histogram bins), except that `L` in the defaults is the box's longest side,
and `table_points` is left to the nD table ({ND_TABLE_POINTS[2]} per axis in 2D, {ND_TABLE_POINTS[3]} in 3D). Its
histogram, on blocks of whole cells (at most {ND_BINS_PER_AXIS[2]} per axis in 2D, {ND_BINS_PER_AXIS[3]} in 3D), is compared
with the PDE steady density averaged over each block (chi^2/dof, L1; `ensemble.nc`
holds both). On the Gmsh disc (`geometry = "disc"`) it runs in the disc with reflecting
walls, binned on {ND_POLAR_BINS[0]} annuli x {ND_POLAR_BINS[1]} sectors (the PDE's triangles split among them);
cylindrical and other Gmsh meshes have no ensemble yet (the report says so)."""


def _section(title: str, model: type[BaseModel], text: str) -> list[str]:
    return [f"### {title}", "", text, "", *_table(model)]


def _variants(heading: str, schemas: dict[str, type[BaseModel]]) -> list[str]:
    """One table per registry entry (profiles, potentials, models, qme systems)."""
    return [line for name, model in schemas.items() for line in (f'#### {heading} = "{name}"', "", *_table(model))]


def reference_markdown() -> str:
    """The case-file reference (cases/README.md): every table, key and default."""
    lines = [
        "# Case files",
        "",
        "<!-- generated by `python -m fpsolver.cases.scaffold`; do not edit by hand -->",
        "",
        "A case is a directory with a `case.toml` (and data such as `profile.csv`).",
        "`fpsolver run CASE` writes `CASE/results/` (`steady.csv`, `steady.nc`, `transient.nc`,",
        "`ensemble.nc` or `qme.nc`/`qme.csv`, `metrics.json`, `figures/`, `report.md`, `report.html`),",
        "replacing earlier results only when the run completes. `fpsolver show CASE` prints the",
        "resolved configuration; `fpsolver new NAME --profile P` (or `--kind qme --system S`) writes a documented template.",
        'Unknown keys are errors. Two kinds of case: `kind = "fokker-planck"` (default) and `kind = "qme"`.',
        "",
        "## Fokker-Planck cases",
        "",
        'Top level: `kind`, `title` (free text), and either a `[mesh]` table or `mesh = "NAME"`',
        "(a definition `meshes/NAME.toml`, which then also fixes the domain).",
        "",
        *_section("[domain]", schema.DomainConfig, "The interval of the 1D problem."),
        *_section("[mesh]", schema.MeshConfig, "Inline 1D mesh on the domain."),
        *_section('[mesh] kind = "grid"', schema.GridMeshConfig, "A 2D or 3D box (`fpsolver.meshes.grid`); `[domain]` is not used."),
        *_section('[mesh] kind = "cylindrical"', schema.CylindricalMeshConfig, "An axisymmetric (r, z) grid (`fpsolver.meshes.cylindrical`): x stands for r and y for z; densities are per radian."),
        *_section('[mesh] kind = "gmsh"', schema.GmshMeshConfig, "A 2D Gmsh geometry (`fpsolver.meshes.gmsh_mesh`; needs the `gmsh` executable, the `geometry` extra)."),
        "### [boundary]",
        "",
        "One key per wall group: `left`/`right` (x), `bottom`/`top` (y), `front`/`back` (z) on grids, `walls` for every wall",
        '(the only group of Gmsh meshes); values `"reflecting"` (default), `"absorbing"` (transients only: no steady state)',
        'or `"periodic"` (both walls of an axis, grids only; T, grad T and grad V must be periodic). On 2D/3D meshes',
        "`[temperature]` is `formula` (in x, y, z) or `tabulated_grid` (2D), and `[potential]` `none` or `formula`; `gclm2` is 1D only.",
        "",
        "### [temperature]",
        "",
        "`profile` names the source; the other keys are that profile's parameters (the keyword",
        "arguments of `fpsolver.fields.profiles.<profile>`). `file` paths are relative to the case directory.",
        "",
    ]
    lines += _variants("profile", schema.PROFILE_SCHEMAS)
    lines += ["### [potential]", "", "`kind` names the potential; other keys are its parameters (`fpsolver.fields.potentials.<kind>`).", ""]
    lines += _variants("kind", schema.POTENTIAL_SCHEMAS)
    lines += [
        "### [models.LABEL]",
        "",
        "One table per model to solve. `model` (default: LABEL) is `ito`, `gclm1` or `gclm2`; the other keys are the keyword arguments of `fpsolver.Ito`, "
        '`fpsolver.GCLM1`, `fpsolver.GCLM2` (see their docstrings and docs/physics/models.md). `overdamped = "kramers"` selects the small-mass-limit form of docs/physics/small_mass.md.',
        "",
    ]
    lines += _variants("model", schema.MODEL_SCHEMAS)
    lines += _section("[pde]", schema.PDEConfig, "Steady and transient Fokker-Planck solves (FiPy).")
    lines += _section("[ensemble]", schema.EnsembleConfig, "Overdamped (and optionally inertial) Langevin ensembles; `--fast` caps particles at 4096.\n\n" + ND_ENSEMBLE_TEXT)
    lines += _section("[validation]", schema.ValidationConfig, "Tolerances checked by `fpsolver validate` (they do not change results).")
    lines += [
        '## Quantum master equation cases (`kind = "qme"`)',
        "",
        "`[system]` has `kind` = a system of the registry `fpsolver.qme.SYSTEMS` and that system's parameters (the keyword arguments of its solve function); "
        "`[scan]` optionally scans one of them. The systems:",
        "",
        *(f"- `{name}`: {entry.summary} (`{entry.solve.__module__}.{entry.solve.__name__}`)" for name, entry in SYSTEMS.items()),
        "",
    ]
    lines += _variants("system kind", schema.QME_SCHEMAS)
    lines += _section("[scan]", schema.ScanConfig, "One parameter over a list (`values`) or a linspace (`start`, `stop`, `num`).")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference_markdown())
