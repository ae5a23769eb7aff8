"""View ▸ Autograd lab, without the lab: the window's menu needs the action long before the panel.

The panel itself (gui.lab.lab_panel) imports pyqtgraph for its error plot, so the window builds
it the first time the action is checked.
"""

from __future__ import annotations

from PySide6.QtGui import QAction


def lab_action(parent) -> QAction:
    """View ▸ Autograd lab: the checkable action that shows and hides the panel."""
    action = QAction("Autograd &lab", parent)
    action.setObjectName("labAction")
    action.setCheckable(True)
    return action
