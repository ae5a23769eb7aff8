"""The watchdog during a learning-rate sweep: a busy sweep lives, a hung one (SIGSTOP) is ended.

A sweep trains one learning rate for as long as the epochs ask before it reports it, so the
training process says "sweep_alive" meanwhile; silence past the watchdog's timeout means a hang.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from core.training import worker
from gui.training import client as client_module
from gui.training.page import TrainingPage
from tests.gui.conftest import show_active
from tests.gui.test_training_page import RUN_TIMEOUT_MS, click, find, type_number
from tests.gui.test_training_watchdog import gone

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")
TIMEOUT_SECONDS = 1.5  # the watchdog's, for this test (5 s in the app)


@pytest.fixture
def page(qtbot, monkeypatch):
    monkeypatch.setattr(client_module, "ANSWER_TIMEOUT_SECONDS", TIMEOUT_SECONDS)
    page = TrainingPage()
    qtbot.addWidget(page)
    show_active(qtbot, page, 1600, 1000)
    qtbot.waitUntil(page.client.is_ready, timeout=RUN_TIMEOUT_MS)
    yield page
    page.close()


def test_a_hung_sweep_is_noticed_ended_and_the_page_sweeps_again(qtbot, page):
    assert worker.HEARTBEAT_SECONDS < TIMEOUT_SECONDS / 2
    # One learning rate takes many seconds here: far longer than the watchdog waits.
    type_number(qtbot, page, "epochsSpin", "1000000")
    heard: list[str] = []
    page.client.sweep_point.connect(lambda run: heard.append("point"))
    click(qtbot, page, "sweepButton")
    assert page.client.is_sweeping()
    pid = page.client.pid
    qtbot.wait(int(2 * TIMEOUT_SECONDS * 1000))  # busy, silent but for its heartbeat
    assert page.client.is_sweeping() and page.client.pid == pid and not heard, \
        "a busy sweep must not be taken for a hung one"
    os.kill(pid, signal.SIGSTOP)
    try:
        message = find(page, QLabel, "trainingMessage")
        qtbot.waitUntil(message.isVisible, timeout=10_000)
        assert "stopped answering (nothing for 2 s), so it was ended" in message.text()
        qtbot.waitUntil(lambda: gone(pid), timeout=10_000)
        assert not page.client.is_sweeping() and page.client.pid is None
        assert find(page, QPushButton, "sweepButton").isEnabled()
        assert find(page, QPushButton, "startButton").isEnabled()
    finally:
        try:
            os.kill(pid, signal.SIGKILL)  # only if a failed test left it behind
        except ProcessLookupError:
            pass
    # Usable again: a short sweep in a fresh process plots every rate.
    type_number(qtbot, page, "epochsSpin", "5")
    click(qtbot, page, "sweepButton")
    qtbot.waitUntil(lambda: not page.client.is_sweeping(), timeout=RUN_TIMEOUT_MS)
    assert page.client.pid not in (None, pid)
    assert len(page.sweep.runs) == 25 and "25 learning rates" in page.progress.text()


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="reads /proc")
def test_the_training_process_runs_numpy_on_one_blas_thread(qapp, monkeypatch):
    """OpenBLAS's spinning threads took the window's core while the landscape was computed."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    client = client_module.TrainingClient()
    client.start_process()
    try:
        with open(f"/proc/{client.pid}/environ", "rb") as environ:
            variables = dict(entry.split(b"=", 1) for entry in environ.read().split(b"\0") if entry)
    finally:
        client.shutdown()
    assert variables[b"OPENBLAS_NUM_THREADS"] == b"1"
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # the window's own setting is left alone
