"""Long `train` runs: a progress bar on a terminal, Ctrl+C keeps the results so far (issue 14, item 7)."""

from __future__ import annotations

import io
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.cli.progress import ProgressBar, duration

REPO = Path(__file__).resolve().parents[2]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_count_rate_and_time_left():
    clock, out = FakeClock(), io.StringIO()
    bar = ProgressBar(1000, out, clock=clock)
    clock.now += 2.0
    bar.update(250)  # 125 epochs/s, 750 left: 6 s
    assert out.getvalue() == "\r[######------------------] 250/1,000 epochs · 125 epochs/s · 6 s left\033[K"
    clock.now += 0.05
    bar.update(260)  # too soon to redraw
    assert out.getvalue().count("\r") == 1
    bar.close()
    assert out.getvalue().endswith("\n")


def test_durations_read_as_words():
    assert [duration(s) for s in (5, 185, 7800, float("nan"))] == ["5 s", "3 min 05 s", "2 h 10 min", "?"]


def test_no_bar_when_stderr_is_not_a_terminal():
    done = subprocess.run([sys.executable, "main.py", "train", "--epochs", "30", "--variants", "manual"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal and SIGINT")
def test_ctrl_c_prints_the_results_so_far_and_exits_130():
    """stderr is a terminal (a pty): the bar appears; SIGINT then stops after the current epoch."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "main.py", "train", "--epochs", "1000000", "--variants", "manual,automatic"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while b"epochs/s" not in seen and time.monotonic() < deadline:
            seen += os.read(controller, 4096)  # blocks until the child writes to its terminal
        assert b"/1,000,000 epochs" in seen and b"left" in seen
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=60)
        try:
            while True:
                seen += os.read(controller, 4096)
        except OSError:  # the child closed the terminal
            pass
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
        os.close(controller)
    assert child.returncode == 130
    assert "== manual:" in out and "closed form  optimum" in out  # the report, for the epochs run
    assert b"error: interrupted (Ctrl+C) after epoch " in seen and b"Traceback" not in seen
