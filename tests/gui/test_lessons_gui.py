"""The lessons: the Learn menu, the notes beside the graph, previous / next, the link to Training."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QMenu, QPushButton

from core.engine.graph import build_graph
from core.teach.lessons import BY_KEY, LESSONS
from tests.gui.windows import close_window, open_window


@pytest.fixture
def window(qtbot):
    main_window = open_window(qtbot)
    yield main_window
    close_window(main_window)


def lessons_menu(window) -> QMenu:
    return window.findChild(QMenu, "lessonsMenu")


def test_the_learn_menu_lists_every_lesson_in_teaching_order(window):
    titles = [a.text().split("  ", 1)[-1] for a in lessons_menu(window).actions()]
    assert titles == [lesson.title for lesson in LESSONS] and len(titles) >= 8
    learn = window.findChild(QMenu, "learnMenu")
    names = [a.objectName() for a in learn.actions()]
    assert {"quizAction", "predictAction", "newExerciseAction", "nextLessonAction"} <= set(names)


def test_choosing_a_lesson_loads_its_formula_values_and_notes(qtbot, window):
    page = window.graph_page
    page.player.to_end()
    window.findChild(QAction, "lesson_used-twice").trigger()
    lesson = BY_KEY["used-twice"]
    assert page.formula() == lesson.source and page.player.step == 0
    for name, value in build_graph(lesson.source).defaults.items():
        assert window.findChild(QDoubleSpinBox, f"value_{name}").value() == pytest.approx(value)
    assert window.lesson_panel.isVisible()
    assert window.findChild(QLabel, "lessonTitle").text() == lesson.title
    assert window.findChild(QLabel, "lessonExplanation").text() == lesson.explanation
    notice = window.findChild(QLabel, "lessonNotice").text()
    assert all(line.split(":")[0] in notice.replace("&gt;", ">") for line in lesson.notice)
    assert window.findChild(QLabel, "lessonPosition").text() == f"Lesson 4 of {len(LESSONS)}"
    assert "Lesson 4" in window.statusBar().currentMessage()


def test_next_and_previous_lesson(qtbot, window):
    page = window.graph_page
    qtbot.keyClick(page.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # none open: the first
    assert window.lessons.key == LESSONS[0].key
    previous = window.findChild(QPushButton, "previousLessonButton")
    following = window.findChild(QPushButton, "nextLessonButton")
    assert not previous.isEnabled()
    qtbot.mouseClick(following, Qt.MouseButton.LeftButton)
    assert window.lessons.key == LESSONS[1].key and page.formula() == LESSONS[1].source
    qtbot.mouseClick(previous, Qt.MouseButton.LeftButton)
    assert window.lessons.key == LESSONS[0].key
    window.lessons.open_lesson(LESSONS[-1].key)
    assert not following.isEnabled() and not window.lessons.next_action.isEnabled()
    qtbot.mouseClick(window.findChild(object, "lessonCloseButton"), Qt.MouseButton.LeftButton)
    assert window.lessons.key is None and not window.lesson_panel.isVisible()
    assert lessons_menu(window).actions()[-1].isChecked() is False


def test_the_linear_regression_lesson_leads_to_the_training_page(qtbot, window):
    button = window.findChild(QPushButton, "lessonTrainingButton")
    window.lessons.open_lesson("sigmoid-neuron")
    assert button.isHidden()
    window.lessons.open_lesson("linear-regression")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == window.pages.count() - 1  # the Training tab


def test_each_lesson_keeps_its_own_quiz_score(qtbot, window):
    window.lessons.open_lesson("lecture")
    window.quiz.set_active(True)
    question = next(iter(window.quiz.quiz.questions.values()))
    window.quiz_panel.ask(question)
    window.quiz.answer(question.answer_text)
    window.lessons.open_lesson("squared-error")
    assert window.quiz.active and window.graph_page.player.step == window.graph_page.player.count
    assert window.findChild(QLabel, "quizScore").text().endswith("0 of 0 right")
    assert window.quiz.book.score("lecture").correct == 1
