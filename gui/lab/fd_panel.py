"""The numerical check: each input's central difference beside its gradient, an h slider, the V plot."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QSlider, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from core.engine.graph import ComputationGraph
from core.formatting import fmt
from core.lab.finite_diff import DEFAULT_STEP, STEP_GRID, check_gradients, error_curve
from gui import theme
from gui.lab.pickers import refill

ERROR_FLOOR = 1e-17  # an exact match (error 0) is drawn here: a log axis has no 0
COLUMNS = ("input", "backprop", "central difference", "relative error")


class FiniteDifferencePanel(QWidget):
    """Central differences for every input at the chosen h, and the error-vs-h curve of one input."""

    step_changed = Signal(float)  # the finite-difference step h now used

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("finiteDifferencePanel")
        self.cg: ComputationGraph | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("fdTable")
        self.table.setAccessibleName("Finite differences beside each gradient")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("fdStepSlider")
        self.slider.setAccessibleName("Finite-difference step h")
        self.slider.setRange(0, len(STEP_GRID) - 1)
        self.slider.setValue(min(range(len(STEP_GRID)), key=lambda i: abs(math.log10(STEP_GRID[i] / DEFAULT_STEP))))
        self.step_label = QLabel()
        self.step_label.setObjectName("fdStepLabel")
        self.curve_input = QComboBox()
        self.curve_input.setObjectName("fdCurveInput")
        self.curve_input.setAccessibleName("Input whose error is plotted against h")
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("fdErrorPlot")
        self.plot.setLogMode(True, True)
        self.plot.setLabel("bottom", "step h")
        self.plot.setLabel("left", "relative error")
        self.curve = self.plot.plot([], [], symbol="o", symbolSize=5)
        self.marker = pg.InfiniteLine(angle=90)
        self.plot.addItem(self.marker)
        self.apply_look(theme.current_look)

        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel("h"))
        slider_row.addWidget(self.slider, 1)
        slider_row.addWidget(self.step_label)
        curve_row = QHBoxLayout()
        curve_row.addWidget(QLabel("Error against h for"))
        curve_row.addWidget(self.curve_input, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(slider_row)
        layout.addLayout(curve_row)
        layout.addWidget(self.plot, 1)

        self.slider.valueChanged.connect(self._step_moved)
        self.curve_input.currentTextChanged.connect(self._draw_curve)
        self._show_step_label()

    def apply_look(self, look: theme.Look) -> None:
        """The plot in the look's background and ink; the curve in the forward colour, h in the backward one."""
        self.plot.setBackground(look.background)
        for side in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(side)
            axis.setPen(pg.mkPen(look.ink))
            axis.setTextPen(pg.mkPen(look.ink))
        self.curve.setPen(pg.mkPen(look.forward, width=1))
        self.curve.setSymbolPen(pg.mkPen(look.forward))
        self.curve.setSymbolBrush(pg.mkBrush(look.forward))
        self.marker.setPen(pg.mkPen(look.backward, width=2))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Follow the window's look: gui.theme holds it before the palette changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_look(theme.current_look)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """A hidden panel may have missed a change of look."""
        super().showEvent(event)
        self.apply_look(theme.current_look)

    @property
    def step(self) -> float:
        """The h the slider points at."""
        return STEP_GRID[self.slider.value()]

    def show_graph(self, cg: ComputationGraph) -> None:
        """Check the gradients of this evaluated graph."""
        self.cg = cg
        refill(self.curve_input, cg.inputs)
        self._fill_table()
        self._draw_curve()

    def _step_moved(self, _index: int) -> None:
        self._show_step_label()
        self._fill_table()
        self.marker.setValue(math.log10(self.step))
        self.step_changed.emit(self.step)

    def _show_step_label(self) -> None:
        self.step_label.setText(f"h = {fmt(self.step, 2)}")
        self.marker.setValue(math.log10(self.step))

    def _fill_table(self) -> None:
        checks = check_gradients(self.cg, self.step) if self.cg is not None else []
        self.table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            cells = (check.name, fmt(check.analytic, 8), fmt(check.numeric, 8), fmt(check.error, 2))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _draw_curve(self, _name: str = "") -> None:
        name = self.curve_input.currentText()
        if self.cg is None or name not in self.cg.input_nodes:
            self.curve.setData([], [])
            return
        points = [(h, e) for h, e in error_curve(self.cg, name) if math.isfinite(e)]
        steps = np.array([h for h, _ in points], dtype=float)
        errors = np.array([max(e, ERROR_FLOOR) for _, e in points], dtype=float)
        self.curve.setData(steps, errors)
