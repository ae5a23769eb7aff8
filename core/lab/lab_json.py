"""The lab's additions to `graph --json`: "fd_grad", "tangent" on nodes and a "hessian" table."""

from __future__ import annotations

from core.engine.graph import ComputationGraph
from core.formatting import json_safe
from core.lab.backward_graph import hessian
from core.lab.finite_diff import central_difference
from core.lab.forward_mode import tangent_values


def add_lab_fields(
    data: dict, cg: ComputationGraph, fd_step: float | None = None, with_hessian: bool = False,
    forward_mode: str | None = None,
) -> dict:
    """`data` (graph_to_dict of the evaluated `cg`) with the requested lab fields added."""
    by_id = {node["id"]: node for node in data["nodes"]}
    if fd_step is not None:
        for name, node_id in cg.input_nodes.items():
            by_id[node_id]["fd_grad"] = json_safe(central_difference(cg, name, fd_step))
    if forward_mode is not None:
        for node_id, tangent in tangent_values(cg, forward_mode).items():
            by_id[node_id]["tangent"] = json_safe(tangent)
    if with_hessian:
        data["hessian"] = json_safe(hessian(cg))
    return data
