"""The autograd lab beside the graph: numerical checks, second derivatives and forward mode.

It is handed each evaluated graph (`show_graph`) and computes nothing itself: core.lab does.
It asks for a new graph on the page only through `program_requested` (backward-program text).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from core.engine.graph import ComputationGraph
from gui.lab.action import lab_action
from gui.lab.fd_panel import FiniteDifferencePanel
from gui.lab.forward_panel import ForwardModePanel
from gui.lab.second_panel import SecondDerivativePanel


class LabPanel(QWidget):
    """Three tabs over the page's current graph; hidden until View ▸ Autograd lab shows it."""

    program_requested = Signal(str)  # backward-program text the page should show as its graph

    def __init__(self, parent: QWidget | None = None, toggle_action: QAction | None = None):
        super().__init__(parent)
        self.setObjectName("labPanel")
        self.setAccessibleName("Autograd lab")
        self.fd = FiniteDifferencePanel()
        self.second = SecondDerivativePanel()
        self.forward = ForwardModePanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("labTabs")
        self.tabs.addTab(self.fd, "Numerical check")
        self.tabs.addTab(self.second, "Second derivatives")
        self.tabs.addTab(self.forward, "Forward mode")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.toggle_action = toggle_action or lab_action(self)
        self.toggle_action.toggled.connect(self.setVisible)
        self.second.program_requested.connect(self.program_requested)
        self._pending: ComputationGraph | None = None  # the newest graph, not yet shown (while hidden)
        self.hide()

    def show_graph(self, cg: ComputationGraph) -> None:
        """Take the page's newly evaluated graph; the work waits until the panel is visible."""
        self._pending = cg
        if self.isVisible():
            self._refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.toggle_action.setChecked(True)
        self._refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        if self.isHidden():  # hidden itself, not only with its page (another tab, the window)
            self.toggle_action.setChecked(False)

    def _refresh(self) -> None:
        cg, self._pending = self._pending, None
        if cg is None:
            return
        for panel in (self.fd, self.second, self.forward):
            panel.show_graph(cg)
