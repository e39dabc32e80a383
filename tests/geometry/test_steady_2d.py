"""2D/3D steady states against exact and independent 1D solutions."""

import shutil

import fipy
import numpy as np
import pytest
from scipy import integrate
from scipy.interpolate import CubicSpline

from fpsolver import geometry, geometry_fields, meshes, potentials, profiles
from fpsolver.models import GCLM1, GCLM2, Ito
from fpsolver.pde.exact import steady_state_at
from fpsolver.pde.steady import solve_steady

T_X = "1.5 + 0.5*tanh((x - 0.1)/0.1)"
T_Y = "2 + sin(3*y)"
T_Z = "1 + 0.3*z**2"
WIDTHS_X = np.linspace(0.01, 0.05, 40)  # non-uniform: graded cells on [-1, 0.2]
WIDTHS_Y = np.linspace(0.03, 0.01, 30)
WIDTHS_Z = np.full(8, 0.125)


def _normalised(P, volumes):
    return P / np.sum(P * volumes)


@pytest.mark.parametrize("face_velocity", ["exact", "pointwise"])
def test_separable_ito_2d_is_product_of_1d_steady_states(face_velocity):
    """T = T1(x) T2(y): P ∝ 1/T1 * 1/T2, so the 2D solve is the outer product of the 1D ones.

    Exact faces: both are exact at the centres, so they agree to round-off. Pointwise
    faces: the 2D and 1D face velocities coincide face by face (u.n = u_x or u_y),
    so the 2D matrix is a Kronecker sum and its null vector is still the product.
    """
    mesh = geometry.nonuniform_grid(WIDTHS_X, WIDTHS_Y, origin=(-1.0, -0.5))
    field = geometry_fields.formula(f"({T_X})*({T_Y})")
    solution = solve_steady(Ito(field), mesh, face_velocity=face_velocity)
    P_x = solve_steady(Ito(profiles.formula(T_X)), meshes.from_spacings(-1.0, WIDTHS_X), face_velocity=face_velocity).P
    P_y = solve_steady(Ito(profiles.formula(T_Y.replace("y", "x"))), meshes.from_spacings(-0.5, WIDTHS_Y), face_velocity=face_velocity).P
    product = np.outer(P_y, P_x).ravel()  # FiPy orders Grid2D cells x fastest
    assert np.max(np.abs(solution.P / product - 1.0)) < 1e-11
    assert solution.mass == pytest.approx(1.0, abs=1e-14)
    assert solution.metadata["relative_residual"] < 1e-14
    if face_velocity == "exact":
        exact = _normalised(1.0 / field.T(solution.points), solution.volumes)
        assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-11


def test_separable_ito_3d_equals_exact_inverse_temperature():
    mesh = geometry.nonuniform_grid(WIDTHS_X[::4], WIDTHS_Y[::3], WIDTHS_Z, origin=(-1.0, -0.5, -0.5))
    field = geometry_fields.formula(f"({T_X})*({T_Y})*({T_Z})", dimension=3)
    solution = solve_steady(Ito(field), mesh)
    exact = _normalised(1.0 / field.T(solution.points), solution.volumes)
    assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-11


def test_ito_in_trap_with_gradient_drift_is_exact_on_grid():
    """Constant T with a potential: A/D = grad V/(k_B T) is a gradient, P ∝ exp(-V/(k_B T))."""
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (30, 25))
    field = geometry_fields.formula("1.3 + 0*x")
    potential = geometry_fields.potential_formula("a*x**4 - x**2 + b*x*y + y**2", a=0.7, b=0.4)
    solution = solve_steady(Ito(field, potential=potential, eta=2.0, kB=0.8), mesh)
    exact = _normalised(np.exp(-potential.V(solution.points) / (0.8 * 1.3)), solution.volumes)
    assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-10


def test_gclm1_radial_hotspot_on_grid_matches_radial_quadrature():
    """gCLm-I in 2D (eta_eff from the Laplacian of T) with a radial T: A/D is radial,
    hence a gradient, and P(r) = exp(-∫_0^r A_r/D) / D with
    A_r/D = kappa T'(r) eta_eff(r) / D0, eta_eff = eta (1 - a (T'' + T'/r)),
    integrated here independently with scipy.integrate.quad."""
    w, amplitude, kappa, a = 0.4, 0.5, 0.8, 0.02
    field = geometry_fields.formula("1 + amp*exp(-(x**2 + y**2)/(2*w**2))", amp=amplitude, w=w)
    model = GCLM1(field, kappa=kappa, alpha_tilde=a, T0=1.2)
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (20, 20))
    solution = solve_steady(model, mesh)

    def dT(r):
        return -amplitude * r / w**2 * np.exp(-(r**2) / (2 * w**2))

    def laplacian(r):  # T'' + T'/r of the radial Gaussian
        return amplitude * np.exp(-(r**2) / (2 * w**2)) * (r**2 / w**4 - 2 / w**2)

    def eta_eff(r):
        return 1.0 - a * laplacian(r)

    D0 = 1.2
    r = np.hypot(*solution.points)
    phi = np.array([integrate.quad(lambda s: kappa * dT(s) * eta_eff(s) / D0, 0.0, ri, epsabs=1e-14, epsrel=1e-13)[0] for ri in r])
    exact = _normalised(np.exp(-phi) * eta_eff(r) ** 2 / D0, solution.volumes)
    assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-10


def test_cylindrical_grid2d_separable_ito_is_exact():
    mesh = fipy.CylindricalGrid2D(dr=0.05, dz=0.1, nr=20, nz=10)
    field = geometry_fields.formula("(1 + exp(-x**2/0.1))*(2 + y)")  # x = r, y = z
    solution = solve_steady(Ito(field), mesh)
    exact = _normalised(1.0 / field.T(solution.points), solution.volumes)
    assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-11


needs_gmsh = pytest.mark.skipif(shutil.which("gmsh") is None, reason="gmsh executable not on PATH (pip install gmsh)")


@needs_gmsh
@pytest.mark.parametrize("face_velocity, tolerance", [("exact", 1e-11), ("pointwise", 2e-3)])
def test_disc_hotspot_matches_cylindrical_1d(face_velocity, tolerance):
    """A radially symmetric hot spot in a harmonic trap on the Gmsh disc versus the
    CylindricalGrid1D solution (2000 cells, cubic-spline interpolated to the cell
    radii): round-off with exact faces (A/D radial, so the discrete state is exact on
    the triangles too), second-order error (L1) with pointwise faces."""
    pytest.importorskip("gmsh")
    mesh = geometry.disc(radius=1.0, cell_size=0.1)
    field = geometry_fields.formula("1 + 2*exp(-(x**2 + y**2)/(2*0.3**2))")
    potential = geometry_fields.potential_formula("k*(x**2 + y**2)/2", k=1.5)
    radial = solve_steady(
        Ito(profiles.formula("1 + 2*exp(-x**2/(2*0.3**2))"), potential=potentials.formula("k*x**2/2", k=1.5)),
        fipy.CylindricalGrid1D(nx=2000, dx=1.0 / 2000),
    )
    solution = solve_steady(Ito(field, potential=potential), mesh, face_velocity=face_velocity)
    reference = _normalised(CubicSpline(radial.x, radial.P)(np.hypot(*solution.points)), solution.volumes)
    assert np.sum(np.abs(solution.P - reference) * solution.volumes) < tolerance
    if face_velocity == "exact":
        assert np.max(np.abs(solution.P / reference - 1.0)) < 1e-10


@needs_gmsh
def test_cylindrical_1d_radial_solution_is_exact_quadrature():
    model = Ito(profiles.formula("1 + 2*exp(-x**2/(2*0.3**2))"), potential=potentials.formula("k*x**2/2", k=1.5))
    mesh = fipy.CylindricalGrid1D(nx=50, dx=0.02)
    solution = solve_steady(model, mesh)
    exact = _normalised(steady_state_at(model, solution.x, (0.0, 1.0)), solution.volumes)
    assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-11


def test_tabulated_grid_field_steady_state_close_to_formula(tmp_path):
    """T sampled on a 41 x 31 grid (npz and csv) and fitted by the quintic spline gives
    the same steady state as the formula up to the spline's interpolation error."""
    field = geometry_fields.formula(f"({T_X})*({T_Y})".replace("0.1)/0.1", "0.1)/0.3"))
    x, y = np.linspace(-1.0, 0.2, 41), np.linspace(-0.5, 0.2, 31)
    X, Y = np.meshgrid(x, y, indexing="ij")
    values = field.T(np.array([X.ravel(), Y.ravel()])).reshape(X.shape)
    np.savez(tmp_path / "T.npz", x=x, y=y, T=values)
    rows = np.column_stack([X.ravel(), Y.ravel(), values.ravel()])[::-1]
    np.savetxt(tmp_path / "T.csv", rows, delimiter=",", header="x,y,T", comments="")
    mesh = geometry.nonuniform_grid(WIDTHS_X, np.full(35, 0.02), origin=(-1.0, -0.5))
    reference = solve_steady(Ito(field), mesh).P
    for name in ("T.npz", "T.csv"):
        tabulated = geometry_fields.tabulated_grid(tmp_path / name)
        points = geometry.cell_points(mesh)
        assert np.max(np.abs(tabulated.gradient(points) - field.gradient(points))) < 1e-3
        P = solve_steady(Ito(tabulated), mesh).P
        assert np.max(np.abs(P / reference - 1.0)) < 1e-5


def test_tabulated_grid_rejects_points_outside_the_data(tmp_path):
    x = y = np.linspace(0.0, 1.0, 8)
    np.savez(tmp_path / "T.npz", x=x, y=y, T=np.ones((8, 8)))
    mesh = geometry.grid((0.0, 0.0), (1.5, 1.0), (6, 4))
    with pytest.raises(ValueError, match="data cover"):
        solve_steady(Ito(geometry_fields.tabulated_grid(tmp_path / "T.npz")), mesh)


def test_gclm2_refuses_2d_with_a_clear_error():
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (4, 4))
    with pytest.raises(ValueError, match="gclm2: the model is defined in 1D only, got a 2D mesh"):
        solve_steady(GCLM2(profiles.linear(), sigma=0.5), mesh)


def test_dimension_mismatches_are_reported():
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (4, 4))
    with pytest.raises(ValueError, match="temperature profile is 1D but the mesh is 2D"):
        solve_steady(Ito(profiles.linear()), mesh)
    with pytest.raises(ValueError, match="temperature profile is 2D but the mesh is 1D"):
        solve_steady(Ito(geometry_fields.formula("1 + x*y")), meshes.uniform(0.0, 1.0, 4))
    with pytest.raises(ValueError, match="potential is 1D but the mesh is 2D"):
        solve_steady(Ito(geometry_fields.formula("1 + 0*x"), potential=potentials.harmonic()), mesh)


def test_field_temperature_must_be_positive_and_names_the_point():
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (4, 4))
    with pytest.raises(ValueError, match=r"T\(x=.*, y=.*\) ="):
        solve_steady(Ito(geometry_fields.formula("x + y")), mesh)


def test_gclm1_2d_negative_eta_eff_names_the_point():
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (4, 4))
    field = geometry_fields.formula("2 + x**2 + y**2")  # Laplacian 4
    with pytest.raises(ValueError, match="eta_eff"):
        solve_steady(GCLM1(field, kappa=1.0, alpha_tilde=0.5), mesh)


def test_field_formula_rejects_unknown_variables():
    from fpsolver._expression import FormulaError

    with pytest.raises(FormulaError, match="unknown symbol 'z'"):
        geometry_fields.formula("1 + z")


@needs_gmsh
def test_free_ito_on_unstructured_disc_is_exact_for_non_radial_temperature():
    """Exact faces on Gmsh triangles (non-orthogonal): any free Ito state P ∝ 1/T is
    reproduced to round-off, not only radial ones."""
    pytest.importorskip("gmsh")
    mesh = geometry.disc(radius=1.0, cell_size=0.15)
    field = geometry_fields.formula("1.5 + 0.5*x*y**2 + 0.3*sin(2*x)")
    solution = solve_steady(Ito(field), mesh)
    exact = _normalised(1.0 / field.T(solution.points), solution.volumes)
    assert np.max(np.abs(solution.P / exact - 1.0)) < 1e-11


@needs_gmsh
def test_gmsh_mesh_rejects_unknown_parameters():
    with pytest.raises(ValueError, match="defines no parameter 'cellsize'"):
        geometry.gmsh_mesh("disc", cellsize=0.1)
