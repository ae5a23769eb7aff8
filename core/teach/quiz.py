"""Quiz mode: hide values, local derivatives or gradients, and check the numbers a student types.

A `Question` asks for one number on an evaluated graph: a node's forward value, an edge's local
derivative, a node's gradient, or (when predicting the next backward step) an edge's
contribution. `check` reads the typed answer without ever evaluating it: a decimal, a simple
fraction like 1/2, or inf / nan. `Quiz` keeps which questions are still hidden, and `Score`
counts attempts per lesson.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

from core.engine import explain, ops
from core.formatting import fmt
from core.engine.graph import ComputationGraph
from core.engine.steps import Schedule

Edge = tuple[int, int, int]
QUANTITIES = ("value", "local", "grad")  # what a quiz can hide
MAX_ANSWER_CHARACTERS = 64
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})  # minus sign, en dash
_WORDS = {"∞": "inf", "+∞": "inf", "-∞": "-inf"}


@dataclass(frozen=True)
class Tolerance:
    """An answer counts as right within `relative` of the true value, or `absolute` near zero."""

    relative: float = 1e-3
    absolute: float = 1e-6

    def accepts(self, given: float, expected: float) -> bool:
        """Whether `given` matches `expected`; nan matches nan and infinities must match exactly."""
        if math.isnan(expected) or math.isnan(given):
            return math.isnan(expected) and math.isnan(given)
        if math.isinf(expected) or math.isinf(given):
            return given == expected
        return math.isclose(given, expected, rel_tol=self.relative, abs_tol=self.absolute)


DEFAULT_TOLERANCE = Tolerance()
NEARLY = Tolerance(relative=2e-2, absolute=1e-4)  # "close: give more digits"


@dataclass(frozen=True)
class Question:
    """One number to find: what it is, where it sits, the true answer and a hint."""

    kind: str  # "value" | "local" | "grad" | "contribution"
    target: int | Edge  # a node id (value, grad) or an edge (local, contribution)
    prompt: str  # "u = w·x = ?"
    answer: float
    hint: str  # the rule of the operation involved, in the graph's own names (shown as feedback)
    next_step: str = ""  # the Hint button: the numbers to combine next, not the rule again

    @property
    def key(self) -> tuple[str, int | Edge]:
        """(kind, target): unique within one graph's questions."""
        return self.kind, self.target

    @property
    def answer_text(self) -> str:
        """The true answer as every other part of the app writes it."""
        return fmt(self.answer)


@dataclass(frozen=True)
class Verdict:
    """The result of checking one typed answer."""

    status: str  # "correct" | "close" | "incorrect" | "not_a_number"
    message: str  # one sentence for the student
    hint: str  # the rule to use (empty when the answer was right)
    answer_text: str  # the true answer, for a reveal button
    given: float | None = None  # the number read from the answer, if any

    @property
    def correct(self) -> bool:
        """Whether the answer counts as right ("close" does not)."""
        return self.status == "correct"


class AnswerError(ValueError):
    """Typed text that is not a number this quiz understands."""


def parse_answer(text: str) -> float:
    """Read a typed number: 0.25, -1e-3, 1/2, -3/4, inf, -inf, nan. Never evaluates anything."""
    cleaned = text.strip().translate(_MINUS_SIGNS).replace(" ", "")
    if not cleaned:
        raise AnswerError("type a number")
    if len(cleaned) > MAX_ANSWER_CHARACTERS:
        raise AnswerError("that is too long to be a number")
    cleaned = _WORDS.get(cleaned, cleaned)
    if "," in cleaned:  # 0,5 or 1,000? Guessing could mark a right answer wrong: ask instead
        raise AnswerError("write decimals with a point (0.5, not 0,5) and no thousands separators")
    if cleaned.count("/") == 1:
        numerator, denominator = (_plain_number(part) for part in cleaned.split("/"))
        if denominator == 0:
            raise AnswerError("a fraction cannot have 0 below the line")
        return numerator / denominator
    return _plain_number(cleaned)


def _plain_number(text: str) -> float:
    # float() only reads numbers; it never runs code, unlike eval.
    if "_" in text:  # float("1_0") is 10, which no student means
        raise AnswerError(f"'{text}' is not a number")
    try:
        return float(text)
    except ValueError:
        raise AnswerError(f"'{text}' is not a number") from None


def check(question: Question, answer_text: str, tolerance: Tolerance = DEFAULT_TOLERANCE) -> Verdict:
    """Compare a typed answer with the question's true answer, within `tolerance`."""
    try:
        given = parse_answer(answer_text)
    except AnswerError as error:
        return Verdict(
            "not_a_number",
            f"Not a number: {error}. Type a decimal like 0.25, a fraction like 1/4, or inf / nan.",
            "", question.answer_text,
        )
    expected = question.answer
    if tolerance.accepts(given, expected):
        return Verdict("correct", f"Right: {question.answer_text}.", "", question.answer_text, given)
    if expected != 0 and tolerance.accepts(-given, expected):
        message = "Not quite: check the sign."
    elif NEARLY.accepts(given, expected):
        message = "Close: give a few more digits."
        return Verdict("close", message, question.hint, question.answer_text, given)
    else:
        message = f"Not right: {fmt(given)} is not the answer."
    return Verdict("incorrect", message, question.hint, question.answer_text, given)


def value_question(cg: ComputationGraph, node_id: int) -> Question:
    """Ask for an operation's forward value."""
    data = cg.node(node_id)
    named = data["symbol"] not in (data["expr"], f"({data['expr']})")
    prompt = f"{data['symbol']} = {data['expr']} = ?" if named else f"{data['expr']} = ?"
    hint = f"Compute {data['expr']} from the values of its inputs."
    return Question("value", node_id, prompt, cg.value(node_id), hint, _with_values(cg, node_id, data["expr"]))


def _with_values(cg: ComputationGraph, node_id: int, what: str) -> str:
    """`Work out w·x with w = 2, x = 3.`: the operands' numbers, for a Hint."""
    known = dict.fromkeys(f"{explain.symbol(cg, u)} = {fmt(cg.value(u))}"
                          for u, _, _ in cg.in_edges(node_id) if cg.node(u)["kind"] != "const")
    return f"Work out {what} with {', '.join(known)}." if known else f"Work out {what}."


def local_question(cg: ComputationGraph, edge: Edge) -> Question:
    """Ask for an edge's local derivative ∂target/∂source."""
    source, target, _ = edge
    prompt = f"{explain.partial(explain.symbol(cg, target), explain.symbol(cg, source))} = ?"
    op = ops.OPS[cg.node(target)["op"]]
    names = [explain.symbol(cg, u) for u, _, _ in cg.in_edges(target)]
    rule = ops.fill(op.locals_[cg.edge(edge)["operand"]], explain.symbol(cg, target), names)
    step = _with_values(cg, target, f"{prompt[:-4]} = {rule}")
    return Question("local", edge, prompt, cg.edge(edge)["local_grad"], explain.rule_of(cg, target), step)


def grad_question(cg: ComputationGraph, node_id: int) -> Question:
    """Ask for a node's gradient ∂output/∂node."""
    out, name = explain.output_symbol(cg), explain.symbol(cg, node_id)
    uses = cg.carrying_out_edges(node_id)
    if node_id == cg.output:
        hint = "The gradient of anything with respect to itself is 1."
    elif not uses:
        hint = f"{name} does not feed {out}."
    else:
        terms = [_chain_term(cg, e, len(uses)) for e in uses]
        rules = dict.fromkeys(explain.rule_of(cg, t) for _, t, _ in uses)
        hint = f"Chain rule: {explain.partial(out, name)} = {' + '.join(terms)}. " + "; ".join(rules)
        if len(uses) == 1 and uses[0][1] == cg.output:
            hint = f"One edge into the output: {terms[0]} is just its local derivative. " + "; ".join(rules)
    if uses:
        known = [f"the local {explain.partial(out, name)} = {fmt(cg.edge(e)['local_grad'])} (the seed is 1)"
                 if t == cg.output else
                 f"{explain.partial(out, explain.symbol(cg, t))} = {fmt(cg.grad(t))} times "
                 f"{explain.partial(explain.symbol(cg, t), name)} = {fmt(cg.edge(e)['local_grad'])}"
                 for e in uses for t in [e[1]]]
        step = f"Take {'; plus '.join(known)}" + (": add them up." if len(uses) > 1 else ".")
    else:
        step = hint
    return Question("grad", node_id, f"{explain.partial(out, name)} = ?", cg.grad(node_id), hint, step)


def _chain_term(cg: ComputationGraph, edge: Edge, uses: int) -> str:
    """One use's term of the chain rule; an edge into the output is just its local derivative."""
    out, t, s = explain.output_symbol(cg), explain.symbol(cg, edge[1]), explain.symbol(cg, edge[0])
    if edge[1] == cg.output:
        return f"{explain.partial(t, s)}{' (direct edge)' if uses > 1 else ''}"
    return f"{explain.partial(out, t)} · {explain.partial(t, s)}"


def contribution_question(cg: ComputationGraph, edge: Edge) -> Question:
    """Ask for what the backward step along `edge` sends back: upstream gradient × local."""
    source, target, _ = edge
    out, s, t = explain.output_symbol(cg), explain.symbol(cg, source), explain.symbol(cg, target)
    product = f"{explain.partial(out, t)} · {explain.partial(t, s)}"
    hint = f"upstream gradient × local derivative: {product}. {explain.rule_of(cg, target)}"
    step = (f"Multiply the upstream {explain.partial(out, t)} = {fmt(cg.grad(target))} "
            f"by the local {explain.partial(t, s)} = {fmt(cg.edge(edge)['local_grad'])}.")
    return Question("contribution", edge, f"{product} = ?", cg.edge(edge)["contribution"], hint, step)


def questions_for(cg: ComputationGraph, hide: Iterable[str] = QUANTITIES) -> list[Question]:
    """One question per hidden quantity: values (forward order), local derivatives, gradients.

    Inputs' values and the output's seed gradient 1 are given; edges from constants carry no
    question, because nothing is differentiated with respect to a constant.
    """
    hide = set(hide)
    unknown = hide - set(QUANTITIES)
    if unknown:
        raise ValueError(f"cannot hide {', '.join(sorted(unknown))} (choose from {', '.join(QUANTITIES)})")
    ops = [n for n in cg.nodes if cg.node(n)["kind"] == "op"]
    asked: list[Question] = []
    if "value" in hide:
        asked += [value_question(cg, n) for n in ops]
    if "local" in hide:
        asked += [local_question(cg, e) for n in ops for e in cg.in_edges(n) if cg.differentiable(e[0])]
    if "grad" in hide:
        asked += [grad_question(cg, n) for n in reversed(cg.nodes)
                  if cg.differentiable(n) and n != cg.output]
    return asked


def next_step_question(schedule: Schedule, k: int) -> Question | None:
    """What step k + 1 of the schedule will show (state_at(k) is on screen), asked beforehand.

    A backward step asks for its contribution, an accumulation step for the summed gradient,
    the seed for the output's gradient and a forward step for the value; None at the end.
    """
    if not 0 <= k < len(schedule.steps):
        return None
    step, cg = schedule.steps[k], schedule.graph
    if step.kind == "backward":
        return contribution_question(cg, step.edge)
    if step.kind in ("accumulate", "seed"):
        return grad_question(cg, step.node)
    if step.kind == "forward":
        return value_question(cg, step.node)
    return None


@dataclass
class Score:
    """A running tally for one lesson or exercise."""

    attempts: int = 0  # answers checked (text that was not a number does not count)
    correct: int = 0
    revealed: int = 0

    def record(self, verdict: Verdict) -> None:
        """Count one checked answer."""
        if verdict.status == "not_a_number":
            return
        self.attempts += 1
        self.correct += verdict.correct

    def record_reveal(self) -> None:
        """Count one answer the student asked to see."""
        self.revealed += 1

    def summary(self) -> str:
        """`3 of 5 right, 1 revealed` for a status line."""
        text = f"{self.correct} of {self.attempts} right"
        return text + (f", {self.revealed} revealed" if self.revealed else "")


@dataclass
class Quiz:
    """A quiz on one evaluated graph: its questions, which are still open, and the score."""

    graph: ComputationGraph
    hide: tuple[str, ...] = QUANTITIES
    tolerance: Tolerance = DEFAULT_TOLERANCE
    score: Score = field(default_factory=Score)

    questions: dict[tuple, Question] = field(init=False)  # by Question.key, in schedule order
    solved: set[tuple] = field(init=False, default_factory=set)
    revealed: set[tuple] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.questions = {q.key: q for q in questions_for(self.graph, self.hide)}

    def is_hidden(self, kind: str, target: int | Edge) -> bool:
        """Whether the GUI should hide this quantity now (asked, and not yet solved or revealed)."""
        key = (kind, target)
        return key in self.questions and key not in self.solved and key not in self.revealed

    def is_contribution_hidden(self, edge: Edge) -> bool:
        """Whether to hide the number a backward step writes on `edge`: it would give away the
        source's gradient or the edge's local derivative while those are still asked."""
        return self.is_hidden("grad", edge[0]) or self.is_hidden("local", edge)

    def open_questions_at(self, target: int | Edge) -> list[Question]:
        """The still-hidden questions at a clicked node or edge."""
        return [q for key, q in self.questions.items() if key[1] == target and self.is_hidden(*key)]

    def answer(self, question: Question, answer_text: str) -> Verdict:
        """Check an answer, count it, and uncover the quantity when it is right."""
        verdict = check(question, answer_text, self.tolerance)
        self.score.record(verdict)
        if verdict.correct:
            self.solved.add(question.key)
        return verdict

    def reveal(self, question: Question) -> str:
        """Uncover a quantity without an answer; returns the answer text and counts the reveal."""
        if question.key not in self.revealed and question.key not in self.solved:
            self.score.record_reveal()
            self.revealed.add(question.key)
        return question.answer_text

    @property
    def finished(self) -> bool:
        """Whether every question has been solved or revealed."""
        return all(not self.is_hidden(*key) for key in self.questions)


class ScoreBook:
    """Scores per lesson key (or exercise name), created on first use."""

    def __init__(self) -> None:
        self.scores: dict[str, Score] = {}

    def score(self, lesson_key: str) -> Score:
        """The score of one lesson, starting at zero."""
        return self.scores.setdefault(lesson_key, Score())
