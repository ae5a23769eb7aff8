"""The engine's per-epoch record, written for speed, equals the plain per-epoch computation.

TrainingRun.epochs() computes the logged loss with one fused call and judges a loss only when it
is not plainly fine; here a second copy of the same variants steps beside it and every number is
recomputed the obvious way (torch.mean((ŷ - y) ** 2), count_nonzero, the explosion rule).
The engine counts active units only when the loss is the all-zero prediction's: the statuses
here, counted every epoch, say whether that shortcut ever misses a dead epoch.
"""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from core.training.registry import names as all_variant_names  # noqa: E402
from core.training.run import EXPLOSION_FACTOR, TrainingRun, _mean_squared_error  # noqa: E402
from core.training.request import TrainingConfig  # noqa: E402

ALL = tuple(all_variant_names())


def reference_records(prepared, config, epochs):
    """Per-epoch (variant, epoch, mse, weights, bias, status), computed plainly."""
    twin = TrainingRun(prepared, config)  # built from the same generator state: same starts
    X, y = prepared.X_train, prepared.y_train
    relu = config.activation == "relu"
    first, stopped, out = {}, set(), []
    for epoch in range(1, epochs + 1):
        for name, variant in twin.variants.items():
            if name in stopped:
                continue
            variant.step()
            with torch.no_grad():
                prediction = variant.predict(X)
                mse = torch.mean((prediction - y) ** 2).item()
                active = torch.count_nonzero(prediction).item() / y.size(0) if relu else None
            first.setdefault(name, mse)
            exploded = first[name] > 0 and mse > EXPLOSION_FACTOR * first[name]
            if not math.isfinite(mse) or exploded:
                status = "diverged"
                stopped.add(name)
            else:
                status = "dead" if active == 0 else "ok"
            out.append((name, epoch, mse, variant.weights, variant.bias, status))
    return out


@pytest.mark.parametrize("settings", [
    {"activation": "relu"},
    {"activation": "none"},
    {"activation": "none", "lr": 5.0},  # diverges within a few epochs: the judged path
    {"activation": "relu", "lr": 0.5, "optimizer": "momentum"},
    {"activation": "relu", "batch_size": 64},
    {"activation": "relu", "lr": 5.0},  # every unit dies after a few epochs: ok turns dead
])
def test_engine_records_equal_the_plain_per_epoch_computation(prepared_bundled, settings):
    config = TrainingConfig(epochs=30, variants=ALL, **settings)
    engine = [(r.variant, r.epoch, r.train_mse, r.weights, r.bias, r.status)
              for batch in TrainingRun(prepared_bundled, config).epochs() for r in batch]
    assert engine == reference_records(prepared_bundled, config, 30)  # bit for bit


def test_a_shifted_dataset_gives_dead_records_on_the_plain_path(single_torch_thread):
    from core.training.data import load_prepared
    from tests.core.conftest import BUNDLED

    dead = load_prepared(BUNDLED, shift=-1000.0)
    config = TrainingConfig(epochs=5, variants=ALL)
    records = reference_records(dead, config, 5)
    assert "dead" in {r[-1] for r in records}
    engine = [(r.variant, r.epoch, r.train_mse, r.weights, r.bias, r.status)
              for batch in TrainingRun(dead, config).epochs() for r in batch]
    assert engine == records


def test_the_fused_loss_is_torch_mean_of_squares_bit_for_bit(single_torch_thread):
    fused = _mean_squared_error()
    generator = torch.Generator().manual_seed(7)
    for rows in (1, 3, 700, 701, 4099):
        for scale in (1e-3, 1.0, 1e4, 1e19):
            prediction = torch.relu(torch.randn(rows, generator=generator) * scale)
            target = torch.randn(rows, generator=generator) * scale
            assert fused(prediction, target).item() == torch.mean((prediction - target) ** 2).item()


def test_the_share_of_active_units_is_counted_on_the_parameters_of_the_last_record(
        prepared_bundled):
    config = TrainingConfig(epochs=12, variants=ALL, lr=2.0)  # the share changes as units die
    run = TrainingRun(prepared_bundled, config)
    X = prepared_bundled.X_train
    shares = []
    for batch in run.epochs():
        for record in batch:
            with torch.no_grad():
                net = run.variants[record.variant].net_input(X)
            expected = torch.count_nonzero(net > 0).item() / X.size(0)
            assert run.active_fraction(record.variant) == expected
            assert (record.status == "dead") == (expected == 0)
            shares.append(expected)
    assert len(set(shares)) > 2  # it moved
    none = TrainingRun(prepared_bundled, TrainingConfig(epochs=1, activation="none"))
    assert all(none.active_fraction(name) is None for name in none.variants)
