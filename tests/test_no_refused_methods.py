"""No subclass refuses a method of its parent: a method whose whole body is `raise` breaks the promise its base makes."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def refused_methods(source: str) -> list[str]:
    """Methods of classes with a base whose body (after a docstring) is a single raise statement."""
    found = []
    for cls in ast.walk(ast.parse(source)):
        if not isinstance(cls, ast.ClassDef) or not cls.bases:
            continue
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            body = method.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            if len(body) == 1 and isinstance(body[0], ast.Raise):
                found.append(f"{cls.name}.{method.name}")
    return found


def test_the_check_sees_a_refusal():
    sample = "class Tensor(Graph):\n    def evaluate(self):\n        '''Not here.'''\n        raise TypeError('no')\n"
    assert refused_methods(sample) == ["Tensor.evaluate"]


def test_no_class_in_the_project_refuses_a_method():
    refusals = {str(path.relative_to(ROOT)): refused_methods(path.read_text(encoding="utf-8"))
                for package in ("core", "gui") for path in (ROOT / package).rglob("*.py")}
    assert {path: names for path, names in refusals.items() if names} == {}
