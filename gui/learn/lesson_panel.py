"""The lesson notes beside the graph: title, a short explanation, what to notice, previous / next."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget,
)

from core.teach.lessons import Lesson

TITLE_POINT_SIZE = 16
TEXT_POINT_SIZE = 13


class LessonPanel(QWidget):
    """Shows one core.teach.lessons.Lesson; its buttons ask the LessonController to move on."""

    previous_requested = Signal()  # the student wants the lesson before this one
    next_requested = Signal()  # ... the lesson after this one
    training_requested = Signal()  # ... the page this lesson links to (the Training page)
    close_requested = Signal()  # ... to put the notes away

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lessonPanel")
        self.setAccessibleName("Lesson")
        self.position = QLabel()
        self.position.setObjectName("lessonPosition")
        self.close_button = QToolButton()
        self.close_button.setObjectName("lessonCloseButton")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close the lesson notes")
        self.close_button.setAccessibleName("Close the lesson")
        self.title = QLabel()
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        title_font = self.title.font()
        title_font.setPointSize(TITLE_POINT_SIZE)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.explanation = QLabel()
        self.explanation.setObjectName("lessonExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.notice = QLabel()
        self.notice.setObjectName("lessonNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.previous_button = QPushButton("◀ Back")
        self.previous_button.setObjectName("previousLessonButton")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setObjectName("nextLessonButton")
        self.training_button = QPushButton("Training page ▶")
        self.training_button.setObjectName("lessonTrainingButton")
        self.training_button.setToolTip("Continue on the Training page: train a linear model on a whole "
                                        "data set with these gradients")

        body = QWidget()
        body.setObjectName("lessonBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 8, 12, 8)
        header = QHBoxLayout()
        header.addWidget(self.position, 1)
        header.addWidget(self.close_button)
        column.addLayout(header)
        column.addWidget(self.title)
        column.addSpacing(4)
        column.addWidget(self.explanation)
        column.addSpacing(6)
        heading = QLabel("What to notice")
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        column.addWidget(heading)
        column.addWidget(self.notice)
        column.addSpacing(6)
        column.addWidget(self.training_button)
        column.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        column.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        font = self.font()
        font.setPointSize(TEXT_POINT_SIZE)
        body.setFont(font)
        self.setMinimumWidth(240)

        self.previous_button.clicked.connect(self.previous_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.training_button.clicked.connect(self.training_requested)
        self.close_button.clicked.connect(self.close_requested)

    def show_lesson(self, lesson: Lesson, number: int, count: int) -> None:
        """Show `lesson`, number `number` (from 1) of `count`."""
        self.position.setText(f"Lesson {number} of {count}")
        self.title.setText(lesson.title)
        self.explanation.setText(lesson.explanation)
        bullets = "".join(f"<li>{escape(line)}</li>" for line in lesson.notice)
        self.notice.setText(f"<ul style='margin-left: -20px'>{bullets}</ul>")
        self.previous_button.setEnabled(number > 1)
        self.next_button.setEnabled(number < count)
        self.training_button.setVisible(lesson.links_to == "training")
