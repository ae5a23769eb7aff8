"""The Graph page over its model: one parse and one change per opening, widgets that follow, words that mask."""

import pytest
from PySide6.QtWidgets import QDoubleSpinBox

from core import session as core_session
from core.engine import model as model_module
from core.engine.graph import build_graph
from core.engine.model import Change
from core.teach import quiz_text
from core.teach.lessons import BY_KEY as LESSONS
from core.teach.quiz_text import MaskedWords
from gui import theme
from tests.gui.windows import close_window, labels_of, node_named, open_window


@pytest.fixture
def window(qtbot):
    main_window = open_window(qtbot)
    yield main_window
    close_window(main_window)


class Counter:
    """Parses the page's model makes, and the changes of input values it announces."""

    def __init__(self, model, monkeypatch):
        self.parses: list[str] = []
        self.changes: list[Change] = []
        model.subscribe(self.changes.append)

        def counting(text):
            self.parses.append(text)
            return build_graph(text)

        monkeypatch.setattr(model_module, "build_graph", counting)

    def value_changes(self) -> int:
        return sum(change.values for change in self.changes)


def boxes(window) -> dict[str, float]:
    return {box.objectName().removeprefix("value_"): box.value()
            for box in window.graph_page.findChildren(QDoubleSpinBox) if box.objectName().startswith("value_")}


def test_opening_a_session_parses_once_and_sets_every_value_in_one_change(qtbot, window, tmp_path, monkeypatch):
    formula = "a = relu(w*x + b)\nw = 1\nx = 1\nb = 1"
    path = tmp_path / "three.json"
    saved = core_session.Session(formula=formula, values={"w": 0.5, "x": -2.0, "b": 0.25}, step=4)
    core_session.save_session(path, saved)
    counter = Counter(window.graph_page.model, monkeypatch)
    assert window.open_session(str(path))
    assert counter.parses == [formula] and counter.value_changes() == 1
    page = window.graph_page
    assert boxes(window) == {"w": 0.5, "x": -2.0, "b": 0.25} and page.values.values() == page.model.values
    assert page.player.step == 4 and page.formula() == formula and page.view.state() == page.state


def test_opening_a_lesson_or_an_exercise_parses_once_with_one_change(qtbot, window, monkeypatch):
    page = window.graph_page
    counter = Counter(page.model, monkeypatch)
    lesson = LESSONS["used-twice"]
    window.lessons.open_lesson("used-twice")
    assert counter.parses == [lesson.source] and counter.value_changes() == 1
    assert page.formula() == lesson.source and page.player.step == 0
    counter.parses.clear()
    counter.changes.clear()
    assert window.quiz.new_exercise("easy", seed=7)
    assert len(counter.parses) == 1 and counter.parses[0] == page.formula()
    assert counter.value_changes() == 1 and page.player.step == page.player.count


def test_a_value_edit_is_one_evaluation_without_a_parse(qtbot, window, monkeypatch):
    page = window.graph_page
    counter = Counter(page.model, monkeypatch)
    box = page.values.box("w")
    box.setValue(-1.5)
    assert counter.parses == [] and counter.value_changes() == 1 and page.model.values["w"] == -1.5
    w = node_named(window, "w")
    assert labels_of(page.view.node_items()[w])[0] == "w = -1.5"


def test_quiz_words_are_what_the_view_draws(qtbot, window):
    page = window.graph_page
    window.quiz.set_active(True)
    frame = page.view.frame()
    assert isinstance(frame.words, MaskedWords) and frame.words.plain() is not frame.words
    cg, u = page.cg, node_named(window, "u")
    item = page.view.node_items()[u]
    # the label is the wrapper's word, drawn once (no pass rewrites it after drawing)
    assert item.gradient_label.text() == theme.typeset(quiz_text.hidden_gradient(cg, u))
    assert item.value_label.text() == quiz_text.HIDDEN
    window.quiz.set_active(False)
    assert page.view.frame().words is frame.words.plain()
    assert item.value_label.text() == theme.typeset(frame.words.plain().node_value(cg, u, cg.value(u)))
