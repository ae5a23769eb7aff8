"""At 1× and 3× text: no button or label text is cut on either page; the Training page's plot
axes, Pause/Resume button and dataset label follow the text size."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontInfo

from tests.gui.readability_probe import clipped_buttons, clipped_labels
from tests.gui.test_readability import _settle, _training_page
from tests.gui.windows import close_window, open_window


def _axis_pixels(plot) -> tuple[int, float]:
    """(tick font pixel size, height of the axis name's text as drawn) of a plot's bottom axis."""
    axis = plot.getPlotItem().getAxis("bottom")
    name = axis.label.boundingRect().height() - 2 * axis.label.document().documentMargin()
    return QFontInfo(axis.style["tickFont"]).pixelSize(), name


def test_at_1x_and_3x_no_text_is_cut_and_the_training_page_follows_the_text_size(qtbot):
    window = open_window(qtbot, 1920, 1080)
    try:
        training = _training_page(qtbot, window)
        plots = [card.plot for card in training.cards.values()] + [training.overlay.plot, training.data_view.plot]
        axes, heights = {}, {}
        for scale in (1.0, 3.0):
            window.appearance.set_scale(scale)
            for training_shown in (False, True):
                _settle(qtbot, window, training_shown)
                assert clipped_buttons(window) == [], (scale, training_shown)
                assert clipped_labels(window) == [], (scale, training_shown)
            controls = training.controls
            controls.show_paused(True)  # "Resume" is the longer word: it fits too
            qtbot.wait(50)
            assert clipped_buttons(controls) == [] and controls.pause_button.text() == "Resume"
            # Wide enough for either word however the row is squeezed: the button never clips or jumps.
            assert controls.pause_button.minimumWidth() >= controls.pause_button.sizeHint().width()
            controls.show_paused(False)
            # The dataset's description wraps inside the settings column, which does not scroll sideways.
            side, label = training.side, training.settings.dataset_label
            right = label.mapTo(side.viewport(), QPoint(label.width(), 0)).x()
            assert training.settings.width() <= side.viewport().width() and right <= side.viewport().width()
            assert label.wordWrap() and label.height() >= label.heightForWidth(label.width())
            axes[scale] = [_axis_pixels(plot) for plot in plots]
            heights[scale] = [plot.minimumHeight() for plot in plots]
        for (ticks_1x, name_1x), (ticks_3x, name_3x) in zip(axes[1.0], axes[3.0]):
            assert ticks_3x >= 3 * ticks_1x - 1 and name_3x >= 2.5 * name_1x, axes
        # Taller plots for taller ticks: a card's curve keeps room for its axis text.
        assert all(tall >= 3 * short for short, tall in zip(heights[1.0], heights[3.0])), heights
    finally:
        window.appearance.set_scale(1.0)  # the hidden graph view starts no timer for it
        close_window(window)
