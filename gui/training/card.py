"""One variant on the training page: its name, what it does, its live loss curve and numbers."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QBoxLayout, QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
    QVBoxLayout, QWidget,
)

from core.formatting import fmt
from core.training.registry import VariantInfo
from core.training.request import DEFAULT_EPOCHS
from gui.theme import Look, variant_colour
from gui.training import theme
from gui.widgets.loss_axes import OptimumAndLogScale
from gui.widgets.plot_range import RangeKeeper

CURVE_MIN_HEIGHT = 160  # at 120 the plot area of a 2×2 grid at 1280×800 was 63 pixels tall
CURVE_MIN_WIDTH = 250  # a loss curve narrower than this reads as a smudge (issue 12)
CARD_MARGINS = (10, 8, 10, 8)
NUMBERS_SAMPLE = "MSE 00000.000"  # the widest number line the card reserves room for
ACTIVE_SAMPLE = "active 100 %"  # the share of active units at its widest
EXPLANATION_LINES_TALL = 4  # cards in one row: narrow, so more lines
EXPLANATION_LINES_WIDE = 3
AXIS_NAME_GAP = 0.25  # room left under a plot's bottom axis name, in its text heights, before what follows
AXIS_NAME_SHORTFALL = 0.2  # pyqtgraph reserves 0.8 of the axis name's height: the rest hangs out


class VariantCard(OptimumAndLogScale, QFrame):
    """A card: title and status badge, description, loss plot, live weights/bias, explanation."""

    code_requested = Signal(str)  # the variant's name: the user wants to read its source
    show_graph_requested = Signal(str)  # variant name: the user wants torch's graph of it

    def __init__(self, info: VariantInfo, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.info = info
        self.name = info.name
        self.index = index  # the variant's place in the registry: its colour
        self.setObjectName(f"variantCard_{info.name}")
        self.setAccessibleName(f"{info.title} variant")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        self.title = QLabel(info.title)
        self.title.setObjectName(f"variantTitle_{info.name}")
        self.title.setFont(theme.font(theme.TITLE_POINT_SIZE, bold=True))
        self.badge = QLabel()
        self.badge.setObjectName(f"statusBadge_{info.name}")
        self.badge.setAccessibleName(f"{info.title} status")
        self.badge.setFont(theme.font(theme.BADGE_POINT_SIZE, bold=True))
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.description = QLabel(info.description)
        self.description.setObjectName(f"variantDescription_{info.name}")
        self.description.setWordWrap(True)
        self.description.setFont(theme.font(theme.PAGE_POINT_SIZE - 1))

        self.plot = pg.PlotWidget()
        self.plot.setObjectName(f"lossPlot_{info.name}")
        self.plot.setAccessibleName(f"{info.title} loss per epoch")
        self.plot.setMinimumSize(CURVE_MIN_WIDTH, CURVE_MIN_HEIGHT)
        theme.style_plot(self.plot, theme.DEFAULT_LOOK, "train MSE", "epoch")
        self.ranges = RangeKeeper(self.plot)
        self._extent = (0, 1, math.inf, -math.inf)  # epochs done, epochs asked, lowest, highest
        # The loss curve is the plot's first data item, created once and fed with setData.
        self.curve = self.plot.plot(pen=theme.variant_pen(index, theme.CARD_CURVE_WIDTH),
                                    name="train MSE")
        self.curve.setClipToView(True)
        # Wide pens are drawn segment by segment: far cheaper than one wide path (pyqtgraph's
        # 'auto' would choose this too, but only while nothing turns antialiasing on).
        self.curve.curve.setSegmentedLineMode("on")
        self.curve.setDownsampling(auto=True, method="peak")
        self.optimum = pg.InfiniteLine(angle=0, movable=False,
                                       pen=theme.optimum_pen(theme.DEFAULT_LOOK))
        self.optimum.setZValue(10)  # over the curve: it converges onto the line
        self.plot.addItem(self.optimum, ignoreBounds=True)

        self.epoch_label = QLabel()  # small, over the numbers: the status line says it big
        self.epoch_label.setObjectName(f"epochLabel_{info.name}")
        self.epoch_label.setFont(theme.font(theme.PAGE_POINT_SIZE - 1))
        self.mse_label = self._number(f"mseLabel_{info.name}")
        self.weights_label = self._number(f"weightsLabel_{info.name}")
        # Many features make a long line: it may be cut, never widen the window (full text: tip).
        self.weights_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.bias_label = self._number(f"biasLabel_{info.name}")
        self.active_label = self._number(f"activeLabel_{info.name}")
        self.active_label.setToolTip("Share of training rows whose ReLU is active (net input > 0): "
                                     "at 0 % every prediction is 0 and every gradient too")
        self.explanation = QLabel()
        self.explanation.setObjectName(f"statusExplanation_{info.name}")
        self.explanation.setWordWrap(True)
        self.explanation.setFont(theme.font(theme.PAGE_POINT_SIZE - 1))
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A fixed height, reserved even when empty: the plot never jumps when a status arrives,
        # and the layout's minimum is honest (word-wrapped labels under-report their height).
        self.explanation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setObjectName(f"logScale_{info.name}")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis: small changes late in "
                                  "training become visible")
        self.code_button = QPushButton("View code")
        self.code_button.setObjectName(f"viewCode_{info.name}")
        self.code_button.setToolTip(f"Read the {info.class_name} class: the code that trains "
                                    "this variant")
        self.graph_button = QPushButton("Show graph")
        self.graph_button.setObjectName(f"showGraph_{info.name}")
        self.graph_button.setToolTip("Open the graph torch builds for this variant's loss, at the "
                                     "parameters shown, on the Graph page")
        for widget in (self.log_scale, self.code_button, self.graph_button):
            # Their own font, so the window's text size reaches them (the card's style sheet
            # stops them inheriting it).
            widget.setFont(theme.font(theme.PAGE_POINT_SIZE - 1))
        self._build_layout()
        self.description.installEventFilter(self)  # its wrapped height counts toward the card's minimum

        self._optimum_value: float | None = None
        self.log_scale.toggled.connect(self._log_scale_toggled)
        self.code_button.clicked.connect(lambda: self.code_requested.emit(self.name))
        self.graph_button.clicked.connect(lambda: self.show_graph_requested.emit(self.name))
        self.apply_look(theme.DEFAULT_LOOK)
        self.reset(None)

    def apply_look(self, look: Look) -> None:
        """Colour the card, its plot and its text for `look` (light, dark, projector)."""
        self.setStyleSheet(
            f"#variantCard_{self.name} {{ background: {look.background}; border: 1px solid "
            f"{look.caption_border}; border-top: {theme.CARD_TOP_BORDER}px solid "
            f"{variant_colour(self.index)}; border-radius: 4px; }}")
        self.title.setStyleSheet(f"color: {theme.variant_text_colour(self.index, look)};")
        for label in (self.description, self.epoch_label):
            label.setStyleSheet(f"color: {look.soft_text};")
        for label in (self.mse_label, self.weights_label, self.bias_label, self.active_label,
                      self.explanation):
            label.setStyleSheet(f"color: {look.ink};")
        theme.style_plot(self.plot, look)
        self.optimum.setPen(theme.optimum_pen(look))

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.badge)
        footer = QHBoxLayout()
        footer.addWidget(self.log_scale)
        footer.addStretch(1)
        footer.addWidget(self.code_button)
        footer.addWidget(self.graph_button)
        self.numbers = QGridLayout()
        self.numbers.setHorizontalSpacing(14)
        self.numbers.setVerticalSpacing(0)
        info = QVBoxLayout()
        info.setContentsMargins(0, 0, 0, 0)
        info.setSpacing(4)
        info.addLayout(self.numbers)
        info.addStretch(1)
        # Tall (one row of four): the numbers under the plot. Wide (2×2): beside it. The footer
        # runs under both, so the numbers beside the plot take only their own width.
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.setSpacing(6)
        self.body.addWidget(self.plot, 1)
        self.body.addLayout(info)
        self.header, self.footer = header, footer
        column = QVBoxLayout(self)
        column.setContentsMargins(*CARD_MARGINS)
        column.setSpacing(4)
        column.addLayout(header)
        column.addWidget(self.description)
        column.addLayout(self.body, 1)
        column.addLayout(footer)
        column.addSpacing(4)
        column.addWidget(self.explanation)
        self.wide = None
        self.set_wide(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """The description was resized or re-fonted: reserve the height of its wrapped lines."""
        if watched is self.description and event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._fit_description()
        return super().eventFilter(watched, event)

    def _fit_description(self) -> None:
        """A description wrapped onto more lines makes the card taller, not the plot run into the footer.

        Layouts take a word-wrapped label's one-line height as its minimum: at 3× text a card kept
        its height while its description took two lines, and the plot's axis ran over the footer.
        """
        label = self.description  # not heightForWidth: it never answers less than the minimum set here
        room = label.contentsRect().width() - 2 * label.margin()
        lines = label.fontMetrics().boundingRect(0, 0, max(1, room), 100_000, Qt.TextFlag.TextWordWrap, label.text())
        needed = lines.height() + label.height() - label.contentsRect().height() + 2 * label.margin()
        if needed != label.minimumHeight():
            label.setMinimumHeight(needed)

    def width_needed(self, wide: bool) -> int:
        """The card width at which nothing is cut, with the numbers beside the plot (wide) or under it."""
        # Samples, not the labels' text: the first numbers of a run must not reflow the grid
        # (a row of four at 1920 pixels became 2×2 when "active 100 %" first appeared).
        metrics = QFontMetrics(self.mse_label.font())
        numbers = max(metrics.horizontalAdvance(NUMBERS_SAMPLE), metrics.horizontalAdvance(ACTIVE_SAMPLE),
                      *(label.sizeHint().width() for label in (self.mse_label, self.bias_label)))
        body = CURVE_MIN_WIDTH + self.body.spacing() + numbers if wide else max(CURVE_MIN_WIDTH, numbers)
        inside = max(body, self.header.sizeHint().width(), self.footer.sizeHint().width())
        return inside + CARD_MARGINS[0] + CARD_MARGINS[2] + 2 * self.frameWidth()

    def set_wide(self, wide: bool) -> None:
        """Numbers under the plot (False), or beside it in one column (True, for a 2×2 grid)."""
        if wide == self.wide:
            return
        self.wide = wide
        lines = EXPLANATION_LINES_WIDE if wide else EXPLANATION_LINES_TALL
        self.explanation.setFixedHeight(lines * self.explanation.fontMetrics().lineSpacing() + 2)
        # the epoch first, small: the page's status line says it big
        labels = (self.epoch_label, self.mse_label, self.weights_label, self.bias_label, self.active_label)
        for label in labels:
            self.numbers.removeWidget(label)
        if wide:  # one column beside the plot
            self.body.setDirection(QBoxLayout.Direction.LeftToRight)
            self.body.setStretch(0, 3)
            self.body.setStretch(1, 2)
        else:  # under the plot, one per line: a narrow card, so four fit in a row at 1920 pixels
            self.body.setDirection(QBoxLayout.Direction.TopToBottom)
            self.body.setStretch(0, 1)
            self.body.setStretch(1, 0)
        for row, label in enumerate(labels):
            self.numbers.addWidget(label, row, 0)
        self.numbers.setColumnStretch(0, 1)

    def _number(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setFont(theme.font(theme.NUMBER_POINT_SIZE - 1, bold=True))
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    # ----- what the page calls --------------------------------------------------------------

    def reset(self, status: str | None = "ready", explanation: str = "",
              epochs: int = DEFAULT_EPOCHS) -> None:
        """Empty the curve and numbers for a new run (or for a variant that will not run)."""
        self.curve.setData(np.empty(0), np.empty(0))
        self.ranges.reset(epochs)
        self._extent = (0, epochs, math.inf, -math.inf)
        self.set_optimum(None)
        self.epoch_label.setText("")
        self.mse_label.setText("MSE –")
        self.weights_label.setText("w –")
        self.weights_label.setToolTip("")
        self.bias_label.setText("b –")
        self.active_label.setText("")
        self.set_status(status or "ready", explanation)

    def set_description_note(self, note: str) -> None:
        """Add a note to the one-line description (how this run differs), or clear it with ""."""
        self.description.setText(f"{self.info.description} ({note})" if note else
                                 self.info.description)
        self._fit_description()

    def show_curve(self, epochs: np.ndarray, losses: np.ndarray, total: int, low: float,
                   high: float, may_rescale: bool = True) -> bool:
        """Hand the loss curve its data and fit the axes (called by the page's one plot timer).

        `total` is the number of epochs asked for; `low` and `high` bound the finite losses.
        Returns True if the axes changed (with `may_rescale` False a needed change waits).
        """
        self.curve.setData(epochs, losses)
        self._extent = (len(losses), total, low, high)
        return self.ranges.follow(len(losses), total, low, high, self.log_scale.isChecked(),
                                  may_rescale)

    def show_numbers(self, epoch: int, total: int, loss: float, weights: list[float],
                     bias: float, active: float | None = None) -> None:
        """The latest epoch, loss, weights, bias and share of active ReLU units (None: no ReLU)."""
        self.epoch_label.setText(f"epoch {epoch}")
        self.epoch_label.setToolTip(f"epoch {epoch} of {total}")
        self.mse_label.setText(f"MSE {fmt(loss, 6)}")
        self.weights_label.setText("w " + ", ".join(fmt(value, 4) for value in weights))
        self.weights_label.setToolTip("weights: " + ", ".join(fmt(value, 8) for value in weights))
        self.bias_label.setText(f"b {fmt(bias, 5)}")
        self.active_label.setText("" if active is None else f"active {fmt(100 * active, 3)} %")

    def set_status(self, status: str, explanation: str = "", details: str = "") -> None:
        """Show a status badge (running, finished, diverged, dead, ...) and what it means."""
        self.status = status
        self.badge.setToolTip(details or explanation)
        self.badge.setText(f"  {status}  ")
        color = theme.BADGE_COLORS.get(status, theme.BADGE_COLORS["ready"])
        self.badge.setStyleSheet(f"background: {color}; color: {theme.BADGE_TEXT}; "
                                 "border-radius: 4px; padding: 2px 4px;")
        self.explanation.setText(explanation)
        self.explanation.setToolTip(details or explanation)


def keep_axis_name_clear(plot: pg.PlotWidget) -> None:
    """Room under a plot for its bottom axis name (call after its text size changes).

    pyqtgraph reserves 0.8 of the name's height, so at 3× text a card's "epoch" ran into its footer.
    """
    axis = plot.getPlotItem().getAxis("bottom")
    height = axis.label.boundingRect().height() if axis.label.isVisible() else 0.0
    plot.getPlotItem().layout.setContentsMargins(1, 1, 1, 1 + math.ceil((AXIS_NAME_SHORTFALL + AXIS_NAME_GAP) * height))
