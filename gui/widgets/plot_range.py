"""View ranges for live loss plots, set by hand and changed only when they must.

pyqtgraph's auto-range moves the axes a little on every new point, and each move repaints the
axes with all their text: the most expensive part of a live plot. Here the epoch axis spans
the whole run from the start (or doubles as a very long run goes on), and the loss axis grows
to "nice" bounds with room to spare, so the axes repaint a handful of times per run.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

WHOLE_RUN_UP_TO = 10_000  # runs up to this many epochs get their full epoch axis at once
FIRST_SPAN = 1_000  # longer runs start with this span and double it as needed
HEADROOM = 1.05  # the top of the loss axis sits at least this far above the highest loss
# Room between the data and the axes: a curve touching an axis (with its pen's width) makes
# Qt repaint that axis, text and all, with every new point.
MARGIN = 0.04
LOG_STEP = 0.5  # on a log axis, bounds move in half decades


def epoch_span(count: int, epochs: int) -> float:
    """Right end of the epoch axis for `count` epochs done out of `epochs`."""
    if epochs <= WHOLE_RUN_UP_TO:
        return float(max(epochs, 1))
    span = FIRST_SPAN
    while span < count:
        span *= 2
    return float(min(span, epochs))


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is >= value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10.0**exponent
        if candidate >= value:
            return candidate
    return 10.0 ** (exponent + 1)


def loss_span(low: float, high: float, log: bool, current: tuple[float, float] | None
              ) -> tuple[float, float] | None:
    """The loss axis's (bottom, top) for data between low and high; None: no data to show.

    Linear: from just below 0 to a nice bound above the highest loss. Log (in decades):
    half-decade bounds around the data. A current range is kept while the data still fits it.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return current
    if log:
        if high <= 0:
            return current
        bottom = math.floor(math.log10(max(low, high * 1e-12)) / LOG_STEP) * LOG_STEP
        top = math.ceil(math.log10(high * HEADROOM) / LOG_STEP) * LOG_STEP
        if top <= bottom:
            top = bottom + LOG_STEP
        wanted = (bottom, top)
        if current is not None and current[0] <= bottom and current[1] >= top \
                and current[1] - current[0] <= (top - bottom) + 2:
            return current
        return wanted
    top = nice_ceiling(high * HEADROOM) if high > 0 else 1.0
    if current is not None and current[0] < 0 and top <= current[1] < 4 * top:
        return current  # still fits, and not much too tall
    return (-MARGIN * top, top)


class RangeKeeper:
    """Owns one plot's view range during training: auto-range off, ranges set when needed."""

    def __init__(self, plot: pg.PlotWidget):
        self.view = plot.getPlotItem().getViewBox()
        self.view.disableAutoRange()
        self.view.setMouseEnabled(x=False, y=False)  # a stray drag must not fight the range
        self.x: float | None = None
        self.y: tuple[float, float] | None = None

    def reset(self, epochs: int) -> None:
        """A new run of `epochs`: show its epoch axis, and a loss axis until data arrives."""
        self.y = None
        self.x = epoch_span(0, epochs)
        self.view.setRange(xRange=(-MARGIN * self.x, self.x), yRange=(0, 1), padding=0.02)

    def follow(self, count: int, epochs: int, low: float, high: float, log: bool,
               may_change: bool = True) -> bool:
        """Fit the ranges to `count` epochs with losses in [low, high]; True if they changed.

        With `may_change` False a needed change waits (the caller spreads the costly axis
        repaints of several plots over several frames); the next call makes it.
        """
        x = epoch_span(count, epochs)
        y = loss_span(low, high, log, self.y)
        if (x == self.x and y == self.y) or not may_change:
            return False
        self.x, self.y = x, y
        if y is None:
            self.view.setRange(xRange=(-MARGIN * x, x), padding=0.02)
        else:
            self.view.setRange(xRange=(-MARGIN * x, x), yRange=y, padding=0.02)
        return True

    def forget_y(self) -> None:
        """The axis changed (log scale toggled): choose the loss range afresh next time."""
        self.y = None


def data_span(low: float, high: float, current: tuple[float, float] | None
              ) -> tuple[float, float] | None:
    """An axis range holding [low, high] with a margin, kept while the data still fits well."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return current
    if high <= low:
        low, high = low - 1.0, high + 1.0
    if current is not None and current[0] <= low and current[1] >= high \
            and current[1] - current[0] <= 3 * (high - low):
        return current
    margin = (high - low) * 0.15
    return (low - margin, high + margin)
