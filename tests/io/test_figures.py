"""Case figures: what each one draws (the Figure objects are captured before saving)."""

from __future__ import annotations

import numpy as np
import pytest

from fpsolver import meshes, profiles
from fpsolver.cases.build import build_case
from fpsolver.cases.run import run_qme_case
from fpsolver.cases.schema import parse_case
from fpsolver.io import figures
from fpsolver.models import GCLM1, Ito
from fpsolver.pde import exact
from fpsolver.pde.steady import solve_steady
from fpsolver.qme import SYSTEMS
from fpsolver.results.case import CaseIdentity, CaseResults

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def results(tmp_path) -> CaseResults:
    mesh = meshes.uniform(-1.0, 1.0, 30)
    profile = profiles.exponential(T0=1.0, length=0.8)
    models = {"ito": Ito(profile), "gclm1": GCLM1(profile, kappa=0.5)}
    x = meshes.cell_centers(mesh)
    steady = {label: solve_steady(model, mesh) for label, model in models.items()}
    identity = CaseIdentity(name="demo", directory=tmp_path, title="a title", configuration={}, configuration_sha256="0" * 64)
    soret = {label: (0.5 * (x[1:] + x[:-1]), np.full(x.size - 1, 0.7)) for label in models}
    exact_densities = {label: exact.steady_state(model, mesh) for label, model in models.items()}
    return CaseResults(case=identity, x=x, T=profile.T(x), steady=steady, exact=exact_densities, soret=soret)


def test_steady_profiles_draw_pde_and_exact_per_model(results, drawn, tmp_path):
    path = figures.steady_profiles(results, tmp_path / "steady.png")
    assert path.read_bytes().startswith(PNG)
    axes = drawn["steady.png"].axes[0]
    labels = [line.get_label() for line in axes.get_lines()]
    assert labels == ["ito: PDE", "ito: exact", "gclm1: PDE", "gclm1: exact"]
    np.testing.assert_array_equal(axes.get_lines()[2].get_ydata(), results.steady["gclm1"].P)
    assert axes.get_title() == "a title"
    assert axes.get_lines()[0].get_color() != axes.get_lines()[2].get_color()


def test_temperature_and_soret_plot_the_stored_profiles_and_the_ito_reference(results, drawn, tmp_path):
    figures.temperature_and_soret(results, tmp_path / "soret.png")
    temperature_axes, soret_axes = drawn["soret.png"].axes
    np.testing.assert_array_equal(temperature_axes.get_lines()[0].get_ydata(), results.T)
    curves = {line.get_label(): line.get_ydata() for line in soret_axes.get_lines()}
    np.testing.assert_array_equal(curves["gclm1"], 0.7)
    np.testing.assert_allclose(curves["1/T (Eq. 8)"], 1.0 / results.T)


def test_qme_scan_draws_every_declared_figure(tmp_path, drawn):
    data = {"kind": "qme", "system": {"kind": "dot", "eps": 0.5, "T_L": 1.2, "T_R": 0.8, "mu_L": 0.1, "mu_R": -0.1}, "scan": {"parameter": "eps", "start": -1.0, "stop": 1.0, "num": 5}}
    case = build_case(tmp_path, parse_case(data))
    results = run_qme_case(case)
    (tmp_path / "figures").mkdir()
    written = figures.qme_scan(results, tmp_path / "figures")
    assert [path.name for path, _ in written] == [spec.filename for spec in SYSTEMS["dot"].figures]
    for path, caption in written:
        assert path.read_bytes().startswith(PNG) and caption
        x_values = [line.get_xdata() for axes in drawn[path.name].axes for line in axes.get_lines() if len(line.get_xdata()) == 5]
        assert x_values and all(np.allclose(x, results.values) for x in x_values)
