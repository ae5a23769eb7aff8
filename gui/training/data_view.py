"""Predictions against targets (or residuals) on a sample of training rows, as training goes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.training import registry
from gui.theme import Look, variant_colour
from gui.training import theme
from gui.widgets.plot_range import data_span

MODES = [("predictions", "predictions vs targets"), ("residuals", "residuals")]
POINT_SIZE = 7


class DataView(QWidget):
    """A scatter of one variant's predictions; the line marks a perfect prediction."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dataViewPanel")
        self.mode = QComboBox()
        self.mode.setObjectName("dataViewMode")
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setToolTip("Residual: prediction − target, for each training row")
        self.variant = QComboBox()
        self.variant.setObjectName("dataViewVariant")
        for info in registry.variants():
            self.variant.addItem(info.title, info.name)
        self.caption = QLabel()
        self.caption.setObjectName("dataViewCaption")
        self.caption.setFont(theme.font(theme.PAGE_POINT_SIZE))
        self.caption.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("dataView")
        self.plot.setAccessibleName("Predictions against targets")
        self.look = theme.DEFAULT_LOOK
        theme.style_plot(self.plot, self.look, "prediction", "target")
        view = self.plot.getPlotItem().getViewBox()
        view.disableAutoRange()  # ranges move only when the dots leave them: see _fit
        view.setMouseEnabled(x=False, y=False)
        self._ranges: tuple | None = None  # (x range, y range) shown now
        self.points = pg.ScatterPlotItem(size=POINT_SIZE, pen=None)
        self.plot.addItem(self.points)
        self.perfect = pg.InfiniteLine(pos=(0, 0), angle=45, movable=False,
                                       pen=theme.optimum_pen(self.look))
        self.plot.addItem(self.perfect, ignoreBounds=True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.mode)
        top.addWidget(QLabel("of"))
        top.addWidget(self.variant)
        top.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(top)
        column.addWidget(self.caption)
        column.addWidget(self.plot, 1)
        self.targets = np.empty(0)
        self.predictions: dict[str, np.ndarray] = {}
        self.epoch = 0
        self._residuals: bool | None = None  # what the axes are labelled for now
        self._brushes: dict[str, QBrush] = {}  # variant name -> its dots' fill
        self._dots_of: str | None = None  # whose fill the dots have now
        self.mode.currentIndexChanged.connect(self.redraw)
        self.variant.currentIndexChanged.connect(self.redraw)
        self.redraw()

    def apply_look(self, look: Look) -> None:
        """Colour the plot, its diagonal and the caption for `look`."""
        self.look = look
        theme.style_plot(self.plot, look)
        self.perfect.setPen(theme.optimum_pen(look))
        self.caption.setStyleSheet(f"color: {look.ink};")

    def reset(self, targets: list[float] | None = None, variants: tuple[str, ...] = ()) -> None:
        """A new run: the sample rows' targets, and which variants will send predictions."""
        self.targets = np.asarray(targets if targets is not None else [], dtype=float)
        self.predictions = {}
        self._ranges = None
        self.epoch = 0
        if variants and self.variant.currentData() not in variants:
            self.variant.setCurrentIndex(self.variant.findData(variants[0]))
        self.redraw()

    def set_predictions(self, epoch: int, predictions: dict[str, list[float]]) -> None:
        """Keep the newest predictions; the page's plot timer calls redraw()."""
        self.epoch = epoch
        self.predictions = {name: np.asarray(values, dtype=float)
                            for name, values in predictions.items()}

    def _fit(self, x: np.ndarray, y: np.ndarray, residuals: bool) -> None:
        """Set the axes only when the dots leave them (each change repaints the axes' text)."""
        if not len(x):
            return
        x_range = data_span(float(x.min()), float(x.max()), self._ranges and self._ranges[0])
        if residuals:  # symmetric around 0, where a perfect prediction sits
            reach = float(np.abs(y).max()) or 1.0
            y_range = data_span(-reach, reach, self._ranges and self._ranges[1])
        else:  # the targets' range too, so the dashed diagonal runs corner to corner
            y_range = data_span(min(float(y.min()), x_range[0]), max(float(y.max()), x_range[1]),
                                self._ranges and self._ranges[1])
        if (x_range, y_range) != self._ranges:
            self._ranges = (x_range, y_range)
            self.plot.getPlotItem().getViewBox().setRange(xRange=x_range, yRange=y_range,
                                                          padding=0)

    def _brush(self, name: str) -> QBrush:
        """The variant's dot fill, made once (the scatter renders its dot once per fill object)."""
        if name not in self._brushes:
            color = QColor(variant_colour(registry.index(name)))
            color.setAlpha(150)
            self._brushes[name] = pg.mkBrush(color)
        return self._brushes[name]

    def redraw(self) -> None:
        """Draw the chosen variant's predictions (or residuals) against the targets."""
        name = self.variant.currentData()
        residuals = self.mode.currentData() == "residuals"
        if residuals != self._residuals:
            # another kind of picture: its label, its reference line, its ranges afresh
            self._residuals, self._ranges = residuals, None
            self.plot.getPlotItem().setLabel(
                "left", "residual" if residuals else "prediction",
                color=self.look.ink, **{"font-size": f"{theme.AXIS_POINT_SIZE}pt"})
            self.perfect.setAngle(0 if residuals else 45)
        predicted = self.predictions.get(name)
        if predicted is None or len(predicted) != len(self.targets) or not len(predicted):
            self.points.setData([], [])
            self.caption.setText("Press Start: each dot will be one training row." if
                                 not len(self.targets) else f"{registry.info(name).title} "
                                 "does not run in this training.")
            return
        shown = np.isfinite(predicted)
        y = predicted - self.targets if residuals else predicted
        self._fit(self.targets[shown], y[shown], residuals)
        if name != self._dots_of:  # the fill is the scatter's default: set once per variant, not per update
            self._dots_of = name
            self.points.setBrush(self._brush(name))
        self.points.setData(self.targets[shown], y[shown])  # positions only: the dots are rendered once
        self.caption.setText(f"{registry.info(name).title}, after epoch {self.epoch}: "
                             f"{int(shown.sum())} training rows"
                             + ("; on the dashed line a prediction is perfect" if not residuals
                                else "; on the dashed line the residual is 0"))
