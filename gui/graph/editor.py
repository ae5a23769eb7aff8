"""The formula editor: multi-line, monospace, big; it settles ~300 ms after the last keystroke."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

DEBOUNCE_MS = 300
ERROR_COLOR = QColor("#d00000")
ERROR_LINE_COLOR = QColor("#ffe8e8")
EDITOR_POINT_SIZE = 17


class FormulaEditor(QPlainTextEdit):
    """Where the formula is typed; marks a parse error at its line and column."""

    text_settled = Signal(str)  # the whole text, once typing has paused for DEBOUNCE_MS

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("formulaEditor")
        self.setAccessibleName("Formula editor")
        self.setAccessibleDescription(
            "Type a formula such as relu(w*x + b), or assignments like u = w*x, one per line."
        )
        self.setPlaceholderText("relu(w*x + b)\n\nor, one per line:\nu = w*x\nv = u + b\na = relu(v)")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(EDITOR_POINT_SIZE)
        self.setFont(font)
        self.setTabChangesFocus(True)  # Tab moves on to the next control; formulas need no tabs
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.debounce = QTimer(self)
        self.debounce.setObjectName("formulaDebounce")
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.textChanged.connect(self.debounce.start)
        self.debounce.timeout.connect(self._settle)

    def set_formula(self, text: str) -> None:
        """Replace the text and report it settled at once (no debounce pause), as if typed and paused."""
        self.setPlainText(text)
        self.flush()

    def show_formula(self, text: str) -> None:
        """Replace the text without reporting it (the page's model already holds it)."""
        self.setPlainText(text)
        self.debounce.stop()

    def flush(self) -> None:
        """Report the current text now if a debounce pause is pending."""
        if self.debounce.isActive():
            self.debounce.stop()
            self._settle()

    def stop(self) -> None:
        """Stop the debounce timer (when the page closes)."""
        self.debounce.stop()

    def mark_error(self, line: int, column: int) -> None:
        """Underline the token at a 1-based line and column with a red wave; tint its line."""
        document = self.document()
        block = document.findBlockByNumber(max(0, min(line - 1, document.blockCount() - 1)))
        text = block.text()
        index = max(0, min(column - 1, len(text)))
        end = index + 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_") and (
            text[index].isalnum() or text[index] == "_"
        ):
            end += 1  # the whole name or number, not just its first character
        if index >= len(text) and index > 0:
            index, end = len(text) - 1, len(text)  # past the end: mark the last character
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + index)
        cursor.setPosition(block.position() + min(end, len(text)), QTextCursor.MoveMode.KeepAnchor)

        line_tint = QTextEdit.ExtraSelection()
        line_tint.format.setBackground(ERROR_LINE_COLOR)
        line_tint.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        line_tint.cursor = QTextCursor(block)

        token = QTextEdit.ExtraSelection()
        token.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        token.format.setUnderlineColor(ERROR_COLOR)
        token.format.setForeground(ERROR_COLOR)
        token.cursor = cursor
        self.setExtraSelections([line_tint, token])

    def clear_error(self) -> None:
        """Remove the error marks."""
        self.setExtraSelections([])

    def error_position(self) -> tuple[int, int] | None:
        """The 1-based (line, column) of the marked error, or None when nothing is marked."""
        for selection in self.extraSelections():
            if selection.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline:
                cursor = selection.cursor
                start = min(cursor.position(), cursor.anchor())
                block = self.document().findBlock(start)
                return block.blockNumber() + 1, start - block.position() + 1
        return None

    def _settle(self) -> None:
        self.text_settled.emit(self.toPlainText())
