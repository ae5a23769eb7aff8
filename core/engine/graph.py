"""The computation graph: a networkx MultiDiGraph of inputs, constants and operations.

Multi, because `x*x` has two edges from x into one node and each carries its own local
derivative. Node ids are integers in creation order, which is a topological order: an operation
is always created after its operands. `evaluate` writes plain floats onto the graph: each node's
`value` and `grad` (∂output/∂node; None for constants, which torch does not differentiate) and
each edge's `local_grad` (∂target/∂source), `blocked` (True where the operation passes exactly
zero back, as a switched-off relu does) and `contribution` (upstream gradient × local).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import networkx as nx

from core.engine import ops
from core.formatting import fmt
from core.engine.parse import Apply, Expr, Num, Program, Var, parse

AUTO_NAME_AFTER = 14  # unnamed intermediates with longer expressions get a short name (h₁, h₂, ...)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PRIMES = ("", "′", "″", "‴")  # versions of a recomputed name: u, u′, u″, u‴, then u⁽⁴⁾


class GraphError(ValueError):
    """Input values that do not fit the graph (a missing value, an unknown name)."""


@dataclass
class GraphBase:
    """Nodes and edges carrying values and gradients: what layout, steps and drawing read.

    A formula's ComputationGraph computes its numbers; a traced TensorGraph holds torch's.
    """

    graph: nx.MultiDiGraph
    output: int
    input_nodes: dict[str, int]  # input name -> node id, in order of first use

    @property
    def inputs(self) -> list[str]:
        return list(self.input_nodes)

    @property
    def nodes(self) -> list[int]:
        """Node ids in topological (creation) order."""
        return list(self.graph.nodes)

    def node(self, node_id: int) -> dict:
        # networkx's own node dict, not the NodeView: the view checks for slices on every lookup,
        # and captions, layout and drawing look nodes up hundreds of thousands of times.
        return self.graph._node[node_id]

    def in_edges(self, node_id: int) -> list[tuple[int, int, int]]:
        """Edges into `node_id`, in operand order."""
        # Cached like the other structural facts below: the engine, the layout, the captions and
        # the drawing ask for the same edges thousands of times (a quarter of showing a state).
        cache = self.graph.graph.setdefault("in_edges", {})
        if node_id not in cache:
            edges = self.graph.in_edges(node_id, keys=True, data="operand")
            cache[node_id] = [(u, v, k) for u, v, k, _ in sorted(edges, key=lambda edge: edge[3])]
        return list(cache[node_id])

    def out_edges(self, node_id: int) -> list[tuple[int, int, int]]:
        """Edges out of `node_id`, in the order the backward pass visits them (latest first)."""
        cache = self.graph.graph.setdefault("out_edges", {})
        if node_id not in cache:
            edges = self.graph.out_edges(node_id, keys=True, data="operand")
            cache[node_id] = [(u, v, k) for u, v, k, _ in sorted(edges, key=lambda e: (-e[1], e[3]))]
        return list(cache[node_id])

    def edge(self, edge: tuple[int, int, int]) -> dict:
        source, target, key = edge
        return self.graph._adj[source][target][key]  # networkx's own edge dict (see node)

    def differentiable(self, node_id: int) -> bool:
        """Whether gradients flow into this node (everything but constants)."""
        return self.node(node_id)["kind"] != "const"

    def reaches_output(self, node_id: int) -> bool:
        return node_id == self.output or node_id in self._feeds_output

    def carrying_out_edges(self, node_id: int) -> list[tuple[int, int, int]]:
        """Out-edges along which gradient flows back into `node_id`, in backward-pass order."""
        cache = self.graph.graph.setdefault("carrying", {})
        if node_id not in cache:
            cache[node_id] = [e for e in self.out_edges(node_id) if self.carries(e) and self.reaches_output(e[1])]
        return cache[node_id]

    def carries(self, edge: tuple[int, int, int]) -> bool:
        """Whether the backward pass has this edge at all (torch records none into a comparison)."""
        data = self.node(edge[1])
        op = ops.OPS.get(data.get("op")) if data.get("kind") == "op" else None
        return op is None or not op.no_gradient or self.graph.edges[edge]["operand"] not in op.no_gradient

    def use_number(self, edge: tuple[int, int, int]) -> int:
        """1-based position of `edge` among its source's gradient-carrying out-edges."""
        numbers = self.graph.graph.setdefault("use_numbers", {})
        if edge not in numbers:
            for position, each in enumerate(self.carrying_out_edges(edge[0]), start=1):
                numbers[each] = position
        return numbers[edge]

    def value(self, node_id: int) -> float:
        return self.node(node_id)["value"]

    def grad(self, node_id: int) -> float | None:
        return self.node(node_id)["grad"]

    @property
    def _feeds_output(self) -> set[int]:
        cached = self.graph.graph.get("feeds_output")
        if cached is None:  # the output's ancestors along edges the backward pass has
            cached, stack = set(), [self.output]
            while stack:
                for edge in self.graph.in_edges(stack.pop(), keys=True):
                    if edge[0] not in cached and self.carries(edge):
                        cached.add(edge[0])
                        stack.append(edge[0])
            self.graph.graph["feeds_output"] = cached
        return cached


@dataclass
class ComputationGraph(GraphBase):
    """A parsed program as a graph, ready to evaluate forward and backward."""

    defaults: dict[str, float] = field(default_factory=dict)  # values the text itself sets
    MISSING_NAMES_SHOWN = 5  # a missing-inputs message lists this many names, then the count

    def input_values(self, values: Mapping[str, float] | None = None) -> dict[str, float]:
        """The defaults from the text overridden by `values`; raise GraphError if one is missing."""
        merged = {**self.defaults, **(values or {})}
        missing = [name for name in self.input_nodes if name not in merged]
        if missing:
            names = ", ".join(missing[:self.MISSING_NAMES_SHOWN])
            if len(missing) > self.MISSING_NAMES_SHOWN:  # 668 names help nobody: a few and the count
                names += f" and {len(missing) - self.MISSING_NAMES_SHOWN:,} more ({len(missing):,} inputs)"
            raise GraphError(
                f"no value for input {names}: give one with --set {missing[0]}=VALUE "
                f"or a line like {missing[0]} = 1"
            )
        return {name: float(merged[name]) for name in self.input_nodes}

    def evaluate(self, values: Mapping[str, float] | None = None) -> "ComputationGraph":
        """Run the forward and backward pass, writing values and gradients onto the graph."""
        inputs = self.input_values(values)
        graph = self.graph
        for node_id, data in graph.nodes(data=True):
            if data["kind"] == "input":
                data["value"] = inputs[data["label"]]
            elif data["kind"] == "op":
                op = ops.OPS[data["op"]]
                edges = self.in_edges(node_id)
                operands = [graph.nodes[u]["value"] for u, _, _ in edges]
                data["value"] = ops.apply(op, operands)
                locals_ = ops.local_derivatives(op, operands, data["value"])
                for edge, local, is_blocked in zip(edges, locals_, ops.blocked(op, operands, data["value"])):
                    graph.edges[edge]["local_grad"] = local
                    graph.edges[edge]["blocked"] = is_blocked
            data["grad"] = 0.0 if data["kind"] != "const" else None
        graph.nodes[self.output]["grad"] = 1.0
        for node_id in reversed(self.nodes):
            data = graph.nodes[node_id]
            if data["kind"] != "op":
                continue
            edges = self.in_edges(node_id)
            operands = [graph.nodes[u]["value"] for u, _, _ in edges]
            for index, edge in enumerate(edges):
                source = graph.nodes[edge[0]]
                edge_data = graph.edges[edge]
                if source["kind"] == "const" or not self.reaches_output(node_id) or not self.carries(edge):
                    edge_data["contribution"] = None
                    continue
                edge_data["contribution"] = ops.contribution(
                    data["grad"], edge_data["local_grad"], edge_data["blocked"],
                    ops.OPS[data["op"]], index, operands, data["value"],
                )
                source["grad"] = source["grad"] + edge_data["contribution"]
        return self

    def gradients(self) -> dict[str, float]:
        """∂output/∂input for every input, by name."""
        return {name: self.grad(node_id) for name, node_id in self.input_nodes.items()}


def build_graph(source: str | Program) -> ComputationGraph:
    """Parse (if needed) and build the computation graph of a formula or program."""
    program = parse(source) if isinstance(source, str) else source
    return _Builder(program).build()


class _Builder:
    def __init__(self, program: Program):
        self.program = program
        self.graph = nx.MultiDiGraph()
        self.env: dict[str, int] = {}  # name -> node id
        self.input_nodes: dict[str, int] = {}
        self.taken = set(program.values) | {s.target for s in program.statements if s.target}
        self.auto_names = 0
        self.ref: dict[int, tuple[str, int]] = {}  # node -> (text when used as an operand, precedence)
        self.versions: dict[str, int] = {}  # name -> how many of its nodes carry it (u, u′, u″, ...)

    def build(self) -> ComputationGraph:
        output = -1
        for statement in self.program.statements:
            output = self.expression(statement.expr)
            if statement.target is not None:
                self.name_node(output, statement.target)
        data = self.graph.nodes[output]
        if data["kind"] == "op" and data["name"] is None:
            data["symbol"] = self.fresh_name("f", "out", "output")
        return ComputationGraph(
            self.graph, output, self.input_nodes, defaults=dict(self.program.values)
        )

    def name_node(self, node_id: int, name: str) -> None:
        data = self.graph.nodes[node_id]
        if data["kind"] == "op" and data["name"] is None:
            shown = self.version_name(name)
            data["name"] = shown
            data["symbol"] = shown
            self.ref[node_id] = (shown, 100)
        self.env[name] = node_id  # `u = x` simply makes u another name for x

    def version_name(self, name: str) -> str:
        """u for the first node that carries a name, then u′, u″, u‴, u⁽⁴⁾ as it is recomputed."""
        earlier = self.versions.get(name, 1 if name in self.input_nodes else 0)
        self.versions[name] = earlier + 1
        if earlier == 0:
            return name
        shown = name + _PRIMES[earlier] if earlier < len(_PRIMES) else f"{name}⁽{str(earlier).translate(_SUPERSCRIPTS)}⁾"
        self.taken.add(shown)
        return shown

    def expression(self, root: Expr) -> int:
        """Add the nodes of `root` (iteratively: sums can be thousands deep); return its id."""
        results: list[int] = []
        stack: list[tuple[Expr, bool]] = [(root, False)]
        while stack:
            expr, children_done = stack.pop()
            if isinstance(expr, Var):
                results.append(self.variable(expr))
            elif isinstance(expr, Num):
                results.append(self.constant(expr))
            elif children_done:
                count = len(expr.args)
                operands = results[len(results) - count:]
                del results[len(results) - count:]
                results.append(self.operation(expr, operands))
            else:
                stack.append((expr, True))
                stack.extend((arg, False) for arg in reversed(expr.args))
        return results[0]

    def add_node(self, kind: str, label: str, expr: Expr, **attributes) -> int:
        node_id = self.graph.number_of_nodes()
        data = dict(kind=kind, label=label, op=None, name=None, symbol=label, expr=label,
                    line=expr.line, column=expr.column, value=None, grad=None)
        self.graph.add_node(node_id, **{**data, **attributes})
        return node_id

    def variable(self, var: Var) -> int:
        if var.name not in self.env:
            node_id = self.add_node("input", var.name, var)
            self.env[var.name] = node_id
            self.input_nodes[var.name] = node_id
            self.ref[node_id] = (var.name, 100)
        return self.env[var.name]

    def constant(self, num: Num) -> int:
        label = fmt(num.value, digits=6)
        node_id = self.add_node("const", label, num)
        self.graph.nodes[node_id]["value"] = num.value
        precedence = 100 if num.value >= 0 or math.isnan(num.value) else 30  # "-3" acts like "-x"
        self.ref[node_id] = (label, precedence)
        return node_id

    def operation(self, apply: Apply, operands: list[int]) -> int:
        op = ops.OPS[apply.op]
        text, precedence = self.expression_text(op, operands)
        node_id = self.add_node("op", op.symbol, apply, op=op.name)
        for index, operand in enumerate(operands):
            self.graph.add_edge(
                operand, node_id, operand=index, local_grad=None, blocked=False, contribution=None
            )
        data = self.graph.nodes[node_id]
        data["expr"] = text
        if len(text) > AUTO_NAME_AFTER:
            data["symbol"] = self.fresh_auto_name()
            self.ref[node_id] = (data["symbol"], 100)
        else:
            data["symbol"] = text if precedence == 100 else f"({text})"
            self.ref[node_id] = (text, precedence)
        return node_id

    def expression_text(self, op: ops.Op, operands: list[int]) -> tuple[str, int]:
        """`op` applied to its operands' names, with the fewest parentheses; and its precedence."""
        if op.infix is None:
            return f"{op.name}({', '.join(self.ref[o][0] for o in operands)})", 100
        if op.arity == 1:
            text, inner = self.ref[operands[0]]
            return f"{op.infix}{_wrap(text, inner <= op.precedence)}", op.precedence
        (left, left_prec), (right, right_prec) = self.ref[operands[0]], self.ref[operands[1]]
        right_assoc = op.name == "pow"
        left = _wrap(left, left_prec < op.precedence or (right_assoc and left_prec == op.precedence))
        right = _wrap(right, right_prec < op.precedence or (not right_assoc and right_prec == op.precedence
                                                             and op.name in ("sub", "div")))
        separator = "^" if op.name == "pow" else f" {op.infix} " if op.precedence == 10 else op.infix
        return f"{left}{separator}{right}", op.precedence

    def fresh_name(self, *candidates: str) -> str:
        """The first candidate the program does not use, else the candidate with a number."""
        for candidate in candidates:
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        number = 2
        while f"{candidates[0]}{number}" in self.taken:
            number += 1
        self.taken.add(f"{candidates[0]}{number}")
        return f"{candidates[0]}{number}"

    def fresh_auto_name(self) -> str:
        """The next free h₁, h₂, ... for a long unnamed intermediate."""
        self.auto_names += 1
        while f"h{self.auto_names}" in self.taken:
            self.auto_names += 1
        self.taken.add(f"h{self.auto_names}")
        return "h" + str(self.auto_names).translate(_SUBSCRIPTS)


def _wrap(text: str, needed: bool) -> str:
    return f"({text})" if needed else text
