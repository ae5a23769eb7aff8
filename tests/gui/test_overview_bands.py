"""The overview map of a big drawing is rendered in bands across its long side: each band paints a share."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from core.engine.graph import build_graph
from core.engine.layout import layout
from gui.graph.items import NodeItem
from gui.graph.overview import GraphOverview
from gui.graph.view import GraphView

BANDS = 4


def test_each_band_of_a_wide_drawing_renders_about_its_share_of_the_nodes(qtbot, monkeypatch):
    cg = build_graph("+".join(["x"] * 120) + "\nx = 2").evaluate()  # one long row, as a long session formula is
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view.set_graph(cg, layout(cg))
    source = view.drawing_rect()
    assert source.width() > 10 * source.height()
    scene = view.scene()
    parts: list[QRectF] = []  # the part of the scene each band renders
    render = scene.render
    monkeypatch.setattr(scene, "render", lambda painter, target, part, *mode: (parts.append(QRectF(part)),
                                                                               render(painter, target, part, *mode)))
    overview = GraphOverview()
    qtbot.addWidget(overview)
    for band in range(BANDS):
        assert overview.render_band(scene, QRectF(source), band, BANDS) == (band == BANDS - 1)
    per_band = [{item.node_id for item in scene.items(part) if isinstance(item, NodeItem)} for part in parts]
    assert len(per_band) == BANDS and set().union(*per_band) == set(view.node_items())  # every node is on the map
    # Across the long side, each band holds about its share (along it, every band held nearly all).
    assert max(len(nodes) for nodes in per_band) < cg.graph.number_of_nodes() / 2, [len(n) for n in per_band]
    assert not overview.map_image().isNull()
