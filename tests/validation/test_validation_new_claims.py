"""Rows added for issue 22: each helper against an independent value, and the disagreement list against the report."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fpsolver import qme  # noqa: E402
from fpsolver.analysis.checks import Check  # noqa: E402
from fpsolver.qme import analytic  # noqa: E402
from validation import STUDIES, disagreements, study_gclm_text, study_quantum_dot, study_quantum_thermophoresis  # noqa: E402
from validation._report import StudyResult  # noqa: E402


@pytest.mark.parametrize("dV", [5.0, -5.0])
def test_dot_regime_boundaries_are_eps_r_mu_l_mu_r_and_not_the_grid(dV):
    window = study_quantum_dot.leads(7.5, 5.0, dV)
    eps_r = float(analytic.reversible_level(**window))
    # a grid that holds eps_r exactly: the reversible point must not add a boundary of its own
    grid = np.linspace(-30.0, 30.0, 1201)
    assert np.any(grid == eps_r)
    sequence, boundaries = study_quantum_dot.regime_boundaries(grid, **window)
    assert len(sequence) == 4 and "reversible" not in sequence
    assert np.allclose(boundaries, sorted((eps_r, window["mu_L"], window["mu_R"])), atol=1e-10, rtol=0)


def test_dot_fig7_window_rows_match_their_closed_forms():
    result = StudyResult("quantum_dot", "t")
    study_quantum_dot._figure_7_window(result, -5.0)
    assert not result.failed and len(result.checks) == 6
    lower = next(c for c in result.checks if "lower end" in c.metric)
    assert lower.value == pytest.approx(5.0 * 5.0 / 7.5, rel=1e-9)  # -eps dT/T


def test_reduced_generator_gives_omega_squared_and_the_damping_rate():
    for T_1, T_2 in ((1.0, 0.3), (0.0, 2.0), (50.0, 50.0)):
        n_1, n_2 = float(analytic.bose_occupation(1.0, T_1)), float(analytic.bose_occupation(1.0, T_2))
        M = study_quantum_thermophoresis.reduced_population_generator(qme.lambda_system(T_1=T_1, T_2=T_2).steady_state.master_equation)
        # Eq. 6 by hand: dP_k/dt = (n_k + 1)(1 - P_1 - P_2) - n_k P_k
        by_hand = np.array([[-(2 * n_1 + 1), -(n_1 + 1)], [-(n_2 + 1), -(2 * n_2 + 1)]])
        assert np.allclose(M, by_hand, atol=1e-12)
        assert np.linalg.det(M) == pytest.approx(float(analytic.lambda_omega_squared(n_1=n_1, n_2=n_2)), rel=1e-10)
    # T_1 = T_2: <X> ∝ P_2 - P_1 is the eigenvector (1, -1) with rate exactly Gamma n
    n = float(analytic.bose_occupation(1.0, 50.0))
    assert -np.max(np.linalg.eigvals(by_hand).real) == pytest.approx(n, rel=1e-12)


def test_zero_frequency_jumps_vanish_except_where_an_excited_level_reaches_zero():
    assert study_quantum_thermophoresis.zero_frequency_jumps(10, 0.7) == 0.0
    g_star = -1.0 / (2.0 * np.cos(7 * np.pi / 11))
    # S_k couples |g_k> with the zero-energy excited eigenvector psi: ||A_k(0)||_F = sqrt(2) |psi(k)|
    psi = np.sin(7 * np.pi * np.arange(1, 11) / 11)
    psi /= np.linalg.norm(psi)
    assert study_quantum_thermophoresis.zero_frequency_jumps(10, g_star) == pytest.approx(np.sqrt(2) * np.max(np.abs(psi)), rel=1e-9)


def test_delocalisation_onset_row_is_the_closed_form():
    result = StudyResult("quantum_thermophoresis", "t")
    onset = study_quantum_thermophoresis._delocalisation_onset(result)
    assert onset == pytest.approx(1.0 / (2.0 * np.cos(np.pi / 11)), rel=1e-9)
    assert result.checks[0].passed is True


def test_gclm_text_force_factor_and_cold_side_rows():
    result = StudyResult("gclm_paper_text", "t")
    assert study_gclm_text._force_factor_two(result) == 2.0
    means = study_gclm_text._cold_side_not_monotone(result)
    assert not result.failed and len(result.checks) == 5
    assert all(value < 0 for value in means.values())
    dip = next(c for c in result.checks if "interior minimum" in c.metric)
    assert 0.0 < dip.value < 1.0


def test_disagreements_have_unique_ids_known_studies_and_a_current_markdown_file():
    ids = [entry.id for entry in disagreements.DISAGREEMENTS]
    assert len(ids) == len(set(ids))
    assert {entry.study for entry in disagreements.DISAGREEMENTS} <= set(STUDIES)
    assert {entry.kind for entry in disagreements.DISAGREEMENTS} <= {"error", "typo", "reading"}
    assert disagreements.main(["--check"]) == 0
    text = (ROOT / "validation" / "DISAGREEMENTS.md").read_text()
    assert all(f"`{i}`" in text for i in ids)


def test_locate_finds_one_row_per_entry_and_refuses_a_missing_row():
    entry = disagreements.DISAGREEMENTS[0]
    result = StudyResult(entry.study, "t", checks=[Check(entry.study, entry.metric + " and more", 1.0, 0.0, "info"), Check(entry.study, "other", 1.0, 1.0)])
    assert disagreements.locate([result]) == {entry.id: result.checks[0]}
    with pytest.raises(ValueError, match=entry.id):
        disagreements.locate([StudyResult(entry.study, "t", checks=[Check(entry.study, "other", 1.0, 1.0)])])
