"""A case with gCLm-I T0 = "per-particle": the ensemble is compared with the mixture of
fixed-T0 steady states over [ensemble] x0, the PDE is that mixture too, the transient refused."""

import numpy as np
import pytest

from fpsolver import exact, meshes, profiles
from fpsolver.analysis import compare
from fpsolver.cases import CaseError, run_case_directory
from fpsolver.models import GCLM1

CASE = """
title = "per-particle T0"

[domain]
x_min = -1.0
x_max = 1.0

[mesh]
kind = "uniform"
cells = 40

[temperature]
profile = "linear"
T0 = 1.0
gradient = 0.45

[models.gclm1]
kappa = 2.0
T0 = {T0}

[pde]
steady = true
transient = {transient}

[ensemble]
n_particles = 8192
seed = 3
"""


def _write(tmp_path, T0='"per-particle"', transient="false"):
    directory = tmp_path / "case"
    directory.mkdir(parents=True)
    (directory / "case.toml").write_text(CASE.format(T0=T0, transient=transient))
    return directory


def test_ensemble_and_pde_are_compared_with_the_mixture_of_fixed_T0_states(tmp_path):
    outcome = run_case_directory(_write(tmp_path), only=frozenset({"pde", "sde"}))
    results, metrics = outcome.results, outcome.results.metrics["gclm1"]
    mesh = meshes.uniform(-1.0, 1.0, 40)
    model = GCLM1(profiles.linear(T0=1.0, gradient=0.45), kappa=2.0, T0="per-particle")
    nodes, weights = exact.initial_distribution("uniform", (-1.0, 1.0))  # [ensemble] x0 defaults to "uniform"
    mixture = exact.per_particle_mixture(model, nodes, weights, (-1.0, 1.0), lambda fixed: compare.cell_averages(fixed, mesh))
    assert np.array_equal(results.exact_cell_averages["gclm1"], mixture)
    assert metrics["sde_chi2_per_dof"] < 2.0
    single = compare.cell_averages(model.with_noise_ratio(1.0, (-1.0, 1.0)), mesh)
    ensemble = results.ensembles["gclm1"]
    assert compare.chi2_per_dof(ensemble.P, single, ensemble.P_error) > 4.0
    # the PDE mixture of fixed-T0 solves equals the exact mixture at the cell centres
    assert metrics["l1_pde_vs_exact"] < 1e-12
    assert all(check.passed for check in outcome.checks)


def test_transient_and_bad_T0_strings_are_refused(tmp_path):
    with pytest.raises(CaseError, match='models.gclm1: T0 = "per-particle" has no PDE transient'):
        run_case_directory(_write(tmp_path / "a", transient="true"), only=frozenset({"pde"}))
    with pytest.raises(CaseError, match="models.gclm1") as error:
        run_case_directory(_write(tmp_path / "b", T0='"initial"'), only=frozenset({"pde"}))
    assert "\n" not in str(error.value)
