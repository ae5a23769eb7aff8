"""Helpers for tests that drive the whole main window: open one, click graph items, read labels."""

from PySide6.QtCore import Qt

from gui.graph.view import GraphView
from tests.gui.conftest import running_timers, show_active


def open_window(qtbot, width: int = 1400, height: int = 900):
    """A shown, active MainWindow (fresh settings and data folders come from conftest)."""
    from gui.window.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)  # it opens maximized: tests choose its size
    show_active(qtbot, window, width, height)
    return window


def close_window(window) -> None:
    """Close a window as the user would; it must leave no timer running."""
    window.close()
    assert running_timers(window) == []


def node_named(window, symbol: str) -> int:
    """The id of the node whose symbol (name) is `symbol` in the graph shown."""
    cg = window.graph_page.cg
    return next(n for n in cg.nodes if cg.node(n)["symbol"] == symbol)


def click_node(qtbot, view: GraphView, node_id: int) -> None:
    """Click the middle of a node's outline."""
    item = view.node_items()[node_id]
    qtbot.waitUntil(lambda: not view.gliding())  # a view following the step must have arrived
    view.ensureVisible(item.sceneBoundingRect())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(item.outline().center()))


def click_edge(qtbot, view: GraphView, edge) -> None:
    """Click an edge's local-derivative label (part of the edge, like the line itself)."""
    label = view.edge_items()[edge].local_label
    qtbot.waitUntil(lambda: not view.gliding())
    view.ensureVisible(label.sceneBoundingRect())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(label.sceneBoundingRect().center()))


def plain(text: str) -> str:
    """Drawn text with the typographic minus read back as a hyphen."""
    return text.replace("\u2212", "-")


def labels_of(item) -> list[str]:
    """The texts an item's labels show now (empty ones left out)."""
    return [plain(label.text()) for label in item.labels() if label.text()]
