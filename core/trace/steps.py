"""The animation script for a traced tensor graph: forward, seed, one step per edge, the sums.

The same `Step` and `State` as core.engine.steps, so one step player drives scalar and tensor graphs;
only the sentences differ: for tensors a local derivative is a Jacobian, and each backward step
says in words, with shapes, what torch's backward function does with the upstream gradient.
`State.values`, `grads`, `received` and `contributions` hold TensorValues here.
"""

from __future__ import annotations

import math

from core.engine.steps import Step, StepReplay
from core.trace.graph import AUTOGRAD, TensorGraph

Edge = tuple[int, int, int]
START_CAPTION = "Parameters and data are set. Step forward to compute each tensor."


class TraceSchedule(StepReplay):
    """The steps of forward and backward propagation through a traced tensor graph."""

    start_caption = START_CAPTION

    def __init__(self, tg: TensorGraph):
        self.graph = tg
        self._summed = {n for n in tg.nodes if len(tg.carrying_out_edges(n)) > 1}
        self.steps: list[Step] = [*self._forward_steps(), self._seed_step(), *self._backward_steps()]
        self.steps.append(self._done_step())

    def _forward_steps(self) -> list[Step]:
        tg = self.graph
        steps = []
        for n in tg.nodes:
            data = tg.node(n)
            if data["kind"] != "op":
                continue
            formula = data["expr"] if data["symbol"] == data["expr"] else f"{data['symbol']} = {data['expr']}"
            how = f"torch runs {data['label']} and records {data['op']} for the backward pass" \
                if tg.method == AUTOGRAD else "computed by hand"
            steps.append(Step("forward", f"{formula} → {data['value'].summary()}", node=n,
                              detail=f"{how}{_where(data)}"))
        return steps

    def _seed_step(self) -> Step:
        tg = self.graph
        out = _symbol(tg, tg.output)
        detail = ("loss.backward() (or torch.autograd.grad) starts from a gradient of 1 at the loss."
                  if tg.method == AUTOGRAD else "The gradient of anything with respect to itself is 1.")
        return Step("seed", f"Backward pass: start at the loss with ∂{out}/∂{out} = 1",
                    node=tg.output, detail=detail)

    def _backward_steps(self) -> list[Step]:
        tg = self.graph
        steps: list[Step] = []
        for node_id in reversed(tg.nodes):
            if not tg.differentiable(node_id) or not tg.reaches_output(node_id):
                continue
            if node_id in self._summed:
                steps.append(Step("accumulate", self._sum_sentence(node_id), node=node_id,
                                  detail="Where paths meet, the chain rule adds up every path's contribution."))
            if tg.node(node_id)["kind"] != "op":
                continue
            for edge in tg.in_edges(node_id):
                if tg.differentiable(edge[0]):
                    steps.append(Step("backward", self._chain_sentence(edge), node=edge[0], edge=edge,
                                      detail=self._chain_detail(edge)))
        return steps

    def _chain_sentence(self, edge: Edge) -> str:
        """`∂L/∂ŷ (700) · ∂ŷ/∂z: relu mask … → ∂L/∂z (700)`: one vector-Jacobian product."""
        tg = self.graph
        source, target, _ = edge
        out, s, t = _symbol(tg, tg.output), _symbol(tg, source), _symbol(tg, target)
        result = f"∂{out}/∂{s}" if source not in self._summed else f"a contribution to ∂{out}/∂{s}"
        upstream = f"∂{out}/∂{t} = 1" if target == tg.output else f"∂{out}/∂{t} {_shape(tg, target)}"
        return f"{upstream} · ∂{t}/∂{s}: {tg.edge(edge)['local']} → {result} {_shape(tg, source)}"

    def _chain_detail(self, edge: Edge) -> str:
        tg = self.graph
        source, target, _ = edge
        data = tg.edge(edge)
        rows, columns = math.prod(tg.shape(target)), math.prod(tg.shape(source))
        if tg.method == AUTOGRAD:
            how = (f"{tg.node(target)['op']} computes upstream × Jacobian directly, never building "
                   f"the {rows}×{columns} Jacobian")
        else:
            how = f"written by hand{_where(data)}"
        found = data["contribution"].preview() if data["contribution"] is not None else "nothing"
        return f"{how}; result {found}"

    def _sum_sentence(self, node_id: int) -> str:
        tg = self.graph
        s, out = _symbol(tg, node_id), _symbol(tg, tg.output)
        uses = len(tg.carrying_out_edges(node_id))
        return (f"∂{out}/∂{s} = the sum of its {uses} contributions = "
                f"{tg.node(node_id)['grad'].summary()}: {s} is used {uses} times")

    def _done_step(self) -> Step:
        tg = self.graph
        out = _symbol(tg, tg.output)
        grads = ", ".join(f"∂{out}/∂{_symbol(tg, n)} = {tg.node(n)['grad'].summary()}"
                          for n in tg.input_nodes.values())
        whose = "torch's own gradients" if tg.method == AUTOGRAD else "the hand-written gradients"
        return Step("done", f"Done: {grads}", detail=f"These are {whose}, the ones step() uses to update.")


def _symbol(tg: TensorGraph, node_id: int) -> str:
    return tg.node(node_id)["symbol"]


def _shape(tg: TensorGraph, node_id: int) -> str:
    return tg.node(node_id)["value"].shape_text()


def _where(data: dict) -> str:
    return f" · line {data['line']}: {data['code']}" if data.get("line") is not None else ""
