"""Interval arithmetic over sympy expressions: a formula is proved finite and > 0 on a box.

Sampling a formula at cell centres misses features narrower than a cell
(``1 - 1.0001*exp(-(x-0.0123)**2/1e-8)`` dips below zero over a width of 1e-6; a pole
``1/(x-0.0123)**2`` is finite at every sample). :func:`certify_positive` instead bounds the
formula on whole boxes: :func:`bounds` evaluates the expression tree on intervals (each
operation returns an interval holding every value the operation takes for arguments in
its input intervals), so a box whose lower bound is > 0 and upper bound finite is proved
safe everywhere in it. Boxes not proved are bisected along their widest side (interval
bounds tighten as boxes shrink) until they are proved, a point with T <= 0 or not finite
is found, or a box narrower than :data:`MIN_WIDTH` of the domain (a zero or a pole) or the
box budget :data:`MAX_BOXES` is reached; those last cases are refused too, naming the box.

The bounds use floating-point arithmetic without directed rounding: they can be off by a
few units in the last place, far below any margin that matters for a temperature.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import sympy

__all__ = ["bounds", "certify_positive", "MAX_BOXES", "MIN_WIDTH"]

#: Boxes examined at most (all rounds together).
MAX_BOXES = 200_000
#: A box narrower than this fraction of the domain (along every axis) is not split further.
MIN_WIDTH = 1e-12
#: Boxes per axis of the first subdivision (1D; fewer in 2D and 3D).
INITIAL = {1: 256, 2: 32, 3: 8}

Interval = tuple[np.ndarray, np.ndarray]
_HALF_PI = math.pi / 2


def _clean(lo: np.ndarray, hi: np.ndarray) -> Interval:
    """NaN bounds (inf - inf, 0 * inf) mean 'anything': widen them to the whole line."""
    return np.where(np.isnan(lo), -np.inf, lo), np.where(np.isnan(hi), np.inf, hi)


def _mul(a: Interval, b: Interval) -> Interval:
    with np.errstate(all="ignore"):
        products = np.array([a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]])
    bad = np.isnan(products).any(axis=0)
    return _clean(np.where(bad, np.nan, products.min(axis=0)), np.where(bad, np.nan, products.max(axis=0)))


def _reciprocal(a: Interval) -> Interval:
    lo, hi = a
    safe = (lo > 0) | (hi < 0)
    with np.errstate(all="ignore"):
        return np.where(safe, 1 / hi, -np.inf), np.where(safe, 1 / lo, np.inf)


def _integer_power(a: Interval, n: int) -> Interval:
    if n < 0:
        return _reciprocal(_integer_power(a, -n))
    lo, hi = a
    with np.errstate(all="ignore"):
        low, high = lo**n, hi**n
    if n % 2:
        return low, high
    straddles = (lo < 0) & (hi > 0)
    return np.where(straddles, 0.0, np.minimum(low, high)), np.maximum(low, high)


def _increasing(function: Callable[[np.ndarray], np.ndarray], a: Interval, lowest: float = -np.inf) -> Interval:
    """A function increasing on [lowest, inf); intervals reaching below ``lowest`` are unbounded."""
    lo, hi = a
    with np.errstate(all="ignore"):
        inside = lo >= lowest
        return _clean(np.where(inside, function(np.maximum(lo, lowest)), -np.inf), np.where(hi >= lowest, function(hi), np.inf))


def _sin(a: Interval) -> Interval:
    lo, hi = a
    with np.errstate(all="ignore"):
        low, high = np.minimum(np.sin(lo), np.sin(hi)), np.maximum(np.sin(lo), np.sin(hi))
        peak = np.ceil((lo - _HALF_PI) / (2 * math.pi)) * 2 * math.pi + _HALF_PI  # first x = pi/2 + 2k pi >= lo
        trough = np.ceil((lo + _HALF_PI) / (2 * math.pi)) * 2 * math.pi - _HALF_PI
    wide = ~np.isfinite(lo) | ~np.isfinite(hi) | (hi - lo >= 2 * math.pi)
    return np.where(wide | (trough <= hi), -1.0, low), np.where(wide | (peak <= hi), 1.0, high)


def _tan(a: Interval) -> Interval:
    lo, hi = a
    with np.errstate(all="ignore"):
        pole = np.ceil((lo - _HALF_PI) / math.pi) * math.pi + _HALF_PI
        safe = np.isfinite(lo) & np.isfinite(hi) & (pole > hi)
        return np.where(safe, np.tan(lo), -np.inf), np.where(safe, np.tan(hi), np.inf)


def _abs(a: Interval) -> Interval:
    lo, hi = a
    straddles = (lo < 0) & (hi > 0)
    return np.where(straddles, 0.0, np.minimum(np.abs(lo), np.abs(hi))), np.maximum(np.abs(lo), np.abs(hi))


def _even_minimum_at_zero(function: Callable[[np.ndarray], np.ndarray], a: Interval) -> Interval:
    """An even function increasing in |x| (cosh)."""
    magnitude = _abs(a)
    with np.errstate(all="ignore"):
        return function(magnitude[0]), function(magnitude[1])


def _erf(values: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(values)


_UNARY: dict[type, Callable[[Interval], Interval]] = {
    sympy.exp: lambda a: _increasing(np.exp, a),
    sympy.log: lambda a: _increasing(np.log, a, lowest=0.0),
    sympy.sin: _sin,
    sympy.cos: lambda a: _sin((a[0] + _HALF_PI, a[1] + _HALF_PI)),
    sympy.tan: _tan,
    sympy.sinh: lambda a: _increasing(np.sinh, a),
    sympy.cosh: lambda a: _even_minimum_at_zero(np.cosh, a),
    sympy.tanh: lambda a: _increasing(np.tanh, a),
    sympy.atan: lambda a: _increasing(np.arctan, a),
    sympy.erf: lambda a: _increasing(_erf, a),
    sympy.Abs: _abs,
}


def _power(base: Interval, exponent: sympy.Expr, boxes: dict[sympy.Symbol, Interval], shape: tuple[int, ...]) -> Interval:
    if exponent.is_Integer:
        return _integer_power(base, int(exponent))
    if exponent.is_number:
        p = float(exponent)
        if p.is_integer() and abs(p) <= 1000:
            return _integer_power(base, int(p))
        lo, hi = base
        with np.errstate(all="ignore"):
            if p > 0:  # x**p increasing on x >= 0; negative bases are not real
                return _clean(np.where(lo >= 0, lo**p, -np.inf), np.where(lo >= 0, hi**p, np.inf))
            return _reciprocal(_power(base, sympy.Float(-p), boxes, shape))
    # b**e = exp(e log b)
    return _increasing(np.exp, _mul(_evaluate(exponent, boxes, shape), _increasing(np.log, base, lowest=0.0)))


def _evaluate(expression: sympy.Expr, boxes: dict[sympy.Symbol, Interval], shape: tuple[int, ...]) -> Interval:
    if expression in boxes:
        return boxes[expression]
    if expression.is_number:
        value = float(expression)
        return np.full(shape, value), np.full(shape, value)
    if isinstance(expression, sympy.Add):
        lo, hi = np.zeros(shape), np.zeros(shape)
        for term in expression.args:
            term_lo, term_hi = _evaluate(term, boxes, shape)
            with np.errstate(all="ignore"):
                lo, hi = _clean(lo + term_lo, hi + term_hi)
        return lo, hi
    if isinstance(expression, sympy.Mul):
        result = (np.ones(shape), np.ones(shape))
        for factor in expression.args:
            result = _mul(result, _evaluate(factor, boxes, shape))
        return result
    if isinstance(expression, sympy.Pow):
        return _power(_evaluate(expression.base, boxes, shape), expression.exp, boxes, shape)
    operation = _UNARY.get(type(expression))
    if operation is not None and len(expression.args) == 1:
        return operation(_evaluate(expression.args[0], boxes, shape))
    return np.full(shape, -np.inf), np.full(shape, np.inf)  # unknown: anything


def bounds(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], lower: np.ndarray, upper: np.ndarray) -> Interval:
    """Lower and upper bounds of ``expression`` on the boxes ``lower[i] <= symbols[i] <= upper[i]``
    (arrays of shape (dim, n) or (dim,)); -inf/inf where no bound is known."""
    lower, upper = np.atleast_2d(np.asarray(lower, dtype=float).T).T, np.atleast_2d(np.asarray(upper, dtype=float).T).T
    lower, upper = lower.reshape(len(symbols), -1), upper.reshape(len(symbols), -1)
    shape = lower.shape[1:]
    return _evaluate(expression, {symbol: (lower[i], upper[i]) for i, symbol in enumerate(symbols)}, shape)


def certify_positive(
    expression: sympy.Expr, symbols: Sequence[sympy.Symbol], lower: np.ndarray, upper: np.ndarray, value: Callable[[np.ndarray], np.ndarray], *, pieces: int | None = None
) -> tuple[np.ndarray, str] | None:
    """Prove ``expression`` finite and > 0 on every box [lower[:, j], upper[:, j]] (boxes of shape (dim, m)).

    Parameters
    ----------
    value
        The compiled expression on points of shape (dim, n), used at box centres to find
        counterexamples.
    pieces
        Each box is first cut into ``pieces`` per axis (default :data:`INITIAL`; 1 for many
        small boxes, e.g. one around each cell of a mesh).

    Returns
    -------
    None when proved; otherwise (point, reason): a point where the value is <= 0 or not finite,
    or the centre of a box that could not be proved (a zero or pole there, or the budget spent).
    """
    dim = len(symbols)
    lower, upper = np.asarray(lower, dtype=float).reshape(dim, -1), np.asarray(upper, dtype=float).reshape(dim, -1)
    pieces = INITIAL[min(dim, 3)] if pieces is None else pieces
    # first subdivision: every box into pieces**dim
    grid = np.stack(np.meshgrid(*[np.arange(pieces)] * dim, indexing="ij")).reshape(dim, -1)
    width = (upper - lower) / pieces
    lo = (lower[:, :, None] + width[:, :, None] * grid[:, None, :]).reshape(dim, -1)
    hi = lo + np.repeat(width, grid.shape[1], axis=1)
    floor = MIN_WIDTH * np.maximum(np.max(upper - lower, axis=1, keepdims=True), 1e-300)
    examined = -lo.shape[1]  # the budget counts the boxes made by splitting
    while lo.shape[1]:
        examined += lo.shape[1]
        low, high = bounds(expression, symbols, lo, hi)
        open_ = ~((low > 0) & np.isfinite(high))
        lo, hi = lo[:, open_], hi[:, open_]
        if not lo.shape[1]:
            return None
        centres = 0.5 * (lo + hi)
        at_centres = value(centres)
        bad = ~(np.isfinite(at_centres) & (at_centres > 0))
        if np.any(bad):
            first = int(np.argmax(bad))
            return centres[:, first], f"= {at_centres[first]:.6g}"
        sizes = hi - lo
        if np.any(np.all(sizes <= floor, axis=0)):
            first = int(np.argmax(np.all(sizes <= floor, axis=0)))
            return centres[:, first], "is not bounded away from 0 and infinity there (a zero or a pole)"
        if examined + 2 * lo.shape[1] > MAX_BOXES:
            return centres[:, 0], f"cannot be proved finite and > 0 there within {MAX_BOXES} boxes"
        axis = np.argmax(sizes / np.maximum(floor, 1e-300), axis=0)
        middle = centres[axis, np.arange(lo.shape[1])]
        left_hi, right_lo = hi.copy(), lo.copy()
        left_hi[axis, np.arange(lo.shape[1])] = middle
        right_lo[axis, np.arange(lo.shape[1])] = middle
        lo, hi = np.concatenate([lo, right_lo], axis=1), np.concatenate([left_hi, hi], axis=1)
    return None
