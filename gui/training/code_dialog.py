"""A variant's real source code, read-only and highlighted: the code that trains it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from core.training.registry import VariantInfo
from gui.training import theme
from gui.widgets.python_highlighter import PythonHighlighter

CODE_POINT_SIZE = 14


class CodeDialog(QDialog):
    """Shows one variant's class (from core/training/variants.py), exactly as it is on disk."""

    def __init__(self, info: VariantInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"codeDialog_{info.name}")
        self.setWindowTitle(f"{info.title}: the code that ran "
                            f"({_shown_path(info)}, class {info.class_name})")
        heading = QLabel(f"{info.title} — {info.description}")
        heading.setObjectName("codeHeading")
        heading.setWordWrap(True)
        heading.setFont(theme.font(theme.PAGE_POINT_SIZE + 2, bold=True))
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("codeView")
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        code_font = theme.font(CODE_POINT_SIZE, monospace=True)
        self.editor.setFont(code_font)
        self.editor.setTabStopDistance(4 * QFontMetricsF(code_font).horizontalAdvance(" "))
        self.editor.setPlainText(info.source)
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.highlighter = PythonHighlighter(self.editor.document())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addWidget(self.editor, 1)
        column.addWidget(buttons)
        width = QFontMetricsF(code_font).horizontalAdvance("x" * 100)
        self.resize(int(width) + 60, 760)


def _shown_path(info: VariantInfo) -> str:
    """The class's file, relative to the project when it is inside it."""
    from core.project import PROJECT_ROOT

    try:
        return info.path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(info.path)
