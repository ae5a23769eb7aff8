"""The animation clock: a QTimer on the GUI thread advancing the step of a core.engine.model.GraphModel."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from core.engine.model import Change, GraphModel

DEFAULT_STEPS_PER_SECOND = 1.0


class StepPlayer(QObject):
    """Steps the model's schedule (0 .. count) on request, or by itself while playing.

    The step itself lives in the model; this clock only moves it and announces it to Qt widgets.
    """

    step_changed = Signal(int)  # the new step index, 0 .. count
    count_changed = Signal(int)  # the number of steps in the schedule now shown
    playing_changed = Signal(bool)  # True when playback starts, False when it stops

    def __init__(self, model: GraphModel, parent: QObject | None = None):
        super().__init__(parent)
        self._model = model
        self._step = model.step  # as last announced
        self._count = model.step_count()
        self._steps_per_second = DEFAULT_STEPS_PER_SECOND
        self.timer = QTimer(self)
        self.timer.setObjectName("playTimer")
        self.timer.setInterval(self._interval())
        self.timer.timeout.connect(self._advance)
        model.subscribe(self._model_changed)

    @property
    def step(self) -> int:
        """The step shown: 0 is the start, count is the end."""
        return self._model.step

    @property
    def count(self) -> int:
        """The number of steps in the schedule."""
        return self._model.step_count()

    @property
    def playing(self) -> bool:
        """Whether the timer is advancing the step."""
        return self.timer.isActive()

    @property
    def steps_per_second(self) -> float:
        """The playback speed."""
        return self._steps_per_second

    def go_to(self, step: int) -> None:
        """Show step `step` (clamped to 0 .. count)."""
        self._model.set_step(step)

    def _model_changed(self, change: Change) -> None:
        count, step = self._model.step_count(), self._model.step
        if count != self._count:
            self._count = count
            self.count_changed.emit(count)
        if step != self._step:
            self._step = step
            self.step_changed.emit(step)

    def next(self) -> None:
        """One step forward."""
        self.go_to(self.step + 1)

    def previous(self) -> None:
        """One step back."""
        self.go_to(self.step - 1)

    def to_start(self) -> None:
        """Back to step 0, where only the inputs are known."""
        self.go_to(0)

    def to_end(self) -> None:
        """Jump to the last step, with every value and gradient shown; playback stops."""
        self.pause()
        self.go_to(self.count)

    def play(self) -> None:
        """Advance by itself; from the end, start again at step 0."""
        if self.playing or self.count == 0:
            return
        if self.step >= self.count:
            self.go_to(0)
        self.timer.start(self._interval())
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop advancing (the timer stops, so nothing keeps running)."""
        if self.playing:
            self.timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        """Play if paused, pause if playing."""
        self.pause() if self.playing else self.play()

    def set_speed(self, steps_per_second: float) -> None:
        """How many steps playback advances per second."""
        self._steps_per_second = max(0.05, float(steps_per_second))
        self.timer.setInterval(self._interval())

    def _interval(self) -> int:
        return max(1, round(1000 / self._steps_per_second))

    def _advance(self) -> None:
        self.next()
        if self.step >= self.count:
            self.pause()
