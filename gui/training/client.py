"""The GUI's side of the training process: start it, talk to it, notice when it dies, end it.

One child process owns torch and trains; this QObject owns that process and its end of the pipe.
On Linux the process comes from a fork server that has already imported torch (see
core/processes.py), so a restart after Reset or a kill is ready in ~50 ms instead of seconds;
elsewhere it is a fresh interpreter (spawn). Incoming messages are read when the pipe becomes readable (a
QSocketNotifier on its file descriptor; on Windows, where pipes are not sockets, a 60 Hz timer
polls instead), never by blocking. Protocol: core/training/worker.py.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
import weakref
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from core import processes
from core.training import worker as training_worker
from core.training.request import TrainingRequest

log = logging.getLogger(__name__)
DRAIN_BUDGET_SECONDS = 0.008  # read at most this long per wake-up, then let the window paint
POLL_INTERVAL_MS = 16  # Windows only: how often the pipe is polled
QUIT_TIMEOUT_SECONDS = 0.1  # a cooperative quit takes a few ms; past this the process is ended
STOP_TIMEOUT_SECONDS = 0.1  # Reset waits this long at most on the GUI thread, then moves on
# The watchdog: after Start or Stop the process must say something within this many seconds
# (it sends records every ~16 ms while training); silence means it hangs (say, SIGSTOP).
ANSWER_TIMEOUT_SECONDS = 5.0
IMPORT_TIMEOUT_SECONDS = 120.0  # the same while the process still imports torch


class TrainingClient(QObject):
    """Owns the training process and the pipe; turns its messages into signals."""

    ready = Signal(float)  # the process has imported torch: seconds it took
    run_started = Signal(object)  # dict: closed_form, sample_targets, train_rows, initial, ...
    records_received = Signal(object)  # dict: variant -> {epoch, mse, weights, bias, status, active}
    predictions_received = Signal(object)  # dict: epoch, variants (name -> predictions on samples)
    finished = Signal(object)  # dict: the run's final result (stopped_early says if a stop ended it)
    failed = Signal(str, str)  # kind ("data", "config" or "crash"), message in plain language
    died = Signal(str)  # the training process ended unexpectedly: how, in plain language
    landscape_received = Signal(object)  # dict: stage ("start", "epoch", "end"; None: not
    # kept by the process), epoch, feature_names, pairs, lr_stability_bound, ...
    landscape_progress = Signal(int, int)  # a slow landscape: parameter pairs done, of how many
    sweep_point = Signal(object)  # dict: lr, status, final_train_mse (one learning rate finished)
    sweep_finished = Signal(object)  # dict: runs, lr_stability_bound, stopped_early
    sweep_failed = Signal(str, str)  # kind ("data", "config"), message in plain language

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingClient")
        self._context = processes.context()
        self._process: Any = None
        self._conn: Any = None
        self._notifier: QSocketNotifier | None = None
        self._poll_timer: QTimer | None = None
        self._finalizer: Any = None
        self._ready = False
        self._run_id = 0
        self._running = False  # a run was started and its finished/failed has not arrived yet
        self._sweep_id = 0
        self._sweeping = False  # a sweep was started and its end has not arrived yet
        self._silent = False  # while stop_and_wait discards a run's last messages
        self._awaited_run: int | None = None  # the run whose end (finished/failed) is still due
        self._awaited_sweep: int | None = None  # the sweep in progress: it beats until it ends
        self._awaited_landscape: int | None = None  # a finished run's landscape, asked for
        self._landscape_run: int | None = None  # the run whose landscape may still arrive
        self._landscape_wanted = True  # whether the page shows the landscape (told at each start)
        # The watchdog: armed while an answer is due, restarted by every message, fired by silence
        self._watchdog = QTimer(self)
        self._watchdog.setObjectName("trainingWatchdog")
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._unresponsive)

    # ----- state ----------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The training process's id, or None when there is none."""
        return self._process.pid if self._process is not None else None

    def is_alive(self) -> bool:
        """Whether the training process exists and has not exited."""
        return self._process is not None and self._process.is_alive()

    def is_ready(self) -> bool:
        """Whether the training process has imported torch and waits for commands."""
        return self._ready and self.is_alive()

    def is_running(self) -> bool:
        """Whether a run is in progress (started, and no result or failure yet)."""
        return self._running

    # ----- commands -------------------------------------------------------------------------

    def start_process(self) -> None:
        """Start the training process in the background, unless one is already there."""
        if self._process is not None:
            return
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=training_worker.serve, args=(theirs,),
                                        name="backprop-studio-training", daemon=True)
        processes.start(process)
        theirs.close()  # only the child holds that end now, so its exit reads as end-of-file here
        ours = processes.JsonConnection(ours)  # plain data both ways: JSON, never a pickle
        self._process, self._conn, self._ready = process, ours, False
        # If this object is collected without shutdown(), the process still goes.
        self._finalizer = weakref.finalize(self, _end_process, process, ours, 0.5)
        if sys.platform == "win32":
            self._poll_timer = QTimer(self)
            self._poll_timer.setObjectName("trainingPipePoll")
            self._poll_timer.setInterval(POLL_INTERVAL_MS)
            self._poll_timer.timeout.connect(self._drain)
            self._poll_timer.start()
        else:
            self._notifier = QSocketNotifier(ours.fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._drain)

    def start_run(self, request: TrainingRequest, pace: float | None,
                  landscape: bool = True) -> int:
        """Ask for a run of `request` (starting a fresh process if needed); return its id.

        `pace`: epochs per second, None for full speed. `landscape`: whether the landscape shows
        (only then does the run compute its start and end stages). The order waits in the pipe
        while a new process is still importing torch.
        """
        self.start_process()
        self._run_id += 1
        self._running = True
        self._landscape_run, self._awaited_landscape = self._run_id, None
        self._landscape_wanted = landscape
        order = {"run": self._run_id, "request": request.to_json(), "pace": pace,
                 "landscape": landscape}
        self._send("start", order)
        self._await_answer()
        return self._run_id

    def want_landscape(self, wanted: bool, ask: bool = False) -> bool:
        """Say whether the landscape shows; with `ask`, also ask for the last run's landscape now.

        Asked mid-run, the grid comes between rounds (unless the run already sent one); asked
        after the run, the process sends its end stage and the watchdog waits for it. False when
        nothing can answer (no run whose landscape is due, or no process): say so instead.
        """
        run = self._landscape_run if ask else None
        if ask and (run is None or not self.is_alive()):
            return False
        if wanted != self._landscape_wanted or run is not None:
            self._landscape_wanted = wanted
            self._send("landscape", {"wanted": wanted, "run": run})
        if run is not None and not self._running and self._process is not None:
            self._awaited_landscape = run  # the idle process must answer: silence means a hang
            self._restart_watchdog()
        return True

    def start_sweep(self, request: TrainingRequest, rates: list[float]) -> int:
        """Ask for a learning-rate sweep of `request` at `rates`; return its id (no run meanwhile)."""
        self.start_process()
        self._sweep_id += 1
        self._sweeping = True
        self._send("sweep", {"sweep": self._sweep_id, "request": request.to_json(),
                             "rates": list(rates)})
        if self._process is not None:  # the whole sweep long: it sends sweep_alive meanwhile
            self._awaited_sweep = self._sweep_id
            self._restart_watchdog()
        return self._sweep_id

    def is_sweeping(self) -> bool:
        """Whether a sweep is in progress."""
        return self._sweeping

    def stop_sweep(self) -> None:
        """Ask the sweep to end after the learning rate in progress; what ran still arrives."""
        if self._sweeping:
            self._send("stop")

    def pause(self) -> None:
        """Hold the run after the epoch in progress."""
        self._send("pause")

    def resume(self) -> None:
        """Continue a paused run."""
        self._send("resume")

    def set_pace(self, epochs_per_second: float | None) -> None:
        """Change the pace now: epochs per second, or None for as fast as possible."""
        self._send("pace", epochs_per_second)

    def stop(self) -> None:
        """Ask the run to end after the epoch in progress; its results still arrive (finished)."""
        if self._running:
            self._send("stop")
            self._await_answer()

    def stop_and_wait(self, timeout: float = STOP_TIMEOUT_SECONDS, discard: bool = True) -> bool:
        """Stop the run and wait briefly (never long enough to freeze the window); True if it
        ended in time.

        With `discard`, the run's last records and result are dropped instead of emitted (Reset
        and a new dataset throw them away anyway). A run that has not ended in time is forgotten
        here (its late messages are ignored, and the process takes the next Start as usual);
        the watchdog ends the process if it then stays silent.
        """
        if discard:  # nobody shows that run's landscape any more
            self._landscape_run = self._awaited_landscape = None
        if not self._running:
            return True
        self._send("stop")
        self._await_answer()
        deadline = time.monotonic() + timeout
        self._silent = discard
        try:
            while self._running and self._conn is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                if self._conn.poll(min(remaining, 0.05)):
                    self._drain()
        finally:
            self._silent = False
        if self._running:
            self._running = False  # late messages of this run are dropped by _dispatch
            return False
        return True

    def shutdown(self, timeout: float = QUIT_TIMEOUT_SECONDS) -> None:
        """End the process: ask it to quit, wait, then terminate and kill. Never leaves an orphan.

        A process still importing torch reads no commands yet and has nothing to lose: it is
        terminated at once instead of being waited for (a window closed right after opening
        must not hang for the import's seconds).
        """
        self._running = self._sweeping = False
        process, conn = self._process, self._conn
        if process is None:
            return
        ready = self._ready and self._awaited_run is None  # a silent process gets no grace time
        self._forget_process()
        _end_process(process, conn, timeout if ready else 0.0)

    # ----- incoming -------------------------------------------------------------------------

    def _send(self, name: str, payload: Any = None) -> None:
        if self._conn is None:
            return
        try:
            self._conn.send((name, payload))
        except (BrokenPipeError, ConnectionResetError, OSError):
            self._process_died()

    def _drain(self) -> None:
        """Handle every message waiting (for a few milliseconds at most), without blocking."""
        deadline = time.monotonic() + DRAIN_BUDGET_SECONDS
        while self._conn is not None:
            try:
                if not self._conn.poll():
                    return
                name, payload = self._conn.recv()
            except (EOFError, ConnectionResetError, OSError):
                self._process_died()
                return
            self._dispatch(name, payload)
            if time.monotonic() > deadline:
                return  # the rest on the next wake-up: the notifier fires while data waits

    def _await_answer(self) -> None:
        """Arm the watchdog: the run in progress must answer (or end) before it fires."""
        if self._process is None:
            return
        self._awaited_run = self._run_id
        self._restart_watchdog()

    def _restart_watchdog(self) -> None:
        seconds = ANSWER_TIMEOUT_SECONDS if self._ready else IMPORT_TIMEOUT_SECONDS
        self._watchdog.start(int(seconds * 1000))

    def _heard(self, name: str, payload: Any) -> None:
        """Any message shows the process is alive: restart the watchdog, or disarm it once the
        awaited run has ended (or, after Start, has started) and no sweep is going."""
        payload = payload if isinstance(payload, dict) else {}
        run, sweep = payload.get("run"), payload.get("sweep")
        if self._awaited_run is not None and run == self._awaited_run and (
                name in ("finished", "failed") or name == "started" and self._running):
            self._awaited_run = None
        if sweep is not None and sweep == self._awaited_sweep and \
                name in ("sweep_finished", "sweep_failed"):
            self._awaited_sweep = None
        if run is not None and run == self._awaited_landscape and name in ("landscape", "failed"):
            self._awaited_landscape = None
        if self._awaited_run is None and self._awaited_sweep is None \
                and self._awaited_landscape is None:
            self._watchdog.stop()
        else:
            self._restart_watchdog()

    def _unresponsive(self) -> None:
        """The watchdog fired: the process said nothing for too long. End it without waiting."""
        seconds = self._watchdog.interval() / 1000
        taken = self._take_process()
        if taken is None:
            return
        process, conn, _was_running = taken
        _kill_now(process, conn)
        log.warning("The training process did not answer for %.0f s and was ended", seconds)
        self.died.emit(f"The training process stopped answering (nothing for {seconds:.0f} s), "
                       "so it was ended.")

    def _dispatch(self, name: str, payload: Any) -> None:
        if self._awaited_run is not None or self._awaited_sweep is not None \
                or self._awaited_landscape is not None:
            self._heard(name, payload)
        if name == "ready":
            self._ready = True
            self.ready.emit(float(payload.get("import_seconds", 0.0)))
            return
        if name.startswith("sweep_"):
            self._sweep_message(name, payload)
            return
        if name.startswith("landscape"):  # it may come after the run's end, when asked for
            self._landscape_message(name, payload)
            return
        if payload.get("run") != self._run_id or not self._running:
            return  # left over from a run that was stopped and forgotten
        if self._silent:
            self._running = name not in ("finished", "failed")
            return
        if name == "records":
            self.records_received.emit(payload["variants"])
        elif name == "predictions":
            self.predictions_received.emit(payload)
        elif name == "started":
            self.run_started.emit(payload)
        elif name == "finished":
            self._running = False
            self.finished.emit(payload)
        elif name == "failed":
            self._running = False
            self.failed.emit(payload["kind"], payload["message"])

    def _landscape_message(self, name: str, payload: Any) -> None:
        if payload.get("run") != self._landscape_run or self._silent:
            return  # a run that was reset or forgotten
        if name == "landscape":
            self.landscape_received.emit(payload)
        elif name == "landscape_progress":
            self.landscape_progress.emit(int(payload["done"]), int(payload["total"]))

    def _sweep_message(self, name: str, payload: Any) -> None:
        if payload.get("sweep") != self._sweep_id or not self._sweeping:
            return
        if name == "sweep_run":
            self.sweep_point.emit(payload)
        elif name == "sweep_finished":
            self._sweeping = False
            self.sweep_finished.emit(payload)
        elif name == "sweep_failed":
            self._sweeping = False
            self.sweep_failed.emit(payload["kind"], payload["message"])

    def _process_died(self) -> None:
        """The pipe closed without a quit: collect the process and say how it ended."""
        taken = self._take_process()
        if taken is None:
            return
        process, conn, was_running = taken
        how = _exit_description(_end_process(process, conn, 1.0))
        during = " during training" if was_running else ""
        log.warning("The training process stopped unexpectedly%s (%s)", during, how)
        self.died.emit(f"The training process stopped unexpectedly{during} ({how}).")

    def _take_process(self) -> tuple[Any, Any, bool] | None:
        """Detach the process and pipe from this client: (process, conn, was a run going), or None."""
        process, conn, was_running = self._process, self._conn, self._running
        if process is None:
            return None
        self._running = self._sweeping = False
        self._forget_process()
        return process, conn, was_running

    def _forget_process(self) -> None:
        self._watchdog.stop()
        self._awaited_run = self._awaited_sweep = self._awaited_landscape = None
        self._landscape_run = None  # a new process keeps no run: nothing to ask it for
        if self._notifier is not None:
            self._notifier.setEnabled(False)  # before the descriptor closes
            self._notifier.deleteLater()
            self._notifier = None
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer.deleteLater()
            self._poll_timer = None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        self._process = self._conn = None
        self._ready = False


def _end_process(process: Any, conn: Any, timeout: float) -> int | None:
    """Ask a training process to quit, read what it still sends, then kill it.

    Returns its exit code (negative: the signal that ended it).
    """
    exitcode = None
    if _is_closed(process):  # already ended and released (say, by the exit-time finalizer)
        if conn is not None:
            conn.close()
        return None
    try:
        if conn is not None and not conn.closed:
            try:
                conn.send(("quit", None))
            except OSError:
                pass
            deadline = time.monotonic() + timeout
            # Keep reading while waiting: a process blocked on a full pipe could never quit.
            while process.is_alive() and time.monotonic() < deadline:
                try:
                    if conn.poll(0.02):
                        conn.recv()
                except (EOFError, OSError):
                    break
        process.join(max(0.0, timeout))
        if process.is_alive():
            # SIGKILL, not SIGTERM: a stopped (SIGSTOP) process stays stopped on SIGTERM, and
            # the window would wait for it; the quit above was its chance to end cleanly
            process.kill()
            process.join(1.0)
        exitcode = process.exitcode
    finally:
        if conn is not None:
            conn.close()
        if not process.is_alive():
            process.close()
    return exitcode


def _kill_now(process: Any, conn: Any) -> None:
    """SIGKILL a hung process (even a stopped one dies at once) and reap it, all within ~0.1 s."""
    try:
        if not _is_closed(process) and process.is_alive():
            process.kill()
            process.join(0.1)
    finally:
        if conn is not None:
            conn.close()
        if not _is_closed(process) and not process.is_alive():
            process.close()


def _is_closed(process: Any) -> bool:
    """Whether multiprocessing has released this process object (close() was called)."""
    try:
        process.is_alive()
    except ValueError:
        return True
    return False


def _exit_description(exitcode: int | None) -> str:
    """A process exit code in words: 'exit status 1' or 'killed by signal 9 (SIGKILL)'."""
    if exitcode is None:
        return "it no longer answers"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown signal"
        return f"killed by signal {-exitcode} ({name})"
    return f"exit status {exitcode}"


