"""Built-in lessons: every formula runs, and every number a lesson states is true (also in torch)."""

import math
import re

import pytest
import torch

from core.formatting import fmt
from core.engine.graph import build_graph
from core.teach.lessons import BY_KEY, LESSONS, lesson_after, lesson_before
from core.engine.steps import Schedule

from .torch_reference import reference, same_number


def evaluated(key):
    return build_graph(BY_KEY[key].source).evaluate()


def node_named(cg, name):
    return next(n for n in cg.nodes if cg.node(n)["symbol"] == name or cg.node(n)["label"] == name)


def value(cg, name):
    return cg.value(node_named(cg, name))


def grad(cg, name):
    return cg.grad(node_named(cg, name))


def local(cg, source, target):
    edges = [e for e in cg.graph.edges(keys=True)
             if e[0] == node_named(cg, source) and e[1] == node_named(cg, target)]
    assert len(edges) == 1
    return cg.edge(edges[0])["local_grad"]


def says(key, *numbers):
    """The lesson's bullets state each number exactly as the app formats it."""
    text = " ".join(BY_KEY[key].notice)
    for number in numbers:
        assert re.search(rf"(?<![\d.]){re.escape(fmt(number))}(?![\d])", text), (key, fmt(number), text)


def test_there_are_at_least_nine_lessons_in_teaching_order():
    keys = [lesson.key for lesson in LESSONS]
    assert keys == ["lecture", "inactive-relu", "relu-at-zero", "used-twice", "sigmoid-neuron",
                    "deep-sigmoid", "softplus", "squared-error", "linear-regression"]
    assert len(set(keys)) == len(keys) == len(BY_KEY)
    assert lesson_after("lecture").key == "inactive-relu" and lesson_after("linear-regression") is None
    assert lesson_before("inactive-relu").key == "lecture" and lesson_before("lecture") is None


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_every_lesson_is_short_plain_and_runs(lesson):
    sentences = [s for s in re.split(r"(?<=[.!?:])\s+", lesson.explanation.strip()) if s]
    assert 2 <= len(sentences) <= 4, lesson.explanation
    assert lesson.title and lesson.notice and all(point.strip() for point in lesson.notice)
    assert lesson.links_to in (None, "training")
    cg = build_graph(lesson.source).evaluate()  # the values come with the text
    assert cg.inputs and set(cg.inputs) <= set(cg.defaults)
    numbers = [cg.value(n) for n in cg.nodes] + [g for g in (cg.grad(n) for n in cg.nodes) if g is not None]
    assert all(math.isfinite(number) for number in numbers)
    assert len(Schedule(cg)) > 3


def test_lecture_figure_matches_the_slide():
    cg = evaluated("lecture")
    assert (value(cg, "u"), value(cg, "v"), value(cg, "a")) == (6, 7, 7)
    assert cg.gradients() == {"w": 3, "x": 2, "b": 1}
    says("lecture", 6, 7, 3, 1)


def test_inactive_relu_passes_no_gradient():
    cg = evaluated("inactive-relu")
    assert value(cg, "z") == pytest.approx(-4.9) and value(cg, "a") == 0
    assert local(cg, "z", "a") == 0
    assert all(g == 0 for g in cg.gradients().values())
    says("inactive-relu", -4.9)


def test_relu_at_exactly_zero_has_slope_zero_like_torch():
    cg = evaluated("relu-at-zero")
    assert value(cg, "z") == 0 and value(cg, "a") == 0
    assert local(cg, "z", "a") == 0  # torch's convention: relu'(0) = 0
    assert all(g == 0 for g in cg.gradients().values())
    z = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    torch.relu(z).backward()
    assert z.grad.item() == 0.0
    # "Move b a little above -3 and every gradient jumps to its full size."
    moved = build_graph(BY_KEY["relu-at-zero"].source).evaluate({"b": -2.9})
    assert moved.gradients() == {"w": 2, "x": 1.5, "b": 1}


def test_a_variable_used_twice_adds_its_paths():
    cg = evaluated("used-twice")
    assert cg.gradients() == {"x": 4, "y": 2}
    assert len(cg.carrying_out_edges(cg.input_nodes["x"])) == 2
    assert [s.kind for s in Schedule(cg).steps].count("accumulate") == 1
    says("used-twice", 4, 2)


def test_sigmoid_neuron_slope_is_a_times_one_minus_a_and_at_most_a_quarter():
    cg = evaluated("sigmoid-neuron")
    a = value(cg, "a")
    assert value(cg, "z") == 1 and a == pytest.approx(1 / (1 + math.exp(-1)))
    slope = local(cg, "z", "a")
    assert slope == pytest.approx(a * (1 - a)) and slope < 0.25
    assert cg.gradients()["w"] == pytest.approx(slope * 1) and cg.gradients()["x"] == pytest.approx(slope * 2)
    says("sigmoid-neuron", a, slope, cg.gradients()["x"])


def test_deep_sigmoid_chain_vanishes():
    cg = evaluated("deep-sigmoid")
    layers = [f"h{i}" for i in range(1, 7)]
    slopes = [local(cg, source, target) for source, target in zip(["x"] + layers, layers)]
    assert len(slopes) == 6 and all(0.19 < s < 0.23 for s in slopes)  # "between 0.19 and 0.23"
    first, last = cg.gradients()["x"], grad(cg, "h5")
    assert first == pytest.approx(math.prod(slopes))
    assert 0 < first < 0.25 ** 6 < 1e-3
    assert 1500 < last / first < 2500  # "about 2,000 times smaller"
    says("deep-sigmoid", last, first, 0.25 ** 6)


def test_softplus_derivative_is_the_sigmoid():
    cg = evaluated("softplus")
    assert value(cg, "y") == pytest.approx(math.log(1 + math.e))
    sigmoid_1 = 1 / (1 + math.exp(-1))
    assert cg.gradients()["x"] == pytest.approx(sigmoid_1)
    says("softplus", value(cg, "y"), value(cg, "t"), value(cg, "s"), sigmoid_1)


def test_squared_error_gradient_is_twice_the_error():
    cg = evaluated("squared-error")
    e = value(cg, "e")
    assert (e, value(cg, "L")) == (-1.5, 2.25)
    assert cg.gradients() == {"yhat": 2 * e, "y": -2 * e}
    says("squared-error", e, 2.25, 2 * e)


def test_linear_regression_gradients_and_one_training_step():
    lesson = BY_KEY["linear-regression"]
    assert lesson.links_to == "training"
    cg = evaluated("linear-regression")
    x1, x2, y, w2 = (cg.defaults[k] for k in ("x1", "x2", "y", "w2"))
    e = value(cg, "yhat") - y
    assert (value(cg, "yhat"), e, value(cg, "L")) == (-1, -2, 4)
    grads = cg.gradients()
    assert (grads["w1"], grads["w2"], grads["b"]) == (2 * e * x1, 2 * e * x2, 2 * e) == (-4, -8, -4)
    assert w2 - 0.05 * grads["w2"] == pytest.approx(-0.6)
    says("linear-regression", -1, -2, 4, -4, -8, -0.6)


T = torch
TORCH_FORMULAS = {
    "lecture": lambda v: T.relu(v["w"] * v["x"] + v["b"]),
    "inactive-relu": lambda v: T.relu(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"]),
    "relu-at-zero": lambda v: T.relu(v["w"] * v["x"] + v["b"]),
    "used-twice": lambda v: v["x"] * v["y"] + v["x"],
    "sigmoid-neuron": lambda v: T.sigmoid(v["w"] * v["x"] + v["b"]),
    "deep-sigmoid": lambda v: T.sigmoid(T.sigmoid(T.sigmoid(T.sigmoid(T.sigmoid(T.sigmoid(v["x"])))))),
    "softplus": lambda v: T.nn.functional.softplus(v["x"]),  # torch's own softplus, not log(1 + exp)
    "squared-error": lambda v: (v["yhat"] - v["y"]) ** 2,
    "linear-regression": lambda v: (v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"] - v["y"]) ** 2,
}


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_every_lesson_agrees_with_torch_autograd(lesson):
    cg = build_graph(lesson.source).evaluate()
    inputs = cg.input_values()
    out, grads = reference(TORCH_FORMULAS[lesson.key], inputs)
    assert same_number(cg.value(cg.output), out)
    for name, expected in grads.items():
        assert same_number(cg.gradients()[name], expected), (lesson.key, name)
