"""`python main.py train`: the report, strict JSON, and one-line errors with exit status 2."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from core.cli import train as cli_train

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def restore_torch_threads():
    """cli_train.run pins torch to one thread; give other tests back what they had."""
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, which strict JSON does not have."""
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def main_py(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "train", *arguments],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )


def run_in_process(capsys, *arguments: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    cli_train.add_arguments(parser)
    status = cli_train.run(parser.parse_args(list(arguments)))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- through main.py, as a user runs it (each start pays torch's import, so only three) ---------


def test_json_output_is_strict_and_has_the_documented_shape():
    completed = main_py("--json", "--epochs", "30", "--variants", "manual,automatic")
    assert completed.returncode == 0, completed.stderr
    result = strict_json(completed.stdout)
    assert set(result) == {"variants", "closed_form", "hessian_max_eigenvalue", "lr_stability_bound"}
    assert result["lr_stability_bound"] == 2 / result["hessian_max_eigenvalue"]
    assert list(result["variants"]) == ["manual", "automatic"]
    for outcome in result["variants"].values():
        assert set(outcome) == {"status", "train_mse", "test_mse", "weights", "bias",
                                "active_fraction", "history", "path"}
        assert outcome["status"] == "ok" and 0 < outcome["active_fraction"] <= 1
        assert len(outcome["history"]) == 30 and len(outcome["weights"]) == 2
        assert outcome["train_mse"] == outcome["history"][-1]
        assert len(outcome["path"]) == 31  # the start, then one point per epoch
        assert outcome["path"][-1] == [*outcome["weights"], outcome["bias"]]
    assert set(result["closed_form"]) == {"train_mse", "weights", "bias", "collinear", "rank"}
    assert result["closed_form"]["train_mse"] < result["variants"]["manual"]["train_mse"]


def test_non_finite_numbers_become_strings_and_divergence_is_a_result():
    completed = main_py("--json", "--activation", "none", "--lr", "1e20", "--variants", "manual")
    assert completed.returncode == 0, completed.stderr
    manual = strict_json(completed.stdout)["variants"]["manual"]
    assert manual["status"] == "diverged"
    assert manual["history"] == ["inf"] and manual["train_mse"] == "inf"


def test_bad_data_is_one_error_line_naming_file_column_and_row(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text(",x1,x2,y\n0,1,2,3\n1,4,five,6\n2,7,8,9\n", encoding="utf-8")
    completed = main_py("--data", str(path))
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
    assert completed.stderr.startswith("error: prices.csv: column 'x2', row 2 (line 3)")
    assert "'five'" in completed.stderr


# --- in process: the same run() that main.py calls ----------------------------------------------


def test_text_report_reads_like_the_notebook(capsys):
    status, out, err = run_in_process(capsys, "--variants", "manual,sequential")
    assert status == 0 and err == ""
    epochs = re.findall(r"^Epoch: (\d{3}) \| MSE: \d+\.\d{5}$", out, flags=re.MULTILINE)
    expected = ["001", "002", "003"] + [f"{e:03d}" for e in range(10, 101, 10)]
    assert epochs == expected * 2
    assert len(re.findall(r"^Train MSE: \d+\.\d{5}$", out, flags=re.MULTILINE)) == 2
    assert len(re.findall(r"^Test MSE: \d+\.\d{5}$", out, flags=re.MULTILINE)) == 2
    assert len(re.findall(r"^Weights: -?\d+\.\d{4}, -?\d+\.\d{4}$", out, flags=re.MULTILINE)) == 2
    assert "== manual: gradients and the update written by hand, including the ReLU's derivative" in out
    assert out.count("Status: ok: trained 100 epochs") == 2
    table = out.rstrip().splitlines()[-4:]
    assert table[0].split()[:4] == ["variant", "status", "train", "MSE"]
    assert [row.split()[:2] for row in table[1:]] == [
        ["manual", "ok"], ["sequential", "ok"], ["closed", "form"]
    ]


def test_report_numbers_are_the_engines(capsys):
    status, out, _ = run_in_process(capsys, "--json", "--variants", "semi_manual", "--epochs", "7")
    semi = strict_json(out)["variants"]["semi_manual"]
    status, out, _ = run_in_process(capsys, "--variants", "semi_manual", "--epochs", "7")
    assert f"Train MSE: {semi['train_mse']:.5f}" in out
    assert f"Epoch: 007 | MSE: {semi['history'][-1]:.5f}" in out
    assert f"Bias: {semi['bias']:.4f}" in out


def test_dead_units_are_a_result_with_an_explanation(capsys):
    status, out, err = run_in_process(capsys, "--lr", "5", "--variants", "manual")
    assert status == 0 and err == ""
    assert "Status: dead: no ReLU unit is active" in out


def test_default_data_is_the_bundled_dataset():
    assert cli_train.BUNDLED_DATA == REPO / "data" / "linreg-data.csv"
    assert cli_train.BUNDLED_DATA.is_file()


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--variants", "manual,magic"], "unknown variant 'magic'"),
        (["--variants", "manual,"], "bad variant list"),
        (["--features", "x1,,x2"], "bad feature column list"),
        (["--features", "x1,x9"], "no column 'x9' (available columns: x1, x2, y)"),
        (["--target", "x1"], "column 'x1' cannot be both a feature and the target"),
        (["--lr", "0"], "learning rate must be a positive number"),
        (["--lr", "-0.1"], "learning rate must be a positive number"),
        (["--test-fraction", "1"], "test fraction must be between 0 and 1"),
        (["--test-fraction", "-0.2"], "test fraction must be between 0 and 1"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--seed", "-3"], "seed must be a whole number"),
        (["--data", "no/such/file.csv"], "no/such/file.csv: no such file"),
    ],
)
def test_bad_options_exit_2_with_one_error_line(capsys, arguments, fragment):
    status, out, err = run_in_process(capsys, *arguments)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert fragment in err
