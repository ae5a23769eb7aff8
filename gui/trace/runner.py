"""Gets torch's graph of a variant without importing torch: `main.py trace ... --json` in a QProcess.

The child imports torch, trains the asked number of epochs (training is deterministic, so these
are the parameters the Training page shows), runs one traced step and prints the graph as JSON.
The window stays responsive all along; it only parses the JSON with core.trace.graph.
"""

from __future__ import annotations

import logging
import json
import sys

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from core.formatting import fmt
from core.trace.graph import trace_from_dict

log = logging.getLogger(__name__)
from core.project import MAIN_SCRIPT  # noqa: E402
TIMEOUT_MS = 60_000  # a fresh torch import takes 2-3 s; a loaded machine can take much longer


class TraceRunner(QObject):
    """Runs one trace at a time in a child process and reports its graph or what went wrong."""

    finished = Signal(object)  # the TensorGraph read from the child's JSON
    failed = Signal(str)  # what went wrong, as a sentence for the user

    def __init__(self, parent: QObject | None = None, timeout_ms: int = TIMEOUT_MS):
        super().__init__(parent)
        self._process: QProcess | None = None
        self._spent: QProcess | None = None  # the last ended child, deleted when the next one starts
        self.last_payload: dict | None = None  # the JSON the last finished trace printed, parsed
        self.timer = QTimer(self)
        self.timer.setObjectName("traceTimeout")
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self._timed_out)

    def is_running(self) -> bool:
        """Whether a trace is being computed."""
        return self._process is not None

    def start(self, arguments: list[str]) -> None:
        """Run `main.py` with `arguments` (a `trace ... --json` command); a running trace is dropped."""
        self.cancel()
        if self._spent is not None:
            # Deleted here, never from its own finished signal: PySide 6.11 crashed when a
            # process deleted there outlived its runner's Python wrapper.
            self._spent.deleteLater()
            self._spent = None
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments([str(MAIN_SCRIPT), *arguments])
        process.setWorkingDirectory(str(MAIN_SCRIPT.parent))
        process.finished.connect(self._finished)  # bound methods: gone with the runner, unlike lambdas
        process.errorOccurred.connect(self._error)
        self._process = process
        self.timer.start()
        process.start()

    def cancel(self) -> None:
        """Stop the running trace, if any; nothing is reported for it."""
        process, self._process = self._process, None
        self.timer.stop()
        if process is not None:
            _end(process)
            self._retire(process)

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        process = self.sender()
        if process is None or process is not self._process:
            return  # cancelled: its end is no news
        self._process = None
        self.timer.stop()
        output = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        errors = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        self._retire(process)
        if status != QProcess.ExitStatus.NormalExit:
            self.failed.emit("The tracing process crashed before it finished.")
        elif code != 0:
            log.warning("Tracing failed (exit status %s); it printed:\n%s", code, errors.strip())
            self.failed.emit(f"Torch could not trace this variant: {_last_error(errors) or f'exit status {code}'}")
        else:
            try:
                self.last_payload = json.loads(output)
                graph = trace_from_dict(self.last_payload)
            except ValueError as error:  # json.JSONDecodeError is a ValueError too
                self.failed.emit(f"The tracing process printed something that is not a graph ({error}).")
                return
            self.finished.emit(graph)

    def _error(self, error: QProcess.ProcessError) -> None:
        process = self.sender()
        if process is None or process is not self._process or error != QProcess.ProcessError.FailedToStart:
            return  # crashes and exits arrive through finished
        self._process = None
        self.timer.stop()
        self._retire(process)
        self.failed.emit(f"Could not start Python to compute torch's graph ({sys.executable}).")

    def _retire(self, process: QProcess) -> None:
        if self._spent is not None and self._spent is not process:
            self._spent.deleteLater()
        self._spent = process

    def _timed_out(self) -> None:
        if self._process is None:
            return
        self.cancel()
        seconds = fmt(self.timer.interval() / 1000)
        self.failed.emit(f"Torch took longer than {seconds} s to build the graph, so it was stopped. "
                         "Try again when the computer is less busy.")


def _end(process: QProcess) -> None:
    """Kill a child and wait briefly so no zombie or open pipe is left behind."""
    if process.state() != QProcess.ProcessState.NotRunning:
        process.kill()
        process.waitForFinished(2000)


def _last_error(text: str) -> str:
    """The child's last `error: ...` line, without the prefix (the CLI prints exactly one)."""
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    return lines[-1][len("error:"):].strip() if lines else ""

