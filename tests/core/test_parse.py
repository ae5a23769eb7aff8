"""The parser reads the formula language and refuses everything else with line and column."""

import time

import pytest

from core.engine.parse import Apply, Num, ParseError, Var, parse

KNOWN = ("abs, cos, exp, exp2, expm1, log, log1p, log2, max, min, reciprocal, relu, sigmoid, sin, "
         "softplus, sqrt, square, tanh")


def test_a_formula_is_one_bare_statement():
    program = parse("relu(w*x + b)")
    assert len(program.statements) == 1
    out = program.output
    assert out.target is None
    assert isinstance(out.expr, Apply) and out.expr.op == "relu"
    add = out.expr.args[0]
    assert add.op == "add" and add.args[0].op == "mul"
    assert [a.name for a in add.args[0].args] == ["w", "x"]


def test_assignments_by_semicolon_or_newline_and_number_assignments_set_values():
    a = parse("x = 3; w = 2; b = 1; u = w*x; v = u + b; a = relu(v)")
    b = parse("x = 3\nw = 2\nb = 1\nu = w*x\nv = u + b\na = relu(v)")
    assert a.values == b.values == {"x": 3.0, "w": 2.0, "b": 1.0}
    assert [s.target for s in a.statements] == ["u", "v", "a"] == [s.target for s in b.statements]
    assert a.output.target == "a"


def test_negative_number_is_a_number_and_negation_of_a_name_is_an_operation():
    program = parse("x = -3; y = -x")
    assert program.values == {"x": -3.0}
    assert program.output.expr == Apply("neg", (Var("x", 1, 14),), 1, 13)


def test_values_may_follow_the_formula_and_indentation_is_forgiven():
    program = parse("  a = relu(w*x)\n  w = 2\n\tx = 3")
    assert program.output.target == "a" and program.values == {"w": 2.0, "x": 3.0}


def test_names_may_be_computed_again_as_in_python():
    program = parse("u = x*2; u = u + 1\nc = 2; c += u; c **= 2")
    assert [s.target for s in program.statements] == ["u", "u", "c", "c"]
    assert program.values == {"c": 2.0}
    assert program.statements[1].expr == Apply("add", (Var("u", 1, 14), Num(1.0, 1, 18)), 1, 14)
    assert program.statements[2].expr == Apply("add", (Var("c", 2, 8), Var("u", 2, 13)), 2, 8)
    assert program.statements[3].expr.op == "pow"


def test_huge_integer_literal_becomes_infinity_not_an_error():
    assert parse("x * " + "9" * 400).output.expr.args[1] == Num(float("inf"), 1, 5)


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ("torch.relu(x)", "call functions by name: write relu(...), not a.relu(...)", 1, 1),
        ("x.y + 1", "attribute access (a.b) is not supported: call functions by name, like relu(x)", 1, 1),
        ("x[0] * 2", "indexing with [...] is not supported", 1, 1),
        ("(lambda t: t)(x)", "call a function by its name, like relu(v)", 1, 1),
        ("f = lambda t: t", "lambda functions are not supported", 1, 5),
        ("sum([x for x in y])", "unknown function 'sum' (known: " + KNOWN + ")", 1, 1),
        ("relu([x for x in y])", "comprehensions are not supported", 1, 6),
        ("relu([x, y])", "lists are not supported", 1, 6),
        ("a = 1\nb = foo(a)", "unknown function 'foo' (known: " + KNOWN + ")", 2, 5),
        ("x ^ 2", "'^' is not a power in Python: write x**2", 1, 1),
        ("x // 2", "'//' is not supported: use /", 1, 1),
        ("x < 2", "comparisons (<, ==, ...) are not supported", 1, 1),
        ("'text'", "text (strings) is not a number", 1, 1),
        ("True + x", "True is not a number", 1, 1),
        ("3j * x", "complex numbers are not supported", 1, 1),
        ("import os", "only assignments (u = w*x) and a final formula are allowed, not a import statement", 1, 1),
        ("x += 1", "'x' is used in its own definition before it has a value: give it one first (x = 1) "
         "or name the result differently", 1, 1),
        ("x //= 2", "'//' is not supported: use /", 1, 1),
        ("sigmod(x)", "unknown function 'sigmod': did you mean sigmoid? (known: " + KNOWN + ")", 1, 1),
        ("2x + 1", "'2x' is not a product in Python: write 2*x", 1, 1),
        ("y = 3*x + 2.5w", "'2.5w' is not a product in Python: write 2.5*w", 1, 11),
        ("2(x + 1)", "a number before '(' is not a product in Python: write 2*(...)", 1, 1),
        ("u = w*x; u = 5", "'u' is computed on line 1, column 1 and given a number on line 1, column 10: "
         "a number only sets an input, so give it a new name", 1, 10),
        ("x = 3; y = x*2; x = 4", "'x' is given a value twice (line 1, column 1 and line 1, column 17): keep one",
         1, 17),
        ("a, b = 1, 2", "assign to one plain name, like u = w*x", 1, 1),
        ("max(x)", "max() takes 2 arguments, got 1", 1, 1),
        ("relu(x, y)", "relu() takes 1 argument, got 2", 1, 1),
        ("relu(v=x)", "relu() takes no keyword arguments", 1, 8),
        ("relu + 1", "'relu' is a function: call it, like relu(x)", 1, 1),
        ("relu = x*2", "'relu' is a function name: choose another name", 1, 1),
        ("a = u*2\nu = x + 1", "'u' is used on line 1, column 5 before it is assigned on line 2, column 1", 2, 1),
        ("y = 1; a = u*2; u = x + 1", "'u' is used on line 1, column 12 before it is assigned on line 1, column 17",
         1, 17),
        ("x = x*2", "'x' is used in its own definition before it has a value: give it one first (x = 1) "
         "or name the result differently", 1, 1),
        ("x*2\ny = x + 1", "only the last statement may be a bare formula: name this one (u = ...)", 1, 1),
        ("", "the formula is empty: type something like relu(w*x + b)", 1, 1),
        ("x = 3\nw = 2", "nothing to compute: add a formula, like a = relu(w*x + b)", 2, 1),
        ("x = 3\ny = x +* 2", "this is not a valid formula here (check for a missing operator or parenthesis)", 2, 8),
        ("relu(x", "'(' was never closed", 1, 5),
        ("1" * 5000, "a number literal is too long", 1, 1),
        ("x\0", "the text contains a NUL character", 1, 2),
    ],
)
def test_refusals_name_the_problem_with_line_and_column(text, message, line, column):
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)
    assert str(caught.value) == f"line {line}, column {column}: {message}"


def test_columns_count_characters_not_bytes():
    with pytest.raises(ParseError) as caught:
        parse("σ2 = 1; y = σ2 + foo(1)")
    assert caught.value.column == 18


def test_too_long_text_is_refused_before_parsing():
    with pytest.raises(ParseError, match=r"the text is too long \(20,001 characters; at most 20,000\)"):
        parse("x" * 20_001)


def test_very_deep_nesting_fails_cleanly():
    with pytest.raises(ParseError, match="nested too deeply"):
        parse("-" * 15_000 + "x")


def test_200_nested_parentheses_and_calls_work():
    assert parse("(" * 200 + "x" + ")" * 200).output.expr == Var("x", 1, 201)
    expr = parse("relu(" * 200 + "x" + ")" * 200).output.expr
    depth = 0
    while isinstance(expr, Apply):
        expr, depth = expr.args[0], depth + 1
    assert depth == 200


def test_a_3000_term_sum_parses_quickly():
    started = time.perf_counter()
    program = parse("+".join(["x"] * 3000))
    assert time.perf_counter() - started < 5  # generous: it takes milliseconds
    expr, adds = program.output.expr, 0
    while isinstance(expr, Apply):
        expr, adds = expr.args[0], adds + 1
    assert adds == 2999
