"""A black cover over the whole window, for a lecturer who wants the room's eyes back (B)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget


class BlankScreen(QWidget):
    """Covers its parent in black; any key or click asks for it to go (`dismissed`)."""

    dismissed = Signal()  # a key was pressed or the mouse clicked: show the window again

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("blankScreen")
        self.setAccessibleName("Blank screen: press any key to show the window again")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.hide()
        parent.installEventFilter(self)

    def cover(self) -> None:
        """Black out the parent and take the keyboard."""
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Follow the parent's size."""
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def event(self, event: QEvent) -> bool:
        """Claim every key before the window's shortcuts see it: any key only unblanks."""
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        event.accept()
        if not event.isAutoRepeat():
            self.dismissed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        event.accept()
        self.dismissed.emit()
