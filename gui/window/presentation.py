"""Presentation mode (F5 / Esc): full screen, the graph and its caption only, projector look, B blanks."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from gui.window.appearance import AppearanceController
from gui.window.blank_screen import BlankScreen
from gui.graph.page import GraphPage
from gui.widgets.actions import make_action


class PresentationController(QObject):
    """Reduces the window to what a lecture hall needs, and puts everything back afterwards."""


    def __init__(self, window: QMainWindow, page: GraphPage, appearance: AppearanceController,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.page, self.appearance = window, page, appearance
        self.presenting = False
        self._before: dict | None = None  # what to restore: chrome, page, window state
        self.blank_screen = BlankScreen(window)
        self.blank_screen.dismissed.connect(self.unblank)

        self.action = QAction("&Presentation", self)
        self.action.setObjectName("presentationAction")
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("F5"))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip("Full screen, large and high-contrast, for a projector (F5; Esc leaves)")
        self.action.toggled.connect(self.set_presenting)
        self.leave_action = self._action("leavePresentationAction", "Leave the presentation", ["Esc"],
                                         lambda: self.set_presenting(False))
        self.blank_action = self._action("blankScreenAction", "&Blank the screen", ["B", "."], self.toggle_blank)
        for action in (self.leave_action, self.blank_action):
            action.setEnabled(False)

    def _action(self, name: str, text: str, keys: list[str], slot) -> QAction:
        return make_action(self, name, text, keys, slot)

    @property
    def actions(self) -> list[QAction]:
        """The actions to add to the window, so their keys work with the menu bar hidden."""
        return [self.action, self.leave_action, self.blank_action]

    def set_presenting(self, presenting: bool) -> None:
        """Enter or leave presentation mode."""
        if self.action.isChecked() != presenting:
            self.action.setChecked(presenting)  # comes back here through toggled
            return
        if presenting == self.presenting:
            return
        self.presenting = presenting
        window = self.window
        if presenting:
            self._before = {
                "menu": not window.menuBar().isHidden(), "status": not window.statusBar().isHidden(),
                "tabs": not window.pages.tabBar().isHidden(), "page": window.pages.currentIndex(),
                "full_screen": window.isFullScreen(), "maximized": window.isMaximized(),
            }
            window.pages.setCurrentWidget(self.page)
            window.menuBar().hide()
            window.statusBar().hide()
            window.pages.tabBar().hide()
            self.page.set_presenting(True)
            self.appearance.set_presenting(True)
            window.showFullScreen()
        else:
            self.unblank()
            before = self._before or {}
            self._before = None
            self.page.set_presenting(False)
            self.appearance.set_presenting(False)
            window.menuBar().setVisible(before.get("menu", True))
            window.statusBar().setVisible(before.get("status", True))
            window.pages.tabBar().setVisible(before.get("tabs", True))
            window.pages.setCurrentIndex(before.get("page", 0))
            if not before.get("full_screen"):
                window.showMaximized() if before.get("maximized") else window.showNormal()
        self.leave_action.setEnabled(presenting)
        self.blank_action.setEnabled(presenting)
        self.page.focus_graph()

    @property
    def blanked(self) -> bool:
        """Whether the screen is blacked out."""
        return not self.blank_screen.isHidden()

    def toggle_blank(self) -> None:
        """Black the screen out (B); the next key or click brings the window back."""
        if self.blanked:
            self.unblank()
        else:
            self.blank_screen.cover()

    def unblank(self) -> None:
        """Show the window again."""
        if self.blanked:
            self.blank_screen.hide()
            self.page.focus_graph()
