"""Numerical gradient checks: the central difference (f(x+h) − f(x−h)) / 2h against backprop.

Shrinking h first shrinks the truncation error (about h²·f'''/6) and then lets round-off win
(about ε·|f|/h): the relative error against the analytic gradient, plotted against h on log–log
axes, makes the classic V. `error_curve` samples it from 1e-1 down to 1e-12.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from core.engine import ops
from core.engine.graph import ComputationGraph
from core.lab.backward_graph import LabError, current_values

DEFAULT_STEP = 1e-6  # the step the CLI and the lab panel start from
STEPS_PER_DECADE = 2
STEP_GRID = tuple(10.0 ** (-k / STEPS_PER_DECADE) for k in range(STEPS_PER_DECADE, 12 * STEPS_PER_DECADE + 1))


def check_step(h: float) -> float:
    """`h` if it is a usable finite-difference step, else a LabError saying why."""
    if not isinstance(h, (int, float)) or isinstance(h, bool) or not math.isfinite(h) or h <= 0:
        raise LabError(f"the finite-difference step must be a positive number, not {h}")
    return float(h)


def output_at(cg: ComputationGraph, inputs: Mapping[str, float]) -> float:
    """The output's value for these input values: a forward pass that leaves the graph untouched."""
    values: dict[int, float] = {}
    for node_id in cg.nodes:
        data = cg.node(node_id)
        if data["kind"] == "input":
            values[node_id] = float(inputs[data["label"]])
        elif data["kind"] == "const":
            values[node_id] = data["value"]
        else:
            operands = [values[u] for u, _, _ in cg.in_edges(node_id)]
            values[node_id] = ops.apply(ops.OPS[data["op"]], operands)
    return values[cg.output]


def central_difference(cg: ComputationGraph, name: str, h: float, values: Mapping[str, float] | None = None) -> float:
    """(f(x+h) − f(x−h)) / 2h for input `name`, every other input held at its value."""
    h = check_step(h)
    inputs = current_values(cg, values)
    if name not in inputs:
        raise LabError(f"the formula has no input named '{name}' (its inputs: {', '.join(inputs) or 'none'})")
    up = output_at(cg, {**inputs, name: inputs[name] + h})
    down = output_at(cg, {**inputs, name: inputs[name] - h})
    with _quiet():
        return float((ops._f(up) - ops._f(down)) / (2 * ops._f(h)))


def relative_error(numeric: float, analytic: float) -> float:
    """|numeric − analytic| / |analytic|; the absolute error where the analytic gradient is 0."""
    if numeric == analytic:
        return 0.0
    with _quiet():
        difference = abs(ops._f(numeric) - ops._f(analytic))
        return float(difference / abs(ops._f(analytic))) if analytic != 0 else float(difference)


@dataclass(frozen=True)
class Check:
    """One input's numerical check at one step."""

    name: str
    h: float
    numeric: float  # the central difference
    analytic: float  # backprop's gradient
    error: float  # relative_error(numeric, analytic)


def check_gradients(cg: ComputationGraph, h: float = DEFAULT_STEP) -> list[Check]:
    """The central difference and its relative error for every input of an evaluated graph."""
    checks = []
    for name, node_id in cg.input_nodes.items():
        numeric = central_difference(cg, name, h)
        analytic = cg.grad(node_id)
        checks.append(Check(name, h, numeric, analytic, relative_error(numeric, analytic)))
    return checks


def error_curve(cg: ComputationGraph, name: str, steps: tuple[float, ...] = STEP_GRID) -> list[tuple[float, float]]:
    """(h, relative error) for input `name` of an evaluated graph, h from 1e-1 down to 1e-12."""
    analytic = cg.grad(cg.input_nodes[name])
    return [(h, relative_error(central_difference(cg, name, h), analytic)) for h in steps]


def _quiet():
    import numpy as np

    return np.errstate(all="ignore")
