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
ALL_VARIANTS = "manual,semi_manual,automatic,sequential"
EPOCH_LINES_AT_START = 3  # then every 10th epoch, then the last one


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the `train` command's options."""
    add_training_options(parser)
    parser.add_argument("--variants", default=ALL_VARIANTS, metavar="NAMES",
                        help=f"comma-separated variants to train (default: {ALL_VARIANTS})")
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
    epochs_default: int = 100,
    epochs_help: str = "full-batch epochs (default: 100)",
) -> None:
    """Declare the data and training options that `train` and `trace` share."""
    parser.add_argument("--data", type=Path, default=BUNDLED_DATA, metavar="CSV",
                        help="CSV file with an optional unnamed index column first "
                             "(default: the bundled data/linreg-data.csv)")
    parser.add_argument("--features", default="x1,x2", metavar="NAMES",
                        help="comma-separated feature columns (default: x1,x2)")
    parser.add_argument("--target", default="y", metavar="NAME", help="target column (default: y)")
    parser.add_argument("--epochs", type=int, default=epochs_default, help=epochs_help)
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate (default: 0.05)")
    parser.add_argument("--seed", type=int, default=123,
                        help="seed for the shuffle and the initial weights (default: 123)")
    parser.add_argument("--shift", type=float, default=144.0,
                        help="number added to every target (default: 144)")
    parser.add_argument("--test-fraction", type=float, default=0.3, metavar="FRACTION",
                        help="share of rows held out for testing (default: 0.3)")
    parser.add_argument("--activation", choices=("relu", "none"), default="relu",
                        help="output activation (default: relu)")
    parser.add_argument("--init", choices=("shared", "default", "notebook"), default="shared",
                        help="shared: all variants start from the same torch.rand draws; "
                             "default: each its own initialization, drawn right after the split "
                             "(nn.Linear's starts dead with seed 123 on the course data); "
                             "notebook: each its own, drawn in turn as the notebook did "
                             "(default: shared)")
    parser.add_argument("--manual-as-notebook", action="store_true",
                        help="train the manual variant as the notebook wrote it, without the "
                             "ReLU's derivative: reproduces its printed numbers exactly")


def run(args: argparse.Namespace, animator: Animator | None = None) -> int:
    """Train as the options ask and print the report; return 0, or 2 for bad data or options.

    `animator` writes --export-animation's GIF; main.py passes the GUI's, since core never imports Qt.
    """
    from core.training.data import DataError
    from core.training.run import train

    try:
        config = config_from_args(args, _name_list(args.variants, "variant"))
        if config.epochs < 1:
            raise ValueError(f"--epochs must be at least 1, not {config.epochs}")
        animation_path = args.export_animation
        if animation_path:
            if animator is None:
                raise ValueError("--export-animation is not available here")
            animation.check_target(animation_path, animation.TRAINING_SUFFIXES)
        table, prepared = data_from_args(args)
    except (DataError, ValueError) as error:
        print_error(error)
        return 2

    import torch

    # The tensors are tiny: extra threads only add hand-offs, and on a 2-core machine with
    # anything else running they made an epoch 20-70x slower (measured: 0.1-0.2 ms -> 4-16 ms).
    torch.set_num_threads(1)
    result = train(prepared, config)
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
        print(_report(result, table.source))
    return 0


def config_from_args(args: argparse.Namespace, variants: list[str]) -> Any:
    """The TrainingConfig the shared training options ask for; ValueError if one is bad."""
    from core.training.run import TrainingConfig

    return TrainingConfig(
        epochs=args.epochs,
        lr=args.lr,
        activation=args.activation,
        init=args.init,
        variants=tuple(variants),
        manual_relu_derivative=not args.manual_as_notebook,
    )


def data_from_args(args: argparse.Namespace) -> tuple[Any, Any]:
    """Load and prepare the data the shared options name: (table, prepared); DataError if bad."""
    from core.training.data import load_table, prepare

    features = _name_list(args.features, "feature column")
    table = load_table(args.data, features, args.target)
    return table, prepare(table, args.shift, args.seed, args.test_fraction)


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
                "history": outcome.history,
            }
            for name, outcome in result.variants.items()
        },
        "closed_form": {
            "train_mse": reference.train_mse,
            "weights": reference.weights,
            "bias": reference.bias,
        },
    }


def _report(result: Any, source: str) -> str:
    """The notebook-style text report: one block per variant, then a side-by-side table."""
    from core.training.run import variant_catalog

    descriptions = {info.name: info.description for info in variant_catalog()}
    config = result.config
    lines = [
        f"data: {source} · epochs {config.epochs} · lr {fmt(config.lr)} · "
        f"activation {config.activation} · init {config.init}",
    ]
    for name, outcome in result.variants.items():
        lines += ["", f"== {name}: {descriptions[name]} =="]
        lines += _epoch_lines(outcome.history)
        lines += [
            f"Train MSE: {_decimal(outcome.train_mse, 5)}",
            f"Test MSE: {_decimal(outcome.test_mse, 5)}",
            f"Weights: {_weights(outcome.weights)}",
            f"Bias: {_decimal(outcome.bias, 4)}",
            f"Status: {outcome.detail}",
        ]
    lines += ["", *_table(result)]
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
