"""The app's log: uncaught exceptions are logged and shown without stopping the app, and the
user-visible failures leave a WARNING line in the log file."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPlainTextEdit

from gui.window import logs
from tests.gui.conftest import show_active


@pytest.fixture
def log_file(tmp_path):
    """The app's logging set up as at start-up, in the test's data folder; undone afterwards."""
    hooks = (sys.excepthook, threading.excepthook)
    path = logs.setup_logging()
    assert path is not None and path.is_relative_to(tmp_path)  # XDG_DATA_HOME is under tmp_path
    yield path
    logs.teardown_logging()
    assert (sys.excepthook, threading.excepthook) == hooks


@pytest.fixture
def window(qtbot):
    from gui.window.main_window import MainWindow

    main_window = MainWindow()
    qtbot.addWidget(main_window)
    show_active(qtbot, main_window)
    yield main_window
    main_window.close()


def visible_error_box(qtbot):
    qtbot.waitUntil(lambda: logs.error_dialog() is not None and logs.error_dialog().isVisible(), timeout=3000)
    return logs.error_dialog()


@pytest.mark.qt_no_exception_capture  # the app's own hook must see it, as in the real app
def test_an_exception_in_a_slot_is_logged_and_shown_and_the_window_goes_on(qtbot, log_file, window):
    def broken_slot():
        raise ZeroDivisionError("the slot divided by zero")

    QTimer.singleShot(0, broken_slot)
    box = visible_error_box(qtbot)
    assert "ZeroDivisionError: the slot divided by zero" in box.text()
    assert "still running" in box.text()
    assert str(log_file) in box.informativeText()
    text = log_file.read_text()
    assert "ERROR gui.window.logs" in text and "Uncaught exception" in text
    assert "Traceback (most recent call last)" in text and "in broken_slot" in text
    assert "ZeroDivisionError: the slot divided by zero" in text
    box.close()

    # the window still works: a new formula makes a new graph
    editor = window.findChild(QPlainTextEdit, "formulaEditor")
    editor.set_formula("a*b + c")
    qtbot.waitUntil(lambda: window.graph_page.source == "a*b + c", timeout=3000)
    assert window.graph_page.cg is not None


def test_an_exception_in_a_thread_is_logged_and_shown(qtbot, log_file):
    def work():
        raise RuntimeError("the worker gave up")

    worker = threading.Thread(target=work, name="soak-worker")
    worker.start()
    worker.join()
    box = visible_error_box(qtbot)  # shown by the GUI thread, queued from the worker
    assert "RuntimeError: the worker gave up" in box.text()
    text = log_file.read_text()
    assert "Uncaught exception in soak-worker" in text and "in work" in text
    box.close()


def test_a_session_that_cannot_be_opened_writes_a_warning(qtbot, log_file, window, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{ this is not json")
    assert window.open_session(str(bad)) is False
    warnings = [line for line in log_file.read_text().splitlines() if " WARNING " in line]
    assert any("gui.window.sessions" in line and "Could not open the session: 'broken.json'" in line
               for line in warnings), warnings
    assert logs.error_dialog() is None  # a refused file is an ordinary message, not a crash


def test_the_log_rotates_at_one_megabyte_with_three_old_files(log_file):
    handler = next(h for h in logging.getLogger().handlers
                   if getattr(h, "baseFilename", None) == str(log_file))
    assert handler.maxBytes == 1_000_000 and handler.backupCount == 3
    assert Path(handler.baseFilename).name == "backprop-studio.log"
