"""Shared fixtures for GUI tests: offscreen Qt, throwaway settings, pages that must stop their timers."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402


@pytest.fixture(autouse=True)
def settings_folder(tmp_path, monkeypatch):
    """Point the user's INI settings and data (autosaves) at temporary folders, never real ones."""
    folder = tmp_path / "settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return folder


def running_timers(widget: QWidget) -> list[str]:
    """Names of the QTimers under `widget` that are still running."""
    return [timer.objectName() or repr(timer) for timer in widget.findChildren(QTimer) if timer.isActive()]


def show_active(qtbot, widget: QWidget, width: int = 1400, height: int = 900) -> None:
    """Show a top-level widget and make it the active window, so its shortcuts work."""
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


@pytest.fixture
def page(qtbot):
    """A GraphPage showing the lecture preset; on teardown it closes and must leave no timer running."""
    from gui.graph.page import GraphPage

    graph_page = GraphPage()
    qtbot.addWidget(graph_page)
    show_active(qtbot, graph_page)
    yield graph_page
    graph_page.close()
    assert running_timers(graph_page) == []
