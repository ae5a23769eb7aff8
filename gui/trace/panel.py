"""Under a traced graph: the variant's source on the left, what the graph means on the right.

The code is the class from core/training/variants.py as it is on disk (core.training.registry reads
it without importing torch). The right side says what the clicked node, edge or line is, then
the trace's own notes: for the manual variant, the plain-words walk through its hand-written
chain, line by line. "line N" in those sentences is a link that marks the line.
"""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from core.training.registry import VariantInfo
from core.trace.graph import TensorGraph
from gui.widgets.code_view import CodeView

PANEL_HEIGHT = 340  # in a window 1000 pixels high; smaller windows give the graph the room first
MIN_PANEL_HEIGHT = 150
ROOM_FOR_THE_REST = 660  # menus, tabs, banner, the graph (at least ~250), caption and controls
TEXT_POINT_SIZE = 12
LINE_LINK = re.compile(r"\b(lines?) (\d+)")
HINT = ("Click a node or an arrow to see the line of code behind it; click a line to see what "
        "it made in the graph.")


class TracePanel(QWidget):
    """The variant's code with linked lines, and the words about the selection and the graph."""

    line_selected = Signal(int)  # file line of core/training/variants.py the user picked in the code or the text

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tracePanel")
        self.setAccessibleName("Code and explanation of the traced graph")
        self.heading = QLabel()
        self.heading.setObjectName("traceCodeHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSize(TEXT_POINT_SIZE)
        self.heading.setFont(font)
        self.code = CodeView()
        self.explanation = QTextBrowser()
        self.explanation.setObjectName("traceExplanation")
        self.explanation.setAccessibleName("What the graph and the selection mean")
        self.explanation.setOpenLinks(False)
        font = self.explanation.font()
        font.setPointSize(TEXT_POINT_SIZE)
        self.explanation.setFont(font)
        palette = self.explanation.palette()  # read like the code beside it, in every theme
        palette.setColor(QPalette.ColorRole.Base, QColor("#FFFFFF"))
        palette.setColor(QPalette.ColorRole.Text, QColor("#1A1A1A"))
        self.explanation.setPalette(palette)
        self._notes: list[str] = []
        self._details = ""

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.heading)
        column.addWidget(self.code, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("traceSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.explanation)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 6, 10, 6)
        outer.addWidget(self.splitter)
        self.setMinimumHeight(MIN_PANEL_HEIGHT)
        self.setMaximumHeight(PANEL_HEIGHT)

        self.code.line_selected.connect(self.line_selected)
        self.explanation.anchorClicked.connect(self._link_clicked)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(super().sizeHint().width(), self.maximumHeight())

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        self.window().installEventFilter(self)  # follow the window's height (installing again is harmless)
        self._fit_height()
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and watched is self.window():
            self._fit_height()
        return False

    def _fit_height(self) -> None:
        room = self.window().height() - ROOM_FOR_THE_REST
        self.setMaximumHeight(max(MIN_PANEL_HEIGHT, min(PANEL_HEIGHT, room)))
        self.updateGeometry()

    def show_variant(self, info: VariantInfo) -> None:
        """Show a variant's class source, numbered as lines of core/training/variants.py."""
        last = info.first_line + len(info.source.splitlines()) - 1
        self.heading.setText(f"core/training/variants.py · class {info.class_name} · lines {info.first_line}–{last}")
        self.code.set_source(info.source, info.first_line)
        self._notes, self._details = [], ""
        self._render()

    def show_trace(self, tg: TensorGraph) -> None:
        """Show the trace's notes: what torch recorded, or the hand-derived chain in plain words."""
        self._notes = list(tg.notes)
        self._details = ""
        self._render()

    def show_details(self, title: str, lines: list[str]) -> None:
        """Say what the selection is: a title and its lines (empty title: the hint again)."""
        if not title:
            self._details = ""
        else:
            body = "".join(f"<div>{_linked(line)}</div>" for line in lines)
            self._details = f"<p><b>{escape(title)}</b>{body}</p><hr>"
        self._render()

    def details_text(self) -> str:
        """The explanation as plain text (selection first, then the notes)."""
        return self.explanation.toPlainText()

    def _render(self) -> None:
        hint = f"<p style='color:#555'>{escape(HINT)}</p>" if not self._details else ""
        notes = "".join(_note_html(note) for note in self._notes)
        self.explanation.setHtml(f"{self._details}{hint}{notes}")

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == "line":
            self.code.select_line(int(url.path()))


def _linked(text: str) -> str:
    """Escaped text with every "line N" made a link that marks line N in the code."""
    return LINE_LINK.sub(lambda m: f"<a href='line:{m.group(2)}'>{m.group(1)} {m.group(2)}</a>", escape(text))


def _note_html(note: str) -> str:
    indented = note.startswith("  ")
    style = " style='margin-left:14px'" if indented else ""
    return f"<p{style}>{_linked(note.strip())}</p>"

