"""Quiz mode, "predict the next gradient" and endless practice, on top of the graph page.

The page draws every state as usual; after each one this controller covers the numbers the
student must still find with "?" (labels, tooltips, the caption), and checks typed answers with
core.teach.quiz. Questions, answers, tolerances and scores all come from core; nothing is computed here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRandomGenerator, Qt, Signal
from PySide6.QtGui import QAction

from core.engine import explain
from core.teach.exercises import DIFFICULTIES, ExerciseError, new_exercise
from core.teach.quiz import QUANTITIES, Question, Quiz, ScoreBook, check, next_step_question
from core.engine.steps import State
from core.engine import graph_text
from core.teach import quiz_text
from gui.graph.page import GraphPage
from gui.learn.quiz_panel import QuizPanel
from gui.widgets.actions import make_action

HIDE_CHOICES = {  # quantity -> (menu text, objectName)
    "value": ("Hide forward &values", "hideValuesAction"),
    "local": ("Hide &local derivatives", "hideLocalsAction"),
    "grad": ("Hide &gradients", "hideGradientsAction"),
}
PREDICTED_KINDS = ("backward", "accumulate")  # the steps that show a new gradient
PRACTICE = ("practice", "Your formula")
EXERCISES = ("exercises", "Exercises")
MAX_SEED = 2**31 - 1


class QuizController(QObject):
    """Hides chosen quantities, asks about the clicked node or edge, and keeps a score per lesson."""

    active_changed = Signal(bool)  # quiz mode switched on (True) or off (False)
    exercise_opened = Signal(int, str)  # seed and difficulty key of the exercise now shown
    status_message = Signal(str)  # a sentence for the window's status bar

    def __init__(self, page: GraphPage, panel: QuizPanel, parent: QObject | None = None):
        super().__init__(parent)
        self.page, self.panel = page, panel
        self.quiz: Quiz | None = None
        self.hidden = set(QUANTITIES)
        self.book = ScoreBook()
        self.topic = PRACTICE  # (score key, title): the lesson or exercise the score belongs to
        self.last_seed: int | None = None
        self._predicted: set[int] = set()  # steps already predicted (or revealed) on this graph
        self._prediction: tuple[int, Question] | None = None  # (step, question) asked now

        self.quiz_action = self._action("quizAction", "&Quiz mode", "F6", checkable=True)
        self.quiz_action.setToolTip("Hide numbers in the graph; click a ? and type its value (F6)")
        self.predict_action = self._action("predictAction", "&Predict the next gradient", "F7", checkable=True)
        self.predict_action.setIconText("Predict the next gradient")
        self.predict_action.setToolTip("Before each backward step, type the gradient it will show (F7)")
        self.hide_actions: dict[str, QAction] = {}
        for kind, (text, name) in HIDE_CHOICES.items():
            action = self._action(name, text, None, checkable=True)
            action.setIconText(text.replace("&", "").replace("Hide f", "F").replace("Hide ", "").capitalize())
            action.setChecked(True)
            action.toggled.connect(self._hidden_changed)
            self.hide_actions[kind] = action
        self.exercise_action = self._action("newExerciseAction", "&New exercise", "Ctrl+N")
        self.exercise_action.triggered.connect(lambda: self.new_exercise(panel.difficulty_key()))
        self.difficulty_actions = {}
        for key in DIFFICULTIES:
            action = self._action(f"new{key.title()}ExerciseAction", f"New &{key} exercise", None)
            action.triggered.connect(lambda _=False, key=key: self.new_exercise(key))
            self.difficulty_actions[key] = action
        for action in (*self.hide_actions.values(), self.predict_action):
            panel.add_option(action)
        panel.setVisible(False)

        self.quiz_action.toggled.connect(self.set_active)
        self.predict_action.toggled.connect(self._predicting_changed)
        page.graph_changed.connect(self._graph_changed)
        page.state_shown.connect(self._state_shown)
        page.view.node_selected.connect(self._target_clicked)
        page.view.edge_selected.connect(lambda edge: self._target_clicked(tuple(edge)))
        panel.answer_submitted.connect(self.answer)
        panel.hint_requested.connect(self.hint)
        panel.reveal_requested.connect(self.reveal)
        panel.exercise_requested.connect(self.new_exercise)

    def _action(self, name: str, text: str, key: str | None, checkable: bool = False) -> QAction:
        return make_action(self, name, text, key, checkable=checkable)

    @property
    def actions(self) -> list[QAction]:
        """Every action with a shortcut, to add to the window (they work with the menu bar hidden)."""
        return [self.quiz_action, self.predict_action, self.exercise_action]

    # ----- switching modes -------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether quiz mode is on."""
        return self.quiz is not None

    def set_active(self, active: bool) -> None:
        """Switch quiz mode on (jumping to the end, where every ? is drawn) or off."""
        if self.quiz_action.isChecked() != active:
            self.quiz_action.setChecked(active)  # comes back here through toggled
            return
        if active == self.active:
            return
        self.quiz = self._new_quiz() if active else None
        self.page.set_details_hidden(active)
        self.panel.show_idle()
        self._show_panel()
        if active:
            self.page.player.to_end()
        self.page.refresh()
        self.active_changed.emit(active)

    def set_hidden(self, kinds: set[str]) -> None:
        """Choose what quiz mode hides: any of "value", "local" and "grad"."""
        for kind, action in self.hide_actions.items():
            action.setChecked(kind in kinds)

    def set_topic(self, key: str, title: str) -> None:
        """Count the score under a lesson (its key and title) from now on."""
        self.topic = (key, title)
        if self.quiz is not None:
            self.quiz.score = self.book.score(key)
        self._show_score()

    def new_exercise(self, difficulty: str = "medium", seed: int | None = None) -> bool:
        """Open a random formula of that difficulty (easy, medium, hard) in quiz mode."""
        seed = QRandomGenerator.global_().bounded(1, MAX_SEED) if seed is None else seed
        try:
            text = new_exercise(seed, DIFFICULTIES[difficulty])
        except (ExerciseError, KeyError) as error:
            self.status_message.emit(f"No exercise: {error}")
            return False
        self.last_seed = seed
        self.exercise_opened.emit(seed, difficulty)
        self.set_topic(*EXERCISES)
        self.page.load_source(text)
        if self.active:
            self.page.player.to_end()
        else:
            self.set_active(True)
        self.status_message.emit(f"New {difficulty} exercise (#{seed}): find every ?")
        return True

    def _new_quiz(self) -> Quiz | None:
        if self.page.cg is None:
            return None
        hidden = tuple(kind for kind in QUANTITIES if kind in self.hidden)
        return Quiz(self.page.cg, hide=hidden, score=self.book.score(self.topic[0]))

    def _hidden_changed(self) -> None:
        self.hidden = {kind for kind, action in self.hide_actions.items() if action.isChecked()}
        if self.active:
            self.quiz = self._new_quiz()
            self.panel.show_idle()
            self.page.refresh()

    def _predicting_changed(self, predicting: bool) -> None:
        self._prediction = None
        if predicting and self.page.player.step >= self.page.player.count:
            self.page.player.to_start()  # nothing left to predict at the end
        self._show_panel()
        if not predicting and self.panel.predicting():
            self.panel.show_idle()
        self.page.refresh()

    def _show_panel(self) -> None:
        self.panel.setVisible(self.active or self.predict_action.isChecked())
        self._show_score()

    def _graph_changed(self, _cg) -> None:
        self._predicted.clear()
        self._prediction = None
        if self.active:
            self.quiz = self._new_quiz()
        if self.panel.question() is not None:
            self.panel.show_idle()  # its answer belonged to the old numbers

    # ----- covering the numbers --------------------------------------------------------------

    def _state_shown(self, state: State) -> None:
        self._ask_prediction(state)
        if self.quiz is None and self._prediction is None:
            return
        cg, quiz = self.page.cg, self.quiz
        step = self.page.schedule.steps[state.step - 1] if state.step else None
        predicted = self._prediction[1] if self._prediction else None
        predicted_edge = step.edge if predicted is not None and step.kind == "backward" else None
        predicted_node = step.node if predicted is not None else None

        def grad_hidden(n: int) -> bool:
            return n == predicted_node or (quiz is not None and quiz.is_hidden("grad", n))

        for n, item in self.page.view.node_items().items():
            if quiz is not None and n in state.values and quiz.is_hidden("value", n):
                item.show_value(quiz_text.HIDDEN)
            if (n in state.grads or n in state.received) and grad_hidden(n):
                item.show_gradient(quiz_text.hidden_gradient(cg, n))
            if quiz is not None:
                asks = quiz.open_questions_at(n)
                title = graph_text.box_title(cg, n) if cg.node(n)["kind"] == "op" else cg.node(n)["label"]
                item.update_tooltip(("quiz", tuple(q.key for q in asks)),
                                    lambda title=title, asks=asks: quiz_text.item_tooltip(title, asks))
        for edge, item in self.page.view.edge_items().items():
            local_hidden = quiz is not None and quiz.is_hidden("local", edge)
            if local_hidden and edge[1] in state.values and not item.from_constant:
                item.show_local(quiz_text.hidden_local(cg, edge))
            if edge in state.contributions and (
                    edge == predicted_edge or (quiz is not None and quiz.is_contribution_hidden(edge))):
                upstream_known = not grad_hidden(edge[1])
                item.show_flow(quiz_text.hidden_flow(cg, edge, upstream_known, not local_hidden),
                               active=edge == state.active_edge)
            if quiz is not None:
                asks = quiz.open_questions_at(edge)
                title = f"{explain.symbol(cg, edge[0])} → {explain.symbol(cg, edge[1])}"
                item.update_tooltip(("quiz", tuple(q.key for q in asks)),
                                    lambda title=title, asks=asks: quiz_text.item_tooltip(title, asks))
        self._mask_caption(state, step, predicted)

    def _mask_caption(self, state: State, step, predicted: Question | None) -> None:
        if predicted is not None:
            self.page.caption.show_masked(quiz_text.question_caption(predicted, predicting=True))
            return
        quiz, cg = self.quiz, self.page.cg
        if step is None or quiz is None:
            return
        if step.kind == "done":
            hidden = {n for n in cg.input_nodes.values() if quiz.is_hidden("grad", n)}
            if hidden:
                self.page.caption.show_masked(quiz_text.done_caption(cg, hidden))
            return
        # What the step's caption states: a value, or a gradient from upstream × local.
        if step.kind == "backward":
            about = [("grad", step.node), ("local", step.edge), ("grad", step.edge[1])]
        elif step.kind in ("forward", "accumulate"):
            about = [("value" if step.kind == "forward" else "grad", step.node)]
        else:
            about = []
        asked = [quiz.questions[key] for key in about if quiz.is_hidden(*key)]
        if asked:
            self.page.caption.show_masked(quiz_text.question_caption(asked[0]))

    # ----- predicting the next gradient ------------------------------------------------------

    def _ask_prediction(self, state: State) -> None:
        schedule, k = self.page.schedule, state.step
        if self._prediction is not None and self._prediction[0] != k:
            self._prediction = None
        if self.panel.predicting() and self.panel.property("askedAtStep") != k:
            self.panel.show_idle()
        if not self.predict_action.isChecked() or schedule is None or k == 0 or k in self._predicted:
            return
        if self._prediction is not None or schedule.steps[k - 1].kind not in PREDICTED_KINDS:
            return  # asked already at this step, or nothing to predict here
        question = next_step_question(schedule, k - 1)
        if question is None:
            return
        self.page.player.pause()  # playback waits for the student
        self._prediction = (k, question)
        self.panel.setProperty("askedAtStep", k)
        self.panel.ask(question, predicting=True)

    # ----- answers ---------------------------------------------------------------------------

    def _target_clicked(self, target) -> None:
        if self.quiz is None:
            return
        asks = self.quiz.open_questions_at(target)
        if asks:
            self.panel.ask(asks[0])
            return
        cg = self.page.cg
        if isinstance(target, tuple):
            name = f"{explain.symbol(cg, target[0])} → {explain.symbol(cg, target[1])}"
        else:
            name = explain.symbol(cg, target)
        left = "" if not self.quiz.finished else " Every number is found: well done!"
        self.panel.show_idle(f"Nothing hidden at {name}. Click a ? in the graph.{left}")

    def answer(self, text: str) -> None:
        """Check the typed answer to the question shown, count it, and uncover it when right."""
        question = self.panel.question()
        if question is None:
            return
        if self.panel.predicting() and self._prediction is not None:
            verdict = check(question, text)
            self.book.score(self.topic[0]).record(verdict)
            if verdict.correct:
                self._predicted.add(self._prediction[0])
                self._prediction = None
        elif self.quiz is not None:
            verdict = self.quiz.answer(question, text)
        else:
            return
        self.panel.show_verdict(verdict)
        self._show_score()
        if verdict.correct:
            self.page.refresh()
            self.page.view.setFocus(Qt.FocusReason.OtherFocusReason)  # Space plays again, not a button

    def hint(self) -> None:
        """Show the next numeric step towards the question shown (its feedback gives the rule)."""
        question = self.panel.question()
        if question is not None:
            self.panel.show_hint(question.next_step)

    def reveal(self) -> None:
        """Give the answer to the question shown away (counted as revealed)."""
        question = self.panel.question()
        if question is None:
            return
        if self.panel.predicting() and self._prediction is not None:
            self.book.score(self.topic[0]).record_reveal()
            self._predicted.add(self._prediction[0])
            self._prediction = None
            answer = question.answer_text
        elif self.quiz is not None:
            answer = self.quiz.reveal(question)
        else:
            return
        self.panel.show_reveal(answer)
        self._show_score()
        self.page.refresh()
        self.page.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_score(self) -> None:
        key, title = self.topic
        score = self.book.score(key)
        done = " — all found" if self.quiz is not None and self.quiz.questions and self.quiz.finished else ""
        self.panel.show_score(f"{title}: {score.summary()}{done}")
