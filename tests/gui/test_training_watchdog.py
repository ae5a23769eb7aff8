"""A hung training process (SIGSTOP) is noticed, ended and replaced; the GUI never waits on it
(issue 14, item 5)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from gui.training import client as client_module
from tests.gui.test_training_page import (
    a_page_in_a_long_run, click, find, loss_curve, start_and_finish, type_number,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")
GUI_BUDGET_SECONDS = 1.0  # generous under load; the hang this replaces froze the GUI 7-10 s


@pytest.fixture
def hung_page(qtbot, monkeypatch):
    """A page whose training process is SIGSTOPped in the middle of a run."""
    monkeypatch.setattr(client_module, "ANSWER_TIMEOUT_SECONDS", 1.0)
    page = a_page_in_a_long_run(qtbot)
    pid = page.client.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        yield page, pid
    finally:
        try:
            os.kill(pid, signal.SIGKILL)  # only if a failed test left it behind
        except ProcessLookupError:
            pass
        page.close()


def gone(pid: int) -> bool:
    return pid not in [child.pid for child in multiprocessing.active_children()]


def timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def test_stop_on_a_hung_process_is_noticed_and_start_works_again(qtbot, hung_page):
    page, pid = hung_page
    assert timed(lambda: click(qtbot, page, "stopButton")) < GUI_BUDGET_SECONDS
    message = find(page, QLabel, "trainingMessage")
    qtbot.waitUntil(message.isVisible, timeout=10_000)
    assert "stopped answering (nothing for 1 s), so it was ended" in message.text()
    assert "Press Start to train again" in message.text()
    assert gone(pid) and find(page, QPushButton, "startButton").isEnabled()
    type_number(qtbot, page, "epochsSpin", "10")
    start_and_finish(qtbot, page)
    assert page.client.pid not in (None, pid) and len(loss_curve(page, "manual")) == 10


def test_reset_on_a_hung_process_does_not_freeze_the_window(qtbot, hung_page):
    page, pid = hung_page
    assert timed(page.reset) < GUI_BUDGET_SECONDS
    assert page.state == "idle"
    qtbot.waitUntil(lambda: gone(pid), timeout=10_000)  # the watchdog ends it soon after
    type_number(qtbot, page, "epochsSpin", "10")
    start_and_finish(qtbot, page)


def test_closing_with_a_hung_process_does_not_freeze_and_leaves_no_process(qtbot, hung_page):
    page, pid = hung_page
    assert timed(page.close) < GUI_BUDGET_SECONDS
    assert page.client.pid is None and gone(pid)
