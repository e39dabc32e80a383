"""Temperatures proved finite and > 0 between sample points (issue 24, items 4 and 7): interval
arithmetic over the parsed formula (sound bounds, checked against dense sampling for drawn
formulas and boxes), the exact minimum of tabulated splines, and erf in formulas."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fpsolver._expression import parse_formula
from fpsolver._intervals import bounds
from fpsolver.cli import app
from fpsolver.fields import nd, profiles
from fpsolver.fields.profiles import TabulatedProfile
from fpsolver.models.gclm2 import GCLM2

X = sympy.Symbol("x", real=True)
CELLS = np.linspace(-1, 1, 50)


def _formula(text: str):
    return profiles.make_profile("formula", expression=text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1 - 1.0001*exp(-(x-0.0123)**2/1e-8)", "T(0.0123"),  # dips to -1e-4 between two cells
        ("1 - 1.0001*exp(-(x-0.0123)**2/1e-20)", "T(0.0123"),  # width 1e-10
        ("1 + 1/(x-0.0123)**2", "a zero or a pole"),
        ("2 + 1e-3/(x-0.0123)", "T(0.012"),  # a simple pole: negative just left of it
        ("1 + 1e-6/(1e-12 + (x - 0.31)**2) - 1e6*exp(-(x-0.3)**2/1e-10)", "T(0.29"),
    ],
)
def test_narrow_dips_and_poles_between_cells_are_found(text, fragment):
    profile = _formula(text)
    assert np.all(np.isfinite(profile.T(CELLS)) & (profile.T(CELLS) > 0))  # the samples alone look fine
    with pytest.raises(ValueError, match="must be finite and > 0") as caught:
        profile.check_domain(CELLS)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("text", ["1.5 + 0.5*tanh((x - 0.2)/0.05)", "2 + erf(x)", "1 + 0.5*sin(40*x)", "1e-9 + x**2", "1/(1.0001 + sin(300*x))", "sqrt(1.0001 - x**2)", "exp(-x)*(1 + x**2)"])
def test_positive_formulas_are_proved_quickly(text):
    _formula(text).check_domain(CELLS)


def test_narrow_features_in_2d_fields_are_found():
    points = np.stack(np.meshgrid(np.linspace(-1, 1, 30), np.linspace(-1, 1, 30))).reshape(2, -1)
    with pytest.raises(ValueError, match=r"T\(x=0\.0123"):
        nd.formula("1 - 1.0001*exp(-((x-0.0123)**2 + y**2)/1e-8)", dimension=2).check_domain(points)
    nd.formula("1 + 0.5*sin(3*x)*cos(2*y)", dimension=2).check_domain(points)


def test_a_spline_undershooting_between_positive_rows_is_refused_at_its_exact_minimum():
    x = np.linspace(-1, 1, 11)
    data = np.array([1, 1, 1, 1, 1, 0.02, 3, 3, 3, 3, 3.0])
    profile = TabulatedProfile(x, data, smoothing=0.0)
    dense = np.linspace(-1, 1, 200001)
    lowest = dense[np.argmin(profile.T(dense))]
    with pytest.raises(ValueError, match="dips to T") as caught:
        profile.check_domain(np.linspace(-1, 1, 5))
    assert f"T({lowest:.3g}" in str(caught.value) or abs(float(str(caught.value).split("T(")[1].split(")")[0]) - lowest) < 1e-4


def test_erf_is_accepted_in_temperatures_and_gclm2_kernels():
    profile = _formula("2 + erf(x)")
    np.testing.assert_allclose(profile.T(np.array([0.0, 1.0])), [2.0, 2.8427007929497148])
    np.testing.assert_allclose(profile.dT(np.array([0.0])), [2 / np.sqrt(np.pi)])
    model = GCLM2(profile, sigma=0.3, kernel="exp(-u**2/(2*sigma**2))*(1 + 0*erf(u))")
    assert np.all(np.isfinite(model.coefficients(CELLS, (-1.0, 1.0)).D))


def test_the_issue_cases_exit_2_on_50_cells(tmp_path):
    for number, text in enumerate(["1 - 1.0001*exp(-(x-0.0123)**2/1e-8)", "1 + 1/(x-0.0123)**2"]):
        case = tmp_path / f"c{number}"
        case.mkdir()
        (case / "case.toml").write_text(f'[mesh]\ncells = 50\n[temperature]\nprofile = "formula"\nexpression = "{text}"\n[models.ito]\n[pde]\ntransient = false\n[ensemble]\nenabled = false\n')
        result = CliRunner().invoke(app, ["run", str(case), "--quiet"])
        assert result.exit_code == 2 and "temperature" in result.stderr and "0.0123" in result.stderr, result.stderr
        assert sorted(p.name for p in case.iterdir()) == ["case.toml"]


# ----------------------------------------------------------------------------- soundness of the bounds

LEAVES = st.one_of(st.just("x"), st.sampled_from(["0.5", "2", "3", "0.1", "pi", "1e-3"]))


def _extend(children):
    functions = st.sampled_from(["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "atan", "erf", "abs", "cosh", "sinh"])
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.sampled_from(["2", "3", "-1", "-2", "0.5", "1.5"])).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(functions, children).map(lambda t: f"{t[0]}({t[1]})"),
    )


FORMULAS = st.recursive(LEAVES, _extend, max_leaves=6)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(FORMULAS, st.floats(-3, 3), st.floats(1e-3, 2))
def test_interval_bounds_hold_every_sampled_value(text, start, width):
    """For 300 drawn formulas and boxes: every finite value at 401 points of the box lies
    within the interval bounds (which may be infinite: unbounded there)."""
    try:
        expression = parse_formula(text, ("x",))
    except ValueError:
        return
    function = sympy.lambdify(X, expression, modules=[{"erf": __import__("scipy.special").special.erf}, "numpy"])
    points = np.linspace(start, start + width, 401)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(function(points), dtype=complex), points.shape)
    real = np.isfinite(values) & (np.abs(values.imag) == 0)
    low, high = bounds(expression, (X,), np.array([[start]]), np.array([[start + width]]))
    finite = values.real[real]
    slack = 1e-9 * (1 + np.abs(finite))
    assert np.all(finite >= low[0] - slack) and np.all(finite <= high[0] + slack), (text, low, high, finite.min() if finite.size else None)
