"""The engine against torch.autograd: values, gradients and the chain rule's bookkeeping."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.graph import GraphError, build_graph

from .torch_reference import (
    INPUTS, formulas, programs, reference, same_number, torch_program, torch_tree, values,
)

inputs = st.fixed_dictionaries({name: values for name in INPUTS})


def check_against_torch(cg, build, given_values):
    used = {n: v for n, v in given_values.items() if n in cg.input_nodes}
    cg.evaluate(used)
    want_value, want_grads = reference(build, given_values)
    assert same_number(cg.value(cg.output), want_value), (cg.value(cg.output), want_value)
    for name, want in want_grads.items():
        mine = cg.gradients().get(name, 0.0)
        node = cg.input_nodes.get(name)
        scale = sum(
            abs(cg.edge(e)["contribution"] or 0.0) for e in cg.out_edges(node)
        ) if node is not None else 1.0
        assert same_number(mine, want, scale), (name, mine, want)


def check_chain_rule_bookkeeping(cg):
    """Every node's gradient is the sum over its out-edges of downstream gradient × local."""
    for node_id in cg.nodes:
        grad = cg.grad(node_id)
        if node_id == cg.output:
            assert grad == 1.0
            continue
        if not cg.differentiable(node_id):
            assert grad is None
            continue
        total = 0.0
        for edge in cg.out_edges(node_id):
            target = edge[1]
            if not cg.reaches_output(target):
                continue
            data = cg.edge(edge)
            if data["blocked"]:
                assert data["contribution"] == 0.0
            else:
                assert same_number(data["contribution"], cg.grad(target) * data["local_grad"])
            total += data["contribution"]
        assert same_number(grad, total) if not math.isnan(total) else math.isnan(grad)


@settings(deadline=None)
@given(formula=formulas(), given_values=inputs)
def test_random_formulas_agree_with_torch(formula, given_values):
    text, tree = formula
    cg = build_graph(text)
    check_against_torch(cg, lambda env: torch_tree(tree, env), given_values)
    check_chain_rule_bookkeeping(cg)


@settings(deadline=None)
@given(program=programs(), given_values=inputs)
def test_random_programs_with_shared_names_agree_with_torch(program, given_values):
    text, statements = program
    cg = build_graph(text)
    check_against_torch(cg, lambda env: torch_program(statements, env), given_values)
    check_chain_rule_bookkeeping(cg)


def test_lecture_figure_golden_numbers():
    cg = build_graph("x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)").evaluate()
    values = {cg.node(n)["symbol"]: cg.value(n) for n in cg.nodes}
    assert values == {"x": 3, "w": 2, "b": 1, "u": 6, "v": 7, "a": 7}
    assert cg.gradients() == {"w": 3, "x": 2, "b": 1}
    local = {(cg.node(u)["symbol"], cg.node(v)["symbol"]): d["local_grad"] for u, v, d in cg.graph.edges(data=True)}
    assert local == {("w", "u"): 3, ("x", "u"): 2, ("u", "v"): 1, ("b", "v"): 1, ("v", "a"): 1}


def test_seed_exercise_inactive_relu_gives_zero_gradients():
    from core.teach.presets import BY_KEY

    cg = build_graph(BY_KEY["inactive-relu"].source).evaluate()
    assert cg.value(cg.output) == 0.0
    assert math.isclose(cg.value(cg.input_nodes["b"]) + (-3.0) + (-2.0), -4.9)
    assert set(cg.gradients().values()) == {0.0}
    assert all(cg.grad(n) == 0.0 for n in cg.nodes if n != cg.output)


def test_a_variable_used_twice_accumulates():
    cg = build_graph("b = a + a; c = b + b").evaluate({"a": 1.5})
    assert cg.value(cg.output) == 6.0
    assert cg.grad(cg.graph.graph.get("x", 1)) == 2.0  # b: used twice by c
    assert cg.gradients() == {"a": 4.0}
    assert cg.graph.number_of_edges() == 4  # two edges a -> b, two edges b -> c
    assert cg.graph.number_of_edges(0, 1) == 2 and cg.graph.number_of_edges(1, 2) == 2


def test_x_times_x_has_two_edges_each_with_its_local_derivative():
    cg = build_graph("x*x").evaluate({"x": 3})
    edges = list(cg.graph.edges(keys=True, data=True))
    assert [(u, v, d["local_grad"]) for u, v, _, d in edges] == [(0, 1, 3.0), (0, 1, 3.0)]
    assert cg.gradients() == {"x": 6.0}


@pytest.mark.parametrize(
    "text, values, want",
    [
        ("relu(x)", {"x": 0.0}, {"x": 0.0}),
        ("abs(x)", {"x": 0.0}, {"x": 0.0}),
        ("max(x, y)", {"x": 2.0, "y": 2.0}, {"x": 0.5, "y": 0.5}),
        ("min(x, y)", {"x": 2.0, "y": 2.0}, {"x": 0.5, "y": 0.5}),
        ("max(x, y)", {"x": 3.0, "y": 2.0}, {"x": 1.0, "y": 0.0}),
        ("x**y", {"x": 0.0, "y": 2.0}, {"x": 0.0, "y": 0.0}),
    ],
)
def test_kinks_follow_torch(text, values, want):
    cg = build_graph(text).evaluate(values)
    assert cg.gradients() == want
    _, torch_grads = reference(lambda env: torch_tree(_tree_of(text), env), {**dict.fromkeys(want, 0.0), **values})
    assert torch_grads == want


def _tree_of(text):
    """Tiny mapping of the kink formulas above to reference trees."""
    trees = {
        "relu(x)": ("relu", ("x",)), "abs(x)": ("abs", ("x",)),
        "max(x, y)": ("max", ("x", "y")), "min(x, y)": ("min", ("x", "y")),
        "x**y": ("pow", ("x", "y")),
    }
    return trees[text]


def test_non_finite_results_are_values_not_crashes():
    cg = build_graph("1/x").evaluate({"x": 0.0})
    assert cg.value(cg.output) == math.inf and cg.gradients() == {"x": -math.inf}
    cg = build_graph("log(x) + sqrt(x)").evaluate({"x": -1.0})
    assert math.isnan(cg.value(cg.output)) and math.isnan(cg.gradients()["x"])
    cg = build_graph("9**9**9**9").evaluate()
    assert cg.value(cg.output) == math.inf
    cg = build_graph("exp(x)").evaluate({"x": 1000.0})
    assert cg.value(cg.output) == math.inf and cg.gradients() == {"x": math.inf}


def test_relu_blocks_even_an_infinite_upstream_gradient_as_torch_does():
    text = "exp(relu(x) * 1000)"
    cg = build_graph(text).evaluate({"x": -1.0})
    _, want = reference(lambda env: torch.exp(torch.relu(env["x"]) * 1000), {"x": -1.0})
    assert cg.gradients() == want == {"x": 0.0}


def test_a_3000_term_sum_works():
    cg = build_graph("+".join(["x"] * 3000)).evaluate({"x": 0.5})
    assert cg.value(cg.output) == 1500.0
    assert cg.gradients() == {"x": 3000.0}


def test_missing_values_are_named():
    with pytest.raises(GraphError, match="no value for input w, b: give one with --set w=VALUE"):
        build_graph("relu(w*x + b)").evaluate({"x": 1})


def test_dead_code_gets_zero_gradient_and_aliases_share_a_node():
    cg = build_graph("u = w*x; k = x; a = relu(k + 1)").evaluate({"w": 2, "x": 3})
    assert cg.gradients() == {"w": 0.0, "x": 1.0}
    assert cg.node(cg.output)["name"] == "a"


def test_constants_get_no_gradient_like_torch():
    cg = build_graph("x**2").evaluate({"x": 3})
    const = next(n for n in cg.nodes if cg.node(n)["kind"] == "const")
    assert cg.grad(const) is None and cg.gradients() == {"x": 6.0}


import torch  # noqa: E402  (used by the relu test above)


def test_automatic_names_skip_every_name_the_program_uses():
    names = "\n".join(f"h{i} = {i}" for i in range(1, 130))
    cg = build_graph(names + "\ny = sigmoid(h1*h2 + h3*h4) + h5").evaluate()
    symbols = {cg.node(n)["symbol"] for n in cg.nodes}
    assert "h₁₃₀" in symbols and not any(s in symbols for s in ("h₁", "h₂"))


def test_unnamed_output_gets_a_free_name():
    cg = build_graph("f = 2; out = 3; output = 4\nf*x + out*output").evaluate({"x": 1})
    assert cg.node(cg.output)["symbol"] == "f2"


def test_rebinding_makes_versions_and_agrees_with_torch():
    text = "u = x*2; u = u + 1\nc = 0.5; c += u; c *= y; c **= 2"
    cg = build_graph(text).evaluate({"x": 1.5, "y": -2.0})
    named = [cg.node(n)["symbol"] for n in cg.nodes if cg.node(n)["name"]]
    assert named == ["u", "u′", "c′", "c″", "c‴"]
    assert [cg.node(n)["symbol"] for n in cg.input_nodes.values()] == ["x", "c", "y"]

    def build(env):  # the same program, run by Python itself on torch tensors
        u = env["x"] * 2
        u = u + 1
        c = env["c"]
        c = c + u  # torch refuses += on a leaf; on Python floats it is the same
        c *= env["y"]
        c **= 2
        return c

    check_against_torch(cg, build, {"x": 1.5, "y": -2.0, "c": 0.5})


def test_derivations_of_every_input_grow_linearly_with_a_long_sum(monkeypatch):
    """The `graph` report explains every input: that must be linear in the inputs (it was cubic)."""
    from core.engine import explain
    from core.engine.graph import ComputationGraph

    calls = {"edges": 0}
    original = ComputationGraph.carrying_out_edges

    def counting(self, node_id):
        calls["edges"] += 1
        return original(self, node_id)

    monkeypatch.setattr(ComputationGraph, "carrying_out_edges", counting)
    counts = []
    for inputs in (200, 400):
        names = [f"v{i}" for i in range(inputs)]
        cg = build_graph(" + ".join(names))
        cg.evaluate({name: 1.0 for name in names})
        calls["edges"] = 0
        for name in names:
            explain.derivation(cg, name)
        counts.append(calls["edges"])
    assert counts[1] <= 2.2 * counts[0] + 10
