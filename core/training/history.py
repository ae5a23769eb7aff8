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


MAX_POINTS = 100_000  # rows kept per variant: far more than a plot's width in pixels
MAX_BYTES_PER_VARIANT = 16 * 1024 * 1024  # with many features, fewer rows (200 features: ~10,000)


def capacity_for(epochs: int, features: int) -> int:
    """Rows to keep for a run of `epochs`: every epoch when they fit, else a bounded number."""
    by_memory = MAX_BYTES_PER_VARIANT // (8 * (features + 3))
    return max(2, min(max(1, epochs), MAX_POINTS, by_memory))


class VariantHistory:
    """One variant's losses, weights and biases, in preallocated arrays of bounded size.

    Every epoch is kept while they fit. Past that, every other row is dropped and only every
    2nd (then 4th, 8th ...) epoch is kept from then on, so a million epochs with 200 features
    stay within MAX_BYTES_PER_VARIANT; the latest epoch is always in the curve and in `latest()`.
    """

    def __init__(self, epochs: int, features: int) -> None:
        capacity = capacity_for(epochs, features)
        self.count = 0  # epochs received
        self.stored = 0  # rows kept (== count until decimation starts)
        self.stride = 1  # rows kept are epochs 1, 1 + stride, 1 + 2·stride, ...
        # one spare row past the kept ones holds the latest epoch when it is not a kept one
        self.epoch = np.zeros(capacity + 1)
        self.mse = np.zeros(capacity + 1)
        self.weights = np.zeros((capacity + 1, features))
        self.bias = np.zeros(capacity + 1)
        self.low, self.high = math.inf, -math.inf  # smallest and largest finite loss so far
        self.status = "ok"  # the latest record's: "ok", "dead" (no active unit) or "diverged"
        self.active: float | None = None  # share of training rows whose ReLU is active
        self._latest: tuple[float, list[float], float] | None = None
        self._latest_kept = True

    @property
    def capacity(self) -> int:
        """Rows this history keeps at most."""
        return len(self.mse) - 1

    def append(self, columns: dict) -> None:
        """Add a batch: {epoch, mse, weights, bias, status, active} as sent by the worker."""
        mse = np.asarray(columns["mse"], dtype=np.float64)
        new = len(mse)
        if not new:
            return
        weights = np.asarray(columns["weights"], dtype=np.float64).reshape(new, -1)
        bias = np.asarray(columns["bias"], dtype=np.float64)
        epochs = np.arange(self.count + 1, self.count + new + 1, dtype=np.float64)
        finite = mse[np.isfinite(mse)]
        if finite.size:
            self.low = min(self.low, float(finite.min()))
            self.high = max(self.high, float(finite.max()))
        at = 0
        while at < new:
            keep = np.flatnonzero((epochs[at:] - 1) % self.stride == 0) + at
            room = self.capacity - self.stored
            if len(keep) > room:  # full: halve the kept rows, then keep half as many from here on
                if room:
                    self._store(keep[:room], epochs, mse, weights, bias)
                at = int(keep[room - 1]) + 1 if room else at
                self._decimate()
                continue
            self._store(keep, epochs, mse, weights, bias)
            break
        self.count += new
        self._latest = (float(mse[-1]), weights[-1].tolist(), float(bias[-1]))
        self._latest_kept = self.stored > 0 and self.epoch[self.stored - 1] == self.count
        if not self._latest_kept:  # the spare row: the curve still reaches the latest epoch
            self.epoch[self.stored], self.mse[self.stored] = self.count, mse[-1]
            self.weights[self.stored], self.bias[self.stored] = weights[-1], bias[-1]
        self.status = columns["status"]
        self.active = columns["active"]

    def _store(self, rows: np.ndarray, epochs, mse, weights, bias) -> None:
        start, end = self.stored, self.stored + len(rows)
        self.epoch[start:end] = epochs[rows]
        self.mse[start:end] = mse[rows]
        self.weights[start:end] = weights[rows]
        self.bias[start:end] = bias[rows]
        self.stored = end

    def _decimate(self) -> None:
        """Keep every other row (epochs 1, 1 + 2·stride, ...) and double the stride."""
        kept = self.stored
        for array in (self.epoch, self.mse, self.weights, self.bias):
            halved = array[:kept:2].copy()
            array[: len(halved)] = halved
        self.stored = (kept + 1) // 2
        self.stride *= 2

    def rows(self) -> int:
        """Rows the curve shows: the kept ones, and the latest epoch if it is not one of them."""
        return self.stored + (0 if self._latest_kept else 1)

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, losses) so far, the latest epoch included: views, not copies."""
        shown = self.rows()
        return self.epoch[:shown], self.mse[:shown]

    def latest(self) -> tuple[float, list[float], float] | None:
        """The last epoch's (loss, weights, bias), or None before the first epoch."""
        return self._latest


class TrainingHistory:
    """The histories of every variant in one run, and how far apart their losses are."""

    def __init__(self) -> None:
        self.variants: dict[str, VariantHistory] = {}
        self.feature_names: list[str] = []
        self.largest_difference = 0.0  # over every epoch all variants have reached
        self.largest_relative = 0.0  # the same, divided by the loss at that epoch
        self._uncompared: dict[str, list[np.ndarray]] = {}  # losses not yet seen for every variant

    def reset(self, names: Iterable[str], epochs: int, feature_names: list[str]) -> None:
        """Start a new run: empty buffers for `names`, sized for `epochs`."""
        self.feature_names = list(feature_names)
        self.variants = {name: VariantHistory(epochs, len(feature_names)) for name in names}
        self.largest_difference = self.largest_relative = 0.0
        self._uncompared = {name: [] for name in self.variants}

    def append(self, batch: dict) -> None:
        """Add one message's records: {variant: columns}."""
        for name, columns in batch.items():
            history = self.variants.get(name)
            if history is not None:
                history.append(columns)
                self._uncompared[name].append(np.asarray(columns["mse"], dtype=np.float64))
        self._compare()

    def _compare(self) -> None:
        """Fold the epochs every variant has now reached into the largest difference.

        Done on the losses as they arrive (the kept rows may be thinned out), and only the
        epochs not yet reached by every variant are held back.
        """
        if len(self.variants) < 2:
            self._uncompared = {name: [] for name in self.variants}
            return
        pending = {name: np.concatenate(parts) if parts else np.zeros(0)
                   for name, parts in self._uncompared.items()}
        reached = min(len(losses) for losses in pending.values())
        stopped = any(h.status == "diverged" and not len(pending[n]) - reached
                      for n, h in self.variants.items())
        # a variant that stopped never reaches later epochs: nothing more to compare with it
        self._uncompared = {name: [] if stopped else [losses[reached:]] for name, losses in pending.items()}
        if not reached or math.isinf(self.largest_difference):
            return
        window = np.vstack([losses[:reached] for losses in pending.values()])
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
        """One row per kept epoch (every epoch unless the run was too long to keep them all):
        each variant's train MSE, weights and bias, at full precision."""
        names = list(self.variants)
        header = ["epoch"]
        for name in names:
            header += [f"{name}_train_mse"]
            header += [f"{name}_w_{feature}" for feature in self.feature_names]
            header += [f"{name}_bias"]
        shown = {name: self.variants[name].rows() for name in names}
        epochs = np.unique(np.concatenate([self.variants[n].epoch[:shown[n]] for n in names] or [np.zeros(0)]))
        handle = io.StringIO(newline="")
        writer = csv.writer(handle)
        writer.writerow(header)
        for epoch in epochs:
            cells: list[object] = [int(epoch)]
            for name in names:
                history = self.variants[name]
                row = int(np.searchsorted(history.epoch[:shown[name]], epoch))
                if row < shown[name] and history.epoch[row] == epoch:
                    cells += [repr(float(history.mse[row]))]
                    cells += [repr(float(w)) for w in history.weights[row]]
                    cells += [repr(float(history.bias[row]))]
                else:  # a diverged variant stops early (or kept other epochs): its cells stay empty
                    cells += [""] * (len(self.feature_names) + 2)
            writer.writerow(cells)
        atomic_write_text(path, handle.getvalue())  # FileWriteError (an OSError) on failure
