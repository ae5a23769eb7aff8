"""Where the window's torch processes come from: training (core.training.worker) and traces.

The window never imports torch. On Linux its child processes are forked from a fork server: a
fresh interpreter of its own (not a fork of the Qt process) that imports `PRELOAD` once, so every
child after the first starts with torch loaded, in ~50 ms instead of seconds (a restart after
Reset or a kill, every torch graph asked for). Elsewhere each child is a fresh interpreter (spawn).
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import Any

# Imports only, no tensor operation: the server stays single-threaded (OpenBLAS parks its pool
# at fork), so forking it is safe; tests/core/test_processes.py forks from this state and trains.
PRELOAD = ("torch", "torch.optim", "torch._dynamo", "pandas", "core.training.data",
           "core.training.registry", "core.training.run", "core.training.variants",
           "core.training.worker", "core.trace.tracer", "core.trace.service")


def context() -> Any:
    """The multiprocessing context for torch children: a torch-loaded fork server on Linux, else spawn."""
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(list(PRELOAD))
        return forkserver
    return multiprocessing.get_context("spawn")
