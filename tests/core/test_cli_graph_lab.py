"""`graph … --json --fd-step H --hessian --forward-mode NAME`: the contract, checked against torch."""

import json

import pytest
import torch

import main

from .torch_reference import jvp, same_number


def run_json(capsys, *args):
    assert main.main(["graph", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def torch_inputs(**values):
    return {n: torch.tensor(v, dtype=torch.float64) for n, v in values.items()}


def test_fd_grad_on_every_input_node_and_nowhere_else(capsys):
    data = run_json(capsys, "sin(x) * y", "--set", "x=0.5", "y=2", "--fd-step", "1e-3")
    by_label = {n["label"]: n for n in data["nodes"]}
    x, y, h = torch_inputs(x=0.5, y=2.0)["x"], 2.0, 1e-3
    want = ((torch.sin(x + h) * y - torch.sin(x - h) * y) / (2 * h)).item()
    assert same_number(by_label["x"]["fd_grad"], want)
    assert same_number(by_label["y"]["fd_grad"], torch.sin(x).item())
    assert [n["id"] for n in data["nodes"] if "fd_grad" in n] == [by_label["x"]["id"], by_label["y"]["id"]]
    assert "hessian" not in data and all("tangent" not in n for n in data["nodes"])


def test_hessian_equals_torch_at_a_kink(capsys):
    data = run_json(capsys, "relu(x*y - 1) * x + abs(y) * y", "--set", "x=1", "y=1", "--hessian")
    x, y = torch_inputs(x=1.0, y=1.0).values()
    table = torch.autograd.functional.hessian(
        lambda a, b: torch.relu(a * b - 1) * a + torch.abs(b) * b, (x, y))
    want = {"x": {"x": table[0][0].item(), "y": table[0][1].item()},
            "y": {"x": table[1][0].item(), "y": table[1][1].item()}}
    assert data["hessian"] == want


def test_tangent_on_every_node_equals_jvp(capsys):
    data = run_json(capsys, "u = w*x; a = relu(u + b)", "--set", "x=3", "w=2", "b=1", "--forward-mode", "w")
    assert [n["tangent"] for n in data["nodes"]] == [1.0, 0.0, 3.0, 0.0, 3.0, 3.0]  # w x u b v a
    want = jvp(lambda env: torch.relu(env["w"] * env["x"] + env["b"]), {"x": 3.0, "w": 2.0, "b": 1.0}, "w")
    output = next(n for n in data["nodes"] if n["id"] == data["output"])
    assert output["tangent"] == want.item() == 3.0
    by_label = {n["label"]: n["tangent"] for n in data["nodes"] if n["kind"] == "input"}
    assert by_label == {"w": 1.0, "x": 0.0, "b": 0.0}


def test_text_report_gains_one_section_per_option(capsys):
    assert main.main(["graph", "--preset", "lecture", "--fd-step", "1e-6", "--hessian", "--forward-mode", "x"]) == 0
    out = capsys.readouterr().out
    assert "Finite differences with h = 1e-6:" in out
    assert "∂²a/∂w∂x = 1" in out
    assert "Forward mode gives one input's derivative per pass" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--fd-step", "0"], "error: --fd-step 0: the step must be a positive number, like 1e-6"),
        (["--fd-step=-1e-3"], "error: --fd-step -1e-3: the step must be a positive number"),
        (["--fd-step", "nan"], "error: --fd-step nan: the step must be a positive number"),
        (["--fd-step", "small"], "error: --fd-step small: 'small' is not a number"),
        (["--forward-mode", "z"], "error: --forward-mode z: the formula has no input named 'z' (its inputs: x, y)"),
    ],
)
def test_bad_lab_options_exit_2_with_one_line(args, message, capsys):
    assert main.main(["graph", "x*y", "--set", "x=1", "y=2", "--json", *args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == ""


@pytest.mark.parametrize("x", ["nan", "inf"])
def test_hessian_with_a_non_finite_input_still_equals_torch(x, capsys):
    data = run_json(capsys, "x*x*y + exp(y)", "--set", f"x={x}", "y=2", "--hessian")
    a, b = torch.tensor(float(x), dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64)
    table = torch.autograd.functional.hessian(lambda p, q: p * p * q + torch.exp(q), (a, b))
    for i, row in enumerate("xy"):
        for j, column in enumerate("xy"):
            mine = data["hessian"][row][column]
            assert same_number(float(mine), table[i][j].item()), (row, column, mine)
