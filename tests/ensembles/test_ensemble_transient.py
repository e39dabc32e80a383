"""<x>(t) and Var x(t) of the ensemble against the transient PDE."""

import numpy as np

import fpsolver
from fpsolver import meshes, profiles
from fpsolver.ensembles import run_ensemble


def test_mean_and_variance_versus_time_match_solve_transient():
    """Every recorded <x>(t), Var x(t) within 4.5 standard errors of the PDE (26 records)."""
    model = fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8))
    mesh = meshes.uniform(-1.0, 1.0, 400)
    x = meshes.cell_centers(mesh)
    P0 = np.exp(-0.5 * ((x - 0.3) / 0.1) ** 2)
    pde = fpsolver.solve_transient(model, mesh, P0, 1.0, dt=2e-3, scheme="tr-bdf2")

    n = 100_000
    rng = np.random.default_rng(3)
    cells = rng.choice(x.size, size=n, p=P0 / P0.sum())
    x0 = x[cells] + (rng.random(n) - 0.5) * np.asarray(mesh.cellVolumes)[cells]
    result = run_ensemble(model, mesh, n, 1e-3, 1.0, scheme="weak2", seed=8, x0=x0, record_every=40)

    mean_pde = np.interp(result.t, pde.t, pde.mean)
    variance_pde = np.interp(result.t, pde.t, pde.variance)
    z_mean = (result.mean - mean_pde) / result.mean_error
    z_variance = (result.variance - variance_pde) / result.variance_error
    assert np.max(np.abs(z_mean)) < 4.5, z_mean
    assert np.max(np.abs(z_variance)) < 4.5, z_variance
    # the test has power: the variance grows by a factor > 10 over the run
    assert result.variance[-1] > 10 * result.variance[0]
