"""The training engine (core.training.run): the seed notebook reproduced, lockstep records, statuses."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from core.training.data import load_prepared  # noqa: E402
from core.training.registry import default_names as variant_names  # noqa: E402
from core.training.run import (  # noqa: E402
    EpochRecord,
    TrainingConfig,
    TrainingRun,
    closed_form,
    train,
)
from core.training.variants import Manual  # noqa: E402

VARIANT_NAMES = variant_names()

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "linreg-data.csv"
COURSE_DATA = Path(__file__).resolve().parents[2].parent / "shared/reference/linreg-data.csv"
needs_course_data = pytest.mark.skipif(
    not COURSE_DATA.exists(),
    reason=f"the course dataset is not at {COURSE_DATA}; it is never copied into the repository, "
    "so the tests that reproduce the seed notebook's printed numbers cannot run here",
)

# What the seed notebook printed (course data, shift 144, seed 123, lr 0.05, 100 epochs).
NOTEBOOK_MANUAL = {"train": "371.61038", "test": "406.87973", "weights": ["0.3623", "37.8791"],
                   "bias": "143.4497"}
NOTEBOOK_SEMI_MANUAL = {"train": "371.61032", "test": "406.87982", "weights": ["0.3623", "37.8791"],
                        "bias": "143.4498"}
NOTEBOOK_AUTOMATIC_FIRST_EPOCHS = ["18315.29297", "14911.81543", "12149.74121", "9912.19141"]
NOTEBOOK_AUTOMATIC_PARAMETERS = {"weights": ["0.3622", "37.8791"], "bias": "143.4497"}
NOTEBOOK_MANUAL_EPOCHS_83_TO_100 = (
    "371.61090 371.61084 371.61069 371.61066 371.61057 371.61050 371.61050 371.61050 371.61047 "
    "371.61041 371.61044 371.61041 371.61038 371.61038 371.61038 371.61038 371.61032 371.61038"
).split()
NOTEBOOK_SEMI_MANUAL_EPOCHS_83_TO_100 = (
    "371.61090 371.61081 371.61069 371.61063 371.61057 371.61053 371.61050 371.61044 371.61044 "
    "371.61044 371.61041 371.61044 371.61041 371.61038 371.61038 371.61038 371.61041 371.61032"
).split()


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Tiny tensors: one thread is faster and does not fight other processes for the cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def course():
    if not COURSE_DATA.exists():
        pytest.skip(needs_course_data.kwargs["reason"])
    return load_prepared(COURSE_DATA)


@pytest.fixture(scope="module")
def bundled():
    return load_prepared(BUNDLED)


def assert_prints_as(value: float, printed: str) -> None:
    """`value` is the float32 the notebook printed as `printed`, give or take its last bit.

    Near 400 one float32 step is 3.05e-5, and BLAS kernels (AVX2 or AVX-512, one thread or two)
    sum in different orders, so the same computation can land one step away; single epoch
    lines wander further. The digit-for-digit check is test_notebook_digits_exactly_with_avx2_mkl.
    """
    tolerance = float(np.spacing(np.float32(printed))) + 0.5 * 10.0 ** -len(printed.split(".")[1])
    assert abs(value - float(printed)) <= tolerance, f"{value!r} does not print as {printed}"


def start_active_fraction(prepared, outcome) -> float:
    """Share of training rows with net input > 0 at a variant's starting values."""
    weights = torch.tensor(outcome.initial_weights).view(-1, 1)
    net = prepared.X_train @ weights + outcome.initial_bias
    return float((net > 0).float().mean())


# --- the seed notebook, reproduced ---------------------------------------------------------------


def test_manual_variant_reproduces_the_seed_notebook(course):
    config = TrainingConfig(variants=("manual",), manual_relu_derivative=False)
    manual = train(course, config).variants["manual"]
    assert manual.status == "ok" and len(manual.history) == 100
    assert_prints_as(manual.train_mse, NOTEBOOK_MANUAL["train"])
    assert_prints_as(manual.test_mse, NOTEBOOK_MANUAL["test"])
    assert [f"{w:.4f}" for w in manual.weights] == NOTEBOOK_MANUAL["weights"]
    assert f"{manual.bias:.4f}" == NOTEBOOK_MANUAL["bias"]


AVX2_SCRIPT = """
import json, torch
from core.training.data import load_prepared
from core.training.run import TrainingConfig, train
config = TrainingConfig(init="notebook", variants=("manual", "semi_manual"),
                        manual_relu_derivative=False)
result = train(load_prepared({path!r}), config)
print(json.dumps({{name: {{"train": "%.5f" % v.train_mse, "test": "%.5f" % v.test_mse,
                          "weights": ["%.4f" % w for w in v.weights], "bias": "%.4f" % v.bias,
                          "epochs": ["%.5f" % h for h in v.history[82:]]}}
                  for name, v in result.variants.items()}}))
"""


def avx2_mkl_available() -> bool:
    if platform.machine() not in ("x86_64", "AMD64") or not torch.backends.mkl.is_available():
        return False
    try:
        return " avx2" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


@needs_course_data
@pytest.mark.skipif(not avx2_mkl_available(), reason="needs x86-64, AVX2 and torch built on MKL")
def test_notebook_digits_exactly_with_avx2_mkl():
    """Pinned to MKL's AVX2 kernels (as on the machine the notebook ran on), every digit agrees."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "MKL_ENABLE_INSTRUCTIONS": "AVX2"}
    completed = subprocess.run(
        [sys.executable, "-c", AVX2_SCRIPT.format(path=str(COURSE_DATA))],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    runs = json.loads(completed.stdout)
    for name, printed, epochs in (
        ("manual", NOTEBOOK_MANUAL, NOTEBOOK_MANUAL_EPOCHS_83_TO_100),
        ("semi_manual", NOTEBOOK_SEMI_MANUAL, NOTEBOOK_SEMI_MANUAL_EPOCHS_83_TO_100),
    ):
        run = runs[name]
        assert {key: run[key] for key in printed} == printed, name
        assert run["epochs"] == epochs, name


def test_all_four_agree_epoch_by_epoch_from_the_shared_start(course):
    result = train(course)
    manual = result.variants["manual"]
    assert manual.initial_weights == [float(w) for w in manual.initial_weights]
    for name in VARIANT_NAMES:
        outcome = result.variants[name]
        assert outcome.status == "ok"
        assert (outcome.initial_weights, outcome.initial_bias) == (
            manual.initial_weights, manual.initial_bias
        )
        assert outcome.history == pytest.approx(manual.history, rel=1e-5)
        assert outcome.weights == pytest.approx(manual.weights, rel=1e-5)
        assert outcome.bias == pytest.approx(manual.bias, rel=1e-6)
        assert outcome.test_mse == pytest.approx(manual.test_mse, rel=1e-6)


def test_the_notebooks_missing_relu_derivative_changes_its_numbers(course):
    """A third of the units start inactive; the notebook's first step treats them as linear."""
    with_derivative = train(course, TrainingConfig(variants=("manual",))).variants["manual"]
    as_notebook = train(
        course, TrainingConfig(variants=("manual",), manual_relu_derivative=False)
    ).variants["manual"]
    assert 0.2 < start_active_fraction(course, as_notebook) < 0.8
    assert with_derivative.history[0] != pytest.approx(as_notebook.history[0], rel=0.01)
    # ...then both sit in the same valley: equal to 3e-4, not to the 4 printed decimals.
    assert with_derivative.bias == pytest.approx(as_notebook.bias, abs=3e-4)
    assert f"{with_derivative.bias:.4f}" != NOTEBOOK_MANUAL["bias"]


def test_notebook_init_draws_in_the_notebooks_order_and_replays_its_runs(course):
    result = train(course, TrainingConfig(init="notebook", manual_relu_derivative=False))
    shared = train(course, TrainingConfig(variants=("manual",))).variants["manual"]
    manual, semi = result.variants["manual"], result.variants["semi_manual"]
    automatic, sequential = result.variants["automatic"], result.variants["sequential"]

    # manual draws first, exactly the shared start; semi_manual draws the next values
    assert (manual.initial_weights, manual.initial_bias) == (
        shared.initial_weights, shared.initial_bias
    )
    assert semi.initial_weights != manual.initial_weights
    assert_prints_as(semi.train_mse, NOTEBOOK_SEMI_MANUAL["train"])
    assert_prints_as(semi.test_mse, NOTEBOOK_SEMI_MANUAL["test"])
    assert [f"{w:.4f}" for w in semi.weights] == NOTEBOOK_SEMI_MANUAL["weights"]
    assert f"{semi.bias:.4f}" == NOTEBOOK_SEMI_MANUAL["bias"]

    # nn.Linear's init after those four draws is alive, and replays the notebook's automatic run
    assert [f"{h:.5f}" for h in automatic.history[:4]] == NOTEBOOK_AUTOMATIC_FIRST_EPOCHS
    assert [f"{w:.4f}" for w in automatic.weights] == NOTEBOOK_AUTOMATIC_PARAMETERS["weights"]
    assert f"{automatic.bias:.4f}" == NOTEBOOK_AUTOMATIC_PARAMETERS["bias"]

    # So, drawn in turn, neither module variant starts dead with seed 123.
    for outcome in (automatic, sequential):
        assert start_active_fraction(course, outcome) > 0
        assert outcome.status == "ok"
    assert len({tuple(o.initial_weights) for o in result.variants.values()}) == 4


def test_default_init_shows_the_dead_start_of_nn_linear_right_after_the_split(course):
    result = train(course, TrainingConfig(init="default"))
    stuck_at = torch.mean(course.y_train**2).item()  # every prediction 0: the MSE is mean(y²)
    for name in ("automatic", "sequential"):
        outcome = result.variants[name]
        assert start_active_fraction(course, outcome) == 0
        assert outcome.status == "dead"
        assert outcome.history == [stuck_at] * 100
        assert (outcome.weights, outcome.bias) == (outcome.initial_weights, outcome.initial_bias)
    automatic, sequential = result.variants["automatic"], result.variants["sequential"]
    assert automatic.initial_weights == sequential.initial_weights
    assert result.variants["manual"].status == result.variants["semi_manual"].status == "ok"


def test_notebook_init_start_does_not_depend_on_which_variants_run(bundled):
    alone = train(bundled, TrainingConfig(init="notebook", variants=("sequential",)))
    together = train(bundled, TrainingConfig(init="notebook"))
    assert alone.variants["sequential"].history == together.variants["sequential"].history


# --- statuses -------------------------------------------------------------------------------------


def run_all(prepared, **options):
    return train(prepared, TrainingConfig(**options)).variants


def test_defaults_are_ok_and_close_to_the_least_squares_optimum(bundled):
    result = train(bundled)
    optimum = result.closed_form.train_mse
    for outcome in result.variants.values():
        assert outcome.status == "ok" and outcome.detail.startswith("ok: trained 100 epochs")
        assert outcome.active_fraction == 1.0
        assert optimum <= outcome.train_mse < optimum * (1 + 1e-5)


def test_without_relu_lr_5_diverges_and_training_stops(bundled):
    for outcome in run_all(bundled, activation="none", lr=5.0).values():
        assert outcome.status == "diverged"
        assert outcome.epochs_run == len(outcome.history) < 100
        assert outcome.history[-1] > 1000 * outcome.history[0]
        assert max(outcome.history[:-1]) <= 1000 * outcome.history[0]
        assert "past 1000× its first value" in outcome.detail
        assert outcome.active_fraction is None


def test_without_relu_lr_5_would_overflow_if_left_running(bundled):
    manual = Manual(bundled.X_train, bundled.y_train, 5.0, "none", torch.rand(2, 1), torch.rand(1))
    for _ in range(100):
        manual.step()
    with torch.no_grad():
        loss = torch.mean((manual.predict(bundled.X_train) - bundled.y_train) ** 2).item()
    assert not math.isfinite(loss)


def test_without_relu_lr_1_1_diverges(bundled):
    for outcome in run_all(bundled, activation="none", lr=1.1).values():
        assert outcome.status == "diverged" and 10 < outcome.epochs_run < 100


def test_without_relu_lr_1_1_would_explode_to_about_1e20(bundled):
    manual = Manual(bundled.X_train, bundled.y_train, 1.1, "none", torch.rand(2, 1), torch.rand(1))
    for _ in range(100):
        manual.step()
    with torch.no_grad():
        loss = torch.mean((manual.predict(bundled.X_train) - bundled.y_train) ** 2).item()
    assert 1e19 < loss < 1e22


def test_a_loss_that_overflows_at_once_is_diverged_as_non_finite(bundled):
    for outcome in run_all(bundled, activation="none", lr=1e20).values():
        assert outcome.status == "diverged" and outcome.epochs_run == 1
        assert math.isinf(outcome.history[0]) and "became inf at epoch 1" in outcome.detail


def test_with_relu_lr_5_kills_every_unit(bundled):
    for outcome in run_all(bundled, lr=5.0).values():
        assert outcome.status == "dead" and outcome.epochs_run == 100
        assert outcome.active_fraction == 0.0
        # the diagnosis names the learning rate against the bound, and advises a smaller one
        assert "the learning rate 5 is above 2/λmax" in outcome.detail
        assert "overshot" in outcome.detail and "smaller learning rate" in outcome.advice
        assert "init" not in outcome.advice  # init is already shared: never suggested again
        assert outcome.history[-1] == outcome.history[-2]  # nothing moves any more


def test_targets_shifted_below_zero_leave_the_relu_dead(bundled):
    shifted = load_prepared(BUNDLED, shift=-1000.0)
    for outcome in run_all(shifted).values():
        assert outcome.status == "dead"
        assert "every target is ≤ 0" in outcome.detail and "activation 'none'" in outcome.advice


# --- the loop: records, lockstep, stop, pace ------------------------------------------------------


def test_records_come_in_lockstep_and_are_plain_data(bundled):
    run = TrainingRun(bundled, TrainingConfig(epochs=5))
    batches = list(run.epochs())
    assert [[r.epoch for r in batch] for batch in batches] == [[e] * 4 for e in range(1, 6)]
    assert [r.variant for r in batches[0]] == list(VARIANT_NAMES)
    for record in (r for batch in batches for r in batch):
        assert isinstance(record, EpochRecord)
        fields = dataclasses.asdict(record)
        assert json.loads(json.dumps(fields)) == fields  # plain floats, ints, strings, lists
        assert type(record.train_mse) is float and type(record.bias) is float
    final = run.result().variants["automatic"]
    assert final.history == [b[2].train_mse for b in batches]
    assert final.weights == batches[-1][2].weights


def test_recorded_loss_is_the_loss_after_the_update(bundled):
    run = TrainingRun(bundled, TrainingConfig(epochs=1, variants=("manual",)))
    before = run.variants["manual"].weights
    [record] = next(run.epochs())
    assert record.weights != before
    with torch.no_grad():
        after = torch.mean((run.variants["manual"].predict(bundled.X_train) - bundled.y_train) ** 2)
    assert record.train_mse == after.item()


def test_stop_request_ends_training_early(bundled):
    epochs_seen = []
    result = train(
        bundled,
        should_stop=lambda: len(epochs_seen) >= 5,
        on_epoch=lambda batch: epochs_seen.append(batch[0].epoch),
    )
    assert result.stopped_early and epochs_seen == [1, 2, 3, 4, 5]
    assert all(outcome.epochs_run == 5 for outcome in result.variants.values())


def test_pace_spreads_epochs_out(bundled):
    config = TrainingConfig(epochs=6, variants=("manual",))
    started = time.perf_counter()
    train(bundled, config, pace=100.0)  # 5 gaps of 10 ms
    assert time.perf_counter() - started >= 0.05


def test_pace_zero_pauses_until_stopped(bundled):
    deadline = time.monotonic() + 0.15
    result = train(
        bundled, TrainingConfig(variants=("manual",)),
        pace=lambda: 0.0, should_stop=lambda: time.monotonic() > deadline,
    )
    assert result.stopped_early and result.variants["manual"].epochs_run == 0


# --- the closed-form reference, configuration, imports -------------------------------------------


def test_closed_form_is_the_float64_least_squares_solution(bundled):
    reference = closed_form(bundled)
    X = np.column_stack([bundled.X_train.double().numpy(), np.ones(len(bundled.y_train))])
    y = bundled.y_train.double().numpy()
    solution = np.linalg.lstsq(X, y, rcond=None)[0]
    assert reference.weights == pytest.approx(solution[:-1].tolist(), rel=1e-10)
    assert reference.bias == pytest.approx(solution[-1], rel=1e-10)
    assert reference.train_mse == pytest.approx(np.mean((X @ solution - y) ** 2), rel=1e-10)
    X_test = np.column_stack([bundled.X_test.double().numpy(), np.ones(len(bundled.y_test))])
    test_mse = np.mean((X_test @ solution - bundled.y_test.double().numpy()) ** 2)
    assert reference.test_mse == pytest.approx(test_mse, rel=1e-10)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"lr": 0.0}, "learning rate must be a positive number"),
        ({"lr": float("inf")}, "learning rate must be a positive number"),
        ({"epochs": -1}, "number of epochs"),
        ({"epochs": 2.5}, "number of epochs"),
        ({"activation": "tanh"}, "unknown activation 'tanh'"),
        ({"init": "zeros"}, "unknown init 'zeros'"),
        ({"variants": ()}, "at least one variant"),
        ({"variants": ("manual", "magic")}, "unknown variant 'magic'"),
    ],
)
def test_bad_configuration_is_refused(options, fragment):
    with pytest.raises(ValueError, match=fragment):
        TrainingConfig(**options)


def test_chosen_variants_keep_their_order_without_repeats(bundled):
    config = TrainingConfig(epochs=2, variants=("sequential", "manual", "sequential"))
    assert config.variants == ("sequential", "manual")
    assert list(train(bundled, config).variants) == ["sequential", "manual"]


def test_importing_the_engine_loads_neither_torch_nor_pandas():
    code = (
        "import sys, core.training.data, core.training.run, core.cli.train\n"
        "print(sorted(m for m in ('torch', 'pandas') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
