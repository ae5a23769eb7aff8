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
    _optimum_label: pg.InfLineLabel | None = None

    def set_optimum(self, train_mse: float | None, note: str = "") -> None:
        """Draw the closed-form least-squares loss as a dashed horizontal line (None hides it);
        `note` (collinear features) is shown on the line and in its tooltip."""
        self._optimum_value = train_mse
        place_optimum(self.optimum, train_mse, self.log_scale.isChecked())
        if note and self._optimum_label is None:  # made once, on the first collinear data set
            self._optimum_label = pg.InfLineLabel(self.optimum, position=0.5, anchors=[(0.5, 1), (0.5, 1)])
        if self._optimum_label is not None:
            self._optimum_label.setText("least-squares optimum (collinear features)" if note else "")
        self.optimum.setToolTip(f"Least-squares optimum: {note}" if note else "Least-squares optimum")

    def _log_scale_toggled(self, on: bool) -> None:
        self.plot.setLogMode(False, on)
        place_optimum(self.optimum, self._optimum_value, on)
        self.ranges.forget_y()
        self.ranges.follow(*self._extent, on)
