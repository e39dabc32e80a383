"""The vocabulary of fpsolver, written down once: name -> what it means and what kind of name it is.

Option values (wall kinds, schemes, face velocities, linear solvers), the stages a case
runs (and ``fpsolver run --only`` selects), the ``[validation]`` tolerances with the
metrics they bound, and the time coordinates of the result files. ``tests/test_glossary.py``
fails when one of these names is missing here; :func:`markdown` renders the table for the
documentation. Pure data: importing it costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One name: its ``kind`` (where it appears) and its ``meaning``."""

    name: str
    kind: str
    meaning: str


def _terms(kind: str, **meanings: str) -> dict[str, Term]:
    return {name.replace("__", "-"): Term(name.replace("__", "-"), kind, meaning) for name, meaning in meanings.items()}


GLOSSARY: dict[str, Term] = {
    **_terms(
        "wall kind ([boundary], boundary=)",
        reflecting="zero probability flux through the wall; Langevin particles are mirrored (specularly, velocity reversed, in the inertial ensemble)",
        absorbing="P = 0 on the wall; a particle reaching it is removed and its exit time recorded; moments are then conditioned on survival",
        periodic="the two walls of an axis joined into a ring (coefficients must be periodic); the steady state may carry a current",
    ),
    **_terms(
        "stage (fpsolver run --only)",
        pde="the Fokker-Planck PDE stages: steady state and transient from a Gaussian",
        sde="the Langevin stages: overdamped ensemble (steady histogram, transient from the PDE's start) and the inertial ensemble at [ensemble] mass",
        qme="the quantum master equation of a qme case",
    ),
    **_terms(
        "Langevin scheme ([ensemble] scheme)",
        weak2="Platen's explicit order-2.0 weak scheme",
        euler="for the ensembles: Euler-Maruyama, weak order 1 (for the PDE: backward Euler, see pde scheme)",
    ),
    **_terms(
        "PDE scheme ([pde] scheme)",
        tr__bdf2="TR-BDF2, second-order L-stable time stepping of the PDE",
    ),
    **_terms(
        "face velocity ([pde] face_velocity)",
        exact="face velocities that make the zero-flux steady state exact at the cell centres",
        exact__flux="also every constant-current 1D steady state exact (rings with a current)",
        pointwise="coefficients at the faces, second order",
    ),
    **_terms(
        "linear solver ([pde] linear_solver)",
        auto="iterative above a cell count (20000 in 3D, 250000 in 2D), direct below",
        direct="sparse LU (SuperLU)",
        iterative="GMRES preconditioned by algebraic multigrid (pyamg)",
    ),
    **_terms(
        "tolerance ([validation]) and the metric it bounds",
        l1_pde_vs_exact="L1 distance sum |P - P_exact| V between the PDE and the exact steady state",
        current_relative_error="|J_PDE - J_exact| / |J_exact| of the steady ring current (absolute at a round-off exact current)",
        sde_chi2_per_dof="chi^2 per bin of the Langevin histogram against the exact (1D) or PDE (2D/3D) density",
        sde_l1="L1 distance of the Langevin histogram to its reference (the sde_l1 tolerance overrides sde_l1_factor)",
        sde_l1_factor="the sde_l1 limit as a multiple of the L1 distance expected from the noise alone",
        transient_z="bound of every transient z-score: transient_mean_max_z, transient_variance_max_z, transient_survival_max_z, exit_time_z",
    ),
    **_terms(
        "transient metric",
        transient_mean_max_z="max over snapshots of |<x>_SDE - <x>_PDE| / se, moments conditioned on survival",
        transient_variance_max_z="max over snapshots of |Var_SDE - Var_PDE| / se, conditioned on survival",
        transient_survival_max_z="max over snapshots of |alive fraction - PDE mass| / binomial standard error (absorbing walls)",
        exit_time_z="|mean exit time of the absorbed particles - the PDE's from -dS/dt| / its standard error (absorbing walls)",
    ),
    **_terms(
        "time coordinate (NetCDF)",
        time="transient.nc: the snapshot times; ensemble.nc: the record times of <x>, Var x and the alive count",
        step_time="transient.nc: every accepted time step, where mass, mean and variance are recorded",
    ),
    **_terms(
        "constant",
        kB="Boltzmann's constant in the models' units (default 1): the thermal energy is kB T",
    ),
}


def markdown() -> str:
    """The glossary as a Markdown table, grouped by kind in the order above."""
    lines = ["| name | kind | meaning |", "|---|---|---|"]
    lines += [f"| `{term.name}` | {term.kind} | {term.meaning} |" for term in GLOSSARY.values()]
    return "\n".join(lines) + "\n"
