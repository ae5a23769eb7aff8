"""The graph of the backward pass itself: what torch builds with `create_graph=True`.

`backward_program(cg, wrt)` writes, as ordinary program text, the forward pass followed by the
backward pass down to ∂output/∂wrt. Each operation's gradient is written the way torch's backward
formula computes it (derivatives.yaml / FunctionsManual.cpp): `grad * other` for mul,
`where(self <= 0, 0, grad)` for relu (threshold_backward, on relu's *result*), `grad * sgn(self)`
for abs, `where(exponent == 0, 0, grad * exponent * self ** (exponent - 1))` for pow, ...
The masks are comparisons, which pass no gradient, so differentiating this program again with the
ordinary engine reproduces torch's double backward exactly, kinks included (relu'' = 0).

The text parses like anything a user types, so the page can show it, step through it, and
differentiate it again. `hessian` differentiates each input's gradient program once more.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping

from core.engine.graph import ComputationGraph, build_graph


class LabError(ValueError):
    """A lab request that cannot be carried out, with a message for the user."""


Grad = Callable[..., str]  # (grad, operands..., result) -> expression text
LN2 = repr(math.log(2.0))  # torch's M_LN2, written so that it reads back exactly


def _scaled(g: str, factor: str) -> str:
    """g · factor, leaving out a multiplication by the literal seed 1 (exact in IEEE arithmetic)."""
    return factor if g == "1" else f"{g} * {factor}"


def _tie(g: str, a: str, b: str, loses: str) -> str:
    """max/min: `where(self == other, grad / 2, grad).masked_fill_(loses, 0)`."""
    return f"where({loses}, 0, where(eq({a}, {b}), {g} / 2, {g}))"


# For each operation, one template per operand: the contribution torch's backward formula sends
# to that operand, with `g` the incoming gradient and a, b (c) the operands and r the result.
BACKWARD: dict[str, tuple[Grad, ...]] = {
    "add": (lambda g, a, b, r: g, lambda g, a, b, r: g),
    "sub": (lambda g, a, b, r: g, lambda g, a, b, r: f"-{g}"),
    "mul": (lambda g, a, b, r: _scaled(g, b), lambda g, a, b, r: _scaled(g, a)),
    "div": (lambda g, a, b, r: f"{g} / {b}", lambda g, a, b, r: f"-{g} * ({a} / {b} / {b})"),
    "neg": (lambda g, a, r: f"-{g}",),
    "pow": (
        lambda g, a, b, r: f"where(eq({b}, 0), 0, {_scaled(g, f'({b} * {a} ** ({b} - 1))')})",
        lambda g, a, b, r: _scaled(
            g, f"where(eq({a}, 0), where(le(0, {b}), 0, {r} * log({a})), {r} * log({a}))"),
    ),
    "relu": (lambda g, a, r: f"where(le({r}, 0), 0, {g})",),
    "sigmoid": (lambda g, a, r: f"{g} * (1 - {r}) * {r}",),
    "tanh": (lambda g, a, r: f"{g} * (1 - {r} * {r})",),
    "exp": (lambda g, a, r: _scaled(g, r),),
    "log": (lambda g, a, r: f"{g} / {a}",),
    "sqrt": (lambda g, a, r: f"{g} / (2 * {r})",),
    "abs": (lambda g, a, r: _scaled(g, f"sign({a})"),),
    "sin": (lambda g, a, r: _scaled(g, f"cos({a})"),),
    "cos": (lambda g, a, r: _scaled(g, f"(-sin({a}))"),),
    "log1p": (lambda g, a, r: f"{g} / ({a} + 1)",),
    "expm1": (lambda g, a, r: _scaled(g, f"({r} + 1)"),),
    # softplus(x) with torch's beta 1 and threshold 20: the identity above the threshold
    "softplus": (lambda g, a, r: f"where(lt(20, {a}), {g}, {_scaled(g, f'(exp({a}) / (exp({a}) + 1))')})",),
    "log2": (lambda g, a, r: f"{g} / ({a} * {LN2})",),
    "exp2": (lambda g, a, r: _scaled(g, f"{r} * {LN2}"),),
    "square": (lambda g, a, r: _scaled(g, f"(2 * {a})"),),  # torch: pow(x, 2)'s backward
    "reciprocal": (lambda g, a, r: f"-{g} * ({r} * {r})",),
    "max": (lambda g, a, b, r: _tie(g, a, b, f"lt({a}, {b})"),
            lambda g, a, b, r: _tie(g, a, b, f"lt({b}, {a})")),
    "min": (lambda g, a, b, r: _tie(g, a, b, f"lt({b}, {a})"),
            lambda g, a, b, r: _tie(g, a, b, f"lt({a}, {b})")),
    "where": (None, lambda g, c, a, b, r: f"where({c}, {g}, 0)", lambda g, c, a, b, r: f"where({c}, 0, {g})"),
    # sign and the comparisons pass no gradient: torch records nothing for them
    "sign": (None,),
    "eq": (None, None),
    "lt": (None, None),
    "le": (None, None),
}


def gradient_name(output: str, node: str) -> str:
    """The program name of ∂output/∂node: `da_dv`."""
    return f"d{output}_d{node}"


def literal(value: float) -> str:
    """A number as formula text that reads back to exactly the same float."""
    if math.isinf(value):
        return "1e999" if value > 0 else "(-1e999)"
    if math.isnan(value):
        raise LabError("a constant is nan: it cannot be written into a formula")
    text = repr(float(value))
    text = text[:-2] if text.endswith(".0") and "e" not in text else text
    return f"({text})" if value < 0 or text.startswith("-") else text


class _Namer:
    """Program names for every node of a graph, fresh where the graph has none."""

    def __init__(self, cg: ComputationGraph):
        self.cg = cg
        self.taken = {d["label"] for _, d in cg.graph.nodes(data=True) if d["kind"] == "input"}
        self.taken |= {d["name"] for _, d in cg.graph.nodes(data=True) if d.get("name")}
        self.names: dict[int, str] = {}
        counter = 0
        versions: dict[str, int] = {}
        for node_id in cg.nodes:
            data = cg.node(node_id)
            if data["kind"] == "input":
                self.names[node_id] = data["label"]
            elif data["kind"] == "const":
                self.names[node_id] = literal(data["value"])
            elif data.get("name"):  # a name bound again is drawn u′, u″: in a program, u_2, u_3
                base = data["name"].rstrip("′″‴⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹")
                versions[base] = versions.get(base, 0) + 1
                self.names[node_id] = base if versions[base] == 1 else self.fresh(f"{base}_{versions[base]}")
            else:
                symbol = data["symbol"]
                if symbol.isidentifier() and symbol not in self.taken:
                    name = symbol
                else:
                    counter += 1
                    name = self.fresh(f"t{counter}")
                self.taken.add(name)
                self.names[node_id] = name

    def fresh(self, wanted: str) -> str:
        name, number = wanted, 2
        while name in self.taken:
            name = f"{wanted}_{number}"
            number += 1
        self.taken.add(name)
        return name


def _forward_text(cg: ComputationGraph, node_id: int, names: dict[int, str]) -> str:
    data = cg.node(node_id)
    args = [names[u] for u, _, _ in cg.in_edges(node_id)]
    infix = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
    if data["op"] in infix:
        return f"{args[0]} {infix[data['op']]} {args[1]}"
    if data["op"] == "neg":
        return f"-{args[0]}"
    return f"{data['op']}({', '.join(args)})"


def backward_program(cg: ComputationGraph, wrt: str, values: Mapping[str, float] | None = None) -> str:
    """Program text computing ∂output/∂wrt the way torch's backward pass does (create_graph=True)."""
    if wrt not in cg.input_nodes:
        known = ", ".join(cg.inputs) or "none"
        raise LabError(f"the formula has no input named '{wrt}' (its inputs: {known})")
    inputs = current_values(cg, values)
    namer = _Namer(cg)
    names = namer.names
    out_name = names[cg.output]
    start = cg.input_nodes[wrt]
    if not cg.reaches_output(start):
        raise LabError(f"{wrt} does not feed {out_name}: its gradient is the constant 0, with nothing to differentiate")
    seed = namer.fresh(gradient_name(out_name, out_name))
    lines: list[tuple[str, str]] = []  # (target, expression)
    grads: dict[int, str] = {cg.output: seed}  # node -> name (or text) of its gradient
    # Only nodes on a path from wrt to the output carry the gradient wrt needs.
    on_path = {n for n in cg.nodes if cg.reaches_output(n) and _reaches(cg, start, n)}
    for node_id in reversed(cg.nodes):
        if node_id not in on_path:
            continue
        if node_id != cg.output:
            terms = [grads[e] for e in cg.carrying_out_edges(node_id) if e in grads and e[1] in on_path]
            if not terms:
                continue
            expression = " + ".join(f"({t})" if " " in t and len(terms) > 1 else t for t in terms)
            if len(terms) == 1 and expression.isidentifier():
                grads[node_id] = expression  # a gradient passed on unchanged (add, sub's first operand)
            else:
                target = namer.fresh(gradient_name(out_name, names[node_id]))
                lines.append((target, expression))
                grads[node_id] = target
        data = cg.node(node_id)
        if data["kind"] != "op":
            continue
        templates = BACKWARD[data["op"]]
        operands = [names[u] for u, _, _ in cg.in_edges(node_id)]
        for edge, template in zip(cg.in_edges(node_id), templates):
            if template is None or edge[0] not in on_path or cg.node(edge[0])["kind"] == "const":
                continue
            grads[edge] = template(grads[node_id], *operands, names[node_id])
    if start not in grads:
        raise LabError(f"∂{out_name}/∂{wrt} is the constant 0 here: nothing to differentiate")
    final = gradient_name(out_name, wrt)
    if not lines or lines[-1][0] != grads[start] or not grads[start].startswith(final):
        lines.append((namer.fresh(final), grads[start]))
    forward = [(names[n], _forward_text(cg, n, names)) for n in cg.nodes if cg.node(n)["kind"] == "op"]
    statements = _needed([*forward, *lines])
    used = {name for _, text in statements for name in _words(text)} | {t for t, _ in statements}
    # nan has no literal: such an input keeps no value in the text (gradient_graph passes it)
    header = [f"{name} = {literal(inputs[name])}" for name in cg.inputs
              if name in used and not math.isnan(inputs[name])]
    if seed in used:
        header.append(f"{seed} = 1")
    return "\n".join(["; ".join(header), *(f"{t} = {e}" for t, e in statements)]) if header else \
        "\n".join(f"{t} = {e}" for t, e in statements)


def current_values(cg: ComputationGraph, values: Mapping[str, float] | None = None) -> dict[str, float]:
    """The inputs' values: `values` if given, else those the graph was last evaluated with."""
    if values is None and all(cg.value(n) is not None for n in cg.input_nodes.values()):
        return {name: cg.value(n) for name, n in cg.input_nodes.items()}
    return cg.input_values(values)


def _reaches(cg: ComputationGraph, source: int, target: int) -> bool:
    cache = cg.graph.graph.setdefault("lab_descendants", {})
    if source not in cache:
        import networkx as nx

        cache[source] = nx.descendants(cg.graph, source) | {source}
    return target in cache[source]


def _words(text: str) -> set[str]:
    import re

    return set(re.findall(r"[^\W\d]\w*", text))


def _needed(statements: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The statements the last one depends on, in their order (dead forward code is dropped)."""
    needed = {statements[-1][0]}
    kept = []
    for target, text in reversed(statements):
        if target in needed:
            kept.append((target, text))
            needed |= _words(text)
    return list(reversed(kept))


def gradient_graph(cg: ComputationGraph, wrt: str, values: Mapping[str, float] | None = None) -> ComputationGraph:
    """The backward pass for ∂output/∂wrt as an evaluated graph of its own."""
    program = build_graph(backward_program(cg, wrt, values))
    inputs = current_values(cg, values)
    given = {name: value for name, value in inputs.items() if name in program.input_nodes}
    return program.evaluate(given)


def hessian(cg: ComputationGraph, values: Mapping[str, float] | None = None) -> dict[str, dict[str, float]]:
    """∂²output/∂a∂b for every pair of inputs, by differentiating each gradient's backward graph."""
    result: dict[str, dict[str, float]] = {}
    for row in cg.inputs:
        try:
            gradients = gradient_graph(cg, row, values).gradients()
        except LabError:  # the gradient is the constant 0: so is its derivative
            gradients = {}
        result[row] = {column: float(gradients.get(column, 0.0)) for column in cg.inputs}
    return result
