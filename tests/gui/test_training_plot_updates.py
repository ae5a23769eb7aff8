"""The predictions scatter renders its dot once per variant, then moves the dots (positions only)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from unittest import mock

import numpy as np
import pyqtgraph.graphicsItems.ScatterPlotItem as scatter_module
from PySide6.QtGui import QColor

from core.training import registry
from gui.theme import variant_colour
from gui.training.data_view import DataView


def dot_colour(view: DataView) -> QColor:
    """The fill the dots are drawn with (their own, else the scatter's default)."""
    own = [brush for brush in view.points.data["brush"] if brush is not None]
    return (own[0] if own else view.points.opts["brush"]).color()


def test_predictions_move_the_dots_without_rendering_them_again(qtbot):
    view = DataView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    first, second = (info.name for info in registry.variants()[:2])
    targets = np.linspace(-1.0, 2.0, 120)
    view.reset(list(targets), (first, second))
    rendered = []
    original = scatter_module.renderSymbol
    with mock.patch.object(scatter_module, "renderSymbol",
                           side_effect=lambda *a, **k: rendered.append(1) or original(*a, **k)):
        for epoch in range(15):
            predicted = targets * (1 + epoch / 10)
            view.set_predictions(epoch, {first: list(predicted), second: list(predicted - 1)})
            view.redraw()
            view.plot.repaint()
            x, y = view.points.getData()
            assert np.array_equal(x, targets) and np.array_equal(y, predicted)
        assert len(rendered) <= 1  # once for the variant's dot, not once per update
        expected = QColor(variant_colour(registry.index(first)))
        expected.setAlpha(150)
        assert dot_colour(view) == expected
        view.variant.setCurrentIndex(view.variant.findData(second))  # another variant: its colour
        x, y = view.points.getData()
        assert np.array_equal(y, targets * 2.4 - 1)
        expected = QColor(variant_colour(registry.index(second)))
        expected.setAlpha(150)
        assert dot_colour(view) == expected
        view.mode.setCurrentIndex(view.mode.findData("residuals"))
        assert np.allclose(view.points.getData()[1], targets * 1.4 - 1)
        assert len(rendered) <= 2
