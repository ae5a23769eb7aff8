"""What torch keeps, in the torch-graph view: a real trace in the child process, clicked like a user."""

from __future__ import annotations

import pytest

from core.trace.keeps_text import TITLE
from core.trace.tensor_value import TensorValue
from tests.gui.test_trace_gui import symbol_node, wait_for_trace
from tests.gui.windows import click_node, close_window, open_window

torch = pytest.importorskip("torch")  # the reference only: the window itself never imports it


def test_retain_grad_hook_and_tuple_grad_of_a_node_and_backward_twice(qtbot):
    window = open_window(qtbot, 1600, 1000)
    page, traces = window.graph_page, window.traces
    traces.variant_actions["automatic"].trigger()
    tg = wait_for_trace(qtbot, page)
    payload = traces.runner.last_payload
    notes = traces.panel.details_text()
    w = torch.tensor(2.0, requires_grad=True)
    loss = w * w
    loss.backward()
    with pytest.raises(RuntimeError) as caught:
        loss.backward()
    assert str(caught.value) in notes  # torch's own words, from the child's real second backward
    assert "With retain_graph=True" in notes

    page.player.to_end()
    z = symbol_node(tg, "z")
    click_node(qtbot, page.view, z)
    text = traces.panel.details_text()
    assert TITLE in text
    node = next(n for n in payload["nodes"] if n["id"] == z)
    torch_sent = TensorValue.from_json(node["shape"], node["grad"]).preview()  # ∂L/∂z at its function
    retained = TensorValue.from_json(node["shape"], node["kept"]["retain_grad"]).preview()
    assert retained == torch_sent
    assert f"z.retain_grad() before the backward: z.grad = {retained}" in text
    assert f"z.register_hook(fn): fn receives ∂L/∂z = {retained}" in text
    close_window(window)
