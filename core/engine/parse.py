"""Read formula text into a `Program`, using Python's own parser and a whitelist; never eval.

The language: a formula (`relu(w*x + b)`) or assignments separated by newlines or `;`
(`u = w*x; v = u + b; a = relu(v)`). `x = 3` gives input x its value. A name may be computed
again, as in Python (`u = u + 1`, `c += d`): the graph shows the versions as u, u′, u″. The last
computing statement is the output. Anything outside `+ - * / **`, unary minus, numbers, names and calls of
the functions in `core.engine.ops.OPS` is refused with a `ParseError` that names the line and column.
"""

from __future__ import annotations

import ast
import difflib
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Union

from core.files import strip_bom
from core.engine.ops import BINARY_OPERATORS, FUNCTIONS, OPS, STUDENT_FUNCTIONS

MAX_CHARACTERS = 20_000
MAX_TERMS = 10_000  # numbers + operations: keeps graphs, layouts and schedules bounded
_PARSER_RECURSION_LIMIT = 25_000  # ast construction recurses once per level of a long sum


class ParseError(ValueError):
    """A formula that cannot be read, with a 1-based line and column."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Num:
    value: float
    line: int
    column: int


@dataclass(frozen=True)
class Var:
    name: str
    line: int
    column: int


@dataclass(frozen=True)
class Apply:
    op: str  # a key of core.engine.ops.OPS
    args: tuple["Expr", ...]
    line: int
    column: int


Expr = Union[Num, Var, Apply]


@dataclass(frozen=True)
class Statement:
    target: str | None  # None for a bare formula (only allowed last)
    expr: Expr
    line: int
    column: int


@dataclass
class Program:
    """Statements that compute, in order, and the input values the text itself sets."""

    statements: list[Statement]
    values: dict[str, float] = field(default_factory=dict)

    @property
    def output(self) -> Statement:
        return self.statements[-1]


_UNSUPPORTED = {
    "Attribute": "attribute access (a.b) is not supported: call functions by name, like relu(x)",
    "Subscript": "indexing with [...] is not supported",
    "Compare": "comparisons (<, ==, ...) are not supported",
    "BoolOp": "'and' / 'or' are not supported",
    "IfExp": "conditional expressions (... if ... else ...) are not supported",
    "Lambda": "lambda functions are not supported",
    "List": "lists are not supported",
    "Tuple": "tuples are not supported: one value per expression",
    "Dict": "dictionaries are not supported",
    "Set": "sets are not supported",
    "ListComp": "comprehensions are not supported",
    "SetComp": "comprehensions are not supported",
    "DictComp": "comprehensions are not supported",
    "GeneratorExp": "generator expressions are not supported",
    "JoinedStr": "text (strings) is not a number",
    "NamedExpr": "the walrus operator := is not supported: write name = value on its own",
    "Starred": "* unpacking is not supported",
    "Await": "await is not supported",
    "Yield": "yield is not supported",
    "YieldFrom": "yield is not supported",
    "Slice": "slices are not supported",
}
_OPERATOR_HINTS = {
    "BitXor": "'^' is not a power in Python: write x**2",
    "FloorDiv": "'//' is not supported: use /",
    "Mod": "'%' is not supported",
    "MatMult": "'@' is not supported: this graph works on numbers",
    "LShift": "'<<' is not supported",
    "RShift": "'>>' is not supported",
    "BitOr": "'|' is not supported",
    "BitAnd": "'&' is not supported",
    "Not": "'not' is not supported",
    "Invert": "'~' is not supported",
}


# Operations written with an operator, not called by name (their ops-table names are reserved)
_WRITTEN_AS = {"add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "neg": "-a", "pow": "a ** b"}


def _operator_name_message(name: str) -> str:
    return (f"'{name}' is an operator's name, not a function: write {_WRITTEN_AS[name]} "
            f"(functions: {', '.join(FUNCTIONS)})")


def parse(text: str) -> Program:
    """Parse formula text into a Program, or raise ParseError naming the line and column."""
    text = strip_bom(text)  # Windows editors start a saved file with U+FEFF
    if len(text) > MAX_CHARACTERS:
        raise ParseError(f"the text is too long ({len(text):,} characters; at most {MAX_CHARACTERS:,})")
    if "\0" in text:
        line, column = _position_of(text, text.index("\0"))
        raise ParseError("the text contains a NUL character", line, column)
    lines = text.splitlines()
    # Leading indentation is harmless in a formula editor; Python would call it an error.
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines]
    source = "\n".join(line[indent:] for line, indent in zip(lines, indents))
    tree = _python_parse(source, indents)
    reader = _Reader(lines, indents)
    return reader.program(tree)


def _python_parse(source: str, indents: list[int]) -> ast.Module:
    try:
        with _recursion_limit(_PARSER_RECURSION_LIMIT):
            return ast.parse(source, mode="exec")
    except SyntaxError as error:
        line = error.lineno or 1
        column = (error.offset or 1) + (indents[line - 1] if 0 < line <= len(indents) else 0)
        message = _syntax_message(error.msg)
        product = _implicit_product(source.splitlines()[line - 1] if 0 < line <= len(indents) else "",
                                    error.offset or 1)
        if product is not None:
            message, start = product
            column = start + (indents[line - 1] if 0 < line <= len(indents) else 0)
        raise ParseError(message, line, max(column, 1)) from None
    except (MemoryError, RecursionError):
        raise ParseError("the formula is nested too deeply to read") from None
    except ValueError as error:  # e.g. a literal Python refuses to convert
        raise ParseError(str(error)) from None


_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)([A-Za-z_]\w*)")


def _implicit_product(line: str, offset: int) -> tuple[str, int] | None:
    """`2x` as people write it on paper: the hint "write 2*x" and where it starts (1-based)."""
    for match in _NUMBER_THEN_NAME.finditer(line):
        if match.start() < offset <= match.end() + 1:
            number, name = match.groups()
            return f"'{match.group()}' is not a product in Python: write {number}*{name}", match.start() + 1
    return None


def _syntax_message(message: str) -> str:
    if message in ("invalid syntax", "invalid syntax. Perhaps you forgot a comma?"):
        return "this is not a valid formula here (check for a missing operator or parenthesis)"
    if message.startswith("Exceeds the limit"):
        return "a number literal is too long"
    return message


@contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _position_of(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


class _Reader:
    """Turns Python's AST into the project's tree, refusing anything off the whitelist."""

    def __init__(self, lines: list[str], indents: list[int]):
        self.lines = lines
        self.indents = indents
        self.terms = 0

    def where(self, node: ast.AST) -> tuple[int, int]:
        """1-based line and character column of a Python AST node in the original text."""
        line = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", 0)
        if 0 < line <= len(self.lines):
            stripped = self.lines[line - 1][self.indents[line - 1]:]
            # ast columns count UTF-8 bytes; people count characters.
            offset = len(stripped.encode("utf-8")[:offset].decode("utf-8", "ignore"))
            offset += self.indents[line - 1]
        return line, offset + 1

    def fail(self, message: str, node: ast.AST) -> ParseError:
        return ParseError(message, *self.where(node))

    def program(self, tree: ast.Module) -> Program:
        """Statements in order. A computed name may be computed again (`u = u + 1`, `c += d`):
        each assignment is a new version of it, as in Python. A number gives an input its value,
        once; using a name as an input and computing it later is the one ordering error."""
        program = Program(statements=[])
        computed_at: dict[str, tuple[int, int]] = {}  # name -> where it was last computed
        valued_at: dict[str, tuple[int, int]] = {}  # name -> where the text gives it a number
        input_at: dict[str, tuple[int, int]] = {}  # name -> first use as an input with no value
        for stmt in tree.body:
            target, value_node = self.statement_parts(stmt)
            expr = self.expression(value_node)
            line, column = self.where(stmt)
            here = _position((line, column))
            for var in _variables(expr):
                if var.name not in computed_at and var.name not in valued_at:
                    input_at.setdefault(var.name, (var.line, var.column))
            if target is not None:
                if target in OPS:
                    raise self.fail(f"'{target}' is a function name: choose another name", stmt)
                if isinstance(expr, Num):
                    if target in computed_at:
                        raise self.fail(
                            f"'{target}' is computed on {_position(computed_at[target])} and given a "
                            f"number on {here}: a number only sets an input, so give it a new name",
                            stmt,
                        )
                    if target in valued_at:
                        raise self.fail(
                            f"'{target}' is given a value twice ({_position(valued_at[target])} and "
                            f"{here}): keep one",
                            stmt,
                        )
                    valued_at[target] = (line, column)
                    program.values[target] = expr.value
                    continue
                if target in input_at and target not in computed_at and target not in valued_at:
                    used = input_at[target]
                    if any((var.line, var.column) == used for var in _variables(expr)):
                        raise self.fail(
                            f"'{target}' is used in its own definition before it has a value: "
                            f"give it one first ({target} = 1) or name the result differently",
                            stmt,
                        )
                    raise self.fail(
                        f"'{target}' is used on {_position(used)} before it is assigned on {here}",
                        stmt,
                    )
                computed_at[target] = (line, column)
            if program.statements and program.statements[-1].target is None:
                previous = program.statements[-1]
                raise ParseError(
                    "only the last statement may be a bare formula: name this one (u = ...)",
                    previous.line,
                    previous.column,
                )
            program.statements.append(Statement(target, expr, line, column))
        if not program.statements:
            if program.values:
                raise ParseError(
                    "nothing to compute: add a formula, like a = relu(w*x + b)", len(self.lines) or 1
                )
            raise ParseError("the formula is empty: type something like relu(w*x + b)")
        return program

    def statement_parts(self, stmt: ast.stmt) -> tuple[str | None, ast.expr]:
        if isinstance(stmt, ast.Expr):
            return None, stmt.value
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                raise self.fail("assign to one plain name, like u = w*x", stmt)
            return stmt.targets[0].id, stmt.value
        if isinstance(stmt, ast.AugAssign):  # c += d is c = c + d, as in Python
            if not isinstance(stmt.target, ast.Name):
                raise self.fail("assign to one plain name, like u += w*x", stmt)
            op_kind = type(stmt.op).__name__
            if op_kind not in BINARY_OPERATORS:
                raise self.fail(_OPERATOR_HINTS.get(op_kind, f"operator {op_kind} is not supported"), stmt)
            current = ast.Name(id=stmt.target.id, ctx=ast.Load())
            ast.copy_location(current, stmt.target)
            combined = ast.BinOp(left=current, op=stmt.op, right=stmt.value)
            ast.copy_location(combined, stmt)
            return stmt.target.id, combined
        if isinstance(stmt, ast.AnnAssign):
            raise self.fail("type annotations are not supported", stmt)
        kind = type(stmt).__name__.lower()
        raise self.fail(
            f"only assignments (u = w*x) and a final formula are allowed, not a {kind} statement",
            stmt,
        )

    def expression(self, root: ast.expr) -> Expr:
        """Convert iteratively: a 3,000-term sum is 3,000 levels deep."""
        done: list[Expr] = []
        stack: list[tuple[ast.expr, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                done.append(self.build(node, done))
                continue
            children = self.children(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
        assert len(done) == 1
        return done[0]

    def children(self, node: ast.expr) -> list[ast.expr]:
        """Check `node` against the whitelist and return the operands to convert first."""
        kind = type(node).__name__
        if isinstance(node, ast.BinOp):
            op_kind = type(node.op).__name__
            if op_kind not in BINARY_OPERATORS:
                raise self.fail(_OPERATOR_HINTS.get(op_kind, f"operator {op_kind} is not supported"), node)
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            op_kind = type(node.op).__name__
            if op_kind not in ("USub", "UAdd"):
                raise self.fail(_OPERATOR_HINTS.get(op_kind, f"operator {op_kind} is not supported"), node)
            return [node.operand]
        if isinstance(node, ast.Call):
            return self.call_arguments(node)
        if isinstance(node, (ast.Name, ast.Constant)):
            return []
        raise self.fail(_UNSUPPORTED.get(kind, f"{kind} is not part of the formula language"), node)

    def call_arguments(self, node: ast.Call) -> list[ast.expr]:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.fail(
                    f"call functions by name: write {node.func.attr}(...), not a.{node.func.attr}(...)",
                    node,
                )
            if isinstance(node.func, ast.Constant) and isinstance(node.func.value, (int, float)):
                raise self.fail(f"a number before '(' is not a product in Python: write "
                                f"{node.func.value!r}*(...)", node)
            raise self.fail("call a function by its name, like relu(v)", node)
        name = node.func.id
        if name in _WRITTEN_AS:
            raise self.fail(_operator_name_message(name), node.func)
        if name not in FUNCTIONS:
            raise self.fail(f"unknown function '{name}'{did_you_mean(name, STUDENT_FUNCTIONS)} "
                            f"(known: {', '.join(STUDENT_FUNCTIONS)})", node.func)
        if node.keywords:
            raise self.fail(f"{name}() takes no keyword arguments", node.keywords[0].value)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(_UNSUPPORTED["Starred"], arg)
        arity = OPS[name].arity
        if len(node.args) != arity:
            wanted = "1 argument" if arity == 1 else f"{arity} arguments"
            raise self.fail(f"{name}() takes {wanted}, got {len(node.args)}", node)
        return list(node.args)

    def build(self, node: ast.expr, done: list[Expr]) -> Expr:
        """Make the project's node for `node`, its converted operands on top of `done`."""
        line, column = self.where(node)
        if isinstance(node, ast.Name):
            if node.id in _WRITTEN_AS:  # the same answer as for add(1, 2)
                raise self.fail(_operator_name_message(node.id), node)
            if node.id in OPS:
                raise self.fail(f"'{node.id}' is a function: call it, like {node.id}(x)", node)
            return Var(node.id, line, column)
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.fail(f"the formula is too large (more than {MAX_TERMS:,} terms)", node)
        if isinstance(node, ast.Constant):
            return Num(self.number(node), line, column)
        if isinstance(node, ast.UnaryOp):
            operand = done.pop()
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(operand, Num):  # "-3" is a number, not an operation on 3
                return Num(-operand.value, line, column)
            return Apply("neg", (operand,), line, column)
        if isinstance(node, ast.BinOp):
            right, left = done.pop(), done.pop()
            return Apply(BINARY_OPERATORS[type(node.op).__name__], (left, right), line, column)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        count = len(node.args)
        args = tuple(done[len(done) - count:])
        del done[len(done) - count:]
        return Apply(node.func.id, args, line, column)

    def number(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"{value!r} is not a number", node)
        if isinstance(value, complex):
            raise self.fail("complex numbers are not supported", node)
        if isinstance(value, (str, bytes)):
            raise self.fail("text (strings) is not a number", node)
        try:
            return float(value)
        except OverflowError:  # an integer literal beyond float range
            return float("inf")


def _position(where: tuple[int, int]) -> str:
    return f"line {where[0]}, column {where[1]}"


def did_you_mean(name: str, known: list[str]) -> str:
    """`: did you mean sigmoid?` for the nearest known name (difflib), or "" if none is near."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        close = [k for k in known if k.lower() == name.lower()]
    return f": did you mean {close[0]}?" if close else ""


def _variables(expr: Expr) -> Iterator[Var]:
    """Every variable reference in `expr`, left to right (iterative: trees can be deep)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Var):
            yield node
        elif isinstance(node, Apply):
            stack.extend(reversed(node.args))
