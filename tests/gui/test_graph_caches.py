"""The drawing's caches (run offsets, arrowheads, the drawing's bounds) and its tooltips built on hover.

Paint only reads what was measured when the text, the route, the look or the sizes changed; these
tests change each of those and compare the cache with a fresh measurement.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtGui import QFontMetricsF, QHelpEvent
from PySide6.QtWidgets import QApplication, QGraphicsItem

from core.engine.graph import build_graph
from core.engine.layout import layout
from core.engine.steps import Schedule
from core.teach.presets import BY_KEY
from gui import theme
from gui.graph.geometry import backward_route
from gui.graph.items import arrowhead
from gui.graph.view import GraphView

LECTURE = BY_KEY["lecture"].source


@pytest.fixture
def view(qtbot):
    cg = build_graph(LECTURE).evaluate()
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.set_graph(cg, layout(cg))
    view.show_state(Schedule(cg).state_at(len(Schedule(cg))))
    yield view, cg
    theme.apply("light", 1.0)


def fresh_offsets(label) -> list[float]:
    """Each run's x, measured now with the label's font (what paint used to do every time)."""
    metrics = QFontMetricsF(label._font)
    x, offsets = label.text_rect().left(), []
    for run in label.runs():
        offsets.append(x)
        x += metrics.horizontalAdvance(run)
    return offsets


def check_caches(view: GraphView) -> None:
    labels = view.text_labels()
    assert labels
    for label in labels:
        assert label.run_offsets() == pytest.approx(fresh_offsets(label))
        assert label.text_rect().width() == pytest.approx(QFontMetricsF(label._font).horizontalAdvance(label.text()))
    for item in view.edge_items().values():
        route = item.route()
        assert item.head() == arrowhead(route.tip, route.direction)
        path, tip, direction = backward_route(route)
        assert item.backward.head() == arrowhead(tip, direction)
        assert item.backward.path() == path


def test_the_input_title_runs_are_placed_one_after_another(view):
    view_, cg = view
    title = view_.node_items()[cg.input_nodes["w"]].title_label
    assert len(title.runs()) == 2
    first, second = title.run_offsets()
    assert second - first == pytest.approx(QFontMetricsF(title._font).horizontalAdvance(title.runs()[0]))
    check_caches(view_)


@pytest.mark.parametrize("look, scale", [("dark", 1.0), ("projector", 1.0), ("light", 2.0), ("light", 3.0)])
def test_caches_follow_a_restyle_and_a_text_scale(view, look, scale):
    view_, cg = view
    before = {n: item.value_label.text_rect().width() for n, item in view_.node_items().items()}
    heads = {e: item.head() for e, item in view_.edge_items().items()}
    theme.apply(look, scale)
    view_.restyle()
    check_caches(view_)
    if scale > 1:  # bigger text and arrows: the old measurements would be wrong
        after = {n: item.value_label.text_rect().width() for n, item in view_.node_items().items()}
        assert all(after[n] > before[n] for n in before if before[n] > 0)
        assert all(view_.edge_items()[e].head() != heads[e] for e in heads)


def test_caches_follow_new_numbers_and_steps(view):
    view_, cg = view
    view_.set_graph(cg.evaluate({"w": -123.456, "x": 0.5, "b": 1e6}), layout(cg))
    schedule = Schedule(cg)
    for step in (0, 3, len(schedule) // 2, len(schedule)):
        view_.show_state(schedule.state_at(step))
        check_caches(view_)


def test_zoom_keeps_the_scene_caches_and_the_drawing_rect(view):
    view_, _ = view
    rect = view_.drawing_rect()
    view_.zoom_in()
    view_.zoom_in()
    check_caches(view_)
    assert view_.drawing_rect() == rect
    view_._drawn_rect = None  # measured afresh, it is the same
    assert view_.drawing_rect() == rect


def test_the_drawing_rect_follows_labels_that_grow(view):
    view_, cg = view
    schedule = Schedule(cg)
    view_.show_state(schedule.state_at(0))
    small = view_.drawing_rect()
    view_.set_graph(cg.evaluate({"w": 123456789.123, "x": -98765.4321}), layout(cg))
    view_.show_state(schedule.state_at(len(schedule)))
    grown = view_.drawing_rect()
    view_._drawn_rect = None
    assert view_.drawing_rect() == grown and grown != small


def test_tooltips_are_built_when_the_mouse_rests_on_an_item(view, qtbot):
    view_, cg = view
    u = next(n for n in cg.nodes if cg.node(n)["name"] == "u")
    item = view_.node_items()[u]
    assert item._make_tooltip is not None  # nothing built yet: the texts wait for a hover
    view_.fit()
    point = view_.mapFromScene(item.outline().center())
    QApplication.sendEvent(view_.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view_.viewport().mapToGlobal(point)))
    assert item._make_tooltip is None
    shown = QGraphicsItem.toolTip(item)  # what Qt itself shows: the C++ property, not the Python override
    assert "u = w·x = 2 · 3 = 6" in shown and "∂a/∂u = 1" in shown
    assert all(label.toolTip() == shown for label in item.labels())


def test_a_tooltip_reads_right_after_the_state_it_describes_changed(view):
    view_, cg = view
    u = next(n for n in cg.nodes if cg.node(n)["name"] == "u")
    assert "∂a/∂u = 1" in view_.node_items()[u].toolTip()
    view_.show_state(Schedule(cg).state_at(0))
    assert "not computed yet" in view_.node_items()[u].toolTip()
    w = cg.input_nodes["w"]
    edge = view_.edge_items()[(w, u, 0)]
    text = edge.toolTip()  # built on reading; the backward arrow and labels get the same text
    assert "not computed yet" in text and edge.backward.toolTip() == text
