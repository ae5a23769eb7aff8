"""MaskedWords: a formula's words with a quiz's open answers and the predicted gradient as "?"."""

from core.engine import graph_text
from core.engine.graph import build_graph
from core.engine.steps import Schedule
from core.formatting import fmt
from core.teach.quiz import Quiz, next_step_question
from core.teach.quiz_text import HIDDEN, MaskedWords, hidden_gradient

LECTURE = "w = 2\nx = 3\nb = -1\nu = w*x\nv = u + b\na = relu(v)"
WORDS = graph_text.WORDS


def setting():
    cg = build_graph(LECTURE).evaluate()
    schedule = Schedule(cg)
    symbol = {cg.node(n)["symbol"]: n for n in cg.nodes}
    return cg, schedule, symbol


def test_open_answers_are_hidden_and_an_answered_one_reads_as_the_plain_words():
    cg, schedule, n = setting()
    quiz = Quiz(cg)
    end = schedule.state_at(len(schedule))
    words = MaskedWords(WORDS, quiz, schedule, end)
    edge = cg.in_edges(n["u"])[0]
    assert words.plain() is WORDS
    assert words.node_value(cg, n["u"], cg.value(n["u"])) == HIDDEN
    assert words.node_value(cg, n["w"], 2.0) == WORDS.node_value(cg, n["w"], 2.0) == "2"  # inputs are given
    assert words.gradient_text(cg, n["w"], cg.grad(n["w"])) == hidden_gradient(cg, n["w"]) == "∂a/∂w = ?"
    assert words.local_text(cg, edge) == "∂u/∂w = ?"
    assert words.flow_text(cg, edge) == "? × ? = ?"
    assert words.step_caption(end) == "Done: ∂a/∂w = ?, ∂a/∂x = ?, ∂a/∂b = ?"
    assert "find" in words.node_tooltip(cg, n["u"], True, True) and fmt(6.0) not in words.node_tooltip(cg, n["u"], True, True)
    before = words.tooltip_key(n["u"])
    quiz.answer(quiz.questions[("value", n["u"])], "6")
    assert words.node_value(cg, n["u"], 6.0) == WORDS.node_value(cg, n["u"], 6.0) == fmt(6.0)
    assert words.tooltip_key(n["u"]) != before  # the tooltip is rebuilt once a question is answered


def test_a_prediction_hides_only_what_its_step_shows():
    cg, schedule, n = setting()
    k = next(i for i, step in enumerate(schedule.steps, start=1) if step.kind == "backward")
    state = schedule.state_at(k)
    step = schedule.steps[k - 1]
    question = next_step_question(schedule, k - 1)
    words = MaskedWords(WORDS, None, schedule, state, question)
    assert words.gradient_text(cg, step.node, cg.grad(step.node)) == hidden_gradient(cg, step.node)
    assert words.flow_text(cg, step.edge).endswith(f"= {HIDDEN}")
    assert words.step_caption(state).startswith("Predict before it is shown")
    others = [m for m in state.grads if m != step.node]
    assert others and all(words.gradient_text(cg, m, cg.grad(m)) == WORDS.gradient_text(cg, m, cg.grad(m))
                          for m in others)
    assert words.node_tooltip(cg, n["u"], True, False) == WORDS.node_tooltip(cg, n["u"], True, False)
    unasked = MaskedWords(WORDS, None, schedule, state)  # nothing to predict: the plain caption
    assert unasked.step_caption(state) == state.caption
