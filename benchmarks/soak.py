"""Soak: many cycles of start / stop / reset / close-mid-training in one process.

Run: `QT_QPA_PLATFORM=offscreen python -W error benchmarks/soak.py [--cycles 200]`

Each cycle builds a MainWindow with a Training page, shows it, starts training at full speed,
waits for the first records (the manual variant's loss curve has points), then - rotating - stops
the run, resets the page, or closes the window mid-training; the window is then closed and
deleted. Stop and reset cycles lend one training process (TrainingClient) to their page, as the
tests do; close cycles give the page its own process, which must be gone (reaped) afterwards.

Measured before the first cycle, after the warm-up cycles and at the end: Python threads
(threading.active_count), OS threads (/proc/self/task), child processes
(multiprocessing.active_children), open file descriptors (/proc/self/fd) and RSS (VmRSS). The
verdict holds if no cycle hung (each has a timeout), no Python warning or Qt warning was seen
(warnings are errors; Qt messages are collected, bar offscreen's "propagateSizeHints" notice),
every closed process is gone, and after warm-up: threads +0, children 0 at the end, fds +<= 5,
RSS +<= 60 MB. tests/gui/test_soak.py runs a few cycles of the same code.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import benchmarks.common  # noqa: E402,F401  (on import: temporary settings, data and cache folders)

ACTIONS = ("stop", "reset", "close")
EPOCHS = 100_000  # the maximum would preallocate ~160 MB of history per run: noise in RSS
CYCLE_TIMEOUT_S = 60.0  # a fresh process imports torch: generous on a loaded machine
BOUNDS = {"py_threads": 0, "os_threads": 0, "fds": 5, "rss_mb": 60.0}
IGNORED_QT_MESSAGES = ("propagateSizeHints",)


class Hang(RuntimeError):
    """A cycle step did not finish within its timeout."""


def measure() -> dict:
    """Threads, child processes, open descriptors and resident memory of this process, now."""
    rss_kb = 0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "py_threads": threading.active_count(),
        "os_threads": _count("/proc/self/task"),
        "children": len(multiprocessing.active_children()),
        "fds": _count("/proc/self/fd"),
        "rss_mb": rss_kb / 1024.0,
    }


def _count(folder: str) -> int:
    try:
        return len(os.listdir(folder))
    except OSError:
        return -1


def pid_gone(pid: int) -> bool:
    """Whether `pid` has exited and been reaped (not even a zombie is left)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def wait_until(predicate, timeout_s: float, what: str) -> None:
    """Run the Qt event loop until `predicate()` holds; raise Hang after `timeout_s`."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: predicate() and loop.quit())
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(int(timeout_s * 1000))
    loop.exec()
    poll.stop()
    deadline.stop()
    if not predicate():
        raise Hang(f"timed out after {timeout_s:.0f} s waiting for {what}")


def settle(ms: int = 0) -> None:
    """Let posted events (and deferred deletions) run, for about `ms` milliseconds."""
    from PySide6.QtCore import QCoreApplication, QEvent

    finish = time.monotonic() + ms / 1000.0
    while True:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QCoreApplication.processEvents()
        if time.monotonic() >= finish:
            break
        time.sleep(0.005)
    gc.collect()


class QtMessages:
    """Collects Qt's warnings (and worse) while installed; ignores the offscreen size-hint notice."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._previous = None

    def __enter__(self) -> "QtMessages":
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        def handler(kind, context, message):
            if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
                return
            if any(ignored in message for ignored in IGNORED_QT_MESSAGES):
                return
            self.messages.append(f"{kind.name}: {message}")

        self._previous = qInstallMessageHandler(handler)
        return self

    def __exit__(self, *exc) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(self._previous)


@dataclass
class Soak:
    """Runs soak cycles; keeps the lent training process between stop and reset cycles."""

    size: tuple[int, int] = (1400, 900)
    cycle_timeout_s: float = CYCLE_TIMEOUT_S
    shared_client: object | None = None
    closed_pids: list[int] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)

    def cycle(self, index: int) -> str:
        """One cycle; returns its action. Raises Hang or AssertionError on a failure."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QPushButton, QSlider, QSpinBox

        from gui.window.main_window import MainWindow
        from gui.training.client import TrainingClient
        from gui.training.page import TrainingPage

        action = ACTIONS[index % len(ACTIONS)]
        began = time.monotonic()
        if action == "close":
            page = TrainingPage()  # its own process, as in the app
        else:
            if self.shared_client is None:
                self.shared_client = TrainingClient()
                self.shared_client.start_process()
            page = TrainingPage(client=self.shared_client)
        window = MainWindow()
        window.set_training_page(page)
        window.show_training_page()
        window.resize(*self.size)
        window.show()

        epochs = page.findChild(QSpinBox, "epochsSpin")
        epochs.setValue(min(epochs.maximum(), EPOCHS))  # plenty: a cycle stops long before
        slider = page.findChild(QSlider, "paceSlider")
        slider.setValue(slider.maximum())
        QTest.mouseClick(page.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
        wait_until(lambda: curve_length(page) > 0, self.cycle_timeout_s, f"records (cycle {index}, {action})")
        pid = page.client.pid

        if action == "stop":
            QTest.mouseClick(page.findChild(QPushButton, "stopButton"), Qt.MouseButton.LeftButton)
            wait_until(lambda: page.state in ("stopped", "finished"), self.cycle_timeout_s,
                       f"the run to stop (cycle {index})")
        elif action == "reset":
            QTest.mouseClick(page.findChild(QPushButton, "resetButton"), Qt.MouseButton.LeftButton)
            assert page.state == "idle", page.state
            assert curve_length(page) == 0
        window.close()  # for "close", mid-training: the page's own process must go
        if action == "close":
            assert page.client.pid is None
            self.closed_pids.append(pid)
        else:
            assert not self.shared_client.is_running()
        window.deleteLater()
        del window, page, epochs, slider
        settle()
        if action == "close":
            wait_until(lambda: pid not in [c.pid for c in multiprocessing.active_children()] and pid_gone(pid),
                       5.0, f"process {pid} to be reaped")
        self.durations.append(time.monotonic() - began)
        return action

    def close(self) -> None:
        """End the lent training process (the end of the soak)."""
        if self.shared_client is not None:
            pid = self.shared_client.pid
            self.shared_client.shutdown()
            self.shared_client.deleteLater()
            self.shared_client = None
            if pid is not None:
                self.closed_pids.append(pid)
        settle()


def curve_length(page) -> int:
    """How many epochs the manual variant's loss curve shows."""
    import pyqtgraph as pg

    plot = page.findChild(pg.PlotWidget, "lossPlot_manual")
    items = plot.getPlotItem().listDataItems() if plot is not None else []
    if not items:
        return 0
    y = items[0].getOriginalDataset()[1]
    return 0 if y is None else len(y)


def growth(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in before}


def verdict(baseline: dict, end: dict, closed_pids: list[int], qt_messages: list[str],
            errors: list[str]) -> list[str]:
    """What is wrong (empty: the soak passed)."""
    problems = list(errors)
    problems += [f"Qt said {message!r}" for message in qt_messages]
    grown = growth(baseline, end)
    for key, bound in BOUNDS.items():
        if grown[key] > bound:
            problems.append(f"{key} grew by {grown[key]:+.1f} after warm-up (bound +{bound})")
    if end["children"] != 0:
        problems.append(f"{end['children']} child processes are still alive at the end")
    alive = [pid for pid in closed_pids if not pid_gone(pid)]
    if alive:
        problems.append(f"closed training processes still exist: {alive}")
    return problems


def table(rows: list[tuple[str, dict]]) -> str:
    header = f"{'':<14}{'py threads':>11}{'OS threads':>11}{'children':>10}{'fds':>6}{'RSS MB':>9}"
    lines = [header]
    for label, m in rows:
        lines.append(f"{label:<14}{m['py_threads']:>11}{m['os_threads']:>11}{m['children']:>10}"
                     f"{m['fds']:>6}{m['rss_mb']:>9.1f}")
    return "\n".join(lines)


def run_soak(cycles: int, warmup: int, progress=None) -> dict:
    """Run the soak in this process (a QApplication must exist); return figures and problems."""
    soak = Soak()
    errors: list[str] = []
    samples = {"before": measure()}
    baseline = samples["before"]
    with QtMessages() as qt:
        for index in range(cycles):
            try:
                action = soak.cycle(index)
            except (Hang, AssertionError, Warning) as error:
                errors.append(f"cycle {index}: {type(error).__name__}: {error}")
                break
            if index + 1 == warmup:
                settle(200)
                samples["after warm-up"] = baseline = measure()
            if progress is not None:
                progress(index, action)
        soak.close()
        settle(200)
        samples["end"] = measure()
    done = len(soak.durations)
    if "after warm-up" not in samples:
        baseline = samples["before"]
    return {
        "cycles": done,
        "samples": samples,
        "growth": growth(baseline, samples["end"]),
        "problems": verdict(baseline, samples["end"], soak.closed_pids, qt.messages, errors),
        "durations": soak.durations,
        "closed_processes": len(soak.closed_pids),
    }


def prepare_app():
    """An offscreen QApplication whose settings and data live in a scratch folder."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="backprop-soak-"))
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")  # autosaves go here, not to the user's folder
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch / "settings"))
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName("Backprop Studio")
    app.setApplicationName("Backprop Studio")
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=9, help="cycles before the growth baseline")
    options = parser.parse_args(argv)

    warnings.simplefilter("error")  # any Python warning is a failure
    app = prepare_app()  # noqa: F841 (kept alive for the run)

    began = time.monotonic()

    def progress(index: int, action: str) -> None:
        if (index + 1) % 10 == 0 or index + 1 == options.cycles:
            m = measure()
            print(f"  cycle {index + 1:>4} ({action:<5}) {time.monotonic() - began:7.1f} s  "
                  f"threads {m['py_threads']}/{m['os_threads']}  fds {m['fds']}  RSS {m['rss_mb']:.1f} MB",
                  flush=True)

    report = run_soak(options.cycles, options.warmup, progress)
    durations = sorted(report["durations"]) or [0.0]
    print()
    print(table(list(report["samples"].items())))
    g = report["growth"]
    print(f"\ngrowth after warm-up: py threads {g['py_threads']:+d}, OS threads {g['os_threads']:+d}, "
          f"children {g['children']:+d}, fds {g['fds']:+d}, RSS {g['rss_mb']:+.1f} MB")
    print(f"cycles {report['cycles']}/{options.cycles} (closed processes: {report['closed_processes']}), "
          f"wall {time.monotonic() - began:.1f} s, cycle median {durations[len(durations) // 2]:.2f} s, "
          f"max {durations[-1]:.2f} s")
    if report["problems"]:
        print("\nVERDICT: FAIL")
        for problem in report["problems"]:
            print(f"  - {problem}")
        return 1
    print("\nVERDICT: PASS (no hang, no warning, growth within bounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
