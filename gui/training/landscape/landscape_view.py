"""The loss landscape: the training MSE over two parameters, the optimum, and every variant's path.

The grid comes from the training process (core.training.landscape, as plain data); this view only
draws it. Items are created once; a new grid is one setImage, a new epoch one setData per path,
called by the page's one ≤ 60 Hz plot timer.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.formatting import fmt
from core.training import registry
from core.training.history import TrainingHistory
from core.training.landscape import grid_values, pair_choices, pair_label, parameter_name
from gui.theme import Look
from gui.training import theme

# Filled contours: the colour steps in CONTOUR_LEVELS bands, evenly spaced in MSE (in log10(MSE)
# when the grid spans more than LOG_BANDS_ABOVE). One setImage; pyqtgraph's IsocurveItem traced
# ten lines in Python in ~290 ms (profiled), far too long for the event loop.
CONTOUR_LEVELS = 16
LOG_BANDS_ABOVE = 10.0
MAX_PATH_POINTS = 600  # a longer path is thinned evenly (first and last kept): wide lines are costly
PATH_WIDEST, PATH_NARROWEST = 7.0, 2.0  # nested stripes, as in the overlay: identical paths show all
COLOUR_MAP = "viridis"
RELU_NOTE = ("Computed through the ReLU, point by point: with it the MSE is no quadratic, so "
             "the one-matrix-product shortcut does not hold.")
LINEAR_NOTE = "Exact: without a ReLU the MSE is a quadratic in the parameters (one matrix product)."
IDLE_NOTE = "Press Start: the map of the loss appears with the first epoch."
COMPUTING_NOTE = "Computing the map of the loss {when}…"
UNAVAILABLE_NOTE = ("The map of this run's loss is no longer available: the training process that "
                    "trained it has ended. Press Start to train again.")


class LandscapeView(QWidget):
    """The landscape plot (objectName landscapePlot) with its pair chooser and a note."""

    pair_changed = Signal(int)  # index of the parameter pair now shown, into the grid's pairs

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("landscapeView")
        self.message: dict | None = None  # the last grids received (stage, pairs, …)
        self._computing: str | None = None  # while a grid is on its way: when it is taken
        self.starts: dict[str, list[float]] = {}  # each variant's start [w…, b]
        self.pairs: list[tuple[int, int]] = []  # the pairs the chooser offers (before any grid too)
        self.pair_combo = QComboBox()
        self.pair_combo.setObjectName("landscapePairCombo")
        self.pair_combo.setToolTip("Which two parameters the map shows; the others stay at the "
                                   "first variant's values (its start, then its end)")
        self.pair_combo.currentIndexChanged.connect(self._pair_chosen)
        self.note = QLabel(IDLE_NOTE)
        self.note.setObjectName("landscapeNote")
        self.note.setWordWrap(True)
        self.note.setFont(theme.font(theme.PAGE_POINT_SIZE - 1))
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("landscapePlot")
        self.plot.setAccessibleName("Training MSE over two parameters, with each variant's path")
        theme.style_plot(self.plot, theme.DEFAULT_LOOK, "", "")
        self.plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="col-major")  # values[i, j] is at (xs[i], ys[j])
        self.image.setColorMap(pg.colormap.get(COLOUR_MAP))
        self.plot.addItem(self.image)
        names = registry.names()
        self.paths = {}
        for index, name in enumerate(names):
            width = PATH_WIDEST - (PATH_WIDEST - PATH_NARROWEST) * index / max(1, len(names) - 1)
            path = self.plot.plot(pen=theme.variant_pen(index, width))
            path.curve.setSegmentedLineMode("on")  # wide pens, drawn as segments: cheap
            path.setZValue(5 + index)  # widest first, so each narrower stripe lies on top
            self.paths[name] = path
        self.optimum = pg.ScatterPlotItem(symbol="star", size=22, pen=pg.mkPen("#000000"),
                                          brush=pg.mkBrush("#FFFFFF"))
        self.optimum.setZValue(50)
        self.plot.addItem(self.optimum)
        self.start_marks = pg.ScatterPlotItem(symbol="o", size=10, pen=pg.mkPen("#000000"),
                                              brush=pg.mkBrush("#FFFFFF"))
        self.start_marks.setZValue(49)
        self.plot.addItem(self.start_marks)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Parameters:"))
        chooser.addWidget(self.pair_combo, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(chooser)
        column.addWidget(self.note)
        column.addWidget(self.plot, 1)

    def apply_look(self, look: Look) -> None:
        """Axes and text in the look's colours (the map keeps its colour scale)."""
        theme.style_plot(self.plot, look)
        self.note.setStyleSheet(f"color: {look.ink};")

    # ----- data -----------------------------------------------------------------------------

    def reset(self) -> None:
        """A new run: no grid, no paths yet (the chosen pair is kept)."""
        self.message, self.starts, self.pairs, self._computing = None, {}, [], None
        self.note.setText(IDLE_NOTE)
        self.image.clear()
        for path in self.paths.values():
            path.setData([], [])
        self.optimum.setData([], [])
        self.start_marks.setData([], [])

    def set_starts(self, initial: dict, feature_names: list[str] | None = None) -> None:
        """Each variant's start: {name: {weights, bias}} as the training process sent it.

        With `feature_names`, the chooser offers their pairs now: the paths can be drawn before
        (or without) a grid.
        """
        self.starts = {name: [*v["weights"], v["bias"]] for name, v in initial.items()}
        if feature_names is not None:
            self._offer_pairs(pair_choices(feature_names), feature_names)

    def set_landscape(self, message: dict) -> None:
        """Show the grids of a 'landscape' message (one per parameter pair)."""
        self._offer_pairs([tuple(p["pair"]) for p in message["pairs"]], message["feature_names"])
        self.message, self._computing = message, None
        self._show_grid()

    def _offer_pairs(self, pairs: list[tuple[int, int]], names: list[str]) -> None:
        """Fill the chooser with `pairs`, keeping the chosen index where it can."""
        self.pairs = list(pairs)
        labels = [pair_label(p, names) for p in pairs]
        if labels != [self.pair_combo.itemText(i) for i in range(self.pair_combo.count())]:
            chosen = self.pair_combo.currentIndex()
            self.pair_combo.blockSignals(True)
            self.pair_combo.clear()
            self.pair_combo.addItems(labels)
            self.pair_combo.setCurrentIndex(max(0, min(chosen, len(labels) - 1)))
            self.pair_combo.blockSignals(False)

    def show_computing(self, when: str) -> None:
        """Say that the grid `when` ("at the start", …) is being computed; any older one stays."""
        self._computing = when
        self.note.setText(COMPUTING_NOTE.format(when=when))

    def show_progress(self, done: int, total: int) -> None:
        """A slow grid: how many of its parameter pairs are done."""
        if self._computing is not None:
            self.note.setText(f"{COMPUTING_NOTE.format(when=self._computing)} "
                              f"({done} of {total} parameter pairs)")

    def show_unavailable(self) -> None:
        """The grid asked for will not come: say why, and keep whatever is drawn."""
        self._computing = None
        self.note.setText(UNAVAILABLE_NOTE)

    def is_waiting(self) -> bool:
        """Whether a grid is being computed for this view."""
        return self._computing is not None

    def pair(self) -> list[int] | None:
        """The parameter indices shown now ([w index, w or b index]), or None before a run."""
        if not self.pairs:
            return None
        return list(self.pairs[max(0, min(self.pair_combo.currentIndex(), len(self.pairs) - 1))])

    def show_paths(self, history: TrainingHistory) -> None:
        """Hand every variant's path so far to its curve (the page's plot timer calls this)."""
        self.draw_paths(self.path_arrays(history))

    def path_arrays(self, history: TrainingHistory) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each variant's path in the shown pair: its start, then one point per kept epoch (copies).

        A long run's history is thinned (core.training.history): the points are its kept rows,
        the latest epoch always among them, at the epochs `VariantHistory.curve` names.
        """
        pair = self.pair()
        arrays = {}
        for name, variant in history.variants.items():
            start = self.starts.get(name)
            if pair is None or start is None or name not in self.paths:
                continue
            count = variant.rows()
            x, y = np.empty(count + 1), np.empty(count + 1)
            x[0], y[0] = start[pair[0]], start[pair[1]]
            x[1:], y[1:] = _column(variant, pair[0], count), _column(variant, pair[1], count)
            arrays[name] = (x, y)
        return arrays

    def draw_paths(self, arrays: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Draw these paths (thinned to MAX_PATH_POINTS) and mark their starts; clear the others."""
        starts_x, starts_y = [], []
        for name, path in self.paths.items():
            if name not in arrays:
                path.setData([], [])
                continue
            x, y = arrays[name]
            starts_x.append(x[0])
            starts_y.append(y[0])
            if len(x) > MAX_PATH_POINTS:
                keep = np.unique(np.linspace(0, len(x) - 1, MAX_PATH_POINTS).astype(int))
                x, y = x[keep], y[keep]
            finite = np.isfinite(x) & np.isfinite(y)
            path.setData(x[finite], y[finite])
        self.start_marks.setData(starts_x, starts_y)

    def path_points(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The points the path of variant `name` shows now (for tests and exports; thinned)."""
        return self.paths[name].getData()

    # ----- drawing --------------------------------------------------------------------------

    def _pair_chosen(self, index: int) -> None:
        self._show_grid()
        self.pair_changed.emit(index)

    def _show_grid(self) -> None:
        if self.message is None or self.pair_combo.currentIndex() < 0:
            return
        grid = self.message["pairs"][self.pair_combo.currentIndex()]
        names = self.message["feature_names"]
        values = grid_values(grid).astype(np.float64)
        xs, ys = grid["xs"], grid["ys"]
        smallest, largest = float(values.min()), float(values.max())
        logarithmic = smallest > 0 and largest > LOG_BANDS_ABOVE * smallest
        shown = np.log10(values) if logarithmic else values  # orders of magnitude apart: log
        low, high = float(shown.min()), float(shown.max())
        bands = np.floor((shown - low) / max(high - low, 1e-12) * CONTOUR_LEVELS)
        self.image.setImage(np.minimum(bands, CONTOUR_LEVELS - 1), levels=(0, CONTOUR_LEVELS - 1))
        dx = (xs[-1] - xs[0]) / max(1, len(xs) - 1)
        dy = (ys[-1] - ys[0]) / max(1, len(ys) - 1)
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
        self.optimum.setData([grid["optimum"][0]], [grid["optimum"][1]])
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
        item = self.plot.getPlotItem()
        for side, index in (("bottom", grid["pair"][0]), ("left", grid["pair"][1])):
            axis, label = item.getAxis(side), parameter_name(index, names)
            if axis.labelText != label:  # a new label re-lays out the axis: only when it changes
                axis.setLabel(label)
        fixed = [f"{parameter_name(i, names)} = {fmt(grid['fixed'][i], 4)}"
                 for i in range(len(grid["fixed"])) if i not in grid["pair"]]
        held = f" Held: {', '.join(fixed)}." if fixed else ""
        when = {"start": "at the start", "end": "at the end"}.get(
            self.message["stage"], f"after epoch {self.message.get('epoch')}")
        spacing = "equal ratio" if logarithmic else "equal width"
        self.note.setText(f"Training MSE {when}, from {fmt(smallest, 4)} (dark) to "
                          f"{fmt(largest, 4)} (light) in {CONTOUR_LEVELS} bands of {spacing}; "
                          f"★ the least-squares optimum{' (projected)' if fixed else ''}, "
                          f"○ the starts.{held} "
                          f"{RELU_NOTE if grid['relu'] else LINEAR_NOTE}")


def _column(variant, index: int, count: int) -> np.ndarray:
    """Parameter `index` of [w…, b] over the first `count` kept rows (a view, not a copy)."""
    if index < variant.weights.shape[1]:
        return variant.weights[:count, index]
    return variant.bias[:count]

