"""The manual variant's hand-derived chain, L → ŷ → z → w, b, as the same kind of graph.

Manual builds no autograd graph: its step() writes the chain rule out by hand. This module
evaluates the formulas its backward uses (under no_grad, without updating anything), names the
line of Manual.step that computes each edge (found with ast, so the numbers stay right when the
file changes), and says it all in plain words. Values and gradients are true ∂L/∂node, where
L = mean((ŷ − y)²); step() itself leaves the 1/n of the mean to its last two formulas.
"""

from __future__ import annotations

from typing import Any

import torch

from core.formatting import fmt
from core.trace.source_lines import ClassSource
from core.trace.tensor_value import TensorValue
from core.trace.graph import BY_HAND, TensorGraph, add_tensor_edge, add_tensor_node, new_tensor_graph


def manual_chain(variant: Any, name: str = "manual") -> TensorGraph:
    """The chain Manual.step differentiates by hand, with its numbers and the lines that compute them."""
    source = ClassSource(type(variant))
    lines = _step_lines(source)
    relu = variant.activation == "relu"
    with torch.no_grad():
        X, y, n = variant.X, variant.y, variant.y.size(0)
        net = variant.net_input(X)
        prediction = variant.activate(net)
        loss = torch.mean((prediction - y) ** 2)
        # the formulas of Manual.step, line by line (tests check them against step() itself)
        grad_loss_yhat = 2 * (prediction - y)
        grad_loss_net = grad_loss_yhat * (net > 0) if relu and variant.relu_derivative else grad_loss_yhat
        grad_w = torch.mm(X.t(), grad_loss_net.view(-1, 1)) / n
        grad_b = (torch.sum(grad_loss_net) / n).view(1)

    graph = new_tensor_graph()
    code = source.code

    def node(kind, label, symbol, value, grad, line, **attributes) -> int:
        grad_value = None if grad is None else TensorValue.of(grad)
        return add_tensor_node(graph, kind, label, symbol, TensorValue.of(value), grad_value,
                               line=line, code=code(line), **attributes)

    w = node("input", "weight", "w", variant.w, grad_w, lines["w"], name="self.w")
    x = node("const", "X", "X", X, None, lines["net"], name="self.X")
    b = node("input", "bias", "b", variant.b, grad_b, lines["b"], name="self.b")
    z = node("op", "linear", "z", net, grad_loss_net / n, lines["net"], op="net_input", expr="X·w + b")
    top = z
    if relu:
        top = node("op", "relu", "ŷ", prediction, grad_loss_yhat / n, lines["yhat"], op="activate",
                   expr="relu(z)")
    target = node("const", "y", "y", y, None, lines["yhat"], name="self.y")
    out = node("op", "mse", "L", loss, torch.ones(()), None, op="loss", expr=f"mean(({_sym(graph, top)} − y)²)")

    active = int((net > 0).sum())
    said = _edge_sentences(lines, code, relu, variant.relu_derivative, active, n, _sym(graph, top))
    for source_id, target_id, operand, key, contribution in (
        (w, z, 0, "w", grad_w), (x, z, 1, None, None), (b, z, 2, "b", grad_b),
        *([(z, top, 0, "relu", grad_loss_net / n)] if relu else []),
        (top, out, 0, "loss", grad_loss_yhat / n), (target, out, 1, None, None),
    ):
        words, line, sentence = said.get(key, ("none: data, no gradient flows to it", None, None))
        extra = {"line": line, "code": code(line), "explanation": sentence} if key else {}
        add_tensor_edge(graph, source_id, target_id, operand, words,
                        None if contribution is None else TensorValue.of(contribution), **extra)

    tg = TensorGraph(graph, out, {"self.w": w, "self.b": b}, variant=name, method=BY_HAND)
    tg.notes = _notes(tg, source, lines, loss, relu, variant.relu_derivative, active, n, said)
    return tg


def _sym(graph: Any, node_id: int) -> str:
    return graph.nodes[node_id]["symbol"]


def _step_lines(source: ClassSource) -> dict[str, int | None]:
    """The lines of Manual that make each piece of the chain."""
    def step(name: str, containing: str = "") -> int | None:
        return source.assignment_line(name, containing, method="step")

    return {
        "w": source.assignment_line("w", method="__init__"),
        "b": source.assignment_line("b", method="__init__"),
        "net": step("net"),
        "net_input": source.method_line("net_input"),
        "yhat": step("grad_loss_yhat"),
        "relu": step("grad_loss_net", "net > 0"),
        "slope_one": step("grad_loss_net"),
        "grad_w": step("grad_w"),
        "grad_b": step("grad_b"),
        "update_w": step("w", "-="),
        "update_b": step("b", "-="),
    }


def _edge_sentences(lines: dict, code, relu: bool, relu_derivative: bool, active: int, n: int,
                    prediction: str) -> dict[str, tuple[str, int | None, str]]:
    """For each edge with a gradient: (Jacobian in words, the line that computes it, a sentence)."""
    said = {
        "loss": (
            f"2({prediction} − y)/n entry by entry (n = {n})", lines["yhat"],
            f"{prediction} → L: ∂L/∂{prediction} = 2({prediction} − y)/n. Line {lines['yhat']} "
            f"computes 2·({prediction} − y) as grad_loss_yhat ({code(lines['yhat'])}); the 1/n of "
            f"the mean waits until lines {lines['grad_w']} and {lines['grad_b']}."
            + ("" if relu else f" Without an activation, line {lines['slope_one']} passes it on "
                               f"unchanged as grad_loss_net (slope 1)."),
        ),
        "w": (
            "multiply by Xᵀ on the left", lines["grad_w"],
            f"w → z: ∂L/∂w = Xᵀ·∂L/∂z, the matrix product that sums every row's share. "
            f"Line {lines['grad_w']}: {code(lines['grad_w'])}.",
        ),
        "b": (
            f"identity, summed over the {n} rows it was added to", lines["grad_b"],
            f"b → z: ∂L/∂b = Σ ∂L/∂z, because b is added to every row. "
            f"Line {lines['grad_b']}: {code(lines['grad_b'])}.",
        ),
    }
    if relu and relu_derivative:
        said["relu"] = (
            f"relu mask: 1 where z > 0, else 0 ({active} of {n} active)", lines["relu"],
            f"z → ŷ: ∂ŷ/∂z = relu'(z), 1 where z > 0 and 0 elsewhere ({active} of {n} rows are "
            f"active). Line {lines['relu']} multiplies by (net > 0): {code(lines['relu'])}.",
        )
    elif relu:
        said["relu"] = (
            "taken as 1 everywhere (relu' left out)", lines["slope_one"],
            f"z → ŷ: the notebook's shortcut takes ∂ŷ/∂z as 1 everywhere. Line {lines['slope_one']} "
            f"({code(lines['slope_one'])}) passes the gradient on unchanged, which is wrong for "
            f"the {n - active} of {n} rows where z ≤ 0.",
        )
    return said


def _notes(tg: TensorGraph, source: ClassSource, lines: dict, loss: Any, relu: bool,
           relu_derivative: bool, active: int, n: int, said: dict) -> list[str]:
    """The plain-words explanation `trace manual` prints."""
    code = source.code
    chain = "L → ŷ → z → w, b" if relu else "L → z → w, b"
    forward = (f"Forward: line {lines['net']} computes z = X·w + b ({code(lines['net'])}; the "
               f"formula is line {lines['net_input']}: {code(lines['net_input'])})")
    if relu:
        forward += f", and line {lines['yhat']} computes ŷ = relu(z) inside its first gradient formula"
    notes = [
        f"Manual builds no autograd graph: its step() writes the chain rule out by hand "
        f"(core/training/variants.py, class Manual, lines {source.first}–{source.last}). The chain: {chain}.",
        forward + ".",
        f"step() never computes the loss itself, only its gradient: here "
        f"L = mean(({_sym(tg.graph, _top(tg))} − y)²) = {fmt(float(loss))}.",
        "Backward, edge by edge:",
        *(f"  {said[key][2]}" for key in ("loss", "relu", "w", "b") if key in said),
        f"Update: lines {lines['update_w']} and {lines['update_b']} subtract lr times each gradient.",
    ]
    grads = ", ".join(f"∂L/∂{tg.node(i)['symbol']} = {tg.node(i)['grad'].summary()}" for i in tg.input_nodes.values())
    if relu and not relu_derivative and active < n:
        notes.append(f"Result: {grads}. With relu' left out these differ from torch's gradients, "
                     f"which are 0 through the {n - active} inactive rows.")
    else:
        notes.append(f"Result: {grads}: the numbers torch's autograd finds for the same start.")
    return notes


def _top(tg: TensorGraph) -> int:
    """The node the loss reads: ŷ with a ReLU, z without."""
    return tg.in_edges(tg.output)[0][0]
