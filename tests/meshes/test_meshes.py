"""Mesh helpers: extents, refinement, named meshes, bad input."""

import fipy
import numpy as np
import pytest

import fpsolver
from fpsolver import meshes, profiles


def test_uniform_mesh_covers_interval():
    mesh = meshes.uniform(-2.0, 3.0, 10)
    assert meshes.extent(mesh) == pytest.approx((-2.0, 3.0))
    np.testing.assert_allclose(meshes.cell_centers(mesh), np.linspace(-1.75, 2.75, 10))


@pytest.mark.parametrize("refine, smallest", [("left", 0), ("right", -1), ("walls", 0), (0.5, None)])
def test_geometric_mesh_refines_towards_target(refine, smallest):
    mesh = meshes.geometric(0.0, 1.0, 40, ratio=1.1, refine=refine)
    widths = np.asarray(mesh.cellVolumes)
    assert widths.sum() == pytest.approx(1.0)
    assert meshes.extent(mesh) == pytest.approx((0.0, 1.0))
    index = int(np.argmin(widths))
    if smallest is None:
        assert abs(meshes.cell_centers(mesh)[index] - 0.5) < 0.05
    else:
        assert widths[smallest] == pytest.approx(widths.min())
    assert widths.max() / widths.min() > 2.0


def test_any_fipy_mesh_a_user_builds_is_accepted():
    mesh = fipy.Grid1D(dx=np.linspace(0.01, 0.05, 30), nx=30) + ((-0.3,),)
    solution = fpsolver.solve_steady(fpsolver.Ito(profiles.linear(T0=1.0, gradient=0.5)), mesh)
    assert solution.mass == pytest.approx(1.0)


@pytest.mark.parametrize(
    "build, fragment",
    [
        (lambda: meshes.uniform(0.0, 1.0, 0), "'cells' must be a positive integer"),
        (lambda: meshes.uniform(1.0, 1.0, 10), "zero-width"),
        (lambda: meshes.uniform(1.0, 0.0, 10), "zero-width or reversed"),
        (lambda: meshes.uniform(0.0, float("inf"), 10), "finite"),
        (lambda: meshes.geometric(0.0, 1.0, 10, ratio=0.0), "'ratio'"),
        (lambda: meshes.geometric(0.0, 1.0, 10, refine=2.0), "outside"),
        (lambda: meshes.from_spacings(0.0, []), "empty mesh"),
        (lambda: meshes.load_named("no-such-mesh"), "no mesh named 'no-such-mesh'"),
    ],
)
def test_bad_meshes_raise_clear_errors(build, fragment):
    with pytest.raises(ValueError, match=fragment):
        build()


def test_solvers_reject_two_dimensional_meshes():
    with pytest.raises(ValueError, match="1D"):
        fpsolver.solve_steady(fpsolver.Ito(profiles.linear()), fipy.Grid2D(nx=3, ny=3))
