"""Second derivatives from the graph of the backward pass, against torch's double backward."""

import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.engine.graph import build_graph
from core.lab.backward_graph import LabError, backward_program, gradient_graph, hessian

from .torch_reference import INPUTS, formulas, programs, same_number, torch_program, torch_tree, values

inputs = st.fixed_dictionaries({name: values for name in INPUTS})


def torch_hessian(build, names, given_values):
    """torch.autograd.functional.hessian in float64, as {row: {column: value}}."""
    primals = tuple(torch.tensor(given_values[n], dtype=torch.float64) for n in names)

    def f(*tensors):
        return build(dict(zip(names, tensors)))

    table = torch.autograd.functional.hessian(f, primals)
    return {r: {c: table[i][j].item() for j, c in enumerate(names)} for i, r in enumerate(names)}


def check_hessian(text, build, given_values):
    cg = build_graph(text)
    names = cg.inputs
    assume(names)
    cg.evaluate({n: given_values[n] for n in names})
    assume(all(math.isfinite(cg.value(n)) for n in cg.nodes))  # a finite forward pass
    mine = hessian(cg)
    want = torch_hessian(build, names, given_values)
    for row in names:
        for column in names:
            assert same_number(mine[row][column], want[row][column]), (text, row, column, mine, want)


@settings(deadline=None, max_examples=100)
@given(formula=formulas(max_leaves=8), given_values=inputs)
def test_hessian_of_random_formulas_equals_torch(formula, given_values):
    text, tree = formula
    check_hessian(text, lambda env: torch_tree(tree, env), given_values)


@settings(deadline=None, max_examples=60)
@given(program=programs(max_statements=6), given_values=inputs)
def test_hessian_of_random_programs_with_shared_names_equals_torch(program, given_values):
    text, statements = program
    check_hessian(text, lambda env: torch_program(statements, env), given_values)


KINKS = [
    ("relu(x) * x", {"x": 0.0}),  # relu'' = 0 and relu'(0) = 0
    ("relu(x*x - 1) * y", {"x": 1.0, "y": 2.0}),
    ("abs(x) * x", {"x": 0.0}),
    ("max(x*y, x**2)", {"x": 2.0, "y": 2.0}),  # a tie: each side gets half
    ("min(x, y) * x", {"x": 1.0, "y": 1.0}),
    ("x**y", {"x": 0.0, "y": 2.0}),  # pow at 0: torch's where() on the exponent's gradient
    ("x**y", {"x": 0.0, "y": 0.0}),
    ("x**3", {"x": 0.0}),
    ("sqrt(x) * y", {"x": 1.0, "y": 0.5}),
    ("sigmoid(x) * tanh(y) / (x + 2)", {"x": 0.5, "y": -0.5}),
    # max's backward compares x with sqrt(y): torch records no gradient through that comparison,
    # so sqrt'(0) = inf never meets a 0 there (0 · inf would be nan; found by hypothesis)
    ("max(x, sqrt(y))", {"x": 0.0, "y": 0.0}),
]


@pytest.mark.parametrize("text, given_values", KINKS)
def test_hessian_at_kinks_equals_torch(text, given_values):
    from core.engine.parse import parse  # the kink formulas are tiny: read them with torch directly

    names = build_graph(text).inputs
    env_fn = _torch_function(text)
    cg = build_graph(text).evaluate(given_values)
    want = torch_hessian(env_fn, names, given_values)
    assert parse(text)
    mine = hessian(cg)
    assert all(same_number(mine[r][c], want[r][c]) for r in names for c in names), (mine, want)


def _torch_function(text):
    """The formula as a torch function: the names map to torch's own functions, never eval'd text."""
    import ast

    functions = {"relu": torch.relu, "abs": torch.abs, "max": torch.maximum, "min": torch.minimum,
                 "sqrt": torch.sqrt, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    binary = {ast.Add: torch.add, ast.Sub: torch.sub, ast.Mult: torch.mul, ast.Div: torch.div, ast.Pow: torch.pow}

    def walk(node, env):
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.Constant):
            return torch.tensor(float(node.value), dtype=torch.float64)
        if isinstance(node, ast.BinOp):
            return binary[type(node.op)](walk(node.left, env), walk(node.right, env))
        assert isinstance(node, ast.Call)
        return functions[node.func.id](*[walk(a, env) for a in node.args])

    tree = ast.parse(text, mode="eval").body
    return lambda env: walk(tree, env)


def test_the_backward_graph_of_the_lecture_figure_reads_like_torchs():
    cg = build_graph("x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)").evaluate()
    assert backward_program(cg, "w") == (
        "w = 2; x = 3; b = 1; da_da = 1\n"
        "u = w * x\nv = u + b\na = relu(v)\n"
        "da_dv = where(le(a, 0), 0, da_da)\n"
        "da_dw = da_dv * x"
    )
    row = gradient_graph(cg, "w")
    assert row.value(row.output) == 3.0  # ∂a/∂w itself
    assert row.gradients() == {"w": 0.0, "x": 1.0, "b": 0.0, "da_da": 3.0}


def test_differentiating_twice_gives_third_derivatives_like_torch():
    cg = build_graph("sin(x) * x**3 * y").evaluate({"x": 0.7, "y": 1.3})
    second = gradient_graph(cg, "x")  # ∂f/∂x as a graph
    third = gradient_graph(second, "x")  # ∂²f/∂x² as a graph, differentiated again by evaluate()
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(1.3, dtype=torch.float64)
    (g,) = torch.autograd.grad(torch.sin(x) * x**3 * y, x, create_graph=True)
    (h,) = torch.autograd.grad(g, x, create_graph=True)
    (k,) = torch.autograd.grad(h, x)
    assert same_number(second.value(second.output), g.item())
    assert same_number(third.value(third.output), h.item())
    assert same_number(third.gradients()["x"], k.item())


def test_an_input_that_does_not_feed_the_output_has_nothing_to_differentiate():
    cg = build_graph("u = x*y; z*2").evaluate({"x": 1, "y": 2, "z": 3})
    with pytest.raises(LabError, match="x does not feed f"):
        backward_program(cg, "x")
    with pytest.raises(LabError, match="no input named 'q'"):
        backward_program(cg, "q")
    assert hessian(cg) == {r: {c: 0.0 for c in "xyz"} for r in "xyz"}
