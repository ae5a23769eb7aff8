"""The graph as strict JSON: the shape the command line prints and later pages exchange."""

from __future__ import annotations

from core.formatting import json_safe
from core.engine.graph import ComputationGraph


def graph_to_dict(cg: ComputationGraph) -> dict:
    """Nodes with label, kind, op, value and grad; edges with their local derivative and
    whether torch masks them (`blocked`: a switched-off relu, the losing side of max/min, ...)."""
    nodes = []
    for node_id in cg.nodes:
        data = cg.node(node_id)
        node = {
            "id": node_id,
            "label": data["label"],
            "kind": data["kind"],
            "op": data["op"],
            "value": data["value"],
            "grad": data["grad"],
        }
        if data["name"] is not None:
            node["name"] = data["name"]
        nodes.append(node)
    edges = [
        {"source": u, "target": v, "local_grad": cg.edge((u, v, k))["local_grad"],
         "blocked": bool(cg.edge((u, v, k))["blocked"])}
        for node_id in cg.nodes
        for u, v, k in cg.in_edges(node_id)
    ]
    return json_safe({"output": cg.output, "nodes": nodes, "edges": edges})
