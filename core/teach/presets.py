"""Ready-made formulas: the lecture figure, the seed exercise and other classics, as data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A named formula with its input values and one line on what it shows."""

    key: str
    title: str
    source: str
    about: str


PRESETS: list[Preset] = [
    Preset(
        "lecture",
        "Lecture figure: a = relu(w·x + b)",
        "x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)",
        "The slide: forward values 6 and 7, then ∂a/∂w = 1 · 1 · 3 = 3.",
    ),
    Preset(
        "inactive-relu",
        "Seed exercise: a ReLU neuron that is switched off",
        "x1 = -2; x2 = -1; w1 = 1.5; w2 = 2; b = 0.1\nu = w1*x1\nv = w2*x2\nz = u + v + b\na = relu(z)",
        "z = -4.9 is negative, so relu passes no gradient: every input's gradient is 0.",
    ),
    Preset(
        "two-paths",
        "A variable used on two paths",
        "x = 2; y = 3\nu = x*y\nf = u + x",
        "x reaches f directly and through u: its two contributions add up, ∂f/∂x = y + 1 = 4.",
    ),
    Preset(
        "reuse",
        "Reused nodes: b = a + a; c = b + b",
        "a = 1.5\nb = a + a\nc = b + b",
        "Each use is its own edge: ∂c/∂b = 1 + 1 = 2 and ∂c/∂a = 2 · 2 = 4.",
    ),
    Preset(
        "sigmoid-neuron",
        "A sigmoid neuron",
        "x = 1.5; w = -0.8; b = 0.3\nz = w*x + b\na = sigmoid(z)",
        "The sigmoid's slope σ(z)·(1 - σ(z)) is at most 0.25: gradients shrink as they pass.",
    ),
    Preset(
        "squared-error",
        "Squared error of one sample",
        "x = 2; w = 0.5; b = 0.1; t = 3\nyhat = w*x + b\ne = yhat - t\nL = e**2",
        "∂L/∂ŷ = 2·(ŷ - t): the error itself, doubled, flows back into w and b.",
    ),
]

BY_KEY = {preset.key: preset for preset in PRESETS}
