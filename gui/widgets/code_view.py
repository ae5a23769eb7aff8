"""Read-only Python source with the file's own line numbers, marked lines, and lines to pick.

Shows one class of core/training/variants.py as it is on disk, numbered as an editor numbers the file, so
"line 166" in a caption is line 166 here. Marks are extra selections (never the caret), so
marking a line never looks like the user picked it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QResizeEvent, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from gui.widgets.python_highlighter import PythonHighlighter

CODE_POINT_SIZE = 12
GUTTER_PADDING = 10
MARK_COLOUR = QColor(204, 121, 167, 90)  # the graph's selection colour (reddish purple), softened
STEP_COLOURS = {  # the line behind the current step: the caption chip's forward blue / backward orange
    "forward": QColor(0, 114, 178, 45),
    "backward": QColor(213, 94, 0, 45),
}
GUTTER_TEXT = QColor("#6B6B6B")
GUTTER_BACKGROUND = QColor("#F2F2EE")


class CodeView(QPlainTextEdit):
    """One class's source, highlighted and numbered with the lines of its file."""

    line_selected = Signal(int)  # file line number the user clicked or moved the caret to

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("traceCode")
        self.setAccessibleName("Source code of the variant")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(CODE_POINT_SIZE)
        self.setFont(font)
        self.setTabStopDistance(4 * QFontMetricsF(font).horizontalAdvance(" "))
        palette = self.palette()  # the highlighter's colours are made for white, in every theme
        palette.setColor(QPalette.ColorRole.Base, QColor("#FFFFFF"))
        palette.setColor(QPalette.ColorRole.Text, QColor("#1A1A1A"))
        self.setPalette(palette)
        self.highlighter = PythonHighlighter(self.document())
        self.first_line = 1
        self._marked: list[int] = []
        self._step: tuple[int, str] | None = None  # (line, phase) of the current step
        self._caret_line: int | None = None
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self.cursorPositionChanged.connect(self._caret_moved)
        self._fit_gutter()

    # ----- what is shown --------------------------------------------------------------------

    def set_source(self, text: str, first_line: int) -> None:
        """Show `text`, whose first line is line `first_line` of its file; marks are cleared."""
        self.blockSignals(True)  # a new text moves the caret: that is not the user picking a line
        self.first_line = first_line
        self._marked, self._step, self._caret_line = [], None, None
        self.setPlainText(text)
        self.blockSignals(False)
        self._fit_gutter()
        self._show_marks()

    def file_line(self, block_number: int) -> int:
        """The file line number of a block (0 is the first line shown)."""
        return self.first_line + block_number

    def line_text(self, line: int) -> str:
        """The text of a file line, as shown."""
        return self.document().findBlockByNumber(line - self.first_line).text()

    def mark_lines(self, lines: list[int]) -> None:
        """Highlight these file lines (what the selected node came from) and scroll to the first."""
        self._marked = sorted({line for line in lines if self._contains(line)})
        self._show_marks()
        if self._marked:
            self._scroll_to(self._marked[0])

    def marked_lines(self) -> list[int]:
        """The file lines highlighted as the selection's."""
        return list(self._marked)

    def show_step_line(self, line: int | None, phase: str = "forward") -> None:
        """Tint the line behind the current step in its phase's colour (None: no line)."""
        step = (line, phase) if line is not None and self._contains(line) else None
        if step != self._step:
            self._step = step
            self._show_marks()
            if step is not None and not self._marked:
                self._scroll_to(line)

    def step_line(self) -> int | None:
        """The file line tinted for the current step, or None."""
        return self._step[0] if self._step else None

    def select_line(self, line: int) -> None:
        """Put the caret on a file line, as a click there would (line_selected follows)."""
        if self._contains(line):
            block = self.document().findBlockByNumber(line - self.first_line)
            cursor = self.textCursor()
            cursor.setPosition(block.position())
            self.setTextCursor(cursor)

    def _contains(self, line: int | None) -> bool:
        return line is not None and 0 <= line - self.first_line < self.blockCount()

    def _scroll_to(self, line: int) -> None:
        bar = self.verticalScrollBar()
        block = line - self.first_line
        visible = max(1, self.viewport().height() // max(1, self.fontMetrics().lineSpacing()))
        if not bar.value() <= block < bar.value() + visible - 1:
            bar.setValue(max(0, block - visible // 3))

    def _show_marks(self) -> None:
        selections = []
        if self._step is not None:
            selections.append(self._line_selection(self._step[0], STEP_COLOURS.get(self._step[1], MARK_COLOUR)))
        selections += [self._line_selection(line, MARK_COLOUR) for line in self._marked]
        self.setExtraSelections(selections)
        self._gutter.update()

    def _line_selection(self, line: int, colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(colour)
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = self.textCursor()
        cursor.setPosition(self.document().findBlockByNumber(line - self.first_line).position())
        selection.cursor = cursor
        return selection

    def _caret_moved(self) -> None:
        line = self.file_line(self.textCursor().blockNumber())
        if line != self._caret_line:
            self._caret_line = line
            self.line_selected.emit(line)

    # ----- the line-number gutter -----------------------------------------------------------

    def gutter_width(self) -> int:
        """Width of the line numbers' column, for the file's largest line number shown."""
        digits = len(str(self.file_line(max(1, self.blockCount()))))
        return GUTTER_PADDING * 2 + round(self.fontMetrics().horizontalAdvance("9") * digits)

    def _fit_gutter(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        """Draw the line numbers of the visible lines; marked lines' numbers in bold."""
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), GUTTER_BACKGROUND)
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        bold = QFont(self.font())
        bold.setBold(True)
        while block.isValid() and top <= event.rect().bottom():
            line = self.file_line(block.blockNumber())
            painter.setFont(bold if line in self._marked else self.font())
            painter.setPen(QColor("#1A1A1A") if line in self._marked else GUTTER_TEXT)
            painter.drawText(0, top, self._gutter.width() - GUTTER_PADDING, height,
                             Qt.AlignmentFlag.AlignRight, str(line))
            top += round(self.blockBoundingRect(block).height())
            block = block.next()
        painter.end()


class _Gutter(QWidget):
    """The strip left of the code where the line numbers are drawn."""

    def __init__(self, view: CodeView):
        super().__init__(view)
        self._view = view

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._view.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        self._view.paint_gutter(event)
