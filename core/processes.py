"""Where the window's torch processes come from: training (core.training.worker) and traces.

The window never imports torch. On Linux its child processes are forked from a fork server: a
fresh interpreter of its own (not a fork of the Qt process) that imports `PRELOAD` once, so every
child after the first starts with torch loaded, in ~50 ms instead of seconds (a restart after
Reset or a kill, every torch graph asked for). Elsewhere each child is a fresh interpreter (spawn).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
from typing import Any, Iterator

# Imports only, no tensor operation: the server stays single-threaded (OpenBLAS parks its pool
# at fork), so forking it is safe; tests/core/test_processes.py forks from this state and trains.
PRELOAD = ("torch", "torch.optim", "torch._dynamo", "pandas", "core.training.data",
           "core.training.registry", "core.training.run", "core.training.variants",
           "core.training.worker", "core.trace.tracer", "core.trace.service")

# numpy's OpenBLAS (the landscape grids) starts one thread per core, and they spin between
# calls: the landscape cost 4x its single-thread CPU time and took the window's core. It reads
# this when numpy loads, in the fork server's preload or a spawned child's first imports.
CHILD_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1"}


def context() -> Any:
    """The multiprocessing context for torch children: a torch-loaded fork server on Linux, else spawn."""
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(list(PRELOAD))
        return forkserver
    return multiprocessing.get_context("spawn")


def start(process: Any) -> None:
    """Start a child of `context()` with CHILD_ENVIRONMENT (where the user has not set it).

    The first start also starts the fork server, which copies the environment then.
    """
    with _child_environment(CHILD_ENVIRONMENT):
        process.start()


@contextlib.contextmanager
def _child_environment(variables: dict[str, str]) -> Iterator[None]:
    """Set the variables the user has not set while a child starts (it copies them), then remove them."""
    added = [name for name in variables if name not in os.environ]
    os.environ.update({name: variables[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


class JsonConnection:
    """One end of a multiprocessing pipe that carries JSON, never pickles.

    A message is plain data (dicts with string keys, lists, strings, numbers, true/false, null);
    tuples arrive as lists, floats exactly (repr round-trips), NaN and infinities as themselves.
    """

    MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # far above any real message; a guard, not a limit

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def send(self, message: Any) -> None:
        """Send `message` as one JSON text."""
        self._connection.send_bytes(json.dumps(message, separators=(",", ":")).encode("utf-8"))

    def recv(self) -> Any:
        """The next message, waiting for it (EOFError when the other end is closed)."""
        return json.loads(self._connection.recv_bytes(self.MAX_MESSAGE_BYTES).decode("utf-8"))

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether a message (or the end) is waiting, waiting at most `timeout` seconds."""
        return self._connection.poll(timeout)

    def fileno(self) -> int:
        """The pipe's descriptor, to watch for readability."""
        return self._connection.fileno()

    def close(self) -> None:
        """Close this end."""
        self._connection.close()

    @property
    def closed(self) -> bool:
        """Whether this end is closed."""
        return self._connection.closed
