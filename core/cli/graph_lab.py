"""The lab's options of `graph`: --fd-step H, --hessian, --forward-mode NAME (JSON and text)."""

from __future__ import annotations

import argparse
import math

from core.engine import explain
from core.engine.graph import ComputationGraph
from core.formatting import fmt
from core.lab.backward_graph import hessian
from core.lab.finite_diff import check_gradients
from core.lab.forward_mode import ForwardMode
from core.lab.lab_json import add_lab_fields


class LabUsageError(ValueError):
    """A lab option that cannot be used, with a message for the user."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the lab's options of `graph`."""
    parser.add_argument(
        "--fd-step", metavar="H",
        help="also check each input's gradient with the central difference (f(x+H) - f(x-H)) / 2H "
        "(JSON: \"fd_grad\" on every input node)",
    )
    parser.add_argument(
        "--hessian", action="store_true",
        help="also give every second derivative, by differentiating the backward graph (JSON: \"hessian\")",
    )
    parser.add_argument(
        "--forward-mode", metavar="NAME",
        help="also run forward mode with NAME's tangent 1 (JSON: \"tangent\" = d(node)/d(NAME) on every node)",
    )


def fd_step(args: argparse.Namespace) -> float | None:
    """The --fd-step value, or None; a ValueError with the user's message if it is unusable."""
    if args.fd_step is None:
        return None
    try:
        h = float(args.fd_step)
    except ValueError:
        raise LabUsageError(f"--fd-step {args.fd_step}: '{args.fd_step}' is not a number") from None
    if not math.isfinite(h) or h <= 0:
        raise LabUsageError(f"--fd-step {args.fd_step}: the step must be a positive number, like 1e-6")
    return h


def check(args: argparse.Namespace, cg: ComputationGraph) -> None:
    """Refuse lab options that do not fit this graph, with a message naming the option."""
    fd_step(args)
    if args.forward_mode is not None and args.forward_mode not in cg.input_nodes:
        known = ", ".join(cg.inputs) or "none"
        raise LabUsageError(
            f"--forward-mode {args.forward_mode}: the formula has no input named "
            f"'{args.forward_mode}' (its inputs: {known})"
        )


def json_fields(args: argparse.Namespace, cg: ComputationGraph, data: dict) -> dict:
    """The JSON object with the requested lab fields added."""
    return add_lab_fields(data, cg, fd_step(args), args.hessian, args.forward_mode)


def report_lines(args: argparse.Namespace, cg: ComputationGraph) -> list[str]:
    """The text report's lab sections, one per option given."""
    lines: list[str] = []
    out = explain.output_symbol(cg)
    h = fd_step(args)
    if h is not None:
        lines += ["", f"Finite differences with h = {fmt(h)}:"]
        for c in check_gradients(cg, h):
            lines.append(
                f"  {explain.partial(out, c.name)}: backprop {fmt(c.analytic)}, "
                f"(f({c.name}+h) - f({c.name}-h))/2h = {fmt(c.numeric, 10)}, relative error {fmt(c.error, 2)}"
            )
    if args.hessian and cg.inputs:
        lines += ["", "Second derivatives (differentiating the backward graph):"]
        for row, columns in hessian(cg).items():
            lines.append("  " + ", ".join(
                f"∂²{out}/∂{row}∂{column} = {fmt(value)}" for column, value in columns.items()))
    if args.forward_mode is not None:
        lines += ["", f"Forward mode ({args.forward_mode}):"]
        lines += [f"  {step.caption}" for step in ForwardMode(cg, args.forward_mode).steps]
    return lines


