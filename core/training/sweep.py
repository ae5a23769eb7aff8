"""The learning-rate sweep: the same start trained at log-spaced learning rates, final MSE of each.

Importing this module does not import torch (the training does). Every run starts from the
same parameters (the config's init and seed), so only the learning rate differs between them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

from core.training.request import RequestError, TrainingConfig, check_learning_rate

DEFAULT_LR_FROM = 1e-3
DEFAULT_LR_TO = 10.0
DEFAULT_STEPS = 25
MAX_STEPS = 200
SWEEP_VARIANT = "manual"  # they all coincide: the quickest one runs, its code is on screen


@dataclass(frozen=True)
class SweepRun:
    """One learning rate's outcome."""

    lr: float
    status: str  # "ok", "diverged" or "dead", as in `train`
    final_train_mse: float  # non-finite when it diverged to inf or nan

    def as_dict(self) -> dict:
        """Plain data: {lr, status, final_train_mse}."""
        return {"lr": self.lr, "status": self.status, "final_train_mse": self.final_train_mse}


@dataclass(frozen=True)
class SweepResult:
    """Every run, in learning-rate order, and the full-batch stability bound 2/λmax."""

    runs: list[SweepRun]
    lr_stability_bound: float
    stopped_early: bool = False


def learning_rates(lr_from: float = DEFAULT_LR_FROM, lr_to: float = DEFAULT_LR_TO,
                   steps: int = DEFAULT_STEPS) -> list[float]:
    """`steps` learning rates evenly spaced on a log scale from `lr_from` to `lr_to` (both in)."""
    for what, value in (("--lr-from", lr_from), ("--lr-to", lr_to)):
        check_learning_rate(what, value)  # the request's own check: a swept rate trains too
    if not lr_from < lr_to:
        raise RequestError(f"--lr-from ({lr_from:g}) must be smaller than --lr-to ({lr_to:g})")
    if not isinstance(steps, int) or not 2 <= steps <= MAX_STEPS:
        raise RequestError(f"--steps must be a whole number from 2 to {MAX_STEPS}, not {steps!r}")
    low, high = math.log10(lr_from), math.log10(lr_to)
    rates = [10 ** (low + (high - low) * i / (steps - 1)) for i in range(steps)]
    rates[0], rates[-1] = float(lr_from), float(lr_to)  # exactly the ends asked for
    return rates


def sweep(prepared: Any, config: TrainingConfig, rates: list[float],
          on_run: Callable[[SweepRun], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> SweepResult:
    """Train SWEEP_VARIANT at each rate from the same start; `on_run` hears each run as it ends."""
    from core.training.landscape import stability_bound
    from core.training.run import train

    runs = []
    for lr in rates:
        if should_stop is not None and should_stop():
            return SweepResult(runs, stability_bound(prepared), stopped_early=True)
        outcome = train(prepared, replace(config, lr=lr, variants=(SWEEP_VARIANT,)),
                        should_stop=should_stop).variants[SWEEP_VARIANT]
        run = SweepRun(lr, outcome.status, outcome.train_mse)
        runs.append(run)
        if on_run is not None:
            on_run(run)
    return SweepResult(runs, stability_bound(prepared))
