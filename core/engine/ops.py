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
import re
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
    """One operation: how to compute it, differentiate it, draw it, explain it and check it."""

    name: str  # identifier used in formulas and JSON ("mul", "relu", ...)
    arity: int
    symbol: str  # drawn inside the operation's circle
    forward: Callable[..., float]
    # One function per operand: (*operands, result) -> local derivative ∂result/∂operand.
    partials: tuple[Callable[..., float], ...]
    # One right-hand side per operand, {out} being the result and {0}, {1} the operands:
    # ∂{out}/∂{i} = locals_[i]. Captions show it, then the same text with the values plugged in.
    locals_: tuple[str, ...]
    latex: str  # the operation's name in LaTeX math (\operatorname{relu}); "" for infix operators
    torch: str  # the torch function that is the reference ("relu", "nn.functional.softplus")
    infix: str | None = None  # "+", "-", "·", "/", "^" for binary operators, "-" for negation
    precedence: int = 100  # for printing expressions with the fewest parentheses
    # One predicate per operand: (*operands, result) -> True where torch passes exactly zero.
    masks: tuple[Callable[..., bool], ...] | None = None
    blocked_because: str = ""  # why a masked operand gets nothing, in short: "ReLU off"
    blocks: str = ""  # the same as a sentence: "the ReLU is off and blocks every gradient behind it"
    # For piecewise rules: (operand index, *operands, result) -> the case that applies, written
    # with {0}, {1} for the operands ("{0} > 0"), or "" for the general rule; captions then say
    # "∂a/∂v = 1 because v = 7 > 0".
    case: Callable[..., str] | None = None
    # Where torch divides the upstream gradient instead of multiplying by a reciprocal (it
    # matters for denormals: 1e-10 / 1e-310 is 1e300, 1e-10 · (1 / 1e-310) is inf): one function
    # per operand, (*operands, result) -> the divisor d (contribution = upstream / d), or None
    # to multiply by the local derivative.
    divisors: tuple[Callable[..., float] | None, ...] | None = None
    # Operands through which torch records no gradient at all (a comparison, where()'s
    # condition): such an edge is not part of the backward graph, so nothing upstream of it gets
    # a gradient from it, not even 0 (0 · sqrt'(0) would be nan where torch has nothing).
    no_gradient: tuple[int, ...] = ()

    @property
    def rule(self) -> str:
        """The differentiation rule as a template: `∂{out}/∂{0} = {1} and ∂{out}/∂{1} = {0}`."""
        return " and ".join(f"∂{{out}}/∂{{{i}}} = {text}" for i, text in enumerate(self.locals_))


def _relu_case(index: int, v: float, out: float) -> str:
    if v == 0:
        return "{0}, at the kink (torch takes relu'(0) = 0)"
    return "{0} > 0" if out > 0 else "{0} < 0" if v < 0 else "{0}, and nan passes through"


def _extreme_case(index: int, a: float, b: float, out: float, bigger: bool) -> str:
    mine, other = ("{0}", "{1}") if index == 0 else ("{1}", "{0}")
    values = (a, b) if index == 0 else (b, a)
    if values[0] == values[1]:
        return f"{mine}, a tie with {other}"
    wins = values[0] > values[1] if bigger else values[0] < values[1]
    return f"{mine} {'>' if wins == bigger else '<'} {other}"


def _pow_case(index: int, a: float, b: float, out: float) -> str:
    return "the exponent is {1}" if index == 0 and b == 0 else ""


def _abs_case(v: float, out: float) -> str:
    return "{0}, at the kink (torch takes |x|'(0) = 0)" if v == 0 else ""


_LN2 = math.log(2.0)


def _softplus(v: float) -> float:
    # torch's default beta = 1, threshold = 20: above it softplus is the identity
    return _f(v) if v > 20 else np.log1p(np.exp(_f(v)))


def _softplus_d(v: float, out: float) -> float:
    if v > 20:
        return _f(1.0)
    z = np.exp(_f(v))
    return z / (z + 1)


OPS: dict[str, Op] = {
    op.name: op
    for op in [
        Op("add", 2, "+", lambda a, b: _f(a) + _f(b),
           (lambda a, b, out: _f(1.0), lambda a, b, out: _f(1.0)), ("1", "1"), "", "add",
           infix="+", precedence=10),
        Op("sub", 2, "-", lambda a, b: _f(a) - _f(b),
           (lambda a, b, out: _f(1.0), lambda a, b, out: _f(-1.0)), ("1", "-1"), "", "sub",
           infix="-", precedence=10),
        Op("mul", 2, "×", lambda a, b: _f(a) * _f(b),
           (lambda a, b, out: _f(b), lambda a, b, out: _f(a)), ("{1}", "{0}"), "", "mul",
           infix="·", precedence=20),
        Op("div", 2, "÷", _div,
           (lambda a, b, out: 1 / _f(b), lambda a, b, out: -(_f(a) / _f(b)) / _f(b)),
           ("1/{1}", "-{0}/{1}²"), "", "div", infix="/", precedence=20,
           divisors=(lambda a, b, out: _f(b), None)),  # torch: -grad · ((a / b) / b) for b, a product
        Op("neg", 1, "-", lambda a: -_f(a), (lambda a, out: _f(-1.0),), ("-1",), "", "neg",
           infix="-", precedence=30),
        Op("pow", 2, "^", _pow, (_pow_d_base, _pow_d_exponent), ("{1}·{0}^({1} - 1)", "{0}^{1}·ln {0}"),
           "", "pow", infix="^", precedence=40,
           masks=(lambda a, b, out: b == 0, lambda a, b, out: False),  # torch: where() on the base only
           blocked_because="exponent 0", case=_pow_case,
           blocks="a power with exponent 0 is the constant 1, so nothing flows back to its base"),
        Op("relu", 1, "relu", lambda v: _f(0.0) if v < 0 else _f(v),
           (lambda v, out: _f(0.0) if out <= 0 else _f(1.0),),  # nan passes, as in torch
           ("1 if {0} > 0, else 0",), r"\operatorname{relu}", "relu",
           masks=(lambda v, out: out <= 0,), blocked_because="ReLU off", case=_relu_case,
           blocks="the ReLU is off and blocks every gradient behind it"),
        Op("sigmoid", 1, "σ", _sigmoid, (lambda v, out: (1 - _f(out)) * _f(out),),
           ("σ({0})·(1 - σ({0}))",), r"\sigma", "sigmoid"),
        Op("tanh", 1, "tanh", lambda v: np.tanh(_f(v)), (lambda v, out: 1 - _f(out) * _f(out),),
           ("1 - tanh({0})²",), r"\tanh", "tanh"),
        Op("exp", 1, "exp", lambda v: np.exp(_f(v)), (lambda v, out: _f(out),),
           ("exp({0})",), r"\exp", "exp"),
        Op("log", 1, "log", lambda v: np.log(_f(v)), (lambda v, out: 1 / _f(v),),
           ("1/{0} (natural logarithm)",), r"\log", "log",
           divisors=(lambda v, out: _f(v),)),
        Op("sqrt", 1, "√", lambda v: np.sqrt(_f(v)), (lambda v, out: 1 / (2 * _f(out)),),
           ("1/(2·√{0})",), r"\operatorname{sqrt}", "sqrt",
           divisors=(lambda v, out: 2 * _f(out),)),
        Op("abs", 1, "abs", lambda v: np.abs(_f(v)), (lambda v, out: _sign(v),),
           ("sign({0})",), r"\operatorname{abs}", "abs", case=lambda i, v, out: _abs_case(v, out)),
        Op("sin", 1, "sin", lambda v: np.sin(_f(v)), (lambda v, out: np.cos(_f(v)),),
           ("cos({0})",), r"\sin", "sin"),
        Op("cos", 1, "cos", lambda v: np.cos(_f(v)), (lambda v, out: -np.sin(_f(v)),),
           ("-sin({0})",), r"\cos", "cos"),
        Op("max", 2, "max", _max,
           (lambda a, b, out: _tie_split(a, b, not a < b),
            lambda a, b, out: _tie_split(b, a, not b < a)),
           ("1 if {0} > {1}, 0 if {0} < {1}, ½ on a tie", "1 if {1} > {0}, 0 if {1} < {0}, ½ on a tie"),
           r"\max", "maximum",
           masks=(lambda a, b, out: a < b, lambda a, b, out: b < a), blocked_because="max picks the other",
           blocks="max passes its gradient only to the larger argument",
           case=lambda i, a, b, out: _extreme_case(i, a, b, out, bigger=True)),
        Op("min", 2, "min", _min,
           (lambda a, b, out: _tie_split(a, b, not a > b),
            lambda a, b, out: _tie_split(b, a, not b > a)),
           ("1 if {0} < {1}, 0 if {0} > {1}, ½ on a tie", "1 if {1} < {0}, 0 if {1} > {0}, ½ on a tie"),
           r"\min", "minimum",
           masks=(lambda a, b, out: a > b, lambda a, b, out: b > a), blocked_because="min picks the other",
           blocks="min passes its gradient only to the smaller argument",
           case=lambda i, a, b, out: _extreme_case(i, a, b, out, bigger=False)),
        Op("log1p", 1, "log1p", lambda v: np.log1p(_f(v)), (lambda v, out: 1 / (_f(v) + 1),),
           ("1/(1 + {0})",), r"\operatorname{log1p}", "log1p",
           divisors=(lambda v, out: _f(v) + 1,)),
        Op("expm1", 1, "expm1", lambda v: np.expm1(_f(v)), (lambda v, out: _f(out) + 1,),
           ("exp({0})",), r"\operatorname{expm1}", "expm1"),
        Op("softplus", 1, "softplus", _softplus, (_softplus_d,),
           ("σ({0})",), r"\operatorname{softplus}", "nn.functional.softplus",
           case=lambda i, v, out: "{0} > 20 (torch's threshold: above it softplus is the identity)"
           if v > 20 else ""),
        Op("log2", 1, "log2", lambda v: np.log2(_f(v)), (lambda v, out: 1 / (_f(v) * _LN2),),
           ("1/({0}·ln 2)",), r"\log_2", "log2",
           divisors=(lambda v, out: _f(v) * _LN2,)),
        Op("exp2", 1, "exp2", lambda v: np.exp2(_f(v)), (lambda v, out: _f(out) * _LN2,),
           ("2^{0}·ln 2",), r"\operatorname{exp2}", "exp2"),
        Op("square", 1, "square", lambda v: _f(v) * _f(v), (lambda v, out: 2 * _f(v),),
           ("2·{0}",), r"\operatorname{square}", "square"),
        Op("reciprocal", 1, "1/", lambda v: 1 / _f(v), (lambda v, out: -(_f(out) * _f(out)),),
           ("-1/{0}²",), r"\operatorname{reciprocal}", "reciprocal"),
        # The lab's entries: the pieces torch's backward formulas are made of, so that the graph of
        # a backward pass (core.lab.backward_graph) is an ordinary graph of this table. A comparison
        # is 1 or 0 and, as in torch, passes no gradient at all; where() selects exactly like
        # torch.where (the branch not taken gets exactly 0, even when the gradient is inf or nan).
        Op("sign", 1, "sign", _sign, (lambda v, out: _f(0.0),), ("0",), r"\operatorname{sign}", "sign",
           masks=(lambda v, out: True,), blocked_because="sign is flat",
           blocks="sign is flat: torch passes no gradient through it"),
        Op("eq", 2, "=", lambda a, b: _f(1.0 if a == b else 0.0), _NO_SLOPE * 2, ("0", "0"),
           r"\operatorname{eq}", "eq", masks=_ALWAYS * 2, blocked_because="a comparison",
           blocks="a comparison is 1 or 0 and passes no gradient", no_gradient=(0, 1)),
        Op("lt", 2, "<", lambda a, b: _f(1.0 if a < b else 0.0), _NO_SLOPE * 2, ("0", "0"),
           r"\operatorname{lt}", "lt", masks=_ALWAYS * 2, blocked_because="a comparison",
           blocks="a comparison is 1 or 0 and passes no gradient", no_gradient=(0, 1)),
        Op("le", 2, "≤", lambda a, b: _f(1.0 if a <= b else 0.0), _NO_SLOPE * 2, ("0", "0"),
           r"\operatorname{le}", "le", masks=_ALWAYS * 2, blocked_because="a comparison",
           blocks="a comparison is 1 or 0 and passes no gradient", no_gradient=(0, 1)),
        Op("where", 3, "where", lambda c, a, b: _f(a) if c != 0 else _f(b),
           (lambda c, a, b, out: _f(0.0),
            lambda c, a, b, out: _f(1.0 if c != 0 else 0.0),
            lambda c, a, b, out: _f(0.0 if c != 0 else 1.0)),
           ("0", "1 where {0} ≠ 0, else 0", "0 where {0} ≠ 0, else 1"), r"\operatorname{where}", "where",
           masks=(lambda c, a, b, out: True, lambda c, a, b, out: c == 0, lambda c, a, b, out: c != 0),
           blocked_because="where took the other branch",
           blocks="where passes the gradient only to the branch it took; its condition gets none", no_gradient=(0,)),
    ]
}

# The lab's entries above: machinery of backward graphs rather than material for practice.
MASK_OPS = ("sign", "eq", "lt", "le", "where")

# Python operators the parser accepts, mapped to the table.
BINARY_OPERATORS = {"Add": "add", "Sub": "sub", "Mult": "mul", "Div": "div", "Pow": "pow"}
FUNCTIONS = sorted(name for name, op in OPS.items() if op.infix is None)
# What an error message offers a student: the lab's masks parse, but are not material for practice.
STUDENT_FUNCTIONS = [name for name in FUNCTIONS if name not in MASK_OPS]


_PLACEHOLDER = re.compile(r"\((\{\w+\})\)|\{(\w+)\}")


def fill(template: str, result: str, operands: list[str], bare: list[str] | None = None,
         bare_result: str | None = None) -> str:
    """A rule template with names (or numbers) in place of {out}, {0}, {1}.

    Right inside a call's parentheses the `bare` text is used, so σ((w·x + b)) reads σ(w·x + b).
    """
    bare = operands if bare is None else bare
    texts = {"out": result, **{str(i): text for i, text in enumerate(operands)}}
    bare_texts = {"out": result if bare_result is None else bare_result,
                  **{str(i): text for i, text in enumerate(bare)}}

    if _PLACEHOLDER.fullmatch(template) and not template.startswith("("):  # a lone {1}: "z", not "(z)"
        return bare_texts[template[1:-1]]

    def replace(match: re.Match) -> str:
        if match.group(1):
            return f"({bare_texts[match.group(1)[1:-1]]})"
        return texts[match.group(2)]

    return _PLACEHOLDER.sub(replace, template)


def rule_text(op: Op, result: str, operands: list[str]) -> str:
    """The op's differentiation rule written with the given names."""
    return fill(op.rule, result, operands, [_unwrapped(text) for text in operands], _unwrapped(result))


def _unwrapped(text: str) -> str:
    """`(w·x + b)` without its outer parentheses; `(a) + (b)` as it is."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return text
    return text[1:-1]


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


def divisor_of(op: Op, index: int, operands: list[float], result: float) -> float | None:
    """The number torch divides the upstream gradient by for this operand, if it divides."""
    if op.divisors is None or op.divisors[index] is None:
        return None
    with np.errstate(all="ignore"):
        return float(op.divisors[index](*operands, result))


def contribution(upstream: float, local: float, is_blocked: bool = False,
                 op: Op | None = None, index: int = 0, operands: list[float] | None = None,
                 result: float = 0.0) -> float:
    """upstream gradient × local derivative, or exactly 0 where the operation blocks the path.

    Given the op and its operands, it follows torch's own formula where torch divides.
    """
    if is_blocked:
        return 0.0
    with np.errstate(all="ignore"):
        divisor = divisor_of(op, index, operands, result) if op is not None else None
        if divisor is not None:
            return float(np.float64(upstream) / np.float64(divisor))
        return float(np.float64(upstream) * np.float64(local))
