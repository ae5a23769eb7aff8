"""Headless drawing of a computation graph for `main.py graph ... --export FILE`.

.png and .svg draw the end state as one picture; .pdf and .gif draw every step of the
step-through, one page or frame each (gui.export).
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

from core.animation import check_target, DEFAULT_SIZE, DEFAULT_THEME, IMAGE_SUFFIXES, STEP_SUFFIXES
from core.engine.graph import ComputationGraph, GraphBase
from core.engine.graph_text import Words
from core.engine.steps import State
from core.files import FileWriteError

SUFFIXES = IMAGE_SUFFIXES + STEP_SUFFIXES
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


def export_graph(cg: ComputationGraph, path: str | Path, scale: float = 2.0,
                 size: tuple[int, int] = DEFAULT_SIZE, look: str | None = None) -> str | None:
    """Draw an evaluated graph to `path` by its suffix: PNG (`scale`×) or SVG of the end state,
    or a PDF deck / GIF / MP4 with one page or frame per step (`size` pixels, theme `look`).

    Raises ValueError with a message for the user when the suffix is not one of SUFFIXES or the
    file cannot be written; returns a note when a PNG was scaled down to its size limit.
    """
    from core.engine.steps import Schedule

    path = check_target(path, SUFFIXES)
    if path.suffix.lower() in STEP_SUFFIXES:
        ensure_application()
        try:
            _export_steps(cg, path, size, look or DEFAULT_THEME)
        except OSError as error:
            raise _unwritable(path, error) from None
        return None
    schedule = Schedule(cg)
    return export_state(cg, schedule.state_at(len(schedule)), path, scale, look=look)


def export_state(graph: GraphBase, state: State, path: str | Path, scale: float = 2.0,
                 words: Words | None = None, look: str | None = None) -> str | None:
    """Draw a graph as it looks at `state` (e.g. `Schedule(cg).state_at(k)`) to PNG or SVG, by suffix.

    `words` are the plain ones of the graph unless given (a quiz's MaskedWords, say); `look` a
    theme name, the window's own look when None. Raises ValueError with a message for the user
    when the suffix is neither .png nor .svg or the file cannot be written; returns a note when
    a PNG was scaled down to its size limit.
    """
    path = check_target(path, IMAGE_SUFFIXES)
    suffix = path.suffix.lower()
    ensure_application()
    from core.engine.layout import layout
    from core.engine.model import Frame
    from gui.export.step_frames import using_look
    from gui.graph.view import GraphView, words_for

    with using_look(look) if look else nullcontext():
        view = GraphView()
        try:
            view.restyle()
            view.draw(Frame(graph, layout(graph), state, words or words_for(graph), revision=0))
            if suffix == ".png":
                return view.export_png(path, scale)
            view.export_svg(path)
            return None
        except OSError as error:
            raise _unwritable(path, error) from None
        finally:
            view.deleteLater()


def _export_steps(cg: ComputationGraph, path: Path, size: tuple[int, int], look: str) -> None:
    from gui.export.step_frames import StepFrames
    from gui.export.writers import run, write_frames

    frames = StepFrames(cg, size, look)
    try:
        run(write_frames(frames, path))
    finally:
        frames.close()


def _unwritable(path: Path, error: OSError) -> ValueError:
    """The message for a write that failed (core.files' errors already name the file)."""
    if isinstance(error, FileWriteError):
        return ValueError(str(error))
    return ValueError(f"cannot write '{path}': {error}")
