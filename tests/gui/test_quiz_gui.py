"""Quiz mode, predicting the next gradient and new exercises, driven by clicks and typing."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from core.teach.exercises import DIFFICULTIES, new_exercise
from core.formatting import fmt
from tests.gui.windows import click_edge, click_node, close_window, labels_of, node_named, open_window, plain


@pytest.fixture
def window(qtbot):
    main_window = open_window(qtbot)
    yield main_window
    close_window(main_window)


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def panel_text(window, name: str) -> str:
    return plain(window.findChild(QLabel, name).text())


def answer(qtbot, window, text: str) -> None:
    """Type an answer into the quiz box and press Enter."""
    box = window.findChild(QLineEdit, "quizAnswer")
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def drawn_texts(window) -> str:
    view = window.graph_page.view
    items = list(view.node_items().values()) + list(view.edge_items().values())
    return "\n".join(" | ".join(labels_of(item)) for item in items)


def test_quiz_mode_hides_numbers_in_the_drawing_captions_and_details(qtbot, window):
    page = window.graph_page
    qtbot.keyClick(page.view, Qt.Key.Key_F6)
    assert action(window, "quizAction").isChecked() and window.quiz_panel.isVisible()
    assert page.player.step == page.player.count  # at the end, where every ? is drawn
    view, cg = page.view, page.cg
    u, w = node_named(window, "u"), node_named(window, "w")
    assert labels_of(view.node_items()[u]) == ["u = w·x", "×", "?", "∂a/∂u = ?"]
    assert "∂a/∂w = ?" in labels_of(view.node_items()[w])
    assert labels_of(view.edge_items()[cg.in_edges(u)[0]]) == ["∂u/∂w = ?"]  # products: only on the active step
    assert plain(window.findChild(QLabel, "stepCaption").text()) == "Done: ∂a/∂w = ?, ∂a/∂x = ?, ∂a/∂b = ?"
    assert "= 3" not in view.node_items()[w].toolTip() and "∂a/∂w = ?" in view.node_items()[w].toolTip()
    for step in range(1, page.player.count + 1):  # no step's caption gives a hidden number away
        page.player.go_to(step)
        caption = plain(window.findChild(QLabel, "stepCaption").text())
        if page.schedule.steps[step - 1].kind != "seed":  # "start with ∂a/∂a = 1" hides nothing
            assert caption != plain(page.schedule.state_at(step).caption) and "?" in caption, caption
    click_node(qtbot, view, u)
    assert "6" not in window.findChild(QLabel, "selectionDetails").text()
    qtbot.keyClick(page.view, Qt.Key.Key_F6)
    assert not window.quiz_panel.isVisible() and "?" not in drawn_texts(window)


def test_a_wrong_then_a_right_answer_with_feedback_and_score(qtbot, window):
    page = window.graph_page
    action(window, "quizAction").trigger()
    u = node_named(window, "u")
    click_node(qtbot, page.view, u)
    assert panel_text(window, "quizPrompt") == "u = w·x = ?"
    answer(qtbot, window, "5")
    feedback = window.findChild(QLabel, "quizFeedback")
    assert feedback.text().startswith("✗") and feedback.property("verdict") == "incorrect"
    assert QColor(window.appearance.look.wrong).name() in feedback.styleSheet().lower()
    assert "w·x" in panel_text(window, "quizHint")  # the rule, as a hint
    assert "?" in labels_of(page.view.node_items()[u])
    answer(qtbot, window, "6")
    assert feedback.text().startswith("✓") and feedback.property("verdict") == "correct"
    assert QColor(window.appearance.look.correct).name() in feedback.styleSheet().lower()
    assert "6" in labels_of(page.view.node_items()[u])  # uncovered in the drawing
    assert not window.findChild(QLineEdit, "quizAnswer").isEnabled()
    assert "1 of 2 right" in panel_text(window, "quizScore")
    click_node(qtbot, page.view, u)  # its gradient is still hidden
    assert panel_text(window, "quizPrompt") == "∂a/∂u = ?"
    window.findChild(QPushButton, "quizHintButton").click()  # a numeric next step, not the rule again
    assert "Take ∂a/∂v = 1 times ∂v/∂u = 1" in panel_text(window, "quizHint")


def test_answers_are_checked_with_a_tolerance(qtbot, window):
    window.lessons.open_lesson("sigmoid-neuron")
    window.quiz.set_active(True)
    a = node_named(window, "a")  # σ(1) = 0.7310585...
    click_node(qtbot, window.graph_page.view, a)
    answer(qtbot, window, "0.74")
    assert window.findChild(QLabel, "quizFeedback").property("verdict") == "close"
    answer(qtbot, window, "abc")
    assert window.findChild(QLabel, "quizFeedback").property("verdict") == "not_a_number"
    answer(qtbot, window, "0.7311")
    assert window.findChild(QLabel, "quizFeedback").property("verdict") == "correct"
    assert panel_text(window, "quizScore").startswith("A sigmoid neuron and its derivative: 1 of 2 right")


def test_reveal_uncovers_and_counts(qtbot, window):
    page = window.graph_page
    window.quiz.set_active(True)
    edge = page.cg.in_edges(node_named(window, "u"))[0]  # ∂u/∂w = x = 3
    click_edge(qtbot, page.view, edge)
    assert panel_text(window, "quizPrompt") == "∂u/∂w = ?"
    window.findChild(QPushButton, "quizRevealButton").click()
    assert panel_text(window, "quizFeedback") == "Answer: 3"
    assert "∂u/∂w = 3" in labels_of(page.view.edge_items()[edge])
    assert panel_text(window, "quizScore").endswith("0 of 0 right, 1 revealed")


def test_choosing_what_to_hide(qtbot, window):
    page = window.graph_page
    action(window, "hideValuesAction").trigger()
    action(window, "hideLocalsAction").trigger()
    window.quiz.set_active(True)
    u = page.view.node_items()[node_named(window, "u")]
    assert labels_of(u) == ["u = w·x", "×", "6", "∂a/∂u = ?"]  # only gradients are hidden
    assert "∂u/∂w = 3" in drawn_texts(window)
    assert window.findChild(object, "hideValuesActionButton") is not None  # also a toggle in the quiz bar
    action(window, "hideValuesAction").trigger()
    assert "?" in labels_of(page.view.node_items()[node_named(window, "u")])


def test_predict_the_next_gradient_before_the_animation_shows_it(qtbot, window):
    page = window.graph_page
    qtbot.keyClick(page.view, Qt.Key.Key_F7)
    assert page.player.step == 0 and window.quiz_panel.isVisible()
    while page.schedule.steps[page.player.step].kind not in ("backward", "accumulate"):
        qtbot.keyClick(page.view, Qt.Key.Key_Right)
    qtbot.keyClick(page.view, Qt.Key.Key_Right)  # onto the first backward step: a ∂a/∂v · ∂v/∂... question
    step = page.schedule.steps[page.player.step - 1]
    prompt = panel_text(window, "quizPrompt")
    assert prompt.startswith("Predict: ∂a/∂a · ∂a/∂v") and prompt.endswith("= ?")
    edge_labels = labels_of(page.view.edge_items()[step.edge])
    assert edge_labels[-1].endswith("= ?") and "Predict" in window.findChild(QLabel, "stepCaption").text()
    contribution = page.cg.edge(step.edge)["contribution"]
    answer(qtbot, window, fmt(contribution))
    assert window.findChild(QLabel, "quizFeedback").property("verdict") == "correct"
    assert labels_of(page.view.edge_items()[step.edge])[-1].endswith(f"= {fmt(contribution)}")
    page.player.set_speed(20)
    page.player.play()  # playback stops at the next step to predict
    qtbot.waitUntil(lambda: not page.player.playing, timeout=3000)
    assert page.player.step < page.player.count and panel_text(window, "quizPrompt") != prompt
    assert window.quiz_panel.predicting() and window.findChild(QLineEdit, "quizAnswer").isEnabled()


def test_new_exercise_opens_in_quiz_mode(qtbot, window):
    page = window.graph_page
    window.lessons.open_lesson("lecture")
    action(window, "predictAction").trigger()
    action(window, "predictAction").trigger()  # the panel shows the exercise controls
    window.quiz.set_active(True)
    difficulty = window.findChild(QComboBox, "quizDifficulty")
    difficulty.setCurrentIndex(difficulty.findData("easy"))
    qtbot.mouseClick(window.findChild(QPushButton, "newExerciseButton"), Qt.MouseButton.LeftButton)
    seed = window.quiz.last_seed
    assert page.formula() == new_exercise(seed, DIFFICULTIES["easy"])
    assert window.quiz.active and page.player.step == page.player.count and "?" in drawn_texts(window)
    assert window.lessons.key is None and panel_text(window, "quizScore").startswith("Exercises:")
    window.quiz.set_active(False)
    action(window, "newExerciseAction").trigger()  # Ctrl+N: quiz mode comes back on
    assert window.quiz.last_seed != seed or page.formula() == new_exercise(seed, DIFFICULTIES["easy"])
    assert window.quiz.active and "?" in drawn_texts(window)
