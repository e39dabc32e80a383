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
    with pytest.raises(ValueError, match="'T' must be >= 0"):
        real("T", -1e-300, nonnegative=True)
    assert integer("cells", np.int32(4)) == 4
    for bad, error in [(0, ValueError), (2.0, TypeError), (True, TypeError), (None, TypeError)]:
        with pytest.raises(error, match="'cells' must"):
            integer("cells", bad)
