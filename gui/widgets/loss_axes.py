"""The least-squares line and the log-scale switch, shared by a card's plot and the overlay."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg


def place_optimum(line: pg.InfiniteLine, value: float | None, log_scale: bool) -> None:
    """Put a horizontal line at `value` (in log10 on a log axis); hide it for None or <= 0 on log."""
    if value is None or not np.isfinite(value) or (log_scale and value <= 0):
        line.setVisible(False)
        return
    line.setValue(float(np.log10(value)) if log_scale else value)
    line.setVisible(True)


class OptimumAndLogScale:
    """Mixin for a loss plot with `plot`, `optimum`, `log_scale`, `ranges` and `_extent`."""

    _optimum_value: float | None = None

    def set_optimum(self, train_mse: float | None) -> None:
        """Draw the closed-form least-squares loss as a dashed horizontal line (None hides it)."""
        self._optimum_value = train_mse
        place_optimum(self.optimum, train_mse, self.log_scale.isChecked())

    def _log_scale_toggled(self, on: bool) -> None:
        self.plot.setLogMode(False, on)
        place_optimum(self.optimum, self._optimum_value, on)
        self.ranges.forget_y()
        self.ranges.follow(*self._extent, on)
