"""The training page driven as a user would: start, pause, stop, reset, datasets, failures, stress.

Most tests share one training process (a module fixture) so each does not pay torch's import;
the tests about the process's life (closing the window, killing it) bring their own. Reference
numbers come from a headless run of the same config (`main.py train --json` in a subprocess),
so this test process never imports torch for the page's sake.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialogButtonBox, QDoubleSpinBox, QLabel, QPlainTextEdit, QPushButton,
    QSlider, QSpinBox, QTableWidget,
)

from core.formatting import fmt
from core.training import registry

VARIANT_NAMES = registry.default_names()  # trained by default; no_zero_grad only when ticked
from gui.training.client import TrainingClient
from gui.training.page import TrainingPage
from tests.gui.conftest import running_timers, show_active

ROOT = Path(__file__).resolve().parents[2]
COURSE_DATA = Path(__file__).resolve().parents[2].parent / "shared/reference/linreg-data.csv"
needs_course_data = pytest.mark.skipif(
    not COURSE_DATA.exists(),
    reason=f"the course dataset is not at {COURSE_DATA} (it is never copied into the repository)",
)
# What the seed notebook printed for its manual variant (course data, seed 123, 100 epochs).
NOTEBOOK_MANUAL = {"train": "371.61038", "test": "406.87973", "weights": ["0.3623", "37.8791"],
                   "bias": "143.4497"}
CLOSED_FORM_COURSE = {"train": "371.61035", "weights": ["0.3624", "37.8801"], "bias": "143.4536"}
RUN_TIMEOUT_MS = 30_000  # includes a fresh process's torch import on a loaded machine


# ----- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_client(qapp):
    """One training process for the module's tests; it must be gone afterwards."""
    client = TrainingClient()
    client.start_process()
    yield client
    pid = client.pid
    client.shutdown()
    assert pid not in [child.pid for child in multiprocessing.active_children()]


@pytest.fixture
def page(qtbot, shared_client):
    """A TrainingPage on the shared process; on teardown no run and no timer may be left."""
    training_page = TrainingPage(client=shared_client)
    qtbot.addWidget(training_page)
    show_active(qtbot, training_page, 1600, 1000)
    yield training_page
    training_page.shutdown()
    assert not shared_client.is_running()
    training_page.close()
    assert running_timers(training_page) == []


def find(widget, kind, name):
    child = widget.findChild(kind, name)
    assert child is not None, f"no {kind.__name__} named {name}"
    return child


def click(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(find(widget, QPushButton, name), Qt.MouseButton.LeftButton)


def type_number(qtbot, widget, name: str, text: str) -> None:
    """Select a spin box's text, type a new value, press Enter."""
    spin = widget.findChild(QSpinBox, name) or widget.findChild(QDoubleSpinBox, name)
    assert spin is not None, name
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def choose(qtbot, widget, name: str, data: str) -> None:
    """Pick a combo box entry with the keyboard, as a user would."""
    combo = find(widget, QComboBox, name)
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0, data
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def full_speed(qtbot, page) -> None:
    """Push the pace slider to its far right (as fast as possible) with the End key."""
    slider = find(page, QSlider, "paceSlider")
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert slider.value() == slider.maximum()
    assert page.controls.pace() is None


def start_and_finish(qtbot, page, timeout: int = RUN_TIMEOUT_MS) -> dict:
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: page.state in ("finished", "stopped", "failed"), timeout=timeout)
    assert page.state == "finished", find(page, QLabel, "trainingMessage").text()
    return page.result


def a_page_in_a_long_run(qtbot) -> TrainingPage:
    """A shown page training 100,000 epochs at full speed, past its first 20 epochs."""
    page = TrainingPage()
    qtbot.addWidget(page)
    show_active(qtbot, page, 1600, 1000)
    type_number(qtbot, page, "epochsSpin", "100000")
    full_speed(qtbot, page)
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) > 20, timeout=RUN_TIMEOUT_MS)
    return page


def loss_curve(page, name: str) -> np.ndarray:
    """The first data item of a card's plot: its loss curve, every epoch."""
    plot = page.findChild(pg.PlotWidget, f"lossPlot_{name}")
    assert plot is not None
    _, y = plot.getPlotItem().listDataItems()[0].getOriginalDataset()
    return np.asarray([] if y is None else y)


def table_cell(page, title: str, column: str) -> str:
    return find(page, QTableWidget, "resultsTable").cell_text(title, column)


def badge(page, name: str) -> str:
    return find(page, QLabel, f"statusBadge_{name}").text().strip()


def headless_run(*options: str) -> dict:
    """The same training, headless: `main.py train --json` in its own process."""
    completed = subprocess.run([sys.executable, "main.py", "train", "--json", *options], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def assert_prints_as(value: float, printed: str) -> None:
    """`value` is what the notebook printed as `printed`, give or take one float32 step."""
    tolerance = float(np.spacing(np.float32(printed))) + 0.5 * 10.0 ** -len(printed.split(".")[1])
    assert abs(value - float(printed)) <= tolerance, f"{value!r} does not print as {printed}"


# ----- the tests ------------------------------------------------------------------------------


def test_start_fills_four_equal_curves_matching_a_headless_run(qtbot, page, tmp_path):
    reference = headless_run("--epochs", "60")
    type_number(qtbot, page, "epochsSpin", "60")
    full_speed(qtbot, page)
    start_and_finish(qtbot, page)

    curves = {name: loss_curve(page, name) for name in VARIANT_NAMES}
    for name, curve in curves.items():
        assert len(curve) == 60, name
        assert curve.tolist() == pytest.approx(reference["variants"][name]["history"], rel=1e-6)
        assert curve.tolist() == pytest.approx(curves["manual"].tolist(), rel=1e-5)
        assert badge(page, name) == "finished"
    overlay_items = page.findChild(pg.PlotWidget, "overlayPlot").getPlotItem().listDataItems()
    # the variants not run (no_zero_grad here) keep empty curves
    assert sum(len(item.getOriginalDataset()[1] if item.getOriginalDataset()[1] is not None else [])
               for item in overlay_items) == 4 * 60
    readout = find(page, QLabel, "differenceReadout").text()
    assert readout.startswith("largest difference between variants: ")
    assert "float32 rounding" in find(page, QLabel, "differenceNote").text()

    titles = {"manual": "Manual", "semi_manual": "Semi-manual", "automatic": "Automatic",
              "sequential": "Sequential"}
    for name, title in titles.items():
        expected = reference["variants"][name]
        assert float(table_cell(page, title, "train MSE")) == pytest.approx(expected["train_mse"], rel=1e-6)
        assert float(table_cell(page, title, "test MSE")) == pytest.approx(expected["test_mse"], rel=1e-6)
        weights = [float(w) for w in table_cell(page, title, "weights").split(",")]
        assert weights == pytest.approx(expected["weights"], rel=1e-5)
        assert float(table_cell(page, title, "bias")) == pytest.approx(expected["bias"], rel=1e-6)
        assert table_cell(page, title, "epochs") == "60"
        # the card's numbers: the last epoch's, and the share of active units at the end
        assert find(page, QLabel, f"epochLabel_{name}").text() == "epoch 60"
        assert find(page, QLabel, f"mseLabel_{name}").text() == f"MSE {fmt(expected['history'][-1], 6)}"
        assert find(page, QLabel, f"biasLabel_{name}").text() == f"b {fmt(expected['bias'], 5)}"
        assert find(page, QLabel, f"weightsLabel_{name}").text() == (
            "w " + ", ".join(fmt(w, 4) for w in expected["weights"]))
        active = find(page, QLabel, f"activeLabel_{name}").text()
        assert active == f"active {fmt(100 * expected['active_fraction'], 3)} %"
        assert float(table_cell(page, title, "epochs/s")) > 0
        assert table_cell(page, title, "wall time").endswith(" s")
    closed = reference["closed_form"]
    assert float(table_cell(page, "closed form", "train MSE")) == pytest.approx(closed["train_mse"], rel=1e-7)

    # log scale on request, without touching the data
    log_box = find(page, QCheckBox, "logScale_manual")
    qtbot.mouseClick(log_box, Qt.MouseButton.LeftButton)
    assert page.cards["manual"].curve.opts["logMode"] == [False, True]
    assert len(loss_curve(page, "manual")) == 60

    # exports: the histories as CSV, the overlay as PNG and SVG
    csv_path = Path(page.export_histories(tmp_path / "history.csv"))
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("epoch,manual_train_mse,manual_w_x1,manual_w_x2,manual_bias")
    assert len(lines) == 61
    assert float(lines[60].split(",")[1]) == pytest.approx(reference["variants"]["manual"]["history"][-1])
    for suffix in ("png", "svg"):
        exported = Path(page.export_plot(tmp_path / f"loss.{suffix}"))
        assert exported.stat().st_size > 1000
    assert "<svg" in (tmp_path / "loss.svg").read_text()[:2000]


@needs_course_data
def test_course_data_as_the_notebook_wrote_it_shows_the_seeds_numbers(qtbot, page):
    dialog = page.open_dataset(COURSE_DATA)
    assert dialog is not None and dialog.isVisible()
    assert dialog.chosen_features() == ["x1", "x2"] and dialog.target.currentText() == "y"
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "linreg-data.csv" in find(page, QLabel, "datasetLabel").text()
    manual_as_notebook = find(page, QCheckBox, "manualAsNotebook")
    qtbot.mouseClick(manual_as_notebook, Qt.MouseButton.LeftButton)
    assert manual_as_notebook.isChecked()
    full_speed(qtbot, page)
    start_and_finish(qtbot, page)

    assert len(loss_curve(page, "manual")) == 100
    assert_prints_as(float(table_cell(page, "Manual", "train MSE")), NOTEBOOK_MANUAL["train"])
    assert_prints_as(float(table_cell(page, "Manual", "test MSE")), NOTEBOOK_MANUAL["test"])
    weights = [f"{float(w):.4f}" for w in table_cell(page, "Manual", "weights").split(",")]
    assert weights == NOTEBOOK_MANUAL["weights"]
    assert f"{float(table_cell(page, 'Manual', 'bias')):.4f}" == NOTEBOOK_MANUAL["bias"]
    assert_prints_as(float(table_cell(page, "closed form", "train MSE")), CLOSED_FORM_COURSE["train"])
    closed_weights = [f"{float(w):.4f}" for w in table_cell(page, "closed form", "weights").split(",")]
    assert closed_weights == CLOSED_FORM_COURSE["weights"]
    assert f"{float(table_cell(page, 'closed form', 'bias')):.4f}" == CLOSED_FORM_COURSE["bias"]


def test_pause_resume_stop_and_reset(qtbot, page):
    type_number(qtbot, page, "epochsSpin", "5000")
    slider = find(page, QSlider, "paceSlider")
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    for _ in range(4):  # 1 -> 2 -> 5 -> 10 -> 20 epochs per second
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert page.controls.pace() == 20
    assert find(page, QLabel, "paceLabel").text() == "20 epochs/s"
    click(qtbot, page, "startButton")
    assert not find(page, QPushButton, "startButton").isEnabled()
    assert not page.settings.isEnabled()  # settings hold still while training
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) >= 3, timeout=RUN_TIMEOUT_MS)

    pause = find(page, QPushButton, "pauseButton")
    click(qtbot, page, "pauseButton")
    assert pause.text() == "Resume" and page.state == "paused"
    qtbot.wait(250)  # an epoch in flight may still land
    held = len(loss_curve(page, "manual"))
    qtbot.wait(400)  # 20 epochs/s would add 8 in this time
    assert len(loss_curve(page, "manual")) == held
    assert badge(page, "manual") == "paused"

    click(qtbot, page, "pauseButton")
    assert pause.text() == "Pause" and page.state == "running"
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) >= held + 3, timeout=5000)
    full_speed(qtbot, page)  # the pace changes mid-run
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) >= held + 100, timeout=5000)

    click(qtbot, page, "stopButton")
    qtbot.waitUntil(lambda: page.state == "stopped", timeout=5000)
    ran = len(loss_curve(page, "manual"))
    assert held + 100 <= ran < 5000
    assert badge(page, "manual") == "stopped"
    assert table_cell(page, "Manual", "epochs") == str(ran)
    assert find(page, QPushButton, "startButton").isEnabled()

    # Reset in the middle of a run: it stops, waits, and clears everything
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) >= 50, timeout=5000)
    began = time.monotonic()
    click(qtbot, page, "resetButton")
    assert time.monotonic() - began < 2.0
    assert page.state == "idle" and not page.client.is_running()
    qtbot.wait(100)
    for name in VARIANT_NAMES:
        assert len(loss_curve(page, name)) == 0
        assert badge(page, name) == "ready"
    assert find(page, QTableWidget, "resultsTable").rowCount() == 0


def test_a_learning_rate_too_large_shows_diverged_with_its_explanation(qtbot, page):
    choose(qtbot, page, "activationCombo", "none")
    type_number(qtbot, page, "learningRateSpin", "1.1")
    assert page.settings.learning_rate.value() == pytest.approx(1.1)
    type_number(qtbot, page, "epochsSpin", "300")
    full_speed(qtbot, page)
    start_and_finish(qtbot, page)
    for name in VARIANT_NAMES:
        assert badge(page, name) == "diverged"
        explanation = find(page, QLabel, f"statusExplanation_{name}").text()
        assert "overshoots" in explanation and "smaller learning rate" in explanation
        assert "learning rate too large" in find(page, QLabel, f"statusBadge_{name}").toolTip()
        assert 10 < len(loss_curve(page, name)) < 300  # training stopped where it blew up
    table = find(page, QTableWidget, "resultsTable")
    assert table.item(0, 0).text() == "Manual (diverged)"
    assert table_cell(page, "Manual", "epochs") == str(len(loss_curve(page, "manual")))


@needs_course_data
def test_default_init_shows_the_dead_relu_on_the_course_data(qtbot, page):
    dialog = page.open_dataset(COURSE_DATA)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    choose(qtbot, page, "initCombo", "default")
    full_speed(qtbot, page)
    start_and_finish(qtbot, page)
    for name in ("automatic", "sequential"):  # nn.Linear's own init: every net input < 0
        assert badge(page, name) == "dead"
        assert "every gradient is 0" in find(page, QLabel, f"statusExplanation_{name}").text()
        curve = loss_curve(page, name)
        assert len(curve) == 100 and curve.min() == curve.max() == pytest.approx(22383, rel=1e-3)
    for name in ("manual", "semi_manual"):  # torch.rand's positive start trains normally
        assert badge(page, name) == "finished"
    assert "really differ" in find(page, QLabel, "differenceNote").text()


def test_a_bad_csv_gets_a_message_and_the_dataset_stays(qtbot, page, tmp_path):
    before = find(page, QLabel, "datasetLabel").text()
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n1,2,3\n4,5,abc\n7,8,9\n")
    dialog = page.open_dataset(bad)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    error = find(dialog, QLabel, "datasetError")
    assert dialog.isVisible() and error.isVisible()
    assert error.text() == "bad.csv: column 'y', row 2 (line 3): a value that is not a number: 'abc'"
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert find(page, QLabel, "datasetLabel").text() == before

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert page.open_dataset(empty) is None
    message = find(page, QLabel, "trainingMessage")
    assert message.isVisible() and "empty.csv: the file is empty" in message.text()
    assert find(page, QLabel, "datasetLabel").text() == before
    assert page.request().data.source.as_posix().endswith("data/linreg-data.csv")


def test_data_that_fails_in_the_training_process_is_reported_and_start_works_again(
        qtbot, page, tmp_path):
    good = tmp_path / "small.csv"
    good.write_text("a,b,t\n" + "".join(f"{i},{(i * 7) % 5},{2 * i + 1}\n" for i in range(20)))
    dialog = page.open_dataset(good)
    assert dialog.chosen_features() == ["a", "b"] and dialog.target.currentText() == "t"
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert "small.csv, 20 rows" in find(page, QLabel, "datasetLabel").text()
    good.unlink()  # gone before Start: only the training process finds out
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: page.state == "failed", timeout=RUN_TIMEOUT_MS)
    message = find(page, QLabel, "trainingMessage")
    assert message.isVisible()
    assert message.text().startswith("The data could not be used: ")
    assert "small.csv: no such file" in message.text()
    assert find(page, QPushButton, "startButton").isEnabled()
    assert page.client.is_alive()  # a data problem is a message, not a crash


def test_view_code_shows_the_variants_real_source_read_only(qtbot, page):
    sources = {info.name: info.source for info in registry.variants()}
    click(qtbot, page, "viewCode_semi_manual")
    dialog = page._code_dialogs["semi_manual"]
    editor = find(dialog, QPlainTextEdit, "codeView")
    assert dialog.isVisible() and editor.isReadOnly()
    assert editor.toPlainText() == sources["semi_manual"]
    assert "torch.autograd.grad" in editor.toPlainText()
    first_line = editor.document().firstBlock().layout()
    qtbot.waitUntil(lambda: len(first_line.formats()) > 0, timeout=2000)  # highlighted
    dialog.close()


def test_closing_the_window_mid_run_ends_the_training_process(qtbot):
    from gui.window.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    training_page = TrainingPage()  # owns its own process, as in the app
    window.set_training_page(training_page)
    window.show_training_page()
    show_active(qtbot, window, 1600, 1000)
    type_number(qtbot, training_page, "epochsSpin", "100000")
    full_speed(qtbot, training_page)
    click(qtbot, training_page, "startButton")
    qtbot.waitUntil(lambda: len(loss_curve(training_page, "manual")) > 20, timeout=RUN_TIMEOUT_MS)
    pid = training_page.client.pid
    assert pid in [child.pid for child in multiprocessing.active_children()]

    began = time.monotonic()
    window.close()  # no prompt: stopping loses nothing
    assert time.monotonic() - began < 5.0
    assert pid not in [child.pid for child in multiprocessing.active_children()]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # exited and reaped: not even a zombie is left
    assert running_timers(training_page) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_training_process_is_reported_and_start_works_again(qtbot):
    training_page = a_page_in_a_long_run(qtbot)
    pid = training_page.client.pid
    os.kill(pid, signal.SIGKILL)

    message = find(training_page, QLabel, "trainingMessage")
    qtbot.waitUntil(message.isVisible, timeout=5000)
    assert "stopped unexpectedly during training (killed by signal 9 (SIGKILL))" in message.text()
    assert badge(training_page, "manual") == "interrupted"
    assert find(training_page, QPushButton, "startButton").isEnabled()
    assert pid not in [child.pid for child in multiprocessing.active_children()]

    type_number(qtbot, training_page, "epochsSpin", "10")
    start_and_finish(qtbot, training_page)
    fresh = training_page.client.pid
    assert fresh not in (None, pid)
    assert len(loss_curve(training_page, "manual")) == 10
    assert not message.isVisible()
    training_page.close()  # a top-level page closes like a window: its process goes too
    assert training_page.client.pid is None
    assert fresh not in [child.pid for child in multiprocessing.active_children()]


GUI_WITHOUT_TORCH = """
import sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.training.page import TrainingPage
page = TrainingPage()
page.settings.epochs.setValue(5)
page.controls.pace_slider.setValue(page.controls.pace_slider.maximum())
page.start()
loop = QEventLoop()
poll = QTimer(); poll.timeout.connect(lambda: page.state != "running" and loop.quit()); poll.start(20)
QTimer.singleShot(60000, loop.quit)
loop.exec()
poll.stop()
page.shutdown()
print(page.state, sorted(m for m in ("torch", "pandas") if m in sys.modules))
"""


def test_the_window_process_never_imports_torch():
    """Training happens in the child: the GUI process loads neither torch nor (here) pandas."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    completed = subprocess.run([sys.executable, "-c", GUI_WITHOUT_TORCH], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "finished []"


def test_stress_four_live_plots_at_full_rate_keep_the_window_responsive(qtbot, page):
    """~6 s of four live plots at full speed: the event loop stays prompt, nothing crashes.

    This is the test that caught PySide6 6.12.0's abort under live pyqtgraph plots.
    """
    type_number(qtbot, page, "epochsSpin", "1000000")
    full_speed(qtbot, page)
    lateness, frames = [], []
    probe = QTimer()
    probe.setObjectName("stressProbe")
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        lateness.append(max(0.0, now - last[0] - 0.010))
        last[0] = now

    probe.timeout.connect(tick)
    original_refresh = page._refresh

    def counted_refresh():
        frames.append(time.perf_counter())
        original_refresh()

    page.plot_timer.timeout.disconnect(page._refresh)
    page.plot_timer.timeout.connect(counted_refresh)
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) > 0, timeout=RUN_TIMEOUT_MS)
    last[0] = time.perf_counter()  # lateness counts from here, not from before the process started
    probe.start(10)
    began = time.perf_counter()
    qtbot.wait(6_000)
    elapsed = time.perf_counter() - began
    probe.stop()
    epochs = len(loss_curve(page, "manual"))
    click(qtbot, page, "stopButton")
    qtbot.waitUntil(lambda: page.state == "stopped", timeout=5000)

    assert page.client.is_alive()
    assert epochs > 1000, "the plots must have been fed all along"
    assert max(lateness) < 1.0, f"the event loop was late by {max(lateness):.3f} s"
    during = [t for t in frames if began <= t <= began + elapsed]
    assert len(during) <= 62 * elapsed  # one timer, at most ~60 redraws a second
    assert len(during) >= 10 * elapsed  # and it kept drawing
    for name in VARIANT_NAMES:
        assert len(loss_curve(page, name)) >= epochs
        assert math.isfinite(loss_curve(page, name)[-1])


def test_export_animation_writes_one_frame_per_epoch_of_the_last_run(qtbot, page, tmp_path):
    from PIL import Image

    type_number(qtbot, page, "epochsSpin", "12")
    full_speed(qtbot, page)
    result = start_and_finish(qtbot, page)
    assert find(page, QPushButton, "exportAnimationButton").isEnabled()
    progress = page.export_animation(tmp_path / "loss.gif")
    with qtbot.waitSignal(progress.finished, timeout=60_000):
        pass
    with Image.open(tmp_path / "loss.gif") as gif:
        assert gif.n_frames == result["epochs"] == 12
        assert gif.size == (1920, 1080)
    assert running_timers(page) == []


def test_export_animation_of_a_thinned_history_still_spans_every_epoch(qtbot, page, tmp_path, monkeypatch):
    from PIL import Image

    from core.training import history as history_module

    monkeypatch.setattr(history_module, "MAX_POINTS", 4)  # a long run's bounded history, in 12 epochs
    type_number(qtbot, page, "epochsSpin", "12")
    full_speed(qtbot, page)
    result = start_and_finish(qtbot, page)
    assert page.history.variants["manual"].stride > 1
    progress = page.export_animation(tmp_path / "loss.gif")
    with qtbot.waitSignal(progress.finished, timeout=60_000):
        pass
    with Image.open(tmp_path / "loss.gif") as gif:
        assert gif.n_frames == result["epochs"] == 12  # one frame per epoch, the kept ones drawn
