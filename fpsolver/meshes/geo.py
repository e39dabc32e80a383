"""Allow-list of Gmsh's ``.geo`` language: a geometry may describe shapes, nothing else.

Gmsh runs a ``.geo`` file as a program: ``SystemCall``/``System`` run commands,
``Include``/``Merge`` read other files, ``Save``/``Printf > "file"`` write files, and
``GetEnv``/``FileExists`` probe the machine. A case directory from someone else must be
safe to run, so :func:`check_geo` accepts a statement only when every word in it is on
an allow-list: the geometry and mesh directives (``Point``, ``Line``, ``Circle``,
``Curve Loop``, ``Plane Surface``, ``Physical ...``, ``Transfinite ...``, ``Field[...]``,
``Mesh.*``/``Geometry.*`` options with numeric values, ...), the math functions, variables
assigned earlier in the file, and ``For``/``If`` blocks. Anything else is refused with one
line naming the line of the file.

Sizes are bounded before Gmsh starts: the iterations of nested ``For`` loops (their bounds
must be numbers or variables defined above) and, where the point coordinates and mesh
sizes evaluate to numbers, the number of triangles, estimated as
``2.31 * bounding-box area / h**2`` (an equilateral triangle of side h has area
``0.433 h**2``) with h the median point size, capped by ``Mesh.MeshSizeMax``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from fpsolver._validate import BudgetError, within_budget

__all__ = ["GeoError", "check_geo", "MAX_LOOP_ITERATIONS", "BYTES_PER_TRIANGLE"]

#: Most iterations (product over nested loops) a ``For`` may make.
MAX_LOOP_ITERATIONS = 100_000
#: Memory of one triangle of a FiPy mesh (cells, faces, vertices, geometry arrays), for the budget.
BYTES_PER_TRIANGLE = 2048
#: Triangles per unit area at mesh size h = 1 (1 / (sqrt(3)/4)).
TRIANGLES_PER_AREA = 4 / math.sqrt(3)


class GeoError(ValueError):
    """A ``.geo`` statement outside the allow-list, or a geometry too large; names the line."""


#: Statements (their leading words) that define geometry or mesh constraints.
COMMANDS = frozenset(
    {
        "Point", "Line", "Circle", "Ellipse", "Spline", "BSpline", "Bezier", "Curve Loop", "Line Loop", "Plane Surface",
        "Surface", "Surface Loop", "Volume", "Physical Point", "Physical Line", "Physical Curve", "Physical Surface",
        "Physical Volume", "Transfinite Line", "Transfinite Curve", "Transfinite Surface", "Recombine Surface",
        "Characteristic Length", "MeshSize", "Coherence", "Extrude", "Rotate", "Translate", "Symmetry", "Dilate",
        "Delete", "Background Field", "Rectangle", "Disk", "BooleanUnion", "BooleanDifference", "BooleanIntersection",
        "BooleanFragments", "SetFactory", "Compound Curve", "Compound Surface", "Reverse Surface", "Reverse Curve",
    }
)  # fmt: skip
#: Words that may appear inside an allowed statement.
WORDS = frozenset(
    {
        "Point", "Line", "Curve", "Surface", "Volume", "Physical", "Loop", "Plane", "In", "Layers", "Recombine",
        "Using", "Progression", "Bump", "Beta", "Left", "Right", "Alternate", "AlternateLeft", "AlternateRight",
        "Duplicata", "Pi", "newp", "newl", "newc", "news", "newv", "newll", "newsl", "newreg", "Field", "Length",
        "Characteristic", "Background", "Circle", "Ellipse", "Spline", "BSpline", "Bezier", "Rectangle", "Disk",
        "BooleanUnion", "BooleanDifference", "BooleanIntersection", "BooleanFragments", "Object", "Tool",
        "Distance", "Threshold", "MathEval", "Box", "Ball", "Min", "Max", "Restrict", "Cylinder", "Constant",
        "BoundaryLayer", "Attractor", "MinAniso", "Frustum", "Mean", "Laplacian", "Gradient", "Curvature",
        "PointsList", "CurvesList", "SurfacesList", "EdgesList", "FacesList", "NodesList",
    }
    | {word for command in COMMANDS for word in command.split()}
)  # fmt: skip
#: Gmsh keywords that can never be variable names (assigning one is refused).
RESERVED = frozenset(
    {
        "SystemCall", "System", "NonBlockingSystemCall", "Include", "Merge", "MergeWithBoundingBox", "ShapeFromFile",
        "Save", "Print", "Printf", "Sprintf", "Error", "Warning", "GetEnv", "GetString", "GetNumber", "GetValue",
        "FileExists", "Exists", "StrCat", "Str", "AbsolutePath", "DirName", "CreateDir", "Exit", "Abort", "Sleep",
        "Plugin", "OnelabRun", "Call", "Macro", "Function", "Return", "View", "Hide", "Show", "Draw", "General",
        "Solver", "PostProcessing", "Mesh", "Geometry", "Field", "For", "EndFor", "If", "ElseIf", "Else", "EndIf",
    }
)  # fmt: skip
#: Functions of an expression (name followed by a parenthesis).
FUNCTIONS = {
    "Sqrt": math.sqrt, "Sin": math.sin, "Cos": math.cos, "Tan": math.tan, "Asin": math.asin, "Acos": math.acos,
    "Atan": math.atan, "Atan2": math.atan2, "Sinh": math.sinh, "Cosh": math.cosh, "Tanh": math.tanh, "Exp": math.exp,
    "Log": math.log, "Log10": math.log10, "Fabs": abs, "Abs": abs, "Floor": math.floor, "Ceil": math.ceil,
    "Round": round, "Fmod": math.fmod, "Modulo": math.fmod, "Hypot": math.hypot, "Min": min, "Max": max,
}  # fmt: skip
#: Option categories assignable as ``Category.Name = number;``.
OPTION_CATEGORIES = frozenset({"Mesh", "Geometry"})
MESH_SIZE_OPTIONS = ("MeshSizeMax", "CharacteristicLengthMax")
MESH_FACTOR_OPTIONS = ("MeshSizeFactor", "CharacteristicLengthFactor")

_TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?\*/)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|&&|\|\||\+=|-=|\*=|/=|\+\+|--|[-+*/^%(){}\[\],;:=<>!?.\#~|&])
      | (?P<space>\s+)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


def tokens(text: str, where: str = ".geo") -> list[Token]:
    """The tokens of ``text`` with their line numbers (comments and blanks dropped)."""
    found, position, line = [], 0, 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise GeoError(f"{where} line {line}: unexpected character {text[position]!r}")
        kind = match.lastgroup or ""
        if kind not in ("comment", "space"):
            found.append(Token(kind, match.group(), line))
        line += match.group().count("\n")
        position = match.end()
    return found


@dataclass
class _State:
    """Variables seen so far (value or None when not a plain number) and the geometry's extent."""

    variables: dict[str, float | None] = field(default_factory=dict)
    loops: list[int] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)
    options: dict[str, float] = field(default_factory=dict)


def _evaluate(items: list[Token], state: _State) -> float | None:
    """The value of a numeric expression of numbers, known variables, + - * / ^, parentheses
    and :data:`FUNCTIONS`; None when it is anything else (a list, an unknown variable)."""
    source = []
    for token in items:
        if token.kind == "number":
            source.append(repr(float(token.text)))  # floats: 10^10^10 overflows instead of growing an integer
        elif token.kind == "name" and token.text == "Pi":
            source.append(repr(math.pi))
        elif token.kind == "name" and token.text in FUNCTIONS:
            source.append(f"F[{token.text!r}]")
        elif token.kind == "name" and state.variables.get(token.text) is not None:
            source.append(repr(state.variables[token.text]))
        elif token.kind == "op" and token.text in "+-*/^(),":
            source.append("**" if token.text == "^" else token.text)
        else:
            return None
    if not source:
        return None
    try:
        value = eval(" ".join(source), {"__builtins__": {}, "F": FUNCTIONS})  # only numbers, operators and FUNCTIONS
        return float(value) if math.isfinite(value) else None
    except (ArithmeticError, SyntaxError, TypeError, ValueError):
        return None


def _split(items: list[Token], separator: str) -> list[list[Token]]:
    """``items`` split at ``separator`` outside brackets."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in items:
        if token.kind == "op" and token.text in "([{":
            depth += 1
        elif token.kind == "op" and token.text in ")]}":
            depth -= 1
        if depth == 0 and token.kind == "op" and token.text == separator:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _bracketed(items: list[Token], start: int, where: str) -> int:
    """Index just past the bracket group opening at ``items[start]``."""
    depth = 0
    for index in range(start, len(items)):
        if items[index].kind == "op" and items[index].text in "([{":
            depth += 1
        elif items[index].kind == "op" and items[index].text in ")]}":
            depth -= 1
            if depth == 0:
                return index + 1
    raise GeoError(f"{where} line {items[start].line}: unbalanced brackets")


def _refuse(token: Token, where: str) -> GeoError:
    return GeoError(
        f"{where} line {token.line}: {token.text!r} is not allowed in a .geo file (only points, curves, surfaces, physical groups, "
        "mesh sizes and options, variables and bounded For loops; nothing that runs a program or reads or writes a file)"
    )


def _check_words(statement: list[Token], state: _State, where: str, defined: set[str]) -> None:
    """Every name in ``statement`` is an allowed word, a function, an option name or a variable."""
    for index, token in enumerate(statement):
        if token.kind != "name":
            continue
        after = statement[index + 1] if index + 1 < len(statement) else None
        before = statement[index - 1] if index > 0 else None
        if before is not None and before.kind == "op" and before.text == ".":
            continue  # an option or field property name: Mesh.MeshSizeMax, Field[1].PointsList
        called = after is not None and after.text == "("
        if called and (token.text in FUNCTIONS or token.text in WORDS):
            continue  # Sqrt(...), Point(...) in Point{...} In Surface{...}
        if not called and (token.text in WORDS or token.text in defined or token.text in OPTION_CATEGORIES):
            continue
        raise _refuse(token, where)


def _leading_words(statement: list[Token]) -> str:
    words = []
    for token in statement:
        if token.kind != "name":
            break
        words.append(token.text)
    return " ".join(words)


def _statement(statement: list[Token], state: _State, where: str, defined: set[str]) -> None:
    first = statement[0]
    if first.kind != "name":
        raise GeoError(f"{where} line {first.line}: a statement starts with {first.text!r}")
    second = statement[1] if len(statement) > 1 else None
    words = _leading_words(statement)
    # Mesh.Name = number;  Geometry.Name = number;  Field[n].Name = value;
    if first.text in OPTION_CATEGORIES and second is not None and second.text == ".":
        if len(statement) < 5 or statement[2].kind != "name" or statement[3].text != "=":
            raise GeoError(f"{where} line {first.line}: expected {first.text}.Option = number;")
        if any(token.kind == "string" for token in statement[4:]):
            raise GeoError(f"{where} line {first.line}: options take numbers, not strings")
        _check_words(statement[4:], state, where, defined)
        value = _evaluate(statement[4:], state)
        if first.text == "Mesh" and value is not None:
            state.options[statement[2].text] = value
        return
    if first.text == "Field":
        _check_words(statement[1:], state, where, defined)
        return
    assignment = next((i for i, token in enumerate(statement) if token.kind == "op" and token.text in ("=", "+=", "-=", "*=", "/=")), None)
    if words not in COMMANDS and not any(words.startswith(command + " ") for command in COMMANDS):
        # a variable: name = expr;  name[] = {...};  name += ...;
        index = 1
        if second is not None and second.text == "[":
            index = _bracketed(statement, 1, where)
        if assignment != index or first.text in FUNCTIONS or first.text in WORDS or first.text in RESERVED:
            raise _refuse(first, where)
        _check_words(statement[index + 1 :], state, where, defined)
        defined.add(first.text)
        value = _evaluate(statement[index + 1 :], state) if index == 1 and statement[index].text == "=" and not state.loops else None
        state.variables[first.text] = value
        return
    _check_words(statement, state, where, defined)
    if first.text == "Point" and assignment is not None and not state.loops:
        body = statement[assignment + 1 :]
        if body and body[0].text == "{" and body[-1].text == "}":
            parts = _split(body[1:-1], ",")
            coordinates = [_evaluate(part, state) for part in parts]
            if len(coordinates) >= 2 and coordinates[0] is not None and coordinates[1] is not None:
                state.xs.append(coordinates[0])
                state.ys.append(coordinates[1])
            if len(coordinates) >= 4 and coordinates[3] is not None and coordinates[3] > 0:
                state.sizes.append(coordinates[3])


def _loop(header: list[Token], state: _State, where: str, defined: set[str]) -> None:
    """``For i In {a:b}``, ``For i In {a:b:c}`` or ``For (a:b[:c])``: check the bounds and count."""
    line = header[0].line
    rest = header[1:]
    if rest and rest[0].kind == "name":
        if len(rest) < 3 or rest[1].text != "In" or rest[2].text != "{":
            raise GeoError(f"{where} line {line}: expected For name In {{start:stop}}")
        defined.add(rest[0].text)
        state.variables[rest[0].text] = None
        rest = rest[2:]
    if not rest or rest[0].text not in "({" or _bracketed(rest, 0, where) != len(rest):
        raise GeoError(f"{where} line {line}: expected For (start:stop) or For name In {{start:stop}}")
    _check_words(rest, state, where, defined)
    bounds = [_evaluate(part, state) for part in _split(rest[1:-1], ":")]
    if len(bounds) not in (2, 3) or any(bound is None for bound in bounds):
        raise GeoError(f"{where} line {line}: For loop bounds must be numbers or variables defined above it, so its size is known")
    start, stop, step = bounds[0], bounds[1], bounds[2] if len(bounds) == 3 else 1.0
    if step == 0:
        raise GeoError(f"{where} line {line}: For loop step is 0")
    count = max(0, math.floor((stop - start) / step + 1e-9) + 1)  # type: ignore[operator]
    total = math.prod(state.loops) * max(count, 1)
    if total > MAX_LOOP_ITERATIONS:
        raise GeoError(f"{where} line {line}: For loops make {total:.3g} iterations (at most {MAX_LOOP_ITERATIONS})")
    state.loops.append(max(count, 1))


def _estimate_triangles(state: _State) -> float | None:
    """Triangles of the mesh from the extent of the points and their median size (see the module docstring)."""
    sizes = sorted(state.sizes)
    limit = next((state.options[name] for name in MESH_SIZE_OPTIONS if name in state.options and state.options[name] > 0), None)
    h = sizes[len(sizes) // 2] if sizes else limit
    if h is None or len(state.xs) < 2:
        return None
    h = min(h, limit) if limit is not None else h
    h *= next((state.options[name] for name in MESH_FACTOR_OPTIONS if name in state.options and state.options[name] > 0), 1.0)
    area = (max(state.xs) - min(state.xs)) * (max(state.ys) - min(state.ys))
    return TRIANGLES_PER_AREA * area / h**2


def _statement_end(items: list[Token], start: int) -> int | None:
    """Index of the ``;`` ending the statement at ``start`` (outside brackets, so
    ``Extrude {...} {Surface{1};}`` is one statement); None when there is none."""
    depth = 0
    for index in range(start, len(items)):
        text = items[index].text if items[index].kind == "op" else ""
        depth += (text in ("(", "[", "{")) - (text in (")", "]", "}"))
        if depth <= 0 and text == ";":
            return index
    return None


def check_geo(text: str, where: str = ".geo") -> float | None:
    """Refuse ``text`` unless every statement is on the allow-list; return the estimated
    number of triangles (None where the sizes do not evaluate to numbers).

    Raises
    ------
    GeoError
        Naming ``where`` and the line: a directive, function or word outside the allow-list,
        an unbounded or too long loop, or a mesh over the memory budget.
    """
    items = tokens(text, where)
    state = _State()
    defined: set[str] = set()
    index = 0
    while index < len(items):
        token = items[index]
        if token.kind == "name" and token.text == "For":
            end = _bracketed(items, next((i for i in range(index, len(items)) if items[i].text in "({"), len(items) - 1), where)
            _loop(items[index:end], state, where, defined)
            index = end
        elif token.kind == "name" and token.text == "EndFor":
            if not state.loops:
                raise GeoError(f"{where} line {token.line}: EndFor without For")
            state.loops.pop()
            index += 1
        elif token.kind == "name" and token.text in ("If", "ElseIf"):
            if index + 1 >= len(items) or items[index + 1].text != "(":
                raise GeoError(f"{where} line {token.line}: expected {token.text} (condition)")
            end = _bracketed(items, index + 1, where)
            _check_words(items[index + 1 : end], state, where, defined)
            index = end
        elif token.kind == "name" and token.text in ("Else", "EndIf"):
            index += 1
        else:
            end = _statement_end(items, index)
            if end is None:
                _statement(items[index:], state, where, defined)  # a word off the allow-list is the first fault
                raise GeoError(f"{where} line {token.line}: statement without a closing ';'")
            if end > index:
                _statement(items[index:end], state, where, defined)
            index = end + 1
    if state.loops:
        raise GeoError(f"{where}: For without EndFor")
    triangles = _estimate_triangles(state)
    if triangles is not None:
        try:
            within_budget("the mesh", memory_bytes=BYTES_PER_TRIANGLE * triangles, steps=triangles, detail=f"about {triangles:.3g} triangles")
        except BudgetError as exc:
            raise GeoError(f"{where}: {exc}") from None
    return triangles
