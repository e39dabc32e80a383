"""Temperature profiles and potentials: values, symbolic derivatives, safe parsing."""

import numpy as np
import pytest

from fpsolver import potentials, profiles
from fpsolver._expression import FormulaError

X = np.linspace(-1.0, 1.0, 41)


def finite_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize(
    "profile",
    [
        profiles.linear(T0=1.0, gradient=0.3),
        profiles.exponential(T0=2.0, length=0.7),
        profiles.gaussian_hotspot(T_background=1.0, amplitude=2.0, width=0.3),
        profiles.tanh_step(T_left=2.0, T_right=1.0, width=0.2),
        profiles.formula("1 + a*x**2 + 0.1*sin(3*x)", a=0.3),
    ],
    ids=lambda p: p.name,
)
def test_symbolic_derivatives_agree_with_finite_differences(profile):
    for order in range(3):
        np.testing.assert_allclose(profile.derivative(X, order + 1), finite_difference(lambda s: profile.derivative(s, order), X), rtol=1e-6, atol=1e-6)


def test_builtin_closed_forms():
    np.testing.assert_allclose(profiles.exponential(T0=2.0, length=0.5).T(X), 2.0 * np.exp(-X / 0.5))
    step = profiles.tanh_step(T_left=3.0, T_right=1.0, center=0.0, width=0.1)
    assert step.T(np.array([-10.0]))[0] == pytest.approx(3.0)
    assert step.T(np.array([10.0]))[0] == pytest.approx(1.0)


def test_caret_is_power_in_formulas():
    np.testing.assert_allclose(profiles.formula("1 + x^2").T(X), 1 + X**2)


def test_piecewise_linear_profile_interpolates_with_constant_slopes():
    p = profiles.piecewise_linear(nodes=[-1.0, 0.0, 1.0], values=[1.0, 3.0, 2.0])
    np.testing.assert_allclose(p.T(np.array([-0.5, 0.5])), [2.0, 2.5])
    np.testing.assert_allclose(p.dT(np.array([-0.5, 0.5])), [2.0, -1.0])
    np.testing.assert_array_equal(p.breakpoints, [0.0])


def test_tabulated_profile_reproduces_smooth_data_and_derivatives(tmp_path):
    x = np.linspace(-1.0, 1.0, 401)
    path = tmp_path / "T.csv"
    np.savetxt(path, np.column_stack([x, 2.0 + np.sin(x)]), delimiter=",", header="x,T", comments="")
    p = profiles.tabulated(path, smoothing=1e-12)
    inner = np.linspace(-0.9, 0.9, 37)
    np.testing.assert_allclose(p.T(inner), 2.0 + np.sin(inner), atol=1e-8)
    np.testing.assert_allclose(p.dT(inner), np.cos(inner), atol=1e-5)
    np.testing.assert_allclose(p.d2T(inner), -np.sin(inner), atol=1e-3)


def test_tabulated_profile_smooths_noisy_data(tmp_path):
    rng = np.random.default_rng(7)
    x = np.linspace(0.0, 1.0, 300)
    path = tmp_path / "T.csv"
    np.savetxt(path, np.column_stack([x, 1.0 + x + 0.01 * rng.standard_normal(x.size)]), delimiter=",", header="x,T", comments="")
    p = profiles.tabulated(path)  # penalty by generalised cross-validation
    assert np.max(np.abs(p.T(x) - (1.0 + x))) < 0.01
    assert np.max(np.abs(p.dT(x[20:-20]) - 1.0)) < 0.2


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("1 + y", "unknown symbol 'y'"),
        ("__import__('os').system('true')", "not allowed"),
        ("open('f')", "unknown function 'open'"),
        ("1 +", "not valid syntax"),
        ("x.real", "not allowed"),
        ("exp(x, 2)", "exactly one argument"),
        ("", "non-empty"),
    ],
)
def test_bad_formulas_raise_clear_errors(text, fragment):
    with pytest.raises(FormulaError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        profiles.formula(text)


@pytest.mark.parametrize(
    "profile, bad_x",
    [
        (profiles.linear(T0=0.5, gradient=-1.0), 0.5),
        (profiles.formula("x"), -1.0),
        (profiles.formula("log(x + 0.5)"), -1.0),
        (profiles.formula("1/(x - 0.5)"), -1.0),
    ],
)
def test_nonpositive_or_nan_temperature_names_the_first_bad_x(profile, bad_x):
    with pytest.raises(ValueError, match=rf"T\({bad_x:g}\)"):
        profile.check_domain(np.linspace(-1.0, 1.0, 201))


def test_unknown_profile_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown temperature profile 'cubic'.*exponential"):
        profiles.make_profile("cubic")


def test_tabulated_profile_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        profiles.tabulated(tmp_path / "missing.csv")
    x = np.linspace(0.0, 1.0, 20)
    path = tmp_path / "T.csv"
    np.savetxt(path, np.column_stack([x, 1.0 + x]), delimiter=",", header="x,T", comments="")
    with pytest.raises(ValueError, match="data cover"):
        profiles.tabulated(path).check_domain(np.array([-0.5, 0.5]))


def test_potentials_and_their_forces():
    np.testing.assert_allclose(potentials.harmonic(stiffness=2.0, center=0.5).dV(X), 2.0 * (X - 0.5))
    well = potentials.double_well(barrier=1.0, minimum=0.5)
    np.testing.assert_allclose(well.V(np.array([-0.5, 0.0, 0.5])), [0.0, 1.0, 0.0], atol=1e-14)
    np.testing.assert_allclose(potentials.formula("a*x**4", a=0.25).dV(X), X**3)
    assert potentials.none().is_zero
    with pytest.raises(ValueError, match="unknown potential"):
        potentials.make_potential("quartic")
