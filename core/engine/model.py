"""The Graph page's model, without Qt: formula text, input values, graph, layout, schedule and step.

`load(text, values, step)` parses and evaluates once. The editor writes the text (`set_text`),
the value panel the inputs (`set_values`, one or many at once), the playback the step
(`set_step`); the view, the captions and the panels follow through plain callbacks, told once per
change what it touched. The last good graph stays while the text is bad, and the step stays when
values change, so a lecturer can wiggle an input mid-explanation. A traced tensor graph can take
the stage for a while (`show_trace`); the formula, its values and its step wait underneath.
"""

from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from dataclasses import dataclass
from collections.abc import Callable, Iterator, Mapping

from core.engine import graph_text
from core.engine.graph import ComputationGraph, GraphBase, GraphError, build_graph
from core.engine.graph_text import Words
from core.engine.layout import Layout, layout
from core.engine.parse import ParseError
from core.engine.steps import Schedule, State, StepReplay

FALLBACK_VALUE = 1.0  # an input the text gives no value starts at 1


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector during a burst of allocations (a big graph, its drawing).

    Building a 5,000-term graph allocates hundreds of thousands of objects that live on, and the
    collector would walk the whole heap several times meanwhile (a third of opening one). Paused,
    it catches up once afterwards; nothing here makes cycles that must be freed sooner.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass(frozen=True)
class FormulaError:
    """Why the text makes no graph, and where (1-based line and column, when known)."""

    message: str
    line: int | None = None
    column: int | None = None

    def where(self) -> str:
        """`Line 2, column 5: ` or nothing."""
        return f"Line {self.line}, column {self.column}: " if self.line is not None else ""


@dataclass(frozen=True)
class Change:
    """What one change of the model touched, so each subscriber redoes only what it must."""

    text: bool = False  # the text was set (a graph, or an error: see model.error)
    graph: bool = False  # another graph is shown (new text, or a trace came or went)
    values: bool = False  # the numbers on the graph changed (new graph, or new input values)
    step: bool = False  # another state is shown (any of the above, or another step)
    trace: bool = False  # a traced graph took the stage or left it


@dataclass(frozen=True)
class Frame:
    """Everything a view draws: a graph, its layout, the state shown and the words it says."""

    graph: GraphBase
    layout: Layout
    state: State
    words: Words
    revision: int  # changes whenever the numbers on the graph change (values are written in place)


class GraphModel:
    """The formula, its inputs and the step shown (or a traced graph), with subscribers to tell."""

    def __init__(self) -> None:
        self.text = ""  # the text last set (it may not make a graph)
        self.source = ""  # the text of the graph shown
        self.error: FormulaError | None = None  # why `text` makes no graph, or None
        self.graph: ComputationGraph | None = None  # the formula's graph, evaluated
        self.layout: Layout | None = None
        self.values: dict[str, float] = {}  # input name -> value
        self.trace: GraphBase | None = None  # a traced graph shown instead of the formula's
        self._formula_schedule: Schedule | None = None
        self._trace_schedule: StepReplay | None = None
        self._trace_layout: Layout | None = None
        self._trace_words: Words | None = None
        self._formula_step = 0  # the formula's step while a trace is shown
        self.step = 0
        self.revision = 0
        self._state: State | None = None  # cached state_at(step) of the shown schedule
        self._subscribers: list[Callable[[Change], None]] = []

    # ----- following it ------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[Change], None]) -> None:
        """Call `callback(change)` after every change, in the order subscribed."""
        self._subscribers.append(callback)

    def _notify(self, change: Change) -> None:
        for callback in list(self._subscribers):
            callback(change)

    @property
    def schedule(self) -> StepReplay | None:
        """The schedule shown: the trace's, or the formula's."""
        return self._trace_schedule if self.trace is not None else self._formula_schedule

    @property
    def shown_graph(self) -> GraphBase | None:
        """The graph shown: the trace, or the formula's."""
        return self.trace if self.trace is not None else self.graph

    def step_count(self) -> int:
        """The number of steps of the schedule shown (0 before any graph)."""
        schedule = self.schedule
        return len(schedule) if schedule is not None else 0

    @property
    def state(self) -> State | None:
        """What is visible at the step shown, or None before any graph."""
        if self._state is None and self.schedule is not None:
            self._state = self.schedule.state_at(self.step)
        return self._state

    def frame(self) -> Frame | None:
        """What a view draws now, or None before any graph."""
        graph, state = self.shown_graph, self.state
        if graph is None or state is None:
            return None
        if self.trace is not None:
            return Frame(graph, self._trace_layout, state, self._trace_words, self.revision)
        return Frame(graph, self.layout, state, graph_text.WORDS, self.revision)

    # ----- changing it -------------------------------------------------------------------------

    def load(self, text: str, values: Mapping[str, float] | None = None, step: int = 0) -> bool:
        """Show a formula with the values its text sets (then finite `values` over them) at `step`.

        Parses and evaluates once and tells subscribers once. Returns False, changing nothing,
        when the text makes no graph.
        """
        with collector_paused():
            try:
                cg = build_graph(text)
            except (ParseError, GraphError):
                return False
            fresh = self._values_for(cg, reset=True)
            fresh.update({name: float(value) for name, value in (values or {}).items()
                          if name in fresh and math.isfinite(value)})
            self._take(text, cg, fresh, step)
        return True

    def set_text(self, text: str) -> None:
        """Take typed text: a new graph keeps the values of inputs it still has, or an error."""
        with collector_paused():
            self._set_text(text)

    def _set_text(self, text: str) -> None:
        try:
            cg = build_graph(text)
        except ParseError as error:
            self.text, self.error = text, FormulaError(error.message, error.line, error.column)
            self._notify(Change(text=True))
            return
        except GraphError as error:
            self.text, self.error = text, FormulaError(str(error))
            self._notify(Change(text=True))
            return
        count = self.step_count()
        at_end = self.trace is None and 0 < count <= self.step  # the end stays the end
        self._take(text, cg, self._values_for(cg, reset=False), None if at_end else self.step)

    def set_values(self, values: Mapping[str, float]) -> None:
        """Set one or many input values at once: one evaluation, one change; unknown names are ignored."""
        changed = {name: float(value) for name, value in values.items()
                   if name in self.values and float(value) != self.values[name]}
        if self.graph is None or not changed:
            return
        self.values.update(changed)
        with collector_paused():
            dropped = self._drop_trace()
            self._evaluate()
            self._notify(Change(graph=dropped, values=True, step=True, trace=dropped))

    def set_step(self, step: int) -> None:
        """Show step `step` of the schedule shown (clamped to 0 .. step_count())."""
        step = max(0, min(step, self.step_count()))
        if step != self.step:
            self.step, self._state = step, None
            self._notify(Change(step=True))

    def show_trace(self, trace: GraphBase, schedule: StepReplay, words: Words) -> None:
        """Show a traced graph, its schedule and its words from step 0; the formula waits underneath."""
        if self.trace is None:
            self._formula_step = self.step
        self.trace, self._trace_schedule, self._trace_words = trace, schedule, words
        self._trace_layout = layout(trace)
        self.step, self._state = 0, None
        self.revision += 1
        self._notify(Change(graph=True, values=True, step=True, trace=True))

    def close_trace(self) -> None:
        """Show the formula again, at the step it was left at."""
        if self._drop_trace():
            self._notify(Change(graph=True, values=True, step=True, trace=True))

    # ----- inside ------------------------------------------------------------------------------

    def _values_for(self, cg: ComputationGraph, reset: bool) -> dict[str, float]:
        """Each input's value: the text's, else (unless `reset`) the one it had, else 1.

        An input whose value the text changed takes the new one, even without `reset`.
        """
        old_defaults = self.graph.defaults if self.graph is not None else {}
        values = {}
        for name in cg.inputs:
            text_value = cg.defaults.get(name)
            text_changed = text_value is not None and text_value != old_defaults.get(name)
            keep = not reset and name in self.values and not text_changed
            if keep:
                values[name] = self.values[name]
            else:
                values[name] = float(text_value) if text_value is not None else FALLBACK_VALUE
        return values

    def _take(self, text: str, cg: ComputationGraph, values: dict[str, float], step: int | None) -> None:
        """Show a new formula graph with these values at `step` (None: the end); tell subscribers once."""
        dropped = self._drop_trace()
        self.text, self.source, self.error = text, text, None
        self.graph, self.layout, self.values = cg, layout(cg), values
        self._evaluate()
        count = self.step_count()
        self.step = count if step is None else max(0, min(step, count))
        self._notify(Change(text=True, graph=True, values=True, step=True, trace=dropped))

    def _evaluate(self) -> None:
        self.graph.evaluate(self.values)
        self._formula_schedule = Schedule(self.graph)
        self.step = min(self.step, len(self._formula_schedule))
        self._state = None
        self.revision += 1

    def _drop_trace(self) -> bool:
        """Put the trace away (the formula's step comes back); True if there was one."""
        if self.trace is None:
            return False
        self.trace = self._trace_schedule = self._trace_layout = None
        self.step, self._state = self._formula_step, None
        self.revision += 1
        return True
