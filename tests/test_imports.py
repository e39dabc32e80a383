"""Light imports: the package root, the QME companion, the case schema and the command line
load neither FiPy nor numba (each checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cli_helpers import CASES, ENV

HEAVY = ("fipy", "numba")

# Runs the given statements, then prints which heavy modules ended up in sys.modules.
REPORT = """
{statements}
import json, sys
print(json.dumps([name for name in {heavy!r} if name in sys.modules]))
"""


def heavy_modules_loaded_by(statements: str) -> list[str]:
    script = REPORT.format(statements=statements, heavy=HEAVY)
    completed = subprocess.run([sys.executable, "-c", script], env=ENV, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def cli_call(*arguments: str) -> str:
    """Statements running ``fpsolver ARGUMENTS`` in-process; typer exits through SystemExit, which must say success."""
    return f"import sys\nsys.argv = ['fpsolver', *{list(arguments)!r}]\nfrom fpsolver.cli import app\ntry:\n    app()\nexcept SystemExit as exit:\n    assert exit.code in (0, None), exit.code"


@pytest.mark.parametrize("module", ["fpsolver", "fpsolver.qme", "fpsolver.cases.schema", "fpsolver.cli"])
def test_import_loads_neither_fipy_nor_numba(module):
    assert heavy_modules_loaded_by(f"import {module}") == []


@pytest.mark.parametrize("arguments", [("--help",), ("show", str(CASES / "exponential")), ("show", str(CASES / "chain-fig2"))], ids=["--help", "show", "show qme"])
def test_light_commands_load_neither_fipy_nor_numba(arguments):
    assert heavy_modules_loaded_by(cli_call(*arguments)) == []


def test_the_check_sees_heavy_modules_when_they_are_loaded():
    assert heavy_modules_loaded_by("import fpsolver.pde.steady, fpsolver.ensembles.overdamped") == list(HEAVY)
