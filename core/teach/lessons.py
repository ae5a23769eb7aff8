"""Built-in lessons for self-study: a formula with values, a short explanation, what to notice.

The lessons are plain data in teaching order; the GUI shows one at a time and steps through its
graph. Every number a lesson states is checked against the graph and torch in
tests/core/test_lessons.py, so the words cannot drift away from the mathematics.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One short lesson: a formula with values, what it is about, and what to look for."""

    key: str
    title: str
    source: str  # formula program with its input values, ready for core.engine.graph.build_graph
    explanation: str  # two to four plain sentences
    notice: tuple[str, ...]  # "what to notice", one bullet each
    links_to: str | None = None  # a page of the app that continues the lesson ("training")


LESSONS: list[Lesson] = [
    Lesson(
        "lecture",
        "The lecture figure: a = relu(w·x + b)",
        "x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)",
        "A single neuron: multiply the input by a weight, add a bias, apply relu. The forward pass "
        "computes each node from left to right. The backward pass starts with 1 at the output and "
        "multiplies by one local derivative per edge on the way back.",
        (
            "Forward values: u = 6, v = 7, a = 7.",
            "∂a/∂w = 1 · 1 · 3 = 3: the gradient of a weight is the input it multiplies.",
            "∂a/∂b = 1: a bias passes the gradient through unchanged.",
        ),
    ),
    Lesson(
        "inactive-relu",
        "A ReLU neuron that is switched off",
        "x1 = -2; x2 = -1; w1 = 1.5; w2 = 2; b = 0.1\nu = w1*x1\nv = w2*x2\nz = u + v + b\na = relu(z)",
        "The neuron from the seed exercise. Its weighted sum z is negative, so relu outputs 0 and "
        "its slope there is 0. Every path back from the output runs through that 0.",
        (
            "z = -4.9 < 0, so a = 0 and ∂a/∂z = 0.",
            "Every gradient is 0: ∂a/∂w1 = ∂a/∂w2 = ∂a/∂b = 0. Gradient descent cannot change "
            "this neuron's weights: it is a dead neuron for this input.",
        ),
    ),
    Lesson(
        "relu-at-zero",
        "ReLU at exactly 0",
        "x = 2; w = 1.5; b = -3\nz = w*x + b\na = relu(z)",
        "Here z lands exactly on relu's corner, where the function has no slope in the strict "
        "mathematical sense. Software must still choose a number: torch, and this app, use 0.",
        (
            "z = 0, so a = relu(0) = 0.",
            "∂a/∂z = relu'(0) = 0 by convention, so ∂a/∂w = ∂a/∂x = ∂a/∂b = 0.",
            "Move b a little above -3 and every gradient jumps to its full size.",
        ),
    ),
    Lesson(
        "used-twice",
        "A variable used twice: gradients add up",
        "x = 2; y = 3\nu = x*y\nf = u + x",
        "x reaches f along two paths: directly, and through u. The chain rule adds the "
        "contribution of every path. Backpropagation does this by summing the gradients that "
        "arrive at a node from all its uses.",
        (
            "∂f/∂x = 1 (the direct path) + 1 · 3 (through u) = 4.",
            "∂f/∂y = 1 · 2 = 2: y has only one path.",
        ),
    ),
    Lesson(
        "sigmoid-neuron",
        "A sigmoid neuron and its derivative",
        "x = 1; w = 2; b = -1\nz = w*x + b\na = sigmoid(z)",
        "The sigmoid squashes any number into the range 0 to 1. Its derivative can be written "
        "with its own output: σ'(z) = a·(1 - a). That slope is never more than 0.25.",
        (
            "z = 1 and a = σ(1) = 0.7311.",
            "∂a/∂z = 0.7311 · (1 - 0.7311) = 0.1966, below the maximum 0.25 (reached at z = 0).",
            "∂a/∂w = 0.1966 · x = 0.1966 and ∂a/∂x = 0.1966 · w = 0.3932.",
        ),
    ),
    Lesson(
        "deep-sigmoid",
        "A deep sigmoid chain: vanishing gradients",
        "x = 1\nh1 = sigmoid(x)\nh2 = sigmoid(h1)\nh3 = sigmoid(h2)\nh4 = sigmoid(h3)\n"
        "h5 = sigmoid(h4)\nh6 = sigmoid(h5)",
        "Six sigmoid layers in a row. On the way back each layer multiplies the gradient by its "
        "slope, which is at most 0.25. Multiply six such numbers and almost nothing is left for the "
        "first layer: this is why deep networks with sigmoids learn slowly.",
        (
            "Each local derivative is between 0.19 and 0.23, never above 0.25.",
            "∂h6/∂h5 = 0.2247, but ∂h6/∂x = 0.0001092, about 2,000 times smaller.",
            "0.25⁶ = 0.0002441 is the most six sigmoids could ever pass back.",
        ),
    ),
    Lesson(
        "softplus",
        "Softplus: log(1 + exp(x))",
        "x = 1\nt = exp(x)\ns = 1 + t\ny = log(s)",
        "Softplus is a smooth version of relu, built here from exp and log. Three simple local "
        "derivatives multiply into a familiar result.",
        (
            "y = log(1 + e) = 1.313.",
            "∂y/∂x = 1/s · 1 · t = 2.718 / 3.718 = 0.7311.",
            "That is σ(1): the derivative of softplus is the sigmoid.",
        ),
    ),
    Lesson(
        "squared-error",
        "The squared error of one sample",
        "yhat = 2; y = 3.5\ne = yhat - y\nL = e**2",
        "A loss measures how far a prediction yhat is from the target y. The squared error "
        "L = (yhat - y)² punishes big misses much more than small ones.",
        (
            "e = -1.5 and L = 2.25.",
            "∂L/∂yhat = 2·e = -3: negative, so a larger prediction would lower the loss.",
            "∂L/∂y = +3: the target gets the opposite sign.",
        ),
    ),
    Lesson(
        "linear-regression",
        "Linear regression's loss on one data point",
        "x1 = 1; x2 = 2; y = 1\nw1 = 0.5; w2 = -1; b = 0.5\nyhat = w1*x1 + w2*x2 + b\ne = yhat - y\nL = e**2",
        "A linear model predicts yhat = w1·x1 + w2·x2 + b and is judged by the squared error. "
        "Training computes exactly these gradients for every data point and moves each weight a "
        "small step against its gradient. The training page does this for a whole data set.",
        (
            "yhat = -1, e = -2, L = 4.",
            "∂L/∂w1 = 2·e·x1 = -4, ∂L/∂w2 = 2·e·x2 = -8, ∂L/∂b = 2·e = -4: each weight's "
            "gradient is the error times its input.",
            "One step with learning rate 0.05 moves w2 from -1 to -1 - 0.05 · (-8) = -0.6.",
        ),
        links_to="training",
    ),
]

BY_KEY: dict[str, Lesson] = {lesson.key: lesson for lesson in LESSONS}


def lesson_after(key: str) -> Lesson | None:
    """The lesson that follows `key` in teaching order, or None after the last one."""
    index = _position(key)
    return LESSONS[index + 1] if index + 1 < len(LESSONS) else None


def lesson_before(key: str) -> Lesson | None:
    """The lesson that comes before `key` in teaching order, or None before the first one."""
    index = _position(key)
    return LESSONS[index - 1] if index > 0 else None


def _position(key: str) -> int:
    if key not in BY_KEY:
        raise KeyError(f"no lesson '{key}' (known: {', '.join(BY_KEY)})")
    return LESSONS.index(BY_KEY[key])
