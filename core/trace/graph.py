"""The graph torch built for a variant's loss, as plain data the window can draw without torch.

A `TensorGraph` is a `GraphBase` whose values are tensors, like a formula's `ComputationGraph`:
the same networkx MultiDiGraph, the same node attributes (kind, label, op, name, symbol, expr,
value, grad, line, column) plus `shape`, so layout, selection and stepping work on it unchanged.
Values and gradients are `TensorValue`s taken from torch, never recomputed here (so, unlike a
ComputationGraph, it has no `evaluate`).

Nodes: `op` nodes are torch's backward functions (op = "AddmmBackward0", label = the forward
function, "addmm"), each holding the tensor its forward call produced; `input` nodes are the
parameters (label "weight" or "bias"); `const` nodes are the data (X, y), which get no gradient.
Edges run forward, operand to operation, with `operand` (torch's input slot), `local` (the
Jacobian in words) and `contribution` (the vector-Jacobian product torch sent back along it).
`line` is where in core/training/variants.py the variant's class created the node or, for the manual
chain's edges, which line of Manual.step computes that edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from core.formatting import json_safe
from core.engine.graph import GraphBase
from core.trace.tensor_value import TensorValue

AUTOGRAD = "autograd"  # walked from loss.grad_fn after torch ran the variant's own step()
BY_HAND = "by hand"  # the manual variant: the chain its hand-written backward follows

_NODE_TEXT = ("name", "code")  # optional node texts, beside symbol, expr and line
_EDGE_TEXT = ("line", "code", "explanation")  # optional edge texts (the manual chain has them)
_KINDS = ("input", "const", "op")


@dataclass
class TensorGraph(GraphBase):
    """A variant's loss as a graph of torch functions and tensors, with torch's own gradients."""

    variant: str = ""
    method: str = AUTOGRAD
    notes: list[str] = field(default_factory=list)  # the whole story in plain sentences
    # "What torch keeps": torch's message for a second backward, and what retain_graph=True changes
    backward_twice: dict[str, str] = field(default_factory=dict)

    def shape(self, node_id: int) -> tuple[int, ...]:
        """The shape of the tensor a node holds."""
        return self.node(node_id)["shape"]

    def nodes_at_line(self, line: int) -> list[int]:
        """Nodes created by a source line of core/training/variants.py, for code-to-graph linking."""
        return [n for n in self.nodes if self.node(n)["line"] == line]

    def edges_at_line(self, line: int) -> list[tuple[int, int, int]]:
        """Edges whose backward step a source line computes (the manual chain's edges)."""
        return [e for e in self.graph.edges(keys=True) if self.edge(e).get("line") == line]


def new_tensor_graph() -> nx.MultiDiGraph:
    """An empty graph for a builder to fill with `add_tensor_node` and `add_tensor_edge`."""
    return nx.MultiDiGraph()


def add_tensor_node(graph: nx.MultiDiGraph, kind: str, label: str, symbol: str, value: TensorValue,
                    grad: TensorValue | None, **attributes: Any) -> int:
    """Add a node with every attribute the drawing reads; its id is the next integer."""
    node_id = graph.number_of_nodes()
    data = dict(kind=kind, label=label, op=None, name=None, symbol=symbol, expr=symbol,
                value=value, grad=grad, shape=value.shape, line=None, column=None, code=None)
    graph.add_node(node_id, **{**data, **attributes})
    return node_id


def add_tensor_edge(graph: nx.MultiDiGraph, source: int, target: int, operand: int, local: str,
                    contribution: TensorValue | None, **attributes: Any) -> None:
    """Add an operand edge with its Jacobian in words and the gradient torch sent along it."""
    blocked = contribution is not None and not any(contribution.entries())
    graph.add_edge(source, target, operand=operand, local=local, local_grad=None,
                   contribution=contribution, blocked=blocked and not contribution.truncated,
                   **attributes)


def trace_to_dict(tg: TensorGraph) -> dict:
    """The graph JSON schema, with tensors as nested lists and each node's shape."""
    nodes = []
    for node_id in tg.nodes:
        data = tg.node(node_id)
        value, grad = data["value"], data["grad"]
        node = {
            "id": node_id, "label": data["label"], "kind": data["kind"], "op": data["op"],
            "value": value.to_json(), "grad": None if grad is None else grad.to_json(),
            "shape": list(data["shape"]), "truncated": value.truncated,
        }
        node.update({key: data[key] for key in ("name", "symbol", "expr", "line", "code")
                     if data[key] is not None})
        if data.get("kept"):  # retain_grad / hook / grad_tuple: what torch gives for this tensor
            node["kept"] = {kind: None if v is None else v.to_json() for kind, v in data["kept"].items()}
        nodes.append(node)
    edges = []
    for node_id in tg.nodes:
        for u, v, k in tg.in_edges(node_id):
            data = tg.edge((u, v, k))
            contribution = data["contribution"]
            edge = {"source": u, "target": v, "operand": data["operand"], "local": data["local"],
                    "contribution": None if contribution is None else contribution.to_json()}
            edge.update({key: data[key] for key in _EDGE_TEXT if data.get(key) is not None})
            edges.append(edge)
    return json_safe({"variant": tg.variant, "method": tg.method, "output": tg.output,
                      "nodes": nodes, "edges": edges, "notes": list(tg.notes),
                      "backward_twice": dict(tg.backward_twice)})


def trace_from_dict(payload: dict) -> TensorGraph:
    """Rebuild a drawable TensorGraph from `trace_to_dict`'s output; ValueError if malformed."""
    try:
        graph = new_tensor_graph()
        ids: dict[int, int] = {}  # JSON id -> node id (the same numbers for our own output)
        inputs: dict[str, int] = {}
        for node in payload["nodes"]:
            ids[node["id"]] = _node_from_dict(graph, node)
            if node["kind"] == "input":
                inputs[node.get("name") or node["label"]] = ids[node["id"]]
        for edge in payload["edges"]:
            source, target = ids[edge["source"]], ids[edge["target"]]
            contribution = edge.get("contribution")
            if contribution is not None:
                value = graph.nodes[source]["value"]
                contribution = TensorValue.from_json(value.shape, contribution, value.truncated)
            extra = {key: edge[key] for key in _EDGE_TEXT if edge.get(key) is not None}
            add_tensor_edge(graph, source, target, int(edge.get("operand", 0)), edge.get("local", ""),
                            contribution, **extra)
        return TensorGraph(graph, ids[payload["output"]], inputs, variant=payload.get("variant", ""),
                           method=payload.get("method", AUTOGRAD), notes=list(payload.get("notes", [])),
                           backward_twice=dict(payload.get("backward_twice", {})))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a trace: {type(error).__name__} {error}") from None


def _node_from_dict(graph: nx.MultiDiGraph, node: dict) -> int:
    kind, label = node["kind"], node["label"]
    if kind not in _KINDS:
        raise ValueError(f"not a trace: unknown node kind {kind!r}")
    truncated = node.get("truncated", False)
    value = TensorValue.from_json(node["shape"], node["value"], truncated)
    grad = None if node["grad"] is None else TensorValue.from_json(node["shape"], node["grad"], truncated)
    symbol = node.get("symbol") or label
    text = {key: node.get(key) for key in _NODE_TEXT}
    kept = {k: None if v is None else TensorValue.from_json(node["shape"], v, truncated)
            for k, v in node.get("kept", {}).items()}
    return add_tensor_node(graph, kind, label, symbol, value, grad, op=node.get("op"),
                           expr=node.get("expr") or symbol, line=node.get("line"), kept=kept or None, **text)
