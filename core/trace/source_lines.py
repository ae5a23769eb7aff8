"""Where in core/training/variants.py a variant's class does something: the lines code↔graph linking uses.

Line numbers are of the whole file (as an editor shows them), and only lines inside the variant's
own class count, because the window shows each class's source on its own.
"""

from __future__ import annotations

import ast
import inspect
import linecache


class ClassSource:
    """The lines of one class, read from its file with ast (no code is run)."""

    def __init__(self, cls: type):
        self.file = inspect.getsourcefile(cls)
        lines, self.first = inspect.getsourcelines(cls)
        self.last = self.first + len(lines) - 1
        module = ast.parse("".join(linecache.getlines(self.file)))
        self.tree = next(node for node in ast.walk(module) if isinstance(node, ast.ClassDef)
                         and node.name == cls.__name__ and self.contains(node.lineno))

    def contains(self, line: int | None) -> bool:
        """Whether `line` lies inside the class."""
        return line is not None and self.first <= line <= self.last

    def innermost(self, stack_lines: list[int]) -> int | None:
        """The deepest line of the class on a stack (innermost first): where it made something."""
        return next((line for line in stack_lines if self.contains(line)), None)

    def outermost(self, stack_lines: list[int]) -> int | None:
        """The shallowest line of the class on a stack: the statement of step() that led there."""
        return next((line for line in reversed(stack_lines) if self.contains(line)), None)

    def code(self, line: int | None) -> str | None:
        """The text of a line, without indentation or a trailing comment."""
        if line is None:
            return None
        text = linecache.getline(self.file, line)
        return text.split("  #")[0].strip() or None

    def assignment_line(self, name: str, containing: str = "", method: str | None = None) -> int | None:
        """The first line assigning (or updating) `name` or `self.name` whose text has `containing`."""
        for node in self._walk(method):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, ast.AugAssign) else [])
            if any(_names(t) == name for t in targets) and containing in (self.code(node.lineno) or ""):
                return node.lineno
        return None

    def method_line(self, method: str) -> int | None:
        """The first statement of a method (after its docstring, if any)."""
        body = next(node.body for node in self.tree.body
                    if isinstance(node, ast.FunctionDef) and node.name == method)
        if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        return body[0].lineno

    def call_line(self, callee: str) -> int | None:
        """The first line calling something whose dotted name ends in `callee` (like nn.Linear)."""
        for node in self._walk(None):
            if isinstance(node, ast.Call) and _dotted(node.func).endswith(callee):
                return node.lineno
        return None

    def _walk(self, method: str | None):
        root = self.tree
        if method is not None:
            root = next(node for node in self.tree.body
                        if isinstance(node, ast.FunctionDef) and node.name == method)
        return sorted((n for n in ast.walk(root) if hasattr(n, "lineno")), key=lambda n: n.lineno)


def _names(target: ast.AST) -> str | None:
    """`x` for `x = ...` and for `self.x = ...`."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return target.attr
    return None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""
