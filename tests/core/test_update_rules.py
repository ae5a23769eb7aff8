"""Update rules and batch modes (core.training.variants): every variant against a plain torch loop.

The referee is a loop written here from torch.optim and torch.Generator alone, started from the
variants' shared start; nothing in it comes from the code under test.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from core.training import registry  # noqa: E402
from core.training.request import RequestError, TrainingConfig  # noqa: E402
from core.training.run import train  # noqa: E402

FOUR = registry.default_names()
RTOL = 1e-5


@pytest.fixture(scope="module")
def bundled(prepared_bundled):
    return prepared_bundled


def plain_loop(prepared, start, epochs, lr, optimizer, activation="relu", momentum=0.9,
               batch_size=None, shuffle_seed=123, zero_grad=True):
    """The referee: torch.optim on two leaf tensors, minibatches from a seeded torch.Generator."""
    X, y = prepared.X_train, prepared.y_train
    w = torch.tensor(start[:-1]).view(-1, 1).requires_grad_(True)
    b = torch.tensor(start[-1:]).requires_grad_(True)
    if optimizer == "adam":
        opt = torch.optim.Adam([w, b], lr=lr)
    else:
        opt = torch.optim.SGD([w, b], lr=lr, momentum=momentum if optimizer == "momentum" else 0)
    generator = torch.Generator().manual_seed(shuffle_seed)
    n = y.size(0)
    path = [list(start)]
    for _ in range(epochs):
        if batch_size is None:
            batches = [torch.arange(n)]
        else:
            batches = torch.randperm(n, generator=generator).split(batch_size)
        for rows in batches:
            net = (X[rows] @ w + b).view(-1)
            prediction = torch.relu(net) if activation == "relu" else net
            loss = torch.mean((prediction - y[rows]) ** 2)
            if zero_grad:
                opt.zero_grad()
            loss.backward()
            opt.step()
        path.append([*w.detach().view(-1).tolist(), b.item()])
    return path


def assert_paths_close(actual, expected, rtol=RTOL):
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got == pytest.approx(want, rel=rtol, abs=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("activation", ["relu", "none"])
def test_every_variant_follows_a_plain_torch_optim_loop(bundled, optimizer, activation):
    config = TrainingConfig(epochs=30, lr=0.05 if optimizer != "adam" else 0.5,
                            optimizer=optimizer, activation=activation)
    result = train(bundled, config)
    start = result.variants["automatic"].path[0]
    expected = plain_loop(bundled, start, 30, config.lr, optimizer, activation)
    for name in FOUR:  # manual and semi-manual by hand, automatic and sequential by torch.optim
        assert result.variants[name].path[0] == start
        assert_paths_close(result.variants[name].path, expected)


@pytest.mark.parametrize(("optimizer", "batch_size"), [("sgd", 64), ("sgd", 1), ("momentum", 100),
                                                        ("adam", 33)])
def test_minibatches_follow_a_plain_loop_with_the_same_generator(bundled, optimizer, batch_size):
    epochs = 2 if batch_size == 1 else 5
    config = TrainingConfig(epochs=epochs, lr=0.01, optimizer=optimizer, batch_size=batch_size,
                            shuffle_seed=7, activation="none")
    result = train(bundled, config)
    start = result.variants["manual"].path[0]
    expected = plain_loop(bundled, start, epochs, 0.01, optimizer, "none",
                          batch_size=batch_size, shuffle_seed=7)
    for name in FOUR:
        assert_paths_close(result.variants[name].path, expected, rtol=1e-4 if batch_size == 1 else RTOL)


def test_the_last_minibatch_is_smaller_and_every_row_is_used_once_per_epoch(bundled):
    from core.training.variants import Manual

    X, y = bundled.X_train, bundled.y_train
    model = Manual(X, y, 0.1, batch_size=128, shuffle_seed=3)
    sizes, rows = [], []
    for Xb, yb in model.batches():
        sizes.append(yb.size(0))
        rows += Xb[:, 0].tolist()
    n = y.size(0)
    assert sizes == [128] * (n // 128) + [n % 128]
    assert sorted(rows) == sorted(X[:, 0].tolist())
    order = torch.randperm(n, generator=torch.Generator().manual_seed(3))
    first = next(iter(Manual(X, y, 0.1, batch_size=128, shuffle_seed=3).batches()))[1]
    assert first.tolist() == y[order[:128]].tolist()


def test_full_batch_sgd_is_todays_step_exactly(bundled):
    """The default request trains exactly as before update rules existed: one plain step."""
    result = train(bundled, TrainingConfig(epochs=3, variants=("manual",)))
    start = result.variants["manual"].path[0]
    X, y = bundled.X_train, bundled.y_train
    w, b = torch.tensor(start[:-1]).view(-1, 1), torch.tensor(start[-1:])
    for epoch in range(3):
        net = torch.add(torch.mm(X, w), b).view(-1)
        grad_net = 2 * (torch.relu(net) - y) * (net > 0)
        w = w - 0.05 * (torch.mm(X.t(), grad_net.view(-1, 1)) / y.size(0))
        b = b - 0.05 * (torch.sum(grad_net) / y.size(0))
        assert result.variants["manual"].path[epoch + 1] == [*w.view(-1).tolist(), b.item()]


def test_forgotten_zero_grad_accumulates_and_says_so_with_its_numbers(bundled):
    config = TrainingConfig(epochs=6, variants=("automatic", "no_zero_grad"))
    result = train(bundled, config)
    forgot = result.variants["no_zero_grad"]
    start = forgot.path[0]
    assert start == result.variants["automatic"].path[0]
    expected = plain_loop(bundled, start, 6, config.lr, "sgd", zero_grad=False)
    assert_paths_close(forgot.path, expected)
    assert forgot.path[1] == pytest.approx(result.variants["automatic"].path[1], rel=1e-6)
    assert forgot.path[2] != pytest.approx(result.variants["automatic"].path[2], rel=1e-3)
    # the note's numbers: epoch 2 used epoch 1's true gradient plus epoch 2's own
    X, y = bundled.X_train, bundled.y_train

    def true_gradient(point):
        w = torch.tensor(point[:-1]).view(-1, 1).requires_grad_(True)
        b = torch.tensor(point[-1:]).requires_grad_(True)
        loss = torch.mean((torch.relu((X @ w + b).view(-1)) - y) ** 2)
        return [g for t in torch.autograd.grad(loss, [w, b]) for g in t.view(-1).tolist()]

    first, second = true_gradient(forgot.path[0]), true_gradient(forgot.path[1])
    used = [a + b for a, b in zip(first, second)]
    from core.formatting import fmt

    note = forgot.note
    assert "zero_grad()" in note and "epoch 2" in note
    assert "(" + ", ".join(fmt(v, 4) for v in used) + ")" in note
    assert "(" + ", ".join(fmt(v, 4) for v in second) + ")" in note
    assert result.variants["automatic"].note == ""


def test_no_zero_grad_is_selectable_but_never_trained_by_default():
    assert "no_zero_grad" in registry.names() and "no_zero_grad" not in TrainingConfig().variants


@pytest.mark.parametrize(("setting", "message"), [
    ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
    ({"momentum": 1.0}, "momentum must be"),
    ({"batch_size": 0}, "batch size must be"),
    ({"batch_size": 2.5}, "batch size must be"),
    ({"shuffle_seed": -1}, "shuffle seed must be"),
])
def test_bad_update_settings_are_refused_by_name(setting, message):
    with pytest.raises(RequestError, match=message):
        TrainingConfig(**setting)


def test_the_update_settings_travel_in_the_request_and_on_the_command_line():
    import argparse
    import json

    from core.cli import train as cli_train
    from core.training.request import TrainingRequest

    config = TrainingConfig(optimizer="adam", momentum=0.5, batch_size=32, shuffle_seed=9,
                            variants=("manual", "no_zero_grad"))
    request = TrainingRequest(config=config)
    assert TrainingRequest.from_json(json.loads(json.dumps(request.to_json()))) == request
    parser = argparse.ArgumentParser()
    cli_train.add_arguments(parser)
    args = parser.parse_args(request.arguments())
    assert cli_train.request_from_args(args, list(config.variants)) == request
    older = request.to_json()  # a session saved before these settings existed: the defaults
    for key in ("optimizer", "momentum", "batch_size", "shuffle_seed"):
        del older["config"][key]
    assert TrainingRequest.from_json(older).config.optimizer == "sgd"
    assert TrainingRequest.from_json(older).config.batch_size is None
