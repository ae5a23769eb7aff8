"""The window's training history stays bounded for huge runs (issue 14, item 7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from core.training import history as history_module
from core.training.history import TrainingHistory, VariantHistory


def columns(start: int, count: int, features: int, offset: float = 0.0, status: str = "ok") -> dict:
    """Records whose numbers encode their epoch, so any kept row can be checked."""
    epochs = np.arange(start, start + count, dtype=np.float64)
    return {"epoch": epochs.tolist(), "mse": epochs * 0.5 + offset,
            "weights": np.repeat(epochs[:, None], features, axis=1), "bias": -epochs,
            "status": status, "active": 1.0}


def test_a_million_epochs_with_200_features_stay_within_the_memory_bound():
    history = VariantHistory(1_000_000, 200)
    for start in range(1, 1_000_001, 25_000):
        history.append(columns(start, 25_000, 200))
    held = sum(a.nbytes for a in (history.epoch, history.mse, history.weights, history.bias))
    assert held <= history_module.MAX_BYTES_PER_VARIANT + 8 * 203
    assert history.count == 1_000_000
    epochs, losses = history.curve()
    assert epochs[0] == 1 and epochs[-1] == 1_000_000 and np.all(np.diff(epochs) > 0)
    assert np.array_equal(losses, epochs * 0.5)
    assert history.latest() == (500_000.0, [1_000_000.0] * 200, -1_000_000.0)


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.integers(1, 40), min_size=1, max_size=30), capacity=st.integers(2, 9))
def test_kept_rows_are_real_epochs_evenly_spaced_and_end_at_the_latest(batches, capacity):
    history = VariantHistory(10, 1)
    for array in ("epoch", "mse", "bias"):  # a tiny capacity, to decimate often
        setattr(history, array, np.zeros(capacity + 1))
    history.weights = np.zeros((capacity + 1, 1))
    start = 1
    for size in batches:
        history.append(columns(start, size, 1))
        start += size
        epochs, losses = history.curve()
        kept = epochs[: history.stored]
        assert history.stored <= capacity and epochs[-1] == history.count == start - 1
        assert np.all((kept - 1) % history.stride == 0) and np.array_equal(kept, 1 + history.stride * np.arange(len(kept)))
        assert np.array_equal(losses, epochs * 0.5) and np.array_equal(history.bias[: len(epochs)], -epochs)


def test_the_largest_difference_is_over_every_epoch_even_when_rows_are_dropped(monkeypatch):
    monkeypatch.setattr(history_module, "MAX_POINTS", 4)
    spike = np.zeros(100)
    spike[56] = 3.0  # epoch 57: not a kept row once the stride is > 1
    history = TrainingHistory()
    history.reset(["a", "b"], 100, ["x"])
    for start in range(1, 101, 10):
        b = columns(start, 10, 1)
        b["mse"] = b["mse"] + spike[start - 1:start + 9]
        history.append({"a": columns(start, 10, 1), "b": b})
    assert history.variants["a"].stride > 1 and 57 not in history.variants["a"].curve()[0]
    assert history.largest_difference == 3.0
    assert history.largest_relative == pytest.approx(3.0 / (57 * 0.5 + 3.0))


def test_a_diverged_variant_stops_the_comparison_and_holds_nothing_back():
    history = TrainingHistory()
    history.reset(["a", "b"], 100, ["x"])
    history.append({"a": columns(1, 5, 1), "b": columns(1, 5, 1, offset=1.0, status="diverged")})
    for start in range(6, 100, 5):
        history.append({"a": columns(start, 5, 1, offset=math.inf)})  # would be inf if compared
    assert history.largest_difference == 1.0
    assert all(not parts for parts in history._uncompared.values())


def test_csv_keeps_every_epoch_of_a_short_run(tmp_path):
    history = TrainingHistory()
    history.reset(["a", "b"], 5, ["x"])
    history.append({"a": columns(1, 5, 1), "b": columns(1, 3, 1, status="diverged")})
    history.write_csv(tmp_path / "h.csv")
    lines = (tmp_path / "h.csv").read_text().splitlines()
    assert lines[0] == "epoch,a_train_mse,a_w_x,a_bias,b_train_mse,b_w_x,b_bias"
    assert lines[1:] == ["1,0.5,1.0,-1.0,0.5,1.0,-1.0", "2,1.0,2.0,-2.0,1.0,2.0,-2.0",
                         "3,1.5,3.0,-3.0,1.5,3.0,-3.0", "4,2.0,4.0,-4.0,,,", "5,2.5,5.0,-5.0,,,"]
