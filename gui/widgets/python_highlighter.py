"""A small Python syntax highlighter: keywords, builtins, strings, comments, numbers, decorators."""

from __future__ import annotations

import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

# Okabe-Ito shades that read on white and stay apart under colour blindness.
KEYWORD_COLOR = "#0057A0"  # dark blue, bold
BUILTIN_COLOR = "#8E3B6E"  # dark reddish purple
STRING_COLOR = "#00704F"  # dark bluish green
COMMENT_COLOR = "#6B6B6B"  # grey, italic
NUMBER_COLOR = "#A64A00"  # dark vermillion
DEFINITION_COLOR = "#1A1A1A"  # the names after def and class, bold

BUILTINS = ("self", "super", "len", "range", "print", "float", "int", "list", "dict", "tuple",
            "isinstance", "zip", "sum", "max", "min", "abs", "torch", "nn", "F")


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    result = QTextCharFormat()
    result.setForeground(QColor(color))
    if bold:
        result.setFontWeight(QFont.Weight.Bold)
    result.setFontItalic(italic)
    return result


class PythonHighlighter(QSyntaxHighlighter):
    """Colours Python source line by line; triple-quoted strings may span lines."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        words = "|".join(keyword.kwlist)
        self.rules = [
            (re.compile(rf"\b(?:{words})\b"), _format(KEYWORD_COLOR, bold=True)),
            (re.compile(rf"\b(?:{'|'.join(BUILTINS)})\b"), _format(BUILTIN_COLOR)),
            (re.compile(r"\b\d+(?:\.\d*)?(?:e[+-]?\d+)?\b"), _format(NUMBER_COLOR)),
            (re.compile(r"(?<=\bdef )\w+|(?<=\bclass )\w+"), _format(DEFINITION_COLOR, bold=True)),
            (re.compile(r"@\w+(?:\.\w+)*"), _format(BUILTIN_COLOR, italic=True)),
        ]
        # Strings and comments last: they win over whatever they contain.
        self.string = _format(STRING_COLOR)
        self.comment = _format(COMMENT_COLOR, italic=True)
        self.one_line = re.compile(r"#[^\n]*|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        for pattern, style in self.rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), style)
        start = self._continue_docstring(text)
        position = start
        while position < len(text):
            triple = text.find('"""', position)
            match = self.one_line.search(text, position)
            if triple != -1 and (match is None or triple <= match.start()):
                end = text.find('"""', triple + 3)
                if end == -1:  # opens a docstring that goes on below
                    self.setFormat(triple, len(text) - triple, self.string)
                    self.setCurrentBlockState(1)
                    return
                self.setFormat(triple, end + 3 - triple, self.string)
                position = end + 3
            elif match is not None:
                style = self.comment if match.group().startswith("#") else self.string
                self.setFormat(match.start(), match.end() - match.start(), style)
                position = match.end()
            else:
                break

    def _continue_docstring(self, text: str) -> int:
        """Inside a docstring from the line above: colour up to its end; where to go on from."""
        self.setCurrentBlockState(0)
        if self.previousBlockState() != 1:
            return 0
        end = text.find('"""')
        if end == -1:
            self.setFormat(0, len(text), self.string)
            self.setCurrentBlockState(1)
            return len(text)
        self.setFormat(0, end + 3, self.string)
        return end + 3
