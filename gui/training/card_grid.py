"""The variant cards, however many: two to a row, or four to a row when the page is wide."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QWidget

WIDE_FROM = 1200  # from this width (a 1600-px window with settings shown) four cards fit in a row
WIDE_COLUMNS = 4
NARROW_COLUMNS = 2


class CardGrid(QWidget):
    """Lays its cards out two to a row, or four to a row once it is at least WIDE_FROM wide."""

    def __init__(self, cards: list[QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cardGrid")
        self.cards = cards
        self.grid = QGridLayout(self)
        self.grid.setSizeConstraint(QGridLayout.SizeConstraint.SetNoConstraint)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.columns = 0
        self._arrange(NARROW_COLUMNS)

    def _arrange(self, wanted: int) -> None:
        columns = max(1, min(wanted, len(self.cards)))
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self.grid.addWidget(card, index // columns, index % columns)
            card.set_wide(wanted == NARROW_COLUMNS)  # two to a row: numbers beside the plot
        rows = -(-len(self.cards) // columns)
        for column in range(max(WIDE_COLUMNS, self.grid.columnCount())):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(max(rows, self.grid.rowCount())):
            self.grid.setRowStretch(row, 1 if row < rows else 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as two cards side by side: below WIDE_FROM the grid has two columns."""
        hint = self.grid.minimumSize()
        widest = max(card.minimumSizeHint().width() for card in self.cards)
        columns = min(NARROW_COLUMNS, len(self.cards))
        return QSize(columns * widest + (columns - 1) * self.grid.horizontalSpacing(), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._arrange(WIDE_COLUMNS if event.size().width() >= WIDE_FROM else NARROW_COLUMNS)
        super().resizeEvent(event)
