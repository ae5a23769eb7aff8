"""`python main.py graph` as a user runs it: table, strict JSON, and one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from core.engine.graph import build_graph

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "main.py", "graph", *args], cwd=ROOT, capture_output=True, text=True,
        input=stdin, timeout=60,
    )


def test_json_for_the_lecture_figure_is_strict_and_complete():
    result = run_cli("relu(w*x + b)", "--set", "x=3", "w=2", "--set", "b=1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    by_label = {n["label"]: n for n in data["nodes"] if n["kind"] == "input"}
    assert {k: (v["value"], v["grad"]) for k, v in by_label.items()} == {
        "w": (2.0, 3.0), "x": (3.0, 2.0), "b": (1.0, 1.0)
    }
    output = next(n for n in data["nodes"] if n["id"] == data["output"])
    assert (output["op"], output["value"], output["grad"]) == ("relu", 7.0, 1.0)
    assert {(e["source"], e["target"]): e["local_grad"] for e in data["edges"]} == {
        (0, 2): 3.0, (1, 2): 2.0, (2, 4): 1.0, (3, 4): 1.0, (4, 5): 1.0
    }
    assert all("name" not in n for n in data["nodes"])  # a formula names no intermediates


def test_json_names_assigned_intermediates_and_spells_non_finite_numbers(capsys):
    assert main.main(["graph", "u = 1/x; a = u*y", "--set", "x=0", "y=0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = {n["name"]: n for n in data["nodes"] if "name" in n}
    assert names["u"]["value"] == "inf" and names["a"]["value"] == "nan"
    assert {n["kind"] for n in data["nodes"]} == {"input", "const", "op"}
    const = next(n for n in data["nodes"] if n["kind"] == "const")
    assert const["label"] == "1" and const["grad"] is None


def test_json_matches_the_engine_for_a_program_with_reuse(capsys):
    source = "b = a + a; c = b + b"
    assert main.main(["graph", source, "--set", "a=1.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cg = build_graph(source).evaluate({"a": 1.5})
    assert [(n["value"], n["grad"]) for n in data["nodes"]] == [(cg.value(n), cg.grad(n)) for n in cg.nodes]
    assert len(data["edges"]) == 4


def test_readable_table_with_chain_rule_per_input(capsys):
    assert main.main(["graph", "--preset", "lecture"]) == 0
    out = capsys.readouterr().out
    assert "u = w·x      mul    6      1" in out
    assert "∂a/∂w = ∂a/∂v · ∂v/∂u · ∂u/∂w = 1 · 1 · 3 = 3" in out
    assert "∂a/∂b = ∂a/∂v · ∂v/∂b = 1 · 1 = 1" in out


def test_source_from_standard_input():
    result = run_cli("-", "--set", "x=2", stdin="y = x**3\n")
    assert result.returncode == 0, result.stderr
    assert "  ∂y/∂x = 12 (one edge: just the local derivative)" in result.stdout.splitlines()


@pytest.mark.parametrize(
    "args, message",
    [
        (["foo(x)", "--set", "x=1"], "error: line 1, column 1: unknown function 'foo'"),
        (["relu(w*x)", "--set", "x=1"], "error: no value for input w: give one with --set w=VALUE"),
        (["x = 3\ny = x +* 2"], "error: line 2, column 8: this is not a valid formula here"),
        (["x*2", "--set", "z=1"], "error: --set z=1: the formula has no input named 'z' (its inputs: x)"),
        (["x*2", "--set", "x=abc"], "error: --set x=abc: 'abc' is not a number"),
        (["x*2", "--set", "x"], "error: --set expects NAME=VALUE, got 'x'"),
        ([], "error: no formula given"),
        (["x", "--export", "graph.bmp", "--set", "x=1"],
         "error: --export graph.bmp: the file name must end in .svg, .png, .pdf, .gif or .mp4"),
        (["x", "--export", "g.gif", "--size", "100x100"], "error: --size 100x100 is out of range: from 320x180"),
        (["x", "--export", "g.gif", "--size", "big"], "error: --size big: write the frame size as WIDTHxHEIGHT"),
        (["x", "--export", "g.gif", "--theme", "neon"], "error: argument --theme: invalid choice: 'neon'"),
        (["x", "--export", "/no/such/folder/g.pdf", "--set", "x=1"],
         "error: cannot write '/no/such/folder/g.pdf': the folder '/no/such/folder' does not exist"),
        (["x", "--bogus"], "error: unrecognized arguments: --bogus"),
    ],
)
def test_errors_exit_2_with_one_line(args, message, capsys):
    with pytest.raises(SystemExit) if "--bogus" in args or "neon" in args else _no_raise():
        status = main.main(["graph", *args])
        assert status == 2
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert err.count("\n") == 1 and "Traceback" not in err


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_hostile_inputs_answer_at_once_from_the_real_command():
    result = run_cli("9**9**9**9", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert next(n for n in data["nodes"] if n["id"] == data["output"])["value"] == "inf"
    result = run_cli("+".join(["x"] * 3000), "--set", "x=1")
    assert result.returncode == 0 and "Output: f = 3000" in result.stdout
    result = run_cli("--", "-" * 15000 + "x")
    assert result.returncode == 2
    assert result.stderr == "error: line 1, column 1: the formula is nested too deeply to read\n"


def test_table_labels_keep_their_brackets(capsys):
    assert main.main(["graph", "relu(x - 1) + (x - 1)**2", "--set", "x=3"]) == 0
    rows = [line.split("  ")[0] for line in capsys.readouterr().out.splitlines()]
    assert "relu(x - 1)" in rows and "(x - 1)^2" in rows


def test_a_formula_starting_with_minus_goes_after_double_dash_with_options_after_it(capsys):
    assert main.main(["graph", "--", "-x*y", "--set", "x=1", "y=2"]) == 0
    assert "Output: f = -2" in capsys.readouterr().out
    assert main.main(["graph", "x", "--", "y"]) == 2
    assert capsys.readouterr().err == "error: two formulas given: 'x' and 'y'\n"


def test_an_unknown_command_is_named_with_the_list(capsys):
    assert main.main(["bogus"]) == 2
    assert capsys.readouterr().err == (
        "error: unknown command 'bogus' (commands: graph, train, trace; "
        "or a session file SESSION.json to open it; see --help)\n"
    )


def test_a_misspelt_input_suggests_the_nearest(capsys):
    assert main.main(["graph", "x*y", "--set", "X=1"]) == 2
    assert capsys.readouterr().err == (
        "error: --set X=1: the formula has no input named 'X': did you mean x? (its inputs: x, y)\n"
    )


def test_json_edges_say_where_torch_blocks(capsys):
    assert main.main(["graph", "relu(x)*y", "--set", "x=-1", "y=2", "--json"]) == 0
    edges = json.loads(capsys.readouterr().out)["edges"]
    assert [e["blocked"] for e in edges] == [True, False, False]  # x→relu, relu→mul, y→mul
