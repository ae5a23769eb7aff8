"""GraphView on real widgets, offscreen: what it draws, that it restyles in place, export, input."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import math
import random
import xml.etree.ElementTree as ElementTree

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.formatting import fmt
from core.engine import explain, graph_text
from core.engine.graph import build_graph
from core.engine.layout import layout
from core.teach.presets import BY_KEY
from core.engine.steps import Schedule
from gui.graph.export import export_graph
from gui.graph.items import EdgeItem, NodeItem, TextLabel
from gui import theme
from gui.graph.view import GraphView
from gui.theme import typeset

LECTURE = BY_KEY["lecture"].source


def shown(text: str) -> str:
    """How the drawing prints core's text (typographic minus)."""
    return typeset(text)


def make_view(qtbot, source: str, values: dict | None = None, step: int | None = None):
    cg = build_graph(source).evaluate(values)
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.set_graph(cg, layout(cg))
    schedule = Schedule(cg)
    view.show_state(schedule.state_at(len(schedule) if step is None else step))
    return view, cg, schedule


def node_by_name(cg, name: str) -> int:
    return next(n for n in cg.nodes if cg.node(n)["symbol"] == name or cg.node(n)["label"] == name)


def random_formula(statements: int, seed: int) -> str:
    """A reproducible formula mixing every kind of node: inputs, constants, binary and unary ops."""
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(1, 6)]
    lines = ["; ".join(f"{name} = {rng.choice([-2, -1.5, 0.5, 1, 2, 3])}" for name in names)]
    available = list(names)
    templates = ["{a}*{b}", "{a} + {b}", "{a} - {b}", "relu({a})", "tanh({a})", "sigmoid({a} + {b})", "{a}*2 + {b}"]
    for index in range(statements):
        a, b = rng.sample(available[-6:] + names, 2)
        lines.append(f"h{index} = " + rng.choice(templates).format(a=a, b=b))
        available.append(f"h{index}")
    lines.append("out = " + " + ".join(available[-3:]))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- what is drawn


def test_lecture_preset_draws_the_slide_with_core_numbers(qtbot):
    view, cg, _ = make_view(qtbot, LECTURE)
    nodes, edges = view.node_items(), view.edge_items()
    kinds = sorted(item.kind for item in nodes.values())
    assert kinds == ["input", "input", "input", "op", "op", "op"]
    assert len(edges) == 5 and set(edges) == set(cg.graph.edges(keys=True))
    for name, value in {"x": 3, "w": 2, "b": 1}.items():
        item = nodes[cg.input_nodes[name]]
        assert item.title_label.text() == f"{name} = {value}" == f"{name} = {fmt(cg.value(item.node_id))}"
    expected = {"u": ("u = w·x", "6"), "v": ("v = u + b", "7"), "a": ("a = relu(v)", "7")}  # the slide
    for name, (title, value) in expected.items():
        item = nodes[node_by_name(cg, name)]
        assert item.title_label.text() == title
        assert item.value_label.text() == value == fmt(cg.value(item.node_id))
    assert nodes[cg.output].is_output and nodes[cg.output].tag_label.text() == "output"
    assert nodes[node_by_name(cg, "u")].symbol_label.text() == "×"
    locals_ = {edge: item.local_label.text() for edge, item in edges.items()}
    w, x, u = cg.input_nodes["w"], cg.input_nodes["x"], node_by_name(cg, "u")
    assert locals_[(w, u, 0)] == "∂u/∂w = 3" and locals_[(x, u, 0)] == "∂u/∂x = 2"
    for edge, text in locals_.items():
        assert text.endswith(f"= {fmt(cg.edge(edge)['local_grad'])}")


def test_final_state_shows_every_gradient_and_backward_arrow(qtbot):
    view, cg, _ = make_view(qtbot, LECTURE)
    for n, item in view.node_items().items():
        assert item.gradient_label.text() == f"∂a/∂{cg.node(n)['symbol']} = {fmt(cg.grad(n))}"
    assert {name: view.node_items()[n].gradient_label.text() for name, n in cg.input_nodes.items()} == {
        "w": "∂a/∂w = 3", "x": "∂a/∂x = 2", "b": "∂a/∂b = 1"}
    for edge, item in view.edge_items().items():
        assert item.backward.isVisible()
        assert item.flow_label.text() == ""  # the products were shown step by step; the arrows stay


def test_the_active_backward_step_shows_its_product_upstream_and_local_coloured_apart(qtbot):
    view, cg, schedule = make_view(qtbot, LECTURE, step=0)
    shown = 0
    for k in range(1, len(schedule) + 1):
        state = schedule.state_at(k)
        view.show_state(state)
        flows = {edge: item.flow_label for edge, item in view.edge_items().items() if item.flow_label.text()}
        if state.active_edge is None or state.phase != "backward":
            assert flows == {}
            continue
        assert list(flows) == [state.active_edge]  # one product on the drawing at a time
        label, data = flows[state.active_edge], cg.edge(state.active_edge)
        upstream, local, result = fmt(cg.grad(state.active_edge[1])), fmt(data["local_grad"]), fmt(data["contribution"])
        assert label.runs() == [upstream, f" × {local}", f" = {result}"]
        assert float(result) == pytest.approx(float(upstream) * float(local))
        colours = [colour for _, colour in label._runs]
        assert colours[0] == colours[2] == theme.BACKWARD != colours[1] == theme.INK
        shown += 1
    assert shown == 5  # every edge of the slide had its turn


@pytest.mark.parametrize("source", [LECTURE, "x = 3\nf = x*x + x"])
def test_no_label_is_printed_twice_at_the_end(qtbot, source):
    """Names, local derivatives, gradients and products: each text once (forward values are
    numbers that may coincide, as v = 7 and a = relu(v) = 7 do, so they are left out)."""
    view, cg, _ = make_view(qtbot, source)
    values = {id(item.value_label) for item in view.node_items().values()}
    texts = [label.text() for label in view.text_labels() if label.text() and id(label) not in values]
    assert len(texts) >= len(cg.nodes) + len(cg.graph.edges)
    assert len(texts) == len(set(texts)), sorted(texts)
    locals_ = [item.local_label.text() for item in view.edge_items().values() if item.local_label.text()]
    gradients = [item.gradient_label.text() for item in view.node_items().values() if item.gradient_label.text()]
    out = explain.output_symbol(cg)
    assert all(not text.startswith(f"∂{out}/") for text in locals_)  # a local never reads like a gradient
    assert all(text.startswith(f"∂{out}/") for text in gradients)


def test_mid_states_show_only_what_is_known(qtbot):
    view, cg, schedule = make_view(qtbot, LECTURE, step=0)
    ops = [n for n in cg.nodes if cg.node(n)["kind"] == "op"]
    assert all(view.node_items()[n].value_label.text() == "" for n in ops)
    assert all(item.local_label.text() == "" and not item.backward.isVisible() for item in view.edge_items().values())
    for k in range(len(schedule) + 1):
        state = schedule.state_at(k)
        view.show_state(state)
        for n, item in view.node_items().items():
            if cg.node(n)["kind"] == "op":
                assert item.value_label.text() == (fmt(state.values[n]) if n in state.values else "")
            assert (item.gradient_label.text() != "") == (n in state.grads or n in state.received)
        for edge, item in view.edge_items().items():
            assert item.backward.isVisible() == (edge in state.contributions)
            assert (item.local_label.text() != "") == (edge[1] in state.values)


def test_partial_sums_show_while_paths_arrive(qtbot):
    view, cg, schedule = make_view(qtbot, BY_KEY["two-paths"].source, step=0)
    x = cg.input_nodes["x"]
    label = view.node_items()[x].gradient_label
    texts = []
    for k in range(len(schedule) + 1):
        view.show_state(schedule.state_at(k))
        texts.append(label.text())
    assert "∂f/∂x = Σ 1 + …" in texts and "∂f/∂x = Σ 1 + 3" in texts
    assert texts[-1] == f"∂f/∂x = {fmt(cg.grad(x))}" == "∂f/∂x = 4"


def test_x_times_x_draws_two_distinct_edges_with_two_labels(qtbot):
    view, cg, _ = make_view(qtbot, "x = 3\ny = x*x")
    edges = view.edge_items()
    assert len(edges) == 2
    first, second = edges.values()
    assert first.edge[:2] == second.edge[:2] and first.edge[2] != second.edge[2]
    # the same numbers, but never the same label twice: each names its operand
    assert {first.local_label.text(), second.local_label.text()} == {
        "local ∂y/∂x (operand 1) = 3", "local ∂y/∂x (operand 2) = 3"}  # into the output: "local"
    assert not first.local_label.sceneBoundingRect().intersects(second.local_label.sceneBoundingRect())
    assert first.route().path != second.route().path
    assert {graph_text.flow_text(cg, first.edge), graph_text.flow_text(cg, second.edge)} == {
        "1 × 3 = 3 (operand 1)", "1 × 3 = 3 (operand 2)"}
    assert view.node_items()[cg.input_nodes["x"]].gradient_label.text() == "∂y/∂x = 6"


def test_negative_numbers_are_drawn_with_a_typographic_minus(qtbot):
    view, cg, _ = make_view(qtbot, "x = -2\ny = x*x")
    assert view.node_items()[cg.input_nodes["x"]].title_label.text() == "x = \u22122"
    assert "-" not in "".join(label.text() for label in view.scene().items() if isinstance(label, TextLabel))


def test_items_are_kept_when_only_values_change(qtbot):
    view, cg, _ = make_view(qtbot, LECTURE)
    nodes, edges = view.node_items(), view.edge_items()
    scene_items = set(map(id, view.scene().items()))
    changed = build_graph(LECTURE).evaluate({"x": 5})
    view.set_graph(changed, layout(changed))
    schedule = Schedule(changed)
    view.show_state(schedule.state_at(len(schedule)))
    assert all(view.node_items()[n] is item for n, item in nodes.items())
    assert all(view.edge_items()[e] is item for e, item in edges.items())
    assert set(map(id, view.scene().items())) == scene_items
    assert nodes[changed.input_nodes["x"]].title_label.text() == "x = 5"
    assert nodes[node_by_name(changed, "u")].value_label.text() == "10" == fmt(changed.value(node_by_name(changed, "u")))
    assert nodes[changed.input_nodes["w"]].gradient_label.text() == "∂a/∂w = 5"


def test_stepping_restyles_without_creating_items(qtbot):
    view, _, schedule = make_view(qtbot, LECTURE, step=0)
    before = list(view.scene().items())
    for k in [*range(len(schedule) + 1), 3, 0]:
        view.show_state(schedule.state_at(k))
    assert list(view.scene().items()) == before


def test_a_new_formula_replaces_the_items(qtbot):
    view, _, _ = make_view(qtbot, LECTURE)
    old = view.node_items()
    cg = build_graph("x = 1\ny = x + 2").evaluate()
    view.set_graph(cg, layout(cg))
    assert len(view.node_items()) == 3 and all(item not in old.values() for item in view.node_items().values())
    constant = next(item for item in view.node_items().values() if item.kind == "const")
    assert constant.title_label.text() == "2"
    edge_from_constant = next(item for item in view.edge_items().values() if item.from_constant)
    assert edge_from_constant.local_label.text() == ""


def test_tooltips_give_formula_value_local_derivative_and_gradient(qtbot):
    view, cg, _ = make_view(qtbot, LECTURE)
    u = node_by_name(cg, "u")
    tip = view.node_items()[u].toolTip()
    assert "u = w·x = 2 · 3 = 6" in tip and "∂u/∂w = 3" in tip and "∂a/∂u = 1" in tip
    w = cg.input_nodes["w"]
    edge_tip = view.edge_items()[(w, u, 0)].toolTip()
    assert "∂u/∂w = x = 3" in edge_tip and "∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3" in edge_tip
    view.show_state(Schedule(cg).state_at(0))
    assert "not computed yet" in view.node_items()[u].toolTip()


# ----------------------------------------------------------------------------- no overlaps


def test_forty_node_formula_has_no_overlapping_nodes_or_labels(qtbot):
    source = random_formula(17, seed=4)
    view, cg, _ = make_view(qtbot, source)
    assert 35 <= len(cg.nodes) <= 45
    nodes = list(view.node_items().values())
    rects = [item.sceneBoundingRect() for item in nodes]
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            assert not rects[i].intersects(rects[j]), (nodes[i].node_id, nodes[j].node_id)
    outlines = {item.node_id: item.outline() for item in nodes}
    edge_labels = [label for item in view.edge_items().values() for label in item.labels() if label.text()]
    node_labels = [(item.node_id, label) for item in nodes for label in item.labels() if label.text()]
    for owner, label in node_labels:
        rect = label.sceneBoundingRect()
        assert not any(rect.intersects(outline) for n, outline in outlines.items() if n != owner), label.text()
        assert not any(rect.intersects(other[1].sceneBoundingRect()) for other in node_labels
                       if other[0] != owner), label.text()
    for label in edge_labels:
        rect = label.sceneBoundingRect()
        assert not any(rect.intersects(outline) for outline in outlines.values()), label.text()
        assert not any(rect.intersects(other.sceneBoundingRect()) for other in edge_labels if other is not label)


# ----------------------------------------------------------------------------- export


def svg_texts(path) -> list[str]:
    root = ElementTree.parse(path).getroot()
    return ["".join(element.itertext()).strip() for element in root.iter() if element.tag.endswith("text")]


def test_exported_svg_keeps_labels_as_text(qtbot, tmp_path):
    view, cg, _ = make_view(qtbot, "x = -2; w = 0.5\ny = relu(w*x + 1)")
    view.export_svg(tmp_path / "graph.svg")
    texts = svg_texts(tmp_path / "graph.svg")
    for label in [item for item in view.scene().items() if isinstance(item, TextLabel) and item.text()]:
        assert all(run.strip() in texts for run in label.runs()), label.text()
    assert "∂y/∂(w·x + 1) = 0" in texts and "\u22122" in texts


def test_exported_png_is_twice_the_drawing(qtbot, tmp_path):
    view, _, _ = make_view(qtbot, LECTURE)
    view.export_png(tmp_path / "graph.png")
    image = QImage(str(tmp_path / "graph.png"))
    rect = view.drawing_rect()
    assert (image.width(), image.height()) == (math.ceil(rect.width() * 2), math.ceil(rect.height() * 2))
    assert image.pixelColor(2, 2).name() == "#ffffff"


def test_export_graph_writes_both_formats_and_refuses_others(qtbot, tmp_path):
    cg = build_graph(LECTURE).evaluate()
    export_graph(cg, tmp_path / "g.svg")
    assert "∂a/∂w = 3" in svg_texts(tmp_path / "g.svg")
    export_graph(cg, tmp_path / "g.PNG", scale=1.0)
    assert not QImage(str(tmp_path / "g.PNG")).isNull()
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.gif or \.mp4"):
        export_graph(cg, tmp_path / "g.jpg")
    with pytest.raises(ValueError, match="does not exist"):
        export_graph(cg, tmp_path / "missing" / "g.svg")
    with pytest.raises(ValueError, match="folder"):
        export_graph(cg, tmp_path)


# ----------------------------------------------------------------------------- mouse and keys


def viewport_point(view: GraphView, item) -> QPoint:
    return view.mapFromScene(item.sceneBoundingRect().center())


def test_clicking_a_node_or_edge_selects_it_and_says_which(qtbot):
    view, cg, _ = make_view(qtbot, LECTURE)
    view.show()
    qtbot.waitExposed(view)
    u = node_by_name(cg, "u")
    with qtbot.waitSignal(view.node_selected) as node_signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(view, view.node_items()[u].title_label))
    assert node_signal.args == [u] and view.node_items()[u].isSelected()
    edge = (cg.input_nodes["w"], u, 0)
    with qtbot.waitSignal(view.edge_selected) as edge_signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(view, view.edge_items()[edge].local_label))
    assert edge_signal.args == [edge] and view.edge_items()[edge].isSelected()
    assert not view.node_items()[u].isSelected()
    assert isinstance(view.item_at(viewport_point(view, view.node_items()[u])), NodeItem)
    assert isinstance(view.item_at(viewport_point(view, view.edge_items()[edge].flow_label)), EdgeItem)


def test_zoom_keys_work_and_page_keys_pass_through(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    received = []
    page.keyPressEvent = lambda event: received.append(event.key())
    view = GraphView(page)
    QVBoxLayout(page).addWidget(view)
    cg = build_graph(LECTURE).evaluate()
    view.set_graph(cg, layout(cg))
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    fitted = view.zoom()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom() == pytest.approx(fitted * 1.2)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom() == pytest.approx(fitted / 1.2)
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.zoom() == pytest.approx(fitted)
    page_keys = [Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_PageDown,
                 Qt.Key.Key_PageUp, Qt.Key.Key_Home, Qt.Key.Key_End]
    for key in page_keys:
        qtbot.keyClick(view, key)
    assert received == page_keys
    assert view.zoom() == pytest.approx(fitted)


def test_wheel_zooms_and_fit_shows_everything(qtbot):
    view, _, _ = make_view(qtbot, random_formula(10, seed=1))
    view.show()
    qtbot.waitExposed(view)
    view.set_readable_px(1)  # this test is about fitting everything; readable zoom has its own tests
    view.fit()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.scene().itemsBoundingRect())
    fitted = view.zoom()
    view.zoom_in()
    assert view.zoom() > fitted
    view.zoom_out()
    assert view.zoom() == pytest.approx(fitted)
    assert view.objectName() == "graphView" and view.accessibleName()
