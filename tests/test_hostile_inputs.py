"""Hostile and careless input (issue 12): every input ends in exit 0 with correct results or
exit 2 with one line naming the key or file position; no traceback, no file written for a
refused input, no file contents echoed, none past its timeout, all under a 4 GiB address
space. The inputs run in one worker process (tests/hostile_worker.py); the scenarios and
library checks below run here."""

from __future__ import annotations

import collections
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import tomli_w
import xarray as xr
from cli_helpers import ENV

WORKER = Path(__file__).with_name("hostile_worker.py")


def _run_worker(*arguments: str, timeout: float) -> list[dict]:
    done = subprocess.run([sys.executable, str(WORKER), *arguments], env=ENV, capture_output=True, text=True, timeout=timeout, cwd=WORKER.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])["results"]


def _check(results: list[dict], minimum: int) -> collections.Counter:
    counts = collections.Counter((record["class"], "exit 0" if record["exit"] == 0 else "exit 2" if record["exit"] == 2 else "failed") for record in results)
    problems = [(record["id"], record["problems"], record.get("message", "")[:200]) for record in results if record["problems"]]
    assert not problems, problems
    assert len(results) >= minimum, counts
    assert {cls for cls, _ in counts} >= {"stale", "outside", "physics", "names", "swap", "lock", "resources", "tracebacks", "messages", "geo", "outnames", "trust", "limits"}, counts
    return counts


def test_hostile_inputs_fast_subset():
    """The fast table (every class) and 20 drawn inputs: about 170 inputs, ~40 s on one core."""
    _check(_run_worker("--fast", "--examples", "20", timeout=600), minimum=150)


@pytest.mark.slow
def test_hostile_inputs_full_suite():
    """Every table input and 200 drawn inputs (more than 300 in all)."""
    counts = _check(_run_worker("--examples", "200", timeout=1800), minimum=300)
    print(json.dumps({f"{cls} {outcome}": n for (cls, outcome), n in sorted(counts.items())}, indent=1))


# ---------------------------------------------------------------- scenarios in this process

CSV_SAMPLES = np.linspace(-1.0, 1.0, 41)


def _write_csv(path: Path, amplitude: float) -> None:
    path.write_text("x,T\n" + "".join(f"{x:.6g},{1.5 + amplitude * np.sin(3 * x):.10g}\n" for x in CSV_SAMPLES))


def _transient_case(directory: Path, amplitude: float) -> Path:
    directory.mkdir()
    _write_csv(directory / "profile.csv", amplitude)
    data = {
        "mesh": {"cells": 30},
        "temperature": {"profile": "tabulated", "file": "profile.csv"},
        "models": {"ito": {}},
        "pde": {"steady": False, "transient": True, "t_end": 0.4, "dt": 0.01, "snapshots": 4},
        "ensemble": {"enabled": False},
    }
    (directory / "case.toml").write_text(tomli_w.dumps(data))
    return directory


def test_editing_the_data_between_a_kill_and_resume_recomputes(tmp_path):
    """A checkpoint made with the old CSV is not continued with the new one: the resumed run
    equals a fresh run on the new data, bit for bit, and differs from the old data's."""
    from fpsolver.cases.run import run_case_directory

    case = _transient_case(tmp_path / "case", amplitude=0.3)

    def kill_after_half(task: str, done: float, total: float) -> None:
        if task.startswith("transient") and done >= 0.5 * total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_case_directory(case, only=frozenset({"pde"}), progress=kill_after_half)
    assert (case / ".checkpoint" / "transient-ito.npz").is_file()
    _write_csv(case / "profile.csv", amplitude=0.6)
    run_case_directory(case, only=frozenset({"pde"}), resume=True)

    fresh = _transient_case(tmp_path / "fresh", amplitude=0.6)
    run_case_directory(fresh, only=frozenset({"pde"}))
    old = _transient_case(tmp_path / "old", amplitude=0.3)
    run_case_directory(old, only=frozenset({"pde"}))
    with (
        xr.open_dataset(case / "results" / "transient.nc", engine="h5netcdf") as a,
        xr.open_dataset(fresh / "results" / "transient.nc", engine="h5netcdf") as b,
        xr.open_dataset(old / "results" / "transient.nc", engine="h5netcdf") as c,
    ):
        np.testing.assert_array_equal(a["P"].values, b["P"].values)
        assert np.abs(a["P"].values - c["P"].values).max() > 1e-3


def test_digest_covers_the_bytes_of_every_file(tmp_path):
    from fpsolver.cases.schema import load_case

    case = _transient_case(tmp_path / "case", amplitude=0.3)
    first = load_case(case).digest()
    assert load_case(case / "case.toml").digest() == first  # the case file or its directory: same case
    with open(case / "profile.csv", "a") as handle:
        handle.write("# measured again\n")
    assert load_case(case).digest() != first
    named = tmp_path / "named"
    named.mkdir()
    (named / "case.toml").write_text(tomli_w.dumps({"mesh": "unit-uniform", "temperature": {"profile": "linear"}, "models": {"ito": {}}}))
    assert "mesh" in load_case(named).files  # the named mesh's bytes are part of the digest too


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("/etc/passwd", "outside the case directory"),
        ("../x.csv", "outside the case directory"),
        ("link.csv", "outside the case directory"),
        ("null", "outside the case directory"),
        ("sub", "is a directory"),
        ("fifo", "not a regular file"),
        ("missing.csv", "does not exist"),
    ],
)
def test_a_case_reads_only_its_own_regular_files(tmp_path, name, fragment):
    import os

    from fpsolver.cases.errors import CaseError
    from fpsolver.cases.files import read_case_file

    (tmp_path / "x.csv").write_text("root:secret\n")
    case = tmp_path / "case"
    (case / "sub").mkdir(parents=True)
    (case / "link.csv").symlink_to(tmp_path / "x.csv")
    (case / "null").symlink_to("/dev/null")
    os.mkfifo(case / "fifo")
    with pytest.raises(CaseError, match=f"temperature.file: .*{fragment}") as error:
        read_case_file(case, "temperature.file", name)
    assert "root:" not in str(error.value)


@pytest.mark.parametrize("name", ["../../x", "/etc/passwd", "a/b", "", "..", "no-such-mesh"])
def test_named_meshes_are_bare_names_from_the_package(name):
    from fpsolver.cases.errors import CaseError
    from fpsolver.cases.files import named_mesh_path

    with pytest.raises(CaseError, match="mesh: "):
        named_mesh_path(name)
    assert named_mesh_path("unit-uniform").name == "unit-uniform.toml"


# ---------------------------------------------------------------- the library's own checks


def test_profiles_are_checked_where_they_are_integrated():
    """1 + 1.5 sin(10 pi x) is positive at the centres and walls of 10 cells but dips to
    -0.5 between them: the interval proof of the profile over the domain finds the dip
    (issue 24) before the exact face velocities' quadrature would evaluate it there."""
    import fpsolver
    from fpsolver import meshes, profiles

    profile = profiles.formula("1 + 1.5*sin(10*pi*x)")
    mesh = meshes.uniform(-1.0, 1.0, 10)
    centres_and_walls = np.concatenate([meshes.cell_centers(mesh), [-1.0, 1.0]])
    assert np.all(profile.T(centres_and_walls) > 0)
    for model in (fpsolver.Ito(profile), fpsolver.GCLM1(profile, kappa=0.5), fpsolver.GCLM2(profile, sigma=0.3)):
        with pytest.raises(ValueError, match=r"must be finite and > 0 on the domain, but T\(-0\.87"):
            fpsolver.solve_steady(model, mesh)
        with pytest.raises(ValueError, match="must be finite and > 0"):
            fpsolver.exact.steady_state(model, mesh)


def test_tabulated_rows_with_nonpositive_temperature_name_the_line(tmp_path):
    from fpsolver import profiles

    lines = ["x,T", *(f"{x:.3g},1.5" for x in np.linspace(-1, 1, 9))]
    lines[4] = "-0.25,-5"
    path = tmp_path / "profile.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"profile.csv, line 5: T must be > 0, got T = -5.0"):
        profiles.tabulated(path)


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda q: q.quantum_dot(math.nan, 1.0, 1.0, 0.0, 0.0), ValueError, "'eps' must be finite"),
        (lambda q: q.quantum_dot(None, 1.0, 1.0, 0.0, 0.0), TypeError, "'eps' must be a real number"),
        (lambda q: q.quantum_dot(0.5, 1.2, 0.8, 0.0, 0.0, k_B=-1.0), ValueError, "k_B must be finite and > 0"),
        (lambda q: q.quantum_dot_lindblad(0.5, 1.2, 0.8, 0.0, 0.0, k_B=-1.0), ValueError, "k_B"),
        (lambda q: q.chain(3, 1.0, math.nan, 1.0, 0.5), ValueError, "'g' must be finite"),
        (lambda q: q.chain(3.7, 1.0, 0.5, 1.0, 0.5), TypeError, "'N' must be an integer"),
        (lambda q: q.chain(46000, 1.0, 0.5, 1.0, 0.5), ValueError, r"N = 46000 sites\), over the budget"),
        (lambda q: q.lambda_system(T_1=math.inf, T_2=0.5), ValueError, "'T_1' must be finite"),
        (lambda q: q.analytic.dot_occupation(eps=np.array([0.0, math.nan]), T_L=1.0, T_R=1.0, mu_L=0.0, mu_R=0.0), ValueError, "'eps' must be finite, got nan at index 1"),
    ],
)
def test_quantum_functions_refuse_bad_numbers(call, error, fragment):
    from fpsolver import qme

    with pytest.raises(error, match=fragment):
        call(qme)


def test_hermiticity_check_of_large_chains_does_not_overflow():
    """row * n + col overflows int32 from n ~ 46,000 on; the check must still see symmetry."""
    from fpsolver.qme._hermitian import is_hermitian

    n = 100_000
    rows = np.arange(n - 1, dtype=np.int32)
    hopping = sp.csr_matrix((np.ones(n - 1), (rows, rows + 1)), shape=(n, n))
    assert is_hermitian((hopping + hopping.T).tocsr())
    assert not is_hermitian((hopping + 2 * hopping.T).tocsr())


@pytest.mark.parametrize(
    ("arguments", "error", "fragment"),
    [
        ({"mesh": None}, TypeError, "'mesh' must be a FiPy mesh"),
        ({"mesh": np.zeros(3)}, TypeError, "'mesh' must be a FiPy mesh"),
        ({"times": [math.nan]}, ValueError, "'times' must be finite"),
        ({"quadrature_order": 0}, ValueError, "'quadrature_order'"),
        ({"quadrature_order": 10**6}, ValueError, "'quadrature_order' must be <= 256"),
        ({"checkpoint_every": 0}, ValueError, "'checkpoint_every'"),
        ({"t_end": "1"}, TypeError, "'t_end'"),
        ({"t_end": 1e12, "dt": 1e-300}, ValueError, "over the budget"),
        ({"P0": None}, TypeError, "'P0'"),
    ],
)
def test_solve_transient_refuses_bad_arguments(arguments, error, fragment):
    import fpsolver
    from fpsolver import meshes, profiles

    call = {"model": fpsolver.Ito(profiles.linear(T0=2.0)), "mesh": meshes.uniform(-1.0, 1.0, 10), "P0": np.ones(10), **arguments}
    with pytest.raises(error, match=fragment):
        fpsolver.solve_transient(call.pop("model"), call.pop("mesh"), call.pop("P0"), **call)


def test_huge_initial_density_is_normalised_without_overflow():
    import fpsolver
    from fpsolver import meshes, profiles

    model, mesh = fpsolver.Ito(profiles.linear(T0=2.0)), meshes.uniform(-1.0, 1.0, 10)
    huge = fpsolver.solve_transient(model, mesh, np.full(10, 1e308), t_end=0.1)
    unit = fpsolver.solve_transient(model, mesh, np.ones(10), t_end=0.1)
    np.testing.assert_array_equal(huge.mean, unit.mean)


def test_adaptive_steps_detect_underflow():
    import fpsolver
    from fpsolver import meshes, profiles

    model, mesh = fpsolver.Ito(profiles.linear(T0=2.0)), meshes.uniform(-1.0, 1.0, 10)
    with pytest.raises(RuntimeError, match="adaptive step underflowed"):
        fpsolver.solve_transient(model, mesh, np.ones(10), t_end=1.0, adaptive=True, tolerance=1e-300)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("10**10**10", "exponent"),
        ("(2**64)**(2**64)", "exponent"),
        ("9**999", "exceeds"),
        ("1" + "+1" * 1500, "too long"),
        ("-" * 500 + "x", "nested too deeply"),
        ("sqrt(-1)", "not real"),
        ("1/0", "divides by zero"),
    ],
)
def test_formulas_are_bounded(text, fragment):
    from fpsolver._expression import FormulaError, parse_formula

    with pytest.raises(FormulaError, match=fragment):
        parse_formula(text, ("x",))


def test_formula_derivatives_are_bounded_and_deltas_refused():
    from fpsolver._expression import FormulaError, SymbolicFunction

    product = SymbolicFunction.from_text("*".join(f"sin(x+{i})" for i in range(20)))
    assert np.isfinite(product(np.array([0.3]), 1)).all()
    with pytest.raises(FormulaError, match="too complex to differentiate"):
        product(np.array([0.3]), 3)
    kink = SymbolicFunction.from_text("1 + abs(x)")
    np.testing.assert_array_equal(kink(np.array([-0.5, 0.5]), 1), [-1.0, 1.0])
    with pytest.raises(FormulaError, match="Dirac delta"):
        kink(np.array([0.5]), 2)
