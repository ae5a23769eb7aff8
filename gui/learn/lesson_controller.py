"""The built-in lessons: a Learn menu over core.teach.lessons.LESSONS, the notes panel, previous / next."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup

from core.teach.lessons import BY_KEY, LESSONS, lesson_after, lesson_before
from gui.graph.page import GraphPage
from gui.learn.lesson_panel import LessonPanel
from gui.learn.quiz_controller import PRACTICE, QuizController
from gui.widgets.actions import make_action


class LessonController(QObject):
    """Opens a lesson: its formula and values in the graph page, its notes beside the graph."""

    training_requested = Signal()  # the lesson's link to the Training page was followed
    status_message = Signal(str)  # a sentence for the window's status bar

    def __init__(self, page: GraphPage, panel: LessonPanel, quiz: QuizController,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.page, self.panel, self.quiz = page, panel, quiz
        self.key: str | None = None
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.lesson_actions: dict[str, QAction] = {}
        for number, lesson in enumerate(LESSONS, start=1):
            action = QAction(f"&{number}  {lesson.title}" if number < 10 else lesson.title, self)
            action.setObjectName(f"lesson_{lesson.key}")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, key=lesson.key: self.open_lesson(key))
            self.group.addAction(action)
            self.lesson_actions[lesson.key] = action
        self.next_action = self._action("nextLessonAction", "&Next lesson", "Ctrl+PgDown", self.next_lesson)
        self.previous_action = self._action("previousLessonAction", "P&revious lesson", "Ctrl+PgUp",
                                            self.previous_lesson)
        self.close_action = self._action("closeLessonAction", "&Close the lesson", None, self.close_lesson)
        panel.hide()
        self._enable()

        panel.next_requested.connect(self.next_lesson)
        panel.previous_requested.connect(self.previous_lesson)
        panel.close_requested.connect(self.close_lesson)
        panel.training_requested.connect(self.training_requested)
        quiz.exercise_opened.connect(lambda *_: self.close_lesson())

    def _action(self, name: str, text: str, key: str | None, slot) -> QAction:
        return make_action(self, name, text, key, slot)

    @property
    def actions(self) -> list[QAction]:
        """Actions with shortcuts, to add to the window."""
        return [self.next_action, self.previous_action]

    def open_lesson(self, key: str, load: bool = True) -> bool:
        """Open lesson `key`; with `load`, show its formula and values from the first step."""
        lesson = BY_KEY.get(key)
        if lesson is None:
            self.status_message.emit(f"No lesson called '{key}'")
            return False
        self.key = key
        self.quiz.set_topic(key, lesson.title)
        if load:
            self.page.load_source(lesson.source)
            if self.quiz.active:
                self.page.player.to_end()  # quiz mode draws its ? at the end
        number = LESSONS.index(lesson) + 1
        self.panel.show_lesson(lesson, number, len(LESSONS))
        self.panel.setVisible(not self.page.presenting())
        self.lesson_actions[key].setChecked(True)
        self._enable()
        self.status_message.emit(f"Lesson {number} of {len(LESSONS)}: {lesson.title}")
        return True

    def close_lesson(self) -> None:
        """Put the lesson notes away; the graph stays as it is."""
        if self.key is None:
            return
        self.key = None
        self.panel.hide()
        checked = self.group.checkedAction()
        if checked is not None:
            self.group.setExclusive(False)  # an exclusive group cannot uncheck its last action
            checked.setChecked(False)
            self.group.setExclusive(True)
        self.quiz.set_topic(*PRACTICE)
        self._enable()

    def next_lesson(self) -> None:
        """Open the lesson after this one (the first, when none is open)."""
        following = lesson_after(self.key) if self.key else LESSONS[0]
        if following is not None:
            self.open_lesson(following.key)

    def previous_lesson(self) -> None:
        """Open the lesson before this one."""
        before = lesson_before(self.key) if self.key else None
        if before is not None:
            self.open_lesson(before.key)

    def _enable(self) -> None:
        self.previous_action.setEnabled(self.key is not None and lesson_before(self.key) is not None)
        self.next_action.setEnabled(self.key is None or lesson_after(self.key) is not None)
        self.close_action.setEnabled(self.key is not None)
