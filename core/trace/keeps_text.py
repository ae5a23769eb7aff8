"""What torch keeps, in words the trace panel shows (torch-free: the window reads it too)."""

from __future__ import annotations

from core.trace.graph import TensorGraph

TITLE = "What torch keeps for this tensor:"


def kept_lines(tg: TensorGraph, node_id: int) -> list[str]:
    """retain_grad(), a hook and autograd.grad on a tuple for one traced node, or nothing."""
    kept = tg.node(node_id).get("kept")
    if not kept:
        return []
    symbol = tg.node(node_id)["symbol"]

    def shown(kind: str) -> str:
        value = kept.get(kind)
        return "None" if value is None else value.preview()

    return [
        TITLE,
        f"{symbol}.retain_grad() before the backward: {symbol}.grad = {shown('retain_grad')}",
        f"{symbol}.register_hook(fn): fn receives ∂L/∂{symbol} = {shown('hook')}",
        f"torch.autograd.grad(L, (…, {symbol}, …), retain_graph=True) gives {shown('grad_tuple')}",
    ]


def backward_twice_notes(tg: TensorGraph) -> list[str]:
    """The "backward twice" demonstration: torch's own message, then what retain_graph=True changes."""
    story = tg.backward_twice
    if not story:
        return []
    return [f"Backward twice: calling L.backward() again after the step fails with torch's message: "
            f"\"{story['error']}\"", story["retain_graph"]]
