"""Gets torch's graph of a variant without importing torch: `main.py trace ... --json` in a QProcess.

The child imports torch, trains the asked number of epochs (training is deterministic, so these
are the parameters the Training page shows), runs one traced step and prints the graph as JSON.
The window stays responsive all along; it only parses the JSON with core.trace_graph.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from core.trace_graph import trace_from_dict

MAIN_SCRIPT = Path(__file__).resolve().parents[1] / "main.py"
TIMEOUT_MS = 60_000  # a fresh torch import takes 2-3 s; a loaded machine can take much longer


class TraceRunner(QObject):
    """Runs one trace at a time in a child process and reports its graph or what went wrong."""

    finished = Signal(object)  # the TensorGraph read from the child's JSON
    failed = Signal(str)  # what went wrong, as a sentence for the user

    def __init__(self, parent: QObject | None = None, timeout_ms: int = TIMEOUT_MS):
        super().__init__(parent)
        self._process: QProcess | None = None
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
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments([str(MAIN_SCRIPT), *arguments])
        process.setWorkingDirectory(str(MAIN_SCRIPT.parent))
        process.finished.connect(lambda code, status, p=process: self._finished(p, code, status))
        process.errorOccurred.connect(lambda error, p=process: self._error(p, error))
        self._process = process
        self.timer.start()
        process.start()

    def cancel(self) -> None:
        """Stop the running trace, if any; nothing is reported for it."""
        process, self._process = self._process, None
        self.timer.stop()
        if process is not None:
            _end(process)

    def _finished(self, process: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if process is not self._process:
            return  # cancelled: its end is no news
        self._process = None
        self.timer.stop()
        output = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        errors = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        process.deleteLater()
        if status != QProcess.ExitStatus.NormalExit:
            self.failed.emit("The tracing process crashed before it finished.")
        elif code != 0:
            self.failed.emit(f"Torch could not trace this variant: {_last_error(errors) or f'exit status {code}'}")
        else:
            try:
                graph = trace_from_dict(json.loads(output))
            except ValueError as error:  # json.JSONDecodeError is a ValueError too
                self.failed.emit(f"The tracing process printed something that is not a graph ({error}).")
                return
            self.finished.emit(graph)

    def _error(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if process is not self._process or error != QProcess.ProcessError.FailedToStart:
            return  # crashes and exits arrive through finished
        self._process = None
        self.timer.stop()
        process.deleteLater()
        self.failed.emit(f"Could not start Python to compute torch's graph ({sys.executable}).")

    def _timed_out(self) -> None:
        if self._process is None:
            return
        self.cancel()
        seconds = self.timer.interval() // 1000
        self.failed.emit(f"Torch took longer than {seconds} s to build the graph, so it was stopped. "
                         "Try again when the computer is less busy.")


def _end(process: QProcess) -> None:
    """Kill a child and wait briefly so no zombie or open pipe is left behind."""
    if process.state() != QProcess.ProcessState.NotRunning:
        process.kill()
        process.waitForFinished(2000)
    process.deleteLater()


def _last_error(text: str) -> str:
    """The child's last `error: ...` line, without the prefix (the CLI prints exactly one)."""
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    return lines[-1][len("error:"):].strip() if lines else ""

