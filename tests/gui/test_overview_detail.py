"""The overview map draws the drawing itself only when it is big enough to show something; else marks.

Every map traces every edge and marks every node (tests/gui/test_overview_map.py and
test_dark_look.py check those at 3:1); these tests check which maps also render the scene's items.
"""

from __future__ import annotations

from core.engine.graph import build_graph
from core.engine.layout import layout
from gui.graph.overview import DETAIL_SCALE
from gui.graph.view import GraphView


def shown_view(qtbot, monkeypatch, source: str, width: int, height: int) -> tuple[GraphView, list]:
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    renders: list = []  # the scene rectangles the map rendered
    scene = view.scene()
    render = scene.render
    monkeypatch.setattr(scene, "render", lambda painter, target, part, *mode: (renders.append(part),
                                                                               render(painter, target, part, *mode)))
    cg = build_graph(source).evaluate()
    view.set_graph(cg, layout(cg))
    qtbot.waitUntil(lambda: not view.overview.isHidden(), timeout=5000)
    return view, renders


def test_a_map_too_small_to_show_labels_is_drawn_as_marks_without_rendering_the_scene(qtbot, monkeypatch):
    view, renders = shown_view(qtbot, monkeypatch, "+".join(["x"] * 120) + "\nx = 2", 900, 600)
    assert view.overview.scale() < DETAIL_SCALE
    assert renders == [] and not view.overview.detailed()
    image = view.overview.map_image()
    assert not image.isNull() and len({image.pixel(x, image.height() // 2) for x in range(image.width())}) > 1


def test_a_map_big_enough_to_show_the_boxes_renders_the_drawing_itself(qtbot, monkeypatch):
    view, renders = shown_view(qtbot, monkeypatch, "a = relu(w*x + b)\nw = 2\nx = 3\nb = -1", 420, 300)
    assert view.overview.scale() >= DETAIL_SCALE
    assert view.overview.detailed() and len(renders) == 1
    assert renders[0] == view.drawing_rect()


def test_a_map_of_marks_is_drawn_once_per_drawing_not_once_per_step(qtbot, monkeypatch):
    import gui.graph.overview as overview_module

    traced = []
    mark_edges = overview_module._mark_edges
    monkeypatch.setattr(overview_module, "_mark_edges", lambda *args: (traced.append(1), mark_edges(*args)))
    view, _ = shown_view(qtbot, monkeypatch, "+".join(["x"] * 120) + "\nx = 2", 900, 600)
    assert len(traced) == 1
    nodes, edges = view.node_items().values(), view.edge_items().values()
    view.overview.render_scene(view.scene(), view.drawing_rect(), nodes, edges)  # another step: same marks
    assert len(traced) == 1
    grown = view.drawing_rect().adjusted(0, 0, 50, 0)  # labels grew: the map is drawn again
    view.overview.render_scene(view.scene(), grown, nodes, edges)
    assert len(traced) == 2
    from gui import theme

    try:
        theme.apply("projector")  # the same white, a darker ink: the marks are drawn again
        view.overview.render_scene(view.scene(), grown, nodes, edges)
        assert len(traced) == 3
    finally:
        theme.apply(theme.DEFAULT_LOOK)
