"""Per-epoch cost of the training engine against the same loops written plainly.

Run: `python benchmarks/bench_training.py [--epochs 3000]`

For each variant three loops train the same model on the bundled data, in the same process:
  bare      the notebook's loop without its output: step, then a logging forward pass whose
            loss tensor is appended to a list;
  notebook  the same plus the notebook's per-epoch print ("Epoch: 001 | MSE: ..."), written to
            an in-memory buffer, so no terminal cost is counted;
  engine    core.training.run.TrainingRun, which records loss, weights, bias and
            active fraction as Python floats every epoch.
The loops advance one epoch at a time in turn (the order rotating every epoch), each epoch is
timed on its own, and medians are compared, so a burst of load elsewhere on the machine hits all
three alike. Target: engine <= 1.1x. Everything runs with one torch thread, as the command line
and the training process do.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.training.data import load_prepared  # noqa: E402
from core.training.registry import names as variant_names  # noqa: E402
from core.training.request import DEFAULT_LR, TrainingConfig  # noqa: E402
from core.training.run import TrainingRun  # noqa: E402

VARIANT_NAMES = variant_names()
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "linreg-data.csv"
LR = DEFAULT_LR


def plain_manual(X, y, out):
    w, b = torch.rand(X.size(1), 1), torch.rand(1)
    cost, epoch = [], 0
    while True:
        net = torch.add(torch.mm(X, w), b).view(-1)
        grad = 2 * (F.relu(net) - y) * (net > 0)
        w -= LR * torch.mm(X.t(), grad.view(-1, 1)) / y.size(0)
        b -= LR * torch.sum(grad) / y.size(0)
        yhat = F.relu(torch.add(torch.mm(X, w), b)).view(-1)
        cost.append(torch.mean((yhat - y) ** 2))
        epoch += 1
        if out is not None:
            print("Epoch: %03d | MSE: %.5f" % (epoch, cost[-1]), file=out)
        yield


def plain_semi_manual(X, y, out):
    w = torch.rand(X.size(1), 1, requires_grad=True)
    b = torch.rand(1, requires_grad=True)
    cost, epoch = [], 0
    while True:
        loss = torch.mean((F.relu(torch.add(torch.mm(X, w), b)).view(-1) - y) ** 2)
        grad_w, grad_b = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w -= LR * grad_w
            b -= LR * grad_b
            cost.append(torch.mean((F.relu(torch.add(torch.mm(X, w), b)).view(-1) - y) ** 2))
        epoch += 1
        if out is not None:
            print("Epoch: %03d | MSE: %.5f" % (epoch, cost[-1]), file=out)
        yield


class LinearReLU(nn.Module):
    def __init__(self, num_features):
        super().__init__()
        self.linear = nn.Linear(num_features, 1)

    def forward(self, x):
        return F.relu(self.linear(x))


def plain_module(model, X, y, out):
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    cost, epoch = [], 0
    while True:
        loss = F.mse_loss(model(X).view(-1), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            cost.append(F.mse_loss(model(X).view(-1), y))
        epoch += 1
        if out is not None:
            print("Epoch: %03d | MSE: %.5f" % (epoch, cost[-1]), file=out)
        yield


def plain_loop(name, X, y, printing):
    """The plain loop of one variant, as a generator that runs one epoch per next()."""
    out = io.StringIO() if printing else None
    if name == "manual":
        return plain_manual(X, y, out)
    if name == "semi_manual":
        return plain_semi_manual(X, y, out)
    features = X.size(1)
    if name == "automatic":
        return plain_module(LinearReLU(features), X, y, out)
    return plain_module(nn.Sequential(nn.Linear(features, 1), nn.ReLU()), X, y, out)


def median_epoch_seconds(name, prepared, epochs):
    """Median seconds per epoch of the bare, notebook and engine loops, run in turn."""
    X, y = prepared.X_train, prepared.y_train
    loops = {
        "bare": plain_loop(name, X, y, printing=False),
        "notebook": plain_loop(name, X, y, printing=True),
        "engine": TrainingRun(prepared, TrainingConfig(epochs=epochs, variants=(name,))).epochs(),
    }
    order = list(loops)
    times = {loop: [] for loop in loops}
    clock = time.perf_counter
    for epoch in range(epochs):
        for loop in order[epoch % 3:] + order[: epoch % 3]:  # rotate who goes first
            started = clock()
            next(loops[loop])
            times[loop].append(clock() - started)
    warm = epochs // 10  # the first epochs pay for allocations and caches: leave them out
    return {loop: statistics.median(values[warm:]) for loop, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3000, help="epochs per loop and variant")
    args = parser.parse_args()
    torch.set_num_threads(1)
    prepared = load_prepared(BUNDLED)
    print(f"torch {torch.__version__}, 1 thread, {len(prepared.y_train)} x "
          f"{prepared.X_train.size(1)} training rows, {args.epochs} epochs per loop, "
          f"median µs per epoch")
    print(f"{'variant':<12} {'bare':>8} {'notebook':>9} {'engine':>8} "
          f"{'engine/bare':>12} {'engine/notebook':>16}")
    for name in VARIANT_NAMES:
        seconds = median_epoch_seconds(name, prepared, args.epochs)
        bare, notebook, engine = (seconds[loop] * 1e6 for loop in ("bare", "notebook", "engine"))
        print(f"{name:<12} {bare:>8.1f} {notebook:>9.1f} {engine:>8.1f} "
              f"{engine / bare:>11.2f}x {engine / notebook:>15.2f}x")
    print("target: engine <= 1.10x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
