"""The animation schedule: order of steps, captions with numbers, and replayable states."""

import pytest
from hypothesis import given, settings

from core.engine import explain
from core.engine.graph import build_graph
from core.teach.presets import BY_KEY, PRESETS
from core.engine.steps import Schedule

from .torch_reference import formulas, programs


def lecture():
    return build_graph(BY_KEY["lecture"].source).evaluate()


def test_lecture_schedule_reads_like_the_slide():
    schedule = Schedule(lecture())
    assert [(s.kind, s.caption) for s in schedule.steps] == [
        ("forward", "u = w·x = 2 · 3 = 6"),
        ("forward", "v = u + b = 6 + 1 = 7"),
        ("forward", "a = relu(v) = relu(7) = 7"),
        ("seed", "Backward pass: start at the output with ∂a/∂a = 1"),
        ("backward", "∂a/∂v = 1 because v = 7 > 0"),
        ("backward", "∂a/∂u = ∂a/∂v · ∂v/∂u = 1 · 1 = 1"),
        ("backward", "∂a/∂b = ∂a/∂v · ∂v/∂b = 1 · 1 = 1"),
        ("backward", "∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3"),
        ("backward", "∂a/∂x = ∂a/∂v · ∂v/∂u · ∂u/∂x = 1 · 1 · 2 = 2"),
        ("done", "Done: ∂a/∂w = 3, ∂a/∂x = 2, ∂a/∂b = 1"),
    ]


def test_state_at_shows_what_is_visible_and_stepping_back_is_free():
    cg = lecture()
    schedule = Schedule(cg)
    start = schedule.state_at(0)
    assert start.phase == "start" and set(start.values) == {0, 1, 3}  # the inputs only
    assert start.grads == {} and start.contributions == {}
    after_forward = schedule.state_at(3)
    assert after_forward.values == {n: cg.value(n) for n in cg.nodes}
    assert after_forward.active_node == cg.output and after_forward.grads == {}
    mid = schedule.state_at(8)
    assert mid.active_edge == (0, 2, 0) and mid.grads[0] == 3.0 and 1 not in mid.grads
    assert mid.caption == "∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3"
    end = schedule.state_at(len(schedule))
    assert end.phase == "done" and end.grads == {n: cg.grad(n) for n in cg.nodes}
    assert schedule.state_at(8) == mid  # replaying is deterministic: back and forth agree
    assert schedule.state_at(-5) == start and schedule.state_at(10**6) == end


SENTENCES = ("forward_sentence", "chain_sentence", "sum_sentence", "local_rule", "local_rules", "output_symbol")


@pytest.fixture
def written(monkeypatch):
    """The names of core.engine.explain's sentence writers, one entry per call."""
    calls = []
    for name in SENTENCES:
        def counting(*args, _write=getattr(explain, name), _name=name):
            calls.append(_name)
            return _write(*args)
        monkeypatch.setattr(explain, name, counting)
    return calls


def test_a_schedule_writes_a_caption_when_its_step_is_read_and_only_once(written):
    schedule = Schedule(lecture())
    assert written == []  # nothing is written up front
    assert schedule.state_at(3).caption == "a = relu(v) = relu(7) = 7"
    # The third step's caption and detail only, not the two steps before it.
    assert written.count("forward_sentence") == 1 and written.count("local_rules") == 1
    assert schedule.state_at(5).detail == (
        "upstream gradient × local derivative = contribution; the local one: ∂a/∂v = 1 because v = 7 > 0")
    before = len(written)
    schedule.state_at(5), schedule.state_at(3), schedule.steps[4].caption, schedule.steps[4].detail
    assert len(written) == before  # kept once written


def test_lazy_captions_equal_the_explain_sentences_for_every_step():
    cg = build_graph("b = a + a; c = b * b + relu(a - 2); d = c / b").evaluate({"a": 1.5})
    schedule = Schedule(cg)
    for step in schedule.steps:
        if step.kind == "forward":
            assert step.caption == explain.forward_sentence(cg, step.node)
            assert step.detail == f"Local derivatives: {explain.local_rules(cg, step.node)}"
        elif step.kind == "backward":
            assert step.caption == explain.chain_sentence(cg, step.edge)
            assert step.detail.endswith(explain.local_rule(cg, step.edge))
        elif step.kind == "accumulate":
            assert step.caption == explain.sum_sentence(cg, step.node)


def test_paths_that_meet_get_an_accumulation_step():
    cg = build_graph("b = a + a; c = b + b").evaluate({"a": 1.5})
    schedule = Schedule(cg)
    kinds = [s.kind for s in schedule.steps]
    assert kinds == ["forward", "forward", "seed", "backward", "backward", "accumulate",
                     "backward", "backward", "accumulate", "done"]
    assert schedule.steps[5].caption == (
        "∂c/∂b = ∂c/∂b (direct edge) + ∂c/∂b (direct edge) = 1 + 1 = 2: "
        "b is used 2 times, so the chain rule adds up its paths"
    )
    assert schedule.steps[8].caption == (  # four paths from c to a, each 1 · 1
        "∂c/∂a = " + " + ".join(["∂c/∂b · ∂b/∂a"] * 4) + " = " + " + ".join(["1 · 1"] * 4)
        + " = 4: a is used 2 times, so the chain rule adds up its paths"
    )
    assert schedule.steps[3].caption == (
        "b is used 2 times; use 1 (in c) contributes its local derivative: ∂c/∂b (direct edge) = 1"
    )
    partial = schedule.state_at(4)
    assert partial.received == {1: [1.0]} and 1 not in partial.grads
    assert schedule.state_at(6).grads[1] == 2.0 and schedule.state_at(6).received == {}


def test_no_step_reads_circular():
    for preset in PRESETS:
        for step in Schedule(build_graph(preset.source).evaluate()).steps:
            out = explain.output_symbol(build_graph(preset.source))
            assert f"∂{out}/∂{out} ·" not in step.caption, step.caption
            if step.kind != "seed":
                assert f"∂{out}/∂{out} = 1" not in step.caption


def test_inactive_relu_caption_shows_the_zero():
    schedule = Schedule(build_graph(BY_KEY["inactive-relu"].source).evaluate())
    assert schedule.steps[-1].caption == (
        "Done: ∂a/∂w1 = 0, ∂a/∂x1 = 0, ∂a/∂w2 = 0, ∂a/∂x2 = 0, ∂a/∂b = 0"
    )


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_every_preset_schedules(preset):
    cg = build_graph(preset.source).evaluate()
    schedule = Schedule(cg)
    end = schedule.state_at(len(schedule))
    assert end.grads == {n: cg.grad(n) for n in cg.nodes if cg.differentiable(n)}


def check_schedule_structure(cg):
    schedule = Schedule(cg)
    ops = [n for n in cg.nodes if cg.node(n)["kind"] == "op"]
    forward = [s.node for s in schedule.steps if s.kind == "forward"]
    assert forward == ops  # topological: every operand before its operation
    backward = [s.edge for s in schedule.steps if s.kind == "backward"]
    carrying = [
        e for e in cg.graph.edges(keys=True)
        if cg.differentiable(e[0]) and cg.reaches_output(e[1])
    ]
    assert sorted(backward) == sorted(carrying) and len(set(backward)) == len(backward)
    seen_grad = {cg.output}
    for step in schedule.steps:
        if step.kind == "backward":  # upstream gradient must be known before it flows on
            assert step.edge[1] in seen_grad
            if step.node not in schedule._summed:
                seen_grad.add(step.node)
        elif step.kind == "accumulate":
            seen_grad.add(step.node)
    end = schedule.state_at(len(schedule))
    assert end.grads == {n: cg.grad(n) for n in cg.nodes if cg.differentiable(n) or n == cg.output}


@settings(deadline=None, max_examples=100)
@given(formula=formulas())
def test_random_formula_schedules_are_complete_and_ordered(formula):
    check_schedule_structure(build_graph(formula[0]).evaluate({"x": 1.5, "y": -0.5, "z": 2.0}))


@settings(deadline=None, max_examples=100)
@given(program=programs())
def test_random_program_schedules_are_complete_and_ordered(program):
    check_schedule_structure(build_graph(program[0]).evaluate({"x": 1.5, "y": -0.5, "z": 2.0}))
