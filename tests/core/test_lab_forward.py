"""Forward mode against torch.func.jvp, and its captions on the lecture figure."""

import math
import unicodedata

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.engine.graph import build_graph
from core.lab.backward_graph import LabError
from core.lab.forward_mode import ForwardMode, dot, tangent_values

from .torch_reference import INPUTS, TORCH, formulas, jvp, programs, same_number, torch_tree, values

inputs = st.fixed_dictionaries({name: values for name in INPUTS})

def finite_graph(text, given_values, pick):
    """The evaluated graph and one of its inputs; examples without inputs or a finite forward pass are skipped."""
    cg = build_graph(text)
    assume(cg.inputs)
    wrt = cg.inputs[pick % len(cg.inputs)]
    cg.evaluate({n: given_values[n] for n in cg.inputs})
    assume(all(math.isfinite(cg.value(n)) for n in cg.nodes))
    return cg, wrt


@settings(deadline=None, max_examples=60)
@given(formula=formulas(), given_values=inputs, pick=st.integers(0, 2))
def test_output_tangent_of_random_formulas_equals_jvp(formula, given_values, pick):
    text, tree = formula
    cg, wrt = finite_graph(text, given_values, pick)
    want = jvp(lambda env: torch_tree(tree, env), given_values, wrt).item()
    assert same_number(tangent_values(cg, wrt)[cg.output], want), (text, wrt)


@settings(deadline=None, max_examples=40)
@given(program=programs(max_statements=8), given_values=inputs, pick=st.integers(0, 2))
def test_every_named_node_tangent_equals_jvp(program, given_values, pick):
    text, statements = program
    cg, wrt = finite_graph(text, given_values, pick)

    def every_statement(env):
        env, results = dict(env), []
        for target, op, args in statements:
            operands = [env[a] if isinstance(a, str) else torch.tensor(a, dtype=torch.float64) for a in args]
            env[target] = TORCH[op](*operands)
            results.append(env[target])  # each statement's own result: a name may be bound again
        return torch.stack(results)

    want = jvp(every_statement, given_values, wrt)
    mine = tangent_values(cg, wrt)
    versions: dict[str, list[int]] = {}  # a name bound again is a new node (u, u′, …), in order
    for n in cg.nodes:
        if cg.node(n)["name"]:
            versions.setdefault(cg.node(n)["name"], []).append(n)
    for index, (target, _, _) in enumerate(statements):
        if versions.get(target):
            node = versions[target].pop(0)
            assert same_number(mine[node], want[index].item()), (text, wrt, target)


LECTURE = "x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)"


def test_golden_captions_on_the_lecture_figure():
    fm = ForwardMode(build_graph(LECTURE).evaluate(), "x")
    assert [step.caption for step in fm.steps] == [unicodedata.normalize("NFD", text) for text in [
        "Forward mode for x: seed ẋ = 1, and ẇ = 0, ḃ = 0",
        "u̇ = ẇ·x + w·ẋ = 0·3 + 2·1 = 2",
        "v̇ = u̇ + ḃ = 2 + 0 = 2",
        "ȧ = ∂a/∂v·v̇ = 1·2 = 2",
        "Done: ȧ = ∂a/∂x = 2. Forward mode gives one input's derivative per pass; "
        "reverse mode gives all 3 inputs' gradients in one backward pass.",
    ]]  # NFD: a tangent's dot is the combining dot above, u̇ as much as ẋ
    assert [step.kind for step in fm.steps] == ["seed", "tangent", "tangent", "tangent", "done"]
    cg = fm.graph
    assert fm.known_after(0) == {}
    assert fm.known_after(1) == {cg.input_nodes["w"]: 0.0, cg.input_nodes["x"]: 1.0, cg.input_nodes["b"]: 0.0}
    assert len(fm.known_after(len(fm))) == len(cg.nodes)


def test_captions_for_w_subtract_and_a_function():
    fm = ForwardMode(build_graph("u = w*x; f = sin(u) - x").evaluate({"w": 2, "x": 0}), "w")
    captions = [unicodedata.normalize("NFC", step.caption) for step in fm.steps]
    assert captions[1] == "u̇ = ẇ·x + w·ẋ = 1·0 + 2·0 = 0"
    assert captions[2] == "(sin(u))˙ = ∂sin(u)/∂u·u̇ = 1·0 = 0"
    assert captions[3] == "ḟ = (sin(u))˙ - ẋ = 0 - 0 = 0"


def test_a_relu_switched_off_blocks_even_an_infinite_tangent():
    cg = build_graph("relu(-1/x)").evaluate({"x": 0.0})  # -1/0 = -inf: relu is off
    assert tangent_values(cg, "x")[cg.output] == 0.0


def test_dots_and_unknown_inputs():
    dots = tuple(unicodedata.normalize("NFC", dot(s)) for s in ("x", "h₁", "(w·x)", "sin(x)"))
    assert dots == ("ẋ", "ḣ₁", "(w·x)˙", "(sin(x))˙")
    with pytest.raises(LabError, match="no input named 'q' \\(its inputs: x\\)"):
        tangent_values(build_graph("x*2").evaluate({"x": 1}), "q")
