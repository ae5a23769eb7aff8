"""Endless practice: a seeded random formula at a chosen difficulty, with friendly values.

`new_exercise(seed, difficulty)` returns program text such as
"x = 2; w = -1\\nu = w*x\\nv = relu(u)\\nf = v + b". One statement per operation, so the
difficulty's number of operations is exactly the number of operation nodes in the graph. Values
are small integers or halves; a draw whose numbers are not finite, are huge, are tiny or leave
every gradient at 0 is thrown away and drawn again, a bounded number of times. The same seed
and difficulty always give the same text.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from core.engine import ops
from core.formatting import fmt
from core.engine.graph import ComputationGraph, build_graph

MAX_OPERATIONS = 12
MAX_ATTEMPTS = 1000
TWO_OPERANDS = ("add", "sub", "mul", "div", "max", "min")  # pow gets a constant exponent: x**2
ORDER_MATTERS = ("sub", "div", "max", "min")  # x - x, x/x, max(x, x): degenerate, not practice
# -3 .. 3 in halves. Never 0: it sits on relu's and abs's kink and sends log and division off.
FRIENDLY_VALUES = tuple(v / 2 for v in range(-6, 7) if v != 0)
LARGEST_FRIENDLY = 100.0  # any value, local derivative or gradient beyond this is absurd
SMALLEST_FRIENDLY = 1e-4  # nonzero numbers below this only show up in scientific notation
INPUT_NAMES = ("x", "y", "z", "w", "b", "c", "d", "a", "k", "m", "n", "p", "q")
INTERMEDIATE_NAMES = ("u", "v", "s", "t", "g", "h", "r")
OUTPUT_NAME = "f"


class ExerciseError(ValueError):
    """No friendly exercise could be drawn for this difficulty."""


@dataclass(frozen=True)
class Difficulty:
    """How hard an exercise is: how many operations, which ones, and whether inputs are shared."""

    operations: int = 3
    allowed: tuple[str, ...] = ("add", "sub", "mul", "relu")
    share_variables: bool = False  # an input used on two paths, so gradients must be added

    def __post_init__(self) -> None:
        if isinstance(self.operations, bool) or not isinstance(self.operations, int) \
                or not 1 <= self.operations <= MAX_OPERATIONS:
            raise ValueError(
                f"the number of operations must be 1 to {MAX_OPERATIONS}, not {self.operations!r}")
        if not self.allowed:
            raise ValueError("allow at least one operation")
        unknown = [name for name in self.allowed if name not in ops.OPS]
        if unknown:
            raise ValueError(f"unknown operation {', '.join(unknown)} (known: {', '.join(ops.OPS)})")
        if self.share_variables and not any(name in TWO_OPERANDS for name in self.allowed):
            raise ValueError("sharing a variable needs a two-operand operation (add, sub, mul, ...)")
        object.__setattr__(self, "allowed", tuple(dict.fromkeys(self.allowed)))


DIFFICULTIES: dict[str, Difficulty] = {
    "easy": Difficulty(2, ("add", "sub", "mul")),
    "medium": Difficulty(4, ("add", "sub", "mul", "relu", "sigmoid", "pow")),
    "hard": Difficulty(
        6, ("add", "sub", "mul", "div", "relu", "sigmoid", "tanh", "exp", "log", "pow", "max"),
        share_variables=True,
    ),
}


def new_exercise(seed: int, difficulty: Difficulty = DIFFICULTIES["medium"]) -> str:
    """A random formula program with friendly values; the same seed gives the same text."""
    rng = random.Random(seed)
    for _ in range(MAX_ATTEMPTS):
        text = _draw_program(rng, difficulty)
        if text is not None and is_friendly(build_graph(text).evaluate()):
            return text
    raise ExerciseError(
        f"no friendly exercise found in {MAX_ATTEMPTS} tries with {', '.join(difficulty.allowed)}: "
        "allow more operations or use fewer of them"
    )


def is_friendly(cg: ComputationGraph) -> bool:
    """Whether every number of an evaluated graph is finite and readable, and some input learns."""
    numbers = [cg.value(n) for n in cg.nodes]
    numbers += [cg.grad(n) for n in cg.nodes if cg.differentiable(n)]
    numbers += [cg.edge(e)["local_grad"] for n in cg.nodes for e in cg.in_edges(n) if cg.differentiable(e[0])]
    if not all(_readable(number) for number in numbers):
        return False
    return any(grad != 0 for grad in cg.gradients().values())


def _readable(number: float) -> bool:
    magnitude = abs(number)
    return math.isfinite(number) and (magnitude == 0 or SMALLEST_FRIENDLY <= magnitude <= LARGEST_FRIENDLY)


def _draw_program(rng: random.Random, difficulty: Difficulty) -> str | None:
    """One random program (a tree of operations over the inputs), or None if it is degenerate."""
    chosen = [rng.choice(difficulty.allowed) for _ in range(difficulty.operations)]
    two_operand = [name for name in difficulty.allowed if name in TWO_OPERANDS]
    if difficulty.share_variables and not any(name in TWO_OPERANDS for name in chosen):
        chosen[rng.randrange(len(chosen))] = rng.choice(two_operand)
    # Each two-operand operation joins two subtrees into one, so a tree needs one leaf more.
    leaves = sum(name in TWO_OPERANDS for name in chosen) + 1
    if difficulty.share_variables:
        distinct = list(INPUT_NAMES[:leaves - 1])
        pool = distinct + [rng.choice(distinct)]  # one input appears twice: two paths meet
    else:
        pool = list(INPUT_NAMES[:leaves])
    inputs = sorted(set(pool), key=INPUT_NAMES.index)  # every leaf is used: the values line
    rng.shuffle(pool)
    statements = []
    for index, name in enumerate(chosen):
        count = 2 if name in TWO_OPERANDS else 1
        operands = [pool.pop(rng.randrange(len(pool))) for _ in range(count)]
        if name in ORDER_MATTERS and operands[0] == operands[1]:
            return None
        target = OUTPUT_NAME if index == len(chosen) - 1 else _intermediate_name(index)
        statements.append(f"{target} = {_render(name, operands)}")
        pool.append(target)
    values = "; ".join(f"{name} = {fmt(rng.choice(FRIENDLY_VALUES))}" for name in inputs)
    return values + "\n" + "\n".join(statements)


def _intermediate_name(index: int) -> str:
    return INTERMEDIATE_NAMES[index] if index < len(INTERMEDIATE_NAMES) else f"u{index + 1}"


def _render(name: str, operands: list[str]) -> str:
    """One operation on named operands, in the formula language."""
    infix = {"add": " + ", "sub": " - ", "mul": "*", "div": "/"}
    if name in infix:
        return infix[name].join(operands)
    if name == "pow":
        return f"{operands[0]}**2"
    if name == "neg":
        return f"-{operands[0]}"
    return f"{name}({', '.join(operands)})"
