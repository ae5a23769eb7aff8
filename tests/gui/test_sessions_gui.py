"""Sessions through the window: save and open, bad files refused, autosave, crash restore, handouts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDoubleSpinBox, QFileDialog, QMessageBox, QPlainTextEdit

from core import session as core_session
from core.session import autosave_path, load_session, save_session, temp_files_of
from tests.gui.windows import close_window, open_window

ROOT = Path(__file__).resolve().parents[2]
FORMULA = "x = 2; w = -1.5\nu = w*x\nf = sigmoid(u) + x"


@pytest.fixture
def window(qtbot):
    main_window = open_window(qtbot)
    yield main_window
    close_window(main_window)


def state(window) -> dict:
    """What a session must bring back, read from the widgets."""
    page = window.graph_page
    return {
        "formula": page.formula(), "values": page.values.values(), "step": page.player.step,
        "caption": page.caption.caption.text(), "lesson": window.lessons.key,
        "theme": window.appearance.theme_name, "scale": window.appearance.scale,
    }


def type_formula(qtbot, page, text: str) -> None:
    editor = page.findChild(QPlainTextEdit, "formulaEditor")
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClicks(editor, line)
    qtbot.waitUntil(lambda: page.source == text, timeout=3000)


def change_everything(qtbot, window) -> None:
    """Formula, a value, the step, the lesson, the theme and the scale, as a user would."""
    page = window.graph_page
    window.lessons.open_lesson("softplus")
    type_formula(qtbot, page, FORMULA)
    box = window.findChild(QDoubleSpinBox, "value_w")
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "0.75")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    page.view.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.view, Qt.Key.Key_Right)
    window.findChild(QAction, "theme_dark").trigger()
    qtbot.keyClick(page.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)


def test_a_session_round_trip_through_the_file_menu(qtbot, window, tmp_path, monkeypatch):
    change_everything(qtbot, window)
    saved = state(window)
    assert saved["values"]["w"] == 0.75 and saved["step"] == 3 and saved["lesson"] == "softplus"
    path = tmp_path / "lecture"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.findChild(QAction, "saveSessionAsAction").trigger()
    assert load_session(tmp_path / "lecture.json").formula == FORMULA  # the suffix is added
    assert temp_files_of(tmp_path / "lecture.json") == []
    close_window(window)

    second = open_window(qtbot)
    second.appearance.set_theme("light")
    second.appearance.reset_scale()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "lecture.json"), ""))
    second.findChild(QAction, "openSessionAction").trigger()
    assert state(second) == saved
    assert second.windowTitle().startswith("lecture.json")
    assert second.sessions.recent_files()[0] == str((tmp_path / "lecture.json").resolve())
    recent = second.sessions.recent_menu
    recent.aboutToShow.emit()
    assert [a.text() for a in recent.actions()] == ["lecture.json"]
    close_window(second)


def bad_files(folder: Path) -> dict[str, Path]:
    good = core_session.Session(formula="x = 1\ny = x*x", values={"x": 1.0}).to_dict()
    text = json.dumps(good)
    files = {
        "corrupt": "{this is not json",
        "truncated": text[: len(text) // 2],
        "foreign": json.dumps({"app": "someone-else", "schema": 1}),
        "newer": json.dumps({**good, "schema": core_session.SCHEMA_VERSION + 1}),
        "wrong type": json.dumps({**good, "step": "three"}),
        "bad formula": json.dumps({**good, "formula": "y = relu(("}),
        "empty": "",
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.json"
        paths[name].write_text(content, encoding="utf-8")
    paths["missing"] = folder / "missing.json"
    return paths


def test_each_bad_file_is_refused_and_the_window_keeps_its_state(qtbot, window, tmp_path):
    window.graph_page.player.go_to(2)
    window.appearance.bigger()
    before = state(window)
    for name, path in bad_files(tmp_path).items():
        assert window.open_session(str(path)) is False, name
        assert state(window) == before, name
        message = window.statusBar().currentMessage()
        assert message.startswith("Could not open the session") and path.name in message, (name, message)
        dialog = window.findChild(QMessageBox, "infoDialog")
        assert dialog.isVisible() and "Nothing was changed" in dialog.text()  # shown, not blocking
        dialog.close()
    assert window.sessions.recent_files() == []


def test_a_failed_save_leaves_the_previous_file_whole(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "session.json"
    assert window.save_session(str(path))
    before = path.read_bytes()
    window.graph_page.player.to_end()

    def crash(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)  # the crash comes mid-write, before the rename
    assert window.save_session(str(path)) is False
    assert path.read_bytes() == before and temp_files_of(path) == []
    assert "No space left" in window.statusBar().currentMessage()


def autosave_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)


def test_autosave_on_exit_then_no_restore_offer(qtbot, window):
    assert window.sessions.timer.isActive() and window.sessions.timer.interval() == 60_000
    window.lessons.open_lesson("squared-error")
    close_window(window)  # a clean exit: autosaved, and marked clean
    assert load_session(autosave_path(autosave_folder())).lesson == "squared-error"
    second = open_window(qtbot)
    assert second.sessions.restore_dialog is None
    close_window(second)


@pytest.mark.parametrize("restore", [True, False])
def test_after_a_crash_the_autosave_is_offered(qtbot, tmp_path, restore):
    crashed = core_session.Session(formula="p = 4\nq = p*p", values={"p": 2.5}, step=2, lesson="used-twice")
    save_session(autosave_path(autosave_folder()), crashed)  # no clean-exit mark after it
    window = open_window(qtbot)
    dialog = window.findChild(QMessageBox, "restoreDialog")
    assert dialog is not None and dialog.isVisible() and not window.sessions.timer.isActive()
    button = dialog.button(QMessageBox.StandardButton.Yes if restore else QMessageBox.StandardButton.No)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.sessions.timer.isActive()
    page = window.graph_page
    if restore:
        assert page.formula() == crashed.formula and page.values.values() == {"p": 2.5}
        assert page.player.step == 2 and window.lessons.key == "used-twice"
    else:
        assert page.formula() != crashed.formula
        assert core_session.autosave_to_restore(autosave_folder()) is None  # not asked again
    close_window(window)


def test_export_handouts_as_markdown_and_latex(qtbot, window, tmp_path, monkeypatch):
    answers = iter([(str(tmp_path / "solution"), "Markdown (*.md)"), (str(tmp_path / "sheet"), "LaTeX (*.tex)")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    window.lessons.open_lesson("lecture")
    window.findChild(QAction, "exportHandoutAction").trigger()
    window.findChild(QAction, "exportProblemSheetAction").trigger()
    solution = (tmp_path / "solution.md").read_text(encoding="utf-8")
    assert solution.startswith("# The lecture figure") and "`∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3`" in solution
    sheet = (tmp_path / "sheet.tex").read_text(encoding="utf-8")
    assert sheet.startswith(r"\documentclass") and r"\underline" in sheet and "6" not in sheet.split("The formula")[1].split("Inputs")[1]
    assert "sheet.tex" in window.statusBar().currentMessage()


def test_main_py_opens_a_session_file(tmp_path):
    path = tmp_path / "class.json"
    save_session(path, core_session.Session(formula="k = 3\nm = k*k", values={"k": 1.5}, step=1))
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import main\n"
        "qt = QApplication([])\n"
        "def report():\n"
        "    window = next(w for w in qt.topLevelWidgets() if w.objectName() == 'mainWindow')\n"
        "    page = window.graph_page\n"
        "    print(repr(page.formula()), page.values.values(), page.player.step)\n"
        "    qt.closeAllWindows()\n"
        "QTimer.singleShot(300, report)\n"
        "sys.exit(main.main([sys.argv[1]]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'k = 3\\nm = k*k' {'k': 1.5} 1"


def test_desktop_entry_and_window_icon(window):
    entry = (ROOT / "data" / "backprop-studio.desktop").read_text(encoding="utf-8").splitlines()
    assert entry[0] == "[Desktop Entry]"
    for line in ("Type=Application", "Name=Backprop Studio", "Exec=backprop-studio %f", "Icon=backprop-studio"):
        assert line in entry
    assert (ROOT / "data" / "backprop-studio.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert not window.windowIcon().isNull()
    assert "python main.py --install-desktop-entry" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_saving_over_a_read_only_session_is_refused_with_a_message(window, tmp_path):
    path = tmp_path / "handed-out.json"
    assert window.save_session(str(path))
    before = path.read_bytes()
    path.chmod(0o444)
    window.graph_page.player.to_end()
    assert window.save_session(str(path)) is False
    assert path.read_bytes() == before
    assert "read-only" in window.statusBar().currentMessage()


# ----- the Training page's request in a session ------------------------------------------------

def training_page(window):
    """The window's Training page, built now (normally it comes after the first paint)."""
    window.install_training_page()
    from gui.training.page import TrainingPage

    assert isinstance(window.training_page, TrainingPage)
    return window.training_page


def type_into(qtbot, page, kind, name: str, text: str) -> None:
    spin = page.findChild(kind, name)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_training_settings_and_dataset_come_back_in_a_new_window(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QSpinBox

    csv = tmp_path / "houses.csv"
    csv.write_text("area,rooms,price\n" + "".join(f"{i},{i % 4},{3 * i + 1}\n" for i in range(30)))
    page = training_page(window)
    type_into(qtbot, page, QDoubleSpinBox, "learningRateSpin", "0.0125")
    type_into(qtbot, page, QSpinBox, "epochsSpin", "37")
    combo = page.findChild(QComboBox, "activationCombo")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # ReLU -> none (linear)
    dialog = page.open_dataset(csv)
    assert dialog.chosen_features() == ["area", "rooms"] and dialog.target.currentText() == "price"
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "houses.csv" in page.findChild(QLabel, "datasetLabel").text())
    asked = page.request()
    assert (asked.config.lr, asked.config.epochs, asked.config.activation) == (0.0125, 37, "none")
    assert asked.data.source == csv and asked.data.shift_used == 0.0  # not the course data: no shift
    path = tmp_path / "training.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.findChild(QAction, "saveSessionAsAction").trigger()
    stored = json.loads(path.read_text(encoding="utf-8"))["training"]
    assert stored["config"]["lr"] == 0.0125 and stored["data"]["path"] == str(csv)
    close_window(window)

    second = open_window(qtbot)
    fresh = training_page(second)
    assert fresh.request().config.lr == 0.05  # the defaults, before the session is opened
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    second.findChild(QAction, "openSessionAction").trigger()
    assert fresh.request() == asked
    assert fresh.findChild(QDoubleSpinBox, "learningRateSpin").value() == 0.0125
    assert fresh.findChild(QSpinBox, "epochsSpin").value() == 37
    assert fresh.findChild(QComboBox, "activationCombo").currentData() == "none"
    assert "houses.csv" in fresh.findChild(QLabel, "datasetLabel").text()
    close_window(second)


def test_training_settings_the_page_cannot_show_are_refused_and_change_nothing(qtbot, window, tmp_path):
    from core.training.request import TrainingConfig, TrainingRequest

    page = training_page(window)
    before = (page.request(), window.graph_page.formula())
    odd = core_session.Session(formula="x = 1\ny = x*x", values={"x": 1.0},
                               training=TrainingRequest(config=TrainingConfig(lr=1e-7)))
    path = tmp_path / "odd.json"
    save_session(path, odd)
    window.show_message = lambda title, text: None  # the refusal's message box
    assert not window.sessions.open_session(str(path))
    assert (page.request(), window.graph_page.formula()) == before
    assert "cannot show a learning rate of 1e-7" in window.statusBar().currentMessage()
