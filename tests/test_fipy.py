"""fpsolver._fipy: FiPy's solver suite is chosen (SciPy) or refused with one clear line, and recorded.

FiPy picks its solver suite when it is first imported, from --petsc/--trilinos/...
in sys.argv or FIPY_SOLVERS in the environment. Each case runs in a fresh
interpreter so that the import happens under the given environment.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import fipy
import numpy as np
import pytest

import fpsolver
from fpsolver import _fipy, exact, meshes, profiles
from fpsolver.models import Ito

# A steady Ito solve in a fresh interpreter; prints the suite recorded in the metadata,
# the environment and argv seen after the import, and the solution.
STEADY_SOLVE = """
import json, os, sys
import fpsolver
from fpsolver import meshes, profiles
from fpsolver.models import Ito
solution = fpsolver.solve_steady(Ito(profiles.tanh_step()), meshes.geometric(-1.0, 1.0, 60))
print(json.dumps({"metadata": solution.metadata, "FIPY_SOLVERS": os.environ.get("FIPY_SOLVERS"), "argv": sys.argv[1:], "P": solution.P.tolist()}))
"""


def steady_solve_in_subprocess(environment: dict[str, str], *arguments: str, first: str = "") -> dict:
    """Run STEADY_SOLVE after the statements ``first`` under ``environment`` and command-line ``arguments``."""
    env = {key: value for key, value in os.environ.items() if key != "FIPY_SOLVERS"} | environment
    completed = subprocess.run([sys.executable, "-c", first + STEADY_SOLVE, *arguments], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def reference():
    """The exact zero-flux density of the subprocess's model and mesh, and the default-environment solution."""
    model, mesh = Ito(profiles.tanh_step()), meshes.geometric(-1.0, 1.0, 60)
    return exact.steady_state(model, mesh), steady_solve_in_subprocess({})


@pytest.mark.parametrize(
    ("environment", "arguments", "first"),
    [
        ({"FIPY_SOLVERS": "petsc"}, (), ""),
        ({"FIPY_SOLVERS": "trilinos"}, (), ""),
        ({"FIPY_SOLVERS": "no-such-suite"}, (), ""),
        ({}, ("--petsc",), ""),
        ({"FIPY_SOLVERS": "petsc"}, (), "import fpsolver.ensembles\n"),
    ],
    ids=["FIPY_SOLVERS=petsc", "FIPY_SOLVERS=trilinos", "FIPY_SOLVERS=bogus", "argv --petsc", "ensembles imported first"],
)
def test_steady_solve_under_another_requested_suite_uses_scipy_and_gives_the_exact_answer(environment, arguments, first, reference):
    exact_P, default_run = reference
    run = steady_solve_in_subprocess(environment, *arguments, first=first)
    P = np.array(run["P"])
    assert np.max(np.abs(P - exact_P)) <= 1e-12 * np.max(exact_P)
    assert np.array_equal(P, np.array(default_run["P"]))  # bit for bit what the default environment gives
    assert run["metadata"]["fipy_solvers"] == "scipy"
    assert run["metadata"]["fipy_version"] == fipy.__version__
    # the user's request is restored after the import (for their own code and child processes)
    assert run["FIPY_SOLVERS"] == environment.get("FIPY_SOLVERS")
    assert run["argv"] == list(arguments)


def test_default_environment_records_the_scipy_suite(reference):
    _, default_run = reference
    assert default_run["metadata"]["fipy_solvers"] == "scipy"
    assert default_run["FIPY_SOLVERS"] is None


def test_fipy_imported_first_with_another_suite_raises_one_clear_line(monkeypatch, mesh50):
    # PETSc is not installed here: a FiPy already running its PETSc suite is simulated
    monkeypatch.setattr(fipy.solvers, "solver_suite", "petsc")
    with pytest.raises(_fipy.FiPySuiteError) as raised:
        fpsolver.solve_steady(Ito(profiles.exponential()), mesh50)
    message = str(raised.value)
    assert "\n" not in message
    assert "'petsc'" in message and "FIPY_SOLVERS=scipy" in message and "import fpsolver before fipy" in message
    assert isinstance(raised.value, RuntimeError)


@pytest.mark.skipif(importlib.util.find_spec("petsc4py") is None, reason="needs petsc4py (FiPy's PETSc suite)")
def test_fipy_imported_first_under_petsc_exits_with_one_clear_line():
    script = "import fipy\n" + STEADY_SOLVE
    env = os.environ | {"FIPY_SOLVERS": "petsc"}
    completed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1].startswith("fpsolver._fipy.FiPySuiteError: FiPy is running its 'petsc' solver suite")


def test_no_module_but_fpsolver_fipy_imports_fipy():
    """Any other module importing FiPy could import it first, before the SciPy suite is selected."""
    package = Path(fpsolver.__file__).parent
    importers = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name == "fipy" or name.startswith("fipy.") for name in names):
                importers.append(path.relative_to(package).as_posix())
    assert sorted(set(importers)) == ["_fipy.py"]


def test_transient_metadata_records_the_suite(mesh50):
    solution = fpsolver.solve_transient(Ito(profiles.exponential()), mesh50, lambda x: np.ones_like(x), 0.01, dt=0.005)
    assert solution.metadata["fipy_solvers"] == _fipy.active_suite() == "scipy"
    assert solution.metadata["fipy_version"] == fipy.__version__


def test_cell_distances_are_the_distances_between_neighbouring_centres():
    mesh = meshes.nonuniform_grid(np.array([0.1, 0.2, 0.4]), np.array([0.3, 0.1]))
    interior = _fipy.interior_faces(mesh)
    left, right = _fipy.face_cells(mesh, interior)
    centres = _fipy.cell_centers(mesh)
    np.testing.assert_allclose(_fipy.cell_distances(mesh)[interior], np.linalg.norm(centres[:, right] - centres[:, left], axis=0), rtol=1e-14)


def test_assembled_generator_conserves_probability_and_is_a_scipy_matrix(mesh50):
    D_faces = np.full(_fipy.face_centers(mesh50).shape[1], 0.7)
    u_faces = 0.3 * np.ones((1, D_faces.size))
    matrix = _fipy.assemble_generator(mesh50, D_faces, u_faces, absorbing=False)
    assert matrix.format == "csr" and matrix.shape == (50, 50)
    np.testing.assert_allclose(np.asarray(matrix.sum(axis=0)).ravel(), 0.0, atol=1e-12)
    absorbing = _fipy.assemble_generator(mesh50, D_faces, u_faces, absorbing=True)
    assert np.all(np.asarray(absorbing.sum(axis=0)).ravel()[[0, -1]] < 0)  # wall cells lose mass
