"""All four loss curves on one plot, the least-squares optimum, and how far apart the curves are."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.formatting import fmt
from core.training import VARIANT_NAMES
from gui import training_theme as theme
from gui.variant_card import place_optimum

IDENTICAL_BELOW = 1e-5  # a relative difference this small is float32 rounding, not a difference


class LossOverlay(QWidget):
    """The overlay plot (objectName overlayPlot) with a readout of the largest difference."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lossOverlay")
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("overlayPlot")
        self.plot.setAccessibleName("All variants' loss per epoch, with the least-squares optimum")
        theme.style_plot(self.plot, "train MSE")
        self.curves = {}
        # Widest first, so each narrower stripe lies on top of the wider ones.
        for name in sorted(VARIANT_NAMES, key=lambda n: -theme.OVERLAY_WIDTHS[n]):
            curve = self.plot.plot(pen=theme.variant_pen(name, theme.OVERLAY_WIDTHS[name]),
                                   name=theme.VARIANT_TITLES[name])
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.curves[name] = curve
        self.optimum = pg.InfiniteLine(angle=0, movable=False, pen=theme.optimum_pen())
        self.optimum.setZValue(10)  # over the curves: they converge onto it
        self.plot.addItem(self.optimum, ignoreBounds=True)
        self._optimum_value: float | None = None
        place_optimum(self.optimum, None, False)

        self.readout = QLabel()
        self.readout.setObjectName("differenceReadout")
        self.readout.setAccessibleName("Largest difference between variants")
        self.readout.setFont(theme.font(theme.NUMBER_POINT_SIZE - 1, bold=True))
        self.readout.setWordWrap(True)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        # The legend is a line of text above the plot: it never covers a curve.
        self.legend = QLabel(legend_html())
        self.legend.setObjectName("overlayLegend")
        self.legend.setFont(theme.font(theme.PAGE_POINT_SIZE))
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setObjectName("logScale_overlay")
        self.log_scale.toggled.connect(self._log_scale_toggled)
        keys = QHBoxLayout()
        keys.addWidget(self.legend, 1)
        keys.addWidget(self.log_scale)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.readout)
        column.addLayout(keys)
        column.addWidget(self.plot, 1)
        self.show_difference(None)

    def reset(self) -> None:
        """Empty every curve and hide the optimum, for a new run."""
        for curve in self.curves.values():
            curve.setData(np.empty(0), np.empty(0))
        self.set_optimum(None)
        self.show_difference(None)

    def show_curve(self, name: str, epochs: np.ndarray, losses: np.ndarray) -> None:
        """Hand one variant's curve its data (called by the page's one plot timer)."""
        self.curves[name].setData(epochs, losses)

    def set_optimum(self, train_mse: float | None) -> None:
        """Draw the closed-form optimum's loss (None hides it)."""
        self._optimum_value = train_mse
        place_optimum(self.optimum, train_mse, self.log_scale.isChecked())

    def _log_scale_toggled(self, on: bool) -> None:
        self.plot.setLogMode(False, on)
        place_optimum(self.optimum, self._optimum_value, on)

    def show_difference(self, difference: float | None, relative: float = 0.0,
                        variants: int = 4) -> None:
        """The live readout: the largest loss difference between any two variants so far."""
        if difference is None:
            text = "largest difference between variants: – (press Start)"
        elif variants < 2:
            text = "largest difference between variants: – (only one variant runs)"
        elif math.isinf(difference):
            text = "largest difference between variants: inf (a loss overflowed)"
        elif relative < IDENTICAL_BELOW:
            text = (f"largest difference between variants: {fmt(difference, 3)}"
                    " — the same up to float32 rounding")
        else:
            text = (f"largest difference between variants: {fmt(difference, 4)}"
                    f" ({fmt(100 * relative, 3)} % of the loss)")
        self.readout.setText(text)


def legend_html() -> str:
    """A key to the nested stripes: each variant's colour at its overlay width, then the optimum."""
    keys = []
    for name in VARIANT_NAMES:
        height = max(3, round(theme.OVERLAY_WIDTHS[name]))
        swatch = (f"<span style='background:{theme.VARIANT_COLORS[name]}; font-size:{height}px'>"
                  "&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;</span>")
        keys.append(f"{swatch}&nbsp;{theme.VARIANT_TITLES[name]}")
    keys.append(f"<span style='color:{theme.OPTIMUM_COLOR}'><b>– – –</b></span>&nbsp;least squares")
    return " &nbsp; ".join(keys)
