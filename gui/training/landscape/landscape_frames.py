"""Training animation frames with the landscape: the loss curves growing beside the paths growing.

Used by the Training page's "Export animation…" while the Landscape tab is open (issue 16): the
left part is exactly gui.export.loss_frames' frame, the right part the page's own LandscapeView
drawn offscreen, its paths cut at the frame's epoch. Same drawing code as the window.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from core.animation import DEFAULT_SIZE
from core.training.landscape import pair_label
from gui import theme as graph_theme
from gui.export.loss_frames import MARGIN_PX, REFERENCE_HEIGHT, TEXT_PX, LossFrames
from gui.theme import Look
from gui.training import theme
from gui.training.landscape.landscape_view import LandscapeView

LOSS_SHARE = 0.58  # of the frame's width: the loss curves on the left, the landscape on the right


class LossAndLandscapeFrames:
    """Frames of `losses` (as LossFrames) beside the landscape `message` with `paths` growing.

    `paths` maps variant name -> (x, y) in the pair shown: the start, then one point per loss;
    `epochs` (as in LossFrames) the epoch of each loss when a long run's history is thinned.
    """

    def __init__(self, losses: dict, optimum: float | None, message: dict, pair_index: int,
                 paths: dict[str, tuple[np.ndarray, np.ndarray]],
                 size: tuple[int, int] = DEFAULT_SIZE, look: Look = theme.DEFAULT_LOOK,
                 epochs: dict[str, np.ndarray] | None = None):
        self.size, self.look = size, look
        left = round(size[0] * LOSS_SHARE)
        self.loss = LossFrames(losses, optimum, (left, size[1]), look, epochs=epochs)
        self.ends = self.loss.ends
        self.paths = paths
        unit = size[1] / REFERENCE_HEIGHT
        self._text = graph_theme.font(round(TEXT_PX * unit))
        self._margin = MARGIN_PX * unit
        self._band = self.loss.size[1] - self.loss.plot.height()  # the plots' tops line up
        self.target = QRectF(left, self._band, size[0] - left - self._margin,
                             size[1] - self._band - self._margin)
        self.view = LandscapeView()
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.view.apply_look(look)
        text_px = round(TEXT_PX * unit)
        for side in ("left", "bottom"):
            axis = self.view.plot.getPlotItem().getAxis(side)
            axis.setTickFont(self._text)
            axis.setLabel(axis.labelText, color=look.ink, **{"font-size": f"{text_px}px"})
        self.view.plot.getPlotItem().getAxis("left").setWidth(round(5 * TEXT_PX * unit))
        self.view.plot.getPlotItem().getAxis("bottom").setHeight(round(2.6 * TEXT_PX * unit))
        self.view.set_starts({})
        self.view.set_landscape(message)
        self.view.pair_combo.setCurrentIndex(pair_index)
        self.view.resize(round(self.target.width()), round(self.target.height()))
        self.view.show()
        self.view.plot.resize(round(self.target.width()), round(self.target.height()))
        self.title = f"Where gradient descent walks: {pair_label(self.view.pair(), message['feature_names'])}"

    @property
    def count(self) -> int:
        """How many frames there are (the loss curves' count)."""
        return self.loss.count

    def paint(self, painter: QPainter, index: int) -> None:
        """Frame `index`: the loss frame on the left, the paths up to its epoch on the right."""
        painter.fillRect(QRectF(0, 0, *self.size), QColor(self.look.background))
        self.loss.paint(painter, index)
        end = self.ends[index]
        cut = {}
        for name, (x, y) in self.paths.items():  # the start, then the points up to epoch `end`
            shown = int(np.searchsorted(self.loss.numbers[name], end, side="right"))
            cut[name] = (x[: shown + 1], y[: shown + 1])
        self.view.draw_paths(cut)
        painter.setFont(self._text)
        painter.setPen(QColor(self.look.ink))
        line = QFontMetricsF(self._text).height() * 1.2
        painter.drawText(QRectF(self.target.left(), self._margin * 0.5, self.target.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        plot = self.view.plot
        plot.render(painter, self.target, plot.viewport().rect(), Qt.AspectRatioMode.IgnoreAspectRatio)

    def close(self) -> None:
        """Let go of the offscreen plots."""
        self.loss.close()
        self.view.hide()
        self.view.deleteLater()
