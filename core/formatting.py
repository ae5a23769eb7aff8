"""Every number the user sees is formatted here, so the graph, captions, CLI and exports agree."""

from __future__ import annotations

import math
from typing import Any

NON_FINITE_TEXT = {math.inf: "inf", -math.inf: "-inf"}


def fmt(value: float, digits: int = 4) -> str:
    """Format a number for people: integers plainly, others to `digits` significant digits."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return NON_FINITE_TEXT[value]
    if value == 0:
        return "0"  # also folds -0.0, which would only confuse a reader
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    magnitude = abs(value)
    if 1e-4 <= magnitude < 1e6:
        decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
        text = f"{value:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = f"{value:.{max(digits - 1, 0)}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def json_number(value: float) -> float | str:
    """A float for strict JSON: non-finite values become the strings "inf", "-inf" and "nan"."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return NON_FINITE_TEXT[value]
    return value


def json_safe(obj: Any) -> Any:
    """Return `obj` with every float made strict-JSON safe (recursing into lists, tuples, dicts)."""
    if isinstance(obj, bool) or obj is None or isinstance(obj, (int, str)):
        return obj
    if isinstance(obj, float):
        return json_number(obj)
    if isinstance(obj, dict):
        return {key: json_safe(item) for key, item in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(item) for item in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and torch tensors
        return json_safe(obj.tolist())
    if hasattr(obj, "__float__"):
        return json_number(float(obj))
    raise TypeError(f"cannot convert {type(obj).__name__} to JSON")


def shorten(text: str, limit: int = 80) -> str:
    """Quoted user input cut to about `limit` characters, saying how long it was (a 100 MB cell or
    argument is not worth echoing)."""
    return text if len(text) <= limit else f"{text[:limit - 20]}… ({len(text):,} characters)"
