"""Start the desktop window, or explain in plain words why Qt cannot show one here.

Qt aborts the whole process (SIGABRT, no Python exception) when its platform plugin cannot
start: no display, or the xcb plugin's system libraries are missing. So the checks here run
*before* a QApplication exists: first the environment and the libraries (cheap), then a probe
that starts Qt in a child process, which runs while this process imports the window's modules.
Nothing here imports Qt at module level, so the check itself costs no start-up time.
"""

from __future__ import annotations

import argparse
import ctypes.util
import logging
import os
import subprocess
import sys
from typing import Callable, Mapping

from core.project import APPLICATION, ORGANIZATION

# Libraries the xcb platform plugin links against that minimal Linux installs tend to lack,
# as (name for ctypes.util.find_library, Debian/Ubuntu package that provides it).
XCB_LIBRARIES = [
    ("xcb-cursor", "libxcb-cursor0"),
    ("xcb-icccm", "libxcb-icccm4"),
    ("xcb-keysyms", "libxcb-keysyms1"),
    ("xcb-image", "libxcb-image0"),
    ("xcb-render-util", "libxcb-render-util0"),
    ("xcb-xkb", "libxcb-xkb1"),
    ("xkbcommon-x11", "libxkbcommon-x11-0"),
    ("xcb-randr", "libxcb-randr0"),
    ("xcb-shape", "libxcb-shape0"),
]
# What Qt's Wayland plugin loads, as (file name for the dynamic loader, Debian/Ubuntu package)
WAYLAND_LIBRARIES = [
    ("libwayland-client.so.0", "libwayland-client0"),
    ("libwayland-cursor.so.0", "libwayland-cursor0"),
    ("libwayland-egl.so.1", "libwayland-egl1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
]
RECOMMENDED_PACKAGES = "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
HEADLESS_PLATFORMS = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "minimalegl", "vkkhrdisplay"}
PROBE_CODE = "from PySide6.QtWidgets import QApplication; QApplication([])"
PROBE_TIMEOUT_SECONDS = 5.0
SIGNAL_WAKE_MS = 200  # how late Ctrl+C may be noticed; the timer costs nothing measurable

HEADLESS_HINT = (
    "To run without a display:\n"
    "  QT_QPA_PLATFORM=offscreen python main.py         (the window, drawn off screen)\n"
    "  python main.py graph 'relu(w*x + b)' --set x=3 w=2 b=1   (a graph, as text or --export FILE.svg)\n"
    "  python main.py train --help                       (train the regression variants)"
)


def can_load(file_name: str) -> bool:
    """Whether the dynamic loader can load this shared library (and what it needs) right now."""
    try:
        ctypes.CDLL(file_name)
    except OSError:
        return False
    return True


def wayland_problem(load: Callable[[str], bool] = can_load) -> str | None:
    """Name the Wayland libraries the loader cannot load, with the install command; or None."""
    missing = [(name, package) for name, package in WAYLAND_LIBRARIES if not load(name)]
    if not missing:
        return None
    names = ", ".join(name for name, _ in missing)
    packages = " ".join(package for _, package in missing)
    return (f"Qt's Wayland platform plugin needs {names}, which the dynamic loader cannot find.\n"
            f"Install it with:\n  sudo apt-get install {packages}\n"
            "(on Debian/Ubuntu), or use X11: QT_QPA_PLATFORM=xcb")


def display_problem(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    find_library: Callable[[str], str | None] = ctypes.util.find_library,
    load: Callable[[str], bool] = can_load,
) -> str | None:
    """Why Qt could not open a window here (from the environment and libraries), or None."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None  # Windows and macOS always have their native platform plugin
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if chosen in HEADLESS_PLATFORMS:
        return None
    has_x11, has_wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if chosen.startswith("wayland"):
        if not has_wayland:
            return "QT_QPA_PLATFORM asks for Wayland, but WAYLAND_DISPLAY is not set: no Wayland session is running."
        return wayland_problem(load)
    if chosen == "xcb" and not has_x11:
        return "QT_QPA_PLATFORM asks for X11 (xcb), but DISPLAY is not set: no X server to draw on."
    if not chosen and not has_x11 and not has_wayland:
        return (
            "There is no display: neither DISPLAY (X11) nor WAYLAND_DISPLAY (Wayland) is set, "
            "so there is no screen to open the window on (for example over ssh, in a container or in CI)."
        )
    if chosen == "xcb" or (not chosen and has_x11 and not has_wayland):
        missing = [package for library, package in XCB_LIBRARIES if not find_library(library)]
        if missing:
            return (
                "Qt's X11 (xcb) platform plugin needs system libraries that are not installed: "
                f"{', '.join(missing)}.\n"
                f"Install them with:\n  sudo apt-get install {' '.join(missing)}\n"
                f"(on Debian/Ubuntu; PySide6 6.5 and later needs at least {RECOMMENDED_PACKAGES})"
            )
    return None


def start_probe(env: Mapping[str, str] | None = None) -> subprocess.Popen | None:
    """Start Qt in a child process to learn whether it can open the display; None if not needed."""
    env = dict(os.environ if env is None else env)
    if not sys.platform.startswith("linux"):
        return None
    if env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower() in HEADLESS_PLATFORMS:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-c", PROBE_CODE],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env, text=True, errors="replace",
        )
    except OSError:
        return None  # cannot probe: let Qt try for itself


def probe_problem(probe: subprocess.Popen | None, timeout: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """Wait for a probe from start_probe and describe its failure, or None if Qt started."""
    if probe is None:
        return None
    try:
        _, stderr = probe.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        probe.kill()
        probe.communicate()
        return None  # a slow display is still a display: let the real start-up try
    if probe.returncode == 0:
        return None
    return describe_qt_failure(stderr or "")


def describe_qt_failure(stderr: str, load: Callable[[str], bool] = can_load) -> str:
    """Turn what Qt printed when its platform plugin failed into plain words."""
    said = "\n".join(f"  {line}" for line in stderr.strip().splitlines()[:6])
    lower = stderr.lower()
    if "wayland" in lower:  # Qt's message also lists xcb among the plugins it has: not the cause
        advice = wayland_problem(load) or "Qt's Wayland platform plugin could not start."
    elif "could not connect to display" in lower or "cannot open display" in lower:
        advice = "Qt could not connect to the display named by DISPLAY: is the X server running and reachable?"
    elif "xcb-cursor" in lower or ("xcb" in lower and "could not load" in lower):
        advice = (
            "Qt's X11 (xcb) platform plugin could not load: some system libraries are missing.\n"
            f"Install them with:\n  sudo apt-get install {RECOMMENDED_PACKAGES}"
        )
    else:
        advice = "Qt could not start its display (platform plugin)."
    return f"{advice}\nQt said:\n{said}" if said else advice


def failure_message(problem: str) -> str:
    """The whole message printed when the window cannot open: the problem, then what to do."""
    return f"Backprop Studio cannot open its window.\n\n{problem}\n\n{HEADLESS_HINT}\n"


class _OneLineErrors(argparse.ArgumentParser):
    """Usage errors as the command line's contract wants them: exit 2, one `error:` line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see `{self.prog} --window-help`)\n")
        sys.exit(2)


def parse_window_arguments(argv: list[str]) -> argparse.Namespace:
    """The window's own command line: an optional session file and start-up options."""
    parser = _OneLineErrors(
        prog="backprop-studio", description="Open the Backprop Studio window.",
        epilog="Headless commands: backprop-studio graph --help, backprop-studio train --help.",
    )
    parser.add_argument("session", nargs="?", metavar="SESSION.json", help="a saved session to open")
    parser.add_argument(
        "--quit-after-first-paint", action="store_true",
        help="open the window, exit right after it is first painted (for start-up benchmarks)",
    )
    parser.add_argument("--window-help", action="help", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(argv: list[str] | None = None) -> int:
    """Open the main window and run until it closes; return the exit status (1 if no display)."""
    options = parse_window_arguments(list(argv or []))
    problem = display_problem()
    if problem:
        sys.stderr.write(failure_message(problem))
        return 1
    probe = start_probe()  # runs while the imports below load Qt and the window's modules
    from PySide6.QtWidgets import QApplication

    from gui.window.main_window import MainWindow

    problem = probe_problem(probe)
    if problem:
        sys.stderr.write(failure_message(problem))
        return 1
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    from gui.window.logs import setup_logging

    setup_logging()  # a rotating log in the data folder; uncaught exceptions logged and shown
    window = MainWindow()
    if options.session:
        window.open_session(options.session)
    if options.quit_after_first_paint:
        _quit_after_first_paint(app, window)
    interrupted = _close_on_ctrl_c(app, window)
    window.show()
    run_event_loop = app.exec  # Qt's event loop (QApplication.exec); nothing here evaluates text
    status = run_event_loop()
    return 130 if interrupted() else status


def _close_on_ctrl_c(app, window) -> Callable[[], bool]:
    """Let Ctrl+C in the terminal close the window as its close button would (autosave and all).

    Python runs signal handlers only between bytecodes, and Qt's event loop is C++: a short timer
    hands control back to Python a few times a second so the handler gets its turn.
    Returns a function that says whether Ctrl+C ended the run.
    """
    import signal

    from PySide6.QtCore import QTimer

    seen = []

    def on_sigint(_number, _frame) -> None:
        if seen:
            return  # a second Ctrl+C while closing: the first one is being handled
        seen.append(True)
        sys.stderr.write("\nClosing Backprop Studio (Ctrl+C)…\n")
        window.close()
        app.quit()

    try:
        signal.signal(signal.SIGINT, on_sigint)
    except ValueError:
        return lambda: False  # not the main thread (embedded use): leave Ctrl+C alone
    wake = QTimer(app)
    wake.setInterval(SIGNAL_WAKE_MS)
    wake.timeout.connect(lambda: None)  # nothing to do: the point is to re-enter Python
    wake.start()
    app.aboutToQuit.connect(wake.stop)
    logging.getLogger(__name__).info("Ctrl+C in the terminal closes the window")
    return lambda: bool(seen)


def _quit_after_first_paint(app, window) -> None:
    """Leave the event loop as soon as the window has painted once (nothing is skipped)."""
    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                app.quit()  # the loop ends once this paint completes, before deferred work runs
            return False

    window._first_paint_filter = FirstPaint(window)  # kept alive with the window
    window.installEventFilter(window._first_paint_filter)
