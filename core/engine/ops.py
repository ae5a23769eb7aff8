"""The operations table: one entry per operation, with its forward rule and local derivatives.

Adding an operation means adding one `Op` to `OPS`; the parser, the graph, the captions and the
drawing all read this table. Arithmetic runs on numpy float64 scalars with floating-point errors
silenced, so that 1/0 is inf, log(-1) is nan and 9**9**9 overflows to inf exactly as torch does in
float64, instead of raising as Python's floats and `math` do.

Conventions at kinks follow torch: relu'(0) = 0, |x|'(0) = 0, and max/min split the gradient
equally between tied arguments. `masks` mirrors the places where torch's backward pass *selects*
(a `where`) instead of multiplying: there the contribution is exactly 0 even when the upstream
gradient is infinite or nan (a switched-off relu blocks everything).
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Callable

import numpy as np

_f = np.float64


def _div(a: float, b: float) -> float:
    return _f(a) / _f(b)


def _pow(a: float, b: float) -> float:
    """C's pow (as torch uses), which numpy departs from at -inf: (-inf) ** 0.5 is inf."""
    a, b = float(a), float(b)
    odd_integer = b.is_integer() and b % 2 == 1
    try:
        return _f(math.pow(a, b))
    except OverflowError:
        return _f(-math.inf if a < 0 and odd_integer else math.inf)
    except ValueError:  # a pole (0 ** -1) or a negative base with a fractional exponent
        if a == 0:
            return _f(math.copysign(math.inf, a) if odd_integer else math.inf)
        return _f(math.nan)


def _pow_d_base(a: float, b: float, out: float) -> float:
    # torch: exponent == 0 -> 0, else exponent * base ** (exponent - 1)
    return _f(0.0) if b == 0 else _f(b) * _pow(a, b - 1)


def _pow_d_exponent(a: float, b: float, out: float) -> float:
    # torch: base == 0 and exponent >= 0 -> 0, else result * log(base)
    return _f(0.0) if (a == 0 and b >= 0) else _f(out) * np.log(_f(a))


def _sigmoid(v: float) -> float:
    return 1 / (1 + np.exp(-_f(v)))


def _tie_split(mine: float, other: float, wins: bool) -> float:
    if mine == other:
        return _f(0.5)
    return _f(1.0) if wins else _f(0.0)


def _max(a: float, b: float) -> float:
    # torch keeps the first argument on a tie (it matters for 0.0 vs -0.0) and propagates nan
    if a != a or b != b:
        return _f("nan")
    return _f(b) if a < b else _f(a)


def _min(a: float, b: float) -> float:
    if a != a or b != b:
        return _f("nan")
    return _f(b) if b < a else _f(a)


def _sign(v: float) -> float:
    return _f(1.0) if v > 0 else _f(-1.0) if v < 0 else _f(0.0)  # torch: sgn(0) = sgn(nan) = 0


_NO_SLOPE = (lambda a, b, out: _f(0.0),)  # a comparison's local derivative, per operand
_ALWAYS = (lambda a, b, out: True,)  # ... and torch passes no gradient through it at all


@dataclass(frozen=True)
class Op:
    """One operation: how to compute it, differentiate it, draw it and explain it."""

    name: str  # identifier used in formulas and JSON ("mul", "relu", ...)
    arity: int
    symbol: str  # drawn inside the operation's circle
    forward: Callable[..., float]
    # One function per operand: (*operands, result) -> local derivative ∂result/∂operand.
    partials: tuple[Callable[..., float], ...]
    # The differentiation rule as a template: {out} is the result, {0} and {1} the operands.
    rule: str
    infix: str | None = None  # "+", "-", "·", "/", "^" for binary operators, "-" for negation
    precedence: int = 100  # for printing expressions with the fewest parentheses
    # One predicate per operand: (*operands, result) -> True where torch passes exactly zero.
    masks: tuple[Callable[..., bool], ...] | None = None


OPS: dict[str, Op] = {
    op.name: op
    for op in [
        Op("add", 2, "+", lambda a, b: _f(a) + _f(b),
           (lambda a, b, out: _f(1.0), lambda a, b, out: _f(1.0)),
           "∂{out}/∂{0} = 1 and ∂{out}/∂{1} = 1", infix="+", precedence=10),
        Op("sub", 2, "-", lambda a, b: _f(a) - _f(b),
           (lambda a, b, out: _f(1.0), lambda a, b, out: _f(-1.0)),
           "∂{out}/∂{0} = 1 and ∂{out}/∂{1} = -1", infix="-", precedence=10),
        Op("mul", 2, "×", lambda a, b: _f(a) * _f(b),
           (lambda a, b, out: _f(b), lambda a, b, out: _f(a)),
           "∂{out}/∂{0} = {1} and ∂{out}/∂{1} = {0}", infix="·", precedence=20),
        Op("div", 2, "÷", _div,
           (lambda a, b, out: 1 / _f(b), lambda a, b, out: -(_f(a) / _f(b)) / _f(b)),
           "∂{out}/∂{0} = 1/{1} and ∂{out}/∂{1} = -{0}/{1}²", infix="/", precedence=20),
        Op("neg", 1, "-", lambda a: -_f(a), (lambda a, out: _f(-1.0),),
           "∂{out}/∂{0} = -1", infix="-", precedence=30),
        Op("pow", 2, "^", _pow, (_pow_d_base, _pow_d_exponent),
           "∂{out}/∂{0} = {1}·{0}^({1} - 1) and ∂{out}/∂{1} = {0}^{1}·ln {0}", infix="^", precedence=40,
           masks=(lambda a, b, out: b == 0, lambda a, b, out: False)),  # torch: where() on the base only
        Op("relu", 1, "relu", lambda v: _f(0.0) if v < 0 else _f(v),
           (lambda v, out: _f(0.0) if out <= 0 else _f(1.0),),  # nan passes, as in torch
           "∂{out}/∂{0} = 1 if {0} > 0, else 0", masks=(lambda v, out: out <= 0,)),
        Op("sigmoid", 1, "σ", _sigmoid, (lambda v, out: (1 - _f(out)) * _f(out),),
           "∂{out}/∂{0} = σ({0})·(1 - σ({0}))"),
        Op("tanh", 1, "tanh", lambda v: np.tanh(_f(v)), (lambda v, out: 1 - _f(out) * _f(out),),
           "∂{out}/∂{0} = 1 - tanh({0})²"),
        Op("exp", 1, "exp", lambda v: np.exp(_f(v)), (lambda v, out: _f(out),),
           "∂{out}/∂{0} = exp({0})"),
        Op("log", 1, "log", lambda v: np.log(_f(v)), (lambda v, out: 1 / _f(v),),
           "∂{out}/∂{0} = 1/{0} (natural logarithm)"),
        Op("sqrt", 1, "√", lambda v: np.sqrt(_f(v)), (lambda v, out: 1 / (2 * _f(out)),),
           "∂{out}/∂{0} = 1/(2·√{0})"),
        Op("abs", 1, "abs", lambda v: np.abs(_f(v)), (lambda v, out: _sign(v),),
           "∂{out}/∂{0} = sign({0}), and 0 at {0} = 0"),
        Op("sin", 1, "sin", lambda v: np.sin(_f(v)), (lambda v, out: np.cos(_f(v)),),
           "∂{out}/∂{0} = cos({0})"),
        Op("cos", 1, "cos", lambda v: np.cos(_f(v)), (lambda v, out: -np.sin(_f(v)),),
           "∂{out}/∂{0} = -sin({0})"),
        Op("max", 2, "max", _max,
           (lambda a, b, out: _tie_split(a, b, not a < b),
            lambda a, b, out: _tie_split(b, a, not b < a)),
           "∂{out}/∂{0} = 1 if {0} > {1}, 0 if {0} < {1}, ½ on a tie (the same for {1})",
           masks=(lambda a, b, out: a < b, lambda a, b, out: b < a)),
        Op("min", 2, "min", _min,
           (lambda a, b, out: _tie_split(a, b, not a > b),
            lambda a, b, out: _tie_split(b, a, not b > a)),
           "∂{out}/∂{0} = 1 if {0} < {1}, 0 if {0} > {1}, ½ on a tie (the same for {1})",
           masks=(lambda a, b, out: a > b, lambda a, b, out: b > a)),
        # The lab's entries: the pieces torch's backward formulas are made of, so that the graph of
        # a backward pass (core.lab.backward_graph) is an ordinary graph of this table. A comparison
        # is 1 or 0 and, as in torch, passes no gradient at all; where() selects exactly like
        # torch.where (the branch not taken gets exactly 0, even when the gradient is inf or nan).
        Op("sign", 1, "sign", _sign, (lambda v, out: _f(0.0),),
           "∂{out}/∂{0} = 0: sign is flat, and torch passes no gradient through it",
           masks=(lambda v, out: True,)),
        Op("eq", 2, "=", lambda a, b: _f(1.0 if a == b else 0.0), _NO_SLOPE * 2,
           "{out} is 1 if {0} = {1}, else 0; a comparison passes no gradient", masks=_ALWAYS * 2),
        Op("lt", 2, "<", lambda a, b: _f(1.0 if a < b else 0.0), _NO_SLOPE * 2,
           "{out} is 1 if {0} < {1}, else 0; a comparison passes no gradient", masks=_ALWAYS * 2),
        Op("le", 2, "≤", lambda a, b: _f(1.0 if a <= b else 0.0), _NO_SLOPE * 2,
           "{out} is 1 if {0} ≤ {1}, else 0; a comparison passes no gradient", masks=_ALWAYS * 2),
        Op("where", 3, "where", lambda c, a, b: _f(a) if c != 0 else _f(b),
           (lambda c, a, b, out: _f(0.0),
            lambda c, a, b, out: _f(1.0 if c != 0 else 0.0),
            lambda c, a, b, out: _f(0.0 if c != 0 else 1.0)),
           "{out} = {1} if {0} ≠ 0, else {2}: ∂{out}/∂{1} = 1 and ∂{out}/∂{2} = 0 where {0} ≠ 0, "
           "the other way round elsewhere; the condition {0} gets no gradient",
           masks=(lambda c, a, b, out: True, lambda c, a, b, out: c == 0, lambda c, a, b, out: c != 0)),
    ]
}

# The lab's entries above: machinery of backward graphs rather than material for practice.
MASK_OPS = ("sign", "eq", "lt", "le", "where")

# Python operators the parser accepts, mapped to the table.
BINARY_OPERATORS = {"Add": "add", "Sub": "sub", "Mult": "mul", "Div": "div", "Pow": "pow"}
FUNCTIONS = sorted(name for name, op in OPS.items() if op.infix is None)


def rule_text(op: Op, result: str, operands: list[str]) -> str:
    """The op's differentiation rule written with the given names."""
    return op.rule.format(*operands, out=result)


def apply(op: Op, operands: list[float]) -> float:
    """The forward value of `op` on `operands`, as a Python float (IEEE rules, never raising)."""
    with np.errstate(all="ignore"):
        return float(op.forward(*operands))


def local_derivatives(op: Op, operands: list[float], result: float) -> list[float]:
    """∂result/∂operand for each operand, as Python floats (IEEE rules, never raising)."""
    with np.errstate(all="ignore"):
        return [float(partial(*operands, result)) for partial in op.partials]


def blocked(op: Op, operands: list[float], result: float) -> list[bool]:
    """For each operand, whether torch passes exactly zero gradient back to it here."""
    if op.masks is None:
        return [False] * op.arity
    return [bool(mask(*operands, result)) for mask in op.masks]


def contribution(upstream: float, local: float, is_blocked: bool = False) -> float:
    """upstream gradient × local derivative, or exactly 0 where the operation blocks the path."""
    if is_blocked:
        return 0.0
    with np.errstate(all="ignore"):
        return float(np.float64(upstream) * np.float64(local))
