"""`python main.py trace VARIANT`: the graph torch builds for a variant's loss, listed or as JSON.

main.py imports this module even when it opens the window, so nothing heavy is imported at the
top: pandas and torch load only inside `run`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.cli.train import add_training_options, print_error, request_from_args
from core.formatting import fmt
from core.training import registry

EPOCHS_HELP = ("epochs to train before tracing (default: 0, the initial parameters, "
               "before the first update)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `trace`: a variant, train's data and training options, --json."""
    parser.add_argument("variant", metavar="VARIANT",
                        help=f"one of {', '.join(registry.names())}")
    add_training_options(parser, epochs_default=0, epochs_help=EPOCHS_HELP)
    parser.add_argument("--json", action="store_true",
                        help="print the graph as strict JSON (the graph schema, plus shapes)")


def run(args: argparse.Namespace) -> int:
    """Trace the variant as the options ask and print it; return 0, or 2 for bad data or options."""
    from core.training.data import DataError, load_spec

    try:
        request = request_from_args(args, [args.variant])
        table, prepared = load_spec(request.data)
    except (DataError, ValueError) as error:
        print_error(error)
        return 2

    import torch

    from core.trace.tracer import TraceError, trace_from_config, trace_to_dict

    torch.set_num_threads(1)  # tiny tensors: see cli_train.run
    try:
        tg = trace_from_config(prepared, request.config, args.variant)
    except TraceError as error:
        print_error(error)
        return 2
    if args.json:
        print(json.dumps(trace_to_dict(tg), allow_nan=False, ensure_ascii=False))
    else:
        print(report(tg, _setting(table.source, request)))
    return 0


def report(tg: Any, setting: str = "") -> str:
    """A readable listing: what the graph is, its nodes with shapes, values and gradients."""
    from core.trace.graph import AUTOGRAD
    from core.trace.steps import TraceSchedule

    made = "the graph torch built" if tg.method == AUTOGRAD else "the hand-derived chain"
    lines = [f"{tg.variant}: {made} for its loss{' · ' + setting if setting else ''}", ""]
    lines += tg.notes
    lines += ["", *_node_table(tg)]
    if tg.method == AUTOGRAD:  # the manual chain's notes already walk through every edge
        lines += ["", "Backward pass, edge by edge:"]
        lines += [f"  {step.caption}" for step in TraceSchedule(tg).steps if step.kind in ("backward", "accumulate")]
    return "\n".join(lines)


def _node_table(tg: Any) -> list[str]:
    """One row per node: symbol and formula, kind, torch function, shape, line, value, gradient."""
    out = tg.node(tg.output)["symbol"]
    rows = [("node", "kind", "function", "shape", "line", "value", f"∂{out}/∂node")]
    for node_id in tg.nodes:
        data = tg.node(node_id)
        name = data["symbol"] if data["expr"] == data["symbol"] else f"{data['symbol']} = {data['expr']}"
        function = data["op"] if data["kind"] == "op" else data["label"]
        grad = "-" if data["grad"] is None else data["grad"].preview()
        line = "-" if data["line"] is None else str(data["line"])
        rows.append((name, data["kind"], function, data["value"].shape_text(), line,
                     data["value"].preview(), grad))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    table.insert(1, "  ".join("-" * width for width in widths))
    return table


def _setting(source: str, request: Any) -> str:
    """Where the numbers come from: the data, the options, and which parameters."""
    config = request.config
    when = ("at the initial parameters, before the first update" if config.epochs == 0
            else f"after {config.epochs} epoch{'s' if config.epochs != 1 else ''}")
    return (f"data: {source} · {request.data.describe_shift()} · lr {fmt(config.lr)} · activation {config.activation} · "
            f"init {config.init} · {when}")
