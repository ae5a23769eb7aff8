"""The dark (and every other) look on both pages: disabled icons that still show, an overview map
whose frame and nodes stand out (WCAG 1.4.11: 3:1 for graphics), computed from the pixels drawn."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QIcon, QPalette

from gui import theme
from gui.graph.overview import frame_colour
from tests.gui.test_readability import BIG_FORMULA, _settle, _training_page
from tests.gui.windows import close_window, open_window

LOOKS = ("light", "dark", "projector")


def _strongest_contrast(image, background: QColor, rect=None) -> float:
    """The highest contrast against `background` of any opaque pixel of `image` (inside `rect`)."""
    rect = rect or image.rect()
    best = 1.0
    for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1)):
        for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1)):
            colour = image.pixelColor(x, y)
            if colour.alpha() >= 200:
                best = max(best, theme.contrast_ratio(colour, background))
    return best


def _disabled_icon_contrast(button) -> float:
    side = button.iconSize().height()
    image = button.icon().pixmap(side, side, QIcon.Mode.Disabled).toImage()
    return _strongest_contrast(image, button.palette().color(QPalette.ColorRole.Window))


@pytest.mark.parametrize("look", LOOKS)
def test_disabled_playback_and_training_icons_show_at_3_to_1_yet_read_as_disabled(qtbot, look):
    window = open_window(qtbot, 1600, 1000)
    try:
        training = _training_page(qtbot, window)
        window.appearance.set_theme(look)
        page = window.graph_page
        page.load_preset("lecture")
        bar, controls = page.playback, training.controls
        for move, shown, disabled in ((page.player.to_start, False, [bar.reset_button, bar.back_button]),
                                      (page.player.to_end, False, [bar.forward_button, bar.end_button]),
                                      (page.player.to_start, True, [controls.pause_button, controls.stop_button])):
            move()
            _settle(qtbot, window, shown)
            _check_disabled_icons(disabled)
    finally:
        window.appearance.set_theme("light")
        qtbot.wait(50)
        close_window(window)


def _check_disabled_icons(buttons) -> None:
    for button in buttons:
        assert not button.isEnabled()
        palette = button.palette()
        window_colour = palette.color(QPalette.ColorRole.Window)
        enabled_text = theme.contrast_ratio(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText),
                                            window_colour)
        shown = _disabled_icon_contrast(button)
        assert shown >= theme.MIN_GRAPHIC_CONTRAST, (button.objectName(), shown)
        assert shown < enabled_text / 1.5, (button.objectName(), shown, enabled_text)  # still greyed


@pytest.mark.parametrize("look", LOOKS)
def test_the_overview_map_of_a_big_graph_shows_every_node_and_its_frame_at_3_to_1(qtbot, look):
    window = open_window(qtbot, 1280, 800)
    try:
        window.appearance.set_theme(look)
        page = window.graph_page
        assert page.load_source(BIG_FORMULA)
        page.player.go_to(page.player.count // 2)
        view = page.view
        qtbot.waitUntil(lambda: view.overview.isVisible() and not view.gliding(), timeout=5000)
        qtbot.wait(50)
        background = QColor(theme.current_look.background)
        assert theme.contrast_ratio(frame_colour(background), background) >= theme.MIN_GRAPHIC_CONTRAST
        overview = view.overview
        image = overview.map_image()
        weak = []
        for node, item in view.node_items().items():
            box = item.sceneBoundingRect()
            corner, far = overview.to_map(box.topLeft()), overview.to_map(box.bottomRight())
            rect = QRectF(corner, far).toAlignedRect().adjusted(-1, -1, 1, 1)
            contrast = _strongest_contrast(image, background, rect)
            if contrast < theme.MIN_GRAPHIC_CONTRAST:
                weak.append((node, round(contrast, 2)))
        assert weak == [], weak
    finally:
        window.appearance.set_theme("light")
        qtbot.wait(50)
        close_window(window)


@pytest.mark.parametrize("look", LOOKS)
def test_the_lab_plot_takes_the_look_with_readable_axes_and_curve(qtbot, look):
    window = open_window(qtbot, 1600, 1000)
    try:
        window.appearance.set_theme(look)
        window.lab_action.setChecked(True)
        qtbot.waitUntil(window.lab_panel.isVisible)
        chosen = theme.current_look
        fd = window.lab_panel.fd
        background = fd.plot.backgroundBrush().color()
        assert background == QColor(chosen.background)
        axis = fd.plot.getPlotItem().getAxis("bottom")
        assert theme.contrast_ratio(axis.textPen().color(), background) >= theme.MIN_TEXT_CONTRAST
        for pen in (fd.curve.opts["pen"], fd.marker.pen):
            assert theme.contrast_ratio(pg.mkPen(pen).color(), background) >= theme.MIN_GRAPHIC_CONTRAST
    finally:
        window.lab_action.setChecked(False)
        window.appearance.set_theme("light")
        qtbot.wait(50)
        close_window(window)
