"""The animation script as data: forward steps, the seed, one backward step per edge, the sums.

A `Schedule` is built once from an evaluated graph. `state_at(k)` replays the first k steps into
a `State` that says everything visible at that point, so stepping back costs nothing extra and
the GUI never keeps its own copy of the math.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import ComputationGraph

Edge = tuple[int, int, int]


@dataclass(frozen=True)
class Step:
    """One step of the animation: what it settles, and the sentence that explains it."""

    kind: str  # "forward" | "seed" | "backward" | "accumulate" | "done"
    caption: str
    node: int | None = None  # the node whose value or gradient this step settles
    edge: Edge | None = None  # the edge a backward step runs along
    detail: str = ""  # the rule behind the step, for a second line or a hint


@dataclass
class State:
    """Everything visible after some number of steps."""

    step: int  # how many steps have run; 0 is the start
    phase: str  # "start" | "forward" | "backward" | "done"
    caption: str
    detail: str = ""
    values: dict[int, float] = field(default_factory=dict)  # forward values shown
    grads: dict[int, float] = field(default_factory=dict)  # finished gradients shown
    received: dict[int, list[float]] = field(default_factory=dict)  # contributions not yet summed
    contributions: dict[Edge, float] = field(default_factory=dict)  # edges the gradient has crossed
    active_node: int | None = None
    active_edge: Edge | None = None


START_CAPTION = "Inputs are set. Step forward to compute each node's value."


def start_state(cg: ComputationGraph, caption: str = START_CAPTION) -> State:
    """What is visible before the first step: the values of the inputs and constants."""
    state = State(0, "start", caption)
    state.values = {n: cg.value(n) for n in cg.nodes if cg.node(n)["kind"] != "op"}
    return state


class StepReplay:
    """Replays a list of steps into the `State` visible after any number of them.

    Subclasses set `graph`, `steps`, `_summed` (nodes whose gradient appears at an accumulation
    step) and `_idle` (nodes that do not feed the output, shown with gradient 0 at the seed).
    """

    graph: ComputationGraph
    steps: list[Step]
    _summed: set[int]
    _idle: list[int] = []
    start_caption = START_CAPTION

    def __len__(self) -> int:
        return len(self.steps)

    def state_at(self, k: int) -> State:
        """What is visible after the first k steps (k is clamped to 0 .. len(steps))."""
        k = max(0, min(k, len(self.steps)))
        state = start_state(self.graph, self.start_caption)
        for index, step in enumerate(self.steps[:k], start=1):
            self._apply(state, step)
            state.step = index
        return state

    def _apply(self, state: State, step: Step) -> None:
        graph = self.graph
        state.caption, state.detail = step.caption, step.detail
        state.active_node, state.active_edge = step.node, step.edge
        if step.kind == "forward":
            state.phase = "forward"
            state.values[step.node] = graph.node(step.node)["value"]
        elif step.kind == "seed":
            state.phase = "backward"
            state.grads[step.node] = graph.node(step.node)["grad"]
            state.grads.update({n: 0.0 for n in self._idle})
        elif step.kind == "backward":
            contribution = graph.edge(step.edge)["contribution"]
            state.contributions[step.edge] = contribution
            if step.node in self._summed:
                state.received.setdefault(step.node, []).append(contribution)
            else:
                state.grads[step.node] = graph.node(step.node)["grad"]
        elif step.kind == "accumulate":
            state.received.pop(step.node, None)
            state.grads[step.node] = graph.node(step.node)["grad"]
        else:
            state.phase = "done"


class Schedule(StepReplay):
    """The steps of forward and backward propagation through an evaluated graph."""

    def __init__(self, cg: ComputationGraph):
        self.graph = cg
        self._idle = [n for n in cg.nodes if cg.differentiable(n) and not cg.reaches_output(n)]
        self._summed = {
            n for n in cg.nodes if len(cg.carrying_out_edges(n)) > 1
        }  # nodes used on several paths: their gradient appears at an accumulation step
        self.steps: list[Step] = [*self._forward_steps(), self._seed_step(), *self._backward_steps()]
        self.steps.append(self._done_step())

    def _forward_steps(self) -> list[Step]:
        cg = self.graph
        steps = []
        for n in cg.nodes:
            if cg.node(n)["kind"] == "op":
                rules = explain.local_rules(cg, n)  # once: it is most of a big formula's schedule time
                steps.append(Step("forward", explain.forward_sentence(cg, n), node=n,
                                  detail=f"Local derivatives: {rules}" if rules else ""))
        return steps

    def _seed_step(self) -> Step:
        cg = self.graph
        out = explain.output_symbol(cg)
        caption = f"Backward pass: start at the output with {explain.partial(out, out)} = 1"
        idle = [explain.symbol(cg, n) for n in self._idle]
        if idle:
            caption += f"; {', '.join(idle)} do{'es' if len(idle) == 1 else ''} not feed {out}, so gradient 0"
        return Step("seed", caption, node=cg.output, detail="The gradient of anything with respect to itself is 1.")

    def _backward_steps(self) -> list[Step]:
        cg = self.graph
        steps: list[Step] = []
        for node_id in reversed(cg.nodes):
            if not cg.differentiable(node_id) or not cg.reaches_output(node_id):
                continue
            if node_id in self._summed:
                steps.append(Step(
                    "accumulate", explain.sum_sentence(cg, node_id), node=node_id,
                    detail="Where paths meet, the chain rule sums the contributions of every path.",
                ))
            if cg.node(node_id)["kind"] != "op":
                continue
            for edge in cg.in_edges(node_id):
                if cg.differentiable(edge[0]) and cg.carries(edge):
                    steps.append(Step(
                        "backward", explain.chain_sentence(cg, edge), node=edge[0], edge=edge,
                        detail="upstream gradient × local derivative = contribution; the local one: "
                        + explain.local_rule(cg, edge),
                    ))
        return steps

    def _done_step(self) -> Step:
        cg = self.graph
        out = explain.output_symbol(cg)
        grads = ", ".join(
            f"{explain.partial(out, name)} = {fmt(cg.grad(n))}" for name, n in cg.input_nodes.items()
        )
        caption = f"Done: {grads}" if grads else "Done: this formula has no inputs"
        return Step("done", caption, detail="Every input's gradient is the sum over all its paths to the output.")
