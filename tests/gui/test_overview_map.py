"""The overview map of a big graph traces every edge at 3:1 or more on its background, light or dark."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from gui import theme
from tests.gui.test_readability import BIG_FORMULA
from tests.gui.windows import close_window, open_window


def strongest_contrast(image, background: QColor, rect) -> float:
    """The highest contrast against `background` of any pixel of `image` inside `rect`."""
    best = 1.0
    for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1)):
        for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1)):
            best = max(best, theme.contrast_ratio(image.pixelColor(x, y), background))
    return best


def test_the_overview_map_shows_every_edge_at_3_to_1(qtbot):
    window = open_window(qtbot, 1280, 800)
    view = window.graph_page.view
    try:
        assert window.graph_page.load_source(BIG_FORMULA)
        for look in ("light", "dark"):  # the projector look draws on white, as the light one
            window.appearance.set_theme(look)
            qtbot.waitUntil(lambda: view.overview.isVisible() and not view.building(), timeout=5000)
            qtbot.wait(50)
            overview = view.overview
            image = overview.map_image()
            background = QColor(theme.current_look.background)
            faint = []
            for edge, item in view.edge_items().items():
                nodes = [view.node_items()[n].sceneBoundingRect() for n in edge[:2]]
                # a point on the line away from both ends' nodes (their marks would count for it)
                points = [item.route().path.pointAtPercent(t / 20) for t in range(1, 20)]
                clear = [p for p in points if not any(box.adjusted(-8, -8, 8, 8).contains(p) for box in nodes)]
                assert clear, edge
                point = overview.to_map(clear[len(clear) // 2])
                spot = QRectF(point.x() - 1, point.y() - 1, 2, 2).toAlignedRect()
                contrast = strongest_contrast(image, background, spot)
                if contrast < theme.MIN_GRAPHIC_CONTRAST:
                    faint.append((edge, round(contrast, 2)))
            assert faint == [], (look, len(faint), faint[:5])
    finally:
        window.appearance.set_theme("light")
        close_window(window)
