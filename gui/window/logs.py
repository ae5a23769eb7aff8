"""The app's log: a rotating file in its data folder, and a last word on uncaught exceptions.

`setup_logging()` runs once at window start-up (gui/window/app.py). It sends Python `logging` (INFO and
up) to `backprop-studio.log` in the application's data folder (QStandardPaths.AppDataLocation;
on Linux ~/.local/share/Backprop Studio/…), rotated at 1 MB with 3 old files kept. It also
installs `sys.excepthook` and `threading.excepthook`: an exception nobody caught (say, in a Qt
slot) is logged with its traceback and the user sees a message box that does not block - what
went wrong in plain words and where the log is - while the app goes on running.

Modules log their user-visible failures with `log = logging.getLogger(__name__)` and
`log.warning(...)`; ordinary typing mistakes (formula errors) are not logged.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)

LOG_NAME = "backprop-studio.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"
from core.project import APPLICATION as FALLBACK_FOLDER_NAME


class _Reporter(QObject):
    """Lives in the GUI thread; a signal from any thread shows the message box there."""

    report = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.box: QMessageBox | None = None
        self.report.connect(self.show_box)

    def show_box(self, what: str) -> None:
        app = QApplication.instance()
        if app is None or not isinstance(app, QApplication):
            return
        box = self.box
        if box is None or not _alive(box):
            box = self.box = QMessageBox(QApplication.activeWindow())
            box.setObjectName("errorDialog")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Something went wrong")
            box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setText(f"Something went wrong: {what}\n\n"
                    "Backprop Studio is still running. If something looks wrong, save your "
                    "session and restart the app.")
        where = current_log_path()
        box.setInformativeText(f"The details are in the log:\n{where}" if where else
                               "The details could not be written to a log file.")
        box.open()  # not modal: the app keeps running


_state: dict = {"handler": None, "reporter": None, "hooks": None, "root_level": None}


def log_folder() -> Path:
    """The application's data folder (created if needed), where the log lives."""
    folder = ""
    if QApplication.instance() is not None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if not folder:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        folder = str(Path(base) / FALLBACK_FOLDER_NAME)
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def current_log_path() -> Path | None:
    """The log file in use, or None before setup_logging (or if it could not be opened)."""
    handler = _state["handler"]
    return Path(handler.baseFilename) if handler is not None else None


def setup_logging(folder: str | Path | None = None) -> Path | None:
    """Log to a rotating file and install the exception hooks; once (later calls return the path)."""
    if _state["hooks"] is not None:
        return current_log_path()
    root = logging.getLogger()
    try:
        path = Path(folder) if folder is not None else log_folder()
        path.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False)
    except OSError as error:  # no writable data folder: the app still runs, unlogged
        sys.stderr.write(f"Backprop Studio: cannot write its log ({error}); going on without one.\n")
        handler = None
    if handler is not None:
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        _state["root_level"] = root.level
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
    _state["handler"] = handler
    _state["reporter"] = _Reporter()
    _state["hooks"] = (sys.excepthook, threading.excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    log.info("Backprop Studio started (Python %s, %s)", sys.version.split()[0], sys.platform)
    return current_log_path()


def teardown_logging() -> None:
    """Undo setup_logging: restore the previous hooks and close the file (tests; the app's end)."""
    hooks = _state["hooks"]
    if hooks is not None:
        sys.excepthook, threading.excepthook = hooks
    handler = _state["handler"]
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
        logging.getLogger().setLevel(_state["root_level"])
    reporter = _state["reporter"]
    if reporter is not None:
        if reporter.box is not None and _alive(reporter.box):
            reporter.box.close()
            reporter.box.deleteLater()
        reporter.deleteLater()
    _state.update(handler=None, reporter=None, hooks=None, root_level=None)


def error_dialog() -> QMessageBox | None:
    """The message box that reported the last uncaught exception (None if none did)."""
    reporter = _state["reporter"]
    box = reporter.box if reporter is not None else None
    return box if box is not None and _alive(box) else None


def describe(exc_type: type[BaseException], value: BaseException | None) -> str:
    """An exception in plain words: its kind, and its message if it has one."""
    name = getattr(exc_type, "__name__", str(exc_type))
    text = str(value) if value is not None else ""
    return f"an unexpected error ({name}: {text})." if text else f"an unexpected error ({name})."


def _excepthook(exc_type, value, traceback) -> None:
    if issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
        previous = _state["hooks"][0] if _state["hooks"] else sys.__excepthook__
        previous(exc_type, value, traceback)
        return
    log.error("Uncaught exception", exc_info=(exc_type, value, traceback))
    _report(describe(exc_type, value))


def _thread_excepthook(args) -> None:
    if args.exc_type is SystemExit:
        return
    thread = args.thread.name if args.thread is not None else "a thread"
    log.error("Uncaught exception in %s", thread, exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    _report(describe(args.exc_type, args.exc_value))


def _report(what: str) -> None:
    reporter = _state["reporter"]
    if reporter is None or not _alive(reporter):
        sys.stderr.write(f"Backprop Studio: {what}\n")
        return
    try:
        reporter.report.emit(what)  # queued to the GUI thread when raised elsewhere
    except RuntimeError:
        sys.stderr.write(f"Backprop Studio: {what}\n")


def _alive(obj: QObject) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(obj)
    except ImportError:  # pragma: no cover - shiboken6 ships with PySide6
        return True
