"""Ctrl+C in the terminal closes the window cleanly: no traceback, exit 130 (issue 14, item 9)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals")
def test_sigint_closes_the_window_without_a_traceback(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        ready = False
        while time.monotonic() < deadline and child.poll() is None and not ready:
            logs = list((tmp_path / "data").rglob("backprop-studio.log"))
            ready = any("Ctrl+C in the terminal closes" in log.read_text(errors="replace") for log in logs)
            time.sleep(0.1)  # polling a child process's file: nothing to wait on in Qt here
        assert ready, "the window never came up"
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert child.returncode == 130, stderr
    # it closed as the close button does: the settings were written, the autosave marked clean
    ini = list((tmp_path / "config").rglob("*.ini"))
    assert ini and "geometry" in ini[0].read_text(), "the window did not save its settings"
