"""The `trace` command line the window runs in a child process to get a variant's torch graph."""

from __future__ import annotations


def trace_arguments(variant: str, data: dict | None = None, config: dict | None = None) -> list[str]:
    """The `trace VARIANT ... --json` command line for a training page's data and config dicts.

    Keys left out keep the command's defaults; `config["epochs"]` is how many epochs to train
    before tracing (0: the shared start).
    """
    data, config = data or {}, config or {}
    options = [
        ("--data", data.get("path")),
        ("--features", ",".join(data["features"]) if data.get("features") else None),
        ("--target", data.get("target")),
        ("--shift", data.get("shift")),
        ("--seed", data.get("seed")),
        ("--test-fraction", data.get("test_fraction")),
        ("--epochs", config.get("epochs")),
        ("--lr", config.get("lr")),
        ("--activation", config.get("activation")),
        ("--init", config.get("init")),
    ]
    arguments = ["trace", variant]
    for option, value in options:
        if value is not None:
            arguments += [option, repr(value) if isinstance(value, float) else str(value)]
    if config.get("manual_relu_derivative") is False:
        arguments.append("--manual-as-notebook")
    return arguments + ["--json"]
