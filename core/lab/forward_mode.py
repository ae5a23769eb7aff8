"""Forward-mode differentiation: push a tangent from one input through the graph, in order.

Seed the chosen input's tangent with 1; every operation's tangent is the sum over its operands of
(local derivative × operand's tangent), computed in the same topological order as the values.
Constants and the other inputs carry no tangent at all (torch's jvp gives them none), so their
terms drop out exactly, as torch's zero tangents do. Where torch's rule selects (a switched-off
relu, max's loser) the term is exactly 0. One pass gives d(every node)/d(one input): reverse mode
gives d(one output)/d(every input) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from core.engine import explain, ops
from core.engine.graph import ComputationGraph
from core.formatting import fmt
from core.lab.backward_graph import LabError

DOT = "\u0307"  # combining dot above: ẋ is the tangent of x


Tangent = "float | None"  # None: no tangent at all (torch's undefined tangent, an exact zero)


def _add(a, b):
    return b if a is None else a if b is None else a + b


def _neg(a):
    return None if a is None else -a


def _times(a, b):
    """A product in which a missing tangent is an exact zero, whatever the other factor is."""
    return None if a is None or b is None else float(ops._f(a) * ops._f(b))


def _max_min(wins: Callable[[float, float], bool]):
    def rule(t: list, p: list, r: float):
        # torch: other_t + where(self == other, 0.5, self wins) * (self_t - other_t)
        weight = 0.5 if p[0] == p[1] else float(wins(p[0], p[1]))
        return _add(t[1], _times(weight, _add(t[0], _neg(t[1]))))
    return rule


def _pow(t: list, p: list, r: float):
    # torch: pow_backward_self(self_t, ...) + pow_backward_exponent(exponent_t, ...)
    base, exponent = p
    with np.errstate(all="ignore"):
        # where(exponent == 0, 0, self_t * exponent * base ** (exponent - 1))
        base_term = 0.0 if exponent == 0 else _times(t[0], exponent * ops._pow(base, exponent - 1))
        log_term = 0.0 if base == 0 and exponent >= 0 else float(ops._f(r) * np.log(ops._f(base)))
    return _add(base_term, _times(t[1], log_term))


def _div(t: list, p: list, r: float):
    # torch: (self_t - other_t * result) / other
    numerator = _add(t[0], _neg(_times(t[1], r)))
    return None if numerator is None else float(np.divide(ops._f(numerator), ops._f(p[1])))


# torch's forward-mode formulas where they are not simply Σ local derivative × tangent
# (derivatives.yaml, "result:"); every other operation applies its backward rule to the tangent.
JVP: dict[str, Callable[[list, list, float], object]] = {
    "add": lambda t, p, r: _add(t[0], t[1]),
    "sub": lambda t, p, r: _add(t[0], _neg(t[1])),
    "mul": lambda t, p, r: _add(_times(t[1], p[0]), _times(t[0], p[1])),
    "div": _div,
    "pow": _pow,
    "max": _max_min(lambda a, b: a > b),
    "min": _max_min(lambda a, b: a < b),
    "where": lambda t, p, r: None if t[1] is None and t[2] is None else (t[1] if p[0] != 0 else t[2]) or 0.0,
}
NO_TANGENT = ("sign", "eq", "lt", "le")  # torch gives these no tangent (or an exact zero one)


def tangents(cg: ComputationGraph, wrt: str) -> dict[int, float | None]:
    """d(node)/d(wrt) for every node of an evaluated graph; None where no tangent reaches."""
    if wrt not in cg.input_nodes:
        known = ", ".join(cg.inputs) or "none"
        raise LabError(f"the formula has no input named '{wrt}' (its inputs: {known})")
    start = cg.input_nodes[wrt]
    result: dict[int, float | None] = {}
    for node_id in cg.nodes:
        data = cg.node(node_id)
        if data["kind"] != "op":
            result[node_id] = 1.0 if node_id == start else None
            continue
        edges = cg.in_edges(node_id)
        incoming = [result[u] for u, _, _ in edges]
        if all(t is None for t in incoming) or data["op"] in NO_TANGENT:
            result[node_id] = None
        elif data["op"] in JVP:
            primals = [cg.value(u) for u, _, _ in edges]
            with np.errstate(all="ignore"):
                result[node_id] = JVP[data["op"]](incoming, primals, data["value"])
        else:
            edge_data = cg.edge(edges[0])
            result[node_id] = ops.contribution(incoming[0], edge_data["local_grad"], edge_data["blocked"])
    return result


def tangent_values(cg: ComputationGraph, wrt: str) -> dict[int, float]:
    """d(node)/d(wrt) for every node, 0 where no tangent reaches."""
    return {n: 0.0 if t is None else t for n, t in tangents(cg, wrt).items()}


def dot(symbol: str) -> str:
    """The tangent's name: ẋ for x, ḣ₁ for h₁, (w·x)˙ for a longer expression."""
    if len(symbol) == 1 or (symbol[0].isalpha() and all(c in "₀₁₂₃₄₅₆₇₈₉" for c in symbol[1:])):
        return symbol[0] + DOT + symbol[1:]
    inner = symbol[1:-1] if symbol.startswith("(") and symbol.endswith(")") else symbol
    return f"({inner})˙"


@dataclass(frozen=True)
class TangentStep:
    """One step of forward mode: the node it settles and its sentence."""

    kind: str  # "seed" | "tangent" | "done"
    caption: str
    node: int | None = None


@dataclass
class ForwardMode:
    """The schedule of forward-mode steps for one input, and every node's tangent."""

    graph: ComputationGraph
    wrt: str
    tangents: dict[int, float] = field(init=False)
    steps: list[TangentStep] = field(init=False)

    def __post_init__(self) -> None:
        self.tangents = tangent_values(self.graph, self.wrt)
        cg = self.graph
        others = [name for name in cg.inputs if name != self.wrt]
        seed = f"Forward mode for {self.wrt}: seed {dot(self.wrt)} = 1"
        if others:
            seed += ", and " + ", ".join(f"{dot(name)} = 0" for name in others)
        self.steps = [TangentStep("seed", seed, cg.input_nodes[self.wrt])]
        self.steps += [
            TangentStep("tangent", self.sentence(n), n) for n in cg.nodes if cg.node(n)["kind"] == "op"
        ]
        self.steps.append(TangentStep("done", self.done_sentence()))

    def __len__(self) -> int:
        return len(self.steps)

    def known_after(self, k: int) -> dict[int, float]:
        """The tangents visible after the first k steps: the seeds, then one node per step."""
        cg = self.graph
        shown = {n: self.tangents[n] for n in cg.nodes if cg.node(n)["kind"] != "op"} if k > 0 else {}
        for step in self.steps[1:k]:
            if step.node is not None:
                shown[step.node] = self.tangents[step.node]
        return shown

    def sentence(self, node_id: int) -> str:
        """`u̇ = ẇ·x + w·ẋ = 0·3 + 2·1 = 2`: the chain rule forward at one operation."""
        cg = self.graph
        data = cg.node(node_id)
        edges = [e for e in cg.in_edges(node_id) if cg.differentiable(e[0])]
        names = [explain.symbol(cg, u) for u, _, _ in cg.in_edges(node_id)]
        me = explain.symbol(cg, node_id)
        value = fmt(self.tangents[node_id])
        if not edges:
            return f"{dot(me)} = 0: {me} depends on constants only"
        symbolic, numeric = [], []
        for edge in edges:
            source, index = edge[0], cg.edge(edge)["operand"]
            tangent = self.tangents[source]
            if data["op"] == "mul":
                other = explain.symbol(cg, cg.in_edges(node_id)[1 - index][0])
                other_value = explain.factor(cg.value(cg.in_edges(node_id)[1 - index][0]))
                if index == 0:
                    symbolic.append(f"{dot(names[0])}·{other}")
                    numeric.append(f"{explain.factor(tangent)}·{other_value}")
                else:
                    symbolic.append(f"{other}·{dot(names[1])}")
                    numeric.append(f"{other_value}·{explain.factor(tangent)}")
            elif data["op"] in ("add", "sub"):
                sign = "-" if data["op"] == "sub" and index == 1 else ""
                symbolic.append(f"{sign}{dot(names[index])}")
                numeric.append(f"{sign}{explain.factor(tangent)}")
            else:
                local = cg.edge(edge)["local_grad"]
                symbolic.append(f"{explain.partial(me, names[index])}·{dot(names[index])}")
                numeric.append(f"{explain.factor(local)}·{explain.factor(tangent)}")
        return f"{dot(me)} = {_join(symbolic)} = {_join(numeric)} = {value}"

    def done_sentence(self) -> str:
        cg = self.graph
        out = explain.output_symbol(cg)
        result = fmt(self.tangents[cg.output])
        count = len(cg.inputs)
        reverse = (
            f"reverse mode gives all {count} inputs' gradients in one backward pass"
            if count > 1 else "reverse mode also needs one pass for a single input"
        )
        return (
            f"Done: {dot(out)} = {explain.partial(out, self.wrt)} = {result}. "
            f"Forward mode gives one input's derivative per pass; {reverse}."
        )


def _join(terms: list[str]) -> str:
    text = " + ".join(terms)
    return text.replace("+ -", "- ")
