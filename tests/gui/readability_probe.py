"""Measures what is on screen, for the readability tests: text pixel sizes, icons, clipped labels.

Run as a module (`python -m tests.gui.readability_probe SCENARIO`) it opens the real window on
the screen Qt was given (a 1920x1080 offscreen screen in the tests), presents a scenario and
prints the measurements as JSON, so a test can check a full-screen window in its own process.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtGui import QFontInfo, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QPushButton,
    QRadioButton, QStyle, QTabBar, QWidget,
)


def widget_text(widget: QWidget) -> str:
    """The text a widget shows itself ('' for one that shows none)."""
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        return widget.text() if not (isinstance(widget, QLabel) and widget.pixmap() and not widget.text()) else ""
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ""


def visible_widgets(root: QWidget) -> list[QWidget]:
    """Every widget under `root` that is on screen (shown, with a size, inside its window)."""
    return [w for w in root.findChildren(QWidget) if w.isVisible() and w.width() > 0 and w.height() > 0
            and w.window() is root.window()]


def widget_text_sizes(root: QWidget) -> list[tuple[str, str, int]]:
    """(object name or class, text, font pixel size) of every visible widget that shows text."""
    sizes = []
    for widget in visible_widgets(root):
        text = widget_text(widget)
        if text.strip():
            sizes.append((widget.objectName() or type(widget).__name__, text[:40], QFontInfo(widget.font()).pixelSize()))
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            sizes += [("tab", bar.tabText(i), QFontInfo(bar.font()).pixelSize()) for i in range(bar.count())]
    return sizes


def icon_sizes(root: QWidget) -> list[tuple[str, int]]:
    """(name, smaller side of the icon) of every visible button that shows an icon."""
    return [(b.objectName() or b.text(), min(b.iconSize().width(), b.iconSize().height()))
            for b in visible_widgets(root) if isinstance(b, QAbstractButton) and not b.icon().isNull()]


def scene_text_sizes(view) -> list[tuple[str, float]]:
    """(text, on-screen pixel size: font pixel size × the view's zoom) of every label of the drawing."""
    return [(label.text(), label.pixel_size() * view.zoom()) for label in view.text_labels()]


def overlapping_labels(view) -> list[tuple[str, str]]:
    """Pairs of the drawing's visible labels whose rectangles (halo included) meet."""
    rects = [(label.text(), label.sceneBoundingRect()) for label in view.text_labels()]
    return [(a, b) for i, (a, rect) in enumerate(rects) for b, other in rects[i + 1:] if rect.intersects(other)]


def labels_on_other_lines(view) -> list[tuple[str, tuple]]:
    """(label, edge) for every visible label whose text a line or backward arrow of another edge runs through.

    An edge's own labels and those of the two nodes it joins are left out: its arrow ends at them.
    """
    from PySide6.QtGui import QPainterPathStroker

    from gui import theme

    crossed = []
    for edge, item in view.edge_items().items():
        route = item.route()
        stroker = QPainterPathStroker()
        stroker.setWidth(theme.ACTIVE_EDGE_WIDTH)  # as wide as a line is ever drawn
        lines = [item.mapToScene(stroker.createStroke(route.path))]
        if item.backward.isVisible():
            lines.append(stroker.createStroke(item.backward.path()))
        ends = [view.node_items()[n] for n in edge[:2]]
        own = {id(label) for part in (item, *ends) for label in part.labels()}
        for label in view.text_labels():
            text = label.mapRectToScene(label.text_rect())
            if id(label) not in own and any(line.intersects(text) for line in lines):
                crossed.append((label.text(), edge))
    return crossed


def clipped_labels(root: QWidget) -> list[tuple[str, str, int, int]]:
    """Visible labels whose one-line text is wider than the label (it would be cut or elided)."""
    clipped = []
    for label in visible_widgets(root):
        if not isinstance(label, QLabel) or label.wordWrap() or not label.text() or label.textFormat() == 1:
            continue
        text = label.text().replace("&", "") if label.buddy() is not None else label.text()
        widest = max(QFontMetrics(label.font()).horizontalAdvance(line) for line in text.split("\n"))
        room = label.contentsRect().width() - 2 * label.margin() - 2 * label.indent() * (label.indent() > 0)
        if widest > room + 1:
            clipped.append((label.objectName() or "QLabel", text[:40], widest, room))
    return clipped


def _shown_width(widget: QWidget) -> int:
    """How much of the widget's width its parents leave in view (scrolled up or down or not)."""
    left, right, x = 0, widget.width(), 0
    while widget.parentWidget() is not None and not widget.isWindow():
        x += widget.x()
        widget = widget.parentWidget()
        left, right = max(left, -x), min(right, widget.width() - x)
    return max(0, right - left)


def clipped_buttons(root: QWidget) -> list[tuple[str, str, int, int]]:
    """Visible check boxes, radio buttons and push buttons whose text is wider than the room beside
    their indicator, icon and margins, or than the part of them their parents let show."""
    clipped = []
    for button in visible_widgets(root):
        if not isinstance(button, (QCheckBox, QRadioButton, QPushButton)) or not button.text():
            continue
        style, metric = button.style(), QStyle.PixelMetric
        room = button.contentsRect().width()
        if isinstance(button, QPushButton):
            room -= 2 * (style.pixelMetric(metric.PM_ButtonMargin, None, button) // 2
                         + style.pixelMetric(metric.PM_DefaultFrameWidth, None, button))
        elif isinstance(button, QCheckBox):
            room -= style.pixelMetric(metric.PM_IndicatorWidth, None, button) + \
                style.pixelMetric(metric.PM_CheckBoxLabelSpacing, None, button)
        else:
            room -= style.pixelMetric(metric.PM_ExclusiveIndicatorWidth, None, button) + \
                style.pixelMetric(metric.PM_RadioButtonLabelSpacing, None, button)
        if not button.icon().isNull():
            room -= button.iconSize().width() + 4  # Qt leaves 4 px between icon and text
        room -= button.width() - _shown_width(button)  # a parent (a scroll area) cuts it off
        text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        widest = max(QFontMetrics(button.font()).horizontalAdvance(line) for line in text.split("\n"))
        if widest > room + 1:
            clipped.append((button.objectName() or type(button).__name__, text[:40], widest, room))
    return clipped


def _scenario(name: str) -> dict:
    """Open the window, present `name` ('lecture' or 'deep-sigmoid') at a mid-backward step, measure."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    window = MainWindow()
    window.show()
    wait(100)
    opened = window.frameGeometry().getRect()
    page = window.graph_page
    if name == "lecture":
        page.load_preset("lecture")
    else:
        window.lessons.open_lesson(name)
    window.presentation.set_presenting(True)
    wait(300)
    results = {"screen": window.screen().geometry().getRect(), "window": window.geometry().getRect(),
               "opened": opened}
    for step in (0, page.player.count * 2 // 3, page.player.count):
        page.player.go_to(step)
        wait(50)
        while page.view.gliding():
            wait(50)
        results[f"widgets@{step}"] = widget_text_sizes(window)
        results[f"icons@{step}"] = icon_sizes(window)
        results[f"scene@{step}"] = scene_text_sizes(page.view)
        results[f"overlaps@{step}"] = overlapping_labels(page.view) + labels_on_other_lines(page.view)
        active = page.view.active_rect()
        results[f"active_shown@{step}"] = active is None or page.view.visible_rect().contains(active)
    results["stage"] = [page.view.height(), page.caption.height(), page.playback.height()]
    results["zoom"] = page.view.zoom()
    results["fits"] = page.view.fits()
    results["overview"] = page.view.overview.isVisible()
    results["drawing"] = page.view.drawing_rect().getRect()
    results["viewport"] = page.view.viewport().rect().getRect()
    window.presentation.set_presenting(False)
    window.close()
    app.processEvents()
    return results


if __name__ == "__main__":
    print(json.dumps({name: _scenario(name) for name in sys.argv[1:]}))
