"""The steady and transient solvers give the same answers with SuperLU and with AMG-GMRES,
and say which one they used."""

import numpy as np

import fpsolver
from fpsolver import meshes
from fpsolver.fields import nd
from fpsolver.pde import linear


def _model():
    return fpsolver.GCLM1(nd.formula("1 + 0.5*exp(-((x - 0.2)**2 + y**2 + z**2)/0.2)", dimension=3), kappa=0.7, alpha_tilde=0.01, T0=1.0)


def test_iterative_and_direct_steady_states_agree_in_3d():
    mesh = meshes.grid((-1, -1, -1), (1, 1, 1), (8, 7, 6), ratio=(1.0, 1.1, 1.0))
    direct = fpsolver.solve_steady(_model(), mesh, linear_solver="direct")
    iterative = fpsolver.solve_steady(_model(), mesh, linear_solver="iterative")
    assert (direct.metadata["linear_solver"], iterative.metadata["linear_solver"]) == ("direct", "iterative")
    np.testing.assert_allclose(iterative.P, direct.P, rtol=1e-9)
    assert iterative.metadata["relative_residual"] < 1e-12


def test_auto_chooses_multigrid_only_for_large_3d_meshes():
    assert linear.choose("auto", 3, linear.AUTO_ITERATIVE_CELLS + 1) == "iterative"
    assert linear.choose("auto", 2, linear.AUTO_ITERATIVE_CELLS_2D + 1) == "iterative"
    assert linear.choose("auto", 3, 1000) == linear.choose("auto", 2, 10**5) == linear.choose("auto", 1, 10**6) == "direct"


def test_iterative_transient_matches_direct():
    mesh = meshes.grid((-1, -1, -1), (1, 1, 1), (6, 6, 6))
    start = lambda points: np.exp(-np.sum(points**2, axis=0) / 0.1)  # noqa: E731
    runs = [fpsolver.solve_transient(_model(), mesh, start, t_end=0.05, dt=0.01, linear_solver=method) for method in ("direct", "iterative")]
    np.testing.assert_allclose(runs[1].P, runs[0].P, rtol=1e-9, atol=1e-12)
    assert abs(runs[1].mass[-1] - 1.0) < 1e-10


def test_absorbing_wall_group_drains_through_that_wall_only():
    mesh = meshes.grid((0, 0), (1, 1), (10, 10))
    model = fpsolver.Ito(nd.formula("1 + x*y", dimension=2))
    operator = fpsolver.build_operator(model, mesh, boundary={"left": "absorbing"})
    leak = -np.asarray(operator.matrix.sum(axis=0)).ravel()
    x = operator.x[0]
    assert np.all(leak[x < 0.1] > 0) and np.allclose(leak[x > 0.1], 0.0, atol=1e-12)
