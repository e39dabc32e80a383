"""2D/3D case figures: the probability flux over the steady densities (the Figure objects are captured before saving)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from scipy.interpolate import LinearNDInterpolator

import fpsolver
from fpsolver import meshes
from fpsolver.fields import nd
from fpsolver.io import figures_nd
from fpsolver.results.case import CaseIdentity, CaseResults

PNG = b"\x89PNG\r\n\x1a\n"
#: an elliptic hot spot: gCLm-I with alpha_tilde != 0 circulates, the Ito model is a gradient flow
SPOT = {2: "1 + exp(-((x - 0.2)**2/0.3 + y**2/0.1))", 3: "1 + exp(-((x - 0.2)**2/0.3 + y**2/0.1 + z**2/0.3))"}


def _results(dimension: int, directory) -> CaseResults:
    cells = (24, 24) if dimension == 2 else (12, 12, 12)
    mesh = meshes.grid((-1.0,) * dimension, (1.0,) * dimension, cells)
    field = nd.formula(SPOT[dimension], dimension=dimension)
    models = {"ito": fpsolver.Ito(field), "gclm1": fpsolver.GCLM1(field, kappa=0.5, alpha_tilde=0.01, T0=1.0)}
    steady = {label: fpsolver.solve_steady(model, mesh) for label, model in models.items()}
    points = steady["ito"].points
    identity = CaseIdentity(name="flux", directory=directory, title="", configuration={}, configuration_sha256="0" * 64)
    return CaseResults(case=identity, x=points, T=field.T(points), steady=steady)


@pytest.mark.parametrize("dimension", [2, 3])
def test_field_maps_draw_the_circulating_flux_and_note_a_gradient_flow(dimension, tmp_path, drawn):
    results = _results(dimension, tmp_path)
    assert figures_nd.field_maps(results, tmp_path / "fields.png").read_bytes().startswith(PNG)
    figure = drawn["fields.png"]
    temperature, ito, gclm1 = (axes for axes in figure.axes if axes.get_label() != "<colorbar>")
    assert not any(isinstance(c, LineCollection) for c in [*temperature.collections, *ito.collections])
    assert "J = 0 to round-off (max |J| = " in ito.get_title() and results.steady["ito"].zero_flux
    assert "flux J: streamlines" in gclm1.get_title()
    (lines,) = [c for c in gclm1.collections if isinstance(c, LineCollection)]
    # the streamlines follow J: along each segment, J_cells interpolated linearly between the drawn cells (SciPy)
    segments = np.array([segment for segment in lines.get_segments() if len(segment) == 2 and np.any(segment[1] != segment[0])])
    middles, directions = segments.mean(axis=1), segments[:, 1] - segments[:, 0]
    points, J = results.steady["gclm1"].points, results.steady["gclm1"].J_cells
    drawn_cells = figures_nd._slice(points, results.steady["gclm1"].volumes)
    flux = LinearNDInterpolator(points[:2, drawn_cells].T, J[:2, drawn_cells].T)(middles)
    along = np.einsum("kd,kd->k", directions, flux)
    assert segments.shape[0] > 200 and np.mean(along > 0) > 0.99  # measured: every segment
