"""Weak order of the SDE schemes from the stationary bias, walls far away and walls active.

1. Confined: gCLm-I with T = exp(-x/3), harmonic trap (stiffness 1), kappa = 1,
   alpha_tilde = 0.8 on [-6, 6] (P at the walls < 1e-7; the drift is non-linear, so
   the bias of <x> does not vanish by symmetry): bias of <x> and <x^2> against
   quadrature of the exact steady state versus dt. Claimed weak orders: 1
   (Euler-Maruyama), 2 (Platen's explicit order-2 scheme).
2. Walls active: Ito model, T = exp(-x/0.8) on [-1, 1] with mirror walls: observed
   order reported (mirror reflection is known to lose order).
3. Confined 2D (issue 14): Ito (alpha = 1/2) in the anisotropic trap
   V = (x^2 + y^2)/2 + 0.3 x y with T = 1 + 0.8 exp(-V) on [-7, 7]^2, exact
   P ∝ T^(-1/2) / (e^V + 0.8): bias of the binned <x^2 + y^2/2 + 0.7 x y> (56^2 bins,
   against its exact bin average, so binning adds none) versus dt for both schemes of
   :func:`fpsolver.ensembles.run_ensemble_nd`; gating within 0.2 of the declared order.
Only biases larger than 3 standard errors enter a fitted slope. Slopes are weighted
least-squares fits of ln|bias| against ln dt (:func:`fpsolver.analysis.compare.log_slope`);
a gate is the allowance for the higher-order terms at these steps (0.3 in 1D, 0.2 in
2D) plus two standard errors of the slope. The allowance alone ignored the statistical
error: over 4 seeds the 2D weak-2 slope came out 2.09-2.30 +- 0.09 (weighted; 2.05-2.38
unweighted), and seed 3 failed a gate of 0.2 with a correct scheme. An order-1 scheme
still fails an order-2 gate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import fpsolver
from fpsolver import geometry, geometry_fields, meshes, potentials, profiles
from fpsolver.analysis.compare import log_slope
from fpsolver.analysis.observables import steady_moments
from fpsolver.ensembles import run_ensemble, run_ensemble_nd
from fpsolver.ensembles.overdamped_nd import Box, cartesian_bins
from validation._common import new_figure, save_figure
from validation._report import StudyResult

NAME = "sde_weak_order"
TITLE = "SDE weak order: Euler-Maruyama and Platen weak-2, walls far and walls active"
SHOWS = "Euler-Maruyama has weak order 1 and the Platen scheme weak order 2, with walls far and active, in 1D and 2D."


def _confined() -> tuple[fpsolver.Model, tuple[float, float]]:
    model = fpsolver.GCLM1(profiles.exponential(T0=1.0, length=3.0), kappa=1.0, alpha_tilde=0.8, T0=1.0, potential=potentials.harmonic(stiffness=1.0))
    return model, (-6.0, 6.0)


def _biases(model, domain, steps, t_end, burn_in, particles, x0, scheme):
    m1, m2 = steady_moments(model, domain)
    rows = []
    for dt in steps:
        r = run_ensemble(model, meshes.uniform(*domain, 12), particles, dt, t_end, scheme=scheme, burn_in=burn_in, seed=21, x0=x0, sample_interval=dt, chunk_size=1024, table_points=8193)
        rows.append((dt, r.steady_mean - m1, r.steady_mean_error, r.steady_second_moment - m2, r.steady_second_moment_error))
    return np.array(rows)


TRAP_2D = "(x**2 + y**2)/2 + 0.3*x*y"
STEPS_2D = (0.2, 0.14, 0.1, 0.07)


def _biases_2d(scheme: str, particles: int) -> np.ndarray:
    """Rows (dt, bias, error) of the binned 2D observable (see the module docstring)."""
    model = fpsolver.Ito(geometry_fields.formula(f"1 + 0.8*exp(-({TRAP_2D}))"), potential=geometry_fields.potential_formula(TRAP_2D), alpha=0.5)
    mesh = geometry.grid((-7.0, -7.0), (7.0, 7.0), (56, 56))
    bins = cartesian_bins(mesh)
    nodes, weights = np.polynomial.legendre.leggauss(8)
    points = (0.5 * (bins.edges_a[1:] + bins.edges_a[:-1])[:, None] + 0.125 * nodes).ravel()  # bins 0.25 wide
    y, x = np.meshgrid(points, points, indexing="ij")
    V = 0.5 * (x**2 + y**2) + 0.3 * x * y
    density = ((1.0 + 0.8 * np.exp(-V)) ** -0.5 / (np.exp(V) + 0.8)).reshape(56, 8, 56, 8)
    probability = np.einsum("aibj,i,j->ab", density, weights, weights).ravel()  # y-major, as the bins
    cx, cy = bins.centres
    observable = cx**2 + 0.5 * cy**2 + 0.7 * cx * cy
    exact = probability @ observable / probability.sum()
    rows = []
    for dt in STEPS_2D:
        r = run_ensemble_nd(model, Box.from_mesh(mesh), particles, dt, 30.0, bins=bins, scheme=scheme, burn_in=6.0, sample_interval=dt, seed=3, chunk_size=1024, table_points=1025)
        rows.append((dt, np.sum(r.P * bins.areas * observable) - exact, np.sqrt(np.sum((r.P_error * bins.areas * observable) ** 2))))
    return np.array(rows)


def _slope(rows: np.ndarray, column: int) -> tuple[float, float, int]:
    """(slope, its standard error, resolved points) of the bias in ``column`` (error in the next)."""
    bias, error = np.abs(rows[:, column]), rows[:, column + 1]
    resolved = bias > 3 * error
    if resolved.sum() < 2:
        return float("nan"), float("nan"), int(resolved.sum())
    return (*log_slope(rows[resolved, 0], bias[resolved], error[resolved]), int(resolved.sum()))


def run(fast: bool, out_dir: Path) -> StudyResult:
    result = StudyResult(NAME, TITLE)
    confined_steps = (0.4, 0.28, 0.2) if fast else (0.4, 0.28, 0.2, 0.14, 0.1)
    confined_particles = 50_000 if fast else 200_000
    wall_steps = (0.02, 0.01, 0.005) if fast else (0.02, 0.01, 0.005, 0.0025)
    wall_particles = 30_000 if fast else 100_000
    # the same in fast and full mode: weak-2's smallest bias (~3e-3) needs 131072 particles to
    # be resolved to ~15%; Euler's biases are 25 times larger
    particles_2d = {"euler": 32_768, "weak2": 131_072}
    result.parameters = {
        "confined": f"gCLm-I, T = exp(-x/3), harmonic trap, [-6, 6], dt = {confined_steps}, {confined_particles} particles, t_end 200, burn-in 8",
        "confined 2D": f"Ito (alpha 1/2), V = (x^2 + y^2)/2 + 0.3 x y, T = 1 + 0.8 exp(-V), [-7, 7]^2, dt = {STEPS_2D}, particles {particles_2d}, t_end 30, burn-in 6",
        "walls": f"Ito, T = exp(-x/0.8), [-1, 1], mirror walls, dt = {wall_steps}, {wall_particles} particles, t_end 30, burn-in 6",
    }
    figure, flat_axes = new_figure(2, 3, width=4.0)
    axes = flat_axes.reshape(3, 2)
    table = [["problem", "scheme", "moment", "fitted slope", "standard error", "resolved points"]]
    model, domain = _confined()
    walls = fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8))
    for row, (label, problem) in enumerate(
        (
            ("confined", (model, domain, confined_steps, 200.0, 8.0, confined_particles, 0.0)),
            ("walls", (walls, (-1.0, 1.0), wall_steps, 30.0, 6.0, wall_particles, "uniform")),
        )
    ):
        for scheme, order, marker in (("euler", 1, "o"), ("weak2", 2, "s")):
            rows = _biases(*problem, scheme)
            for k, (column, moment) in enumerate(((1, "<x>"), (3, "<x^2>"))):
                slope, slope_error, resolved = _slope(rows, column)
                table.append([label, scheme, moment, slope, slope_error, resolved])
                axes[row, k].errorbar(rows[:, 0], np.abs(rows[:, column]), yerr=rows[:, column + 1], marker=marker, label=f"{scheme} ({slope:.2f})")
                axes[row, k].set(xscale="log", yscale="log", xlabel="dt", ylabel=f"|bias {moment}|", title=label)
                axes[row, k].legend(fontsize=7)
                # weak-2's <x> bias changes sign near dt ~ 0.14 in the confined problem: its slope is not an order
                gating = label == "confined" and not (scheme == "weak2" and moment == "<x>")
                tolerance = 0.3 + 2.0 * slope_error if gating else 0.0
                result.check(f"{label}, {scheme}: slope of the {moment} bias (weak order {order if gating else 'observed'})", slope, order, tolerance, "slope" if gating else "info")
    for scheme, order, marker in (("euler", 1, "o"), ("weak2", 2, "s")):
        rows = _biases_2d(scheme, particles_2d[scheme])
        slope, slope_error, resolved = _slope(rows, 1)
        table.append(["confined 2D", scheme, "<x^2 + y^2/2 + 0.7 x y>", slope, slope_error, resolved])
        axes[2, 0].errorbar(rows[:, 0], np.abs(rows[:, 1]), yerr=rows[:, 2], marker=marker, label=f"{scheme} ({slope:.2f})")
        result.check(f"confined 2D, {scheme}: slope of the <x^2 + y^2/2 + 0.7 x y> bias (weak order {order})", slope, order, 0.2 + 2.0 * slope_error, "slope")
    axes[2, 0].set(xscale="log", yscale="log", xlabel="dt", ylabel="|bias|", title="confined 2D")
    axes[2, 0].legend(fontsize=7)
    axes[2, 1].axis("off")
    result.figures.append(save_figure(figure, out_dir, NAME, "bias_vs_dt"))
    result.table = table
    result.paragraph = (
        "With the walls far away the stationary bias shrinks with the declared weak order (fitted slopes in the table). "
        "With mirror walls carrying probability, Platen's scheme loses its second order (the observed slope is about 1): "
        "mirror reflection of a weak-2 step is only first order at the wall. For Euler-Maruyama, mirror reflection is the "
        "symmetrized Euler scheme of Bossy, Gobet and Talay (2004), which keeps order 1. "
        "In 2D (confined, walls far away) both schemes of the nD ensembles show their declared order (Platen's scheme for "
        "multi-dimensional, non-commuting noise columns b e_j, Kloeden and Platen Eq. 15.1.5)."
    )
    return result
