"""The four variant cards: a 2×2 grid, or one row of four when the page is wide."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QWidget

WIDE_FROM = 1200  # from this width (a 1600-px window with settings shown) four cards fit in a row


class CardGrid(QWidget):
    """Lays its cards out 2×2, or 1×4 once it is at least WIDE_FROM pixels wide."""

    def __init__(self, cards: list[QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cardGrid")
        self.cards = cards
        self.grid = QGridLayout(self)
        self.grid.setSizeConstraint(QGridLayout.SizeConstraint.SetNoConstraint)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.columns = 0
        self._arrange(2)

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self.grid.addWidget(card, index // columns, index % columns)
            card.set_wide(columns == 2)
        for column in range(4):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(4):
            self.grid.setRowStretch(row, 1 if row < -(-len(self.cards) // columns) else 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as two cards side by side: below WIDE_FROM the grid turns 2×2."""
        hint = self.grid.minimumSize()
        widest = max(card.minimumSizeHint().width() for card in self.cards)
        return QSize(2 * widest + self.grid.horizontalSpacing(), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._arrange(4 if event.size().width() >= WIDE_FROM else 2)
        super().resizeEvent(event)
