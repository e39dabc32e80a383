"""End to end through the real command line on every shipped case (``--fast``)."""

import json
from html.parser import HTMLParser

import pytest
import xarray as xr
from cli_helpers import CASES, copy_case, fpsolver
from PIL import Image

SHIPPED = sorted(p.name for p in CASES.iterdir() if (p / "case.toml").exists())


def test_every_promised_case_is_shipped():
    assert set(SHIPPED) >= {"linear", "exponential", "gaussian-hotspot", "tanh-step", "tabulated", "trap-in-gradient", "chain-fig2", "quantum-dot"}
    assert set(SHIPPED) >= {"buettiker-landauer", "obstacle-box", "heated-disc", "heated-disc-cylindrical", "hot-cube"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.external = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes.get("src", ""))
        for key in ("src", "href"):
            value = attributes.get(key)
            if value is not None and not value.startswith("data:"):
                self.external.append(value)


@pytest.fixture
def fast_runs(shipped_fast_runs):
    """Every shipped case run once with --fast in a temporary copy (shared by the session)."""
    return shipped_fast_runs


@pytest.mark.parametrize("name", SHIPPED)
def test_fast_run_writes_every_promised_file(fast_runs, name):
    case, result = fast_runs[name]
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)[str(case)]
    results = case / "results"
    assert summary["report"] == str(results / "report.html")
    qme = (case / "case.toml").read_text().find('kind = "qme"') >= 0
    # Gmsh and cylindrical cases have no ensemble: their report says the SDE stage was skipped
    skipped_sde = "SDE stage skipped" in (results / "report.md").read_text()
    expected = {"metrics.json", "report.md", "report.html"} | ({"qme.nc", "qme.csv"} if qme else {"steady.nc", "steady.csv"} | (set() if skipped_sde else {"ensemble.nc"}))
    assert expected <= {p.name for p in results.iterdir()}
    for netcdf in results.glob("*.nc"):
        with xr.open_dataset(netcdf, engine="h5netcdf") as dataset:
            assert dataset.attrs["fpsolver_version"]
            assert json.loads(dataset.attrs["configuration"])
            for variable in [*dataset.data_vars.values(), *dataset.coords.values()]:
                assert {"units", "long_name"} <= set(variable.attrs), variable.name
    page = _Page()
    page.feed((results / "report.html").read_text())
    assert page.images and all(src.startswith("data:image/png;base64,") for src in page.images)
    assert page.external == []
    pngs = list((results / "figures").glob("*.png"))
    assert len(pngs) >= 2
    for png in pngs:
        with Image.open(png) as image:
            image.verify()
            assert image.size[0] > 100 and image.size[1] > 100
    metrics = json.loads((results / "metrics.json").read_text())
    assert metrics["checks"] and all(check["passed"] for check in metrics["checks"])


@pytest.mark.parametrize("name", SHIPPED)
def test_validate_passes_on_shipped_case(fast_runs, name):
    case, _ = fast_runs[name]
    result = fpsolver("validate", "--fast", case, cwd=case.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_fails_and_names_metric_when_tolerance_is_impossible(fast_runs):
    case, _ = fast_runs["exponential"]
    toml = case / "case.toml"
    original = toml.read_text()
    try:
        toml.write_text(original + "\n[validation]\nl1_pde_vs_exact = 1e-30\n")
        result = fpsolver("validate", "--fast", case, cwd=case.parent)
    finally:
        toml.write_text(original)
    assert result.returncode == 1
    assert "FAIL exponential: ito l1_pde_vs_exact" in result.stderr


def test_show_prints_resolved_defaults(fast_runs):
    case, _ = fast_runs["exponential"]
    result = fpsolver("show", case, cwd=case.parent)
    resolved = json.loads(result.stdout)
    assert resolved["models"]["gclm2"]["friction"] == "full"
    assert resolved["ensemble"]["chunk_size"] == 256


def test_new_scaffolds_a_case_that_runs(tmp_path):
    result = fpsolver("new", "fresh", "--profile", "tanh-step", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "fresh" / "case.toml").read_text()
    assert 'profile = "tanh_step"' in text and "[ensemble]" in text and "# " in text
    run = fpsolver("run", "fresh", "--fast", "--only", "pde", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "fresh" / "results" / "steady.nc").exists()
    again = fpsolver("new", "fresh", cwd=tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_sweep_writes_tidy_table_and_reuses_finished_points(tmp_path):
    case = copy_case("linear", tmp_path)
    result = fpsolver("sweep", case, "--set", "models.gclm1.kappa=0:2:3", "--set", "temperature.gradient=0.2,0.4", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = (case / "sweeps" / "models.gclm1.kappa+temperature.gradient" / "sweep.csv").read_text().splitlines()
    header = table[0].split(",")
    assert header[:3] == ["models.gclm1.kappa", "temperature.gradient", "model"]
    assert len(table) == 1 + 3 * 2 * 3  # points x models
    rows = [dict(zip(header, line.split(","))) for line in table[1:]]
    ito = [float(r["effective_soret"]) for r in rows if r["model"] == "ito"]
    assert all(0.8 < s < 1.2 for s in ito)  # S_T ~ 1/T ~ 1 for the Ito model
    kappa_zero = [float(r["mean_position"]) for r in rows if r["model"] == "gclm1" and float(r["models.gclm1.kappa"]) == 0.0]
    assert max(abs(m) for m in kappa_zero) < 1e-12  # no thermophoretic force, T'' = 0: flat
    cached = sorted((case / "sweeps" / ".points").glob("*.json"))
    assert len(cached) == 6
    stamps = [p.stat().st_mtime_ns for p in cached]
    again = fpsolver("sweep", case, "--set", "models.gclm1.kappa=0:2:3", "--set", "temperature.gradient=0.2,0.4", "--quiet", cwd=tmp_path)
    assert again.returncode == 0
    assert [p.stat().st_mtime_ns for p in cached] == stamps


def test_cached_sweep_point_is_labelled_by_the_sweep_that_reuses_it(tmp_path):
    from fpsolver.cases.sweep import parse_assignment, run_sweep

    case = copy_case("linear", tmp_path)
    first = run_sweep(case, [parse_assignment("models.gclm1.kappa=0.5,1.0")], fast=True)
    second = run_sweep(case, [parse_assignment("temperature.gradient=0.4"), parse_assignment("models.gclm1.kappa=1.0")], fast=True)
    assert all(row["temperature.gradient"] == 0.4 and row["models.gclm1.kappa"] == 1.0 for row in second)
    reused = [row for row in first if row["models.gclm1.kappa"] == 1.0]
    assert [{k: v for k, v in r.items() if "." not in k} for r in reused] == [{k: v for k, v in r.items() if "." not in k} for r in second]
