"""Random formulas and programs, and their reference values and gradients from torch.autograd.

The test side keeps its own tree and interprets it with torch, so the project's parser and graph
are checked against an independent evaluation of the same mathematics. Which torch function is the
reference for an operation is part of its entry in core.engine.ops.OPS: every op is drawn here.
"""

from __future__ import annotations

import math
import operator
import warnings

import torch
from hypothesis import strategies as st

from core.engine.ops import MASK_OPS, OPS

INPUTS = ("x", "y", "z")
# Random formulas draw every op a student types; the lab's masks (comparisons, where, sign) are
# the machinery of backward graphs, checked in test_ops and the lab's own tests.
UNARY = tuple(name for name, op in OPS.items() if op.arity == 1 and name not in MASK_OPS)
BINARY = tuple(name for name, op in OPS.items() if op.arity == 2 and name not in MASK_OPS)
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}  # the formula language's operators


def torch_function(name: str):
    """The torch function an operation's table entry names (`nn.functional.softplus`)."""
    function = operator.attrgetter(OPS[name].torch)(torch)
    if name == "where":  # our condition is a number (0 is false), torch's a boolean tensor
        return lambda condition, a, b: function(condition != 0, a, b)
    return function


TORCH = {name: torch_function(name) for name in OPS}

# Friendly values, with the kinks (0) and ties that torch treats by convention.
values = st.sampled_from([0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0]) | st.floats(
    -3, 3, allow_nan=False
).map(lambda v: round(v, 2))
constants = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])


def render(op: str, args: list[str]) -> str:
    """Text of one operation, fully parenthesized, in the formula language."""
    if op == "neg":
        return f"(-{args[0]})"
    if op in INFIX:
        return f"({args[0]} {INFIX[op]} {args[1]})"
    return f"{op}({', '.join(args)})"


@st.composite
def formulas(draw, max_leaves: int = 12):
    """A random nested formula: (text, tree), a tree being a name, a float or (op, children)."""
    leaf = st.sampled_from(INPUTS) | constants

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), st.tuples(children)),
            st.tuples(st.sampled_from(BINARY), st.tuples(children, children)),
        )

    tree = draw(st.recursive(leaf, extend, max_leaves=max_leaves).filter(lambda t: isinstance(t, tuple)))
    return to_text(tree), tree


def to_text(tree) -> str:
    if isinstance(tree, str):
        return tree
    if isinstance(tree, float):
        return repr(tree)
    op, children = tree
    return render(op, [to_text(child) for child in children])


@st.composite
def programs(draw, max_statements: int = 10):
    """A random program of assignments that reuses earlier names and computes some of them again
    (`t0 = t0 * x`, `t1 += y`, as Python rebinds): (text, statements)."""
    names = list(INPUTS)
    computed: list[str] = []
    statements, lines = [], []
    for index in range(draw(st.integers(1, max_statements))):
        op = draw(st.sampled_from(UNARY + BINARY))
        arity = 1 if op in UNARY else 2
        operand = st.sampled_from(names) | constants
        args = [draw(operand) for _ in range(arity)]
        if all(isinstance(a, float) for a in args):  # `t = -2` would set a value, not compute
            args[0] = draw(st.sampled_from(names))
        target = f"t{index}"
        if computed and draw(st.booleans()):  # compute an earlier name again
            target = draw(st.sampled_from(computed))
        if op in INFIX and arity == 2 and target in computed and draw(st.booleans()):
            args[0] = target
            lines.append(f"{target} {INFIX[op]}= {args[1]}")
        else:
            lines.append(f"{target} = {render(op, [str(a) for a in args])}")
        statements.append((target, op, args))
        if target not in computed:
            computed.append(target)
            names.append(target)
    return "\n".join(lines), statements


def torch_tree(tree, env):
    if isinstance(tree, str):
        return env[tree]
    if isinstance(tree, float):
        return torch.tensor(tree, dtype=torch.float64)
    op, children = tree
    return TORCH[op](*[torch_tree(child, env) for child in children])


def torch_program(statements, env):
    env = dict(env)
    for target, op, args in statements:
        operands = [env[a] if isinstance(a, str) else torch.tensor(a, dtype=torch.float64) for a in args]
        env[target] = TORCH[op](*operands)
    return env[statements[-1][0]]


def reference(build, inputs: dict[str, float]):
    """(output value, {input: gradient}) from torch.autograd in float64; unused inputs get 0."""
    env = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True) for n, v in inputs.items()}
    out = build(env)
    if not out.requires_grad:
        return out.item(), {n: 0.0 for n in inputs}
    grads = torch.autograd.grad(out, list(env.values()), allow_unused=True)
    return out.item(), {
        n: 0.0 if g is None else g.item() for n, g in zip(env, grads)
    }


def same_number(mine: float, theirs: float, scale: float = 1.0) -> bool:
    """Equal to relative 1e-6 (absolute 1e-9·scale near zero); non-finite values must match."""
    if math.isnan(theirs) or math.isnan(mine):
        return math.isnan(theirs) and math.isnan(mine)
    if math.isinf(theirs) or math.isinf(mine):
        return mine == theirs
    return math.isclose(mine, theirs, rel_tol=1e-6, abs_tol=1e-9 * max(1.0, scale))


def jvp(build, inputs: dict[str, float], wrt: str):
    """torch.func.jvp of build(env) with wrt's tangent 1; the other inputs are plain tensors."""
    env = {n: torch.tensor(v, dtype=torch.float64) for n, v in inputs.items()}
    with warnings.catch_warnings():
        # torch.func scripts a helper with torch.jit.script on first use, which warns that
        # torch.jit.script is deprecated: torch's own business, not the code under test.
        warnings.simplefilter("ignore", DeprecationWarning)
        _, tangent = torch.func.jvp(
            lambda x: build({**env, wrt: x}), (env[wrt],), (torch.tensor(1.0, dtype=torch.float64),)
        )
    return tangent
