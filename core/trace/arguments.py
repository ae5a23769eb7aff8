"""The `trace` command line the window runs in a child process to get a variant's torch graph."""

from __future__ import annotations

from core.training.request import TrainingRequest


def trace_arguments(variant: str, request: TrainingRequest | None = None) -> list[str]:
    """The `trace VARIANT ... --json` command line that traces `variant` as `request` asks.

    `request.config.epochs` is how many epochs to train before tracing (0: the shared start).
    Without a request: the command's defaults (the bundled data, at the shared start).
    """
    options = request.arguments() if request is not None else []
    return ["trace", variant, *options, "--json"]
