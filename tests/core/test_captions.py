"""Golden captions: the sentences a student reads, for the classic worked examples.

Each expected text was checked by hand against the source it comes from (the lecture slide, the
seed exercise, the CS231n notes); the numbers in it are also checked against torch below.
"""

import math

import torch

from core.engine import explain
from core.engine.graph import build_graph
from core.engine.graph_json import graph_to_dict
from core.engine.steps import Schedule
from core.teach.presets import BY_KEY

from .torch_reference import torch_function


def captions(source, values=None, kinds=("backward", "accumulate")):
    cg = build_graph(source).evaluate(values)
    return [s.caption for s in Schedule(cg).steps if s.kind in kinds]


def test_lecture_figure_gives_the_whole_chain_and_every_rule_with_its_numbers():
    cg = build_graph(BY_KEY["lecture"].source).evaluate()
    steps = Schedule(cg).steps
    assert [s.caption for s in steps if s.kind == "seed"] == ["Backward pass: start at the output with ∂a/∂a = 1"]
    assert captions(BY_KEY["lecture"].source) == [
        "∂a/∂v = 1 because v = 7 > 0",
        "∂a/∂u = ∂a/∂v · ∂v/∂u = 1 · 1 = 1",
        "∂a/∂b = ∂a/∂v · ∂v/∂b = 1 · 1 = 1",
        "∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3",
        "∂a/∂x = ∂a/∂v · ∂v/∂u · ∂u/∂x = 1 · 1 · 2 = 2",
    ]
    u = next(n for n in cg.nodes if cg.node(n)["name"] == "u")
    assert explain.local_rules(cg, u) == "∂u/∂w = x = 3; ∂u/∂x = w = 2"


def test_seed_exercise_says_why_everything_is_zero():
    texts = captions(BY_KEY["inactive-relu"].source)
    assert texts[0] == "z = -4.9 < 0, so ∂a/∂z = 0 — the ReLU is off and blocks every gradient behind it"
    assert "∂a/∂w1 = ∂a/∂z · ∂z/∂(u + v) · ∂(u + v)/∂u · ∂u/∂w1 = blocked (ReLU off) = 0" in texts
    assert not any("· 0 =" in text or "0 ·" in text for text in texts)  # blocked is not arithmetic


def test_cs231n_add_multiply_circuit():
    values = {"x": -2, "y": 5, "z": -4}
    assert captions("f = (x + y)*z", values) == [
        "∂f/∂(x + y) = z = -4",
        "∂f/∂z = x + y = 3",
        "∂f/∂x = ∂f/∂(x + y) · ∂(x + y)/∂x = (-4) · 1 = -4",
        "∂f/∂y = ∂f/∂(x + y) · ∂(x + y)/∂y = (-4) · 1 = -4",
    ]
    env = {k: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    ((env["x"] + env["y"]) * env["z"]).backward()
    assert build_graph("f = (x + y)*z").evaluate(values).gradients() == {k: t.grad.item() for k, t in env.items()}


def test_cs231n_sigmoid_neuron():
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    source = "f = sigmoid(w0*x0 + w1*x1 + w2)"
    cg = build_graph(source).evaluate(values)
    texts = captions(source, values)
    assert texts[0] == "∂f/∂h₁ = σ(h₁)·(1 - σ(h₁)) = σ(1)·(1 - σ(1)) = 0.1966"
    assert texts[-1] == (
        "∂f/∂x0 = ∂f/∂h₁ · ∂h₁/∂(w0·x0 + w1·x1) · ∂(w0·x0 + w1·x1)/∂(w0·x0) · ∂(w0·x0)/∂x0 "
        "= 0.1966 · 1 · 1 · 2 = 0.3932"
    )
    # The notes: dx = [0.39, -0.59], dw = [-0.2, -0.39, 0.2]
    notes = {"x0": 0.39, "x1": -0.59, "w0": -0.2, "w1": -0.39, "w2": 0.2}
    grads = cg.gradients()
    assert all(abs(grads[k] - v) < 0.01 for k, v in notes.items())
    env = {k: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    torch.sigmoid(env["w0"] * env["x0"] + env["w1"] * env["x1"] + env["w2"]).backward()
    assert all(math.isclose(grads[k], t.grad.item(), rel_tol=1e-12) for k, t in env.items())


def test_a_variable_used_twice_shows_each_path_and_the_sum():
    texts = captions(BY_KEY["two-paths"].source)
    assert texts == [
        "∂f/∂u = 1",
        "x is used 2 times; use 1 (in f) contributes its local derivative: ∂f/∂x (direct edge) = 1",
        "x is used 2 times; use 2 (in u) contributes ∂f/∂u · ∂u/∂x = 1 · 3 = 3",
        "∂f/∂y = ∂f/∂u · ∂u/∂y = 1 · 2 = 2",
        "∂f/∂x = ∂f/∂x (direct edge) + ∂f/∂u · ∂u/∂x = 1 + 1 · 3 = 4: "
        "x is used 2 times, so the chain rule adds up its paths",
    ]


def test_rules_inside_a_call_keep_one_pair_of_parentheses():
    cg = build_graph("sigmoid(w*x + b)").evaluate({"w": 1, "x": 2, "b": 3})
    assert explain.rule_of(cg, cg.output) == "∂f/∂(w·x + b) = σ(w·x + b)·(1 - σ(w·x + b))"


def test_blocked_edges_say_so_instead_of_inf_times_zero():
    cg = build_graph("y = relu(x)*1e300*1e300").evaluate({"x": -1})
    texts = [s.caption for s in Schedule(cg).steps]
    assert any("blocked (ReLU off)" in text for text in texts)
    assert not any("inf · 0" in text or "0 · inf" in text for text in texts)
    assert cg.gradients() == {"x": 0.0}


def test_json_blocked_flags_match_where_torch_masks():
    """An edge is blocked exactly where torch passes 0 back even when the upstream gradient is inf."""
    cases = [("relu", (-1.0,)), ("relu", (0.0,)), ("relu", (2.0,)), ("max", (1.0, 2.0)),
             ("min", (1.0, 2.0)), ("max", (2.0, 2.0)), ("pow", (3.0, 0.0)), ("pow", (0.0, 2.0)),
             ("abs", (0.0,)), ("mul", (0.0, 1.0))]
    for op, operands in cases:
        names = ["x", "y"][: len(operands)]
        source = "x**y" if op == "pow" else "x*y" if op == "mul" else f"{op}({', '.join(names)})"
        data = graph_to_dict(build_graph(source).evaluate(dict(zip(names, operands))))
        flags = [edge["blocked"] for edge in data["edges"]]
        leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in operands]
        out = torch_function(op)(*leaves)
        grads = torch.autograd.grad(out, leaves, grad_outputs=torch.tensor(math.inf, dtype=torch.float64))
        assert flags == [g.item() == 0.0 for g in grads], (source, operands, flags)


def test_where_torch_divides_the_caption_divides_too():
    cg = build_graph("y = 1e-10*(x/d)").evaluate({"x": 1, "d": 1e-310})
    assert explain.derivation(cg, "x") == "∂y/∂x = ∂y/∂(x/d) · ∂(x/d)/∂x = 1e-10 · (1/1e-310) = 1e300"
