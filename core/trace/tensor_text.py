"""The words and numbers a traced tensor graph shows: the same functions as core.engine.graph_text.

A view is handed `WORDS` for a core.trace.graph.TensorGraph. Values and gradients are
TensorValues from torch, shown with TensorValue's own shape text and previews (one formatting
rule, shared with the captions and the command line); the sentences come from core.trace.words
through the graph's edges. Qt-free on purpose.
"""

from __future__ import annotations

import sys

from core.engine.graph_text import ModuleWords
from core.trace.tensor_value import TensorValue
from core.trace.graph import BY_HAND, TensorGraph

Edge = tuple[int, int, int]
NOT_YET = "not computed yet"

# The drawing is a chain of 6 to 9 torch functions, each with a tensor preview: with the lecture
# font sizes, formulas in the boxes and words on the edges made automatic's graph 7,800 scene
# pixels wide (fit zoom 0.13, unreadable). Symbol and shape in the boxes, the preview above and
# no words on the edges: about 4,500 (0.35 beside the code). Formulas and Jacobians in words are
# in the captions, tooltips and the details beside the code instead.


def box_title(tg: TensorGraph, node_id: int) -> str:
    """What a result box says: symbol and shape, `z (700, 1)`; by hand, the formula too: `z = X·w + b (700)`."""
    if tg.method == BY_HAND:  # the manual chain is short, and its nodes are the formulas its code writes
        shape = tg.node(node_id)["value"].shape_text() if tg.node(node_id)["value"].shape else ""
        return f"{formula(tg, node_id)} {shape}".strip()
    return name_text(tg, node_id)


def formula(tg: TensorGraph, node_id: int) -> str:
    """A function's result with its formula: `z = X·wᵀ + b`, or just `wᵀ` when that is all."""
    data = tg.node(node_id)
    if data["symbol"] in (data["expr"], f"({data['expr']})"):
        return data["expr"]
    return f"{data['symbol']} = {data['expr']}"


def op_symbol(tg: TensorGraph, node_id: int) -> str:
    """What a function's circle says: torch's backward function, `AddmmBackward0`."""
    data = tg.node(node_id)
    return data["op"] or data["label"]


def name_text(tg: TensorGraph, node_id: int) -> str:
    """A tensor's symbol with its shape: `w (1, 2)`, `X (700, 2)`, `L` for a scalar."""
    data = tg.node(node_id)
    shape = data["value"].shape_text() if data["value"].shape else ""
    return f"{data['symbol']} {shape}".strip()


def value_text(value: TensorValue) -> str:
    """A tensor's numbers as shown next to a node (its box says the shape): a short preview."""
    return value.preview()


def gradient_text(tg: TensorGraph, node_id: int, grad: TensorValue) -> str:
    """A node's finished gradient: `∂L/∂w = [[-68.4, -111.5]]`."""
    return f"{_partial_of_output(tg, node_id)} = {grad.preview()}"


def received_text(tg: TensorGraph, node_id: int, contributions: list[TensorValue]) -> str:
    """A gradient still being summed: `∂L/∂x = Σ [0.1, …] + …` while more paths are to come."""
    more = len(contributions) < len(tg.carrying_out_edges(node_id))
    terms = " + ".join(c.preview() for c in contributions if c is not None)
    return f"{_partial_of_output(tg, node_id)} = Σ {terms}{' + …' if more else ''}"


def local_text(tg: TensorGraph, edge: Edge) -> str:
    """Nothing on the edge itself: a Jacobian in words is a sentence (tooltip, caption, details)."""
    return ""


def flow_text(tg: TensorGraph, edge: Edge) -> str:
    """Nothing beside the backward arrow: what it carries shows as its source's gradient."""
    return ""


def node_tooltip(tg: TensorGraph, node_id: int, value_known: bool = True, gradient_known: bool = True) -> str:
    """Function, shape, value, Jacobians, gradient and source line of a node, for hovering."""
    data = tg.node(node_id)
    kind = data["kind"]
    if kind == "input":
        lines = [f"parameter {data['symbol']} ({data['label']}{', ' + data['name'] if data['name'] else ''})"]
    elif kind == "const":
        lines = [f"data {data['symbol']}{' (' + data['name'] + ')' if data['name'] else ''}"]
    else:
        lines = [f"{formula(tg, node_id)}   ({data['op']}, from {data['label']})"]
    lines.append(f"shape: {data['value'].shape_text()}")
    shown = value_known or kind != "op"
    lines.append(f"value: {data['value'].preview() if shown else NOT_YET}")
    if kind == "op" and value_known:
        jacobians = [f"{_partial(tg, node_id, e[0])}: {tg.edge(e)['local']}" for e in tg.in_edges(node_id)
                     if tg.node(e[0])["kind"] != "const"]
        lines += [f"local derivative {text}" for text in jacobians]
    if kind == "const":
        lines.append("gradient: none (data is not differentiated)")
    elif gradient_known and data["grad"] is not None:
        lines.append(f"gradient: {gradient_text(tg, node_id, data['grad'])}")
    else:
        lines.append(f"gradient: {NOT_YET}")
    if data.get("line") is not None:
        lines.append(f"made by line {data['line']}: {data['code']}")
    return "\n".join(lines)


def edge_tooltip(tg: TensorGraph, edge: Edge, local_known: bool = True, flow_known: bool = True) -> str:
    """Where an edge runs, its Jacobian in words, and the gradient torch sent back along it."""
    source, target, _ = edge
    data = tg.edge(edge)
    lines = [f"edge {_symbol(tg, source)} → {_symbol(tg, target)}: operand {data['operand'] + 1} of "
             f"{formula(tg, target)}",
             f"local derivative: {data['local'] if local_known else NOT_YET}"]
    if tg.node(source)["kind"] == "const":
        lines.append("gradient: none flows into data")
    elif data["contribution"] is None:
        lines.append("gradient: none")
    elif flow_known:
        lines.append(f"gradient along it: {data['contribution'].summary()}")
    else:
        lines.append(f"gradient along it: {NOT_YET}")
    if data.get("explanation"):
        lines.append(data["explanation"])
    elif data.get("line") is not None:
        lines.append(f"computed by line {data['line']}: {data['code']}")
    return "\n".join(lines)


def _symbol(tg: TensorGraph, node_id: int) -> str:
    return tg.node(node_id)["symbol"]


def _partial(tg: TensorGraph, top: int, bottom: int) -> str:
    return f"∂{_symbol(tg, top)}/∂{_symbol(tg, bottom)}"


def _partial_of_output(tg: TensorGraph, node_id: int) -> str:
    return _partial(tg, tg.output, node_id)


WORDS = ModuleWords(sys.modules[__name__], value_halo=True)  # a preview is wider than its node: keep it off edges
