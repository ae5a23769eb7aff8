"""A tensor as plain data: its shape and its numbers as nested lists, with short previews.

Torch-free on purpose: the training side turns tensors into TensorValues, and the window, which
never imports torch, reads them back from JSON and shows them. Large tensors keep only their
first rows (the shape still says how big they are), so a trace of a big data file stays small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.formatting import fmt, json_safe

FULL_VALUE_LIMIT = 10_000  # tensors with more entries keep only their first rows
KEPT_ROWS = 10  # how many rows a truncated tensor keeps
PREVIEW_ENTRIES = 3  # entries a one-line preview shows before "…"
SMALL_ENTRIES = 4  # tensors this small are shown whole, brackets and all

Nested = float | list  # a number (0-d tensor) or nested lists of numbers


@dataclass(frozen=True)
class TensorValue:
    """A tensor's shape and numbers; `truncated` when `data` holds only its first rows."""

    shape: tuple[int, ...]
    data: Nested
    truncated: bool = False

    @classmethod
    def of(cls, tensor: Any, limit: int = FULL_VALUE_LIMIT) -> "TensorValue":
        """Copy a torch tensor (or anything with shape, numel, detach and tolist) into plain data."""
        tensor = tensor.detach()
        shape = tuple(int(size) for size in tensor.shape)
        truncated = tensor.numel() > limit and len(shape) > 0
        kept = tensor[:KEPT_ROWS] if truncated else tensor
        return cls(shape, kept.tolist(), truncated)

    @classmethod
    def from_json(cls, shape: list[int], data: Any, truncated: bool = False) -> "TensorValue":
        """Rebuild from the JSON form: the strings "nan", "inf" and "-inf" become floats again."""
        return cls(tuple(int(size) for size in shape), _numbers(data), bool(truncated))

    def to_json(self) -> Nested:
        """The numbers as strict-JSON-safe nested lists (non-finite values as strings)."""
        return json_safe(self.data)

    @property
    def numel(self) -> int:
        """How many entries the whole tensor has (not only the kept rows)."""
        return math.prod(self.shape)

    def entries(self) -> list[float]:
        """The kept numbers, flattened in row-major order."""
        flat: list[float] = []
        stack = [self.data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            else:
                flat.append(float(item))
        return flat

    def shape_text(self) -> str:
        """`(700, 2)`, `(700)` or `scalar`: the shape as the captions write it."""
        if not self.shape:
            return "scalar"
        return f"({', '.join(str(size) for size in self.shape)})"

    def preview(self) -> str:
        """A one-line look at the numbers: `0.52`, `[[0.3], [-0.1]]`, `[0.53, -1.2, 0.31, …]`."""
        if not self.shape:
            return fmt(self.data)
        if self.numel <= SMALL_ENTRIES and not self.truncated:
            return _nested_text(self.data)
        shown = ", ".join(fmt(v) for v in self.entries()[:PREVIEW_ENTRIES])
        return f"[{shown}, …]"

    def summary(self) -> str:
        """Shape and preview together: `(700) [0.53, -1.2, 0.31, …]`."""
        return self.preview() if not self.shape else f"{self.shape_text()} {self.preview()}"


def _nested_text(data: Nested) -> str:
    if isinstance(data, list):
        return "[" + ", ".join(_nested_text(item) for item in data) + "]"
    return fmt(data)


def _numbers(data: Any) -> Nested:
    """Nested lists of JSON numbers back to floats (json_safe wrote non-finite ones as text)."""
    if isinstance(data, list):
        return [_numbers(item) for item in data]
    if isinstance(data, str):
        if data not in ("nan", "inf", "-inf"):
            raise ValueError(f"not a number: {data!r}")
        return float(data)
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise ValueError(f"not a number: {data!r}")
    return float(data)
