"""`python main.py train`: train the regression variants side by side and report, or print JSON.

main.py imports this module even when it opens the window, so nothing heavy is imported at the
top: pandas and torch load only inside `run`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Callable

from core import animation
from core.formatting import fmt, json_safe

from core.project import BUNDLED_DATA  # noqa: E402  (re-exported for the command line)
from core.training import registry, texts
from core.training import request as defaults
from core.training.request import DataSpec, TrainingConfig, TrainingRequest

EPOCH_LINES_AT_START = 3  # then every 10th epoch, then the last one


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the `train` command's options."""
    add_training_options(parser)
    every = ",".join(registry.default_names())
    parser.add_argument("--variants", default=every, metavar="NAMES",
                        help=f"comma-separated variants to train, from {', '.join(registry.names())} "
                             f"(default: {every})")
    parser.add_argument("--json", action="store_true", help="print the results as strict JSON")
    parser.add_argument(
        "--export-animation", metavar="FILE.gif", default=None,
        help="also draw the loss curves growing epoch by epoch to an animated GIF "
        f"(one frame per epoch, at most {animation.MAX_TRAINING_FRAMES})",
    )


# (losses per variant, the closed-form train MSE, FILE.gif): main.py passes the GUI's renderer
Animator = Callable[[dict[str, list[float]], float, str], None]


def add_training_options(
    parser: argparse.ArgumentParser,
    epochs_default: int = defaults.DEFAULT_EPOCHS,
    epochs_help: str = f"passes over the training rows (default: {defaults.DEFAULT_EPOCHS})",
) -> None:
    """Declare the data and training options that `train` and `trace` share (defaults: the request's)."""
    features = ",".join(defaults.DEFAULT_FEATURES)
    parser.add_argument("--data", type=Path, default=BUNDLED_DATA, metavar="CSV",
                        help="CSV file with an optional unnamed index column first "
                             "(default: the bundled data/linreg-data.csv)")
    parser.add_argument("--features", default=features, metavar="NAMES",
                        help=f"comma-separated feature columns (default: {features})")
    parser.add_argument("--target", default=defaults.DEFAULT_TARGET, metavar="NAME",
                        help=f"target column (default: {defaults.DEFAULT_TARGET})")
    parser.add_argument("--epochs", type=int, default=epochs_default, help=epochs_help)
    parser.add_argument("--lr", type=float, default=defaults.DEFAULT_LR,
                        help=f"learning rate (default: {fmt(defaults.DEFAULT_LR)})")
    parser.add_argument("--seed", type=int, default=defaults.DEFAULT_SEED,
                        help=f"seed for the shuffle and the initial weights "
                             f"(default: {defaults.DEFAULT_SEED})")
    parser.add_argument("--shift", type=float, default=None,
                        help=f"number added to every target (default: "
                             f"{fmt(defaults.COURSE_SHIFT)} for the bundled course data, "
                             f"{fmt(defaults.OTHER_DATA_SHIFT)} for any other file)")
    parser.add_argument("--test-fraction", type=float, default=defaults.DEFAULT_TEST_FRACTION,
                        metavar="FRACTION", help=f"share of rows held out for testing "
                                                 f"(default: {fmt(defaults.DEFAULT_TEST_FRACTION)})")
    parser.add_argument("--activation", choices=defaults.ACTIVATIONS,
                        default=defaults.DEFAULT_ACTIVATION,
                        help=f"output activation (default: {defaults.DEFAULT_ACTIVATION})")
    parser.add_argument("--init", choices=defaults.INIT_MODES, default=defaults.DEFAULT_INIT,
                        help="shared: all variants start from the same torch.rand draws; "
                             "default: each its own initialization, drawn right after the split "
                             "(nn.Linear's starts dead with seed 123 on the course data); "
                             "notebook: each its own, drawn in turn as the notebook did "
                             f"(default: {defaults.DEFAULT_INIT})")
    parser.add_argument("--manual-as-notebook", action="store_true",
                        help="train the manual variant as the notebook wrote it, without the "
                             "ReLU's derivative: reproduces its printed numbers exactly")
    parser.add_argument("--optimizer", choices=defaults.OPTIMIZERS, default=defaults.DEFAULT_OPTIMIZER,
                        help="update rule of every variant: sgd (plain gradient descent), "
                             "momentum (SGD with momentum) or adam "
                             f"(default: {defaults.DEFAULT_OPTIMIZER})")
    parser.add_argument("--momentum", type=float, default=defaults.DEFAULT_MOMENTUM,
                        help=f"momentum of --optimizer momentum (default: "
                             f"{fmt(defaults.DEFAULT_MOMENTUM)})")
    parser.add_argument("--batch-size", type=int, default=defaults.DEFAULT_BATCH_SIZE, metavar="N",
                        help="rows per update: minibatches reshuffled every epoch, 1 for "
                             "stochastic gradient descent (default: all rows, full batch)")
    parser.add_argument("--shuffle-seed", type=int, default=defaults.DEFAULT_SHUFFLE_SEED,
                        metavar="S", help="seeds the minibatch order, one torch.randperm per "
                                          f"epoch (default: {defaults.DEFAULT_SHUFFLE_SEED})")


def run(args: argparse.Namespace, animator: Animator | None = None) -> int:
    """Train as the options ask and print the report; return 0, or 2 for bad data or options.

    `animator` writes --export-animation's GIF; main.py passes the GUI's, since core never imports Qt.
    """
    from core.training.data import DataError, load_spec

    try:
        request = request_from_args(args, _name_list(args.variants, "variant"))
        if request.config.epochs < 1:
            raise ValueError(f"--epochs must be at least 1, not {request.config.epochs}")
        animation_path = args.export_animation
        if animation_path:
            if animator is None:
                raise ValueError("--export-animation is not available here")
            animation.check_target(animation_path, animation.TRAINING_SUFFIXES)
        table, prepared = load_spec(request.data)
    except (DataError, ValueError) as error:
        print_error(error)
        return 2

    import torch

    # The tensors are tiny: extra threads only add hand-offs, and on a 2-core machine with
    # anything else running they made an epoch 20-70x slower (measured: 0.1-0.2 ms -> 4-16 ms).
    torch.set_num_threads(1)
    result, interrupted = _train_interruptibly(prepared, request.config)
    if animation_path:
        losses = {name: outcome.history for name, outcome in result.variants.items()}
        try:
            animator(losses, result.closed_form.train_mse, animation_path)
        except (OSError, ValueError) as error:
            print_error(error)
            return 2
    if args.json:
        print(json.dumps(json_safe(_as_json(result)), allow_nan=False, indent=2))
    else:
        print(_report(result, table.source, request))
    if interrupted:
        print(f"error: interrupted (Ctrl+C) after epoch {max(len(v.history) for v in result.variants.values())}"
              f" of {request.config.epochs}: the results above are those so far", file=sys.stderr)
        return 130
    return 0


def _train_interruptibly(prepared: Any, config: TrainingConfig) -> tuple[Any, bool]:
    """Train with a progress bar on a terminal; the first Ctrl+C stops after the current epoch
    and keeps the results so far, a second one interrupts at once. Returns (result, interrupted)."""
    import signal
    import threading

    from core.cli.progress import ProgressBar
    from core.training.run import TrainingRun

    run = TrainingRun(prepared, config)
    asked: list[bool] = []

    def on_sigint(_number, _frame) -> None:
        if asked:
            raise KeyboardInterrupt
        asked.append(True)

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, on_sigint)
    bar = ProgressBar(config.epochs, sys.stderr) if _is_terminal(sys.stderr) else None
    try:
        for _batch in run.epochs(should_stop=lambda: bool(asked)):
            if bar is not None:
                bar.update(run.epoch)
    finally:
        if bar is not None:
            bar.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return run.result(), bool(asked)


def _is_terminal(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream: not a terminal
        return False


def request_from_args(args: argparse.Namespace, variants: list[str]) -> TrainingRequest:
    """The TrainingRequest the shared training options ask for; ValueError if one is bad."""
    data = DataSpec(
        path=str(args.data),
        features=tuple(_name_list(args.features, "feature column")),
        target=args.target,
        shift=args.shift,
        seed=args.seed,
        test_fraction=args.test_fraction,
    )
    config = TrainingConfig(
        epochs=args.epochs,
        lr=args.lr,
        activation=args.activation,
        init=args.init,
        variants=tuple(variants),
        manual_relu_derivative=not args.manual_as_notebook,
        optimizer=args.optimizer,
        momentum=args.momentum,
        batch_size=args.batch_size,
        shuffle_seed=args.shuffle_seed,
    )
    return TrainingRequest(data, config)


def print_error(error: Exception) -> None:
    """Print `error: ...` on standard error, as exactly one line whatever the message holds."""
    message = " ".join(str(error).split())
    print(f"error: {message}", file=sys.stderr)


def _name_list(text: str, what: str) -> list[str]:
    """Split a comma-separated option; reject empty entries."""
    names = [name.strip() for name in text.split(",")]
    if not names or any(not name for name in names):
        raise ValueError(f"bad {what} list {text!r}: use names separated by commas, like a,b")
    return names


def _as_json(result: Any) -> dict[str, Any]:
    """The documented JSON shape of a training result."""
    reference = result.closed_form
    return {
        "variants": {
            name: {
                "status": outcome.status,
                "train_mse": outcome.train_mse,
                "test_mse": outcome.test_mse,
                "weights": outcome.weights,
                "bias": outcome.bias,
                "active_fraction": outcome.active_fraction,  # null without ReLU
                "history": outcome.history,
                "path": outcome.path,
            }
            for name, outcome in result.variants.items()
        },
        "closed_form": {
            "train_mse": reference.train_mse,
            "weights": reference.weights,
            "bias": reference.bias,
            "collinear": reference.collinear,
            "rank": reference.rank,
        },
        # of 2/n·AᵀA, A = [standardized training features, 1]: the model without the ReLU
        "hessian_max_eigenvalue": result.hessian_max_eigenvalue,
        "lr_stability_bound": result.lr_stability_bound,
    }


def _report(result: Any, source: str, request: TrainingRequest) -> str:
    """The notebook-style text report: one block per variant, then a side-by-side table."""
    config = result.config
    lines = [
        f"data: {source} · {request.data.describe_shift()} · epochs {config.epochs} · "
        f"lr {fmt(config.lr)} · activation {config.activation} · init {config.init} · "
        f"{texts.describe_updates(config)}",
        f"stability bound: 2/λmax = {fmt(result.lr_stability_bound, 4)} (λmax = "
        f"{fmt(result.hessian_max_eigenvalue, 4)}, the largest eigenvalue of the MSE's Hessian "
        f"2/n·AᵀA, A = [standardized training features, 1], for the model without ReLU)",
    ]
    for name, outcome in result.variants.items():
        lines += ["", f"== {name}: {texts.describe(name, config)} =="]
        lines += _epoch_lines(outcome.history)
        lines += [
            f"Train MSE: {_decimal(outcome.train_mse, 5)}",
            f"Test MSE: {_decimal(outcome.test_mse, 5)}",
            f"Weights: {_weights(outcome.weights)}",
            f"Bias: {_decimal(outcome.bias, 4)}",
            f"Status: {' '.join(filter(None, (outcome.detail, outcome.advice, outcome.note)))}",
        ]
    lines += ["", *_table(result)]
    if result.closed_form.collinear:
        lines.append(f"note: {result.closed_form.collinear_note()}")
    return "\n".join(lines)


def _epoch_lines(history: list[float]) -> list[str]:
    """Epoch lines like the notebook's, thinned: the first few, every 10th, and the last."""
    last = len(history)
    shown = [e for e in range(1, last + 1) if e <= EPOCH_LINES_AT_START or e % 10 == 0 or e == last]
    return [f"Epoch: {epoch:03d} | MSE: {_decimal(history[epoch - 1], 5)}" for epoch in shown]


def _table(result: Any) -> list[str]:
    """All variants and the closed-form optimum in one aligned table."""
    reference = result.closed_form
    rows = [("variant", "status", "train MSE", "test MSE", "weights", "bias")]
    for name, outcome in result.variants.items():
        rows.append((name, outcome.status, _decimal(outcome.train_mse, 5),
                     _decimal(outcome.test_mse, 5), _weights(outcome.weights),
                     _decimal(outcome.bias, 4)))
    rows.append(("closed form", "optimum", _decimal(reference.train_mse, 5),
                 _decimal(reference.test_mse, 5), _weights(reference.weights),
                 _decimal(reference.bias, 4)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right_aligned = {2, 3, 5}
    return [
        "  ".join(cell.rjust(w) if i in right_aligned else cell.ljust(w)
                  for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    ]


def _decimal(value: float, decimals: int) -> str:
    """Fixed decimals as the notebook printed them; fmt's short form when huge or not finite."""
    if math.isfinite(value) and abs(value) < 1e7:
        return f"{value:.{decimals}f}"
    return fmt(value, 6)


def _weights(weights: list[float]) -> str:
    """Weights with four decimals, comma-separated."""
    return ", ".join(_decimal(w, 4) for w in weights)
