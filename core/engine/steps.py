"""The animation script as data: forward steps, the seed, one backward step per edge, the sums.

A `Schedule` is built once from an evaluated graph. `state_at(k)` replays the first k steps into
a `State` that says everything visible at that point, so stepping back costs nothing extra and
the GUI never keeps its own copy of the math.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import ComputationGraph

Edge = tuple[int, int, int]
Text = str | Callable[[], str]  # a sentence, or how to write it when first asked for


class Step:
    """One step of the animation: what it settles, and the sentence that explains it.

    The caption and the detail may be handed in as functions of no arguments: they are written
    when first read, then kept. A big formula has thousands of steps and only the ones shown are
    read; writing every sentence up front was most of the time it took to open one.
    """

    __slots__ = ("kind", "node", "edge", "_caption", "_detail")

    def __init__(self, kind: str, caption: Text, node: int | None = None, edge: Edge | None = None,
                 detail: Text = ""):
        self.kind = kind  # "forward" | "seed" | "backward" | "accumulate" | "done"
        self.node = node  # the node whose value or gradient this step settles
        self.edge = edge  # the edge a backward step runs along
        self._caption = caption
        self._detail = detail  # the rule behind the step, for a second line or a hint

    @property
    def caption(self) -> str:
        """The sentence that explains the step."""
        if not isinstance(self._caption, str):
            self._caption = self._caption()
        return self._caption

    @property
    def detail(self) -> str:
        """The rule behind the step, for a second line or a hint."""
        if not isinstance(self._detail, str):
            self._detail = self._detail()
        return self._detail

    def _key(self) -> tuple:
        return self.kind, self.caption, self.node, self.edge, self.detail

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Step(kind={self.kind!r}, caption={self.caption!r}, node={self.node!r}, edge={self.edge!r})"


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
        for step in self.steps[:k]:
            self._apply(state, step)
        if k:  # only the last step's words are shown: the others are not written
            last = self.steps[k - 1]
            state.step, state.caption, state.detail = k, last.caption, last.detail
        return state

    def _apply(self, state: State, step: Step) -> None:
        graph = self.graph
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

    # The sentences are written when a step is first read (see Step): each is handed in as a
    # function of the graph, which this schedule was built for and which stays evaluated as it is.

    def _forward_steps(self) -> list[Step]:
        cg = self.graph
        return [Step("forward", partial(explain.forward_sentence, cg, n), node=n, detail=partial(_forward_detail, cg, n))
                for n in cg.nodes if cg.node(n)["kind"] == "op"]

    def _seed_step(self) -> Step:
        return Step("seed", partial(_seed_caption, self.graph, self._idle), node=self.graph.output,
                    detail="The gradient of anything with respect to itself is 1.")

    def _backward_steps(self) -> list[Step]:
        cg = self.graph
        steps: list[Step] = []
        for node_id in reversed(cg.nodes):
            if not cg.differentiable(node_id) or not cg.reaches_output(node_id):
                continue
            if node_id in self._summed:
                steps.append(Step(
                    "accumulate", partial(explain.sum_sentence, cg, node_id), node=node_id,
                    detail="Where paths meet, the chain rule sums the contributions of every path.",
                ))
            if cg.node(node_id)["kind"] != "op":
                continue
            for edge in cg.in_edges(node_id):
                if cg.differentiable(edge[0]) and cg.carries(edge):
                    steps.append(Step("backward", partial(explain.chain_sentence, cg, edge), node=edge[0],
                                      edge=edge, detail=partial(_backward_detail, cg, edge)))
        return steps

    def _done_step(self) -> Step:
        return Step("done", partial(_done_caption, self.graph),
                    detail="Every input's gradient is the sum over all its paths to the output.")


def _seed_caption(cg: ComputationGraph, idle: list[int]) -> str:
    """The seed step's caption: the output's gradient is 1, and which nodes do not feed it."""
    out = explain.output_symbol(cg)
    caption = f"Backward pass: start at the output with {explain.partial(out, out)} = 1"
    names = [explain.symbol(cg, n) for n in idle]
    if names:
        caption += f"; {', '.join(names)} do{'es' if len(names) == 1 else ''} not feed {out}, so gradient 0"
    return caption


def _done_caption(cg: ComputationGraph) -> str:
    """The last step's caption: every input's gradient."""
    out = explain.output_symbol(cg)
    grads = ", ".join(f"{explain.partial(out, name)} = {fmt(cg.grad(n))}" for name, n in cg.input_nodes.items())
    return f"Done: {grads}" if grads else "Done: this formula has no inputs"


def _forward_detail(cg: ComputationGraph, node_id: int) -> str:
    """A forward step's second line: the operation's local derivatives, with their numbers."""
    rules = explain.local_rules(cg, node_id)
    return f"Local derivatives: {rules}" if rules else ""


def _backward_detail(cg: ComputationGraph, edge: Edge) -> str:
    """A backward step's second line: how the contribution is made, and the local derivative's rule."""
    return "upstream gradient × local derivative = contribution; the local one: " + explain.local_rule(cg, edge)
