"""The sentences people read: derivations per input and rules written with the graph's names."""

from core.engine import explain
from core.engine.graph import build_graph
from core.teach.presets import BY_KEY


def test_derivation_follows_every_path_with_its_numbers():
    cg = build_graph(BY_KEY["lecture"].source).evaluate()
    assert explain.derivation(cg, "w") == "∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3"


def test_a_direct_edge_is_marked_so_it_is_not_read_as_the_total():
    cg = build_graph(BY_KEY["two-paths"].source).evaluate()
    assert explain.derivation(cg, "x") == (
        "∂f/∂x = ∂f/∂x (direct edge) + ∂f/∂u · ∂u/∂x = 1 + 1 · 3 = 4"
    )


def test_single_edge_and_unused_inputs():
    cg = build_graph("y = x**3 + 0*z").evaluate({"x": 2, "z": 1})
    assert explain.derivation(cg, "z") == "∂y/∂z = ∂y/∂(0·z) · ∂(0·z)/∂z = 1 · 0 = 0"
    cg = build_graph("u = w*2; y = x**3").evaluate({"x": 2, "w": 1})
    assert explain.derivation(cg, "w") == "∂y/∂w = 0 (w does not feed y)"


def test_long_chains_and_many_uses_are_shortened():
    cg = build_graph("relu(" * 20 + "x" + ")" * 20).evaluate({"x": 1})
    text = explain.derivation(cg, "x")
    assert "(20 factors) = 1 · 1 · … · 1 · 1 (20 factors) = 1" in text
    cg = build_graph("+".join(["x"] * 50)).evaluate({"x": 1})
    assert explain.derivation(cg, "x").endswith("1 + 1 + 1 + … + 1 (50 terms) = 50")


def test_rules_use_the_operations_own_operand_names():
    cg = build_graph(BY_KEY["lecture"].source).evaluate()
    by_name = {cg.node(n)["symbol"]: n for n in cg.nodes}
    assert explain.rule_of(cg, by_name["u"]) == "∂u/∂w = x and ∂u/∂x = w"
    assert explain.rule_of(cg, by_name["a"]) == "∂a/∂v = 1 if v > 0, else 0"
    assert explain.rule_of(cg, by_name["x"]) == ""
