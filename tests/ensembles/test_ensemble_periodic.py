"""Periodic walls (a ring): the ensemble's histogram and current against the exact
current-carrying steady state (Risken Sec. 11.3, docs/physics/canonical.md), and what the
ring records (winding numbers, reproducible current)."""

from pathlib import Path

import numpy as np
import pytest
from _cases import mesh40, model_cases

import fpsolver
from fpsolver import meshes, potentials, profiles
from fpsolver.analysis.compare import cell_averages, chi2_per_dof
from fpsolver.cases.build import open_case
from fpsolver.cases.run import run_case_directory
from fpsolver.ensembles import OverdampedEnsemble
from fpsolver.pde import exact

RING = (0.0, 1.0)
BUETTIKER_LANDAUER = Path(__file__).resolve().parents[2] / "cases" / "buettiker-landauer"
# ~ 4 relaxation times L^2/(pi^2 D_min) of burn-in and sampling window each; dt well below L^2/(2000 D_max)
# 64 chunks of 64 particles: 64 batches for the batch-means errors, so chi^2/dof of a
# correct histogram stays well below 2 (with 16 batches it exceeds 2 in a few % of seeds)
RUN = {"n_particles": 4096, "chunk_size": 64, "dt": 2e-4, "t_end": 3.0, "sample_interval": 0.025, "seed": 11}


def _buettiker_landauer() -> fpsolver.Ito:
    """The Ito model of the shipped case: T = 1 + 0.5 sin(2 pi x), V = 0.5 cos(2 pi x), no tilt."""
    return open_case(BUETTIKER_LANDAUER, fast=True).models["ito"]


def _tilted() -> fpsolver.Ito:
    return fpsolver.Ito(profiles.formula("1 + 0.5*sin(2*pi*x)"), potential=potentials.formula("0.5*cos(2*pi*x) - F*x", F=2.0))


@pytest.mark.parametrize("scheme", ["weak2", "euler"])
@pytest.mark.parametrize("make_model", [_buettiker_landauer, _tilted], ids=["buettiker-landauer", "tilted"])
def test_histogram_and_current_match_the_exact_ring_state(make_model, scheme):
    model = make_model()
    mesh = meshes.uniform(*RING, 40, periodic=True)
    result = fpsolver.run_ensemble(model, mesh, scheme=scheme, boundary="periodic", **RUN)
    current = exact.periodic_steady_state_at(model, np.array([0.5]), RING)[1]
    assert abs(current) > 0.1  # both rings carry a current: the test can see its sign and size
    assert chi2_per_dof(result.P, cell_averages(model, mesh), result.P_error) < 2.0
    assert abs(result.current - current) < 4.0 * result.current_error
    assert result.current_error < 0.2 * abs(current)  # so that 4 errors exclude J = 0
    assert result.metadata["boundary"] == "periodic" and result.metadata["current"] == result.current


def test_a_gradient_flow_carries_no_current():
    """Constant temperature, tilt-free potential: equilibrium, J = 0 within the error, Boltzmann histogram."""
    model = fpsolver.Ito(profiles.formula("1.5 + 0*x"), potential=potentials.formula("0.8*cos(2*pi*x)"))
    mesh = meshes.uniform(*RING, 30, periodic=True)
    result = fpsolver.run_ensemble(model, mesh, scheme="euler", boundary="periodic", **RUN)
    assert abs(result.current) < 4.0 * result.current_error
    assert chi2_per_dof(result.P, cell_averages(model, mesh), result.P_error) < 2.0


def test_winding_counts_whole_turns_and_the_current_is_reproducible():
    """Winding numbers are whole turns of the run (steady drift ~ J t_end per particle), and the
    current, like every other field, does not depend on how chunks are split across calls."""
    model = _tilted()
    ensemble = OverdampedEnsemble(model, meshes.uniform(*RING, 20, periodic=True), 1000, 2e-4, 0.5, scheme="weak2", boundary="periodic", seed=5, chunk_size=128, time_blocks=2)
    whole = ensemble.run()
    chunks = np.arange(ensemble.n_chunks)
    merged = ensemble.merge([ensemble.run_chunks(chunks[1::2]), ensemble.run_chunks(chunks[0::2])])
    assert np.array_equal(whole.winding, merged.winding) and np.array_equal(whole.P, merged.P)
    assert whole.current == merged.current and whole.current_error == merged.current_error
    assert np.all((whole.final_x >= RING[0]) & (whole.final_x < RING[1]))
    assert whole.winding.dtype.kind == "i" and np.any(whole.winding != 0)
    dataset = whole.to_xarray()
    assert float(dataset["current"]) == whole.current and dataset["winding"].dims == ("particle",)


def test_walls_without_a_ring_record_no_current():
    result = fpsolver.run_ensemble(model_cases()["ito"], mesh40(), 500, 1e-3, 0.05, sample_interval=1e-3)
    assert np.isnan(result.current) and np.isnan(result.current_error) and not np.any(result.winding)
    assert "current" not in result.metadata


def test_a_periodic_mesh_needs_periodic_walls():
    ring = meshes.uniform(*RING, 20, periodic=True)
    with pytest.raises(ValueError, match="'boundary' must be \"periodic\""):
        fpsolver.run_ensemble(_tilted(), ring, 100, 1e-3, 0.05)
    with pytest.raises(ValueError, match="'mesh': the inertial ensemble has no periodic walls"):
        fpsolver.run_inertial_ensemble(_tilted(), ring, 100, 1e-3, 0.05, mass=0.1)


def test_ring_case_runs_the_ensemble_and_checks_its_current(tmp_path):
    """Through the case workflow: the SDE stage runs on a ring, reports J with its error and
    gates |J_SDE - J_exact| <= 4 sigma; the inertial ensemble (no periodic walls) is skipped with a note."""
    case = tmp_path / "ring"
    case.mkdir()
    (case / "case.toml").write_text(
        """
[domain]
x_min = 0.0
x_max = 1.0
[mesh]
cells = 40
[boundary]
left = "periodic"
right = "periodic"
[temperature]
profile = "formula"
expression = "1 + 0.5*sin(2*pi*x)"
[potential]
kind = "formula"
expression = "0.5*cos(2*pi*x) - 2*x"
[models.ito]
[ensemble]
n_particles = 2048
t_end = 2.0
dt = 2e-4
mass = 0.1
"""
    )
    run = run_case_directory(case, only=frozenset({"sde"}))
    metrics = run.results.metrics["ito"]
    exact_current = exact.periodic_steady_state_at(_tilted(), np.array([0.0]), RING)[1]
    assert metrics["sde_current_exact"] == pytest.approx(exact_current, rel=1e-12)
    assert metrics["sde_current_deviation"] == pytest.approx(abs(metrics["sde_current"] - exact_current) / metrics["sde_current_error"])
    (check,) = [check for check in run.checks if check.metric == "sde_current"]
    assert check.passed and check.limit == pytest.approx(4.0 * metrics["sde_current_error"])
    assert any("inertial ensemble skipped" in note for note in run.results.notes) and "ito" not in run.results.inertial
