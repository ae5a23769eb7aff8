"""The learning-rate sweep: final training MSE against learning rate, on log–log axes.

Each point is marked ok / diverged / dead by colour AND symbol; the rates below the full-batch
stability bound 2/λmax are shaded and the bound is a vertical line. Clicking a point asks the
page to load that learning rate and train with it. The sweep itself runs in the training process.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.formatting import fmt
from core.training.sweep import DEFAULT_LR_FROM, DEFAULT_LR_TO, DEFAULT_STEPS
from gui.theme import Look
from gui.training import theme

# status -> (title, symbol, colour): never colour alone (the symbol says it too)
MARKS = {
    "ok": ("ok", "o", "#0072B2"),
    "diverged": ("diverged", "t1", "#B34700"),
    "dead": ("dead", "x", "#8E3B6E"),
}
SYMBOL_SIZE = 14
CLIP_ABOVE = 10.0  # a diverged run's inf is drawn this many times above the largest finite loss
STABLE_BRUSH = QColor(0, 158, 115, 40)


class SweepView(QWidget):
    """The sweep button (sweepButton), the plot (sweepPlot) and a one-line summary."""

    run_requested = Signal()  # the user pressed the sweep button
    lr_chosen = Signal(float)  # the learning rate of the point the user clicked

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sweepView")
        self.runs: list[dict] = []
        self.bound: float | None = None
        self.button = QPushButton("Sweep learning rates")
        self.button.setObjectName("sweepButton")
        self.button.setToolTip(f"Train from the same start at {DEFAULT_STEPS} learning rates from "
                               f"{fmt(DEFAULT_LR_FROM)} to {fmt(DEFAULT_LR_TO)} (log-spaced) and "
                               "plot each one's final training MSE")
        self.button.clicked.connect(self.run_requested)
        self.summary = QLabel("Press the button: each learning rate trains in the training "
                              "process, and its point appears when it ends. Click a point to train "
                              "with that rate.")
        self.summary.setObjectName("sweepSummary")
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.font(theme.PAGE_POINT_SIZE - 1))
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("sweepPlot")
        self.plot.setAccessibleName("Final training MSE against learning rate, log–log")
        theme.style_plot(self.plot, theme.DEFAULT_LOOK, "final train MSE", "learning rate")
        item = self.plot.getPlotItem()
        item.setLogMode(x=True, y=True)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        # Positions of these two are in log10 units: the axes are logarithmic.
        self.stable = pg.LinearRegionItem(orientation="vertical", movable=False,
                                          brush=pg.mkBrush(STABLE_BRUSH), pen=pg.mkPen(None))
        self.stable.setZValue(-10)
        self.stable.hide()
        self.plot.addItem(self.stable, ignoreBounds=True)
        self.bound_line = pg.InfiniteLine(angle=90, movable=False,
                                          pen=theme.optimum_pen(theme.DEFAULT_LOOK),
                                          label="2/λmax", labelOpts={"position": 0.9})
        self.bound_line.hide()
        self.plot.addItem(self.bound_line, ignoreBounds=True)
        self.marks = {}
        legend = self.plot.addLegend(offset=(-10, 10))
        for status, (title, symbol, colour) in MARKS.items():
            mark = self.plot.plot([], [], pen=None, symbol=symbol, symbolSize=SYMBOL_SIZE,
                                  symbolBrush=pg.mkBrush(colour), symbolPen=pg.mkPen(colour),
                                  name=title)
            mark.sigPointsClicked.connect(self._clicked)
            self.marks[status] = mark
        legend.setZValue(20)
        top = QHBoxLayout()
        top.addWidget(self.button)
        top.addWidget(self.summary, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.plot, 1)

    def apply_look(self, look: Look) -> None:
        """Axes, the bound's line and the summary in the look's colours."""
        theme.style_plot(self.plot, look)
        self.bound_line.setPen(theme.optimum_pen(look))
        self.summary.setStyleSheet(f"color: {look.ink};")

    def reset(self) -> None:
        """A new sweep: no points yet."""
        self.runs, self.bound = [], None
        for mark in self.marks.values():
            mark.setData([], [])
        self.stable.hide()
        self.bound_line.hide()
        self.summary.setText("Sweeping… each point appears when its learning rate has trained.")

    def add_run(self, run: dict) -> None:
        """One learning rate finished: {lr, status, final_train_mse}."""
        self.runs.append(run)
        self._redraw()
        self.summary.setText(f"Sweeping… {len(self.runs)} learning rates trained "
                             f"(last: {fmt(run['lr'])}, {run['status']}).")

    def finish(self, result: dict) -> None:
        """The sweep ended: all its runs and the stability bound."""
        self.runs = list(result["runs"])
        self.bound = result["lr_stability_bound"]
        self._redraw()
        counts = {status: sum(r["status"] == status for r in self.runs) for status in MARKS}
        told = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        self.summary.setText(
            f"{len(self.runs)} learning rates: {told or 'none'}"
            f"{' (stopped early)' if result.get('stopped_early') else ''}. Shaded: below "
            f"2/λmax = {fmt(self.bound, 3)}, where full-batch gradient descent on the MSE without "
            "ReLU converges. Click a point to train with its learning rate.")

    def points(self, status: str) -> tuple[np.ndarray, np.ndarray]:
        """The (lr, loss) points drawn for `status`, in data units (tests read them)."""
        x, y = self.marks[status].getOriginalDataset()
        return (np.asarray([] if x is None else x), np.asarray([] if y is None else y))

    def _redraw(self) -> None:
        finite = [r["final_train_mse"] for r in self.runs
                  if isinstance(r["final_train_mse"], float) and math.isfinite(r["final_train_mse"])
                  and r["final_train_mse"] > 0]
        ceiling = max(finite, default=1.0) * CLIP_ABOVE
        for status, mark in self.marks.items():
            chosen = [r for r in self.runs if r["status"] == status]
            xs = [r["lr"] for r in chosen]
            ys = [_plottable(r["final_train_mse"], ceiling) for r in chosen]
            mark.setData(xs, ys, data=xs)
        if self.bound is not None and self.runs:
            low = math.log10(min(r["lr"] for r in self.runs))
            self.stable.setRegion((min(low, math.log10(self.bound)), math.log10(self.bound)))
            self.bound_line.setPos(math.log10(self.bound))
            self.stable.show()
            self.bound_line.show()

    def _clicked(self, item, points, *_) -> None:
        if len(points):
            self.lr_chosen.emit(float(points[0].data()))


def _plottable(value, ceiling: float) -> float:
    """A loss a log axis can show: inf, nan (or a string from JSON) is drawn at the ceiling."""
    if isinstance(value, (int, float)) and math.isfinite(value) and value > 0:
        return min(float(value), ceiling)
    return ceiling
