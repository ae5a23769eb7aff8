"""Backprop Studio: entry point and command line.

`python main.py` opens the window; `python main.py graph ...`, `train ...`, `trace ...` and
`sweep ...` run headless. Each command lives in core/, so this file only parses and dispatches.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli import (desktop as cli_desktop, graph as cli_graph, sweep as cli_sweep, trace as cli_trace,
                      train as cli_train)

from core.project import VERSION as __version__


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but usage errors follow the CLI contract: exit 2, one `error:` line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see `{self.prog} --help`)\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, one subcommand per headless task."""
    parser = _ArgumentParser(
        prog="backprop-studio",
        description="Backprop Studio: see how backpropagation and PyTorch's autograd work.",
        epilog="Without a command the desktop window opens: backprop-studio [SESSION.json] "
        "[--quit-after-first-paint] (see backprop-studio --window-help). "
        "backprop-studio --install-desktop-entry adds it to the desktop's menu "
        "(--uninstall-desktop-entry removes it).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ArgumentParser)
    graph = commands.add_parser(
        "graph", help="build a computation graph, run forward and backward, print the numbers"
    )
    cli_graph.add_arguments(graph)
    train = commands.add_parser(
        "train", help="train the four linear-regression variants side by side"
    )
    cli_train.add_arguments(train)
    trace = commands.add_parser(
        "trace", help="show the graph torch builds for one variant's loss, with torch's gradients"
    )
    cli_trace.add_arguments(trace)
    sweep = commands.add_parser(
        "sweep", help="train from one start at log-spaced learning rates; final loss of each"
    )
    cli_sweep.add_arguments(sweep)
    return parser


HEADLESS_COMMANDS = ("graph", "train", "trace", "sweep")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in (cli_desktop.INSTALL_FLAG, cli_desktop.UNINSTALL_FLAG):
        if len(argv) > 1:
            sys.stderr.write(f"error: {argv[0]} takes no other arguments\n")
            return 2
        return cli_desktop.main(argv[0])
    if argv and _looks_like_a_command(argv[0]):
        sys.stderr.write(
            f"error: unknown command '{argv[0]}' (commands: {', '.join(HEADLESS_COMMANDS)}; "
            "or a session file SESSION.json to open it; see --help)\n"
        )
        return 2
    if not argv or (argv[0] not in HEADLESS_COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        return _open_window(argv)  # the window takes its own options: a session file, ...
    parser = build_parser()
    dashed_source = None
    if argv[0] == "graph":
        try:
            argv, dashed_source = cli_graph.separate_source(argv)
        except cli_graph.UsageError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
    args = parser.parse_args(argv)
    if args.command == "graph":
        args.dashed_source = dashed_source
    try:
        if args.command == "graph":
            return cli_graph.run(args, exporter=_export_graph)
        if args.command == "trace":
            return cli_trace.run(args)
        if args.command == "sweep":
            return cli_sweep.run(args)
        return cli_train.run(args, animator=_export_training)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:  # `graph ... | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    except Exception as error:  # a bug of ours: one line for the user, never a traceback
        sys.stderr.write(
            f"error: internal error ({type(error).__name__}: {error}); please report it\n"
        )
        return 1


def _looks_like_a_command(word: str) -> bool:
    """A bare word that is neither a command, an option nor a session file: a mistyped command."""
    if word in HEADLESS_COMMANDS or word.startswith("-"):
        return False
    return not (word.lower().endswith(".json") or Path(word).exists() or any(c in word for c in "/\\."))


def _open_window(argv: list[str]) -> int:
    from gui.window.app import run as run_window  # Qt loads only when a window is wanted

    return run_window(argv)


def _export_graph(cg, path: str, options: dict) -> str | None:
    """Draw a graph to SVG, PNG, PDF, GIF or MP4 with the GUI's renderer (core never imports Qt);
    returns a note for the user (a PNG scaled down to its size limit) or None."""
    from gui.graph.export import export_graph

    try:
        return export_graph(cg, path, size=options["size"], look=options["theme"])
    except ValueError as error:
        raise cli_graph.UsageError(str(error)) from None


def _export_training(losses: dict, optimum: float, path: str) -> None:
    """Draw the loss curves growing epoch by epoch to a GIF with the GUI's plotting code."""
    from gui.export.loss_frames import export_training

    export_training(losses, optimum, path)


if __name__ == "__main__":
    sys.exit(main())
