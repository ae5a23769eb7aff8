"""Headless drawing of a computation graph to PNG or SVG, for `main.py graph ... --export FILE`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from core.engine.graph import ComputationGraph
from core.files import FileWriteError

SUFFIXES = (".png", ".svg")
_application = None  # keeps a QApplication this module had to create alive


def ensure_application():
    """Return the running QApplication, creating one (off-screen when there is no display)."""
    global _application
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        return app
    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if no_display and sys.platform not in ("win32", "darwin") and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a server or CI: draw without a screen
    _application = QApplication([sys.argv[0] if sys.argv else "backprop-studio"])
    return _application


def export_graph(cg: ComputationGraph, path: str | Path, scale: float = 2.0) -> str | None:
    """Draw an evaluated graph with every value and gradient to PNG (`scale`×) or SVG, by suffix.

    Raises ValueError with a message for the user when the suffix is neither .png nor .svg or the
    file cannot be written; returns a note when a PNG was scaled down to its size limit.
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"cannot write '{path}': it is a folder")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"cannot export to '{path}': the file name must end in .svg or .png")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"cannot write '{path}': the folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"cannot write '{path}': permission denied")
    ensure_application()
    from core.engine.layout import layout
    from core.engine.steps import Schedule
    from gui.graph.view import GraphView

    view = GraphView()
    try:
        view.set_graph(cg, layout(cg))
        schedule = Schedule(cg)
        view.show_state(schedule.state_at(len(schedule)))
        if suffix == ".png":
            return view.export_png(path, scale)
        view.export_svg(path)
        return None
    except FileWriteError as error:
        raise ValueError(str(error)) from None
    except OSError as error:
        raise ValueError(f"cannot write '{path}': {error}") from None
    finally:
        view.deleteLater()
