"""Quiz mode, "predict the next gradient" and endless practice, on top of the graph page.

While a quiz or a prediction is on, the page draws the formula in core.teach.quiz_text.MaskedWords,
which say "?" for the numbers the student must still find (labels, tooltips, the caption); this
controller checks typed answers with core.teach.quiz. Questions, answers, tolerances and scores
all come from core; nothing is computed here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRandomGenerator, Signal
from PySide6.QtGui import QAction

from core.engine import explain
from core.engine.graph_text import Words
from core.engine.model import Frame
from core.teach.exercises import DIFFICULTIES, ExerciseError, new_exercise
from core.teach.quiz import QUANTITIES, Question, Quiz, ScoreBook, check, next_step_question
from core.engine.steps import State
from core.teach.quiz_text import MaskedWords
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
        self._prediction: tuple[int, Question] | None = None  # (step, question) asked in the panel now

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
        page.node_clicked.connect(self._target_clicked)
        page.edge_clicked.connect(self._target_clicked)
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
        self._mask()

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
        self._mask()

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

    def _mask(self) -> None:
        """Have the page draw in masked words while a quiz or a prediction is on, plainly otherwise."""
        on = self.active or self.predict_action.isChecked()
        self.page.set_masking(self._words if on else None)

    def _words(self, frame: Frame) -> Words:
        """The formula's words at this frame's state, with what is still to find as "?"."""
        return MaskedWords(frame.words, self.quiz, self.page.schedule, frame.state,
                           self._due_prediction(frame.state.step))

    def _due_prediction(self, k: int) -> Question | None:
        """The question to predict before step k may be looked at (state k is shown), or None."""
        schedule = self.page.schedule
        if not self.predict_action.isChecked() or schedule is None or k == 0 or k in self._predicted:
            return None
        if schedule.steps[k - 1].kind not in PREDICTED_KINDS:
            return None  # nothing to predict here
        return next_step_question(schedule, k - 1)

    # ----- predicting the next gradient ------------------------------------------------------

    def _state_shown(self, state: State) -> None:
        k = state.step
        if self._prediction is not None and self._prediction[0] != k:
            self._prediction = None
        if self.panel.predicting() and self.panel.property("askedAtStep") != k:
            self.panel.show_idle()
        if self._prediction is not None:
            return  # asked already at this step
        question = self._due_prediction(k)
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
            self.page.focus_graph()  # Space plays again, not a button

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
        self.page.focus_graph()

    def _show_score(self) -> None:
        key, title = self.topic
        score = self.book.score(key)
        done = " — all found" if self.quiz is not None and self.quiz.questions and self.quiz.finished else ""
        self.panel.show_score(f"{title}: {score.summary()}{done}")
