"""The words and numbers the graph drawing shows, taken from core.engine.explain and core.formatting.

Qt-free on purpose: the drawing only decides where text goes, never what it says, so labels,
tooltips, captions and the command line agree. A view is handed these words as one object
(`Words`): `WORDS` for a formula, core.trace.tensor_text's for a traced tensor graph, and
core.teach.quiz_text's `MaskedWords` around a formula's words when a quiz hides numbers.
"""

from __future__ import annotations

import sys
from types import ModuleType
from collections.abc import Hashable
from typing import Protocol

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import ComputationGraph, GraphBase
from core.engine.steps import State

Edge = tuple[int, int, int]
NOT_YET = "not computed yet"


def box_title(cg: ComputationGraph, node_id: int) -> str:
    """What an operation's result box says: `u = w·x`, or just `w·x` when it has no name."""
    data = cg.node(node_id)
    if data["symbol"] in (data["expr"], f"({data['expr']})"):
        return data["expr"]
    return f"{data['symbol']} = {data['expr']}"


def op_symbol(cg: ComputationGraph, node_id: int) -> str:
    """What an operation's circle says: its symbol, `·` or `relu`."""
    return cg.node(node_id)["label"]


def name_text(cg: ComputationGraph, node_id: int) -> str:
    """The name in an input's or a constant's box: `x`, `2`."""
    return cg.node(node_id)["label"]


def value_text(value: float) -> str:
    """A forward value as shown next to a node."""
    return fmt(value)


def gradient_text(cg: ComputationGraph, node_id: int, grad: float) -> str:
    """A node's finished gradient: `∂a/∂u = 1`."""
    return f"{_partial_of_output(cg, node_id)} = {fmt(grad)}"


def received_text(cg: ComputationGraph, node_id: int, contributions: list[float]) -> str:
    """A gradient still being summed: `∂f/∂x = Σ 3 + …` while more paths are to come."""
    more = len(contributions) < len(cg.carrying_out_edges(node_id))
    return f"{_partial_of_output(cg, node_id)} = Σ {explain.sum_text(contributions)}{' + …' if more else ''}"


def local_label(cg: ComputationGraph, edge: Edge, number: str) -> str:
    """An edge's local-derivative label around `number`: `∂u/∂w = 3`.

    It differs from the gradient ∂a/∂w printed at a node in its symbol (the operation's name on
    top, not the output's), its colour and its place. Into the output the two symbols coincide
    (∂a/∂v), so there it says `local ∂a/∂v = 1`; two edges between the same nodes (x*x) say which
    operand they are. So no label appears twice.
    """
    source, target, _ = edge
    partial = explain.partial(explain.symbol(cg, target), explain.symbol(cg, source))
    word = "local " if target == cg.output else ""
    return f"{word}{partial}{operand_tag(cg, edge)} = {number}"


def operand_tag(cg: ComputationGraph, edge: Edge) -> str:
    """` (operand 2)` for one of several edges between the same two nodes (x*x), else ""."""
    source, target, _ = edge
    parallel = sum(1 for u, _, _ in cg.in_edges(target) if u == source) > 1
    return f" (operand {cg.edge(edge)['operand'] + 1})" if parallel else ""


def flow_label(upstream: str, local: str, result: str, tag: str = "") -> str:
    """The gradient flowing back along an edge, upstream factor first: `1 × 3 = 3`.

    Short, so the lecture figure fits a projector at presentation sizes; the drawing colours the
    upstream factor as a gradient and the local one as a local derivative (see `flow_parts`).
    """
    return f"{upstream}{TIMES}{local} = {result}{tag}"


TIMES = " × "  # between the upstream and the local factor of a flow label


def flow_parts(text: str) -> tuple[str, str, str] | None:
    """A flow label cut into (upstream factor, ` × local factor`, ` = result`), or None if not one."""
    upstream, times, rest = text.partition(TIMES)
    local, equals, result = rest.partition(" = ")
    if not times or not equals:
        return None
    return upstream, times + local, equals + result


def local_text(cg: ComputationGraph, edge: Edge) -> str:
    """An edge's local derivative: `∂u/∂w = 3`."""
    return local_label(cg, edge, fmt(cg.edge(edge)["local_grad"]))


def flow_text(cg: ComputationGraph, edge: Edge) -> str:
    """The gradient flowing back along an edge: `1 × 3 = 3`, or `blocked (ReLU off): 0`."""
    data = cg.edge(edge)
    if data["blocked"]:
        return f"{explain.blocked_text(cg, edge)}: {fmt(data['contribution'])}"
    upstream = explain.factor(cg.grad(edge[1]))
    return flow_label(upstream, explain.local_factor(cg, edge), fmt(data["contribution"]), operand_tag(cg, edge))


def node_tooltip(
    cg: ComputationGraph, node_id: int, value_known: bool = True, gradient_known: bool = True
) -> str:
    """Formula, value, local derivatives and gradient of a node, for hovering."""
    data = cg.node(node_id)
    kind = data["kind"]
    if kind == "input":
        lines = [f"input {data['label']}", f"value: {data['label']} = {fmt(data['value'])}"]
    elif kind == "const":
        lines = [f"constant {data['label']}", f"value: {fmt(data['value'])}"]
    else:
        lines = [box_title(cg, node_id)]
        lines.append(f"value: {explain.forward_sentence(cg, node_id)}" if value_known else f"value: {NOT_YET}")
        locals_ = [explain.local_sentence(cg, edge) for edge in cg.in_edges(node_id)]
        if value_known:
            lines.append(f"local derivatives: {', '.join(locals_)}")
        lines.append(f"rule: {explain.rule_of(cg, node_id)}")
    if kind == "const":
        lines.append("gradient: none (a constant is not differentiated)")
    elif gradient_known:
        lines.append(f"gradient: {gradient_text(cg, node_id, cg.grad(node_id))}")
    else:
        lines.append(f"gradient: {NOT_YET}")
    return "\n".join(lines)


def edge_tooltip(
    cg: ComputationGraph, edge: Edge, local_known: bool = True, flow_known: bool = True
) -> str:
    """Where an edge runs, its local derivative and the gradient it carries back, for hovering."""
    source, target, _ = edge
    operand = cg.edge(edge)["operand"] + 1
    lines = [
        f"{explain.symbol(cg, source)} → {box_title(cg, target)}  (operand {operand})",
        f"local derivative: {explain.local_rule(cg, edge) if local_known else NOT_YET}",
        f"rule: {explain.rule_of(cg, target)}",
    ]
    if cg.node(source)["kind"] == "const":
        lines.append("gradient: none flows into a constant")
    elif cg.edge(edge)["contribution"] is None:
        lines.append(f"gradient: none ({explain.symbol(cg, target)} does not feed the output)")
    elif flow_known:
        lines.append(f"gradient along it: {explain.chain_sentence(cg, edge)}")
    else:
        lines.append(f"gradient along it: {NOT_YET}")
    return "\n".join(lines)


def _partial_of_output(cg: ComputationGraph, node_id: int) -> str:
    return explain.partial(explain.output_symbol(cg), explain.symbol(cg, node_id))


class Words(Protocol):
    """What a drawing says for every box, edge, tooltip and caption of the graph it shows."""

    value_halo: bool  # whether a value label sits on a halo (wide tensor previews cross edges)

    def plain(self) -> Words:
        """The words with nothing masked: the drawing is sized by them, so masking never moves it."""

    def box_title(self, graph: GraphBase, node_id: int) -> str: ...
    def op_symbol(self, graph: GraphBase, node_id: int) -> str: ...
    def name_text(self, graph: GraphBase, node_id: int) -> str: ...
    def node_value(self, graph: GraphBase, node_id: int, value) -> str: ...
    def gradient_text(self, graph: GraphBase, node_id: int, grad) -> str: ...
    def received_text(self, graph: GraphBase, node_id: int, contributions: list) -> str: ...
    def local_text(self, graph: GraphBase, edge: Edge) -> str: ...
    def flow_text(self, graph: GraphBase, edge: Edge) -> str: ...
    def node_tooltip(self, graph: GraphBase, node_id: int, value_known: bool, gradient_known: bool) -> str: ...
    def edge_tooltip(self, graph: GraphBase, edge: Edge, local_known: bool, flow_known: bool) -> str: ...

    def tooltip_key(self, target: int | Edge) -> Hashable:
        """What a node's or edge's tooltip depends on besides the graph and the step (None: nothing)."""

    def step_caption(self, state: State) -> str:
        """The caption under the drawing at `state`."""


class ModuleWords:
    """Words read from a module of this module's functions (box_title, value_text, …): one object for a view."""

    def __init__(self, module: ModuleType, value_halo: bool = False):
        self.module = module
        self.value_halo = value_halo

    def plain(self) -> ModuleWords:
        """These words, nothing masked."""
        return self

    def box_title(self, graph: GraphBase, node_id: int) -> str:
        return self.module.box_title(graph, node_id)

    def op_symbol(self, graph: GraphBase, node_id: int) -> str:
        return self.module.op_symbol(graph, node_id)

    def name_text(self, graph: GraphBase, node_id: int) -> str:
        return self.module.name_text(graph, node_id)

    def node_value(self, graph: GraphBase, node_id: int, value) -> str:
        return self.module.value_text(value)

    def gradient_text(self, graph: GraphBase, node_id: int, grad) -> str:
        return self.module.gradient_text(graph, node_id, grad)

    def received_text(self, graph: GraphBase, node_id: int, contributions: list) -> str:
        return self.module.received_text(graph, node_id, contributions)

    def local_text(self, graph: GraphBase, edge: Edge) -> str:
        return self.module.local_text(graph, edge)

    def flow_text(self, graph: GraphBase, edge: Edge) -> str:
        return self.module.flow_text(graph, edge)

    def node_tooltip(self, graph: GraphBase, node_id: int, value_known: bool, gradient_known: bool) -> str:
        return self.module.node_tooltip(graph, node_id, value_known, gradient_known)

    def edge_tooltip(self, graph: GraphBase, edge: Edge, local_known: bool, flow_known: bool) -> str:
        return self.module.edge_tooltip(graph, edge, local_known, flow_known)

    def tooltip_key(self, target: int | Edge) -> Hashable:
        """Nothing beyond the graph and the step decides a tooltip."""
        return None

    def step_caption(self, state: State) -> str:
        """The step's own caption."""
        return state.caption


WORDS = ModuleWords(sys.modules[__name__])  # the words of every formula's drawing
