"""The verification matrix at fast sizes: every wall kind x stage x model either passes
its cross-checks or is refused in the words the matrix lists (validation study
``verification_matrix`` runs it at full size)."""

from __future__ import annotations

import itertools
import sys
import typing
from pathlib import Path

import pytest

from fpsolver.cases.schema import WallKind
from fpsolver.models import MODELS

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from validation.study_verification_matrix import EXPECTED, MODEL_NAMES, STAGES, WALLS, cells, run_cell  # noqa: E402


def test_every_option_value_has_a_matrix_entry():
    """A wall kind added to WallKind, or a model added to MODELS, without an entry fails here."""
    assert set(typing.get_args(WallKind)) < set(WALLS) and MODEL_NAMES == tuple(MODELS)
    assert set(EXPECTED) == set(itertools.product(WALLS, STAGES))
    assert len(cells()) == len(WALLS) * len(STAGES) * len(MODELS)


@pytest.mark.parametrize(("walls", "stage", "model"), cells(), ids=["-".join(cell) for cell in cells()])
def test_cell_is_cross_checked_or_refused_clearly(walls, stage, model):
    cell = run_cell(walls, stage, model, fast=True)
    assert cell.passed, cell.problems
    assert cell.checks or cell.refusal
