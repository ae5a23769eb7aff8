"""What torch keeps: retain_grad(), a tensor hook, autograd.grad on a tuple, and backward twice.

While a variant's real step() runs, `Keeps` watches the intermediate tensors of its loss:
before the step's own backward it asks `torch.autograd.grad(loss, (t₁, t₂, ...),
retain_graph=True)` for all of them at once (twice, to show that retain_graph=True lets a graph be
used again), then calls `retain_grad()` and `register_hook` on each, so the step's own backward
fills them in. After the step, `finish` reads every `.grad` and calls `loss.backward()` once
more, keeping torch's real error message for a graph already freed. Every number is torch's.
"""

from __future__ import annotations

from typing import Any

import torch

from core.trace.tensor_value import TensorValue

KINDS = ("retain_grad", "hook", "grad_tuple")  # the three ways to see an intermediate's gradient


class Keeps:
    """Watches the intermediate tensors of one loss through one step (torch runs everything)."""

    def __init__(self, loss: Any, tensors: list[Any]):
        self.loss = loss
        by_function = {t.grad_fn: t for t in tensors if t.grad_fn is not None}  # the last one counts
        self.pairs = list(by_function.items())  # (grad_fn at the backward, tensor): an in-place
        self.tensors = [t for _, t in self.pairs]  # update may give the tensor a new grad_fn later
        self.values: dict[Any, dict[str, TensorValue | None]] = {fn: {} for fn, _ in self.pairs}
        first = torch.autograd.grad(loss, tuple(self.tensors), retain_graph=True, allow_unused=True)
        again = torch.autograd.grad(loss, tuple(self.tensors), retain_graph=True, allow_unused=True)
        for (fn, _), grad in zip(self.pairs, first):
            self.values[fn]["grad_tuple"] = None if grad is None else TensorValue.of(grad)
        self.second_pass_agrees = all(
            (a is None and b is None) or (a is not None and b is not None and torch.equal(a, b))
            for a, b in zip(first, again))
        for fn, tensor in self.pairs:
            tensor.retain_grad()
            tensor.register_hook(self._catcher(fn))
        self.backward_twice = ""

    def _catcher(self, fn: Any):
        def catch(grad):
            self.values[fn]["hook"] = TensorValue.of(grad)
        return catch

    def finish(self) -> None:
        """After the step: read each retained .grad, then try backward through the freed graph."""
        for fn, tensor in self.pairs:
            values = self.values[fn]
            values["retain_grad"] = None if tensor.grad is None else TensorValue.of(tensor.grad)
            values.setdefault("hook", None)
        try:
            self.loss.backward()
        except RuntimeError as error:
            self.backward_twice = str(error)
        else:
            self.backward_twice = ""  # the step kept its graph (retain_graph=True): no error

    def story(self) -> dict[str, str]:
        """The "backward twice" demonstration in words: torch's message and the retain_graph fix."""
        second = ("a second torch.autograd.grad(..., retain_graph=True) on the same graph ran and gave "
                  "the same gradients" if self.second_pass_agrees else
                  "a second pass with retain_graph=True ran but gave different gradients")
        return {
            "error": self.backward_twice or "no error: the step kept its graph",
            "retain_graph": (
                "With retain_graph=True the saved tensors are kept, so the graph can be run again: "
                f"{second}. (loss.backward() twice with retain_graph=True adds the gradients "
                "into .grad twice.)"),
        }
