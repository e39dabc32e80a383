"""2D/3D case directories through the case workflow: acceptance against 1D and cylindrical
solves, the shipped geometry cases, and one-line errors for bad geometry input."""

import json

import numpy as np
import pytest
from cli_helpers import copy_case, fpsolver

from fpsolver.cases.run import run_case_directory

T1 = "1 + 0.6*tanh(3*(x - 0.2))"
T2 = "1.5 + 0.5*sin(2*y)"


def _write(directory, text: str, files: dict[str, str] | None = None):
    directory.mkdir(parents=True)
    (directory / "case.toml").write_text(text)
    for name, content in (files or {}).items():
        (directory / name).write_text(content)
    return directory


def _line_case(directory, expression: str, ratio: float, refine: str):
    text = f"""
[domain]
x_min = -1.0
x_max = 1.0
[mesh]
kind = "geometric"
cells = 30
ratio = {ratio}
refine = "{refine}"
[temperature]
profile = "formula"
expression = "{expression}"
[models.ito]
[ensemble]
enabled = false
"""
    return _write(directory, text)


def test_separable_temperature_gives_the_product_of_1d_solves(tmp_path):
    """Free Ito with T = T1(x) T2(y): P(x, y) = P1(x) P2(y) on a graded grid whose axes are the 1D meshes."""
    grid = _write(
        tmp_path / "separable",
        f"""
[mesh]
kind = "grid"
lower = [-1.0, -1.0]
upper = [1.0, 1.0]
cells = [30, 30]
ratio = [1.05, 1.02]
refine = ["walls", "left"]
[temperature]
profile = "formula"
expression = "({T1})*({T2.replace("y", "y")})"
[models.ito]
[ensemble]
enabled = false
""",
    )
    plane = run_case_directory(grid).results
    first = run_case_directory(_line_case(tmp_path / "x", T1, 1.05, "walls")).results
    second = run_case_directory(_line_case(tmp_path / "y", T2.replace("y", "x"), 1.02, "left")).results
    P, points = plane.steady["ito"].P, plane.steady["ito"].points
    P1 = dict(zip(np.round(first.steady["ito"].x, 12), first.steady["ito"].P))
    P2 = dict(zip(np.round(second.steady["ito"].x, 12), second.steady["ito"].P))
    product = np.array([P1[round(x, 12)] * P2[round(y, 12)] for x, y in points.T])
    assert np.max(np.abs(P / product - 1.0)) < 1e-10
    assert plane.metrics["ito"]["l1_pde_vs_exact"] < 1e-10


@pytest.fixture(scope="module")
def disc_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("discs")
    return {name: run_case_directory(copy_case(name, root), only=frozenset({"pde"})).results for name in ("heated-disc", "heated-disc-cylindrical")}


def test_disc_on_gmsh_and_cylindrical_grid_are_one_radial_function(disc_runs):
    """Both discretisations are exact at their cell centres: P / (1/T(r)) is one constant per mesh
    to 1e-10, so the Gmsh disc and the (r, z) grid give the same P(r) up to the normalisation
    (per area on the disc, per radian and height on the cylindrical grid)."""
    for label in ("ito", "gclm1"):
        for name, results in disc_runs.items():
            assert results.metrics[label]["max_relative_error_pde_vs_exact"] < 1e-10, (name, label)
    shapes = {}
    for name, results in disc_runs.items():
        solution = results.steady["ito"]
        r = np.hypot(*solution.points) if name == "heated-disc" else solution.points[0]
        ratio = solution.P * (1.0 + np.exp(-(r**2) / 0.2))  # P T(r)
        shapes[name] = ratio / ratio.mean()
    assert all(np.ptp(shape) < 1e-10 for shape in shapes.values())


def test_grid_case_runs_nd_ensembles_against_the_pde_with_periodic_walls(tmp_path):
    """A 2D grid case, periodic in x: the ensemble's histogram on blocks of cells against the
    PDE's block averages passes the case's chi^2/dof and L1 checks for the free Ito model
    (exact P ∝ 1/T) and for gCLm-I; ensemble.nc holds both per bin."""
    import xarray as xr

    case = _write(
        tmp_path / "ring-plane",
        """
[mesh]
kind = "grid"
lower = [-1.0, 0.0]
upper = [1.0, 1.0]
cells = [20, 10]
[boundary]
left = "periodic"
right = "periodic"
[temperature]
profile = "formula"
expression = "1.5 + 0.5*cos(pi*x)*(1 + y)/2"
[models.ito]
[models.gclm1]
kappa = 0.5
T0 = 1.0
[ensemble]
n_particles = 8192
scheme = "euler"
""",
    )
    run = run_case_directory(case)
    names = {check.metric for check in run.checks}
    assert {"sde_chi2_per_dof", "sde_l1"} <= names and all(check.passed for check in run.checks), run.checks
    assert not any("SDE stage skipped" in note for note in run.results.notes)
    with xr.open_dataset(run.target / "ensemble.nc", engine="h5netcdf") as data:
        assert {"P", "P_error", "P_pde", "counts", "area", "final_x", "final_y"} <= set(data.variables)
        assert data["P"].dims == ("model", "bin") and data.sizes["bin"] == 16 * 10
        assert np.allclose((data["P_pde"] * data["area"]).sum("bin"), 1.0)
        assert data.attrs["configuration"] and float(data["final_x"].max()) < 1.0


def test_every_2d_and_3d_shipped_case_passes_its_checks(shipped_fast_runs):
    """Also the SDE checks where an ensemble represents the geometry (the cube, the Gmsh
    disc); the obstacle box says why it has none. (The session's --fast runs of the shipped cases.)"""
    for name in ("obstacle-box", "hot-cube", "heated-disc"):
        case, result = shipped_fast_runs[name]
        assert result.returncode == 0, result.stderr
        results = case / "results"
        checks = json.loads((results / "metrics.json").read_text())["checks"]
        assert checks and all(check["passed"] for check in checks), name
        has_sde = any(check["metric"] == "sde_chi2_per_dof" for check in checks)
        assert has_sde == (name != "obstacle-box"), name
        if name == "obstacle-box":
            assert any("SDE stage skipped" in line and "obstacle" in line for line in (results / "report.md").read_text().splitlines())
        assert {"steady.nc", "steady.csv", "report.html"} <= {p.name for p in results.iterdir()}


def test_nd_netcdf_has_cell_and_face_geometry(disc_runs, tmp_path):
    import xarray as xr

    case = copy_case("heated-disc", tmp_path)
    run_case_directory(case, only=frozenset({"pde"}))
    with xr.open_dataset(case / "results" / "steady.nc", engine="h5netcdf") as data:
        assert {"x", "y", "x_face", "y_face", "volume", "P", "P_exact", "J", "T"} <= set(data.variables)
        assert data["P"].dims == ("model", "cell") and data["J"].dims == ("model", "face")
        assert json.loads(data.attrs["configuration"])["mesh"]["kind"] == "gmsh"


BAD_GEOMETRY = {
    "gmsh-rejects": ('[mesh]\nkind = "gmsh"\ngeometry = "bad.geo"\n', {"bad.geo": "Point(1) = {0, 0, 0, 0.1};\nLine(1) = {1, 7};\n"}, "mesh: Gmsh rejected the geometry: Error"),
    "missing-file": ('[mesh]\nkind = "gmsh"\ngeometry = "absent.geo"\n', {}, "does not exist"),
    "z-on-2d": ('[mesh]\nkind = "grid"\nlower = [0.0, 0.0]\nupper = [1.0, 1.0]\ncells = [4, 4]\n', {}, "temperature: "),
    "periodic-gmsh": ('[mesh]\nkind = "gmsh"\ngeometry = "disc"\n[boundary]\nleft = "periodic"\nright = "periodic"\n', {}, "boundary.left: periodic walls need a grid mesh"),
    "gclm2-in-2d": ('[mesh]\nkind = "grid"\nlower = [0.0, 0.0]\nupper = [1.0, 1.0]\ncells = [4, 4]\n', {}, "models.gclm2: "),
}


@pytest.mark.parametrize("name", sorted(BAD_GEOMETRY))
def test_bad_geometry_input_is_one_line_exit_2_and_writes_nothing(tmp_path, name):
    mesh, files, message = BAD_GEOMETRY[name]
    expression = "1 + x + z" if name == "z-on-2d" else "1 + 0.1*x"
    model = "[models.gclm2]\nsigma = 0.3\n" if name == "gclm2-in-2d" else "[models.ito]\n"
    case = _write(tmp_path / name, f'{mesh}[temperature]\nprofile = "formula"\nexpression = "{expression}"\n{model}', files)
    result = fpsolver("run", case, "--fast", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr, result.stderr
    assert sorted(p.name for p in case.iterdir()) == sorted(["case.toml", *files])


def test_new_dim_2_scaffolds_a_documented_case_that_runs(tmp_path):
    result = fpsolver("new", "plane", "--dim", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "plane" / "case.toml").read_text()
    assert 'kind = "grid"' in text and "[boundary]" in text and "# " in text and "gclm2" not in text
    run = fpsolver("run", "plane", "--fast", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    metrics = json.loads((tmp_path / "plane" / "results" / "metrics.json").read_text())
    assert metrics["checks"] and all(check["passed"] for check in metrics["checks"])
