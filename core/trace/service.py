"""A trace computed for the window in a child process: one request in, one JSON message out.

`serve` runs in the child (core.processes.context()); gui/trace/runner.py starts it and reads
the one message. The message is JSON (core.processes.JsonConnection), never a pickle:
`{"graph": trace_to_dict(...)}` or `{"error": "a sentence"}`. The numbers are those `main.py trace VARIANT --json` prints for the
same request: both go through core.training.data.load_spec and trace_from_config.
"""

from __future__ import annotations

import signal
from typing import Any

from core.processes import JsonConnection


def serve(variant: str, request: dict[str, Any], conn: Any) -> None:
    """In the child: trace `variant` as the TrainingRequest JSON `request` asks; send the result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the window's to handle
    try:
        message = {"graph": compute(variant, request)}
    except Exception as error:  # the user reads it in the banner; the window keeps running
        message = {"error": explain(error)}
    try:
        JsonConnection(conn).send(message)
    except (BrokenPipeError, ConnectionResetError, OSError):
        pass  # the window cancelled the trace or closed: nobody to tell
    finally:
        conn.close()


def compute(variant: str, request: dict[str, Any]) -> dict[str, Any]:
    """The trace of `variant` under the request, as `trace_to_dict` gives it."""
    import torch

    from core.trace.tracer import trace_from_config, trace_to_dict
    from core.training.data import load_spec
    from core.training.request import TrainingRequest

    torch.set_num_threads(1)  # tiny tensors: see core/cli/train.py
    parsed = TrainingRequest.from_json(request)
    _table, prepared = load_spec(parsed.data)
    return trace_to_dict(trace_from_config(prepared, parsed.config, variant))


def explain(error: Exception) -> str:
    """What went wrong, for the banner: the message of an expected error, else its kind too."""
    from core.trace.tracer import TraceError
    from core.training.data import DataError
    from core.training.request import RequestError

    if isinstance(error, (TraceError, DataError, RequestError)):
        return str(error)
    return f"internal error ({type(error).__name__}: {error}); please report it"


def check(message: Any) -> dict[str, Any]:
    """The child's message (in the window): {"graph": ...} or {"error": ...}; ValueError if neither."""
    if not isinstance(message, dict) or not ({"graph", "error"} & message.keys()):
        raise ValueError("neither a graph nor an error")
    return message
