"""`python main.py sweep`: train from one start at log-spaced learning rates; final MSE of each.

main.py imports this module even when it opens the window, so nothing heavy is imported at the
top: pandas and torch load only inside `run`.
"""

from __future__ import annotations

import argparse
import json

from core.cli.train import add_training_options, print_error, request_from_args
from core.formatting import fmt, json_safe
from core.training import sweep as defaults


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the `sweep` command's options: train's training options, the range, --json."""
    add_training_options(parser)
    parser.add_argument("--lr-from", type=float, default=defaults.DEFAULT_LR_FROM,
                        help=f"smallest learning rate (default: {fmt(defaults.DEFAULT_LR_FROM)})")
    parser.add_argument("--lr-to", type=float, default=defaults.DEFAULT_LR_TO,
                        help=f"largest learning rate (default: {fmt(defaults.DEFAULT_LR_TO)})")
    parser.add_argument("--steps", type=int, default=defaults.DEFAULT_STEPS,
                        help=f"how many learning rates, log-spaced (default: {defaults.DEFAULT_STEPS})")
    parser.add_argument("--json", action="store_true", help="print the results as strict JSON")


def run(args: argparse.Namespace) -> int:
    """Sweep as the options ask and print the table or JSON; 0, or 2 for bad data or options."""
    from core.training.data import DataError, load_spec

    try:
        request = request_from_args(args, [defaults.SWEEP_VARIANT])
        if request.config.epochs < 1:
            raise ValueError(f"--epochs must be at least 1, not {request.config.epochs}")
        rates = defaults.learning_rates(args.lr_from, args.lr_to, args.steps)
        table, prepared = load_spec(request.data)
    except (DataError, ValueError) as error:
        print_error(error)
        return 2

    import torch

    torch.set_num_threads(1)  # tiny tensors: see cli_train.run
    result = defaults.sweep(prepared, request.config, rates)
    if args.json:
        payload = {"runs": [run.as_dict() for run in result.runs],
                   "lr_stability_bound": result.lr_stability_bound}
        print(json.dumps(json_safe(payload), allow_nan=False, indent=2))
        return 0
    print(f"data: {table.source} · {request.data.describe_shift()} · epochs "
          f"{request.config.epochs} · activation {request.config.activation} · "
          f"variant {defaults.SWEEP_VARIANT} · stability bound 2/λmax = "
          f"{fmt(result.lr_stability_bound, 4)}")
    print(f"{'lr':>10}  {'status':8}  final train MSE")
    for run_ in result.runs:
        print(f"{fmt(run_.lr, 4):>10}  {run_.status:8}  {fmt(run_.final_train_mse, 8)}")
    return 0
