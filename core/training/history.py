"""Every epoch received so far, per variant, in numpy buffers the plots read without copying.

Qt-free: the page appends the training process's record batches here, its one plot timer hands
slices of these buffers to setData, and the CSV export writes them out.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Iterable

import numpy as np

from core.files import atomic_write_text


class VariantHistory:
    """One variant's losses, weights and biases after each epoch, in preallocated arrays."""

    def __init__(self, epochs: int, features: int) -> None:
        capacity = max(1, epochs)
        self.count = 0
        self.epoch = np.arange(1, capacity + 1, dtype=np.float64)
        self.mse = np.zeros(capacity)
        self.weights = np.zeros((capacity, features))
        self.bias = np.zeros(capacity)
        self.low, self.high = math.inf, -math.inf  # smallest and largest finite loss so far
        self.status = "ok"  # the latest record's: "ok", "dead" (no active unit) or "diverged"
        self.active: float | None = None  # share of training rows whose ReLU is active

    def append(self, columns: dict) -> None:
        """Add a batch: {epoch, mse, weights, bias, status, active} as sent by the worker."""
        new = len(columns["mse"])
        start, end = self.count, self.count + new
        if end > len(self.mse):
            self._grow(end)
        self.mse[start:end] = columns["mse"]
        self.weights[start:end] = columns["weights"]
        self.bias[start:end] = columns["bias"]
        self.count = end
        chunk = self.mse[start:end]
        finite = chunk[np.isfinite(chunk)]
        if finite.size:
            self.low = min(self.low, float(finite.min()))
            self.high = max(self.high, float(finite.max()))
        self.status = columns["status"]
        self.active = columns["active"]

    def _grow(self, needed: int) -> None:
        capacity = max(needed, 2 * len(self.mse))
        self.epoch = np.arange(1, capacity + 1, dtype=np.float64)
        self.mse = np.resize(self.mse, capacity)
        self.bias = np.resize(self.bias, capacity)
        weights = np.zeros((capacity, self.weights.shape[1]))
        weights[: self.count] = self.weights[: self.count]
        self.weights = weights

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, losses) so far: views, not copies."""
        return self.epoch[: self.count], self.mse[: self.count]

    def latest(self) -> tuple[float, list[float], float] | None:
        """The last epoch's (loss, weights, bias), or None before the first epoch."""
        if not self.count:
            return None
        last = self.count - 1
        return float(self.mse[last]), self.weights[last].tolist(), float(self.bias[last])


class TrainingHistory:
    """The histories of every variant in one run, and how far apart their losses are."""

    def __init__(self) -> None:
        self.variants: dict[str, VariantHistory] = {}
        self.feature_names: list[str] = []
        self.largest_difference = 0.0  # over every epoch all variants have reached
        self.largest_relative = 0.0  # the same, divided by the loss at that epoch
        self._compared = 0  # epochs already folded into the two numbers above

    def reset(self, names: Iterable[str], epochs: int, feature_names: list[str]) -> None:
        """Start a new run: empty buffers for `names`, sized for `epochs`."""
        self.feature_names = list(feature_names)
        self.variants = {name: VariantHistory(epochs, len(feature_names)) for name in names}
        self.largest_difference = self.largest_relative = 0.0
        self._compared = 0

    def append(self, batch: dict) -> None:
        """Add one message's records: {variant: columns}."""
        for name, columns in batch.items():
            history = self.variants.get(name)
            if history is not None:
                history.append(columns)
        self._compare()

    def _compare(self) -> None:
        """Fold the epochs every variant has now reached into the largest difference."""
        if len(self.variants) < 2:
            return
        reached = min(history.count for history in self.variants.values())
        if reached <= self._compared:
            return
        window = np.vstack([h.mse[self._compared:reached] for h in self.variants.values()])
        self._compared = reached
        if not np.isfinite(window).all():
            self.largest_difference = self.largest_relative = math.inf
            return
        spread = window.max(axis=0) - window.min(axis=0)
        at = int(spread.argmax())
        if spread[at] > self.largest_difference:
            self.largest_difference = float(spread[at])
            scale = float(np.abs(window[:, at]).max())
            self.largest_relative = self.largest_difference / scale if scale > 0 else 0.0

    def loss_bounds(self) -> tuple[float, float]:
        """Smallest and largest finite loss of any variant so far (inf, -inf before any)."""
        lows = [h.low for h in self.variants.values()]
        highs = [h.high for h in self.variants.values()]
        return min(lows, default=math.inf), max(highs, default=-math.inf)

    @property
    def epochs_done(self) -> int:
        """The most epochs any variant has finished."""
        return max((h.count for h in self.variants.values()), default=0)

    def write_csv(self, path: str | Path) -> None:
        """One row per epoch: each variant's train MSE, weights and bias, at full precision."""
        names = list(self.variants)
        header = ["epoch"]
        for name in names:
            header += [f"{name}_train_mse"]
            header += [f"{name}_w_{feature}" for feature in self.feature_names]
            header += [f"{name}_bias"]
        handle = io.StringIO(newline="")
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in range(self.epochs_done):
            cells: list[object] = [row + 1]
            for name in names:
                history = self.variants[name]
                if row < history.count:  # a diverged variant stops early: its cells stay empty
                    cells += [repr(float(history.mse[row]))]
                    cells += [repr(float(w)) for w in history.weights[row]]
                    cells += [repr(float(history.bias[row]))]
                else:
                    cells += [""] * (len(self.feature_names) + 2)
            writer.writerow(cells)
        atomic_write_text(path, handle.getvalue())  # FileWriteError (an OSError) on failure
