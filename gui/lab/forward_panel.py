"""Forward mode: pick an input, seed its tangent with 1, and step the tangents through the graph."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from core.engine import explain
from core.engine.graph import ComputationGraph
from core.formatting import fmt
from core.lab.forward_mode import ForwardMode, dot
from gui.lab.pickers import refill


class ForwardModePanel(QWidget):
    """The forward-mode schedule for one input: a caption per step and the tangents known so far."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("forwardModePanel")
        self.mode: ForwardMode | None = None
        self.step = 0
        self.input_picker = QComboBox()
        self.input_picker.setObjectName("forwardInput")
        self.input_picker.setAccessibleName("Input whose tangent is seeded with 1")
        self.back_button = QPushButton("◀ Step back")
        self.back_button.setObjectName("forwardBack")
        self.next_button = QPushButton("Step ▶")
        self.next_button.setObjectName("forwardNext")
        self.caption = QLabel()
        self.caption.setObjectName("forwardCaption")
        self.caption.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("tangentTable")
        self.table.setAccessibleName("Tangents known so far")
        self.table.setHorizontalHeaderLabels(("node", "tangent"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        row.addWidget(QLabel("Seed"))
        row.addWidget(self.input_picker, 1)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        self.input_picker.currentTextChanged.connect(self._input_chosen)
        self.back_button.clicked.connect(lambda: self.go_to(self.step - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.step + 1))
        self._graph: ComputationGraph | None = None

    def show_graph(self, cg: ComputationGraph) -> None:
        """Start forward mode over this evaluated graph (keeping the chosen input if it is still there)."""
        self._graph = cg
        refill(self.input_picker, cg.inputs)
        self._input_chosen(self.input_picker.currentText())

    def go_to(self, step: int) -> None:
        """Show the state after `step` steps (clamped to the schedule)."""
        count = len(self.mode) if self.mode is not None else 0
        self.step = max(0, min(step, count))
        self.back_button.setEnabled(self.step > 0)
        self.next_button.setEnabled(self.step < count)
        if self.mode is None:
            self.caption.setText("This formula has no inputs to seed.")
            self.table.setRowCount(0)
            return
        self.caption.setText(
            self.mode.steps[self.step - 1].caption if self.step else
            f"Step to seed {dot(self.mode.wrt)} = 1 and push tangents forward, node by node.")
        known = self.mode.known_after(self.step)
        cg = self.mode.graph
        self.table.setRowCount(len(known))
        for row, node_id in enumerate(sorted(known)):
            self.table.setItem(row, 0, QTableWidgetItem(dot(explain.symbol(cg, node_id))))
            self.table.setItem(row, 1, QTableWidgetItem(fmt(known[node_id])))

    def _input_chosen(self, name: str) -> None:
        cg = self._graph
        self.mode = ForwardMode(cg, name) if cg is not None and name in cg.input_nodes else None
        self.go_to(0)
