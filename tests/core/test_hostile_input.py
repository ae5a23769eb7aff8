"""Hostile input on the command line gets a specific one-line error (issue 14, items 4, 6, 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main

REPO = Path(__file__).resolve().parents[2]


def one_error(capsys, status: int) -> str:
    """The single `error:` line of a failed command (exit 2), and nothing else on stderr."""
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and err.startswith("error: "), err
    assert "internal error" not in err and "Traceback" not in err
    return err


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


ROWS = [f"{i},{(i * 7) % 5},{2 * i + 1}" for i in range(12)]


@pytest.mark.parametrize("header", ["x1, x1,x2,y", "x1,x1,x2,y"])
@pytest.mark.parametrize("command", [["train"], ["trace", "manual"]])
def test_a_duplicated_column_header_is_named(tmp_path, capsys, header, command):
    data = write_csv(tmp_path / "d.csv", header, [row + ",1" for row in ROWS])
    err = one_error(capsys, main.main([*command, "--data", str(data), "--epochs", "2"]))
    assert "names column 'x1' more than once" in err


@pytest.mark.parametrize("value", ["1e300", "-4e38"])
def test_a_value_beyond_float32_is_reported_as_such(tmp_path, capsys, value):
    data = write_csv(tmp_path / "d.csv", "x1,x2,y", ROWS[:3] + [f"{value},1,2"] + ROWS[3:])
    err = one_error(capsys, main.main(["train", "--data", str(data), "--epochs", "2"]))
    assert "row 4 (line 5)" in err and "beyond float32's range" in err and "same value" not in err


def test_a_huge_bad_cell_is_echoed_cut_short(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", "x1,x2,y", ROWS[:2] + ["z" * 200_000 + ",1,2"] + ROWS[2:])
    err = one_error(capsys, main.main(["train", "--data", str(data), "--epochs", "2"]))
    assert len(err) < 300 and "(200,000 characters)" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_data_is_refused_not_called_empty(tmp_path, capsys):
    fifo = tmp_path / "d.csv"
    os.mkfifo(fifo)
    err = one_error(capsys, main.main(["train", "--data", str(fifo), "--epochs", "2"]))
    assert "not a regular file" in err and "empty" not in err


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_proc_file_is_not_called_empty(capsys):
    err = one_error(capsys, main.main(["train", "--data", "/proc/self/status", "--epochs", "2"]))
    assert "empty" not in err


def test_a_csv_with_a_bom_is_read(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_bytes(b"\xef\xbb\xbf" + write_csv(data, "x1,x2,y", ROWS).read_bytes())
    assert main.main(["train", "--data", str(data), "--epochs", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["variants"]["manual"]["weights"]


@pytest.mark.parametrize("arguments, said", [
    (["--lr", "4e38"], "beyond float32's range"),
    (["--epochs", "99999999999"], "at most 1,000,000 epochs"),
])
def test_training_options_out_of_range(capsys, arguments, said):
    assert said in one_error(capsys, main.main(["train", *arguments]))


@pytest.mark.parametrize("argv", [["--bogus"], ["train", "--bogus"], ["graph", "--bogus", "x"]])
def test_an_unknown_option_is_one_error_line(argv):
    done = subprocess.run([sys.executable, "main.py", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith("error:")
    assert "--bogus" in done.stderr


def test_an_endless_stdin_formula_is_cut_off():
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run([sys.executable, "main.py", "graph", "-"], cwd=REPO, stdin=zeros,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("error: the formula on standard input is larger")


def test_bom_in_a_formula_is_accepted(capsys):
    assert main.main(["graph", "\ufeffx*3", "--set", "x=2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("formula", ["add + 1", "add(1, 2)"])
def test_operator_names_get_the_same_answer_used_or_called(capsys, formula):
    err = one_error(capsys, main.main(["graph", formula]))
    assert "'add' is an operator's name, not a function: write a + b" in err


def test_many_missing_inputs_list_a_few_and_the_count(capsys):
    formula = " + ".join(f"v{i}" for i in range(668))
    err = one_error(capsys, main.main(["graph", formula]))
    assert "v0, v1, v2, v3, v4 and 663 more (668 inputs)" in err and "v5," not in err


def test_collinear_features_get_the_minimum_norm_optimum(tmp_path, capsys):
    """x2 = x1: the closed form's MSE is no worse than training's, and the report says why."""
    rng = np.random.default_rng(5)
    x1 = rng.normal(size=120)
    y = 3 * x1 + 5 + rng.normal(scale=0.1, size=120)
    data = write_csv(tmp_path / "c.csv", "x1,x2,y", [f"{a!r},{a!r},{b!r}" for a, b in zip(x1.tolist(), y.tolist())])
    assert main.main(["train", "--data", str(data), "--epochs", "300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    reference = result["closed_form"]
    best_trained = min(v["train_mse"] for v in result["variants"].values())
    assert reference["collinear"] is True and reference["rank"] == 2
    assert reference["train_mse"] <= best_trained * (1 + 1e-4)
    assert reference["weights"][0] == pytest.approx(reference["weights"][1])  # minimum norm: equal split
    assert main.main(["train", "--data", str(data), "--epochs", "3"]) == 0
    assert "note: the features are collinear (the design matrix has rank 2 of 3)" in capsys.readouterr().out


def test_independent_features_are_not_called_collinear(capsys):
    assert main.main(["train", "--epochs", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["closed_form"]["collinear"] is False


def test_a_huge_set_value_is_echoed_cut_short(capsys):
    err = one_error(capsys, main.main(["graph", "x*2", "--set", "x=" + "z" * 100_000]))
    assert len(err) < 300 and "(100,002 characters)" in err and "is not a number" in err
