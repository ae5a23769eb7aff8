"""On Wayland, a missing library is named by asking the dynamic loader (issue 14, item 13)."""

import ctypes

from gui.window import app

WAYLAND_ENV = {"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
QT_SAID = ('qt.qpa.plugin: Could not load the Qt platform plugin "wayland" in "" even though it was found.\n'
           "This application failed to start because no Qt platform plugin could be initialized.\n"
           "Available platform plugins are: eglfs, minimal, offscreen, vnc, wayland, xcb.")


def all_but(missing):
    return lambda name: name != missing


def test_a_missing_wayland_cursor_library_is_named_not_xcb():
    problem = app.display_problem(env=WAYLAND_ENV, platform="linux", load=all_but("libwayland-cursor.so.0"))
    assert "libwayland-cursor.so.0" in problem and "apt-get install libwayland-cursor0" in problem
    assert "xcb-cursor" not in problem and "libwayland-client" not in problem


def test_qts_own_failure_text_on_wayland_names_the_library():
    message = app.describe_qt_failure(QT_SAID, load=all_but("libwayland-cursor.so.0"))
    assert "libwayland-cursor.so.0" in message and "libxcb" not in message
    assert "Qt said:" in message


def test_all_wayland_libraries_present_is_no_problem():
    assert app.display_problem(env=WAYLAND_ENV, platform="linux", load=lambda name: True) is None
    assert "Wayland platform plugin could not start" in app.describe_qt_failure(QT_SAID, load=lambda name: True)


def test_can_load_asks_the_real_loader():
    assert app.can_load(ctypes.util.find_library("c") or "libc.so.6")
    assert not app.can_load("libdefinitely-not-here-backprop.so.0")
