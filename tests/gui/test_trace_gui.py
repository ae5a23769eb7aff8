"""Torch's graph of a variant on the graph page, driven as a user would: menus, a card, clicks, keys.

Two tests really compute a trace in the child process the window uses (core.processes: the
first child pays the torch import); the others make the child fail fast, or stand in for it with a
small function (tests/gui/trace_children.py). This test
process never needs torch for the window's sake: a fresh interpreter proves it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel

from core.engine.steps import Schedule
from core.trace.tensor_value import TensorValue
from core.trace.graph import AUTOGRAD, BY_HAND
from core.trace.steps import TraceSchedule
from core.training import registry
from core.training.request import DataSpec, TrainingRequest
from tests.gui import trace_children
from gui.trace.controller import TraceController
from gui.trace.runner import TraceRunner
from tests.gui.conftest import running_timers
from tests.gui.windows import click_node, close_window, labels_of, open_window, plain

ROOT = Path(__file__).resolve().parents[2]
TRACE_TIMEOUT_MS = 60_000  # a fresh torch import in the child; a loaded machine is slow
CATALOG = {info.name: info for info in registry.variants()}


def wait_for_trace(qtbot, page):
    qtbot.waitUntil(lambda: page.trace is not None, timeout=TRACE_TIMEOUT_MS)
    return page.trace


def click_line(qtbot, code, line: int) -> None:
    """Click on a file line of the code view, as a user picks a line."""
    cursor = QTextCursor(code.document().findBlockByNumber(line - code.first_line))
    code.setTextCursor(code.textCursor())  # no change: the click below moves the caret
    code.ensureCursorVisible()
    point = code.cursorRect(cursor).center()
    point.setX(point.x() + 20)
    qtbot.mouseClick(code.viewport(), Qt.MouseButton.LeftButton, pos=point)


def click_edge_line(qtbot, view, edge) -> None:
    """Click the middle of an edge's line (tensor graphs write no words on their edges)."""
    route = view.edge_items()[edge].route()
    middle = route.path.pointAtPercent(0.5)
    view.ensureVisible(route.path.boundingRect())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(middle))


def symbol_node(tg, symbol: str) -> int:
    return next(n for n in tg.nodes if tg.node(n)["symbol"] == symbol)


def test_torch_graph_of_automatic_from_the_menu(qtbot):
    window = open_window(qtbot, 1600, 1000)
    page, traces = window.graph_page, window.traces
    window.quiz.set_active(True)  # quizzes ask about formulas: a trace switches them off
    formula_step = page.player.step  # (quiz mode went to the end)
    traces.variant_actions["automatic"].trigger()  # Learn (or View) → Torch graph of… → automatic
    assert traces.banner.isVisible() and "computing torch's graph" in traces.banner.message.text()
    assert page.trace is None  # the window does not wait: the formula stays until torch answers

    tg = wait_for_trace(qtbot, page)
    payload = traces.runner.last_payload
    assert tg.variant == "automatic" and tg.method == AUTOGRAD
    assert traces.banner.title.text() == "Torch graph of automatic"
    assert "Back to my formula" in traces.banner.back_button.text()
    assert not page.splitter.widget(0).isVisible()  # the formula panel is out of the way
    assert not window.quiz.quiz_action.isEnabled() and not window.quiz.active

    # Nodes are torch's functions and tensors with their shapes.
    items = page.view.node_items()
    functions = {items[n].symbol_label.text() for n in tg.nodes if tg.node(n)["kind"] == "op"}
    assert {"TBackward0", "AddmmBackward0", "ReluBackward0", "ViewBackward0", "MseLossBackward0"} <= functions
    z = next(n for n in tg.nodes if tg.node(n)["op"] == "AddmmBackward0")
    assert plain(items[z].title_label.text()) == "z (700, 1)"
    assert plain(items[symbol_node(tg, "X")].title_label.text()) == "X (700, 2)"

    # Stepping (keys, then the player) captions each state as core's TraceSchedule says.
    schedule = TraceSchedule(tg)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.player.step == 1
    assert page.caption.caption.text() == schedule.state_at(1).caption
    assert plain(items[z].value_label.text()) == ""  # z comes at its own forward step
    for k in range(len(schedule) + 1):
        page.player.go_to(k)
        assert page.caption.caption.text() == schedule.state_at(k).caption
        if 0 < k <= len(schedule) and schedule.steps[k - 1].kind == "forward":
            node = schedule.steps[k - 1].node
            assert plain(items[node].value_label.text()) == plain(tg.node(node)["value"].preview())
            assert traces.panel.code.step_line() == tg.node(node)["line"]  # the line running it, tinted

    # At the end, the parameters' gradients are the JSON's, shown as the window shows tensors.
    for node in payload["nodes"]:
        if node["kind"] == "input":
            grad = TensorValue.from_json(node["shape"], node["grad"]).preview()
            assert labels_of(items[node["id"]])[-1] == plain(f"∂L/∂{node['symbol']} = {grad}")

    # A node clicked marks the line that made it; a line clicked selects what it made.
    w = symbol_node(tg, "w")
    click_node(qtbot, page.view, w)
    info = CATALOG["automatic"]
    linear_line = next(line for line, text in enumerate(info.source.splitlines(), info.first_line)
                       if "self.linear = nn.Linear(" in text)
    assert traces.panel.code.marked_lines() == [tg.node(w)["line"]] == [linear_line]
    assert "nn.Linear" in traces.panel.details_text()
    loss_line = tg.node(tg.output)["line"]
    click_line(qtbot, traces.panel.code, loss_line)
    nodes, _ = page.view.highlighted()
    assert nodes == tg.nodes_at_line(loss_line) and tg.output in nodes
    assert f"line {loss_line}" in traces.panel.details_text()

    traces.banner.back_button.click()
    assert page.trace is None and not traces.banner.isVisible() and not traces.panel.isVisible()
    assert page.view.graph() is page.cg and page.splitter.widget(0).isVisible()
    assert page.player.step == formula_step
    assert page.caption.caption.text() == Schedule(page.cg).state_at(formula_step).caption
    assert window.quiz.quiz_action.isEnabled()
    close_window(window)


def test_show_graph_on_a_card_opens_manuals_chain_and_its_explanation(qtbot):
    window = open_window(qtbot, 1600, 1000)
    if isinstance(window.training_page, QLabel):  # built after the first paint; do not wait for it
        install = getattr(window, "install_training_page", None)
        if install is not None:
            install()
        else:
            from gui.training.page import TrainingPage
            window.set_training_page(TrainingPage())
    window.pages.setCurrentIndex(window.pages.count() - 1)  # the Training tab
    card = window.training_page.cards["manual"]
    assert window.training_page.trace_request("manual").config.epochs == 0  # nothing trained yet
    qtbot.mouseClick(card.graph_button, Qt.MouseButton.LeftButton)
    page, traces = window.graph_page, window.traces
    assert window.pages.currentWidget() is page

    tg = wait_for_trace(qtbot, page)
    assert tg.variant == "manual" and tg.method == BY_HAND
    assert "class Manual" in traces.panel.heading.text()
    assert traces.panel.code.toPlainText() == CATALOG["manual"].source
    explanation = traces.panel.details_text()
    assert "Manual builds no autograd graph" in explanation
    grad_w_line = next(line for line, text in enumerate(CATALOG["manual"].source.splitlines(),
                                                          CATALOG["manual"].first_line)
                       if text.strip().startswith("grad_w ="))
    assert f"Line {grad_w_line}: grad_w = torch.mm" in explanation  # which line computes which edge

    # The edge w → z is computed by the grad_w line: clicking either shows the other.
    w, z = symbol_node(tg, "w"), symbol_node(tg, "z")
    edge = (w, z, 0)
    page.player.to_end()
    click_edge_line(qtbot, page.view, edge)
    assert traces.panel.code.marked_lines() == [grad_w_line]
    click_line(qtbot, traces.panel.code, grad_w_line)
    assert page.view.highlighted()[1] == [edge]

    window.lessons.open_lesson("lecture")  # a lesson brings its formula: it takes the stage back
    assert page.trace is None and page.view.graph() is page.cg
    assert not traces.banner.isVisible() and not traces.panel.isVisible()
    close_window(window)


def test_a_failing_trace_says_why_and_leaves_the_formula(qtbot, page, tmp_path):
    traces = TraceController(page)
    formula = page.cg
    missing = TrainingRequest(DataSpec(path=str(tmp_path / "missing.csv")))
    traces.open_trace("automatic", missing)  # fails before torch loads
    qtbot.waitUntil(lambda: traces.banner.state == "failed", timeout=TRACE_TIMEOUT_MS)
    assert "Torch could not trace this variant" in traces.banner.message.text()
    assert "missing.csv" in traces.banner.message.text()
    assert page.trace is None and page.view.graph() is formula and not traces.panel.isVisible()
    traces.banner.back_button.click()
    assert not traces.banner.isVisible()
    traces.shutdown()


@pytest.mark.parametrize("target, fragment", [
    (trace_children.sleeps, "longer than"),
    (trace_children.garbles, "not a graph"),
    (trace_children.exits_3, "exit status 3"),
])
def test_the_runner_reports_a_slow_or_garbled_child(qtbot, target, fragment):
    runner = TraceRunner(timeout_ms=1500, target=target)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start("automatic")
        assert runner.is_running()
    assert fragment in failed.args[0]
    assert not runner.is_running() and not runner.timer.isActive()


def test_the_window_never_imports_torch():
    code = (
        "import sys\n"
        "import gui.window.main_window, gui.trace.controller, gui.trace.runner, gui.trace.panel, gui.trace.banner\n"
        "import gui.widgets.code_view, core.trace.tensor_text, gui.graph.view, gui.training.card, gui.training.page\n"
        "import core.trace.graph, core.trace.steps, core.cli.trace\n"
        "assert 'torch' not in sys.modules, sorted(m for m in sys.modules if m.startswith('torch'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr


TOY_TRACE = {  # L = w·X with one weight and one row: what `main.py trace --json` prints, in small
    "variant": "toy", "method": "autograd", "output": 2, "notes": ["A toy trace."],
    "nodes": [
        {"id": 0, "label": "weight", "kind": "input", "op": None, "value": [2.0], "grad": [3.0],
         "shape": [1], "symbol": "w", "name": "self.w", "line": 10, "code": "self.w = w"},
        {"id": 1, "label": "X", "kind": "const", "op": None, "value": [[3.0]], "grad": None,
         "shape": [1, 1], "symbol": "X", "line": 12, "code": "loss = self.w * self.X"},
        {"id": 2, "label": "mul", "kind": "op", "op": "MulBackward0", "value": [6.0], "grad": [1.0],
         "shape": [1], "symbol": "L", "expr": "w·X", "line": 12, "code": "loss = self.w * self.X"},
    ],
    "edges": [
        {"source": 0, "target": 2, "operand": 0, "local": "times X entry by entry", "contribution": [3.0]},
        {"source": 1, "target": 2, "operand": 1, "local": "none: X is data", "contribution": None},
    ],
}


def test_a_trace_takes_the_stage_with_tensor_words_and_gives_it_back(qtbot, page):
    from core.engine.layout import layout
    from core.trace.graph import trace_from_dict

    formula, step = page.cg, 3
    page.player.go_to(step)
    tg = trace_from_dict(TOY_TRACE)
    with qtbot.waitSignal(page.trace_changed) as changed:
        page.show_trace(tg, TraceSchedule(tg))
    assert changed.args == [tg] and page.player.step == 0 and page.player.count == len(TraceSchedule(tg))
    items = page.view.node_items()
    assert items[2].symbol_label.text() == "MulBackward0" and plain(items[2].title_label.text()) == "L (1)"
    page.player.to_end()
    assert labels_of(items[0]) == ["w (1) = [2]", "∂L/∂w = [3]"]
    again = trace_from_dict(TOY_TRACE)  # the same structure again (a new epoch): the items stay
    page.view.set_graph(again, layout(again))
    page.view.show_state(TraceSchedule(again).state_at(page.player.count))  # the view draws, never schedules
    assert page.view.node_items()[0] is items[0]
    assert page.view.state().step == page.player.count
    page.view.highlight([0], [(0, 2, 0)])
    assert page.view.highlighted() == ([0], [(0, 2, 0)])
    page.view.highlight([])
    assert page.view.highlighted() == ([], [])

    page.close_trace()
    assert page.trace is None and page.view.graph() is formula and page.player.step == step
    assert any(label.startswith("x = ") for item in page.view.node_items().values() for label in labels_of(item))
    page.show_trace(tg, TraceSchedule(tg))
    with qtbot.waitSignal(page.trace_changed) as changed:
        page.load_preset("two-paths")  # a new formula takes the stage back
    assert changed.args == [None] and page.trace is None and page.splitter.widget(0).isVisible()


def test_the_trace_panel_shows_code_with_file_line_numbers(qtbot, page):
    traces = TraceController(page)
    info = CATALOG["automatic"]
    traces.panel.show_variant(info)
    code = traces.panel.code
    assert code.first_line == info.first_line
    assert code.line_text(info.first_line).startswith("class Automatic")
    code.mark_lines([info.first_line + 3, 10_000])  # a line outside the class is ignored
    assert code.marked_lines() == [info.first_line + 3]
    assert running_timers(page) == []
