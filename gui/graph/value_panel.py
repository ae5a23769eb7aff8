"""One value editor per input of the formula, created and removed as the inputs change.

It shows the values the page's model holds and reports what the user edits; which value a new
input takes is the model's rule (core.engine.model).
"""

from __future__ import annotations

import math
from typing import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from gui.widgets.drag_spin_box import VALUE_LIMIT, DragSpinBox


class ValuePanel(QWidget):
    """A labelled DragSpinBox (objectName value_<name>) for every input, in order of first use."""

    values_changed = Signal(dict)  # input name -> value, after the user changed one

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("valuePanel")
        self.setAccessibleName("Input values")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._grid = QGridLayout()
        outer.addLayout(self._grid)
        outer.addStretch(1)  # rows stay packed at the top however tall the panel is
        self._grid.setHorizontalSpacing(10)
        self._grid.setColumnStretch(1, 1)
        self._boxes: dict[str, DragSpinBox] = {}
        self._labels: dict[str, QLabel] = {}
        self._values: dict[str, float] = {}  # exact values (the box shows them rounded)
        self._arranged: list[str] = []  # the names in the grid, in order
        self._empty = QLabel("This formula has no inputs.")
        self._empty.setObjectName("noInputsLabel")
        self._grid.addWidget(self._empty, 0, 0, 1, 2)

    def values(self) -> dict[str, float]:
        """The current value of every input."""
        return dict(self._values)

    def names(self) -> list[str]:
        """The inputs that have an editor, in display order."""
        return list(self._boxes)

    def box(self, name: str) -> DragSpinBox:
        """The spin box of one input."""
        return self._boxes[name]

    def rows_height(self, count: int) -> int:
        """The height the first `count` rows (or the note that there are none) need, at the current font."""
        rows = [(self._labels[name], self._boxes[name]) for name in self._arranged[:count]] or [(self._empty,)]
        heights = [max(widget.sizeHint().height() for widget in row) for row in rows]
        return sum(heights) + max(0, self._grid.verticalSpacing()) * (len(heights) - 1)

    def show_values(self, values: Mapping[str, float]) -> None:
        """Show an editor for every input of `values`, in its order, holding its value (nothing is announced)."""
        names = list(values)
        for name in [n for n in self._boxes if n not in values]:
            self._remove(name)
        for name in names:
            if name not in self._boxes:
                self._add(name)
            self._values[name] = float(values[name])
            self._show_value(name)
        if names != self._arranged:
            self._arrange(names)

    def _add(self, name: str) -> None:
        label = QLabel(f"{name} =")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        box = DragSpinBox(self)
        box.setObjectName(f"value_{name}")
        box.setAccessibleName(f"Value of input {name}")
        label.setBuddy(box)
        box.valueChanged.connect(lambda value, name=name: self._edited(name, value))
        self._boxes[name], self._labels[name] = box, label

    def _remove(self, name: str) -> None:
        box, label = self._boxes.pop(name), self._labels.pop(name)
        self._values.pop(name, None)
        for widget in (box, label):
            self._grid.removeWidget(widget)
            widget.hide()
            widget.setParent(None)  # gone from findChild at once, not only after deleteLater runs
            widget.deleteLater()

    def _arrange(self, names: list[str]) -> None:
        self._arranged = list(names)
        for name in names:  # re-adding a widget a layout already holds would duplicate it
            self._grid.removeWidget(self._labels[name])
            self._grid.removeWidget(self._boxes[name])
        for row, name in enumerate(names):
            self._grid.addWidget(self._labels[name], row, 0)
            self._grid.addWidget(self._boxes[name], row, 1)
            self._labels[name].show()
            self._boxes[name].show()
        self._empty.setVisible(not names)

    def _show_value(self, name: str) -> None:
        """Put the exact value in its box without announcing a change (the model set it)."""
        box, value = self._boxes[name], self._values[name]
        if math.isfinite(value) and abs(value) > VALUE_LIMIT:
            box.setRange(-abs(value), abs(value))  # a value the text sets is never clipped
        shown = value if math.isfinite(value) else 0.0
        if box.value() == shown:
            return  # (the user's own edit coming back: touching the box would reset their typing)
        box.blockSignals(True)
        box.setValue(shown)
        box.blockSignals(False)

    def _edited(self, name: str, value: float) -> None:
        self._values[name] = value
        self.values_changed.emit(self.values())
