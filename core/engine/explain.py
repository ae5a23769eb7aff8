"""Plain-text sentences about a computation graph: forward steps, chain-rule steps, derivations.

Everything a caption, the command line or a handout says about the numbers is written here, so
the wording and the number formatting agree everywhere.
"""

from __future__ import annotations

import math

from core.engine import ops
from core.formatting import fmt
from core.engine.graph import ComputationGraph

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


def _operands(cg: ComputationGraph, node_id: int) -> tuple[list[str], list[str], list[float]]:
    """An operation's operands: their symbols, the same without outer parentheses, their values."""
    sources = [u for u, _, _ in cg.in_edges(node_id)]
    names = [symbol(cg, u) for u in sources]
    return names, [ops._unwrapped(n) for n in names], [cg.value(u) for u in sources]


def local_rule(cg: ComputationGraph, edge: tuple[int, int, int], direct: bool = False) -> str:
    """An edge's local derivative, rule and numbers: `∂u/∂w = x = 3`, `∂a/∂v = 1 because v = 7 > 0`.

    `direct` marks it as one edge's share (`∂f/∂x (direct edge)`) when x has other paths too.
    """
    source, target, _ = edge
    data, edge_data = cg.node(target), cg.edge(edge)
    op = ops.OPS[data["op"]]
    index = edge_data["operand"]
    names, bare, values = _operands(cg, target)
    head = partial(symbol(cg, target), symbol(cg, source)) + (" (direct edge)" if direct else "")
    local = fmt(edge_data["local_grad"])
    case = op.case(index, *values, data["value"]) if op.case is not None else ""
    if case:
        case = _case_text(case, names, values)
    if edge_data["blocked"]:
        reason = case or f"{op.blocked_because}"
        return f"{reason}, so {head} = {local} — {op.blocks}"
    if case:
        return f"{head} = {local} because {case}"
    result = symbol(cg, target)
    rule = ops.fill(op.locals_[index], result, names, bare, ops._unwrapped(result))
    plugged = ops.fill(op.locals_[index], factor(data["value"]), [factor(v) for v in values],
                       [fmt(v) for v in values], fmt(data["value"]))
    parts = [head, rule]
    for text in (plugged, local):
        if text != parts[-1]:
            parts.append(text)
    return " = ".join(parts)


def _case_text(template: str, names: list[str], values: list[float]) -> str:
    """A case like `{0} > 0` with each operand as `v = 7` (a constant just as its number)."""
    shown = [name if name == fmt(value) else f"{name} = {fmt(value)}" for name, value in zip(names, values)]
    return ops.fill(template, "", shown)


def blocked_text(cg: ComputationGraph, edge: tuple[int, int, int]) -> str:
    """`blocked (ReLU off)`: what a masked edge passes back instead of arithmetic."""
    return f"blocked ({ops.OPS[cg.node(edge[1])['op']].blocked_because})"


def chain_sentence(cg: ComputationGraph, edge: tuple[int, int, int]) -> str:
    """The backward step along one edge: the whole chain from the output, with its numbers.

    An edge into the output is just its local derivative (the seed is 1), never `∂a/∂a · ∂a/∂v`.
    """
    source, target, _ = edge
    out, s, t = output_symbol(cg), symbol(cg, source), symbol(cg, target)
    data = cg.edge(edge)
    uses = cg.carrying_out_edges(source)
    if target == cg.output:
        if len(uses) == 1:
            return local_rule(cg, edge)
        product = f"its local derivative: {local_rule(cg, edge, direct=True)}"
    else:
        paths = _paths_to_output(cg, target, 1)
        if paths is not None and len(paths) == 1:
            chain = [edge] + paths[0]
            symbolic = _product([partial(symbol(cg, b), symbol(cg, a)) for a, b, _ in reversed(chain)])
            numeric = _path_numbers(cg, list(reversed(chain)))
        else:  # the upstream gradient is a sum of paths, already shown where they met
            symbolic = f"{partial(out, t)} · {partial(t, s)}"
            numeric = (blocked_text(cg, edge) if data["blocked"]
                       else f"{factor(cg.grad(target))} · {local_factor(cg, edge)}")
        product = f"{symbolic} = {numeric} = {fmt(data['contribution'])}"
        if data["blocked"]:
            product += f"; {local_rule(cg, edge)}"
    if len(uses) == 1:
        return f"{partial(out, s)} = {product}"
    number = cg.use_number(edge)
    return f"{s} is used {len(uses)} times; use {number} (in {ops._unwrapped(t)}) contributes {product}"


def local_factor(cg: ComputationGraph, edge: tuple[int, int, int]) -> str:
    """An edge's local derivative as a factor; `(1/1e-310)` where torch divides by a number whose
    reciprocal overflows, so that `1e-10 · (1/1e-310) = 1e300` reads true (not `1e-10 · inf`)."""
    local = cg.edge(edge)["local_grad"]
    if not math.isfinite(local):
        target = edge[1]
        values = [cg.value(u) for u, _, _ in cg.in_edges(target)]
        divisor = ops.divisor_of(ops.OPS[cg.node(target)["op"]], cg.edge(edge)["operand"], values,
                                 cg.value(target))
        if divisor is not None:
            return f"(1/{fmt(divisor)})"
    return factor(local)


def _path_numbers(cg: ComputationGraph, edges: list) -> str:
    """The local derivatives along a path, as a product, or `blocked (ReLU off)` if one masks it."""
    for edge in edges:
        if cg.edge(edge)["blocked"]:
            return blocked_text(cg, edge)
    return _product([local_factor(cg, e) for e in edges])


def sum_sentence(cg: ComputationGraph, node_id: int) -> str:
    """Where paths meet: every path's product, and their sum, which is the node's gradient."""
    s = symbol(cg, node_id)
    uses = len(cg.carrying_out_edges(node_id))
    return f"{derivation_of(cg, node_id)}: {s} is used {uses} times, so the chain rule adds up its paths"


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


def local_rules(cg: ComputationGraph, node_id: int) -> str:
    """An operation's local derivatives with their values plugged in, one per operand."""
    if cg.node(node_id)["kind"] != "op":
        return ""
    edges = [e for e in cg.in_edges(node_id) if cg.differentiable(e[0])]
    return "; ".join(dict.fromkeys(local_rule(cg, e) for e in edges))


def derivation(cg: ComputationGraph, input_name: str) -> str:
    """The chain rule for one input, path by path: `∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3`."""
    return derivation_of(cg, cg.input_nodes[input_name])


def derivation_of(cg: ComputationGraph, node_id: int) -> str:
    """The chain rule for any node, path by path, with each path's product and their sum."""
    input_name = symbol(cg, node_id)
    out = output_symbol(cg)
    head = partial(out, input_name)
    if node_id == cg.output:
        return f"{head} = 1 (the output itself)"
    if not cg.reaches_output(node_id):
        return f"{head} = 0 ({input_name} does not feed {out})"
    paths = _paths_to_output(cg, node_id, MAX_EXPANDED_PATHS)
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
        edges = list(reversed(path))
        factors = [partial(symbol(cg, t), symbol(cg, s)) for s, t, _ in edges]
        if len(edges) == 1 and len(paths) > 1:  # the local ∂f/∂x, not the total it is part of
            factors = [f"{factors[0]} (direct edge)"]
        symbolic.append(_product(factors))
        numeric.append(_path_numbers(cg, edges))
    if len(paths) == 1 and len(paths[0]) == 1:
        return f"{head} = {grad} (one edge: just the local derivative)"
    if len(paths) == 1:
        return f"{head} = {symbolic[0]} = {numeric[0]} = {grad}"
    return f"{head} = {' + '.join(symbolic)} = {' + '.join(numeric)} = {grad}"


def _product(factors: list[str]) -> str:
    """`a · b · c`, shortened to `a · b · … · z (n factors)` for long chains."""
    if len(factors) <= MAX_LISTED_TERMS:
        return " · ".join(factors)
    return f"{' · '.join(factors[:2])} · … · {' · '.join(factors[-2:])} ({len(factors)} factors)"


MAX_PATH_LENGTH = 200  # longer chains are written one link at a time (and shortened anyway)


def _paths_to_output(cg: ComputationGraph, start: int, limit: int) -> list[list] | None:
    """Every edge path from `start` to the output, or None if there are more than `limit`
    (or one is longer than MAX_PATH_LENGTH edges: spelling it out would cost more than it says)."""
    count, depth = _path_counts(cg).get(start, (0, 0))
    if count > limit or depth > MAX_PATH_LENGTH:
        return None
    paths: list[list] = []
    stack: list[tuple[int, list]] = [(start, [])]
    while stack:
        node_id, path = stack.pop()
        if node_id == cg.output:
            paths.append(path)
            continue
        for edge in reversed(cg.carrying_out_edges(node_id)):
            stack.append((edge[1], path + [edge]))
    return paths


def _path_counts(cg: ComputationGraph) -> dict[int, tuple[int, int]]:
    """For each node feeding the output: how many paths lead there (capped) and the longest one."""
    cache = cg.graph.graph.get("path_counts")
    if cache is None:
        cache = {cg.output: (1, 0)}
        for node_id in reversed(cg.nodes):
            edges = cg.carrying_out_edges(node_id) if node_id != cg.output else []
            if edges:
                count = min(sum(cache[t][0] for _, t, _ in edges), 10**6)
                cache[node_id] = (count, max(cache[t][1] for _, t, _ in edges) + 1)
        cg.graph.graph["path_counts"] = cache
    return cache
