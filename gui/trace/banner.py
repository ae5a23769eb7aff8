"""The band above a traced graph: whose graph this is, at which parameters, and the way back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

TITLE_POINT_SIZE = 16
TEXT_POINT_SIZE = 12
STYLES = {  # state -> (background, border): calm while shown, amber while waiting or failed
    "shown": ("#E8F1F8", "#0072B2"),
    "computing": ("#FFF4CC", "#B38F00"),
    "failed": ("#FBE3D6", "#B34700"),
}


class TraceBanner(QFrame):
    """A title, one line about the numbers (or the wait, or the failure), and a Back button."""

    back_requested = Signal()  # the user wants the formula's graph again

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("traceBanner")
        self.setAccessibleName("Torch graph banner")
        self.state = "shown"
        self.title = QLabel()
        self.title.setObjectName("traceTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSize(TITLE_POINT_SIZE)
        font.setBold(True)
        self.title.setFont(font)
        self.message = QLabel()
        self.message.setObjectName("traceMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = self.message.font()
        font.setPointSize(TEXT_POINT_SIZE)
        self.message.setFont(font)
        self.back_button = QPushButton("Back to my formula")
        self.back_button.setObjectName("traceBackButton")
        self.back_button.setToolTip("Leave torch's graph and show the formula graph again")
        font = self.back_button.font()
        font.setPointSize(TEXT_POINT_SIZE)
        font.setBold(True)
        self.back_button.setFont(font)

        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.title)
        words.addWidget(self.message)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 6)
        row.addLayout(words, 1)
        row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.back_button.clicked.connect(self.back_requested)
        self.show_state("shown", "", "")

    def show_state(self, state: str, title: str, message: str) -> None:
        """Show a title and a message in the look of `state`: shown, computing or failed."""
        self.state = state
        self.title.setText(title)
        self.message.setText(message)
        background, border = STYLES[state]
        self.setStyleSheet(f"#traceBanner {{ background: {background}; border-bottom: 3px solid {border}; }}"
                           f" #traceBanner QLabel {{ color: #1A1A1A; background: transparent; }}")
