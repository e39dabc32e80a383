"""The shared parameter checks and registry look-ups (fpsolver._validate)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fpsolver._validate import build, integer, lookup, real


def test_lookup_and_build_name_what_is_wrong():
    registry = {"square": lambda *, side: side * side}
    assert lookup(registry, "square", "shape") is registry["square"]
    assert build(registry, "square", "shape", {"side": 3}) == 9
    with pytest.raises(ValueError, match="unknown shape 'circle'; valid names: square"):
        lookup(registry, "circle", "shape")
    with pytest.raises(ValueError, match="unknown shape None"):
        lookup(registry, None, "shape")
    with pytest.raises(ValueError, match="shape 'square': .*radius"):
        build(registry, "square", "shape", {"radius": 1})


@pytest.mark.parametrize("value", [1, 2.5, np.float32(0.5), np.int64(3)])
def test_real_accepts_finite_numbers(value):
    assert real("x", value, positive=True) == float(value)


@pytest.mark.parametrize(
    ("value", "error", "fragment"),
    [
        (math.nan, ValueError, "finite"),
        (math.inf, ValueError, "finite"),
        (None, TypeError, "real number"),
        ("1", TypeError, "real number"),
        (True, TypeError, "real number"),
        (0.0, ValueError, "> 0"),
        (-1, ValueError, "> 0"),
    ],
)
def test_real_refuses_with_the_parameter_name(value, error, fragment):
    with pytest.raises(error, match=f"'kappa' must .*{fragment}"):
        real("kappa", value, positive=True)


def test_real_nonnegative_and_integer():
    assert real("T", 0.0, nonnegative=True) == 0.0
    with pytest.raises(ValueError, match="'T' must be finite and >= 0"):
        real("T", -1e-300, nonnegative=True)
    assert integer("cells", np.int32(4)) == 4
    for bad, error in [(0, ValueError), (2.0, TypeError), (True, TypeError), (None, TypeError)]:
        with pytest.raises(error, match="'cells' must"):
            integer("cells", bad)


def test_budget_refuses_with_the_estimate(monkeypatch):
    from fpsolver import _validate

    _validate.within_budget("a small thing", memory_bytes=1e6, steps=10)
    with pytest.raises(_validate.BudgetError, match=r"the mesh would need about 59.6 GiB of memory \(cells = 1e9\), over the budget of 4 GiB"):
        _validate.within_budget("the mesh", memory_bytes=64e9, detail="cells = 1e9")
    with pytest.raises(_validate.BudgetError, match=r"would take about 1e\+12 steps"):
        _validate.within_budget("the run", steps=1e12)
    monkeypatch.setattr(_validate, "MEMORY_BUDGET_BYTES", 1000)  # one definition, read at every call
    with pytest.raises(_validate.BudgetError, match="budget of 9.31e-07 GiB"):
        _validate.within_budget("a small thing", memory_bytes=1e6)


def test_reals_and_checked_name_the_parameter():
    from fpsolver._validate import checked, reals

    np.testing.assert_array_equal(reals("times", [0.5, 1]), [0.5, 1.0])
    with pytest.raises(ValueError, match=r"'times' must be finite, got nan at index 1"):
        reals("times", [1.0, math.nan])
    for bad in (None, "1", [object()]):
        with pytest.raises(TypeError, match="'P0' must be numbers"):
            reals("P0", bad)

    @checked
    def solve(N: int, g: float, label: str = "a", width: float | None = None) -> float:
        return N * g

    assert solve(3, 0.5) == 1.5 and solve(np.int64(2), np.float64(1.0), width=None) == 2.0
    for arguments, error, fragment in [
        ((3.7, 1.0), TypeError, "'N' must be an integer"),
        ((3, math.nan), ValueError, "'g' must be finite"),
        ((3, None), TypeError, "'g' must be a real number"),
        ((3, 1.0, 5), TypeError, "'label' must be a string"),
    ]:
        with pytest.raises(error, match=fragment):
            solve(*arguments)
