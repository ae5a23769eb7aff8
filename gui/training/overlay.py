"""Every variant's loss curve on one plot, the least-squares optimum, and how far apart the curves are."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.formatting import fmt
from core.training import registry
from core.training.request import DEFAULT_EPOCHS
from gui.theme import Look
from gui.training import theme
from gui.widgets.plot_range import RangeKeeper
from gui.widgets.loss_axes import OptimumAndLogScale, place_optimum

IDENTICAL_BELOW = 1e-5  # a relative difference this small is float32 rounding, not a difference


class LossOverlay(OptimumAndLogScale, QWidget):
    """The overlay plot (objectName overlayPlot) with a readout of the largest difference."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lossOverlay")
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("overlayPlot")
        self.plot.setAccessibleName("All variants' loss per epoch, with the least-squares optimum")
        theme.style_plot(self.plot, theme.DEFAULT_LOOK, "train MSE", "epoch")
        self.ranges = RangeKeeper(self.plot)
        self.ranges.reset(DEFAULT_EPOCHS)
        self._extent = (0, DEFAULT_EPOCHS, math.inf, -math.inf)  # epochs done, epochs asked, lowest, highest
        self.curves = {}
        # Widest (first) first, so each narrower stripe lies on top of the wider ones.
        variants = registry.variants()
        for index, info in enumerate(variants):
            width = theme.overlay_width(index, len(variants))
            curve = self.plot.plot(pen=theme.variant_pen(index, width), name=info.title)
            curve.setClipToView(True)
            curve.curve.setSegmentedLineMode("on")  # wide pens, drawn as segments: cheap
            curve.setDownsampling(auto=True, method="peak")
            self.curves[info.name] = curve
        self.optimum = pg.InfiniteLine(angle=0, movable=False,
                                       pen=theme.optimum_pen(theme.DEFAULT_LOOK))
        self.optimum.setZValue(10)  # over the curves: they converge onto it
        self.plot.addItem(self.optimum, ignoreBounds=True)
        self._optimum_value: float | None = None
        place_optimum(self.optimum, None, False)

        self.readout = QLabel()
        self.readout.setObjectName("differenceReadout")
        self.readout.setAccessibleName("Largest difference between variants")
        self.readout.setFont(theme.font(theme.NUMBER_POINT_SIZE - 1, bold=True))
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setWordWrap(True)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.readout.setFixedHeight(2 * self.readout.fontMetrics().lineSpacing() + 2)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.readout_note = QLabel()  # what the number means: rounding, or a real difference
        self.readout_note.setObjectName("differenceNote")
        self.readout_note.setFont(theme.font(theme.PAGE_POINT_SIZE))
        self.readout_note.setTextFormat(Qt.TextFormat.PlainText)
        self.readout_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.readout_note.setWordWrap(True)
        self.readout_note.setFixedHeight(2 * self.readout_note.fontMetrics().lineSpacing() + 2)
        self.readout_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setObjectName("logScale_overlay")
        self.log_scale.toggled.connect(self._log_scale_toggled)
        # The key is a line of text above the plot: inside, it would hide a curve (a dead
        # ReLU's flat line runs right where a legend would sit).
        self.legend = QLabel()
        self.legend.setObjectName("overlayLegend")
        self.legend.setFont(theme.font(theme.PAGE_POINT_SIZE))
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.log_scale, 0, Qt.AlignmentFlag.AlignBottom)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.readout_note)
        column.addWidget(self.legend)
        column.addWidget(self.plot, 1)
        self._keyed = registry.default_names()  # the variants in the key: those the run draws
        self._look = theme.DEFAULT_LOOK
        self.show_difference(None)
        self.apply_look(theme.DEFAULT_LOOK)

    def apply_look(self, look: Look) -> None:
        """Colour the plot, the optimum's line and the key for `look`."""
        theme.style_plot(self.plot, look)
        self.optimum.setPen(theme.optimum_pen(look))
        self._look = look
        self.legend.setText(legend_html(look, self._keyed))
        for label in (self.readout, self.readout_note, self.legend):
            label.setStyleSheet(f"color: {look.ink};")

    def reset(self, epochs: int = DEFAULT_EPOCHS, variants: tuple[str, ...] | None = None) -> None:
        """Empty every curve and hide the optimum, for a new run of `epochs` of `variants`.

        The key lists only `variants` (None: those run by default), so it never names a curve not drawn.
        """
        self._keyed = tuple(variants) if variants is not None else registry.default_names()
        self.legend.setText(legend_html(self._look, self._keyed))
        for curve in self.curves.values():
            curve.setData(np.empty(0), np.empty(0))
        self.ranges.reset(epochs)
        self._extent = (0, epochs, math.inf, -math.inf)
        self.set_optimum(None)
        self.show_difference(None)

    def show_curve(self, name: str, epochs: np.ndarray, losses: np.ndarray) -> None:
        """Hand one variant's curve its data (called by the page's one plot timer)."""
        self.curves[name].setData(epochs, losses)

    def fit(self, count: int, total: int, low: float, high: float, may_rescale: bool = True
            ) -> bool:
        """Fit the axes to the curves: `count` of `total` epochs, losses in [low, high].

        Returns True if the axes changed (with `may_rescale` False a needed change waits).
        """
        self._extent = (count, total, low, high)
        return self.ranges.follow(count, total, low, high, self.log_scale.isChecked(),
                                  may_rescale)

    def show_difference(self, difference: float | None, relative: float = 0.0,
                        variants: int = 4) -> None:
        """The live readout: the largest loss difference between any two variants so far."""
        note = ""
        if difference is None:
            value, note = "–", "Press Start: the four curves are drawn on top of each other here."
        elif variants < 2:
            value, note = "–", "Only one variant runs: nothing to compare."
        elif math.isinf(difference):
            value, note = "inf", "A loss overflowed."
        elif relative < IDENTICAL_BELOW:
            value, note = fmt(difference, 3), "The same up to float32 rounding: one computation, four ways."
        else:
            value = fmt(difference, 4)
            note = f"{fmt(100 * relative, 3)} % of the loss: the variants really differ."
        self.readout.setText(f"largest difference between variants: {value}")
        self.readout.setToolTip(self.readout.text())
        self.readout_note.setText(note)
        self.readout_note.setToolTip(note)


def legend_html(look: Look, names: tuple[str, ...]) -> str:
    """The key: a square in the colour of each variant in `names` and its title, then the optimum's dashes."""
    keys = [f"<span style='color:{theme.variant_text_colour(index, look)}'>■</span>&nbsp;"
            f"{info.title.replace('-', '&#8209;')}" for index, info in enumerate(registry.variants())
            if info.name in names]
    keys.append("<b>-&nbsp;-</b>&nbsp;least&nbsp;squares")
    return " &nbsp; ".join(keys)
