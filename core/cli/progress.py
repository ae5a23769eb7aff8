"""A one-line progress bar for long commands, drawn on a terminal only (never into a pipe or file)."""

from __future__ import annotations

import math
import time
from typing import TextIO

BAR_WIDTH = 24
REDRAW_SECONDS = 0.2  # a terminal redraw per epoch would cost more than the epoch


class ProgressBar:
    """`[#####-----] 1,200/5,000 epochs · 3,400 epochs/s · 1 s left` on one line, redrawn in place."""

    def __init__(self, total: int, stream: TextIO, unit: str = "epochs", clock=time.monotonic) -> None:
        self.total, self.stream, self.unit, self.clock = max(1, total), stream, unit, clock
        self.started = clock()
        self._next_draw = self.started  # draw the first update at once
        self.drawn = False

    def update(self, done: int) -> None:
        """Note that `done` units are finished; redraw at most every REDRAW_SECONDS."""
        now = self.clock()
        if now < self._next_draw and done < self.total:
            return
        self._next_draw = now + REDRAW_SECONDS
        self.stream.write("\r" + self.line(done, now - self.started) + "\033[K")
        self.stream.flush()
        self.drawn = True

    def line(self, done: int, seconds: float) -> str:
        """The bar's text after `done` units in `seconds`."""
        filled = min(BAR_WIDTH, BAR_WIDTH * done // self.total)
        rate = done / seconds if seconds > 0 else math.nan
        left = (self.total - done) / rate if rate and rate > 0 else math.nan
        pace = f"{rate:,.0f} {self.unit}/s" if math.isfinite(rate) else f"– {self.unit}/s"
        return (f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done:,}/{self.total:,} {self.unit} · "
                f"{pace} · {duration(left)} left")

    def close(self) -> None:
        """End the bar's line so later output starts on a fresh one."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def duration(seconds: float) -> str:
    """A time left in words: '42 s', '3 min 05 s', '2 h 10 min'; '?' when unknown."""
    if not math.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
