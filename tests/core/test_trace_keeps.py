"""What torch keeps, per traced node: retain_grad(), a hook and autograd.grad on a tuple; backward twice."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from core.trace.keeps import KINDS  # noqa: E402
from core.trace.tracer import trace_from_config, trace_from_dict, trace_to_dict  # noqa: E402
from core.training.data import load_prepared  # noqa: E402
from core.training.run import TrainingConfig  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def traces():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    prepared = load_prepared(REPO / "data" / "linreg-data.csv")
    yield {name: trace_from_config(prepared, TrainingConfig(epochs=2), name)
           for name in ("semi_manual", "automatic", "sequential")}
    torch.set_num_threads(before)


def freed_graph_message() -> str:
    """torch's own words for a second backward through a freed graph, from a graph of our own."""
    w = torch.tensor(2.0, requires_grad=True)
    loss = (w * 3.0) ** 2
    loss.backward()
    with pytest.raises(RuntimeError) as caught:
        loss.backward()
    return str(caught.value)


@pytest.mark.parametrize("variant", ["semi_manual", "automatic", "sequential"])
def test_retain_grad_hook_and_tuple_grad_equal_the_gradient_torch_sent_to_each_node(traces, variant):
    tg = traces[variant]
    functions = [n for n in tg.nodes if tg.node(n)["kind"] == "op"]
    assert functions
    for node_id in functions:
        data = tg.node(node_id)
        kept = data["kept"]
        assert set(kept) == set(KINDS), data["symbol"]
        # ∂L/∂result as torch's backward function received it (its own hook) is the reference
        want = data["grad"].entries()
        for kind in KINDS:
            assert kept[kind] is not None and kept[kind].entries() == want, (variant, data["symbol"], kind)
    output = tg.node(tg.output)["kept"]["retain_grad"].entries()
    assert output == [1.0]  # ∂L/∂L


@pytest.mark.parametrize("variant", ["semi_manual", "automatic"])
def test_backward_twice_shows_torchs_real_message_and_what_retain_graph_changes(traces, variant):
    story = traces[variant].backward_twice
    assert story["error"] == freed_graph_message()
    assert "retain_graph=True" in story["retain_graph"] and "same gradients" in story["retain_graph"]


def test_what_torch_keeps_survives_the_json_the_window_receives(traces):
    tg = traces["automatic"]
    again = trace_from_dict(trace_to_dict(tg))
    assert again.backward_twice == tg.backward_twice
    for node_id in tg.nodes:
        mine, theirs = tg.node(node_id).get("kept"), again.node(node_id).get("kept")
        if mine is None:
            assert theirs is None
        else:
            assert {k: v.entries() for k, v in mine.items()} == {k: v.entries() for k, v in theirs.items()}
