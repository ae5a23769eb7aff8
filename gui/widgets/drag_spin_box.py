"""A number box you can also change by pressing and dragging up or down, like a slider."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

VALUE_LIMIT = 1e6
DRAG_THRESHOLD_PX = 4  # a shorter movement is a click (placing the text cursor), not a drag
PIXELS_PER_STEP = 3


class DragSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox; a vertical drag on it changes the value (Shift: fine, Ctrl: coarse)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(-VALUE_LIMIT, VALUE_LIMIT)
        self.setDecimals(3)
        self.setSingleStep(0.1)
        self.setAccelerated(True)
        self.setToolTip("Type a value, use the arrows, or press and drag up/down (Shift: finer, Ctrl: coarser)")
        self._press: QPointF | None = None
        self._start_value = 0.0
        self._dragging = False
        self.lineEdit().installEventFilter(self)

    @property
    def dragging(self) -> bool:
        """Whether a drag is changing the value right now."""
        return self._dragging

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Turn vertical drags on the text into value changes; leave clicks and selections alone."""
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press, self._start_value, self._dragging = event.position(), self.value(), False
        elif kind == QEvent.Type.MouseMove and self._press is not None:
            return self._drag_to(event)
        elif kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            was_dragging = self._dragging
            self._press, self._dragging = None, False
            if was_dragging:
                self.lineEdit().unsetCursor()
                self.lineEdit().deselect()
                return True
        return super().eventFilter(watched, event)

    def _drag_to(self, event: QMouseEvent) -> bool:
        delta = event.position() - self._press
        if not self._dragging:
            if abs(delta.y()) < DRAG_THRESHOLD_PX or abs(delta.y()) < abs(delta.x()):
                return False  # not (yet) a vertical drag: let the text field select as usual
            self._dragging = True
            self.lineEdit().setCursor(Qt.CursorShape.SizeVerCursor)
        step = self.singleStep()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            step /= 10
        elif event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step *= 10
        steps = round(-delta.y() / PIXELS_PER_STEP)  # up is more, as on a slider
        self.setValue(self._start_value + steps * step)
        return True
