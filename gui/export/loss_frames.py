"""Frames of the loss curves growing epoch by epoch, drawn offscreen with pyqtgraph like the overlay.

One frame per recorded update batch (one per epoch), at most core.animation.MAX_TRAINING_FRAMES
spread evenly; the axes are fixed for the whole run, so the curves grow instead of the axes moving.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from core.animation import DEFAULT_SIZE, TRAINING_HOLD_MS, TRAINING_LAST_HOLD_MS, TRAINING_SUFFIXES, check_target, frame_ends
from core.formatting import fmt
from core.training import registry
from gui import theme as graph_theme
from gui.theme import Look, variant_colour
from gui.training import theme

REFERENCE_HEIGHT = 1080.0
TEXT_PX = 30.0  # titles, legend and axis numbers on a 1080-line frame
MARGIN_PX = 30.0
LOG_SCALE_ABOVE = 50.0  # largest / smallest loss: a linear axis would hide the converged tail


class LossFrames:
    """The frames of one run's loss curves: `losses` maps variant name -> loss per epoch.

    `epochs` (optional) maps a variant to the epoch of each of its losses, ascending: the
    Training page's history keeps a thinned subset of a long run's epochs (core.training.history).
    """

    def __init__(self, losses: dict[str, np.ndarray], optimum: float | None = None,
                 size: tuple[int, int] = DEFAULT_SIZE, look: Look = theme.DEFAULT_LOOK,
                 epochs: dict[str, np.ndarray] | None = None):
        self.size = size
        self.look = look
        self.losses = {name: np.asarray(values, dtype=float) for name, values in losses.items()}
        self.numbers = {name: np.asarray(epochs[name], dtype=float) if epochs else
                        np.arange(1, len(values) + 1, dtype=float) for name, values in self.losses.items()}
        self.epochs = int(max((numbers[-1] for numbers in self.numbers.values() if len(numbers)), default=0))
        self.ends = frame_ends(self.epochs)
        self.unit = size[1] / REFERENCE_HEIGHT
        self.optimum = optimum
        self._text = graph_theme.font(round(TEXT_PX * self.unit))
        self._band = QFontMetricsF(self._text).height() * 2.6 + MARGIN_PX * self.unit
        self.plot = self._make_plot()

    @property
    def count(self) -> int:
        """How many frames there are."""
        return len(self.ends)

    def _make_plot(self) -> pg.PlotWidget:
        plot = pg.PlotWidget()
        plot.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)  # drawn, never on screen
        theme.style_plot(plot, self.look, "train MSE", "epoch")
        item = plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.18)  # a still frame: the grid costs nothing here
        text_px = round(TEXT_PX * self.unit)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTickFont(self._text)
            axis.setLabel(axis.labelText, color=self.look.ink, **{"font-size": f"{text_px}px"})
        # room for the large numbers and the axis names beside them (pyqtgraph sizes for 12 pt)
        item.getAxis("left").setWidth(round(6.5 * text_px))
        item.getAxis("bottom").setHeight(round(3.2 * text_px))
        item.setContentsMargins(0, 0, 2 * text_px, text_px // 2)
        self.curves = {}
        present = [name for name in registry.names() if name in self.losses]
        for order, name in enumerate(present):  # the widest stripe first, as in the overlay
            width = theme.overlay_width(order, len(present)) * self.unit
            self.curves[name] = plot.plot(pen=theme.variant_pen(registry.index(name), width))
            self.curves[name].curve.setSegmentedLineMode("on")
        self.log_scale = self._log_scale()
        plot.setLogMode(False, self.log_scale)
        if self.optimum is not None and math.isfinite(self.optimum) and (self.optimum > 0 or not self.log_scale):
            line = pg.InfiniteLine(angle=0, movable=False, pen=theme.optimum_pen(self.look))
            line.setValue(math.log10(self.optimum) if self.log_scale else self.optimum)
            plot.addItem(line, ignoreBounds=True)
        plot.setXRange(1, max(2, self.epochs), padding=0.02)
        low, high = self._loss_range()
        if self.log_scale:
            low, high = math.log10(low), math.log10(high)
            # pyqtgraph labels every minor tick of a log axis: at this text size they pile up
            plot.getPlotItem().getAxis("left").setTicks([_log_ticks(low, high), []])
        plot.setYRange(low, high, padding=0.05)
        plot.getPlotItem().getViewBox().disableAutoRange()
        plot.resize(self.size[0], round(self.size[1] - self._band))
        plot.show()
        return plot

    def _finite(self) -> np.ndarray:
        values = np.concatenate([v for v in self.losses.values()] + [np.empty(0)])
        return values[np.isfinite(values)]

    def _log_scale(self) -> bool:
        values = self._finite()
        return bool(values.size and values.min() > 0 and values.max() / values.min() > LOG_SCALE_ABOVE)

    def _loss_range(self) -> tuple[float, float]:
        values = self._finite()
        if self.optimum is not None and math.isfinite(self.optimum):
            values = np.append(values, self.optimum)
        if not values.size:
            return 0.0, 1.0
        low, high = float(values.min()), float(values.max())
        return (low, high) if high > low else (low - 1, high + 1)

    def paint(self, painter: QPainter, index: int) -> None:
        """Paint frame `index`: the curves up to its epoch under a title and the key."""
        end = self.ends[index]
        for name, curve in self.curves.items():
            shown = int(np.searchsorted(self.numbers[name], end, side="right"))
            values, epochs = self.losses[name][:shown], self.numbers[name][:shown]
            keep = np.isfinite(values) & ((values > 0) if self.log_scale else True)
            curve.setData(epochs[keep], values[keep])
        width, height = self.size
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, width, height), QColor(self.look.background))
        self._paint_title(painter, end)
        target = QRectF(0, self._band, width, height - self._band)
        self.plot.render(painter, target, self.plot.viewport().rect(), Qt.AspectRatioMode.IgnoreAspectRatio)

    def _paint_title(self, painter: QPainter, end: int) -> None:
        margin = MARGIN_PX * self.unit
        line = QFontMetricsF(self._text).height() * 1.2
        painter.setFont(self._text)
        painter.setPen(QColor(self.look.ink))
        latest = [self.losses[name][np.searchsorted(numbers, end, side="right") - 1]
                  for name, numbers in self.numbers.items() if len(numbers) and numbers[-1] >= end]
        said = f"Training loss · epoch {end} of {self.epochs}"
        if latest:
            said += f" · train MSE {fmt(float(np.nanmin(latest)), 5)}"
        if self.log_scale:
            said += " (log scale)"
        painter.drawText(QRectF(margin, margin * 0.5, self.size[0] - 2 * margin, line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, said)
        x, y = margin, margin * 0.5 + line
        metrics = QFontMetricsF(self._text)
        keys = [(entry.title, QColor(variant_colour(order))) for order, entry in enumerate(registry.variants())
                if entry.name in self.losses]
        keys.append(("- - least squares", QColor(self.look.ink)))
        for words, colour in keys:
            square = metrics.ascent() * 0.8
            if not words.startswith("-"):
                painter.fillRect(QRectF(x, y + (line - square) / 2, square, square), colour)
                x += square + 8 * self.unit
            painter.setPen(QColor(self.look.ink))
            painter.drawText(QRectF(x, y, metrics.horizontalAdvance(words) + 4, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, words)
            x += metrics.horizontalAdvance(words) + 36 * self.unit

    def close(self) -> None:
        """Let go of the offscreen plot."""
        self.plot.hide()
        self.plot.deleteLater()


def _log_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Ticks at 1, 2 and 5 times each power of ten between 10**low and 10**high (log10 positions)."""
    ticks = []
    for power in range(math.floor(low), math.ceil(high) + 1):
        for mantissa in ((1, 2, 5) if high - low < 4 else (1,)):
            position = math.log10(mantissa) + power
            if low - 0.05 <= position <= high + 0.05:
                ticks.append((position, fmt(mantissa * 10.0 ** power, 3)))
    return ticks


def export_training(losses: dict[str, list[float]], optimum: float | None, path: str | Path,
                    size: tuple[int, int] = DEFAULT_SIZE) -> None:
    """Write the loss curves growing epoch by epoch to a GIF at `path` (headless is fine)."""
    from gui.graph.export import ensure_application
    from gui.export.writers import run, write_frames

    path = check_target(path, TRAINING_SUFFIXES)
    ensure_application()
    frames = LossFrames({name: np.asarray(values, dtype=float) for name, values in losses.items()}, optimum, size)
    try:
        run(write_frames(frames, path, TRAINING_HOLD_MS, TRAINING_LAST_HOLD_MS))
    finally:
        frames.close()
