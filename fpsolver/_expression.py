"""Safe parsing of user formulas into sympy expressions, and their fast evaluation.

User text is never passed to Python's ``eval`` (nor to sympy's ``sympify``, which
evaluates). The string is parsed by :mod:`ast` and the syntax tree is walked with a
whitelist of node types, function names and symbols, building the sympy expression
directly. Derivatives are symbolic; evaluation uses ``sympy.lambdify`` on the trusted
expression tree we built.

Formulas are bounded so that no text can exhaust time or memory while it is read:
at most :data:`MAX_LENGTH` characters, :data:`MAX_NODES` syntax nodes nested at most
:data:`MAX_DEPTH` deep, and no power of two numbers whose result would exceed
:data:`MAX_MAGNITUDE` (sympy would compute ``10**10**10`` exactly) nor any power of a
variable above :data:`MAX_EXPONENT`. Formulas whose value is not a real function
(``sqrt(-1)``, ``1/0``) or whose derivatives contain Dirac deltas (``abs(x)`` twice
differentiated) are refused with a :class:`FormulaError` naming the formula.
"""

from __future__ import annotations

import ast
import math
import numbers
from collections.abc import Mapping
from functools import cached_property, lru_cache

import numpy as np
import sympy

_FUNCTIONS = {
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "atan": sympy.atan,
    "arctan": sympy.atan,
    "erf": sympy.erf,
    "abs": sympy.Abs,
}
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E}


def _erf(values: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(values)


#: Functions numpy lacks, for compiled formulas (sympy would fall back to math.erf, scalars only).
_ARRAY_FUNCTIONS = {"erf": _erf}
MAX_LENGTH = 2000
MAX_NODES = 1000
MAX_DEPTH = 200
MAX_EXPONENT = 1000
MAX_MAGNITUDE = 1e300
MAX_DERIVATIVE_OPS = 20000
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class FormulaError(ValueError):
    """A user formula that cannot be parsed or uses unknown names."""


def _shown(text: str) -> str:
    """The formula as quoted in messages (long ones shortened)."""
    return repr(text) if len(text) <= 80 else repr(text[:60] + "...") + f" ({len(text)} characters)"


def _check_size(text: str, tree: ast.AST) -> None:
    """Refuse syntax trees with more than MAX_NODES nodes or deeper than MAX_DEPTH (iteratively: no recursion)."""
    nodes, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise FormulaError(f"formula {_shown(text)} is too long (more than {MAX_NODES} terms)")
        if depth > MAX_DEPTH:
            raise FormulaError(f"formula {_shown(text)} is nested too deeply (more than {MAX_DEPTH} levels)")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _power(text: str, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base**exponent, refusing numbers too large to compute (sympy evaluates integer powers exactly)."""
    if exponent.is_number and exponent.is_real is not False and abs(float(sympy.N(exponent, 15))) > MAX_EXPONENT:
        raise FormulaError(f"formula {_shown(text)}: exponent {sympy.N(exponent, 6)} is too large (|exponent| <= {MAX_EXPONENT})")
    if base.is_number and exponent.is_number and base.is_real and exponent.is_real:
        size = float(sympy.N(abs(base), 15))
        if size > 0 and float(sympy.N(exponent, 15)) * math.log10(size) > math.log10(MAX_MAGNITUDE):
            raise FormulaError(f"formula {_shown(text)}: {sympy.N(base, 6)}**{sympy.N(exponent, 6)} exceeds {MAX_MAGNITUDE:g}")
    return base**exponent


def _check_value(text: str, expression: sympy.Expr) -> sympy.Expr:
    """Refuse constants that are not finite real numbers of at most MAX_MAGNITUDE."""
    if expression.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise FormulaError(f"formula {_shown(text)} divides by zero or is otherwise infinite")
    if expression.has(sympy.I):
        raise FormulaError(f"formula {_shown(text)} is not real (it contains the imaginary unit)")
    if expression.is_number and abs(float(sympy.N(expression, 15))) > MAX_MAGNITUDE:
        raise FormulaError(f"formula {_shown(text)}: the number {sympy.N(expression, 6)} exceeds {MAX_MAGNITUDE:g}")
    return expression


def parse_formula(text: str, variables: tuple[str, ...], parameters: Mapping[str, float] | None = None) -> sympy.Expr:
    """Parse ``text`` into a sympy expression in ``variables``.

    Parameters
    ----------
    text
        Arithmetic expression, e.g. ``"1 + 0.5*tanh((x - 0.2)/0.05)"``; ``^`` is
        accepted as power.
    variables
        Names of the free variables (e.g. ``("x",)``).
    parameters
        Named numerical constants substituted into the expression.

    Raises
    ------
    FormulaError
        On syntax errors, unknown symbols or functions, or disallowed constructs
        (attributes, subscripts, keywords, strings, ...).
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(f"formula must be a non-empty string, got {text!r}" if not isinstance(text, str) else "formula must be a non-empty string")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula {_shown(text)} is too long (at most {MAX_LENGTH} characters)")
    parameters = dict(parameters or {})
    symbols = {name: sympy.Symbol(name, real=True) for name in variables}
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {_shown(text)} is not valid syntax: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise FormulaError(f"formula {_shown(text)} is nested too deeply") from None
    _check_size(text, tree)
    for name, value in parameters.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise FormulaError(f"formula parameter {name!r} must be a finite real number, got {value!r}")

    def build(node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return sympy.Float(node.value) if isinstance(node.value, float) else sympy.Integer(node.value)
        if isinstance(node, ast.Name):
            if node.id in symbols:
                return symbols[node.id]
            if node.id in parameters:
                return sympy.Float(float(parameters[node.id]))
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            known = sorted(set(symbols) | set(parameters) | set(_CONSTANTS))
            raise FormulaError(f"formula {_shown(text)} uses unknown symbol {node.id!r} (known: {', '.join(known)})")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return _check_value(text, _power(text, build(node.left), build(node.right)))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _check_value(text, _BINARY[type(node.op)](build(node.left), build(node.right)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id not in _FUNCTIONS:
                raise FormulaError(f"formula {_shown(text)} calls unknown function {node.func.id!r} (known: {', '.join(sorted(_FUNCTIONS))})")
            if len(node.args) != 1:
                raise FormulaError(f"formula {_shown(text)}: {node.func.id}() takes exactly one argument")
            return _check_value(text, _FUNCTIONS[node.func.id](build(node.args[0])))
        raise FormulaError(f"formula {_shown(text)} contains a construct that is not allowed: {ast.dump(node)[:60]}")

    return _check_value(text, build(tree))


def differentiate(expression: sympy.Expr, symbol: sympy.Symbol, what: str, antiderivative: sympy.Expr | None = None) -> sympy.Expr:
    """d ``expression`` / d ``symbol``. When ``expression`` is itself the derivative of
    ``antiderivative``, its size predicts the next one's (size^2 / size of the antiderivative:
    products of many factors grow by the number of factors each time); a derivative predicted
    to exceed MAX_DERIVATIVE_OPS operations is refused instead of computed (sympy would take minutes)."""
    if antiderivative is not None:
        size = sympy.count_ops(expression)
        predicted = size * size / max(sympy.count_ops(antiderivative), 1)
        if predicted > MAX_DERIVATIVE_OPS:
            raise FormulaError(f"{what} is too complex to differentiate (about {predicted:.0f} operations, at most {MAX_DERIVATIVE_OPS}): simplify the formula")
    return sympy.diff(expression, symbol)


def _compile(symbols: tuple[sympy.Symbol, ...], expression: sympy.Expr, what: str):
    """lambdify ``expression``; refuse one that is not an ordinary function (Dirac deltas of
    non-smooth formulas such as the second derivative of ``abs(x)``)."""
    if expression.has(sympy.DiracDelta, sympy.Heaviside):
        raise FormulaError(f"{what} is not an ordinary function (it contains a Dirac delta or step): use a formula that is smooth enough")
    return sympy.lambdify(symbols, expression, modules=[_ARRAY_FUNCTIONS, "numpy"])


def _evaluate(compiled, arguments: list[np.ndarray], shape: tuple[int, ...], what: str) -> np.ndarray:
    """Call a compiled formula on float arrays; its value as a float array of ``shape``."""
    try:
        with np.errstate(all="ignore"):
            value = np.asarray(compiled(*arguments))
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise FormulaError(f"{what} cannot be evaluated: {exc}") from None
    if np.iscomplexobj(value) or value.dtype == object:
        raise FormulaError(f"{what} does not evaluate to real numbers")
    return np.broadcast_to(value.astype(float), shape).copy()


class SymbolicFunction:
    """A scalar function of one variable with symbolic derivatives.

    Parameters
    ----------
    expression
        sympy expression in ``variable``.
    variable
        Name of the independent variable.
    """

    def __init__(self, expression: sympy.Expr, variable: str = "x") -> None:
        self.expression = expression
        self.variable = variable
        self._symbol = sympy.Symbol(variable, real=True)
        extra = expression.free_symbols - {self._symbol}
        if extra:
            raise FormulaError(f"expression {expression} has free symbols {sorted(map(str, extra))}")
        self._compiled: dict[int, object] = {}
        self._derivatives: list[sympy.Expr] = [expression]

    @classmethod
    def from_text(cls, text: str, variable: str = "x", parameters: Mapping[str, float] | None = None) -> SymbolicFunction:
        return cls(parse_formula(text, (variable,), parameters), variable)

    @cached_property
    def text(self) -> str:
        return str(self.expression)

    @property
    def symbol(self) -> sympy.Symbol:
        """The sympy symbol of the variable."""
        return self._symbol

    def derivative_expression(self, order: int) -> sympy.Expr:
        """The ``order``-th derivative (see :func:`differentiate` for the bound on its size)."""
        while len(self._derivatives) <= order:
            before = self._derivatives[-2] if len(self._derivatives) > 1 else None
            what = f"derivative {len(self._derivatives)} of the formula {_shown(self.text)}"
            self._derivatives.append(differentiate(self._derivatives[-1], self._symbol, what, before))
        return self._derivatives[order]

    def __call__(self, x: np.ndarray, order: int = 0) -> np.ndarray:
        """Evaluate the ``order``-th derivative at the points ``x``."""
        what = f"formula {_shown(self.text)}" if order == 0 else f"derivative {order} of the formula {_shown(self.text)}"
        if order not in self._compiled:
            template, constants = _template(self.expression)
            try:
                function = _compiled_template(template, self._symbol, len(constants), order)
            except FormulaError as exc:
                raise FormulaError(str(exc).replace(_WHAT, what)) from None
            self._compiled[order] = (function, constants)
        function, constants = self._compiled[order]
        x = np.asarray(x, dtype=float)
        return _evaluate(lambda points: function(points, *constants), [x], x.shape, what)


def _template(expression: sympy.Expr) -> tuple[sympy.Expr, tuple[float, ...]]:
    """``expression`` with its float constants replaced by placeholder symbols, and their
    values: formulas that differ only in parameter values (a model rebuilt at every step
    of a fit) share one template, so they are differentiated and compiled once. Float
    exponents stay literal (d/du u^c = c u^c / u would turn u^2.0 into 0/0 at u = 0)."""
    exponents = {power.exp for power in expression.atoms(sympy.Pow)}
    constants = sorted(expression.atoms(sympy.Float) - exponents, key=float)
    placeholders = [sympy.Symbol(f"_constant_{i}", real=True) for i in range(len(constants))]
    return expression.xreplace(dict(zip(constants, placeholders))), tuple(float(c) for c in constants)


_WHAT = "<formula>"  # stands for the formula's name in errors of the shared template


@lru_cache(maxsize=256)
def _compiled_template(template: sympy.Expr, symbol: sympy.Symbol, n_constants: int, order: int):
    """The ``order``-th derivative of ``template`` by ``symbol`` as a numpy function of (symbol,
    constants...), differentiated and checked as :func:`differentiate` and :func:`_compile` do."""
    placeholders = [sympy.Symbol(f"_constant_{i}", real=True) for i in range(n_constants)]
    derivatives = [template]
    while len(derivatives) <= order:
        derivatives.append(differentiate(derivatives[-1], symbol, _WHAT, derivatives[-2] if len(derivatives) > 1 else None))
    return _compile((symbol, *placeholders), derivatives[order], _WHAT)


class SymbolicField:
    """A scalar field of several variables with symbolic gradient and Laplacian.

    Points are arrays of shape ``(dim, n)``, one row per variable in the order of
    ``variables`` (e.g. ``("x", "y")``). The gradient, Laplacian and gradient of
    the Laplacian are differentiated symbolically once and compiled on first use.

    Parameters
    ----------
    expression
        sympy expression in ``variables``.
    variables
        Names of the coordinates, e.g. ``("x", "y")`` or ``("x", "y", "z")``.
    """

    def __init__(self, expression: sympy.Expr, variables: tuple[str, ...]) -> None:
        self.expression = expression
        self.variables = tuple(variables)
        self._symbols = tuple(sympy.Symbol(name, real=True) for name in self.variables)
        extra = expression.free_symbols - set(self._symbols)
        if extra:
            raise FormulaError(f"expression {expression} has free symbols {sorted(map(str, extra))}")
        self._compiled: dict[str, object] = {}

    @classmethod
    def from_text(cls, text: str, variables: tuple[str, ...], parameters: Mapping[str, float] | None = None) -> SymbolicField:
        return cls(parse_formula(text, tuple(variables), parameters), tuple(variables))

    @property
    def dimension(self) -> int:
        return len(self.variables)

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The sympy symbols of the coordinates."""
        return self._symbols

    @cached_property
    def text(self) -> str:
        return str(self.expression)

    @cached_property
    def _gradient_expressions(self) -> tuple[sympy.Expr, ...]:
        return tuple(sympy.diff(self.expression, s) for s in self._symbols)

    @cached_property
    def _laplacian_expression(self) -> sympy.Expr:
        what = f"the Laplacian of the formula {_shown(self.text)}"
        return sum((differentiate(first, s, what, self.expression) for first, s in zip(self._gradient_expressions, self._symbols)), sympy.Integer(0))

    def _evaluate(self, key: str, expression: sympy.Expr, points: np.ndarray) -> np.ndarray:
        what = f"{key} of the formula {_shown(self.text)}"
        if key not in self._compiled:
            self._compiled[key] = _compile(self._symbols, expression, what)
        points = np.asarray(points, dtype=float)
        if points.ndim != 2 or points.shape[0] != self.dimension:
            raise ValueError(f"points must have shape ({self.dimension}, n), got {points.shape}")
        return _evaluate(self._compiled[key], list(points), points.shape[1:], what)

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at the points, shape ``(n,)``."""
        return self._evaluate("f", self.expression, points)

    def gradient(self, points: np.ndarray) -> np.ndarray:
        """grad f at the points, shape ``(dim, n)``."""
        return np.array([self._evaluate(f"d{i}", first, points) for i, first in enumerate(self._gradient_expressions)]).reshape(self.dimension, -1)

    def laplacian(self, points: np.ndarray) -> np.ndarray:
        """Laplacian of f at the points, shape ``(n,)``."""
        return self._evaluate("lap", self._laplacian_expression, points)

    def gradient_laplacian(self, points: np.ndarray) -> np.ndarray:
        """grad of the Laplacian of f, shape ``(dim, n)``."""
        return np.array(
            [
                self._evaluate(f"dlap{i}", differentiate(self._laplacian_expression, s, f"the gradient of the Laplacian of the formula {_shown(self.text)}", self.expression), points)
                for i, s in enumerate(self._symbols)
            ]
        ).reshape(self.dimension, -1)
