"""The training process: it owns torch, trains the variants in lockstep, and talks over a pipe.

The GUI starts `serve` in a `multiprocessing` spawn-context process at launch. The process
imports torch (the slow part, ~1.7 s), says "ready", then waits for commands. Everything that
crosses the pipe is plain data (tuples, dicts, lists, floats, strings), so the GUI process never
needs torch to read it.

Commands, GUI -> training process, each a tuple `(name, payload)`:
    ("start", request)  request: run (an id), data {path, features, target, shift, seed,
                        test_fraction}, config (TrainingConfig's fields), pace (epochs/s or None)
    ("pause", None) · ("resume", None) · ("pace", epochs per second, None = full speed)
    ("stop", None)      end the current run after the epoch in progress (its results still come)
    ("quit", None)      stop and exit; so does the pipe closing (the GUI went away)

Messages, training process -> GUI, each a tuple `(name, payload)`:
    ("ready", {pid, import_seconds})
    ("started", {run, closed_form, sample_targets, train_rows, test_rows, feature_names, ...})
    ("records", {run, variants: {name: {epoch, mse, weights, bias, status, active}}})
                       every epoch since the last message, coalesced: at most one per ~16 ms
    ("predictions", {run, epoch, variants: {name: predictions on the sample rows}})  ~10 per s
    ("finished", {run, stopped_early, wall_seconds, closed_form, variants: {name: {...}}})
    ("failed", {run, kind, message})  kind: "data" (a DataError), "config" (a bad option) or
                       "crash" (anything else; message ends with a traceback summary)
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from typing import Any

SEND_INTERVAL_SECONDS = 0.016  # coalesce epochs: the GUI redraws at most ~60 times a second
PREDICTION_INTERVAL_SECONDS = 0.1  # the data view needs far fewer updates than the loss curves
PREDICTION_SAMPLE_ROWS = 400  # training rows shown in the data view (evenly spaced, no RNG)
TRACEBACK_LINES = 12  # how much of a crash's traceback reaches the user


def serve(conn: Any) -> None:
    """Run in the training process: import torch, say 'ready', then obey commands until quit."""
    # Ctrl+C in a terminal reaches the whole process group; the window decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    began = time.perf_counter()
    import torch

    # The tensors are tiny: extra threads only add hand-offs and fight the GUI for the cores.
    torch.set_num_threads(1)
    import pandas  # noqa: F401  (loaded now, so the first start pays nothing)

    import core.data  # noqa: F401
    import core.training  # noqa: F401
    import core.variants  # noqa: F401

    _warm_up()
    try:
        conn.send(("ready", {"pid": os.getpid(), "import_seconds": time.perf_counter() - began}))
        _Worker(conn).serve()
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the GUI went away: nothing left to report to
    finally:
        conn.close()


def _warm_up() -> None:
    """One step of each variant on four made-up rows: torch loads what it loads lazily now.

    Building torch.optim.SGD the first time imports torch._dynamo (~0.9 s): paid here, before
    'ready', instead of after the first Start. The global random state is saved and restored.
    """
    import torch

    from core.variants import VARIANTS

    state = torch.get_rng_state()
    X, y = torch.zeros(4, 2), torch.ones(4)
    for variant in VARIANTS.values():
        variant(X, y, 0.1, "relu", weights=torch.ones(2, 1), bias=torch.ones(1)).step()
    torch.set_rng_state(state)


class _Worker:
    """Command handling and one training run at a time, in lockstep, with cooperative stops."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.quitting = False
        self.stop_requested = False
        self.paused = False
        self.rate: float | None = None  # epochs per second; None = as fast as possible
        self.next_start: dict | None = None  # a start that arrived while a run was training

    def serve(self) -> None:
        """Wait for commands; a start trains to the end (or a stop) before the next is read."""
        while not self.quitting:
            if self.next_start is not None:
                request, self.next_start = self.next_start, None
                self.train(request)
                continue
            try:
                name, payload = self.conn.recv()
            except EOFError:
                return
            if name == "start":
                self.train(payload)
            else:
                self.obey(name, payload)

    def obey(self, name: str, payload: Any) -> None:
        """Apply one command that is not a start."""
        if name == "quit":
            self.quitting = self.stop_requested = True
        elif name == "stop":
            self.stop_requested = True
        elif name == "pause":
            self.paused = True
        elif name == "resume":
            self.paused = False
        elif name == "pace":
            self.rate = None if payload is None else float(payload)

    def poll_commands(self) -> None:
        """Handle every command already waiting, without blocking; a closed pipe means quit."""
        try:
            while self.conn.poll():
                name, payload = self.conn.recv()
                if name == "start":  # end this run; the new one trains next
                    self.next_start, self.stop_requested = payload, True
                    continue
                self.obey(name, payload)
        except (EOFError, OSError):
            self.quitting = self.stop_requested = True

    def train(self, request: dict) -> None:
        """Train one run as `request` asks, streaming records; report its end, success or not."""
        from core.data import DataError, load_table, prepare
        from core.training import TrainingConfig

        run_id = request["run"]
        self.stop_requested = False
        self.paused = bool(request.get("paused", False))
        self.rate = request.get("pace")
        data = request["data"]
        try:
            config = TrainingConfig(**{**request["config"],
                                       "variants": tuple(request["config"]["variants"])})
            table = load_table(data["path"], data["features"], data["target"])
            prepared = prepare(table, data["shift"], data["seed"], data["test_fraction"])
        except DataError as error:
            self.conn.send(("failed", {"run": run_id, "kind": "data", "message": str(error)}))
            return
        except (TypeError, ValueError) as error:
            self.conn.send(("failed", {"run": run_id, "kind": "config", "message": str(error)}))
            return
        try:
            _Run(self, run_id, prepared, config).train()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise
        except Exception as error:  # noqa: BLE001 (any crash is reported, and the process lives on)
            summary = "".join(traceback.format_exc().splitlines(keepends=True)[-TRACEBACK_LINES:])
            message = f"training crashed: {type(error).__name__}: {error}\n\n{summary}"
            self.conn.send(("failed", {"run": run_id, "kind": "crash", "message": message}))

    def pace(self) -> float | None:
        """Epochs per second right now: 0 while paused (TrainingRun then waits for a stop)."""
        return 0.0 if self.paused else self.rate


class _Run:
    """One run: the TrainingRun, its timers, and the buffers of records not yet sent."""

    def __init__(self, worker: _Worker, run_id: int, prepared: Any, config: Any) -> None:
        from core.training import TrainingRun

        self.worker, self.conn, self.run_id = worker, worker.conn, run_id
        self.prepared, self.config = prepared, config
        self.run = TrainingRun(prepared, config)
        self.step_seconds = {name: 0.0 for name in self.run.variants}
        for name, variant in self.run.variants.items():
            variant.step = self._timed(name, variant.step)  # per-variant time, without core changes
        rows = prepared.y_train.size(0)
        stride = max(1, -(-rows // PREDICTION_SAMPLE_ROWS))  # ceil: at most PREDICTION_SAMPLE_ROWS
        self.sample = slice(0, rows, stride)
        self.pending: dict[str, dict[str, list]] = {}
        self.last_sent = self.last_predicted = time.monotonic()

    def _timed(self, name: str, step: Any) -> Any:
        clock, seconds = time.perf_counter, self.step_seconds

        def timed_step() -> float:
            began = clock()
            norm = step()
            seconds[name] += clock() - began
            return norm

        return timed_step

    def train(self) -> None:
        """Announce the run, train it in lockstep while streaming records, then send the result."""
        from core.training import closed_form

        reference = closed_form(self.prepared)
        self.conn.send(("started", {
            "run": self.run_id,
            "closed_form": _closed_form_data(reference),
            "sample_targets": self.prepared.y_train[self.sample].tolist(),
            "train_rows": int(self.prepared.y_train.size(0)),
            "test_rows": int(self.prepared.y_test.size(0)),
            "feature_names": list(self.prepared.feature_names),
            "target_name": self.prepared.target_name,
            "initial": {name: {"weights": v.weights, "bias": v.bias}
                        for name, v in self.run.variants.items()},
        }))
        self.send_predictions(0)
        began = time.perf_counter()
        for batch in self.run.epochs(self.should_stop, self.worker.pace):
            for record in batch:
                self.collect(record)
            now = time.monotonic()
            pace = self.worker.pace()
            # Coalesce only when epochs come faster than frames; a slow epoch goes out at once
            # (otherwise it would wait for the next one, a whole second at 1 epoch/s).
            slow = pace is not None and pace * SEND_INTERVAL_SECONDS <= 1.0
            if slow or now - self.last_sent >= SEND_INTERVAL_SECONDS:
                self.flush(now)
            if now - self.last_predicted >= PREDICTION_INTERVAL_SECONDS:
                self.send_predictions(self.run.epoch)
        wall = time.perf_counter() - began
        self.flush(time.monotonic())
        self.send_predictions(self.run.epoch)
        result = self.run.result()
        self.conn.send(("finished", {
            "run": self.run_id,
            "stopped_early": result.stopped_early,
            "wall_seconds": wall,
            "epochs": self.run.epoch,
            "closed_form": _closed_form_data(result.closed_form),
            "variants": {
                name: {
                    "status": outcome.status,
                    "detail": outcome.detail,
                    "epochs_run": outcome.epochs_run,
                    "train_mse": outcome.train_mse,
                    "test_mse": outcome.test_mse,
                    "weights": list(outcome.weights),
                    "bias": outcome.bias,
                    "initial_weights": list(outcome.initial_weights),
                    "initial_bias": outcome.initial_bias,
                    "active_fraction": outcome.active_fraction,
                    "step_seconds": self.step_seconds[name],
                }
                for name, outcome in result.variants.items()
            },
        }))

    def should_stop(self) -> bool:
        """Polled by TrainingRun before each epoch and while it waits: commands, then flushes."""
        self.worker.poll_commands()
        now = time.monotonic()
        if self.pending and now - self.last_sent >= SEND_INTERVAL_SECONDS:
            self.flush(now)  # while paused or slow, what was trained still reaches the screen
        return self.worker.stop_requested

    def collect(self, record: Any) -> None:
        """Append one EpochRecord to the columns waiting to be sent."""
        columns = self.pending.get(record.variant)
        if columns is None:
            columns = self.pending[record.variant] = {
                "epoch": [], "mse": [], "weights": [], "bias": [], "status": "ok", "active": None,
            }
        columns["epoch"].append(record.epoch)
        columns["mse"].append(record.train_mse)
        columns["weights"].append(record.weights)
        columns["bias"].append(record.bias)
        columns["status"] = record.status
        columns["active"] = record.active_fraction

    def flush(self, now: float) -> None:
        """Send every collected record in one message."""
        if self.pending:
            self.conn.send(("records", {"run": self.run_id, "variants": self.pending}))
            self.pending = {}
        self.last_sent = now

    def send_predictions(self, epoch: int) -> None:
        """Send each variant's predictions on the sample rows, for the data view."""
        import torch

        X = self.prepared.X_train[self.sample]
        with torch.no_grad():
            predictions = {name: variant.predict(X).tolist()
                           for name, variant in self.run.variants.items()}
        self.conn.send(("predictions", {"run": self.run_id, "epoch": epoch,
                                        "variants": predictions}))
        self.last_predicted = time.monotonic()


def _closed_form_data(reference: Any) -> dict:
    """A ClosedForm as a plain dict."""
    return {"train_mse": reference.train_mse, "test_mse": reference.test_mse,
            "weights": list(reference.weights), "bias": reference.bias}
