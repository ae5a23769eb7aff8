"""Quiz: which quantities are asked, how typed answers are read and judged, and the score."""

import builtins

import pytest

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import build_graph
from core.teach.lessons import BY_KEY, LESSONS
from core.teach.quiz import (
    AnswerError, Quiz, ScoreBook, Tolerance, check, grad_question, local_question,
    next_step_question, parse_answer, questions_for, value_question,
)
from core.engine.steps import Schedule


def lecture():
    return build_graph(BY_KEY["lecture"].source).evaluate()


def question_for_w(cg=None):
    cg = cg or lecture()
    return grad_question(cg, cg.input_nodes["w"])  # ∂a/∂w = 3


def test_questions_cover_every_hidden_quantity_once():
    cg = lecture()
    asked = questions_for(cg)
    kinds = [q.kind for q in asked]
    assert kinds.count("value") == 3  # u, v, a: inputs are given
    assert kinds.count("local") == 5  # one per edge of the graph
    assert kinds.count("grad") == 5  # every node but the output, whose gradient 1 is the seed
    assert len({q.key for q in asked}) == len(asked)
    assert {q.target for q in asked if q.kind == "local"} == set(cg.graph.edges(keys=True))
    assert [q.kind for q in questions_for(cg, hide=["grad"])] == ["grad"] * 5
    assert questions_for(cg, hide=()) == []
    with pytest.raises(ValueError, match="cannot hide weights"):
        questions_for(cg, hide=["weights"])


def test_edges_from_constants_are_not_asked():
    cg = build_graph(BY_KEY["squared-error"].source).evaluate()  # L = e**2: the 2 is a constant
    constant = next(n for n in cg.nodes if cg.node(n)["kind"] == "const")
    asked = questions_for(cg)
    assert all(q.target[0] != constant for q in asked if q.kind == "local")
    assert all(q.target != constant for q in asked)


def test_prompts_answers_and_hints_use_the_graphs_names():
    cg = lecture()
    u = next(n for n in cg.nodes if cg.node(n)["symbol"] == "u")
    value = value_question(cg, u)
    assert (value.prompt, value.answer, value.answer_text) == ("u = w·x = ?", 6, "6")
    local = local_question(cg, (cg.input_nodes["w"], u, 0))
    assert (local.prompt, local.answer) == ("∂u/∂w = ?", 3)
    assert local.hint == explain.rule_of(cg, u) == "∂u/∂w = x and ∂u/∂x = w"
    grad = question_for_w(cg)
    assert (grad.prompt, grad.answer) == ("∂a/∂w = ?", 3)
    assert "∂a/∂u · ∂u/∂w" in grad.hint and explain.rule_of(cg, u) in grad.hint


def test_right_answers_are_accepted_within_the_tolerance():
    question = question_for_w()
    for typed in ("3", " 3 ", "3.0", "+3", "6/2", "3.002", "2.998", "3e0"):
        verdict = check(question, typed)
        assert verdict.correct, typed
        assert verdict.status == "correct" and verdict.hint == "" and verdict.answer_text == "3"


def test_wrong_answers_get_a_hint_and_the_answer_to_reveal():
    question = question_for_w()
    wrong = check(question, "4")
    assert (wrong.correct, wrong.status, wrong.given) == (False, "incorrect", 4.0)
    assert wrong.hint == question.hint and wrong.answer_text == fmt(3)
    assert "check the sign" in check(question, "-3").message
    close = check(question, "3.01")  # off by 0.3 %: outside the default 0.1 %
    assert close.status == "close" and not close.correct and "more digits" in close.message


def test_tolerance_is_configurable_and_absolute_near_zero():
    question = question_for_w()
    assert not check(question, "3.2").correct
    assert check(question, "3.2", Tolerance(relative=0.1)).correct
    assert not check(question, "3.002", Tolerance(relative=1e-6)).correct
    dead = build_graph(BY_KEY["inactive-relu"].source).evaluate()
    zero = grad_question(dead, dead.input_nodes["w1"])
    assert zero.answer == 0
    assert check(zero, "0").correct and check(zero, "-0").correct and check(zero, "1e-7").correct
    assert not check(zero, "1e-5").correct
    assert check(zero, "1e-5", Tolerance(absolute=1e-4)).correct


def test_fractions_decimals_and_non_finite_answers_are_read():
    assert parse_answer("1/2") == 0.5
    assert parse_answer("-1/4") == parse_answer("1/-4") == parse_answer("-0.25") == -0.25
    assert parse_answer(" 3 / 4 ") == 0.75 and parse_answer("−0.5") == -0.5  # a typographic minus
    assert parse_answer("1e-3") == 0.001 and parse_answer(".5") == 0.5
    assert parse_answer("inf") == float("inf") and parse_answer("-inf") == float("-inf")
    assert parse_answer("∞") == float("inf") and parse_answer("Infinity") == float("inf")
    nan = parse_answer("nan")
    assert nan != nan
    log0 = build_graph("x = 0\nf = log(x)").evaluate()
    assert check(value_question(log0, log0.output), "-inf").correct
    assert not check(value_question(log0, log0.output), "inf").correct
    sqrt_negative = build_graph("x = -1\nf = sqrt(x)").evaluate()
    assert check(value_question(sqrt_negative, sqrt_negative.output), "NaN").correct
    assert not check(value_question(sqrt_negative, sqrt_negative.output), "0").correct


@pytest.mark.parametrize("junk", [
    "__import__('os').system('touch /tmp/quiz-was-evaluated')", "2*3", "sqrt(4)", "3 + 1", "x",
    "", "   ", "1/0", "1/2/3", "0x10", "1_000", "0,5", "(3)", "9" * 100, "exec('1')", "lambda: 3",
])
def test_junk_is_not_a_number_and_never_evaluated(junk, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the quiz must never evaluate an answer")

    question = question_for_w()
    with monkeypatch.context() as patch:  # only around the check: pytest itself compiles code
        for name in ("eval", "exec", "compile"):
            patch.setattr(builtins, name, refuse)
        verdict = check(question, junk)
    assert verdict.status == "not_a_number" and not verdict.correct
    assert verdict.message.startswith("Not a number") and verdict.given is None
    with pytest.raises(AnswerError):
        parse_answer(junk)


def test_decimal_comma_gets_a_clear_message():
    assert "0.5, not 0,5" in check(question_for_w(), "0,5").message


def test_quiz_uncovers_solved_and_revealed_quantities_and_keeps_score():
    cg = lecture()
    book = ScoreBook()
    quiz = Quiz(cg, hide=("value", "grad"), score=book.score("lecture"))
    u = next(n for n in cg.nodes if cg.node(n)["symbol"] == "u")
    assert quiz.is_hidden("value", u) and quiz.is_hidden("grad", u)
    assert not quiz.is_hidden("value", cg.input_nodes["w"])  # inputs are always shown
    assert not quiz.is_hidden("local", (cg.input_nodes["w"], u, 0))  # not chosen to hide
    assert quiz.is_contribution_hidden((cg.input_nodes["w"], u, 0))  # it would give ∂a/∂w away
    assert [q.kind for q in quiz.open_questions_at(u)] == ["value", "grad"]

    value = quiz.questions[("value", u)]
    assert not quiz.answer(value, "7").correct and quiz.is_hidden("value", u)
    assert quiz.answer(value, "junk").status == "not_a_number"  # not counted as an attempt
    assert quiz.answer(value, "6").correct and not quiz.is_hidden("value", u)
    assert quiz.reveal(quiz.questions[("grad", u)]) == "1"
    quiz.reveal(quiz.questions[("grad", u)])  # revealing twice counts once
    assert quiz.open_questions_at(u) == []
    score = book.score("lecture")
    assert (score.attempts, score.correct, score.revealed) == (2, 1, 1)
    assert score.summary() == "1 of 2 right, 1 revealed"
    assert book.score("softplus").attempts == 0  # each lesson has its own score

    assert not quiz.finished
    for question in list(quiz.questions.values()):
        quiz.reveal(question)
    assert quiz.finished


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_predict_the_next_step_asks_what_the_animation_then_shows(lesson):
    cg = build_graph(lesson.source).evaluate()
    schedule = Schedule(cg)
    for k, step in enumerate(schedule.steps):
        question = next_step_question(schedule, k)
        shown = schedule.state_at(k + 1)
        if step.kind == "done":
            assert question is None
        elif step.kind == "backward":
            assert question.kind == "contribution" and question.target == step.edge
            assert question.answer == shown.contributions[step.edge]
            assert check(question, fmt(question.answer)).correct
        elif step.kind == "forward":
            assert question.kind == "value" and question.answer == shown.values[step.node]
        else:  # the seed and accumulation steps settle a gradient
            assert question.kind == "grad" and question.answer == shown.grads[step.node]
    assert next_step_question(schedule, len(schedule.steps)) is None
    assert next_step_question(schedule, -1) is None


def test_predict_the_next_gradient_where_paths_meet():
    cg = build_graph(BY_KEY["used-twice"].source).evaluate()
    schedule = Schedule(cg)
    k = next(i for i, s in enumerate(schedule.steps) if s.kind == "accumulate")
    question = next_step_question(schedule, k)
    assert (question.prompt, question.answer) == ("∂f/∂x = ?", 4)
    assert check(question, "4").correct and not check(question, "3").correct
    x, u = cg.input_nodes["x"], next(n for n in cg.nodes if cg.node(n)["symbol"] == "u")
    through_u = next(i for i, s in enumerate(schedule.steps) if s.edge and s.edge[:2] == (x, u))
    first_use = next_step_question(schedule, through_u)  # x's contribution through u: 1 · 3
    assert first_use.prompt == "∂f/∂u · ∂u/∂x = ?" and first_use.answer == 3
    assert "upstream gradient × local derivative" in first_use.hint


def test_the_hint_button_gives_a_numeric_next_step_not_the_feedback_again():
    cg = build_graph("x = 2; y = 3\nu = x*y\nf = u + x").evaluate()  # the two-paths preset
    by_prompt = {q.prompt: q for q in questions_for(cg, ["grad", "local", "value"])}
    for question in by_prompt.values():
        assert question.next_step and question.next_step != question.hint
        assert any(char.isdigit() for char in question.next_step), question.next_step
    x = by_prompt["∂f/∂x = ?"]
    assert x.next_step == ("Take the local ∂f/∂x = 1 (the seed is 1); plus ∂f/∂u = 1 times ∂u/∂x = 3: "
                           "add them up.")
    assert "∂f/∂f" not in x.hint  # no circular-looking factor in the feedback either
    assert by_prompt["∂u/∂x = ?"].next_step == "Work out ∂u/∂x = y with x = 2, y = 3."
    assert check(x, "3").hint == x.hint  # the feedback keeps the rule
