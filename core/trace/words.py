"""Names and sentences for torch's functions in a traced graph: symbols, formulas, Jacobians in words.

Keyed by the forward function's aten name (mm, addmm, relu, ...). A function missing here still
gets a plain name and an honest generic sentence, so a new variant never breaks a trace.
Arguments other than tensors (the exponent of pow, the shape of view) are plain Python values.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from core.formatting import fmt
from core.trace.tensor_value import TensorValue

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

# Names a result gets from what it means in these models: z the net input, ŷ the prediction.
_MEANINGS = {"add": "z", "addmm": "z", "relu": "ŷ", "sub": "e", "mean": "L", "mse_loss": "L"}


def result_symbol(op: str, operands: Sequence[str], args: Sequence[Any]) -> str:
    """The symbol of a function's result: `Xw`, `wᵀ`, `z`, `ŷ`, `e²`, or the function's name."""
    if op == "mm":
        return f"{operands[0]}{operands[1]}"
    if op == "t":
        return f"{operands[0]}ᵀ"
    if op in ("view", "reshape"):
        return f"{operands[0]}.{op}({_sizes(args)})"
    if op == "pow" and _exponent(args) is not None:
        return f"{operands[0]}{_superscript(_exponent(args))}"
    return _MEANINGS.get(op, op)


def expression(op: str, operands: Sequence[str], args: Sequence[Any]) -> str:
    """The forward formula with operand symbols: `X·wᵀ + b`, `relu(z)`, `mean(e²)`."""
    a = list(operands) + ["?"] * 3
    formulas = {
        "mm": f"{a[0]}·{a[1]}",
        "addmm": f"{a[1]}·{a[2]} + {a[0]}",
        "add": f"{a[0]} + {a[1]}",
        "sub": f"{a[0]} − {a[1]}",
        "mse_loss": f"mean(({a[0]} − {a[1]})²)",
        "t": f"{a[0]}ᵀ",
        "mul": f"{a[0]}·{a[1]}",
    }
    if op in formulas:
        return formulas[op]
    if op == "pow" and _exponent(args) is not None:
        return f"{a[0]}{_superscript(_exponent(args))}"
    if op in ("view", "reshape"):
        return f"{a[0]}.{op}({_sizes(args)})"
    return f"{op}({', '.join(operands)})"


def local_words(op: str, slot: int, operands: Sequence[str], source_shape: tuple[int, ...],
                result: TensorValue, args: Sequence[Any]) -> str:
    """The local derivative of a function's result with respect to operand `slot`, in words.

    For tensors it is a Jacobian; the words say what multiplying the upstream gradient by it
    does, which is what torch's backward function computes.
    """
    a = list(operands) + ["?"] * 3
    count = math.prod(source_shape)
    if op == "mean":
        return f"1/n for every entry (n = {count})"
    if op == "mse_loss":
        return f"2({a[0]} − {a[1]})/n entry by entry (n = {count})" if slot == 0 else "none (a target)"
    if op == "pow" and _exponent(args) is not None:
        power = _exponent(args)
        return f"{fmt(power)}·{a[0]}{_superscript(power - 1) if power != 2 else ''} entry by entry"
    if op == "sub":
        words = "+1 entry by entry (identity)" if slot == 0 else "−1 entry by entry"
        return words + _summed_back(result.shape, source_shape)
    if op == "mul":
        return f"times {a[1 - slot]} entry by entry" + _summed_back(result.shape, source_shape)
    if op == "sum":
        return "1 for every entry: each gets the whole upstream gradient"
    if op == "relu":
        return f"relu mask: 1 where {a[0]} > 0, else 0{_active_count(result)}"
    if op in ("view", "reshape"):
        return f"reshape the gradient back to {TensorValue(source_shape, 0.0).shape_text()}"
    if op == "t":
        return "transpose the gradient back"
    if op == "mm":
        return (f"multiply by {_transposed(a[1])} on the right" if slot == 0
                else f"multiply by {_transposed(a[0])} on the left")
    if op == "addmm":
        return {0: _broadcast_sum(result.shape, source_shape),
                1: f"multiply by {_transposed(a[2])} on the right",
                2: f"multiply by {_transposed(a[1])} on the left"}.get(slot, "?")
    if op == "add":
        return _broadcast_sum(result.shape, source_shape)
    return f"the Jacobian of {op} with respect to operand {slot + 1}"


def _broadcast_sum(result_shape: tuple[int, ...], source_shape: tuple[int, ...]) -> str:
    if tuple(result_shape) == tuple(source_shape):
        return "identity (the gradient passes unchanged)"
    rows = result_shape[0] if result_shape else 1
    return f"identity, summed over the {rows} rows it was added to"


def _summed_back(result_shape: tuple[int, ...], source_shape: tuple[int, ...]) -> str:
    """What broadcasting adds to an entry-by-entry rule: summing back to the operand's shape."""
    if tuple(result_shape) == tuple(source_shape):
        return ""
    return f", then summed back to {TensorValue(source_shape, 0.0).shape_text()}"


def _transposed(symbol: str) -> str:
    """`Xᵀ` for X, and `w` for wᵀ."""
    return symbol[:-1] if symbol.endswith("ᵀ") else f"{symbol}ᵀ"


def _active_count(result: TensorValue) -> str:
    if result.truncated:
        return ""
    values = result.entries()
    return f" ({sum(v > 0 for v in values)} of {len(values)} active)"


def _exponent(args: Sequence[Any]) -> float | None:
    value = args[1] if len(args) > 1 else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _superscript(power: float) -> str:
    return fmt(power).translate(_SUPERSCRIPTS) if float(power).is_integer() else f"^{fmt(power)}"


def _sizes(args: Sequence[Any]) -> str:
    sizes = args[1] if len(args) > 1 and isinstance(args[1], (list, tuple)) else []
    return ", ".join(str(int(size)) for size in sizes)
