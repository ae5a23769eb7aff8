"""The loss landscape, the stability bound and the learning-rate sweep (core.training.landscape, sweep)."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from core.training import landscape  # noqa: E402
from core.training.request import RequestError, TrainingConfig  # noqa: E402
from core.training.run import closed_form, train  # noqa: E402
from core.training.sweep import learning_rates, sweep  # noqa: E402


@pytest.fixture(scope="module")
def bundled(prepared_bundled):
    return prepared_bundled


def design(prepared):
    X = prepared.X_train.double().numpy()
    return np.hstack([X, np.ones((len(X), 1))]), prepared.y_train.double().numpy()


def test_the_stability_bound_is_two_over_numpys_largest_eigenvalue(bundled):
    A, _ = design(bundled)
    largest = np.linalg.eigvalsh(2 / len(A) * A.T @ A)[-1]
    assert landscape.hessian_max_eigenvalue(bundled) == pytest.approx(largest, rel=1e-12)
    assert landscape.stability_bound(bundled) == pytest.approx(2 / largest, rel=1e-12)
    result = train(bundled, TrainingConfig(epochs=1, variants=("manual",)))
    assert result.lr_stability_bound == pytest.approx(2 / largest, rel=1e-12)


def test_rates_above_the_bound_diverge_and_well_below_converge(bundled):
    bound = landscape.stability_bound(bundled)
    optimum = closed_form(bundled).train_mse
    for factor in (1.3, 2.0):
        result = train(bundled, TrainingConfig(epochs=300, lr=bound * factor, activation="none",
                                               variants=("manual",)))
        assert result.variants["manual"].status == "diverged", factor
    for factor in (0.2, 0.5):
        result = train(bundled, TrainingConfig(epochs=300, lr=bound * factor, activation="none",
                                               variants=("manual",)))
        outcome = result.variants["manual"]
        assert outcome.status == "ok" and outcome.train_mse == pytest.approx(optimum, rel=1e-4)


@pytest.mark.parametrize("pair", [(0, 1), (0, 2), (1, 2)])
def test_the_grid_at_the_optimum_is_the_closed_form_mse(bundled, pair):
    reference = closed_form(bundled)
    optimum = [*reference.weights, reference.bias]
    form = landscape.quadratic(bundled)
    grid = landscape.landscape(form, pair, optimum, optimum, relu=False, size=201)
    assert grid.values.shape == (201, 201)
    # the grid is centred on the optimum (both points it must show are the optimum): odd size
    assert grid.xs[100] == pytest.approx(optimum[pair[0]]) and grid.optimum == (
        optimum[pair[0]], optimum[pair[1]])
    assert grid.values[100, 100] == pytest.approx(reference.train_mse, rel=1e-9)
    assert grid.values.min() == pytest.approx(reference.train_mse, rel=1e-9)


def test_grid_values_equal_the_mse_computed_directly(bundled):
    A, y = design(bundled)
    form = landscape.quadratic(bundled)
    start = [0.4, -2.0, 100.0]
    grid = landscape.landscape(form, (0, 2), start, [1.0, 35.0, 140.0], relu=False, size=7)
    relu_grid = landscape.landscape(form, (0, 2), start, [1.0, 35.0, 140.0], relu=True, size=7)
    for i, j in [(0, 0), (3, 5), (6, 6)]:
        point = np.array([grid.xs[i], start[1], grid.ys[j]])
        assert grid.values[i, j] == pytest.approx(np.mean((A @ point - y) ** 2), rel=1e-10)
        assert relu_grid.values[i, j] == pytest.approx(
            np.mean((np.maximum(A @ point, 0) - y) ** 2), rel=1e-12)
    assert relu_grid.relu and not grid.relu
    # the same point through torch's float64 MSE
    theta = torch.tensor([grid.xs[3], start[1], grid.ys[5]], dtype=torch.float64)
    direct = torch.mean((torch.from_numpy(A) @ theta - torch.from_numpy(y)) ** 2).item()
    assert grid.values[3, 5] == pytest.approx(direct, rel=1e-10)


def test_the_grid_spans_the_points_it_must_show(bundled):
    form = landscape.quadratic(bundled)
    grid = landscape.landscape(form, (0, 1), [0.1, 0.2, 0.3], [1.0, 35.0, 140.0], relu=True,
                               show=[[-5.0, 60.0, 0.0]])
    assert grid.xs[0] < -5.0 and grid.xs[-1] > 1.0 and grid.ys[0] < 0.2 and grid.ys[-1] > 60.0
    message = grid.as_message()
    assert json.loads(json.dumps(message)) == message  # it crosses the pipe as JSON
    assert isinstance(message["values"], str) and message["shape"] == [landscape.RELU_GRID_SIZE] * 2
    assert np.array_equal(landscape.grid_values(message), grid.values.astype(np.float32))


def test_the_landscapes_report_progress_pair_by_pair_and_stay_the_same(bundled):
    form = landscape.quadratic(bundled)
    args = (form, ["x1", "x2"], [0.1, 0.2, 0.3], [1.0, 35.0, 140.0], False, [[-5.0, 60.0, 0.0]])
    calls = []
    reported = landscape.landscapes_message(*args, progress=lambda *call: calls.append(call))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]  # a heartbeat before the paths' filter, too
    assert reported == landscape.landscapes_message(*args)


def test_diverged_and_far_path_points_stay_off_the_grid(bundled):
    form = landscape.quadratic(bundled)
    near = [[-5.0, 60.0, 0.0], [2.0, 30.0, 120.0]]
    off = [[float("nan"), 1.0, 2.0], [float("inf"), 0.0, 0.0], [1.0, -float("inf"), 0.0],
           [1e30, 35.0, 140.0]]
    args = (form, ["x1", "x2"], [0.1, 0.2, 0.3], [1.0, 35.0, 140.0], True)
    assert landscape.landscapes_message(*args, off[:2] + near + off[2:]) == \
        landscape.landscapes_message(*args, near)
    assert landscape.landscapes_message(*args, off) == landscape.landscapes_message(*args, [])


def test_pair_choices_and_names():
    assert landscape.pair_choices(["x1", "x2"]) == [(0, 1), (0, 2), (1, 2)]
    assert landscape.pair_choices(["x"]) == [(0, 1)]
    assert landscape.pair_label((0, 2), ["x1", "x2"]) == "w(x1) × b"


def test_learning_rates_are_log_spaced_and_checked():
    rates = learning_rates()
    assert len(rates) == 25 and rates[0] == 1e-3 and rates[-1] == 10.0
    assert np.allclose(np.diff(np.log10(rates)), 4 / 24)
    with pytest.raises(RequestError, match="smaller than"):
        learning_rates(1.0, 0.1, 5)
    with pytest.raises(RequestError, match="--steps"):
        learning_rates(0.1, 1.0, 1)


def test_the_sweeps_statuses_follow_the_bound(bundled):
    bound = landscape.stability_bound(bundled)
    rates = [bound / 20, bound / 2, bound * 3]
    config = TrainingConfig(epochs=200, activation="none")
    heard = []
    result = sweep(bundled, config, rates, on_run=heard.append)
    assert [run.status for run in result.runs] == ["ok", "ok", "diverged"]
    assert heard == result.runs and result.lr_stability_bound == pytest.approx(bound)
    # each run is a plain training run at that rate from the same start
    for run in result.runs[:2]:
        again = train(bundled, TrainingConfig(epochs=200, lr=run.lr, activation="none",
                                              variants=("manual",)))
        assert run.final_train_mse == again.variants["manual"].train_mse
    relu = sweep(bundled, TrainingConfig(epochs=100), [0.05, 5.0])
    assert [run.status for run in relu.runs] == ["ok", "dead"]
