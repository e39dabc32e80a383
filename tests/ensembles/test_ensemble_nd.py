"""2D and 3D overdamped ensembles (both schemes) against exact steady states, their weak
order in 2D, reproducibility, walls and bad input.

The exact references are closed forms: the free Ito model with convention alpha has
P ∝ T^(alpha - 1) in any dimension (A/D = -alpha grad(log T) is a gradient), and with a
potential V and T = 1 + c exp(-V) (so that grad V / T = grad log(e^V + c)) it has
P ∝ T^(alpha - 1) / (e^V + c). Bin probabilities are tensor Gauss-Legendre integrals of
these over each bin.
"""

import numba
import numpy as np
import pytest

from fpsolver import geometry, geometry_fields
from fpsolver.analysis.compare import chi2_per_dof
from fpsolver.ensembles import SDE_SCHEMES, OverdampedEnsembleND, run_ensemble_nd
from fpsolver.ensembles.overdamped_nd import Box, Disc, cartesian_bins, polar_bins
from fpsolver.models import Ito

HOT_2D = "1 + exp(-((x - 0.3)**2 + y**2)/0.3)"
HOT_3D = "1 + exp(-((x - 0.3)**2 + y**2 + (z + 0.2)**2)/0.3)"


def _hot(points):
    shifted = points - np.array([0.3, 0.0, -0.2][: points.shape[0]])[:, None]
    return 1.0 + np.exp(-np.sum(shifted**2, axis=0) / 0.3)


def _bin_averages(bins, density, order=6):
    """Average of density(points (dim, n)) over every cartesian bin, in the bins' order."""
    nodes, weights = np.polynomial.legendre.leggauss(order)
    edges = [bins.edges_a, bins.edges_b, bins.edges_c][: bins.dimension]
    axes = [(0.5 * (e[1:] + e[:-1])[:, None] + 0.5 * np.diff(e)[:, None] * nodes).ravel() for e in edges]
    grids = np.meshgrid(*axes[::-1], indexing="ij")[::-1]  # x fastest, as FiPy numbers cells
    values = density(np.array([g.ravel() for g in grids])).reshape([a.size for a in axes[::-1]])
    for axis in range(bins.dimension):
        shape = values.shape
        values = np.moveaxis(values, axis, -1).reshape(*np.moveaxis(np.empty(shape), axis, -1).shape[:-1], -1, order) @ (0.5 * weights)
        values = np.moveaxis(values, -1, axis)
    averages = values.ravel()
    return averages / np.sum(averages * bins.areas)


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("scheme", ["euler", "weak2"])
def test_nd_histogram_matches_exact_cell_averages(dim, scheme):
    """chi^2/dof (batch-means errors over 78 chunks) of the histogram against exact bin
    averages below 2, for the free Ito model (alpha = 1/2) with an off-centre hot spot."""
    cells = (8, 8) if dim == 2 else (5, 5, 5)
    mesh = geometry.grid((-1.0,) * dim, (1.0,) * dim, cells)
    model = Ito(geometry_fields.formula(HOT_2D if dim == 2 else HOT_3D, dimension=dim), alpha=0.5)
    bins = cartesian_bins(mesh)
    reference = _bin_averages(bins, lambda points: _hot(points) ** -0.5)
    dt = 2e-3 if scheme == "euler" else 4e-3
    result = run_ensemble_nd(model, Box.from_mesh(mesh), 20000, dt, 3.0, bins=bins, scheme=scheme, burn_in=1.0, sample_interval=0.4, seed=11)
    assert result.counts.sum() == 20000 * 5
    assert np.sum(result.P * bins.areas) == pytest.approx(1.0)
    chi2 = chi2_per_dof(result.P, reference, result.P_error)
    assert chi2 < 2.0, chi2
    assert result.metadata["weak_order"] == SDE_SCHEMES[scheme].weak_order and result.metadata["dimension"] == dim


TRAP = "(x**2 + y**2)/2 + 0.3*x*y"
TRAP_HOT = 0.8
WEAK_ORDER_STEPS = (0.2, 0.14, 0.1, 0.07)


def _trap_model():
    """Ito (alpha = 1/2) in an anisotropic harmonic trap V with T = 1 + 0.8 exp(-V) on [-7, 7]^2
    (P at the walls < 1e-7): P ∝ T^(-1/2) / (e^V + 0.8)."""
    return Ito(geometry_fields.formula(f"1 + {TRAP_HOT}*exp(-({TRAP}))"), potential=geometry_fields.potential_formula(TRAP), alpha=0.5)


def _trap_density(points):
    V = 0.5 * (points[0] ** 2 + points[1] ** 2) + 0.3 * points[0] * points[1]
    return (1.0 + TRAP_HOT * np.exp(-V)) ** -0.5 / (np.exp(V) + TRAP_HOT)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["euler", "weak2"])
def test_2d_stationary_bias_slope_matches_declared_weak_order(scheme):
    """Confined 2D problem: the stationary bias of <x^2 + y^2/2 + 0.7 x y> (the binned
    observable against its exact bin average, so binning adds no bias) shrinks as dt^p
    with the fitted p within 0.2 of the declared weak order (about 1 min per scheme)."""
    mesh = geometry.grid((-7.0, -7.0), (7.0, 7.0), (56, 56))
    bins = cartesian_bins(mesh)
    x, y = bins.centres
    observable = x**2 + 0.5 * y**2 + 0.7 * x * y
    exact = np.sum(_bin_averages(bins, _trap_density, order=8) * bins.areas * observable)
    biases, errors = [], []
    for dt in WEAK_ORDER_STEPS:
        result = run_ensemble_nd(_trap_model(), Box.from_mesh(mesh), 131072, dt, 30.0, bins=bins, scheme=scheme, burn_in=6.0, sample_interval=dt, seed=3, chunk_size=1024, table_points=1025)
        biases.append(np.sum(result.P * bins.areas * observable) - exact)
        errors.append(np.sqrt(np.sum((result.P_error * bins.areas * observable) ** 2)))
    biases, errors = np.abs(biases), np.array(errors)
    assert np.all(biases > 5 * errors), (biases, errors)
    slope = np.polyfit(np.log(WEAK_ORDER_STEPS), np.log(biases), 1)[0]
    assert abs(slope - SDE_SCHEMES[scheme].weak_order) < 0.2, (slope, biases)


def test_nd_runs_are_bit_identical_for_any_thread_count_and_chunk_split(restore_threads):
    """3D, weak order 2, one wall kind per axis: 1 vs 2 threads and two different splits
    into chunk subsets give bit-identical histograms, positions and exit records."""
    mesh = geometry.grid((-1.0,) * 3, (1.0,) * 3, (3, 4, 2))
    model = Ito(geometry_fields.formula("2 + cos(pi*x)*sin(pi*y)", dimension=3))
    ensemble = OverdampedEnsembleND(
        model, Box.from_mesh(mesh), 1000, 2e-3, 0.2, bins=cartesian_bins(mesh), boundary=("periodic", "absorbing", "reflecting"), burn_in=0.0, sample_interval=0.01, chunk_size=128, seed=5
    )
    whole = ensemble.run()
    assert np.any(whole.exit_side != 0) and set(np.unique(whole.exit_side)) <= {-2, 0, 2}
    for split in ([[1, 3, 5, 7], [6, 0, 4, 2]], [[0], [1, 2, 3, 4, 5, 6, 7]]):
        merged = ensemble.merge([ensemble.run_chunks(chunks) for chunks in split])
        for name in ("counts", "final_positions", "exit_time", "exit_side"):
            np.testing.assert_array_equal(getattr(whole, name), getattr(merged, name))
    numba.set_num_threads(1)
    single = ensemble.run()
    np.testing.assert_array_equal(whole.final_positions, single.final_positions)
    np.testing.assert_array_equal(whole.counts, single.counts)


@pytest.mark.parametrize("scheme", ["euler", "weak2"])
def test_periodic_axis_matches_exact_state(scheme):
    """Periodic in x, reflecting in y, T = 2 + cos(pi x)(1 + y/2)/2 (periodic in x): the free
    Ito model's P ∝ 1/T (zero current) on a ring; positions stay in [-1, 1)."""
    mesh = geometry.grid((-1.0, -1.0), (1.0, 1.0), (8, 4))
    model = Ito(geometry_fields.formula("2 + cos(pi*x)*(1 + y/2)/2"))
    bins = cartesian_bins(mesh)
    reference = _bin_averages(bins, lambda p: 1.0 / (2.0 + np.cos(np.pi * p[0]) * (1.0 + p[1] / 2.0) / 2.0))
    result = run_ensemble_nd(model, Box.from_mesh(mesh), 20000, 2e-3, 2.0, bins=bins, scheme=scheme, boundary=("periodic", "reflecting"), burn_in=0.6, sample_interval=0.2, seed=4)
    assert np.all((result.final_x >= -1.0) & (result.final_x < 1.0))
    assert chi2_per_dof(result.P, reference, result.P_error) < 2.0


def test_absorbing_walls_give_the_exact_mean_exit_time():
    """D = 1, absorbing in x on [0, 1], reflecting in y: from a uniform start the exit time
    is that of [0, 1] in 1D, E[tau] = int_0^1 x (1 - x) / 2 dx = 1/12, and each side takes
    half the particles; the Brownian-bridge test keeps the dt bias below the noise."""
    model = Ito(geometry_fields.formula("1 + 0*x"))
    mesh = geometry.grid((0.0, 0.0), (1.0, 1.0), (2, 2))
    result = run_ensemble_nd(model, Box.from_mesh(mesh), 20000, 1e-3, 2.0, bins=cartesian_bins(mesh), scheme="euler", boundary=("absorbing", "reflecting"), seed=6)
    assert np.all(np.isfinite(result.exit_time)) and np.all(np.isnan(result.final_positions))
    assert set(np.unique(result.exit_side)) == {-1, 1}
    error = result.exit_time.std() / np.sqrt(result.exit_time.size)
    assert abs(result.exit_time.mean() - 1.0 / 12.0) < 4 * error, (result.exit_time.mean(), error)
    assert abs(np.mean(result.exit_side == 1) - 0.5) < 4 * np.sqrt(0.25 / 20000)


def test_nd_ensemble_rejects_bad_input():
    model = Ito(geometry_fields.formula("1 + x**2 + y**2"))
    mesh = geometry.grid((0.0, 0.0), (1.0, 1.0), (2, 2))
    box, bins = Box.from_mesh(mesh), cartesian_bins(mesh)
    with pytest.raises(ValueError, match="'boundary' must be one kind or 2"):
        run_ensemble_nd(model, box, 10, 1e-3, 0.01, bins=bins, boundary=("reflecting",) * 3)
    with pytest.raises(ValueError, match="boundary"):
        run_ensemble_nd(model, box, 10, 1e-3, 0.01, bins=bins, boundary="sticky")
    with pytest.raises(ValueError, match="scheme"):
        run_ensemble_nd(model, box, 10, 1e-3, 0.01, bins=bins, scheme="milstein")
    with pytest.raises(ValueError, match="'boundary': a Disc has reflecting walls only"):
        run_ensemble_nd(model, Disc(), 10, 1e-3, 0.01, bins=polar_bins(Disc(), 3), boundary="absorbing")
    with pytest.raises(ValueError, match="'bins': 2D cartesian bins for a 3D domain"):
        run_ensemble_nd(Ito(geometry_fields.formula("1 + z**2", dimension=3)), Box((0.0,) * 3, (1.0,) * 3), 10, 1e-3, 0.01, bins=bins)
    with pytest.raises(ValueError, match="Box: need finite lower < upper"):
        Box((0.0, 1.0), (1.0, 0.5))
    with pytest.raises(ValueError, match="temperature profile is 2D but the mesh is 3D"):
        run_ensemble_nd(model, Box((0.0,) * 3, (1.0,) * 3), 10, 1e-3, 0.01, bins=cartesian_bins(geometry.grid((0.0,) * 3, (1.0,) * 3, (2, 2, 2))))


def test_polar_bin_averages_of_a_triangle_mesh_conserve_mass():
    """On the Gmsh disc: a uniform density averages to 1 in every annulus sector up to the
    sub-triangle resolution at bin edges (0.5%) and the polygon's missing area in the outer
    ring (1%); the total mass is the mesh's."""
    from fpsolver import _fipy, meshes
    from fpsolver.ensembles.overdamped_nd import polar_bin_averages

    mesh = meshes.disc(cell_size=0.1)
    bins = polar_bins(Disc(), 8, 4)
    averages = polar_bin_averages(bins, mesh, np.ones(_fipy.cell_volumes(mesh).size))
    assert np.sum(averages * bins.areas) == pytest.approx(_fipy.cell_volumes(mesh).sum(), rel=1e-12)
    assert np.max(np.abs(averages[:-4] - 1.0)) < 5e-3 and np.max(np.abs(averages[-4:] - 1.0)) < 1e-2
