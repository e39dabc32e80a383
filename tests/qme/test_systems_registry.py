"""The quantum-system registry: a new system is one module plus one registry line, and the
case workflow (schema, scan, observables, NetCDF, figures, checks) picks it up unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pytest
import xarray as xr

from fpsolver import qme
from fpsolver.cases import CaseError, load_case, run_case_directory
from fpsolver.cases.schema import QME_SCHEMAS
from fpsolver.qme.systems import HEAT_CURRENTS_FIGURE, SYSTEMS, Curve, Observable, Recorded, ReferenceLine, ScanFigure, System, register_system, with_provenance

SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]])


# --- the toy system: what a new system module holds -------------------------------------


@dataclass(frozen=True, eq=False)
class TwoLevelResult(Recorded):
    """Steady state of a two-level system between two bosonic baths."""

    excited_population: float
    steady_state: qme.QMESteadyState = field(repr=False)

    @property
    def method(self) -> str:
        return self.steady_state.method

    def observables(self) -> dict[str, Observable]:
        return {
            "excited_population": Observable(self.excited_population, "1", "population of the upper level"),
            "heat_currents": Observable(self.steady_state.heat_currents, "energy/time", "heat per time from the system into bath k", ("bath",)),
            "entropy_production": Observable(self.steady_state.entropy_production, "k_B/time", "entropy production"),
        }


@with_provenance
def two_level(omega: float, T_1: float, T_2: float, gamma_1: float = 1.0, gamma_2: float = 0.5) -> TwoLevelResult:
    """Two levels split by omega, each bath k coupled through sigma_x with flat J = gamma_k.

    Parameters
    ----------
    omega
        Level splitting (energy).
    T_1, T_2
        Temperature k_B T_k of bath k (energy).
    gamma_1, gamma_2
        Coupling J = gamma_k of bath k (rate).
    """
    baths = [qme.Bath(coupling=SIGMA_X, temperature=T, strength=g) for T, g in ((T_1, gamma_1), (T_2, gamma_2))]
    state = qme.steady_state(qme.build_master_equation(np.diag([0.0, omega]), baths))
    return TwoLevelResult(excited_population=float(state.diagonal[1]), steady_state=state)


TWO_LEVEL = System(
    name="two_level",
    solve=two_level,
    observables=TwoLevelResult.observables,
    example={"omega": 1.0, "T_1": 1.0, "T_2": 0.25},
    example_scan={"parameter": "T_2", "values": [0.25, 0.5, 1.0, 2.0]},
    figures=(
        ScanFigure(
            filename="excited.png",
            caption="upper-level population",
            title="two-level system",
            curves=(Curve("excited_population", "p_e"),),
            reference_lines=(ReferenceLine("horizontal", 0.5, label="infinite temperature"),),
        ),
        HEAT_CURRENTS_FIGURE,
    ),
    summary="two-level system between two bosonic baths (test toy)",
)


def closed_form_excited_population(omega, T_1, T_2, gamma_1=1.0, gamma_2=0.5):
    """Rate balance gamma_k [n_k p_g - (n_k + 1) p_e] summed over k = 0: p_e = sum g n / sum g (2n + 1)."""
    n_1, n_2 = 1.0 / np.expm1(omega / T_1), 1.0 / np.expm1(omega / T_2)
    return (gamma_1 * n_1 + gamma_2 * n_2) / (gamma_1 * (2 * n_1 + 1) + gamma_2 * (2 * n_2 + 1))


@pytest.fixture
def toy_system():
    """The toy registered for one test (the one registry line), removed afterwards."""
    register_system(TWO_LEVEL)
    yield TWO_LEVEL
    SYSTEMS.pop(TWO_LEVEL.name)


# --- tests -------------------------------------------------------------------------------


def test_shipped_systems_are_registered():
    assert set(SYSTEMS) == {"chain", "lambda", "v", "dot"}
    assert SYSTEMS["chain"].solve is qme.chain and SYSTEMS["dot"].solve is qme.quantum_dot


def test_a_name_is_registered_once(toy_system):
    with pytest.raises(ValueError, match="registered already"):
        register_system(toy_system)


def test_toy_matches_its_closed_form():
    result = two_level(1.3, 1.0, 0.2, gamma_1=0.7, gamma_2=1.1)
    assert result.excited_population == pytest.approx(closed_form_excited_population(1.3, 1.0, 0.2, 0.7, 1.1), rel=1e-12)


def test_the_case_schema_follows_the_registry(toy_system):
    assert "two_level" in QME_SCHEMAS
    assert list(QME_SCHEMAS["two_level"].model_fields) == ["omega", "T_1", "T_2", "gamma_1", "gamma_2"]
    assert QME_SCHEMAS["two_level"].model_fields["T_1"].description == "Temperature k_B T_k of bath k (energy)."


def test_a_system_gone_from_the_registry_is_unknown_to_case_files(tmp_path):
    (tmp_path / "case.toml").write_text('kind = "qme"\n[system]\nkind = "two_level"\nomega = 1.0\nT_1 = 1.0\nT_2 = 0.5\n')
    with pytest.raises(CaseError, match="unknown kind 'two_level'"):
        load_case(tmp_path)


def test_toy_runs_through_the_case_workflow(toy_system, tmp_path):
    values = [0.25, 0.5, 1.0, 2.0]
    (tmp_path / "case.toml").write_text(f'kind = "qme"\ntitle = "toy"\n[system]\nkind = "two_level"\nomega = 1.0\nT_1 = 1.0\nT_2 = 0.25\n[scan]\nparameter = "T_2"\nvalues = {values}\n')
    run = run_case_directory(tmp_path)
    assert [check.passed for check in run.checks] == [True]
    expected = [closed_form_excited_population(1.0, 1.0, T_2) for T_2 in values]
    np.testing.assert_allclose(run.results.quantities["excited_population"], expected, rtol=1e-12)
    results = tmp_path / "results"
    assert sorted(p.name for p in (results / "figures").iterdir()) == ["currents.png", "excited.png"]
    with xr.open_dataset(results / "qme.nc", engine="h5netcdf") as dataset:
        np.testing.assert_allclose(dataset["excited_population"].values, expected, rtol=1e-12)
        np.testing.assert_allclose(dataset["point"].values, values)
        assert dataset["heat_currents"].shape == (4, 2)
    assert json.loads((results / "metrics.json").read_text())["metrics"]["second_law"]["min_entropy_production"] > 0
    assert "upper-level population" in (results / "report.md").read_text()


def test_integer_parameters_are_scanned_as_integers(tmp_path):
    """The chain's N is an int by its signature: a scan over N passes ints, pads shorter
    profiles with NaN, and rejects fractional values when the case is loaded."""
    (tmp_path / "case.toml").write_text('kind = "qme"\n[system]\nkind = "chain"\nN = 3\nh = 1.0\ng = 0.3\nT_left = 0.8\nT_right = 0.4\n[scan]\nparameter = "N"\nvalues = [3, 5]\n')
    run = run_case_directory(tmp_path)
    populations = run.results.quantities["site_populations"]
    assert populations.shape == (2, 5)
    np.testing.assert_allclose(populations[0, :3], qme.chain_site_populations(3, 1.0, 0.3, 0.8, 0.4), rtol=1e-12)
    assert np.isnan(populations[0, 3:]).all()
    np.testing.assert_allclose(populations[1], qme.chain_site_populations(5, 1.0, 0.3, 0.8, 0.4), rtol=1e-12)
    (tmp_path / "case.toml").write_text((tmp_path / "case.toml").read_text().replace("[3, 5]", "[3, 4.5]"))
    with pytest.raises(CaseError, match="N is an integer, got 4.5"):
        load_case(tmp_path)


def test_text_parameters_cannot_be_scanned(tmp_path):
    (tmp_path / "case.toml").write_text('kind = "qme"\n[system]\nkind = "chain"\nN = 3\nh = 1.0\ng = 0.3\nT_left = 0.8\nT_right = 0.4\n[scan]\nparameter = "approach"\nvalues = [1.0]\n')
    with pytest.raises(CaseError, match="'approach' of system 'chain' is not a number"):
        load_case(tmp_path)
