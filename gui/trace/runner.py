"""Gets torch's graph of a variant without importing torch: core.trace.service in a child process.

The child (forked from the torch-loaded server of core.processes on Linux, so it answers in a
fraction of a second) trains the asked number of epochs (training is deterministic, so these are
the parameters the Training page shows), runs one traced step and sends the graph as one JSON
message. The window stays responsive all along: it polls the pipe, never blocks on it, and only
parses the JSON with core.trace.graph.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from core import processes
from core.formatting import fmt
from core.trace import service
from core.trace.graph import trace_from_dict
from core.training.request import TrainingRequest

log = logging.getLogger(__name__)
TIMEOUT_MS = 60_000  # a first torch import takes 2-3 s; a loaded machine can take much longer
POLL_MS = 25  # how often the pipe is looked at while a trace runs
JOIN_SECONDS = 0.05  # an ended child is reaped at once; a killed one within this


class TraceRunner(QObject):
    """Runs one trace at a time in a child process and reports its graph or what went wrong."""

    finished = Signal(object)  # the TensorGraph read from the child's JSON
    failed = Signal(str)  # what went wrong, as a sentence for the user

    def __init__(self, parent: QObject | None = None, timeout_ms: int = TIMEOUT_MS,
                 target: Callable[[str, dict, Any], None] = service.serve):
        super().__init__(parent)
        self._target = target  # runs in the child: (variant, request JSON, connection)
        self._context = processes.context()
        self._process: Any = None
        self._conn: Any = None
        self.last_payload: dict | None = None  # the graph JSON of the last finished trace
        self.timer = QTimer(self)
        self.timer.setObjectName("traceTimeout")
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self._timed_out)
        self._poll = QTimer(self)
        self._poll.setObjectName("tracePoll")
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)

    def is_running(self) -> bool:
        """Whether a trace is being computed."""
        return self._process is not None

    def start(self, variant: str, request: TrainingRequest | None = None) -> None:
        """Trace `variant` as `request` asks (None: the defaults); a running trace is dropped."""
        self.cancel()
        request = request if request is not None else TrainingRequest()
        ours, theirs = self._context.Pipe(duplex=False)
        process = self._context.Process(target=self._target, args=(variant, request.to_json(), theirs),
                                        name="backprop-studio-trace", daemon=True)
        try:
            processes.start(process)
        except OSError as error:
            ours.close()
            theirs.close()
            self.failed.emit(f"Could not start the process that computes torch's graph ({error}).")
            return
        theirs.close()  # only the child holds it now, so its end reads as end-of-file here
        self._process, self._conn = process, processes.JsonConnection(ours)
        self.timer.start()
        self._poll.start()

    def cancel(self) -> None:
        """Stop the running trace, if any; nothing is reported for it."""
        self._end(kill=True)

    def _check(self) -> None:
        if self._conn is None:
            return
        try:
            if not self._conn.poll():
                return
            received = self._conn.recv()
        except (EOFError, OSError):  # it ended without a word
            code = self._end(kill=False)
            said = f" (exit status {code})" if code not in (None, 0) else ""
            self.failed.emit(f"The tracing process ended{said} before it finished.")
            return
        except ValueError as error:  # not JSON (json.JSONDecodeError and UnicodeDecodeError are)
            self._end(kill=False)
            self.failed.emit(f"The tracing process sent something that is not a graph ({error}).")
            return
        self._end(kill=False)
        try:
            message = service.check(received)
            if "error" in message:
                self.failed.emit(f"Torch could not trace this variant: {message['error']}")
                return
            graph = trace_from_dict(message["graph"])
        except (ValueError, KeyError, TypeError) as error:
            self.failed.emit(f"The tracing process sent something that is not a graph ({error}).")
            return
        self.last_payload = message["graph"]
        self.finished.emit(graph)

    def _end(self, kill: bool) -> int | None:
        """Forget the child: close the pipe, end it (killed if asked), reap it; its exit code."""
        process, conn, self._process, self._conn = self._process, self._conn, None, None
        self.timer.stop()
        self._poll.stop()
        if conn is not None:
            conn.close()
        if process is None:
            return None
        if kill and process.is_alive():
            process.kill()
        process.join(JOIN_SECONDS)
        code = process.exitcode
        if code is not None:
            process.close()
        return code

    def _timed_out(self) -> None:
        if self._process is None:
            return
        self.cancel()
        seconds = fmt(self.timer.interval() / 1000)
        self.failed.emit(f"Torch took longer than {seconds} s to build the graph, so it was stopped. "
                         "Try again when the computer is less busy.")
