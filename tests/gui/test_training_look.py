"""The look is a value both pages take: in the dark theme the Training page is dark, and readable."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QAbstractSpinBox, QComboBox, QGroupBox, QLabel, QTableWidget, QWidget,
)

from gui import theme
from gui.training.card import VariantCard
from tests.gui.windows import close_window, open_window


@pytest.fixture
def window(qtbot):
    main_window = open_window(qtbot, 1600, 1000)
    main_window.install_training_page()
    yield main_window
    close_window(main_window)


def background_behind(widget: QWidget):
    """The colour a widget's text is drawn on: the nearest widget that paints its background."""
    current = widget
    while current is not None:
        if current.autoFillBackground() or "background" in current.styleSheet() or current.isWindow():
            return current.palette().color(current.backgroundRole())
        current = current.parentWidget()
    raise AssertionError(f"nothing paints behind {widget.objectName()}")


def text_pairs(page: QWidget):
    """(what, text colour, background colour) for every enabled, visible piece of text."""
    pairs = []
    for widget in page.findChildren(QWidget):
        if not widget.isVisibleTo(page) or not widget.isEnabled():
            continue
        widget.ensurePolished()
        palette = widget.palette()
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel) and widget.text().strip():
            pairs.append((name, palette.color(widget.foregroundRole()), background_behind(widget)))
        elif isinstance(widget, QAbstractButton) and widget.text().strip():
            if widget.inherits("QPushButton"):
                pairs.append((name, palette.color(QPalette.ColorRole.ButtonText),
                              palette.color(QPalette.ColorRole.Button)))
            else:  # check boxes: their text sits on whatever is behind them
                pairs.append((name, palette.color(QPalette.ColorRole.WindowText), background_behind(widget)))
        elif isinstance(widget, (QAbstractSpinBox, QComboBox)):
            pairs.append((name, palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)))
        elif isinstance(widget, QGroupBox):
            pairs.append((name, palette.color(QPalette.ColorRole.WindowText), background_behind(widget)))
    return pairs


def switch_to(qtbot, window, name: str) -> theme.Look:
    """Choose a theme from the View menu; the palette reaches the widgets through the event loop."""
    window.findChild(QAction, f"theme_{name}").trigger()
    role, page = QPalette.ColorRole.Window, window.training_page
    qtbot.waitUntil(lambda: page.palette().color(role) == QApplication.palette().color(role))
    return theme.LOOKS[name]


def test_the_dark_theme_makes_the_training_page_dark_and_its_text_readable(qtbot, window):
    page = window.training_page
    look = switch_to(qtbot, window, "dark")
    assert page.look is look
    assert page.palette().color(QPalette.ColorRole.Window).name().upper() == look.window.upper()

    plots = page.findChildren(pg.PlotWidget)
    assert len(plots) == 4 + 2  # four cards, the overlay, the data view
    for plot in plots:
        assert plot.backgroundBrush().color().name().upper() == look.background.upper()
        for side in ("left", "bottom"):
            axis = plot.getPlotItem().getAxis(side)
            assert axis.pen().color().name().upper() == look.ink.upper()
            assert axis.textPen().color().name().upper() == look.ink.upper()
    assert theme.contrast_ratio(look.ink, look.background) >= 4.5

    table = page.findChild(QTableWidget, "resultsTable")
    assert table.palette().color(QPalette.ColorRole.Base).name().upper() == look.base.upper()
    assert table.palette().color(QPalette.ColorRole.Text).name().upper() == look.ink.upper()
    for card in page.findChildren(VariantCard):
        card.ensurePolished()
        assert card.palette().color(QPalette.ColorRole.Window).name().upper() == look.background.upper()

    pairs = text_pairs(page)
    assert len(pairs) > 40  # titles, descriptions, badges, numbers, settings, buttons, ...
    poor = [(name, fg.name(), bg.name(), round(theme.contrast_ratio(fg, bg), 2))
            for name, fg, bg in pairs if theme.contrast_ratio(fg, bg) < 4.5]
    assert poor == [], poor
    assert max(bg.lightness() for _, _, bg in pairs) < 128  # every text sits on a dark ground


@pytest.mark.parametrize("look_name", ["light", "projector"])
def test_the_other_looks_keep_the_training_text_readable(qtbot, window, look_name):
    page = window.training_page
    look = switch_to(qtbot, window, look_name)
    for plot in page.findChildren(pg.PlotWidget):
        assert plot.backgroundBrush().color().name().upper() == look.background.upper()
    poor = [(name, fg.name(), bg.name()) for name, fg, bg in text_pairs(page)
            if theme.contrast_ratio(fg, bg) < 4.5]
    assert poor == []
