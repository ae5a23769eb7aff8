"""The graph page driven as a user would: typing, values, errors, stepping, keys, play, presets."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QLabel, QPlainTextEdit, QPushButton, QSlider, QToolButton,
)

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import build_graph
from core.engine.parse import ParseError, parse
from core.teach.presets import PRESETS
from core.engine.steps import Schedule
from gui.graph.view import GraphView


def plain(text: str) -> str:
    """Drawn text with the typographic minus read back as a hyphen, as core writes it."""
    return text.replace("\u2212", "-")


def item_text(item) -> str:
    """Everything a node or edge item shows right now, its labels joined."""
    return plain(" | ".join(label.text() for label in item.labels() if label.text()))


def scene_texts(view: GraphView) -> str:
    """Every label drawn for every node and edge, in a stable order."""
    nodes = [item_text(item) for _, item in sorted(view.node_items().items())]
    edges = [item_text(item) for _, item in sorted(view.edge_items().items())]
    return "\n".join(nodes + edges)


def find(page, kind, name):
    widget = page.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def type_formula(qtbot, page, text: str) -> None:
    """Replace the editor's text by typing it, then wait for the debounced graph."""
    editor = find(page, QPlainTextEdit, "formulaEditor")
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClicks(editor, line)
    qtbot.waitUntil(lambda: not editor.debounce.isActive() and page.formula() == text, timeout=3000)


def reference(text: str, values=None):
    """The graph core builds for `text`, evaluated, with its schedule: what the page must show."""
    cg = build_graph(text)
    cg.evaluate(values or {})
    return cg, Schedule(cg)


def caption(page) -> str:
    return find(page, QLabel, "stepCaption").text()


def test_typing_a_formula_draws_its_nodes_and_values(qtbot, page):
    text = "p = 1.5\nq = -2\nm = p*q\ns = sigmoid(m + p)"
    type_formula(qtbot, page, text)
    cg, schedule = reference(text)
    view = find(page, GraphView, "graphView")
    assert page.cg.graph.number_of_nodes() == cg.graph.number_of_nodes()
    assert page.cg.graph.number_of_edges() == cg.graph.number_of_edges()
    qtbot.mouseClick(find(page, QPushButton, "endButton"), Qt.MouseButton.LeftButton)
    assert caption(page) == schedule.state_at(len(schedule)).caption
    nodes, edges = view.node_items(), view.edge_items()
    assert set(nodes) == set(cg.nodes)
    assert set(edges) == set(cg.graph.edges(keys=True))
    for node_id, item in nodes.items():
        assert fmt(cg.value(node_id)) in item_text(item), f"value of {cg.node(node_id)['symbol']} not drawn"
        if cg.grad(node_id) is not None:
            assert fmt(cg.grad(node_id)) in item_text(item), f"gradient of {cg.node(node_id)['symbol']} not drawn"
    for edge, item in edges.items():
        if cg.node(edge[0])["kind"] != "const":
            assert explain.local_sentence(cg, edge) in item_text(item)


def test_changing_a_value_relabels_the_graph_and_keeps_the_step(qtbot, page):
    find(page, QPushButton, "endButton").click()
    box = find(page, QDoubleSpinBox, "value_x")
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "-4")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    cg, schedule = reference(PRESETS[0].source, {"x": -4.0})
    qtbot.waitUntil(lambda: page.cg.value(page.cg.output) == cg.value(cg.output))
    assert page.player.step == len(schedule)
    assert caption(page) == schedule.state_at(len(schedule)).caption  # relu(-7) = 0: all gradients 0
    view = find(page, GraphView, "graphView")
    u = next(n for n in cg.nodes if cg.node(n)["name"] == "u")
    assert fmt(-8.0) in item_text(view.node_items()[u])  # u = w·x = 2 · (-4)
    assert "x = -4" in item_text(view.node_items()[cg.input_nodes["x"]])


def test_dragging_a_value_changes_it(qtbot, page):
    box = find(page, QDoubleSpinBox, "value_w")
    before = box.value()
    field = box.lineEdit()
    start = field.rect().center()
    qtbot.mousePress(field, Qt.MouseButton.LeftButton, pos=start)
    for dy in range(0, 31, 5):
        qtbot.mouseMove(field, start - QPoint(0, dy))
    qtbot.mouseRelease(field, Qt.MouseButton.LeftButton, pos=start - QPoint(0, 30))
    assert box.value() == pytest.approx(before + 1.0)  # 30 px up = 10 steps of 0.1
    cg, _ = reference(PRESETS[0].source, {"w": before + 1.0})
    assert page.cg.value(page.cg.output) == pytest.approx(cg.value(cg.output))


def test_a_bad_formula_is_marked_and_the_last_good_graph_stays(qtbot, page):
    good = "u = w*x\na = relu(u + b)"
    type_formula(qtbot, page, good)
    drawn = page.cg
    shown_before = scene_texts(find(page, GraphView, "graphView"))
    error_label = find(page, QLabel, "formulaError")
    assert error_label.isHidden()

    bad = "u = w*x\na = relu(u + b))"
    type_formula(qtbot, page, bad)
    with pytest.raises(ParseError) as expected:
        parse(bad)
    assert error_label.isVisible()
    assert f"Line {expected.value.line}, column {expected.value.column}" in error_label.text()
    assert expected.value.message in error_label.text()
    editor = find(page, QPlainTextEdit, "formulaEditor")
    assert editor.error_position() == (expected.value.line, expected.value.column)
    assert page.cg is drawn
    assert scene_texts(find(page, GraphView, "graphView")) == shown_before

    type_formula(qtbot, page, good)
    assert error_label.isHidden()
    assert editor.extraSelections() == []


def test_value_editors_follow_the_inputs(qtbot, page):
    type_formula(qtbot, page, "a = x*y")
    x, y = find(page, QDoubleSpinBox, "value_x"), find(page, QDoubleSpinBox, "value_y")
    assert (x.value(), y.value()) == (3.0, 1.0)  # x keeps the lecture's 3; y is new, unset: 1
    assert page.findChild(QDoubleSpinBox, "value_w") is None
    assert x.accessibleName() and y.accessibleName()
    x.setValue(4.0)
    type_formula(qtbot, page, "z = 2.5\na = x*z")
    assert page.findChild(QDoubleSpinBox, "value_y") is None
    assert find(page, QDoubleSpinBox, "value_x").value() == 4.0  # kept
    assert find(page, QDoubleSpinBox, "value_z").value() == 2.5  # set by the text
    assert page.cg.value(page.cg.output) == 10.0
    type_formula(qtbot, page, "z = 3\na = x*z")  # the text changes z's value: the text wins
    assert find(page, QDoubleSpinBox, "value_z").value() == 3.0


def test_buttons_scrubber_and_back_step_show_cores_captions(qtbot, page):
    _, schedule = reference(PRESETS[0].source)
    n = len(schedule)
    forward, back = find(page, QPushButton, "stepForwardButton"), find(page, QPushButton, "stepBackButton")
    view = find(page, GraphView, "graphView")
    assert caption(page) == schedule.state_at(0).caption
    drawn = [scene_texts(view)]
    for k in range(1, n + 1):
        qtbot.mouseClick(forward, Qt.MouseButton.LeftButton)
        assert caption(page) == schedule.state_at(k).caption
        assert f"{k} / {n}" in find(page, QLabel, "stepIndicator").text()
        drawn.append(scene_texts(view))
    for k in range(n - 1, -1, -1):
        qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
        assert caption(page) == schedule.state_at(k).caption
        assert scene_texts(view) == drawn[k], f"stepping back to {k} did not restore the drawing"
    qtbot.mouseClick(find(page, QPushButton, "endButton"), Qt.MouseButton.LeftButton)
    assert caption(page) == schedule.state_at(n).caption
    qtbot.mouseClick(find(page, QPushButton, "resetButton"), Qt.MouseButton.LeftButton)
    assert caption(page) == schedule.state_at(0).caption
    scrubber = find(page, QSlider, "stepScrubber")
    assert scrubber.maximum() == n
    scrubber.setValue(4)
    assert caption(page) == schedule.state_at(4).caption


@pytest.mark.parametrize("focus", ["graphView", "stepForwardButton", "graphPage"])
def test_keys_step_through_the_schedule(qtbot, page, focus):
    _, schedule = reference(PRESETS[0].source)
    n = len(schedule)
    target = page if focus == "graphPage" else page.findChild(object, focus)
    target.setFocus()
    qtbot.waitUntil(lambda: page.focusWidget() is target or target.hasFocus())
    presses = [(Qt.Key.Key_Right, 1), (Qt.Key.Key_PageDown, 2), (Qt.Key.Key_Right, 3),
               (Qt.Key.Key_Left, 2), (Qt.Key.Key_PageUp, 1), (Qt.Key.Key_End, n), (Qt.Key.Key_Home, 0)]
    for key, step in presses:
        qtbot.keyClick(target, key)
        assert page.player.step == step
        assert caption(page) == schedule.state_at(step).caption
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert page.player.playing and find(page, QPushButton, "playButton").text() == "Pause"
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert not page.player.playing and find(page, QPushButton, "playButton").text() == "Play"


def test_the_editor_keeps_space_and_arrows_for_typing(qtbot, page):
    editor = find(page, QPlainTextEdit, "formulaEditor")
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    end = editor.textCursor().position()
    qtbot.keyClick(editor, Qt.Key.Key_Left)
    qtbot.keyClick(editor, Qt.Key.Key_Home)
    assert page.player.step == 0 and editor.textCursor().position() < end - 1
    qtbot.keyClick(editor, Qt.Key.Key_End)
    qtbot.keyClick(editor, Qt.Key.Key_Space)
    assert editor.toPlainText().endswith("relu(v) ")
    assert not page.player.playing and page.player.step == 0
    qtbot.keyClick(editor, Qt.Key.Key_PageDown)  # a presenter's clicker still steps
    assert page.player.step == 1
    box = find(page, QDoubleSpinBox, "value_x")
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Home)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Right)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Space)
    assert page.player.step == 1 and not page.player.playing  # the value box kept its keys
    editor.setFocus()
    qtbot.mouseClick(find(page, QLabel, "stepCaption"), Qt.MouseButton.LeftButton)  # click away
    assert not editor.hasFocus()
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Space)
    assert page.player.playing


def test_play_advances_over_time_and_pause_stops(qtbot, page):
    speed = find(page, QSlider, "speedSlider")
    speed.setValue(speed.maximum())
    play = find(page, QPushButton, "playButton")
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    assert play.text() == "Pause"
    qtbot.waitUntil(lambda: page.player.step >= 3, timeout=3000)
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    assert play.text() == "Play"
    stopped_at = page.player.step
    qtbot.wait(300)
    assert page.player.step == stopped_at
    assert caption(page) == page.schedule.state_at(stopped_at).caption
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)  # plays on to the end, then stops by itself
    qtbot.waitUntil(lambda: not page.player.playing, timeout=4000)
    assert page.player.step == len(page.schedule)
    assert not page.player.timer.isActive()


def test_presets_load_with_their_values(qtbot, page):
    picker = find(page, QComboBox, "presetPicker")
    picker.setFocus()
    for preset in PRESETS[1:]:
        qtbot.keyClick(picker, Qt.Key.Key_Down)
        cg, schedule = reference(preset.source)
        assert page.formula() == preset.source
        assert page.player.step == 0 and caption(page) == schedule.state_at(0).caption
        for name, value in cg.defaults.items():
            assert find(page, QDoubleSpinBox, f"value_{name}").value() == pytest.approx(value)
        assert page.cg.gradients() == cg.gradients()
    type_formula(qtbot, page, "a = x + 1")
    assert picker.currentIndex() == -1  # the user's own formula


def click_item(qtbot, view: GraphView, item) -> None:
    """Click the middle of a node's outline as a user would."""
    view.ensureVisible(item.outline())
    point = view.mapFromScene(item.outline().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_clicking_a_node_or_edge_shows_its_details(qtbot, page):
    view = find(page, GraphView, "graphView")
    details = find(page, QLabel, "selectionDetails")
    u = next(n for n in page.cg.nodes if page.cg.node(n)["name"] == "u")
    with qtbot.waitSignal(view.node_selected):
        click_item(qtbot, view, view.node_items()[u])
    assert "u = w·x" in details.text() and "not computed yet" in details.text()
    find(page, QPushButton, "endButton").click()  # the details follow the step shown
    assert "∂a/∂u" in details.text() and "<b>6</b>" in details.text()
    edge = page.cg.in_edges(u)[0]
    view.edge_selected.emit(edge)
    assert "∂u/∂w = 3" in details.text() and "contribution" in details.text()


def test_the_formula_panel_can_be_hidden_for_presenting(qtbot, page):
    view = find(page, GraphView, "graphView")
    editor = find(page, QPlainTextEdit, "formulaEditor")
    width = view.width()
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert not editor.isVisible()
    qtbot.waitUntil(lambda: view.width() > width)
    assert view.hasFocus()  # so Space plays rather than typing into a hidden editor
    qtbot.mouseClick(find(page, QToolButton, "sidePanelActionButton"), Qt.MouseButton.LeftButton)
    assert editor.isVisible()


def test_named_widgets_have_accessible_names(page):
    for name in ["formulaEditor", "formulaError", "graphView", "playButton", "stepForwardButton",
                 "stepBackButton", "resetButton", "endButton", "speedSlider", "stepScrubber",
                 "stepCaption", "presetPicker", "value_x", "value_w", "value_b"]:
        widget = page.findChild(object, name)
        assert widget is not None, name
        assert widget.accessibleName(), f"{name} has no accessible name"
