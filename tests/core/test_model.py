"""The Graph page's model without Qt: one parse per load, one change per edit, numbers from torch."""

import gc
import math

import pytest
import torch

from core.engine import explain, graph_text, model as model_module
from core.engine.graph import ComputationGraph, GraphBase, build_graph
from core.engine.model import FALLBACK_VALUE, Change, GraphModel
from core.engine.steps import START_CAPTION, Schedule
from core.trace import tensor_text
from core.trace.graph import TensorGraph, trace_from_dict
from core.trace.steps import TraceSchedule

LECTURE = "w = 2\nx = 3\nb = -1\nu = w*x\nv = u + b\na = relu(v)"
TOY_TRACE = {  # L = w·X with one weight and one row
    "variant": "toy", "method": "autograd", "output": 2, "notes": [],
    "nodes": [
        {"id": 0, "label": "weight", "kind": "input", "op": None, "value": [2.0], "grad": [3.0],
         "shape": [1], "name": "w", "symbol": "w"},
        {"id": 1, "label": "X", "kind": "const", "op": None, "value": [3.0], "grad": None, "shape": [1]},
        {"id": 2, "label": "mul", "kind": "op", "op": "MulBackward0", "value": [6.0], "grad": [1.0],
         "shape": [1], "symbol": "L", "expr": "w·X"},
    ],
    "edges": [{"source": 0, "target": 2, "operand": 0, "local": "X", "contribution": [3.0]},
              {"source": 1, "target": 2, "operand": 1, "local": "w", "contribution": None}],
}


class Recorder:
    """Subscribes to a model and keeps every change it is told about."""

    def __init__(self, model: GraphModel):
        self.changes: list[Change] = []
        model.subscribe(self.changes.append)


@pytest.fixture
def parses(monkeypatch):
    """How many times the model builds a graph from text."""
    calls = []

    def counting(text):
        calls.append(text)
        return build_graph(text)

    monkeypatch.setattr(model_module, "build_graph", counting)
    return calls


def torch_lecture(w: float, x: float, b: float) -> tuple[float, dict[str, float]]:
    """The lecture's output and input gradients, computed by torch in float64."""
    tensors = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
               for name, value in (("w", w), ("x", x), ("b", b))}
    out = torch.relu(tensors["w"] * tensors["x"] + tensors["b"])
    out.backward()
    return out.item(), {name: t.grad.item() for name, t in tensors.items()}


def test_load_parses_once_evaluates_and_tells_once(parses):
    model = GraphModel()
    seen = Recorder(model)
    assert model.load(LECTURE, {"w": -0.5, "b": 0.25, "nobody": 9.0, "x": math.nan}, step=4)
    assert parses == [LECTURE] and len(seen.changes) == 1
    assert seen.changes[0] == Change(text=True, graph=True, values=True, step=True)
    assert model.values == {"w": -0.5, "x": 3.0, "b": 0.25}  # unknown names and NaN are left out
    assert model.step == 4 and model.state.step == 4 and model.source == LECTURE
    out, grads = torch_lecture(-0.5, 3.0, 0.25)
    cg = model.graph
    assert cg.value(cg.output) == pytest.approx(out, abs=1e-12)
    assert cg.gradients() == pytest.approx(grads, abs=1e-12)


def test_opening_a_big_formula_writes_no_caption_until_a_step_is_shown(monkeypatch):
    written = []
    for name in ("forward_sentence", "chain_sentence", "sum_sentence", "local_rule", "local_rules"):
        def counting(*args, _write=getattr(explain, name), _name=name):
            written.append(_name)
            return _write(*args)
        monkeypatch.setattr(explain, name, counting)
    model = GraphModel()
    assert model.load("+".join(["x"] * 300) + "\nx = 2")
    assert model.state.caption == START_CAPTION and written == []
    model.set_step(model.step_count() - 1)  # where the 300 uses of x meet: one sum is written
    assert model.state.caption.endswith("= 300: x is used 300 times, so the chain rule adds up its paths")
    assert written == ["sum_sentence"]


def test_the_collector_is_paused_while_the_model_changes_and_back_after(monkeypatch):
    seen = []
    model = GraphModel()
    model.subscribe(lambda change: seen.append(gc.isenabled()))
    model.load(LECTURE)
    model.set_text(LECTURE + "\nc = a * 2")
    model.set_values({"w": 5.0})
    assert seen == [False, False, False] and gc.isenabled()
    with pytest.raises(ZeroDivisionError):  # an error inside gives it back too
        with model_module.collector_paused():
            1 / 0
    assert gc.isenabled()


def test_a_text_that_makes_no_graph_changes_nothing(parses):
    model = GraphModel()
    model.load(LECTURE)
    seen = Recorder(model)
    assert not model.load("u = w*")
    assert seen.changes == [] and model.source == LECTURE
    model.set_text("u = w*")  # typed: the error is shown, the last good graph stays
    assert seen.changes == [Change(text=True)] and model.error.line == 1 and model.graph is not None
    assert model.text == "u = w*" and model.source == LECTURE


def test_setting_many_values_is_one_evaluation_and_one_change(parses, monkeypatch):
    model = GraphModel()
    model.load(LECTURE, step=3)
    evaluations = []
    original = ComputationGraph.evaluate
    monkeypatch.setattr(ComputationGraph, "evaluate", lambda cg, values=None: evaluations.append(1) or original(cg, values))
    seen = Recorder(model)
    model.set_values({"w": 1.5, "x": -2.0, "b": 4.0})
    assert len(evaluations) == 1 and len(seen.changes) == 1 and parses == [LECTURE]
    assert seen.changes[0].values and not seen.changes[0].graph
    assert model.step == 3  # a lecturer wiggles an input mid-explanation: the step stays
    out, grads = torch_lecture(1.5, -2.0, 4.0)
    assert model.graph.value(model.graph.output) == pytest.approx(out, abs=1e-12)
    assert model.graph.gradients() == pytest.approx(grads, abs=1e-12)
    model.set_values({"w": 1.5, "nobody": 2.0})  # nothing new: nothing to tell
    assert len(seen.changes) == 1 and len(evaluations) == 1


def test_typed_text_keeps_values_a_new_input_starts_at_one_and_the_end_stays_the_end():
    model = GraphModel()
    model.load("a = x*y\nx = 3")
    model.set_values({"y": 5.0})
    model.set_step(model.step_count())
    model.set_text("a = x*y + z\nx = 3")
    assert model.values == {"x": 3.0, "y": 5.0, "z": FALLBACK_VALUE}
    assert model.step == model.step_count() == len(Schedule(model.graph))
    model.set_text("a = x*y + z\nx = 4")  # the text changed x's value: the text wins
    assert model.values["x"] == 4.0 and model.values["y"] == 5.0


def test_the_step_is_clamped_and_each_state_is_the_schedules():
    model = GraphModel()
    seen = Recorder(model)
    model.set_step(3)  # no graph yet: nothing to show
    assert model.step == 0 and model.frame() is None and seen.changes == []
    model.load(LECTURE)
    schedule = Schedule(build_graph(LECTURE).evaluate())
    for k in (2, 99, -5):
        model.set_step(k)
        expected = schedule.state_at(k)
        assert model.step == expected.step and model.state == expected
    model.set_step(0)  # already there
    assert len(seen.changes) == 4


def test_a_trace_takes_the_stage_and_gives_the_formula_back_at_its_step():
    model = GraphModel()
    model.load(LECTURE, step=5)
    tg = trace_from_dict(TOY_TRACE)
    seen = Recorder(model)
    model.show_trace(tg, TraceSchedule(tg), tensor_text.WORDS)
    frame = model.frame()
    assert frame.graph is tg and frame.words is tensor_text.WORDS and model.step == 0
    assert model.step_count() == len(TraceSchedule(tg))
    model.set_step(2)
    model.close_trace()
    assert model.trace is None and model.step == 5 and model.frame().words is graph_text.WORDS
    assert [c.trace for c in seen.changes] == [True, False, True]
    model.show_trace(tg, TraceSchedule(tg), tensor_text.WORDS)
    model.set_values({"w": 7.0})  # the formula's inputs change: it takes the stage back
    assert model.trace is None and seen.changes[-1].trace and seen.changes[-1].values


def test_scalar_and_tensor_graphs_share_a_base_and_neither_refuses_its_methods():
    assert issubclass(ComputationGraph, GraphBase) and issubclass(TensorGraph, GraphBase)
    assert not issubclass(TensorGraph, ComputationGraph)
    assert "evaluate" not in dir(TensorGraph)  # it has nothing to compute, so it offers nothing
