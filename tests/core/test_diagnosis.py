"""Diagnoses that name the cause (core.training.diagnosis), the sweep and train's new options on the command line."""

from __future__ import annotations

import argparse
import json

import pytest

torch = pytest.importorskip("torch")

from core.cli import sweep as cli_sweep, train as cli_train  # noqa: E402
from core.training import texts  # noqa: E402
from core.training.diagnosis import RunFacts, diagnose, safe_learning_rate  # noqa: E402
from core.training.request import TrainingConfig  # noqa: E402

import main  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def restore_torch_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def run(capsys, *arguments):
    try:
        status = main.main(list(arguments))
    except SystemExit as exit_:  # argparse's own usage errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def strict_json(text):
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def facts(**changes):
    base = dict(initial_loss=100.0, losses=[90.0, 80.0, 80.0], weight_sizes=[1.0, 1.1, 1.2, 1.2],
                dead_at_start=False, first_dead_epoch=2, targets_positive=True)
    return RunFacts(**{**base, **changes})


def test_lr_5_names_the_learning_rate_and_never_suggests_the_init_in_use(capsys):
    status, out, err = run(capsys, "train", "--lr", "5", "--variants", "manual,automatic",
                           "--epochs", "20")
    assert status == 0 and err == ""
    lines = [line for line in out.splitlines() if line.startswith("Status:")]
    assert len(lines) == 2
    for line in lines:
        assert "Status: dead" in line and "the learning rate 5 is above 2/λmax" in line
        assert "the loss grew from" in line and "before the units died" in line
        assert "smaller learning rate (for example 0.4;" in line
        assert "init 'shared'" not in line


def test_a_start_dead_from_epoch_0_says_so_and_suggests_what_differs():
    config = TrainingConfig(init="default")
    found = diagnose("dead", facts(dead_at_start=True, first_dead_epoch=1), config, 1.0)
    assert "already dead" in found.cause
    assert "init 'shared'" in found.advice and "another seed" in found.advice
    shared = diagnose("dead", facts(dead_at_start=True), TrainingConfig(init="shared"), 1.0)
    assert "init" not in shared.advice and "activation 'none'" in shared.advice


def test_weights_that_grew_before_dying_count_as_overshooting_even_below_the_bound():
    config = TrainingConfig(lr=0.5)
    found = diagnose("dead", facts(weight_sizes=[1.0, 4.0, 9.0, 9.0]), config, 0.99)
    assert "the weights grew from size 1 to 9 before the units died" in found.cause
    assert "below 2/λmax" in found.cause and "smaller learning rate" in found.advice
    quiet = diagnose("dead", facts(), config, 0.99)
    assert "overshot" not in quiet.cause and "another seed" in quiet.advice


def test_diverged_names_the_bound_and_a_smaller_rate_than_the_current():
    found = diagnose("diverged", facts(), TrainingConfig(lr=0.2), 0.3)
    assert "below 2/λmax = 0.3" in found.cause and "for example 0.1" in found.advice
    found = diagnose("diverged", facts(), TrainingConfig(lr=0.1), 0.3)
    assert "for example 0.01" in found.advice  # the safe rate (0.1) is not below 0.1: a tenth
    assert safe_learning_rate(0.9937) == 0.4 and safe_learning_rate(3.0) == 1.0


def test_the_relu_derivative_is_mentioned_only_when_it_is_used():
    assert "including the ReLU's derivative" in texts.describe("manual", TrainingConfig())
    for config in (TrainingConfig(activation="none"), TrainingConfig(manual_relu_derivative=False)):
        assert "including the ReLU's derivative" not in texts.describe("manual", config)
    assert "torch.optim.Adam" in texts.describe("automatic", TrainingConfig(optimizer="adam"))


@pytest.mark.parametrize("arguments", [("--manual-as-notebook",), ("--activation", "none")])
def test_train_never_claims_the_relu_derivative_when_it_is_not_used(capsys, arguments):
    status, out, _ = run(capsys, "train", "--epochs", "2", "--variants", "manual", *arguments)
    assert status == 0 and "including the ReLU's derivative" not in out


def test_sweep_json_has_the_documented_shape(capsys):
    status, out, err = run(capsys, "sweep", "--activation", "none", "--epochs", "150",
                           "--lr-from", "0.01", "--lr-to", "10", "--steps", "4", "--json")
    assert status == 0 and err == ""
    result = strict_json(out)
    assert set(result) == {"runs", "lr_stability_bound"}
    assert [set(run) for run in result["runs"]] == [{"lr", "status", "final_train_mse"}] * 4
    assert [run["lr"] for run in result["runs"]] == pytest.approx([0.01, 0.1, 1.0, 10.0])
    bound = result["lr_stability_bound"]
    assert 0.5 < bound < 1.0
    assert [run["status"] for run in result["runs"]] == ["ok", "ok", "ok", "diverged"]
    # 1.0 is just above the bound: not yet diverged after 150 epochs, but far from the optimum
    assert result["runs"][2]["final_train_mse"] > result["runs"][1]["final_train_mse"]


@pytest.mark.parametrize(("arguments", "fragment"), [
    (["sweep", "--steps", "1"], "--steps must be"),
    (["sweep", "--lr-from", "0"], "--lr-from must be a positive number"),
    (["sweep", "--lr-to", "1e300"], "--lr-to 1e+300 is beyond float32's range"),
    (["train", "--optimizer", "rmsprop"], "invalid choice"),
    (["train", "--batch-size", "0"], "the batch size must be"),
    (["train", "--momentum", "1.5"], "the momentum must be"),
])
def test_bad_options_exit_2_with_one_error_line(capsys, arguments, fragment):
    status, _, err = run(capsys, *arguments)
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1 and fragment in err


def test_train_accepts_the_update_options_and_reports_them(capsys):
    status, out, _ = run(capsys, "train", "--epochs", "2", "--variants", "manual,no_zero_grad",
                         "--optimizer", "momentum", "--momentum", "0.5", "--batch-size", "100",
                         "--shuffle-seed", "9")
    assert status == 0
    assert "optimizer momentum 0.5 · minibatches of 100, shuffle seed 9" in out
    assert "== no_zero_grad:" in out and "At step 2 the update used" in out


def test_argument_parsers_share_the_update_options():
    for module in (cli_train, cli_sweep):
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)
        args = parser.parse_args(["--optimizer", "adam", "--batch-size", "8"])
        assert args.optimizer == "adam" and args.batch_size == 8 and args.shuffle_seed == 123
