"""The quiz bar under the graph: what to hide, the question, an answer box, feedback and the score."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget,
)

from core.teach.exercises import DIFFICULTIES
from core.teach.quiz import Question, Verdict
from gui import theme

PROMPT_POINT_SIZE = 18
FEEDBACK_POINT_SIZE = 15
IDLE_TEXT = "Click a ? in the graph to answer it."
SYMBOLS = {"correct": "✓", "close": "≈", "incorrect": "✗", "not_a_number": "?"}


class QuizPanel(QWidget):
    """Asks one question at a time; the QuizController decides which and checks the answers."""

    answer_submitted = Signal(str)  # the text typed in the answer box
    hint_requested = Signal()  # the student asked for the rule behind the question
    reveal_requested = Signal()  # the student asked to see the answer
    exercise_requested = Signal(str)  # a difficulty key of core.teach.exercises.DIFFICULTIES

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("quizPanel")
        self.setAccessibleName("Quiz")
        self._question: Question | None = None
        self._predicting = False
        self._look = theme.LOOKS[theme.DEFAULT_LOOK]

        self.title = QLabel("Quiz")
        self.title.setObjectName("quizTitle")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.difficulty = QComboBox()
        self.difficulty.setObjectName("quizDifficulty")
        self.difficulty.setAccessibleName("Difficulty of new exercises")
        for key in DIFFICULTIES:
            self.difficulty.addItem(key.title(), key)
        self.difficulty.setCurrentIndex(list(DIFFICULTIES).index("medium"))
        self.exercise_button = QPushButton("New exercise")
        self.exercise_button.setObjectName("newExerciseButton")
        self.exercise_button.setToolTip("A random formula at the chosen difficulty, in quiz mode (Ctrl+N)")
        self.score = QLabel()
        self.score.setObjectName("quizScore")
        self.score.setAccessibleName("Score")

        self.prompt = _label("quizPrompt", "Question", PROMPT_POINT_SIZE, bold=True)
        self.answer = QLineEdit()
        self.answer.setObjectName("quizAnswer")
        self.answer.setAccessibleName("Your answer")
        self.answer.setPlaceholderText("e.g. 1/4")
        self.answer.setToolTip("A decimal (0.25), a fraction (1/4), or inf / nan; Enter checks it")
        self.answer.setMaxLength(64)
        self.answer.setMinimumWidth(self.answer.fontMetrics().horizontalAdvance("M" * 14))
        answer_font = self.answer.font()
        answer_font.setPointSize(PROMPT_POINT_SIZE)
        self.answer.setFont(answer_font)
        self.check_button = _button("quizCheckButton", "Check", "Check your answer (Enter)")
        self.hint_button = _button("quizHintButton", "Hint", "Show the rule to use")
        self.reveal_button = _button("quizRevealButton", "Reveal", "Show the answer (counts as revealed)")
        self.feedback = _label("quizFeedback", "Feedback", FEEDBACK_POINT_SIZE, bold=True)
        self.hint = _label("quizHint", "Hint", FEEDBACK_POINT_SIZE)
        self.hint.setWordWrap(True)

        self._options = QHBoxLayout()
        self._options.addWidget(self.title)
        self._options.addSpacing(8)
        self._options_end = QHBoxLayout()
        self._options_end.addStretch(1)
        self._options_end.addWidget(self.score)
        self._options_end.addSpacing(16)
        self._options_end.addWidget(self.difficulty)
        self._options_end.addWidget(self.exercise_button)
        top = QHBoxLayout()
        top.addLayout(self._options)
        top.addLayout(self._options_end, 1)
        ask = QHBoxLayout()
        ask.addWidget(self.prompt, 1)
        ask.addWidget(self.answer)
        for button in (self.check_button, self.hint_button, self.reveal_button):
            ask.addWidget(button)
        said = QHBoxLayout()
        said.addWidget(self.feedback)
        said.addSpacing(12)
        said.addWidget(self.hint, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 6, 16, 6)
        column.setSpacing(4)
        column.addLayout(top)
        column.addLayout(ask)
        column.addLayout(said)

        self.answer.returnPressed.connect(self._submit)
        self.check_button.clicked.connect(self._submit)
        self.hint_button.clicked.connect(self.hint_requested)
        self.reveal_button.clicked.connect(self.reveal_requested)
        self.exercise_button.clicked.connect(
            lambda: self.exercise_requested.emit(self.difficulty.currentData()))
        self.show_idle()
        self.apply_look(self._look)

    def add_option(self, action: QAction) -> QToolButton:
        """A toggle button for a checkable action (what to hide, predict) in the top row."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setObjectName(f"{action.objectName()}Button")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAutoRaise(False)
        self._options.addWidget(button)
        return button

    def question(self) -> Question | None:
        """The question being asked, or None."""
        return self._question

    def predicting(self) -> bool:
        """Whether the question asks what the next step will show."""
        return self._question is not None and self._predicting

    def difficulty_key(self) -> str:
        """The difficulty chosen for new exercises."""
        return self.difficulty.currentData()

    def ask(self, question: Question, predicting: bool = False) -> None:
        """Ask `question`: its prompt, an empty answer box with the focus, no feedback yet."""
        self._question, self._predicting = question, predicting
        lead = "Predict: " if predicting else ""
        self.prompt.setText(f"{lead}{theme.typeset(question.prompt)}")
        self.answer.clear()
        self._set_answering(True)
        self.feedback.clear()
        self.hint.clear()
        self.answer.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_idle(self, text: str = IDLE_TEXT) -> None:
        """No question: say what to do."""
        self._question, self._predicting = None, False
        self.prompt.setText(text)
        self.answer.clear()
        self._set_answering(False)
        self.feedback.clear()
        self.hint.clear()

    def show_verdict(self, verdict: Verdict) -> None:
        """✓ / ✗ / ≈ with the message, in the look's blue or orange; the rule as a hint when wrong."""
        good = verdict.correct
        colour = self._look.correct if good else self._look.wrong
        if verdict.status == "not_a_number":
            colour = self._look.soft_text
        self.feedback.setText(f"{SYMBOLS.get(verdict.status, '')} {theme.typeset(verdict.message)}")
        self.feedback.setStyleSheet(f"color: {colour};")
        self.feedback.setProperty("verdict", verdict.status)
        self.hint.setText(theme.typeset(verdict.hint) if verdict.hint else "")
        if good:
            self._set_answering(False)
        else:
            self.answer.selectAll()
            self.answer.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_hint(self, text: str) -> None:
        """The rule behind the question."""
        self.hint.setText(f"Hint: {theme.typeset(text)}")

    def show_reveal(self, answer_text: str) -> None:
        """The answer, given away."""
        self.feedback.setText(f"Answer: {theme.typeset(answer_text)}")
        self.feedback.setStyleSheet(f"color: {self._look.soft_text};")
        self.feedback.setProperty("verdict", "revealed")
        self._set_answering(False)

    def show_score(self, text: str) -> None:
        """The running score, e.g. `Lecture figure: 3 of 4 right`."""
        self.score.setText(text)

    def apply_look(self, look: theme.Look) -> None:
        """Colours for a theme."""
        self._look = look  # painted by paintEvent: a style sheet here would stop the text size reaching the buttons
        self.hint.setStyleSheet(f"color: {look.soft_text};")
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """The look's caption background with a line on top, like the caption below."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self._look.caption_background))
        painter.fillRect(0, 0, self.width(), 1, QColor(self._look.caption_border))

    def _set_answering(self, answering: bool) -> None:
        self.answer.setEnabled(answering)
        for button in (self.check_button, self.hint_button, self.reveal_button):
            button.setEnabled(answering)

    def _submit(self) -> None:
        if self._question is not None and self.answer.isEnabled():
            self.answer_submitted.emit(self.answer.text())


def _label(name: str, accessible: str, point_size: int, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSize(point_size)
    font.setBold(bold)
    label.setFont(font)
    return label


def _button(name: str, text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button
