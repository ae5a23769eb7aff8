"""Headless drawing of a computation graph to PNG or SVG: `main.py graph ... --export FILE`, or any one step."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from core.engine.graph import ComputationGraph, GraphBase
from core.engine.graph_text import Words
from core.engine.steps import State

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


def export_graph(cg: ComputationGraph, path: str | Path, scale: float = 2.0) -> None:
    """Draw an evaluated graph with every value and gradient to PNG (`scale`×) or SVG, by suffix.

    Raises ValueError with a message for the user when the suffix is neither .png nor .svg or the
    file cannot be written.
    """
    from core.engine.steps import Schedule

    schedule = Schedule(cg)
    export_state(cg, schedule.state_at(len(schedule)), path, scale)


def export_state(graph: GraphBase, state: State, path: str | Path, scale: float = 2.0,
                 words: Words | None = None) -> None:
    """Draw a graph as it looks at `state` (e.g. `Schedule(cg).state_at(k)`) to PNG or SVG, by suffix.

    `words` are the plain ones of the graph unless given (a quiz's MaskedWords, say). Raises
    ValueError with a message for the user when the suffix is neither .png nor .svg or the file
    cannot be written.
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
    from core.engine.model import Frame
    from gui.graph.view import GraphView, words_for

    view = GraphView()
    try:
        view.draw(Frame(graph, layout(graph), state, words or words_for(graph), revision=0))
        if suffix == ".png":
            view.export_png(path, scale)
        else:
            view.export_svg(path)
    except OSError as error:
        raise ValueError(f"cannot write '{path}': {error}") from None
    finally:
        view.deleteLater()
