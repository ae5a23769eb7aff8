"""Second derivatives: the Hessian table, and "Differentiate the gradient" to show its backward graph."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from core.engine.graph import ComputationGraph
from core.formatting import fmt
from core.lab.backward_graph import LabError, backward_program, hessian
from gui.lab.pickers import refill

MAX_HESSIAN_INPUTS = 8  # one backward graph per input: beyond this the table is unreadable anyway
MAX_HESSIAN_NODES = 400


class SecondDerivativePanel(QWidget):
    """The Hessian of the output over the inputs, from differentiating the backward graph."""

    program_requested = Signal(str)  # program text of the backward pass, to show as the page's graph

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("secondDerivativePanel")
        self.cg: ComputationGraph | None = None
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("hessianTable")
        self.table.setAccessibleName("Second derivatives (Hessian)")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.note = QLabel()
        self.note.setObjectName("hessianNote")
        self.note.setWordWrap(True)
        self.gradient_input = QComboBox()
        self.gradient_input.setObjectName("gradientInput")
        self.gradient_input.setAccessibleName("Input whose gradient is differentiated")
        self.differentiate_button = QPushButton("Differentiate the gradient")
        self.differentiate_button.setObjectName("differentiateButton")
        self.differentiate_button.setToolTip(
            "Show the backward pass for this input's gradient as a graph of its own (what torch builds "
            "with create_graph=True): step through it, and differentiate it again")
        row = QHBoxLayout()
        row.addWidget(QLabel("Gradient of"))
        row.addWidget(self.gradient_input, 1)
        row.addWidget(self.differentiate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self.differentiate_button.clicked.connect(self._differentiate)

    def show_graph(self, cg: ComputationGraph) -> None:
        """Fill the Hessian table for this evaluated graph."""
        self.cg = cg
        names = cg.inputs
        refill(self.gradient_input, cg.inputs)
        self.differentiate_button.setEnabled(bool(names))
        if len(names) > MAX_HESSIAN_INPUTS or cg.graph.number_of_nodes() > MAX_HESSIAN_NODES:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.note.setText("This graph is too large for a Hessian table; differentiate one gradient instead.")
            return
        table = hessian(cg)
        self.table.setRowCount(len(names))
        self.table.setColumnCount(len(names))
        self.table.setHorizontalHeaderLabels(names)
        self.table.setVerticalHeaderLabels(names)
        for row, a in enumerate(names):
            for column, b in enumerate(names):
                self.table.setItem(row, column, QTableWidgetItem(fmt(table[a][b])))
        self.table.resizeColumnsToContents()
        out = cg.node(cg.output)["symbol"]
        self.note.setText(f"Row a, column b: ∂²{out}/∂a∂b, by differentiating the backward graph of ∂{out}/∂a.")

    def _differentiate(self) -> None:
        name = self.gradient_input.currentText()
        if self.cg is None or not name:
            return
        try:
            text = backward_program(self.cg, name)
        except LabError as error:
            self.note.setText(str(error))
            return
        self.program_requested.emit(text)
