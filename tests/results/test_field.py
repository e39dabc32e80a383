"""The PDE result model: one SteadyState and one TransientSolution for 1D, 2D and 3D meshes.

Closed forms used: a uniform-temperature Ito model without potential has a flat
steady density 1/|box| whose mean is the box centre (on any mesh, since cell
centres are midpoints); with uniform T and a separable potential V(x) + W(y) the
2D generator is a Kronecker sum, so the 2D steady state is the outer product of the
1D ones and the x- and y-marginals of a 2D transient from a product initial density
follow the 1D transients exactly (each time step is linear and the y-columns of the
y-operator sum to zero).
"""

import numpy as np
import pytest
import xarray as xr

import fpsolver
from fpsolver import geometry, geometry_fields, meshes, potentials, profiles
from fpsolver.models import Ito
from fpsolver.pde.steady import solve_steady
from fpsolver.pde.transient import solve_transient
from fpsolver.results import SteadyState, TransientSolution

WIDTHS_X = np.linspace(0.02, 0.06, 30)  # graded cells on [-1, 0.2]
WIDTHS_Y = np.linspace(0.05, 0.02, 24)  # graded cells on [-0.5, 0.34]
ORIGIN = (-1.0, -0.5)
V_X, V_Y = "1.5*(x + 0.3)**2", "0.7*y"
T0 = 1.3


def _flat_ito(dimension: int) -> Ito:
    return Ito(profiles.linear(T0=T0, gradient=0.0) if dimension == 1 else geometry_fields.formula(f"{T0} + 0*x", dimension=dimension))


def _separable_models() -> tuple[Ito, Ito, Ito]:
    """(2D model, its x-part, its y-part) with uniform T and V = V_X(x) + V_Y(y)."""
    uniform = profiles.linear(T0=T0, gradient=0.0)
    two_d = Ito(geometry_fields.formula(f"{T0} + 0*x"), potential=geometry_fields.potential_formula(f"{V_X} + {V_Y}"))
    return two_d, Ito(uniform, potential=potentials.formula(V_X)), Ito(uniform, potential=potentials.formula(V_Y.replace("y", "x")))


def _separable_meshes():
    return geometry.nonuniform_grid(WIDTHS_X, WIDTHS_Y, origin=ORIGIN), meshes.from_spacings(ORIGIN[0], WIDTHS_X), meshes.from_spacings(ORIGIN[1], WIDTHS_Y)


def _gaussian(center: float, width: float):
    return lambda x: np.exp(-((x - center) ** 2) / (2 * width**2))


G_X, G_Y = _gaussian(-0.6, 0.15), _gaussian(0.1, 0.2)


@pytest.fixture(scope="module")
def results() -> dict[str, SteadyState | TransientSolution]:
    mesh_2d, mesh_x, mesh_y = _separable_meshes()
    model_2d, model_x, model_y = _separable_models()
    options = {"t_end": 0.4, "dt": 0.02, "scheme": "tr-bdf2", "times": [0.1, 0.2]}
    return {
        "steady_1d": solve_steady(model_x, mesh_x),
        "steady_1d_y": solve_steady(model_y, mesh_y),
        "steady_2d": solve_steady(model_2d, mesh_2d),
        "transient_1d": solve_transient(model_x, mesh_x, G_X, **options),
        "transient_1d_y": solve_transient(model_y, mesh_y, G_Y, **options),
        "transient_2d": solve_transient(model_2d, mesh_2d, lambda p: G_X(p[0]) * G_Y(p[1]), **options),
    }


BOXES = [
    (lambda: meshes.geometric(-0.4, 1.1, 25), (-0.4,), (1.1,)),
    (lambda: geometry.nonuniform_grid(WIDTHS_X, WIDTHS_Y, origin=ORIGIN), ORIGIN, (ORIGIN[0] + WIDTHS_X.sum(), ORIGIN[1] + WIDTHS_Y.sum())),
    (lambda: geometry.grid((0.0, -1.0, 2.0), (1.0, 0.5, 2.5), (5, 4, 3)), (0.0, -1.0, 2.0), (1.0, 0.5, 2.5)),
]


@pytest.mark.parametrize("mesh, lower, upper", BOXES)
def test_uniform_temperature_gives_flat_density_with_the_box_centre_as_mean(mesh, lower, upper):
    mesh, lower, upper = mesh(), np.array(lower), np.array(upper)
    dimension = lower.size
    solution = solve_steady(_flat_ito(dimension), mesh)
    assert solution.dimension == dimension and solution.points.shape == (dimension, mesh.numberOfCells)
    np.testing.assert_allclose(solution.P, 1.0 / np.prod(upper - lower), rtol=1e-12)
    assert solution.mass == float(np.sum(solution.P * solution.volumes)) == pytest.approx(1.0, abs=1e-13)
    centre = 0.5 * (lower + upper)
    if dimension == 1:
        assert isinstance(solution.mean, float) and solution.mean == pytest.approx(centre[0], abs=1e-13)
    else:
        assert solution.mean.shape == (dimension,)
        np.testing.assert_allclose(solution.mean, centre, atol=1e-13)
    assert np.max(np.abs(solution.J)) < 1e-12


def test_1d_steady_exposes_x_points_and_faces(results):
    steady = results["steady_1d"]
    assert steady.dimension == 1
    assert steady.x.shape == steady.P.shape == steady.volumes.shape == (WIDTHS_X.size,)
    np.testing.assert_array_equal(steady.points[0], steady.x)
    assert steady.x_faces.shape == steady.J.shape == (WIDTHS_X.size + 1,)
    np.testing.assert_allclose(steady.x_faces[[0, -1]], [ORIGIN[0], ORIGIN[0] + WIDTHS_X.sum()], atol=1e-14)
    assert steady.mean == pytest.approx(float(np.sum(steady.x * steady.P * steady.volumes)), rel=1e-14)


def test_2d_separable_steady_state_is_the_outer_product_of_1d_results(results):
    steady, along_x, along_y = results["steady_2d"], results["steady_1d"], results["steady_1d_y"]
    image = steady.P.reshape(WIDTHS_Y.size, WIDTHS_X.size)  # FiPy orders cells x fastest
    np.testing.assert_allclose(image, np.outer(along_y.P, along_x.P), rtol=1e-11)
    np.testing.assert_allclose(steady.mean, [along_x.mean, along_y.mean], rtol=1e-11)
    assert steady.mass == pytest.approx(1.0, abs=1e-13)
    assert steady.face_points.shape == (2, steady.J.size)


def test_2d_transient_marginals_follow_the_1d_transients(results):
    transient, along_x, along_y = results["transient_2d"], results["transient_1d"], results["transient_1d_y"]
    np.testing.assert_array_equal(transient.t, along_x.t)
    np.testing.assert_allclose(transient.snapshot_times, [0.1, 0.2, 0.4])
    assert transient.P.shape == (3, WIDTHS_X.size * WIDTHS_Y.size)
    assert transient.mean.shape == transient.variance.shape == (transient.t.size, 2)
    np.testing.assert_allclose(transient.mean, np.column_stack([along_x.mean, along_y.mean]), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(transient.variance, np.column_stack([along_x.variance, along_y.variance]), rtol=1e-10)
    marginal = WIDTHS_Y @ transient.P[-1].reshape(WIDTHS_Y.size, WIDTHS_X.size)
    np.testing.assert_allclose(marginal, along_x.P[-1], rtol=1e-10)


@pytest.mark.parametrize("key", ["transient_1d", "transient_2d"])
def test_transient_moments_per_step_agree_with_the_snapshots(results, key):
    transient = results[key]
    assert transient.snapshots is transient.P
    np.testing.assert_allclose(transient.mass, 1.0, atol=1e-12)
    for time, P in zip(transient.snapshot_times, transient.P):
        step = int(np.flatnonzero(transient.t == time)[0])
        weights = P * transient.volumes
        assert transient.mass[step] == pytest.approx(weights.sum(), rel=1e-14)
        mean = transient.points @ weights / weights.sum()
        np.testing.assert_allclose(transient.mean[step], mean[0] if transient.dimension == 1 else mean, rtol=1e-13)


def test_x_on_an_nd_result_names_points(results):
    for key in ("steady_2d", "transient_2d"):
        with pytest.raises(AttributeError, match=r"x is defined for 1D results only; this result is 2D: use \.points"):
            _ = results[key].x
    with pytest.raises(AttributeError, match=r"use \.face_points"):
        _ = results["steady_2d"].x_faces


def test_metadata_records_provenance(results):
    for key, solver in [("steady_1d", "solve_steady"), ("steady_2d", "solve_steady"), ("transient_1d", "solve_transient"), ("transient_2d", "solve_transient")]:
        result = results[key]
        metadata = result.metadata
        assert metadata["fpsolver_version"] == fpsolver.__version__
        assert metadata["solver"] == solver
        assert metadata["mesh"] == f"Mesh{result.dimension}D"  # FiPy grids shifted to an origin
        assert metadata["cells"] == result.volumes.size and metadata["dimension"] == result.dimension
        assert metadata["wall_time_s"] >= 0.0 and "fipy_version" in metadata
        assert result.model["model"] == "ito" and "potential" in result.model
    assert results["transient_2d"].metadata["scheme"] == "tr-bdf2"
    assert results["steady_2d"].metadata["relative_residual"] < 1e-12


def _attributes_complete(dataset: xr.Dataset) -> None:
    for name, variable in {**dataset.data_vars, **dataset.coords}.items():
        assert variable.attrs.get("units"), f"{name} has no units"
        assert variable.attrs.get("long_name"), f"{name} has no long_name"


@pytest.mark.parametrize(
    "key, dims, coordinates",
    [
        ("steady_1d", {"x": 30, "x_face": 31}, {"x", "x_face"}),
        ("steady_2d", {"cell": 720, "face": 30 * 25 + 31 * 24, "axis": 2}, {"x", "y", "x_face", "y_face", "axis"}),
        ("transient_1d", {"x": 30, "time": 3}, {"x", "time", "step_time"}),
        ("transient_2d", {"cell": 720, "time": 3, "axis": 2}, {"x", "y", "time", "step_time", "axis"}),
    ],
)
def test_to_xarray_is_tidy_and_round_trips_through_netcdf(results, tmp_path, key, dims, coordinates):
    result = results[key]
    dataset = result.to_xarray()
    _attributes_complete(dataset)
    assert {name: size for name, size in dataset.sizes.items() if name != "step_time"} == dims
    assert set(dataset.coords) == coordinates
    assert dataset.attrs["fpsolver_version"] == fpsolver.__version__
    np.testing.assert_array_equal(dataset["P"].values, result.P)
    np.testing.assert_array_equal(dataset["volume"].values, result.volumes)
    cell = "x" if result.dimension == 1 else "cell"
    assert dataset["P"].dims[-1] == cell and dataset["P"].attrs["units"] == ("1/length" if result.dimension == 1 else "1/length^2")
    path = tmp_path / f"{key}.nc"
    dataset.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as loaded:
        _attributes_complete(loaded)
        xr.testing.assert_identical(loaded, dataset)


def test_1d_steady_datasets_of_two_models_concatenate_along_a_model_dimension(results):
    """The shape the case writer needs: P(model, x) from per-model datasets."""
    mesh = meshes.from_spacings(ORIGIN[0], WIDTHS_X)
    other = solve_steady(Ito(profiles.linear(T0=1.0, gradient=0.4)), mesh)
    combined = xr.concat([results["steady_1d"].to_xarray(), other.to_xarray()], dim="model")
    assert combined["P"].dims == ("model", "x") and combined["J"].dims == ("model", "x_face")


def test_bad_shapes_raise_one_line_value_errors():
    volumes = np.full(4, 0.25)
    faces_1d = {"face_cells": np.full((2, 5), -1), "face_vectors": np.ones((1, 5)), "J_scale": 1.0}
    with pytest.raises(ValueError, match="P must have one value per cell"):
        SteadyState(points=np.arange(4.0), volumes=volumes, P=np.ones(3), face_points=np.arange(5.0), J=np.zeros(5), **faces_1d, model={})
    with pytest.raises(ValueError, match=r"points must have shape \(n,\) or \(dim, n\)"):
        SteadyState(points=np.zeros((2, 3)), volumes=volumes, P=np.ones(4), face_points=np.zeros((2, 5)), J=np.zeros(5), **faces_1d, model={})
    steady = {"points": np.arange(4.0), "volumes": volumes, "P": np.ones(4), "face_points": np.arange(5.0), "J": np.zeros(5), "model": {}}
    with pytest.raises(ValueError, match=r"face_cells must be cell ids in -1\.\.3"):
        SteadyState(**steady, **{**faces_1d, "face_cells": np.full((2, 5), 4)})
    with pytest.raises(ValueError, match=r"face_vectors must have shape \(1, 5\)"):
        SteadyState(**steady, **{**faces_1d, "face_vectors": np.ones((2, 5))})
    with pytest.raises(ValueError, match="J_scale must be finite"):
        SteadyState(**steady, **{**faces_1d, "J_scale": np.nan})
    with pytest.raises(ValueError, match=r"P must have shape \(snapshots, cells\)"):
        TransientSolution(points=np.arange(4.0), volumes=volumes, snapshot_times=[1.0], P=np.ones(4), t=[0.0, 1.0], mass=[1.0, 1.0], mean=[0.0, 0.0], variance=[1.0, 1.0], model={})


def test_public_names_are_the_result_classes():
    assert fpsolver.SteadyState is SteadyState and fpsolver.TransientSolution is TransientSolution
