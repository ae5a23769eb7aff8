"""Sessions: File → Save session / Open session / Open recent, autosave, and restoring after a crash.

What a session holds and how it is read and written (atomically, refusing bad files) is
core.session's business; this controller collects the window's state into a Session, puts a loaded
one back, remembers recent files in QSettings and runs the autosave timer.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox

from core.engine.graph import GraphError, build_graph
from core.teach.lessons import BY_KEY
from core.engine.parse import ParseError
from core.training.request import RequestError, TrainingRequest
from core.session import (
    Session, SessionError, autosave_path, autosave_to_restore, load_session, mark_clean_exit, save_session,
)

log = logging.getLogger(__name__)

AUTOSAVE_INTERVAL_MS = 60_000
MAX_RECENT = 8
FILE_FILTER = "Backprop Studio sessions (*.json);;All files (*)"
RECENT_KEY = "sessions/recent"


class SessionController(QObject):
    """Turns the window's state into a core.session.Session and back; keeps the recent files."""

    session_opened = Signal(str)  # the path of a session just opened
    session_saved = Signal(str)  # the path a session was just saved to

    def __init__(self, window, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.window = window  # the MainWindow: graph_page, appearance, lessons, training_page
        self._settings = settings
        self.path: str | None = None  # the file the session was last opened from or saved to
        # The last request opened, kept for saving while the Training page could not take it
        # (it failed to start); once the page is there, its own request() is what gets saved.
        self._training: TrainingRequest | None = None
        self.restore_dialog: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setObjectName("autosaveTimer")
        self.timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.timer.timeout.connect(self.autosave)

        self.open_action = self._action("openSessionAction", "&Open session…", QKeySequence.StandardKey.Open,
                                        self.open_dialog)
        self.save_action = self._action("saveSessionAction", "&Save session", QKeySequence.StandardKey.Save,
                                        self.save)
        self.save_as_action = self._action("saveSessionAsAction", "Save session &as…",
                                           QKeySequence.StandardKey.SaveAs, self.save_dialog)
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()

    def _action(self, name: str, text: str, key, slot) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        keys = QKeySequence.keyBindings(key)
        if name == "saveSessionAsAction" and not keys:
            keys = [QKeySequence("Ctrl+Shift+S")]
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        return action

    @property
    def actions(self) -> list[QAction]:
        """Open, save and save as, to add to the window."""
        return [self.open_action, self.save_action, self.save_as_action]

    # ----- the window's state <-> a Session --------------------------------------------------

    def collect(self) -> Session:
        """The window's state now, as a Session."""
        window = self.window
        page = window.graph_page
        return Session(
            formula=page.formula(), values=page.values.values(), step=page.player.step,
            lesson=window.lessons.key, theme=window.appearance.theme_name,
            ui_scale=window.appearance.scale, training=self._training_request(),
        )

    def apply(self, session: Session) -> None:
        """Bring the window to `session`; raise SessionError, changing nothing, if its formula is bad."""
        try:
            build_graph(session.formula)
        except (ParseError, GraphError) as error:
            raise SessionError(f"its formula does not make a graph: {error}") from None
        window = self.window
        page = self._training_page(install=session.training is not None)
        if page is not None and session.training is not None:
            try:
                page.set_request(session.training)  # first: a refusal must change nothing
            except RequestError as error:
                raise SessionError(f"its training settings do not fit: {error}") from None
        self._training = session.training
        window.appearance.configure(session.theme, session.ui_scale)
        window.graph_page.load_source(session.formula, session.values, session.step)
        if session.lesson in BY_KEY:
            window.lessons.open_lesson(session.lesson, load=False)
        else:
            window.lessons.close_lesson()

    def _training_page(self, install: bool = False):
        """The window's Training page, built now if `install`; None while it is a placeholder."""
        if install:
            self.window.install_training_page()  # a no-op once built
        page = self.window.training_page
        return None if isinstance(page, QLabel) else page  # "could not start" or not built yet

    def _training_request(self) -> TrainingRequest | None:
        page = self._training_page()
        return page.request() if page is not None else self._training

    # ----- files -----------------------------------------------------------------------------

    def save_session(self, path: str) -> bool:
        """Save the window's state to `path`; False (and a message) if it cannot be written."""
        try:
            save_session(path, self.collect())
        except SessionError as error:
            self._refuse("Could not save the session", str(error))
            return False
        self.path = str(path)
        self._add_recent(self.path)
        self.window.statusBar().showMessage(f"Saved the session to {path}", 8000)
        self.session_saved.emit(self.path)
        return True

    def open_session(self, path: str) -> bool:
        """Open the session at `path`; a bad file is refused with a message and changes nothing."""
        try:
            session = load_session(path)
            try:
                self.apply(session)
            except SessionError as error:
                raise SessionError(f"'{Path(path).name}': {error}") from None
        except SessionError as error:
            self._refuse("Could not open the session", str(error))
            return False
        self.path = str(path)
        self._add_recent(self.path)
        self.window.statusBar().showMessage(f"Opened the session {Path(path).name}", 8000)
        self.session_opened.emit(self.path)
        return True

    def save(self) -> bool:
        """Save to the file the session came from, or ask where."""
        return self.save_session(self.path) if self.path else self.save_dialog()

    def save_dialog(self) -> bool:
        """Ask for a file name, then save."""
        suggestion = self.path or str(Path(_documents()) / "backprop-session.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the session", suggestion, FILE_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_session(path)

    def open_dialog(self) -> bool:
        """Ask for a session file, then open it."""
        folder = str(Path(self.path).parent) if self.path else _documents()
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a session", folder, FILE_FILTER)
        return self.open_session(path) if path else False

    def _refuse(self, title: str, message: str) -> None:
        log.warning("%s: %s", title, message)
        self.window.statusBar().showMessage(f"{title}: {message}")
        self.window.show_message(title, f"<p>{escape(message)}</p><p>Nothing was changed.</p>")

    # ----- recent files ----------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """Sessions opened or saved lately, newest first."""
        value = self._settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(path) for path in (value or []) if path]

    def _add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self.recent_files() if p != path]
        self._settings.setValue(RECENT_KEY, recent[:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, path=path: self.open_session(path))
        if not recent:
            self.recent_menu.addAction("(no sessions yet)").setEnabled(False)

    # ----- autosave and crash recovery -------------------------------------------------------

    def start(self) -> None:
        """Offer to restore a session a crash left behind, else start autosaving now."""
        folder = autosave_folder()
        crashed = autosave_to_restore(folder) if folder else None
        if crashed is None:
            self.timer.start()
            return
        dialog = self.restore_dialog = QMessageBox(self.window)
        dialog.setObjectName("restoreDialog")
        dialog.setIcon(QMessageBox.Icon.Question)
        dialog.setWindowTitle("Restore your last session?")
        dialog.setText("Backprop Studio did not close normally last time. "
                       "Restore what you were working on (formula, values, step, lesson, look, "
                       "training settings)?")
        dialog.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        dialog.setDefaultButton(QMessageBox.StandardButton.Yes)
        dialog.finished.connect(lambda _result: self._restore_answered(dialog, crashed, folder))
        dialog.open()  # not modal: the window runs on, and tests are never blocked

    def _restore_answered(self, dialog: QMessageBox, crashed: Path, folder: str) -> None:
        self.restore_dialog = None
        if dialog.standardButton(dialog.clickedButton()) == QMessageBox.StandardButton.Yes:
            if not self.open_session(str(crashed)):
                mark_clean_exit(folder)
        else:
            mark_clean_exit(folder)  # declined: do not ask again
        self.timer.start()

    def autosave(self) -> Path | None:
        """Write the window's state to the autosave file; None when there is nowhere to write it."""
        folder = autosave_folder()
        if not folder:
            return None
        try:
            path = autosave_path(folder)
            save_session(path, self.collect())
        except (OSError, SessionError) as error:
            log.warning("Autosave to %s failed: %s", folder, error)
            self.window.statusBar().showMessage(f"Autosave failed: {error}", 8000)
            return None
        return path

    def shutdown(self) -> None:
        """Autosave once more and mark a clean exit (the window is closing)."""
        self.timer.stop()
        if self.restore_dialog is not None:
            self.restore_dialog.finished.disconnect()
            self.restore_dialog.close()
            return  # the crashed session was neither restored nor declined: keep offering it
        folder = autosave_folder()
        if folder and self.autosave() is not None:
            try:
                mark_clean_exit(folder)
            except SessionError:
                pass


def autosave_folder() -> str:
    """Where autosaves go: the application's data folder ("" if the platform has none)."""
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)


def _documents() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
