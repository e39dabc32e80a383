"""Formulas that differ only in their float constants share one compiled template
(fpsolver._expression); values and derivatives equal those of the formula itself."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from fpsolver._expression import SymbolicFunction, _compiled_template, parse_formula


@pytest.mark.parametrize(
    ("text", "parameters"),
    [
        ("exp(-u**2/(2*sigma**2))", {"sigma": 0.37}),
        ("a*u + b*u**2.0 + sin(c*u)", {"a": 1.5, "b": 1.5, "c": -0.3}),  # a repeated constant, a float exponent
        ("sqrt(b + u**2) + 2.0**u", {"b": 0.25}),
    ],
)
def test_template_values_and_derivatives_equal_the_formulas(text, parameters):
    function = SymbolicFunction(parse_formula(text, ("u",), parameters), "u")
    u = sympy.Symbol("u", real=True)
    x = np.linspace(-2.0, 2.0, 41)
    for order in range(3):
        direct = sympy.lambdify(u, sympy.diff(function.expression, u, order), modules="numpy")(x)
        np.testing.assert_allclose(function(x, order), direct, rtol=1e-12, atol=1e-12)


def test_a_new_constant_reuses_the_compiled_derivative():
    first = SymbolicFunction(parse_formula("exp(-u**2/(2*sigma**2))", ("u",), {"sigma": 0.4}), "u")
    first(np.zeros(1), 2)
    compiled = _compiled_template.cache_info().misses
    second = SymbolicFunction(parse_formula("exp(-u**2/(2*sigma**2))", ("u",), {"sigma": 0.9}), "u")
    assert second(np.array([0.9]), 2)[0] == pytest.approx((0.9**2 / 0.9**4 - 1 / 0.9**2) * np.exp(-0.5))
    assert _compiled_template.cache_info().misses == compiled
