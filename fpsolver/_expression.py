"""Safe parsing of user formulas into sympy expressions, and their fast evaluation.

User text is never passed to Python's ``eval`` (nor to sympy's ``sympify``, which
evaluates). The string is parsed by :mod:`ast` and the syntax tree is walked with a
whitelist of node types, function names and symbols, building the sympy expression
directly. Derivatives are symbolic; evaluation uses ``sympy.lambdify`` on the trusted
expression tree we built.
"""

from __future__ import annotations

import ast
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
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


class FormulaError(ValueError):
    """A user formula that cannot be parsed or uses unknown names."""


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
        raise FormulaError("formula must be a non-empty string")
    parameters = dict(parameters or {})
    symbols = {name: sympy.Symbol(name, real=True) for name in variables}
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {text!r} is not valid syntax: {exc.msg}") from None

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
            raise FormulaError(f"formula {text!r} uses unknown symbol {node.id!r} (known: {', '.join(known)})")
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id not in _FUNCTIONS:
                raise FormulaError(f"formula {text!r} calls unknown function {node.func.id!r} (known: {', '.join(sorted(_FUNCTIONS))})")
            if len(node.args) != 1:
                raise FormulaError(f"formula {text!r}: {node.func.id}() takes exactly one argument")
            return _FUNCTIONS[node.func.id](build(node.args[0]))
        raise FormulaError(f"formula {text!r} contains a construct that is not allowed: {ast.dump(node)[:60]}")

    return build(tree)


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

    @classmethod
    def from_text(cls, text: str, variable: str = "x", parameters: Mapping[str, float] | None = None) -> SymbolicFunction:
        return cls(parse_formula(text, (variable,), parameters), variable)

    @cached_property
    def text(self) -> str:
        return str(self.expression)

    def derivative_expression(self, order: int) -> sympy.Expr:
        return sympy.diff(self.expression, self._symbol, order) if order else self.expression

    def __call__(self, x: np.ndarray, order: int = 0) -> np.ndarray:
        """Evaluate the ``order``-th derivative at the points ``x``."""
        if order not in self._compiled:
            template, constants = _template(self.expression)
            self._compiled[order] = (_compiled_template(template, self._symbol, len(constants), order), constants)
        function, constants = self._compiled[order]
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            value = function(x, *constants)
        return np.broadcast_to(np.asarray(value, dtype=float), x.shape).copy()


def _template(expression: sympy.Expr) -> tuple[sympy.Expr, tuple[float, ...]]:
    """``expression`` with its float constants replaced by placeholder symbols, and their
    values: formulas that differ only in parameter values (a model rebuilt at every step
    of a fit) share one template, so they are differentiated and compiled once. Float
    exponents stay literal (d/du u^c = c u^c / u would turn u^2.0 into 0/0 at u = 0)."""
    exponents = {power.exp for power in expression.atoms(sympy.Pow)}
    constants = sorted(expression.atoms(sympy.Float) - exponents, key=float)
    placeholders = [sympy.Symbol(f"_constant_{i}", real=True) for i in range(len(constants))]
    return expression.xreplace(dict(zip(constants, placeholders))), tuple(float(c) for c in constants)


@lru_cache(maxsize=256)
def _compiled_template(template: sympy.Expr, symbol: sympy.Symbol, n_constants: int, order: int):
    """The ``order``-th derivative of ``template`` by ``symbol`` as a numpy function of (symbol, constants...)."""
    placeholders = [sympy.Symbol(f"_constant_{i}", real=True) for i in range(n_constants)]
    derivative = sympy.diff(template, symbol, order) if order else template
    return sympy.lambdify((symbol, *placeholders), derivative, modules="numpy")


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

    @cached_property
    def text(self) -> str:
        return str(self.expression)

    @cached_property
    def _laplacian_expression(self) -> sympy.Expr:
        return sum((sympy.diff(self.expression, s, 2) for s in self._symbols), sympy.Integer(0))

    def _evaluate(self, key: str, expression: sympy.Expr, points: np.ndarray) -> np.ndarray:
        if key not in self._compiled:
            self._compiled[key] = sympy.lambdify(self._symbols, expression, modules="numpy")
        points = np.asarray(points, dtype=float)
        if points.ndim != 2 or points.shape[0] != self.dimension:
            raise ValueError(f"points must have shape ({self.dimension}, n), got {points.shape}")
        with np.errstate(all="ignore"):
            value = self._compiled[key](*points)
        return np.broadcast_to(np.asarray(value, dtype=float), points.shape[1:]).copy()

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at the points, shape ``(n,)``."""
        return self._evaluate("f", self.expression, points)

    def gradient(self, points: np.ndarray) -> np.ndarray:
        """grad f at the points, shape ``(dim, n)``."""
        return np.array([self._evaluate(f"d{i}", sympy.diff(self.expression, s), points) for i, s in enumerate(self._symbols)]).reshape(self.dimension, -1)

    def laplacian(self, points: np.ndarray) -> np.ndarray:
        """Laplacian of f at the points, shape ``(n,)``."""
        return self._evaluate("lap", self._laplacian_expression, points)

    def gradient_laplacian(self, points: np.ndarray) -> np.ndarray:
        """grad of the Laplacian of f, shape ``(dim, n)``."""
        return np.array([self._evaluate(f"dlap{i}", sympy.diff(self._laplacian_expression, s), points) for i, s in enumerate(self._symbols)]).reshape(self.dimension, -1)
