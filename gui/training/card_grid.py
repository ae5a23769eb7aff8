"""The variant cards, however many: as many to a row as fit without cutting a plot or a number."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QWidget

COLUMN_CHOICES = (4, 2, 1)  # four in a row on a wide page, 2×2, or one under another
SPACING = 8


class CardGrid(QWidget):
    """Lays its cards out in the most columns whose cards keep every plot and number whole.

    Four in a row show their numbers under the plot; fewer in a row show them beside the plot
    when the card is wide enough (a 2×2 grid), else under it. The text size decides what fits, so a
    3× text size stacks the cards one under another (the page scrolls).
    """

    def __init__(self, cards: list[QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cardGrid")
        self.cards = cards
        self.grid = QGridLayout(self)
        self.grid.setSizeConstraint(QGridLayout.SizeConstraint.SetNoConstraint)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(SPACING)
        self.columns = 0
        self._shown = list(cards)  # the cards to lay out (show_only hides the others)
        self._placed: list[QWidget] = []  # the cards in the grid now, in order
        self._arrange(min(2, len(cards)), False)

    def show_only(self, shown: list[QWidget]) -> None:
        """Lay out only the cards in `shown` (the others are hidden), then rearrange."""
        self._shown = [card for card in self.cards if card in shown]
        for card in self.cards:
            card.setVisible(card in shown)
        self.rearrange()

    def shown(self) -> list[QWidget]:
        """The cards laid out, in order (all of them unless show_only said otherwise)."""
        return list(self._shown)

    def layout_for(self, width: int) -> tuple[int, bool]:
        """(columns, numbers beside the plot) for a grid `width` pixels wide."""
        count = max(1, len(self.shown()))
        for columns in sorted({min(choice, count) for choice in COLUMN_CHOICES}, reverse=True):
            card_width = (width - SPACING * (columns - 1)) // columns
            if columns < COLUMN_CHOICES[0] and card_width >= self._needed(True):
                return columns, True
            if card_width >= self._needed(False):
                return columns, False
        return 1, False

    def rearrange(self) -> None:
        """Lay the cards out again for the current width (the text size changed)."""
        self._arrange(*self.layout_for(self.width()))
        self.updateGeometry()

    def _needed(self, wide: bool) -> int:
        return max((card.width_needed(wide) for card in self.shown()), default=0)

    def _arrange(self, wanted: int, wide: bool) -> None:
        shown = self.shown()
        columns = max(1, min(wanted, len(shown)))
        for card in shown:
            card.set_wide(wide)
        if columns == self.columns and shown == self._placed:
            return
        self.columns, self._placed = columns, shown
        for card in self.cards:
            self.grid.removeWidget(card)
        for index, card in enumerate(shown):
            self.grid.addWidget(card, index // columns, index % columns)
        rows = -(-len(shown) // columns)
        for column in range(max(COLUMN_CHOICES[0], self.grid.columnCount())):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(max(rows, self.grid.rowCount())):
            self.grid.setRowStretch(row, 1 if row < rows else 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as one card with its numbers under the plot; as tall as the current rows need."""
        return QSize(self._needed(False), self.grid.minimumSize().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._arrange(*self.layout_for(event.size().width()))
        super().resizeEvent(event)
