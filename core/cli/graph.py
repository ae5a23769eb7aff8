"""`main.py graph`: build a graph from text, run it forward and backward, print the numbers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

from core import animation
from core.engine import explain
from core.formatting import fmt, shorten
from core.engine.graph import ComputationGraph, GraphError, build_graph
from core.engine.graph_json import graph_to_dict
from core.engine.parse import MAX_CHARACTERS, ParseError, did_you_mean
from core.cli import graph_lab
from core.files import FileReadError, read_stream_limited, strip_bom
from core.teach.presets import BY_KEY


class UsageError(ValueError):
    """A command-line value that cannot be used, with a message for the user."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `graph`."""
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE",
        help="a formula like 'relu(w*x + b)' or assignments like 'u = w*x; a = relu(u + b)'; "
        "'-' reads it from standard input",
    )
    parser.add_argument(
        "--set", dest="assignments", action="extend", nargs="+", default=[], metavar="NAME=VALUE",
        help="give an input its value (overrides a value set in the text)",
    )
    parser.add_argument("--preset", choices=sorted(BY_KEY), help="use a built-in formula instead of SOURCE")
    parser.add_argument("--json", action="store_true", help="print one strict JSON object")
    parser.set_defaults(dashed_source=None)  # the formula after `--`, taken out by separate_source
    parser.add_argument(
        "--export", metavar="FILE",
        help="also draw the graph to FILE: .svg or .png draw the end state with every value and "
        ".pdf (a slide per step), .gif (a frame per step) or .mp4 (with the optional "
        "imageio-ffmpeg) the whole step-through",
    )
    width, height = animation.DEFAULT_SIZE
    parser.add_argument(
        "--size", default=f"{width}x{height}", metavar="WxH",
        help=f"frame size of a .pdf, .gif or .mp4 export (default: {width}x{height})",
    )
    parser.add_argument(
        "--theme", choices=animation.THEMES, default=None,
        help=f"look of the export (default: {animation.DEFAULT_THEME} for .pdf/.gif, "
        "the window's light look for .svg/.png)",
    )
    graph_lab.add_arguments(parser)


ExportOptions = dict  # {"size": (width, height), "theme": name or None}
Exporter = Callable[[ComputationGraph, str, ExportOptions], "str | None"]  # returns a note for the user, or None


def run(args: argparse.Namespace, exporter: Exporter | None = None) -> int:
    """Run `graph`; print the result or a one-line error. Returns the exit status.

    `exporter` draws the graph to a file; main.py passes the GUI's, since core never imports Qt.
    """
    try:
        if args.dashed_source is not None:
            if args.source is not None:
                raise UsageError(f"two formulas given: '{args.source}' and '{args.dashed_source}'")
            args.source = args.dashed_source
        options = _export_options(args)
        source = _source(args)
        cg = build_graph(source)
        cg.evaluate(_values(args.assignments, cg))
        graph_lab.check(args, cg)
        if args.export:
            if exporter is None:
                raise UsageError("--export is not available here")
            note = exporter(cg, args.export, options)
            if note:
                print(f"note: {note}", file=sys.stderr)
    except (ParseError, GraphError, UsageError, animation.OptionError, graph_lab.LabUsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot write {args.export}: {error.strerror or error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(graph_lab.json_fields(args, cg, graph_to_dict(cg)), allow_nan=False, ensure_ascii=False))
    else:
        print("\n".join([report(cg), *graph_lab.report_lines(args, cg)]))
    return 0


def _export_options(args: argparse.Namespace) -> ExportOptions:
    """Check --export, --size and --theme before any work: a bad option costs nothing."""
    suffixes = animation.IMAGE_SUFFIXES + animation.STEP_SUFFIXES
    if args.export and not args.export.lower().endswith(suffixes):
        raise UsageError(f"--export {args.export}: the file name must end in .svg, .png, .pdf, .gif or .mp4")
    if args.export:
        animation.check_target(args.export, suffixes)
    return {"size": animation.parse_size(args.size), "theme": args.theme}


def _source(args: argparse.Namespace) -> str:
    if args.preset and args.source:
        raise UsageError("give either SOURCE or --preset, not both")
    if args.preset:
        return BY_KEY[args.preset].source
    if args.source is None:
        raise UsageError("no formula given: try  graph 'relu(w*x + b)' --set x=3 w=2 b=1")
    return _read_stdin() if args.source == "-" else args.source


def _read_stdin() -> str:
    """The formula from standard input, read up to a bound (`graph - < /dev/zero` must end)."""
    limit = 4 * MAX_CHARACTERS  # UTF-8 takes at most 4 bytes a character
    try:
        data = read_stream_limited(sys.stdin.buffer, limit, what="formula on standard input")
    except FileReadError as error:
        raise UsageError(f"{error} (a formula has at most {MAX_CHARACTERS:,} characters)") from None
    try:
        return strip_bom(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError("the formula on standard input is not UTF-8 text") from None


def separate_source(argv: list[str]) -> tuple[list[str], str | None]:
    """Take the formula after `--` out of `graph`'s arguments, so options may follow it.

    `graph -- "-x*y" --set x=1 y=2`: argparse would read everything after `--` as positional;
    a formula starting with "-" needs the `--`, and its options still come after it.
    """
    if "--" not in argv:
        return argv, None
    at = argv.index("--")
    if at + 1 >= len(argv):
        raise UsageError("'--' must be followed by the formula, like  graph -- \"-x*y\" --set x=1 y=2")
    return argv[:at] + argv[at + 2:], argv[at + 1]


def _values(assignments: list[str], cg: ComputationGraph) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in assignments:
        name, equals, text = (part.strip() for part in item.partition("="))
        if not equals or not name:
            raise UsageError(f"--set expects NAME=VALUE, got '{shorten(item)}'")
        if name not in cg.input_nodes:
            known = ", ".join(cg.inputs) or "none"
            raise UsageError(f"--set {item}: the formula has no input named '{name}'"
                             f"{did_you_mean(name, cg.inputs)} (its inputs: {known})")
        try:
            values[name] = float(text)
        except ValueError:
            raise UsageError(f"--set {shorten(item)}: '{shorten(text)}' is not a number") from None
    return values


def report(cg: ComputationGraph) -> str:
    """A readable table of every node, then the chain rule for each input."""
    out = explain.output_symbol(cg)
    rows = [("node", "kind", "value", f"∂{out}/∂node")]
    for node_id in cg.nodes:
        data = cg.node(node_id)
        if data["kind"] == "op":  # an unnamed node is its expression, brackets and all
            name = data["expr"] if data["symbol"] in (data["expr"], f"({data['expr']})") else (
                f"{data['symbol']} = {data['expr']}")
            kind = data["op"]
        else:
            name, kind = data["label"], data["kind"]
        grad = "-" if data["grad"] is None else fmt(data["grad"])
        rows.append((name, kind, fmt(data["value"]), grad))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append("")
    lines.append(f"Output: {out} = {fmt(cg.value(cg.output))}")
    if cg.inputs:
        lines.append("Chain rule for each input:")
        lines += [f"  {explain.derivation(cg, name)}" for name in cg.inputs]
    return "\n".join(lines)
