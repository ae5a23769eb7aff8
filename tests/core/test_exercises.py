"""New exercise: seeded, always parses, friendly finite numbers, and the difficulty is respected."""

import math
from collections import Counter

import pytest

from core.teach import exercises
from core.teach.exercises import (
    DIFFICULTIES, FRIENDLY_VALUES, MAX_OPERATIONS, Difficulty, ExerciseError, is_friendly, new_exercise,
)
from core.engine.graph import build_graph
from core.engine.ops import MASK_OPS, OPS
from core.engine.parse import parse

EVERYTHING = Difficulty(8, tuple(op for op in OPS if op not in MASK_OPS), share_variables=True)
CASES = [*DIFFICULTIES.items(), ("everything", EVERYTHING),
         ("one-op", Difficulty(1, ("mul",))), ("unary-only", Difficulty(5, ("relu", "tanh", "neg", "sin"))),
         ("largest", Difficulty(MAX_OPERATIONS, ("add", "mul", "sigmoid"), share_variables=True))]
SEEDS = range(150)


def op_nodes(cg):
    return [n for n in cg.nodes if cg.node(n)["kind"] == "op"]


@pytest.mark.parametrize("name, difficulty", CASES, ids=[name for name, _ in CASES])
def test_every_seed_gives_a_friendly_exercise_at_the_difficulty(name, difficulty):
    for seed in SEEDS:
        text = new_exercise(seed, difficulty)
        program = parse(text)
        cg = build_graph(program).evaluate()  # every input's value is in the text
        ops = op_nodes(cg)
        assert len(ops) == difficulty.operations, text
        assert {cg.node(n)["op"] for n in ops} <= set(difficulty.allowed), text
        assert all(v in FRIENDLY_VALUES for v in program.values.values()), text
        assert all(float(v * 2).is_integer() and abs(v) <= 3 for v in program.values.values())
        assert is_friendly(cg) and any(g != 0 for g in cg.gradients().values()), text
        numbers = [cg.value(n) for n in cg.nodes] + [cg.grad(n) for n in cg.nodes if cg.differentiable(n)]
        assert all(math.isfinite(x) and abs(x) <= 100 for x in numbers), text
        shared = [n for n in cg.nodes if len(cg.carrying_out_edges(n)) > 1]
        if difficulty.share_variables:
            assert any(cg.node(n)["kind"] == "input" for n in shared), text  # two paths meet at an input
        else:
            assert shared == [], text  # a tree: no gradient is ever summed


def test_the_same_seed_gives_the_same_exercise_and_seeds_differ():
    for difficulty in DIFFICULTIES.values():
        assert new_exercise(7, difficulty) == new_exercise(7, difficulty)
    texts = [new_exercise(seed, DIFFICULTIES["medium"]) for seed in range(100)]
    assert len(set(texts)) > 90


def test_exercise_text_is_a_program_with_its_values_first():
    text = new_exercise(3, DIFFICULTIES["easy"])
    values, *statements = text.split("\n")
    assert all(" = " in part for part in values.split("; "))
    assert len(statements) == 2 and statements[-1].startswith("f = ")
    assert all("=" in line for line in statements)


def test_operations_are_spread_over_what_is_allowed():
    used = Counter()
    for seed in range(100):
        cg = build_graph(new_exercise(seed, DIFFICULTIES["hard"])).evaluate()
        used.update(cg.node(n)["op"] for n in op_nodes(cg))
    assert set(used) == set(DIFFICULTIES["hard"].allowed)


def test_difficulty_is_checked():
    with pytest.raises(ValueError, match="1 to 12"):
        Difficulty(0)
    with pytest.raises(ValueError, match="1 to 12"):
        Difficulty(MAX_OPERATIONS + 1)
    with pytest.raises(ValueError, match="unknown operation"):
        Difficulty(3, ("add", "softmax"))
    with pytest.raises(ValueError, match="at least one"):
        Difficulty(3, ())
    with pytest.raises(ValueError, match="two-operand"):
        Difficulty(3, ("relu", "exp"), share_variables=True)


def test_an_impossible_difficulty_gives_up_with_a_message(monkeypatch):
    monkeypatch.setattr(exercises, "MAX_ATTEMPTS", 50)
    with pytest.raises(ExerciseError, match="no friendly exercise"):
        new_exercise(1, Difficulty(6, ("log",)))  # log(log(log(...))) of a value ≤ 3 turns nan
