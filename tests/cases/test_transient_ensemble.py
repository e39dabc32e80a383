"""PDE transient vs the Langevin ensemble started from the same initial density: the
start is drawn from the PDE's P0, the comparison passes for the same start and fails
for a shifted one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fpsolver import meshes
from fpsolver.analysis.metrics import transient_agreement
from fpsolver.cases.build import build_case
from fpsolver.cases.checks import fokker_planck_checks
from fpsolver.cases.run import initial_gaussian, run_case, sample_initial_density, transient_ensemble
from fpsolver.cases.schema import TRANSIENT_Z_LIMIT, parse_case
from fpsolver.pde.options import TransientOptions
from fpsolver.pde.transient import solve_transient

# a harmonic trap in a gradient, relaxing from a Gaussian off-centre: <x> and Var x both move
CASE = {
    "domain": {"x_min": -1.0, "x_max": 1.0},
    "mesh": {"cells": 80},
    "temperature": {"profile": "linear", "T0": 1.0, "gradient": 0.3},
    "potential": {"kind": "harmonic", "stiffness": 2.0},
    "models": {"ito": {}},
    "pde": {"steady": False, "transient": True, "t_end": 0.3, "snapshots": 6, "initial_mean": 0.4, "initial_width": 0.1},
    "ensemble": {"n_particles": 4096, "chunk_size": 128, "dt": 0.002},
}


@pytest.fixture(scope="module")
def case():
    return build_case(Path("."), parse_case(CASE))


def test_start_is_drawn_from_the_pde_initial_density_whatever_the_chunking(case):
    density = initial_gaussian(case)
    x = sample_initial_density(case.mesh, density, 200_000, seed=3)
    faces = np.linspace(-1.0, 1.0, 81)
    counts = np.histogram(x, faces)[0]
    centres = meshes.cell_centers(case.mesh)
    expected = density(centres) / density(centres).sum() * x.size
    used = expected > 5
    chi2 = np.sum((counts[used] - expected[used]) ** 2 / expected[used])
    assert chi2 / used.sum() < 1.5 and np.all(counts[~used] <= 20)
    assert np.array_equal(x, sample_initial_density(case.mesh, density, 200_000, seed=3))
    ensemble = transient_ensemble(case, case.models["ito"])
    by_chunk = ensemble.merge([ensemble.run_chunks(part) for part in np.array_split(np.arange(ensemble.n_chunks), 3)])
    assert np.array_equal(by_chunk.mean, ensemble.run().mean)


def test_records_fall_on_the_snapshot_times(case):
    result = transient_ensemble(case, case.models["ito"]).run()
    snapshot_times = np.linspace(0.0, 0.3, 7)
    assert np.all(np.min(np.abs(result.t[:, None] - snapshot_times[None, :]), axis=0) < 1e-12)


def test_same_start_passes_and_a_shifted_start_fails(case):
    results = run_case(case)
    values = results.metrics["ito"]
    assert values["transient_snapshots"] == 7
    checks = [c for c in fokker_planck_checks(case.config, results.metrics) if c.metric.startswith("transient_")]
    assert len(checks) == 2 and all(c.passed for c in checks), checks
    assert checks[0].limit == TRANSIENT_Z_LIMIT
    # the same particles shifted by 0.05 (half a standard deviation of the start)
    shifted = sample_initial_density(case.mesh, initial_gaussian(case), 4096, seed=0) - 0.05
    wrong = transient_ensemble(case, case.models["ito"], x0=shifted).run()
    metrics = transient_agreement(results.transient["ito"], wrong)
    assert metrics["transient_mean_max_z"] > 2 * TRANSIENT_Z_LIMIT


def test_a_pde_transient_longer_than_the_ensemble_is_refused(case):
    ensemble = transient_ensemble(case, case.models["ito"]).run()
    pde = case.config.pde
    longer = solve_transient(case.models["ito"], case.mesh, initial_gaussian(case), options=pde.options(TransientOptions, t_end=0.6), times=[0.6])
    with pytest.raises(ValueError, match="before the last PDE snapshot"):
        transient_agreement(longer, ensemble)
