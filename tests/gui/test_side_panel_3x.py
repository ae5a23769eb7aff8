"""At 3× text in a 1080p window the Graph page's side panel scrolls instead of squeezing its boxes."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QScrollArea

from tests.gui.windows import close_window, open_window


def test_at_3x_the_formula_box_shows_three_lines_and_every_input_row_is_reachable_whole(qtbot):
    window = open_window(qtbot, 1920, 1080)
    page = window.graph_page
    try:
        page.load_preset("lecture")
        window.appearance.set_scale(3.0)
        qtbot.wait(100)
        editor = page.editor
        lines = editor.viewport().height() / QFontMetrics(editor.font()).lineSpacing()
        assert lines >= 3, lines
        scroll = window.findChild(QScrollArea, "sidePanelScroll")
        assert scroll.verticalScrollBar().maximum() > 0  # the column is taller than the window: it scrolls
        assert page.view.width() >= 1920 // 2  # and does not take the graph's room
        for name in page.values.names():
            box = page.values.box(name)
            text_height = QFontMetrics(box.font()).height()
            assert box.height() >= text_height, (name, box.height(), text_height)
            scroll.ensureWidgetVisible(box)
            qtbot.wait(20)
            shown = box.visibleRegion().boundingRect()
            assert shown.height() >= text_height, (name, shown)  # scrolled to, it shows whole
        window.appearance.set_scale(1.0)
        qtbot.wait(50)
        assert scroll.verticalScrollBar().maximum() == 0  # at 1× everything fits without scrolling
    finally:
        window.appearance.set_scale(1.0)
        close_window(window)
