"""Plain-text sentences about a computation graph: forward steps, chain-rule steps, derivations.

Everything a caption, the command line or a handout says about the numbers is written here, so
the wording and the number formatting agree everywhere.
"""

from __future__ import annotations

from core.engine import ops
from core.formatting import fmt
from core.engine.graph import ComputationGraph, EdgePath

MAX_LISTED_TERMS = 8
MAX_EXPANDED_PATHS = 6


def factor(value: float) -> str:
    """A number as it reads inside a product or a sum: negatives in parentheses."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def partial(top: str, bottom: str) -> str:
    """The partial derivative ∂top/∂bottom in plain text."""
    return f"∂{top}/∂{bottom}"


def symbol(cg: ComputationGraph, node_id: int) -> str:
    return cg.node(node_id)["symbol"]


def output_symbol(cg: ComputationGraph) -> str:
    return symbol(cg, cg.output)


def substituted(cg: ComputationGraph, node_id: int) -> str:
    """An operation with its operands' values in place of their names: `2 · 3`, `relu(7)`."""
    data = cg.node(node_id)
    op = ops.OPS[data["op"]]
    values = [cg.value(u) for u, _, _ in cg.in_edges(node_id)]
    if op.infix is None:
        return f"{op.name}({', '.join(fmt(v) for v in values)})"
    if op.arity == 1:
        return f"{op.infix}{factor(values[0])}"
    separator = "^" if op.name == "pow" else f" {op.infix} "
    return f"{factor(values[0])}{separator}{factor(values[1])}"


def forward_sentence(cg: ComputationGraph, node_id: int) -> str:
    """`u = w·x = 2 · 3 = 6`: what the forward pass computes at an operation."""
    data = cg.node(node_id)
    if data["symbol"] in (data["expr"], f"({data['expr']})"):
        parts = [data["expr"]]  # an unnamed short expression names itself
    else:
        parts = [data["symbol"], data["expr"]]
    parts += [substituted(cg, node_id), fmt(data["value"])]
    return " = ".join(parts)


def local_sentence(cg: ComputationGraph, edge: tuple[int, int, int]) -> str:
    """`∂u/∂w = 3`: one edge's local derivative."""
    source, target, _ = edge
    return f"{partial(symbol(cg, target), symbol(cg, source))} = {fmt(cg.edge(edge)['local_grad'])}"


def chain_sentence(cg: ComputationGraph, edge: tuple[int, int, int]) -> str:
    """The backward step along one edge: upstream gradient × local derivative = contribution."""
    source, target, _ = edge
    out, s, t = output_symbol(cg), symbol(cg, source), symbol(cg, target)
    data = cg.edge(edge)
    product = (
        f"{partial(out, t)} · {partial(t, s)} = {factor(cg.grad(target))} · "
        f"{factor(data['local_grad'])} = {fmt(data['contribution'])}"
    )
    uses = cg.carrying_out_edges(source)
    if len(uses) == 1:
        return f"{partial(out, s)} = {product}"
    number = cg.use_number(edge)
    return f"{s} is used {len(uses)} times; use {number} (in {t.strip('()')}) contributes {product}"


def sum_sentence(cg: ComputationGraph, node_id: int) -> str:
    """Where paths meet: the contributions add up to the node's gradient."""
    s = symbol(cg, node_id)
    terms = [cg.edge(e)["contribution"] for e in cg.carrying_out_edges(node_id)]
    return (
        f"{partial(output_symbol(cg), s)} = {sum_text(terms)} = {fmt(cg.grad(node_id))}: "
        f"{s} is used {len(terms)} times, so the chain rule adds up its contributions"
    )


def sum_text(terms: list[float]) -> str:
    """`3 + 6`, or `1 + 1 + … + 1 (3000 terms)` when there are many."""
    shown = [factor(t) for t in terms]
    if len(shown) <= MAX_LISTED_TERMS:
        return " + ".join(shown)
    return f"{' + '.join(shown[:3])} + … + {shown[-1]} ({len(shown)} terms)"


def rule_of(cg: ComputationGraph, node_id: int) -> str:
    """An operation's differentiation rule with its own names: `∂u/∂w = x and ∂u/∂x = w`."""
    data = cg.node(node_id)
    if data["kind"] != "op":
        return ""
    operands = [symbol(cg, u) for u, _, _ in cg.in_edges(node_id)]
    return ops.rule_text(ops.OPS[data["op"]], data["symbol"], operands)


def derivation(cg: ComputationGraph, input_name: str) -> str:
    """The chain rule for one input, path by path: `∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3`."""
    node_id = cg.input_nodes[input_name]
    out = output_symbol(cg)
    head = partial(out, input_name)
    if node_id == cg.output:
        return f"{head} = 1 (the output itself)"
    if not cg.reaches_output(node_id):
        return f"{head} = 0 ({input_name} does not feed {out})"
    paths = cg.paths_to_output(node_id, MAX_EXPANDED_PATHS, keep=MAX_LISTED_TERMS)
    grad = fmt(cg.grad(node_id))
    if paths is None:  # too many paths to spell out: one level of the chain rule instead
        uses = cg.carrying_out_edges(node_id)
        symbols = " + ".join(
            f"{partial(out, symbol(cg, t))} · {partial(symbol(cg, t), input_name)}"
            for _, t, _ in uses[:2]
        )
        return (
            f"{head} = {symbols} + … ({len(uses)} uses of {input_name}) = "
            f"{sum_text([cg.edge(e)['contribution'] for e in uses])} = {grad}"
        )
    symbolic, numeric = [], []
    for path in paths:  # each path runs from the input to the output; write it output first
        edges = _shown_edges(path)
        factors = [partial(symbol(cg, t), symbol(cg, s)) for s, t, _ in edges]
        if path.length == 1 and len(paths) > 1:  # the local ∂f/∂x, not the total it is part of
            factors = [f"{factors[0]} (direct edge)"]
        symbolic.append(_product(factors, path.length))
        numeric.append(_product([factor(cg.edge(e)["local_grad"]) for e in edges], path.length))
    if len(paths) == 1 and paths[0].length == 1:
        return f"{head} = {grad} (one edge: just the local derivative)"
    if len(paths) == 1:
        return f"{head} = {symbolic[0]} = {numeric[0]} = {grad}"
    return f"{head} = {' + '.join(symbolic)} = {' + '.join(numeric)} = {grad}"


def _product(factors: list[str], count: int) -> str:
    """`a · b · c`, shortened to `a · b · … · y · z (n factors)` for chains longer than the list shows."""
    if count <= MAX_LISTED_TERMS:
        return " · ".join(factors)
    return f"{' · '.join(factors[:2])} · … · {' · '.join(factors[-2:])} ({count} factors)"


def _shown_edges(path: EdgePath) -> list[tuple[int, int, int]]:
    """The edges of a path that its product shows, output first: all, or the two at each end."""
    if path.length <= MAX_LISTED_TERMS:
        return list(reversed(path.first))
    return [*reversed(path.last[-2:]), *reversed(path.first[:2])]
