"""The main window (menus, pages, settings, export) and the start-up checks of gui.window.app."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QTabWidget

from core.formatting import fmt
from gui.window import app
from tests.gui.conftest import running_timers, show_active

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    """A MainWindow built with no arguments; on teardown it closes and must leave no timer running."""
    from gui.window.main_window import MainWindow

    main_window = MainWindow()
    qtbot.addWidget(main_window)
    yield main_window
    main_window.close()
    assert running_timers(main_window) == []


def test_window_has_pages_menus_and_status_bar(window):
    assert [action.text().replace("&", "") for action in window.menuBar().actions()] == ["File", "View", "Learn", "Help"]
    pages = window.findChild(QTabWidget, "pages")
    assert [pages.tabText(i) for i in range(pages.count())] == ["Graph", "Training"]
    assert "Preparing" in window.findChild(QLabel, "trainingPlaceholder").text()  # not yet painted
    assert window.statusBar() is not None
    view_menu = window.menuBar().actions()[1].menu()
    texts = [action.text().replace("&", "") for action in view_menu.actions()]
    for wanted in ["Zoom in", "Zoom out", "Fit to window", "Play", "Next step", "Previous step"]:
        assert wanted in texts
    area = window.screen().availableGeometry()  # with no saved settings: the screen it opens on, whole
    assert window.isMaximized() and area.contains(window.geometry())
    assert window.width() >= area.width() - 10 and window.height() >= area.height() - 40


GEOMETRY_ROUND_TRIP = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
qt = QApplication([])
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from gui.window.main_window import MainWindow
first = MainWindow()
first.show()
first.setGeometry(60, 40, 1500, 900)
qt.processEvents()
first.close()
second = MainWindow()
print(second.geometry().getRect())
"""


def test_geometry_is_saved_on_close_and_restored(tmp_path):
    # The offscreen screen is 800 x 600 unless configured, and restoreGeometry rightly shrinks a
    # window to its screen: so the round trip runs in a child with a projector-sized screen.
    config = tmp_path / "screen.json"
    config.write_text('{"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080}]}')
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run([sys.executable, "-c", GEOMETRY_ROUND_TRIP, str(tmp_path / "settings")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(60, 40, 1500, 900)"
    assert list((tmp_path / "settings").rglob("*.ini"))


def test_settings_are_written_to_the_settings_folder(qtbot, settings_folder):
    from gui.window.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.graph_page.splitter.setSizes([300, 900])
    first.close()
    ini = list(settings_folder.rglob("*.ini"))
    assert ini and "geometry" in ini[0].read_text()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.graph_page.splitter.sizes()[0] == first.graph_page.splitter.sizes()[0]
    second.close()


def test_space_plays_only_on_the_graph_page(qtbot, window):
    show_active(qtbot, window)
    page = window.graph_page
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    assert page.player.playing
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    pages = window.findChild(QTabWidget, "pages")
    pages.setCurrentIndex(1)
    qtbot.keyClick(pages.currentWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(pages.currentWidget(), Qt.Key.Key_Right)
    assert not page.player.playing and page.player.step == 0


def test_export_png_and_svg_through_the_file_menu(qtbot, window, tmp_path, monkeypatch):
    answers = iter([str(tmp_path / "graph.png"), str(tmp_path / "graph")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (next(answers), ""))
    window.graph_page.player.to_end()
    window.export_png_action.trigger()
    window.export_svg_action.trigger()
    png = (tmp_path / "graph.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")  # the suffix is added
    cg = window.graph_page.cg
    for text in ("u = w·x", f"∂a/∂w = {fmt(cg.grad(cg.input_nodes['w']))}", f">{fmt(cg.value(cg.output))}<"):
        assert text in svg, f"{text!r} is not text in the SVG"  # text stays text, not outlines
    assert "graph.svg" in window.statusBar().currentMessage()


def test_a_failed_export_is_reported_not_raised(window, tmp_path):
    assert window.export_svg(str(tmp_path / "no such folder" / "graph.svg")) is None
    assert "Could not export" in window.statusBar().currentMessage()
    assert "Export failed" in window.findChild(QMessageBox, "infoDialog").windowTitle()


def test_help_dialogs_open_without_blocking(qtbot, window):
    window.shortcuts_action.trigger()
    dialog = window.findChild(QMessageBox, "infoDialog")
    assert dialog.isVisible() and "Page Down" in dialog.text()
    window.about_action.trigger()
    assert "backpropagation" in window.findChild(QMessageBox, "infoDialog").text()


# ----- gui.window.app: say why the window cannot open, before Qt aborts ---------------------------

def all_libraries(name):
    return f"lib{name}.so"


def test_no_display_is_explained():
    problem = app.display_problem(env={}, platform="linux", find_library=all_libraries)
    assert "no display" in problem.lower() and "DISPLAY" in problem


def test_missing_xcb_libraries_are_named_with_the_install_command():
    missing = {"xcb-icccm", "xcb-keysyms"}
    problem = app.display_problem(
        env={"DISPLAY": ":0"}, platform="linux",
        find_library=lambda name: None if name in missing else all_libraries(name),
    )
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in problem
    assert "libxcb-cursor0" in problem  # named among what PySide6 needs


@pytest.mark.parametrize("env, platform", [
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
    ({"DISPLAY": ":0"}, "linux"),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
    ({}, "win32"),
    ({}, "darwin"),
])
def test_usable_platforms_are_not_a_problem(env, platform):
    assert app.display_problem(env=env, platform=platform, find_library=all_libraries) is None


@pytest.mark.parametrize("stderr, advice", [
    ('qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.\n'
     'qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.',
     "apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"),
    ('qt.qpa.xcb: could not connect to display :7\n'
     'qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.',
     "could not connect to the display"),
])
def test_qt_failures_are_put_in_plain_words(stderr, advice):
    message = app.describe_qt_failure(stderr)
    assert advice in message
    assert "Qt said:" in message and "platform plugin" in message


def test_run_without_a_display_prints_what_to_do_and_exits_1():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from gui.window.app import run; sys.exit(run([]))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "cannot open its window" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert "python main.py graph" in result.stderr and "python main.py train" in result.stderr


def test_the_probe_reports_a_qt_start_failure_in_plain_words():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    problem = app.probe_problem(app.start_probe(env))  # a child Qt that aborts; this process lives on
    assert problem is not None and "Qt" in problem


def test_run_opens_the_window_and_returns_when_it_closes(tmp_path):
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from gui.window.app import run\n"
        "qt = QApplication([])\n"
        "QTimer.singleShot(300, qt.closeAllWindows)\n"
        "status = run([])\n"
        "print(qt.organizationName(), '|', qt.applicationName(), '|', qt.topLevelWidgets()[0].objectName())\n"
        "sys.exit(status)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}  # settings and the autosave land here
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Backprop Studio | Backprop Studio |" in result.stdout


def test_gui_modules_import_without_torch_or_pandas():
    code = (
        "import sys, gui.window.app, gui.window.main_window, gui.graph.page\n"
        "print(sorted(m for m in ('torch', 'pandas') if m in sys.modules))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_training_page_is_built_right_after_the_first_paint(window, qtbot):
    from gui.training.page import TrainingPage

    window.show()
    qtbot.waitUntil(lambda: isinstance(window.training_page, TrainingPage), timeout=10_000)
    pages = window.findChild(QTabWidget, "pages")
    assert pages.widget(1).widget() is window.training_page  # inside a scroll area
    assert window.training_page.objectName() == "trainingPanel"
    assert window.findChild(QLabel, "trainingPlaceholder") is None or not window.findChild(
        QLabel, "trainingPlaceholder").isVisible()
    assert window.file_menu.actions()[0].objectName() == "openDatasetAction"


def test_choosing_the_training_tab_builds_the_page_at_once(window, qtbot):
    from gui.training.page import TrainingPage

    window.findChild(QTabWidget, "pages").setCurrentIndex(1)  # never shown, so never painted
    qtbot.waitUntil(lambda: isinstance(window.training_page, TrainingPage), timeout=10_000)
    assert window.findChild(QTabWidget, "pages").currentWidget().widget() is window.training_page


def test_quit_after_first_paint_opens_the_real_window_without_torch(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "main.py", "--quit-after-first-paint"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "gui.window.main_window" in imported and "gui.graph.page" in imported  # the real window
    assert "torch" not in imported and "pandas" not in imported


def test_a_restored_training_tab_is_built_after_the_first_paint_not_before(qtbot, settings_folder):
    from gui.training.page import TrainingPage
    from gui.window.main_window import MainWindow, window_settings

    settings = window_settings()
    settings.setValue("window/page", 1)  # the last session ended on the Training tab
    settings.sync()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.findChild(QTabWidget, "pages").currentIndex() == 1
    qtbot.wait(50)  # the event loop runs, but nothing has painted: only the light placeholder
    assert isinstance(window.training_page, QLabel)
    window.show()
    qtbot.waitUntil(lambda: isinstance(window.training_page, TrainingPage), timeout=10_000)
    assert window.findChild(QTabWidget, "pages").currentIndex() == 1
    window.close()
    assert running_timers(window) == []
