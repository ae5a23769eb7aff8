"""The autograd bridge (core.trace.tracer): torch's own graph of each variant's loss, as plain data."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

torch = pytest.importorskip("torch")

import main  # noqa: E402
from core.training.data import load_prepared  # noqa: E402
from core.engine.layout import layout  # noqa: E402
from core.trace.tensor_value import KEPT_ROWS, TensorValue  # noqa: E402
from core.trace.tracer import trace_from_config, trace_from_dict, trace_to_dict, trace_variant  # noqa: E402
from core.trace.steps import TraceSchedule  # noqa: E402
from core.training.run import TrainingConfig, TrainingRun  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SOURCE_LINES = (REPO / "core" / "training" / "variants.py").read_text(encoding="utf-8").splitlines()
AUTOGRAD_VARIANTS = ("semi_manual", "automatic", "sequential")
START = TrainingConfig(epochs=0)


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def prepared():
    return load_prepared(REPO / "data" / "linreg-data.csv")


@pytest.fixture(scope="module")
def traces(prepared):
    return {name: trace_from_config(prepared, START, name) for name in (*AUTOGRAD_VARIANTS, "manual")}


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def by_label(tg, label):
    (node_id,) = [n for n in tg.nodes if tg.node(n)["label"] == label]
    return node_id


def by_op(tg, op):
    (node_id,) = [n for n in tg.nodes if tg.node(n)["op"] == op]
    return node_id


def as_tensor(value: TensorValue):
    return torch.tensor(value.data)


def reference_gradients(prepared, activation="relu"):
    """∂L/∂w (2, 1) and ∂L/∂b (1,) at the shared start, by autograd on a fresh model and by hand."""
    torch.set_rng_state(prepared.rng_state)  # where the shared start is drawn, as in training
    w = torch.rand(2, 1).requires_grad_(True)
    b = torch.rand(1).requires_grad_(True)
    X, y = prepared.X_train, prepared.y_train
    net = (X @ w + b).view(-1)
    prediction = torch.relu(net) if activation == "relu" else net
    autograd = torch.autograd.grad(torch.mean((prediction - y) ** 2), [w, b])
    with torch.no_grad():
        slope = (net > 0).float() if activation == "relu" else torch.ones_like(net)
        upstream = 2 * (prediction - y) / y.numel() * slope
        by_hand = (X.t() @ upstream.view(-1, 1), upstream.sum().view(1))
    return autograd, by_hand


# --- torch's numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*AUTOGRAD_VARIANTS, "manual"])
def test_parameter_gradients_are_torchs_own_and_match_the_formulas(prepared, traces, name):
    tg = traces[name]
    (auto_w, auto_b), (hand_w, hand_b) = reference_gradients(prepared)
    grad_w = as_tensor(tg.node(by_label(tg, "weight"))["grad"]).view(2, 1)
    grad_b = as_tensor(tg.node(by_label(tg, "bias"))["grad"])
    torch.testing.assert_close(grad_w, auto_w, rtol=1e-6, atol=1e-5)
    torch.testing.assert_close(grad_b, auto_b, rtol=1e-6, atol=1e-5)
    torch.testing.assert_close(grad_w, hand_w, rtol=1e-5, atol=1e-4)
    torch.testing.assert_close(grad_b, hand_b, rtol=1e-5, atol=1e-4)


def test_module_gradients_equal_what_backward_leaves_in_grad(prepared, traces):
    run = TrainingRun(prepared, TrainingConfig(epochs=0, variants=("automatic",)))
    model = run.variants["automatic"]
    loss = torch.nn.functional.mse_loss(model.model(model.X), model.y)
    loss.backward()
    tg = traces["automatic"]
    assert as_tensor(tg.node(by_label(tg, "weight"))["grad"]).equal(model.linear.weight.grad)
    assert as_tensor(tg.node(by_label(tg, "bias"))["grad"]).equal(model.linear.bias.grad)
    assert tg.node(tg.output)["value"].data == pytest.approx(loss.item(), rel=1e-6)


def test_values_are_the_shared_start_and_the_variant_is_left_untouched(prepared):
    run = TrainingRun(prepared, TrainingConfig(epochs=0, variants=("sequential",)))
    variant = run.variants["sequential"]
    before = [p.detach().clone() for p in variant.model.parameters()]
    tg = trace_variant(variant, "sequential")
    assert all(p.equal(q) for p, q in zip(before, variant.model.parameters()))
    torch.set_rng_state(prepared.rng_state)
    weights, bias = torch.rand(2, 1), torch.rand(1)
    assert as_tensor(tg.node(by_label(tg, "weight"))["value"]).equal(weights.view(1, 2))
    assert as_tensor(tg.node(by_label(tg, "bias"))["value"]).equal(bias)


def test_epochs_trace_the_parameters_after_that_much_training(prepared):
    config = TrainingConfig(epochs=3, variants=("semi_manual",))
    run = TrainingRun(prepared, config)
    for _ in run.epochs():
        pass
    tg = trace_from_config(prepared, config, "semi_manual")
    assert tg.node(by_label(tg, "weight"))["value"].entries() == pytest.approx(run.variants["semi_manual"].weights)


def test_the_manual_chain_has_the_numbers_manual_step_uses(prepared, traces):
    run = TrainingRun(prepared, TrainingConfig(epochs=0, variants=("manual",)))
    variant = copy.deepcopy(run.variants["manual"])
    w, b = variant.w.clone(), variant.b.clone()
    variant.step()
    tg = traces["manual"]
    used_w, used_b = (w - variant.w) / variant.lr, (b - variant.b) / variant.lr
    torch.testing.assert_close(as_tensor(tg.node(by_label(tg, "weight"))["grad"]), used_w, rtol=1e-4, atol=1e-3)
    torch.testing.assert_close(as_tensor(tg.node(by_label(tg, "bias"))["grad"]), used_b, rtol=1e-4, atol=1e-3)


def test_the_notebooks_shortcut_is_shown_as_it_computes(prepared):
    tg = trace_from_config(prepared, TrainingConfig(epochs=0, manual_relu_derivative=False), "manual")
    (_, hand_b) = reference_gradients(prepared)[1]
    assert not torch.allclose(as_tensor(tg.node(by_label(tg, "bias"))["grad"]), hand_b)
    assert "relu' left out" in " ".join(tg.notes) and "inactive rows" in tg.notes[-1]


# --- the shape of the graph --------------------------------------------------------------------

EXPECTED = {
    "semi_manual": ((2, 1), ["MmBackward0", "AddBackward0", "ViewBackward0", "ReluBackward0",
                             "SubBackward0", "PowBackward0", "MeanBackward0"]),
    "automatic": ((1, 2), ["TBackward0", "AddmmBackward0", "ReluBackward0", "ViewBackward0",
                           "MseLossBackward0"]),
    "sequential": ((1, 2), ["TBackward0", "AddmmBackward0", "ReluBackward0", "ViewBackward0",
                            "MseLossBackward0"]),
}


@pytest.mark.parametrize("name", AUTOGRAD_VARIANTS)
def test_nodes_are_torchs_functions_and_tensors_with_their_shapes(traces, name):
    tg = traces[name]
    weight_shape, functions = EXPECTED[name]
    assert [tg.node(n)["op"] for n in tg.nodes if tg.node(n)["kind"] == "op"] == functions
    assert {tg.node(n)["label"]: tg.node(n)["kind"] for n in tg.nodes if tg.node(n)["kind"] != "op"} == {
        "weight": "input", "bias": "input", "X": "const", "y": "const"}
    assert tg.shape(by_label(tg, "weight")) == weight_shape
    assert tg.shape(by_label(tg, "bias")) == (1,)
    assert tg.shape(by_label(tg, "X")) == (700, 2) and tg.shape(by_label(tg, "y")) == (700,)
    assert tg.shape(tg.output) == () and tg.node(tg.output)["symbol"] == "L"
    assert tg.node(tg.output)["grad"].data == 1.0
    for n in tg.nodes:
        data = tg.node(n)
        assert data["value"].shape == data["shape"]
        assert (data["grad"] is None) == (data["kind"] == "const")
        if data["grad"] is not None:
            assert data["grad"].shape == data["shape"]


@pytest.mark.parametrize("name", [*AUTOGRAD_VARIANTS, "manual"])
def test_edges_run_from_every_parameter_and_data_tensor_to_the_loss(traces, name):
    tg = traces[name]
    assert nx.is_directed_acyclic_graph(tg.graph)
    assert list(nx.topological_sort(tg.graph))[-1] == tg.output and tg.nodes == sorted(tg.nodes)
    for label in ("weight", "bias", "X", "y"):
        assert nx.has_path(tg.graph, by_label(tg, label), tg.output)
    for u, v, k in tg.graph.edges(keys=True):
        contribution = tg.edge((u, v, k))["contribution"]
        assert (contribution is None) == (tg.node(u)["kind"] == "const")
        if contribution is not None:
            assert contribution.shape == tg.shape(u)


def test_activation_none_has_no_relu(prepared):
    tg = trace_from_config(prepared, TrainingConfig(epochs=0, activation="none"), "semi_manual")
    assert "ReluBackward0" not in [tg.node(n)["op"] for n in tg.nodes]
    (auto_w, _), _ = reference_gradients(prepared, activation="none")
    torch.testing.assert_close(as_tensor(tg.node(by_label(tg, "weight"))["grad"]), auto_w, rtol=1e-6, atol=1e-5)


class SquaredWeight:
    """A stand-in variant that uses its parameter twice (w·w): two edges, one summed gradient."""

    def __init__(self):
        self.X, self.y = torch.tensor([1.0, 2.0, 3.0]), torch.zeros(3)
        self.w = torch.tensor([1.5], requires_grad=True)

    def step(self):
        loss = torch.sum(self.w * self.w * self.X)
        (grad,) = torch.autograd.grad(loss, [self.w])
        return grad


def test_a_reused_parameter_gets_both_contributions_summed():
    tg = trace_variant(SquaredWeight(), "squared")
    w = by_label(tg, "weight")
    assert len(tg.out_edges(w)) == 2
    assert tg.node(w)["grad"].data == [pytest.approx(2 * 1.5 * 6)]  # ∂/∂w of Σ w²·x = 2w·Σx
    assert [tg.edge(e)["contribution"].data for e in tg.out_edges(w)] == [[9.0], [9.0]]
    steps = TraceSchedule(tg).steps
    accumulate = [step for step in steps if step.kind == "accumulate"]
    assert len(accumulate) == 1 and accumulate[0].node == w and "2 contributions" in accumulate[0].caption
    symbols = [tg.node(n)["symbol"] for n in tg.nodes]
    assert len(set(symbols)) == len(symbols)


# --- code ↔ graph ------------------------------------------------------------------------------


def line_text(line):
    return SOURCE_LINES[line - 1]


@pytest.mark.parametrize(("name", "op", "fragment"), [
    ("automatic", "AddmmBackward0", "net = self.linear(x)"),
    ("automatic", "ReluBackward0", "F.relu(net)"),
    ("automatic", "MseLossBackward0", "loss = F.mse_loss(self.model(self.X), self.y)"),
    ("sequential", "AddmmBackward0", "loss = F.mse_loss(self.model(self.X).view(-1), self.y)"),
    ("semi_manual", "MmBackward0", "torch.mm(X, self.w)"),
    ("semi_manual", "MeanBackward0", "loss = torch.mean("),
])
def test_each_function_names_the_line_of_its_class_that_made_it(traces, name, op, fragment):
    data = traces[name].node(by_op(traces[name], op))
    assert fragment in line_text(data["line"])
    assert data["code"] and data["code"] in line_text(data["line"])


@pytest.mark.parametrize(("name", "fragment"), [
    ("semi_manual", "self.w = "), ("automatic", "nn.Linear("), ("sequential", "nn.Linear(")])
def test_parameters_name_the_line_that_creates_them(traces, name, fragment):
    tg = traces[name]
    assert fragment in line_text(tg.node(by_label(tg, "weight"))["line"])
    assert set(tg.nodes_at_line(tg.node(by_label(tg, "weight"))["line"])) >= {by_label(tg, "weight")}


def test_the_manual_explanation_names_the_lines_that_compute_each_edge(traces):
    tg = traces["manual"]
    lines = {fragment: next(i for i, text in enumerate(SOURCE_LINES, 1) if fragment in text)
             for fragment in ("grad_loss_yhat = 2", "* (net > 0)", "grad_w = ", "grad_b = ")}
    edge_lines = {(tg.node(u)["symbol"], tg.node(v)["symbol"]): tg.edge((u, v, k)).get("line")
                  for u, v, k in tg.graph.edges(keys=True)}
    assert edge_lines[("ŷ", "L")] == lines["grad_loss_yhat = 2"]
    assert edge_lines[("z", "ŷ")] == lines["* (net > 0)"]
    assert edge_lines[("w", "z")] == lines["grad_w = "]
    assert edge_lines[("b", "z")] == lines["grad_b = "]
    text = "\n".join(tg.notes)
    for line in lines.values():
        assert f"Line {line}" in text
    assert tg.edges_at_line(lines["grad_w = "]) == [(by_label(tg, "weight"), by_op(tg, "net_input"), 0)]


# --- plain data for the window ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["automatic", "manual"])
def test_json_round_trip_rebuilds_a_drawable_steppable_graph(traces, name):
    tg = traces[name]
    payload = strict_json(json.dumps(trace_to_dict(tg), allow_nan=False))
    assert {"output", "nodes", "edges"} <= set(payload)
    for node in payload["nodes"]:
        assert {"id", "label", "kind", "op", "value", "grad", "shape"} <= set(node)
    rebuilt = trace_from_dict(payload)
    assert rebuilt.nodes == tg.nodes and rebuilt.output == tg.output
    assert rebuilt.input_nodes == tg.input_nodes and rebuilt.notes == tg.notes
    for n in tg.nodes:
        for key in ("kind", "label", "op", "symbol", "expr", "shape", "line", "value", "grad"):
            assert rebuilt.node(n)[key] == tg.node(n)[key], key
    assert sorted(rebuilt.graph.edges(keys=True, data=True)) == sorted(tg.graph.edges(keys=True, data=True))
    schedule = TraceSchedule(rebuilt)
    end = schedule.state_at(len(schedule))
    assert end.phase == "done" and set(end.grads) == {n for n in tg.nodes if tg.node(n)["kind"] != "const"}
    assert len(layout(rebuilt).positions) == len(tg.nodes)


def test_backward_steps_say_the_vector_jacobian_product_with_shapes(traces):
    schedule = TraceSchedule(traces["semi_manual"])
    kinds = [step.kind for step in schedule.steps]
    # forward: one per function; backward: one per edge that carries a gradient (none into X, y)
    assert kinds.count("forward") == 7 and kinds.count("seed") == 1 and kinds.count("backward") == 8
    backward = [step for step in schedule.steps if step.kind == "backward"]
    assert backward[0].caption.startswith("∂L/∂L = 1 · ∂L/∂e²: 1/n for every entry (n = 700)")
    assert "∂L/∂ŷ (700) · ∂ŷ/∂z.view(-1): relu mask" in "\n".join(step.caption for step in backward)
    assert backward[-1].caption == "∂L/∂Xw (700, 1) · ∂Xw/∂w: multiply by Xᵀ on the left → ∂L/∂w (2, 1)"
    assert "MmBackward0" in backward[-1].detail and "700×2 Jacobian" in backward[-1].detail


def test_big_tensors_keep_their_first_rows_and_non_finite_numbers_survive_json():
    value = TensorValue.of(torch.arange(30_000.0).view(15_000, 2))
    assert value.truncated and value.shape == (15_000, 2) and len(value.data) == KEPT_ROWS
    assert value.summary() == "(15000, 2) [0, 1, 2, …]"
    odd = TensorValue.of(torch.tensor([float("nan"), float("inf"), -float("inf")]))
    text = json.dumps(odd.to_json(), allow_nan=False)
    back = TensorValue.from_json([3], strict_json(text))
    assert back.preview() == "[nan, inf, -inf]" and back.data[1] == float("inf")


def test_trace_from_dict_works_in_a_fresh_interpreter_without_torch(traces):
    payload = json.dumps(trace_to_dict(traces["automatic"]), allow_nan=False)
    script = (
        "import json, sys\n"
        "from core.trace.graph import trace_from_dict\n"
        "from core.trace.steps import TraceSchedule\n"
        "from core.engine.layout import layout\n"
        "tg = trace_from_dict(json.loads(sys.stdin.read()))\n"
        "steps = TraceSchedule(tg)\n"
        "layout(tg)\n"
        "print(json.dumps([tg.node(tg.output)['op'], len(steps), "
        "sorted(m for m in ('torch', 'pandas') if m in sys.modules)]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], input=payload, cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    op, steps, heavy = json.loads(result.stdout)
    assert op == "MseLossBackward0" and steps == len(TraceSchedule(traces["automatic"]))
    assert heavy == []


# --- the command line ---------------------------------------------------------------------------


def run_main(capsys, *arguments):
    status = main.main(["trace", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_json_is_strict_and_follows_the_graph_schema(capsys):
    status, out, err = run_main(capsys, "automatic", "--json")
    assert status == 0 and err == ""
    payload = strict_json(out)
    nodes = {node["id"]: node for node in payload["nodes"]}
    weight = next(node for node in nodes.values() if node["label"] == "weight")
    assert weight["kind"] == "input" and weight["shape"] == [1, 2] and len(weight["grad"][0]) == 2
    assert nodes[payload["output"]]["shape"] == [] and isinstance(nodes[payload["output"]]["value"], float)
    assert all({"source", "target"} <= set(edge) for edge in payload["edges"])


def test_cli_listing_and_manual_explanation(capsys):
    status, out, err = run_main(capsys, "semi_manual")
    assert status == 0 and err == ""
    assert "before the first update" in out and "MeanBackward0" in out and "(700, 2)" in out
    status, out, err = run_main(capsys, "manual", "--activation", "none")
    assert status == 0 and err == ""
    source = (REPO / "core" / "training" / "variants.py").read_text(encoding="utf-8").splitlines()
    gradient_line = next(n for n, text in enumerate(source, 1) if "grad_w = torch.mm(self.X.t()" in text)
    assert "Manual builds no autograd graph" in out and f"Line {gradient_line}" in out
    assert "ReLU" not in out


@pytest.mark.parametrize(("arguments", "fragment"), [
    (["magic"], "unknown variant 'magic'"),
    (["automatic", "--epochs", "-1"], "epochs must be a whole number"),
    (["automatic", "--data", "no/such.csv"], "no such file"),
])
def test_cli_errors_exit_2_with_one_line(capsys, arguments, fragment):
    status, out, err = run_main(capsys, *arguments)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and fragment in err


def test_main_py_trace_runs_as_a_user_runs_it():
    completed = subprocess.run([sys.executable, "main.py", "trace", "manual", "--json"], cwd=REPO,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    payload = strict_json(completed.stdout)
    assert payload["method"] == "by hand" and payload["notes"][0].startswith("Manual builds no autograd graph")
