"""Where each variant ended up, next to the closed-form least-squares optimum."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from core.formatting import fmt
from core.training import registry
from gui.theme import Look, readable
from gui.training import theme

COLUMNS = ["variant", "train MSE", "test MSE", "weights", "bias", "epochs", "epochs/s",
           "wall time"]
HEADERS = {"train MSE": "train\nMSE", "test MSE": "test\nMSE", "epochs/s": "epochs\nper s",
           "wall time": "wall\ntime"}  # two lines: the table fits beside the overlay plot
TIPS = {
    "epochs/s": "Epochs per second of this variant's own update steps (the variants take "
                "turns, one epoch each, in one process)",
    "wall time": "Seconds this variant spent in its update steps",
    "train MSE": "Mean squared error on the training rows after the last epoch",
    "test MSE": "Mean squared error on the held-out test rows",
}
MSE_DIGITS = 8  # 371.61038: as many digits as the notebook printed
PARAMETER_DIGITS = 7  # 143.4497: the bias to the 4 decimals the notebook printed
WEIGHT_DIGITS = 6  # 37.8791 and 0.362312: at least the notebook's 4 decimals
CLOSED_FORM = "closed form"
LARGEST_POINT_SIZE = 16  # on a wide window the table grows for the back rows
SMALLEST_POINT_SIZE = 11  # below this, a horizontal scroll bar rather than smaller type
CELL_PADDING = 14  # a cell's margins and grid line, in pixels


class ResultsTable(QTableWidget):
    """One row per variant that ran, then the closed-form row; filled when a run ends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("resultsTable")
        self.setAccessibleName("Results per variant")
        self.setFont(theme.font(theme.TABLE_POINT_SIZE))
        self.setHorizontalHeaderLabels([HEADERS.get(name, name) for name in COLUMNS])
        for index, name in enumerate(COLUMNS):
            if name in TIPS:
                self.horizontalHeaderItem(index).setToolTip(TIPS[name])
        self.horizontalHeader().setFont(theme.font(theme.TABLE_POINT_SIZE - 1, bold=True))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.look = theme.DEFAULT_LOOK
        self._shown: dict | None = None  # the result on show, recoloured when the look changes

    def apply_look(self, look: Look) -> None:
        """Take `look`'s colours: the table's own palette, and the variants' names in the rows."""
        self.look = look
        palette = self.palette()
        for role, colour in ((QPalette.ColorRole.Base, look.base or look.background),
                             (QPalette.ColorRole.AlternateBase, look.alternate_base or "#F2F2F2"),
                             (QPalette.ColorRole.Text, look.ink),
                             (QPalette.ColorRole.Window, look.window or look.background),
                             (QPalette.ColorRole.WindowText, look.ink),
                             (QPalette.ColorRole.Button, look.button or look.background),
                             (QPalette.ColorRole.ButtonText, look.ink)):
            palette.setColor(role, QColor(colour))
        self.setPalette(palette)
        self.horizontalHeader().setPalette(palette)
        if self._shown is not None:
            self.show_result(self._shown)

    def clear_results(self) -> None:
        """No rows: nothing has finished yet."""
        self._shown = None
        self.setRowCount(0)

    def show_result(self, result: dict) -> None:
        """Fill the table from a finished run (the training process's plain-data result)."""
        self._shown = result
        variants = result["variants"]
        self.setRowCount(len(variants) + 1)
        for row, (name, outcome) in enumerate(variants.items()):
            seconds = outcome["step_seconds"]
            epochs = outcome["epochs_run"]
            title = registry.info(name).title
            if outcome["status"] != "ok":  # the cards say more; the table must not hide it
                title += f" ({outcome['status']})"
            self._fill(row, [
                title,
                fmt(outcome["train_mse"], MSE_DIGITS),
                fmt(outcome["test_mse"], MSE_DIGITS),
                ", ".join(fmt(w, WEIGHT_DIGITS) for w in outcome["weights"]),
                fmt(outcome["bias"], PARAMETER_DIGITS),
                str(epochs),
                fmt(round(epochs / seconds), 6) if seconds > 0 and epochs else "–",
                f"{fmt(seconds, 3)} s",
            ], color=theme.variant_text_colour(registry.index(name), self.look),
               tip=outcome["detail"])
        reference = result["closed_form"]
        self._fill(len(variants), [
            CLOSED_FORM,
            fmt(reference["train_mse"], MSE_DIGITS),
            fmt(reference["test_mse"], MSE_DIGITS),
            ", ".join(fmt(w, WEIGHT_DIGITS) for w in reference["weights"]),
            fmt(reference["bias"], PARAMETER_DIGITS),
            "–", "–", "–",
        ], color=self.look.ink, tip="The least-squares optimum of the linear model, "
                                          "solved exactly (in float64): the best any variant can do")
        self._fit_font()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_font()

    def _fit_font(self) -> None:
        """The largest type (up to LARGEST_POINT_SIZE) at which every column fits the width.

        Widths are measured with font metrics, not by laying the table out at every size.
        """
        if not self.rowCount():
            return
        available = self.viewport().width() - 2
        cells = [[self.item(row, column).text() if self.item(row, column) else ""
                  for row in range(self.rowCount())] for column in range(self.columnCount())]
        headers = [self.horizontalHeaderItem(column).text().split("\n")
                   for column in range(self.columnCount())]
        size = SMALLEST_POINT_SIZE
        for candidate in range(LARGEST_POINT_SIZE, SMALLEST_POINT_SIZE - 1, -1):
            body = QFontMetrics(theme.font(candidate, bold=True))  # bold: the variant names
            head = QFontMetrics(theme.font(candidate - 1, bold=True))
            needed = sum(CELL_PADDING + max(max(body.horizontalAdvance(text) for text in column),
                                            max(head.horizontalAdvance(line) for line in lines))
                         for column, lines in zip(cells, headers))
            if needed <= available:
                size = candidate
                break
        if size != self.font().pointSize():
            self.setFont(theme.font(size))
            self.horizontalHeader().setFont(theme.font(size - 1, bold=True))
        self.resizeColumnsToContents()
        self.resizeRowsToContents()

    def _fill(self, row: int, cells: list[str], color: str | None, tip: str) -> None:
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column >= 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == 0 and color:
                item.setToolTip(tip)
                # Against the table's own backgrounds (rows alternate): the black optimum row must not
                # vanish in the dark theme, nor a variant's colour on the grey rows of the light one.
                for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
                    color = readable(color, self.palette().color(role).name())
                item.setForeground(QColor(color))
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.setItem(row, column, item)

    def cell_text(self, variant_title: str, column: str) -> str:
        """The text in one cell, by the row's first cell and the column's name (for tests)."""
        index = COLUMNS.index(column)
        for row in range(self.rowCount()):
            first = self.item(row, 0)
            if first is not None and first.text().split(" (")[0] == variant_title:
                return self.item(row, index).text()
        raise KeyError(variant_title)
