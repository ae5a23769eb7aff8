"""The main window: the Graph and Training pages, the menus, the status bar, remembered settings.

The window builds the pages and wires the controllers that own each feature: appearance (theme,
text size), presentation mode, lessons, quiz mode and sessions. It keeps only the menus, the
exports and the settings that belong to the window itself.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QFrame, QLabel, QMainWindow, QMessageBox, QScrollArea, QTabWidget, QWidget,
)

from core.teach.handout import DEFAULT_TITLE, write_handout
from core.teach.lessons import BY_KEY as LESSONS_BY_KEY
from gui import theme
from core.project import APPLICATION, ORGANIZATION
from gui.window.appearance import AppearanceController
from gui.export.dialog import AnimationOptions, ask_step_options, export_steps
from gui.graph.page import GraphPage
from gui.learn.lesson_controller import LessonController
from gui.lab.action import lab_action
from gui.learn.lesson_panel import LessonPanel
from gui.window.presentation import PresentationController
from gui.learn.quiz_controller import QuizController
from gui.learn.quiz_panel import QuizPanel
from gui.window.sessions import SessionController
from gui.trace.controller import TraceController

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1280, 800)
TAB_POINT_SIZE = 13
from core.project import ICON_PATH  # noqa: E402

if TYPE_CHECKING:
    from gui.lab.lab_panel import LabPanel  # built on first use: see _lab_toggled

KEYS_HELP = [
    ("Space", "play / pause"),
    ("Right, Page Down", "next step (presenter clickers send Page Down)"),
    ("Left, Page Up", "previous step"),
    ("Home / End", "first step / last step"),
    ("+  /  -", "zoom the graph in / out"),
    ("0", "fit the graph to the window"),
    ("Ctrl + =  /  Ctrl + -  /  Ctrl + 0", "bigger / smaller / normal text, everywhere (1× to 3×)"),
    ("Ctrl + B", "show or hide the formula panel (the graph gets the whole width)"),
    ("F5, Esc", "presentation mode for a projector, and leaving it"),
    ("B", "blank the screen in presentation mode (any key brings it back)"),
    ("F6", "quiz mode: numbers become ?, click one and type its value"),
    ("F7", "predict the next gradient before each backward step"),
    ("Ctrl + N", "a new exercise, in quiz mode"),
    ("Ctrl + Page Down / Up", "next / previous lesson"),
    ("Ctrl + O, Ctrl + S", "open / save a session"),
    ("F11", "full screen"),
    ("Mouse wheel, drag", "zoom and pan the graph"),
    ("Click a node or arrow", "show its formula, value, local derivative and gradient"),
]
SOON_TEXT = (
    "Preparing the training page…\n\n"
    "Four linear-regression variants side by side — by hand, with autograd.grad, with "
    "nn.Module and with nn.Sequential — with live loss plots."
)


class MainWindow(QMainWindow):
    """Backprop Studio's window: a Graph page and a Training page under File, View and Help menus."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APPLICATION)
        self.setAccessibleName(APPLICATION)
        self.graph_page = GraphPage()
        self.training_page = _placeholder(SOON_TEXT)
        self._training_tab: QWidget = self.training_page  # the page, or the scroll area around it
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setAccessibleName("Pages")
        self.pages.setDocumentMode(True)
        font = self.pages.tabBar().font()
        font.setPointSize(TAB_POINT_SIZE)
        self.pages.tabBar().setFont(font)
        self.pages.addTab(self.graph_page, "Graph")
        self.pages.addTab(self.training_page, "Training")
        self.setCentralWidget(self.pages)
        if ICON_PATH.exists():
            self.setWindowIcon(QIcon(str(ICON_PATH)))
        self._dialog: QMessageBox | None = None
        self._settings = window_settings()
        self._font_scale = 1.0  # the text size the panels are sized for
        self._training_message = ""  # the Training page's last status sentence, shown on its tab
        self._make_controllers()
        self._make_menus()
        self._make_status_bar()

        self.graph_page.status_message.connect(self.statusBar().showMessage)
        for controller in (self.quiz, self.lessons, self.traces):
            controller.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.graph_page.trace_changed.connect(self._trace_changed)
        self.lessons.training_requested.connect(self.show_training_page)
        self.sessions.session_opened.connect(self._show_file_in_title)
        self.sessions.session_saved.connect(self._show_file_in_title)
        self.statusBar().showMessage(self.graph_page.status_text)
        self.pages.currentChanged.connect(self._page_changed)
        # Restoring the Training tab as the current page must not build it before the first
        # paint (pyqtgraph and the training process cost more than the rest of the window):
        # the placeholder shows until the page is built, right after the first paint.
        self._starting = True
        self._restore_settings()
        self.appearance.apply()
        self._page_changed(self.pages.currentIndex())
        self._starting = False
        self.sessions.start()
        self._training_scheduled = False  # the Training page is built right after the first paint

    def _make_controllers(self) -> None:
        page = self.graph_page
        self.quiz_panel = QuizPanel()
        page.add_above_caption(self.quiz_panel)
        self.lesson_panel = LessonPanel()
        page.add_notes_panel(self.lesson_panel)
        # The autograd lab (View ▸ Autograd lab) is built the first time it is asked for: its
        # plot needs pyqtgraph, which would add ~170 ms to every start-up.
        self.lab_panel: LabPanel | None = None
        self.lab_action = lab_action(self)
        self.lab_action.toggled.connect(self._lab_toggled)
        self.appearance = AppearanceController(self, self._restyle, self._settings, self)
        self.quiz = QuizController(page, self.quiz_panel, self)
        self.lessons = LessonController(page, self.lesson_panel, self.quiz, self)
        self.presentation = PresentationController(self, page, self.appearance, self)
        self.sessions = SessionController(self, self._settings, self)
        self.traces = TraceController(page, self)
        for controller in (self.appearance, self.quiz, self.lessons, self.presentation, self.sessions):
            self.addActions(controller.actions)  # their keys work even with the menu bar hidden

    # ----- building -------------------------------------------------------------------------


    def _lab_toggled(self, on: bool) -> None:
        """Show or hide the autograd lab, building it (and importing its plot) the first time."""
        if self.lab_panel is None:
            if not on:
                return
            from gui.lab.lab_panel import LabPanel

            page = self.graph_page
            self.lab_panel = LabPanel(toggle_action=self.lab_action)
            page.add_notes_panel(self.lab_panel)
            page.graph_changed.connect(self.lab_panel.show_graph)
            self.lab_panel.program_requested.connect(page.load_source)
            if page.cg is not None:
                self.lab_panel.show_graph(page.cg)
        self.lab_panel.setVisible(on)
    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("fileMenu")
        self.file_menu = file_menu
        file_menu.addAction(self.sessions.open_action)
        file_menu.addMenu(self.sessions.recent_menu)
        file_menu.addAction(self.sessions.save_action)
        file_menu.addAction(self.sessions.save_as_action)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export…")
        export_menu.setObjectName("exportMenu")
        self.export_png_action = export_menu.addAction("PNG image (2× scale)…", self.export_png)
        self.export_png_action.setObjectName("exportPngAction")
        self.export_svg_action = export_menu.addAction("SVG drawing (text stays text)…", self.export_svg)
        self.export_svg_action.setObjectName("exportSvgAction")
        self.export_animation_action = file_menu.addAction("Export &animation…", lambda: self.export_animation())
        self.export_animation_action.setObjectName("exportAnimationAction")
        handout_menu = file_menu.addMenu("Export &handout…")
        handout_menu.setObjectName("handoutMenu")
        self.handout_action = handout_menu.addAction(
            "&Solution (with every answer), Markdown or LaTeX…", lambda: self.export_handout(with_answers=True))
        self.handout_action.setObjectName("exportHandoutAction")
        self.problem_sheet_action = handout_menu.addAction(
            "&Problem sheet (gaps to fill), Markdown or LaTeX…", lambda: self.export_handout(with_answers=False))
        self.problem_sheet_action.setObjectName("exportProblemSheetAction")
        file_menu.addSeparator()
        self.quit_action = file_menu.addAction("&Quit", self.close)
        self.quit_action.setObjectName("quitAction")
        self.quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")])

        view_menu = bar.addMenu("&View")
        view_menu.setObjectName("viewMenu")
        view_menu.addActions(self.graph_page.zoom_actions)
        view_menu.addSeparator()
        view_menu.addActions(self.graph_page.playback_actions)
        view_menu.addSeparator()
        self.graph_tab_action = self._page_action("&Graph page", "Ctrl+1", 0)
        self.training_tab_action = self._page_action("&Training page", "Ctrl+2", 1)
        view_menu.addActions([self.graph_tab_action, self.training_tab_action])
        view_menu.addMenu(self.traces.menu)
        view_menu.addAction(self.lab_action)
        self.full_screen_action = view_menu.addAction("F&ull screen", self._toggle_full_screen)
        self.full_screen_action.setObjectName("fullScreenAction")
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.setShortcuts(
            QKeySequence.keyBindings(QKeySequence.StandardKey.FullScreen) or [QKeySequence("F11")])
        view_menu.addAction(self.presentation.action)
        view_menu.addAction(self.presentation.blank_action)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("T&heme")
        theme_menu.setObjectName("themeMenu")
        theme_menu.addActions(list(self.appearance.theme_actions.values()))
        view_menu.addActions(self.appearance.actions)

        learn_menu = bar.addMenu("&Learn")
        learn_menu.setObjectName("learnMenu")
        lessons_menu = learn_menu.addMenu("&Lessons")
        lessons_menu.setObjectName("lessonsMenu")
        lessons_menu.addActions(list(self.lessons.lesson_actions.values()))
        learn_menu.addActions([self.lessons.next_action, self.lessons.previous_action, self.lessons.close_action])
        learn_menu.addSeparator()
        learn_menu.addAction(self.quiz.quiz_action)
        learn_menu.addActions(list(self.quiz.hide_actions.values()))
        learn_menu.addAction(self.quiz.predict_action)
        learn_menu.addSeparator()
        learn_menu.addAction(self.quiz.exercise_action)
        learn_menu.addActions(list(self.quiz.difficulty_actions.values()))
        learn_menu.addSeparator()
        learn_menu.addMenu(self.traces.menu)

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("helpMenu")
        self.shortcuts_action = help_menu.addAction("&Keyboard shortcuts", self.show_shortcuts)
        self.shortcuts_action.setObjectName("shortcutsAction")
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.about_action = help_menu.addAction(f"&About {APPLICATION}", self.show_about)
        self.about_action.setObjectName("aboutAction")

    def _toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.full_screen_action.setChecked(self.isFullScreen())

    def _page_action(self, text: str, key: str, index: int) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda: self.pages.setCurrentIndex(index))
        return action

    def _make_status_bar(self) -> None:
        status = self.statusBar()
        status.setObjectName("statusBar")
        self.keys_hint = QLabel("Space play/pause · ←/→ step · F5 present · F6 quiz · F1 keys")
        self.keys_hint.setObjectName("keysHint")
        status.addPermanentWidget(self.keys_hint)

    def set_training_page(self, page: QWidget) -> None:
        """Replace the Training placeholder with the real page."""
        index = self.pages.indexOf(self._training_tab)
        was_current = self.pages.currentIndex() == index
        self.pages.removeTab(index)
        self._training_tab.deleteLater()
        self.training_page = page
        # Scrolls on a small screen (a 1024-px projector) instead of widening the window.
        self._training_tab = QScrollArea()
        self._training_tab.setObjectName("trainingScroll")
        self._training_tab.setWidgetResizable(True)
        self._training_tab.setFrameShape(QFrame.Shape.NoFrame)
        self._training_tab.setWidget(page)
        self.pages.insertTab(index, self._training_tab, "Training")
        if was_current:
            self.pages.setCurrentIndex(index)
        self.appearance.follow(page)  # its colours for the look in use, now and at each change
        page.show_graph_requested.connect(self.show_torch_graph)

    def paintEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """After the first paint, build the Training page (pyqtgraph and its training process)."""
        super().paintEvent(event)
        if not self._training_scheduled:
            self._training_scheduled = True
            QTimer.singleShot(0, self.install_training_page)

    def show_training_page(self) -> None:
        """Switch to the Training tab (building the page if it is not built yet)."""
        self.pages.setCurrentWidget(self._training_tab)

    def install_training_page(self) -> None:
        """Replace the placeholder with the real Training page (once; also on first use)."""
        if not isinstance(self.training_page, QLabel):
            return
        try:
            from gui.training.page import TrainingPage  # pyqtgraph loads after the window is up

            page = TrainingPage()
        except Exception as error:  # say so on the tab; the Graph page goes on working
            log.warning("The training page could not start", exc_info=True)
            self.training_page.setText(f"The training page could not start:\n{error}")
            self._training_scheduled = True
            return
        self.set_training_page(page)
        page.status_message.connect(self._training_status)
        self.file_menu.insertAction(self.file_menu.actions()[0], page.open_dataset_action)
        self.file_menu.insertAction(self.export_animation_action, page.export_animation_action)

    def _training_status(self, text: str) -> None:
        self._training_message = text
        if self.pages.currentWidget() is self._training_tab:
            self.statusBar().showMessage(text)

    def show_torch_graph(self, name: str) -> None:
        """Open the Graph page on torch's graph of variant `name`, at the Training page's parameters."""
        placeholder = isinstance(self.training_page, QLabel)  # "could not start": the defaults
        request = None if placeholder else self.training_page.trace_request(name)
        self.pages.setCurrentWidget(self.graph_page)
        self.traces.open_trace(name, request)

    def _trace_changed(self, trace) -> None:
        """Quiz and prediction ask about formulas: off while torch's graph is shown."""
        if trace is not None:
            self.quiz.predict_action.setChecked(False)
            self.quiz.set_active(False)
        self._page_changed(self.pages.currentIndex())

    def _restyle(self, look: theme.Look, font_scale: float) -> None:
        """Called by the appearance controller once the palette and fonts changed."""
        scale = self.appearance.scale  # not the presentation boost: the panels are hidden then
        if scale != self._font_scale:
            self.graph_page.scale_panels(scale / self._font_scale)  # room for the larger text
            self._font_scale = scale
        self.graph_page.set_text_scale(scale)
        self.graph_page.restyle(look)
        self.quiz_panel.apply_look(look)
        self.keys_hint.setStyleSheet(f"color: {look.soft_text}; padding-right: 8px;")
        if isinstance(self.training_page, QLabel):
            self.training_page.setStyleSheet(f"color: {look.soft_text};")

    # ----- sessions -------------------------------------------------------------------------

    def save_session(self, path: str) -> bool:
        """Save formula, values, step, lesson, look and training settings to `path` (File → Save)."""
        return self.sessions.save_session(path)

    def open_session(self, path: str) -> bool:
        """Open a saved session (File → Open); a bad file is refused and nothing changes."""
        return self.sessions.open_session(path)

    def _show_file_in_title(self, path: str) -> None:
        self.setWindowTitle(f"{Path(path).name} — {APPLICATION}")

    # ----- menu commands --------------------------------------------------------------------

    def export_png(self, path: str | None = None) -> str | None:
        """Save the graph as a PNG at twice the screen scale; ask where unless `path` is given."""
        return self._export("png", "PNG image (*.png)", path, lambda p: self.graph_page.export_png(p, scale=2.0))

    def export_svg(self, path: str | None = None) -> str | None:
        """Save the graph as an SVG drawing; ask where unless `path` is given."""
        return self._export("svg", "SVG drawing (*.svg)", path, self.graph_page.export_svg)

    def _export(self, suffix: str, filter_text: str, path: str | None, write) -> str | None:
        if not path:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
            suggestion = str(Path(folder or Path.home()) / f"computation-graph.{suffix}")
            path, _ = QFileDialog.getSaveFileName(self, f"Export the graph as {suffix.upper()}", suggestion, filter_text)
            if not path:
                return None
        if not path.lower().endswith(f".{suffix}"):
            path += f".{suffix}"
        try:
            note = write(path)  # a note when a PNG was scaled down to its size limit
        except (OSError, ValueError) as error:
            log.warning("Could not export the graph to %s: %s", path, error)
            self.statusBar().showMessage(f"Could not export to {path}: {error}")
            self._show_dialog("Export failed", f"<p>Could not write {escape(path)}:</p><p>{escape(str(error))}</p>")
            return None
        self.statusBar().showMessage(f"Exported the graph to {path}" + (f" ({note})" if note else ""), 15000)
        return path

    def export_animation(self, path: str | None = None, options: AnimationOptions | None = None):
        """File → Export animation…: every step as PDF slides or a GIF; returns the running export.

        Without options it opens the options dialog and comes back here when they are chosen.
        """
        cg = self.graph_page.cg
        if cg is not None and options is None:
            ask_step_options(self, cg, lambda chosen: self.export_animation(path, chosen))
            return None
        try:
            progress = export_steps(self, cg, path, options)
        except ValueError as error:
            self.statusBar().showMessage(str(error), 8000)
            return None
        if progress is not None:
            progress.finished.connect(lambda done: self.statusBar().showMessage(f"Exported the animation to {done}", 8000))
            progress.failed.connect(lambda why: self._show_dialog("Export failed", f"<p>{escape(why)}</p>"))
        return progress

    def export_handout(self, path: str | None = None, with_answers: bool = True) -> str | None:
        """Write the graph's derivation as Markdown (.md) or LaTeX (.tex); ask where unless given."""
        page = self.graph_page
        if page.cg is None:
            return None
        if not path:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            name = "backprop-solution.md" if with_answers else "backprop-problems.md"
            what = "solution" if with_answers else "problem sheet"
            path, chosen = QFileDialog.getSaveFileName(
                self, f"Export a handout ({what})", str(Path(folder or Path.home()) / name),
                "Markdown (*.md);;LaTeX (*.tex)")
            if not path:
                return None
            if not Path(path).suffix:
                path += ".tex" if "tex" in (chosen or "") else ".md"
        lesson = LESSONS_BY_KEY.get(self.lessons.key or "")
        title = lesson.title if lesson else DEFAULT_TITLE
        try:
            written = write_handout(page.cg, path, source=page.source, title=title, with_answers=with_answers)
        except ValueError as error:
            log.warning("Could not export the handout to %s: %s", path, error)
            self.statusBar().showMessage(f"Could not export the handout: {error}")
            self.show_message("Export failed", f"<p>{escape(str(error))}</p>")
            return None
        self.statusBar().showMessage(f"Exported the handout to {written}", 8000)
        return str(written)

    def show_shortcuts(self) -> None:
        """List the keyboard shortcuts in a small window."""
        rows = "".join(f"<tr><td><b>{key}</b></td><td style='padding-left: 14px'>{what}</td></tr>" for key, what in KEYS_HELP)
        self._show_dialog("Keyboard shortcuts", f"<table>{rows}</table><p>While you type a formula, "
                          "Space and the arrow keys edit the text; click the graph to step again.</p>")

    def show_about(self) -> None:
        """Say what Backprop Studio is."""
        self._show_dialog(
            f"About {APPLICATION}",
            f"<h3>{APPLICATION}</h3><p>See how backpropagation works: type a formula, watch its "
            "computation graph, and step through the forward and backward passes while the caption "
            "spells out the chain rule with numbers.</p>",
        )

    def show_message(self, title: str, html: str) -> None:
        """Tell the user something in a small window that does not block (a message box, opened)."""
        self._show_dialog(title, html)

    def _show_dialog(self, title: str, html: str) -> None:
        # open(), not a modal loop: the window keeps running (and tests are never blocked)
        if self._dialog is None:
            self._dialog = QMessageBox(self)
            self._dialog.setObjectName("infoDialog")
            self._dialog.setStandardButtons(QMessageBox.StandardButton.Close)
            self._dialog.setTextFormat(Qt.TextFormat.RichText)
        self._dialog.setWindowTitle(title)
        self._dialog.setText(html)
        self._dialog.open()

    # ----- pages and settings ---------------------------------------------------------------

    def _page_changed(self, index: int) -> None:
        if (self.pages.widget(index) is self._training_tab and isinstance(self.training_page, QLabel)
                and not self._starting):
            QTimer.singleShot(0, self.install_training_page)  # asked for before it was built
        on_graph = self.pages.widget(index) is self.graph_page
        # The status bar speaks for the page shown, not for the one left behind.
        self.statusBar().showMessage(self.graph_page.status_text if on_graph else self._training_message)
        for action in self.graph_page.playback_actions + self.graph_page.zoom_actions:
            action.setEnabled(on_graph)  # Space on the training page must not play the graph
        self.export_png_action.setEnabled(on_graph)
        self.export_svg_action.setEnabled(on_graph)
        self.keys_hint.setVisible(on_graph)
        formula = on_graph and self.graph_page.trace is None  # quizzes ask about formulas, not traces
        self.graph_page.side_panel_action.setEnabled(formula)  # the formula panel stays hidden under a trace
        self.quiz.quiz_action.setEnabled(formula)
        self.quiz.predict_action.setEnabled(formula)

    def _restore_settings(self) -> None:
        settings = window_settings()
        geometry = settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.fit_to_screen()
        splitter = settings.value("graph/splitter")
        if isinstance(splitter, QByteArray):
            self.graph_page.splitter.restoreState(splitter)
        self.graph_page.set_side_panel_visible(settings.value("graph/sidePanel", "true") != "false")
        formula = settings.value("graph/formula")
        if isinstance(formula, str) and formula.strip() and formula != self.graph_page.formula():
            self.graph_page.load_source(formula)  # the last formula, if it still makes a graph
        page = settings.value("window/page", 0)
        try:
            self.pages.setCurrentIndex(int(page))
        except (TypeError, ValueError):
            pass

    def fit_to_screen(self) -> None:
        """Open on the whole available area of the screen (maximized: the frame is the system's to fit)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        area = screen.availableGeometry()
        # The normal size, for when the user un-maximizes: the default, as far as the screen allows.
        self.resize(min(DEFAULT_SIZE[0], area.width()), min(DEFAULT_SIZE[1], area.height()))
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def save_settings(self) -> None:
        """Remember the geometry, the splitter and the page shown, for the next start."""
        settings = window_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("graph/splitter", self.graph_page.splitter.saveState())
        settings.setValue("window/page", self.pages.currentIndex())
        settings.setValue("graph/sidePanel", "true" if self.graph_page.side_panel_visible() else "false")
        settings.setValue("graph/formula", self.graph_page.source)
        settings.sync()

    def closeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Leave presentation mode, autosave, save the settings and stop every timer."""
        self.presentation.set_presenting(False)
        self.sessions.shutdown()
        self.traces.shutdown()
        self.save_settings()
        self.graph_page.shutdown()
        shutdown_training = getattr(self.training_page, "shutdown", None)
        if shutdown_training is not None:
            shutdown_training()  # stops a run cooperatively and ends the training process
        self.statusBar().clearMessage()  # a timed message keeps a QTimer running
        if self._dialog is not None:
            self._dialog.close()
        self.appearance.reset_application()  # the app's palette and the drawing's look, as found
        super().closeEvent(event)


def window_settings() -> QSettings:
    """The user's settings file (INI on every platform, so tests can point it at a folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _placeholder(text: str) -> QWidget:
    label = QLabel(text)
    label.setObjectName("trainingPlaceholder")
    label.setAccessibleName("Training page (coming soon)")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setMargin(48)
    font = label.font()
    font.setPointSize(18)
    label.setFont(font)
    label.setStyleSheet("color: #555;")
    return label
