"""The training process: it owns torch, trains the variants in lockstep, and talks over a pipe.

The GUI starts `serve` in a `multiprocessing` process at launch (gui/training/client.py). The process
imports torch (the slow part, ~1.7 s) and warms it up, says "ready", then waits for commands.
Each variant trains in its own core.training.run.TrainingRun, and the runs advance in lockstep
rounds (see _Run). Everything that crosses the pipe is plain data (dicts, lists, floats,
strings) sent as JSON (core.processes.JsonConnection, never a pickle), so the GUI process never
needs torch to read it, and a tuple sent arrives as a list.

Commands, GUI -> training process, each a tuple `(name, payload)`:
    ("start", order)    order: run (an id), request (TrainingRequest.to_json()), pace
                        (epochs/s or None), paused (optional), landscape (optional, default
                        true: whether the GUI shows the landscape, see "landscape" below)
    ("pause", None) · ("resume", None) · ("pace", epochs per second, None = full speed)
    ("stop", None)      end the current run (or sweep) after the round in progress (its results still come)
    ("sweep", order)    order: sweep (an id), request (TrainingRequest.to_json()), rates (learning rates)
    ("landscape", {wanted, run})  wanted: whether the GUI shows the landscape now. A run computes
                        its "start" and "end" stages only while wanted (each costs ~0.2 s of grid).
                        With a run id (optional) it also asks for that run's landscape at once:
                        mid-run, between rounds (paused too), around the parameters now (stage
                        "epoch", or "start" before the first epoch; nothing if this run already
                        sent a stage); as the run ends, its "end" stage; after it, the "end"
                        stage of the last run this process keeps (computed now, or the one it
                        sent); for a run it does not keep, stage None. An ask always gets an
                        answer after the run: the GUI's watchdog waits for it.
    ("quit", None)      stop and exit; so does the pipe closing (the GUI went away)

Messages, training process -> GUI, each a tuple `(name, payload)`:
    ("ready", {pid, import_seconds})
    ("started", {run, closed_form, sample_targets, train_rows, test_rows, feature_names, ...})
    ("records", {run, variants: {name: {epoch, mse, weights, bias, status, active}}})
                       every epoch since the last message, coalesced: at most one per ~16 ms
                       when epochs come faster than that, otherwise one per epoch
    ("predictions", {run, epoch, variants: {name: predictions on the sample rows}})  ~10 per s
    ("landscape", {run, stage, epoch, feature_names, pairs, hessian_max_eigenvalue,
                   lr_stability_bound})
                       only while wanted or asked for (see the "landscape" command). stage
                       "start": the MSE over each parameter pair around the first variant's start,
                       sent before the first epoch; "epoch": around its parameters after `epoch`
                       epochs, spanning the paths so far (asked for mid-run); "end": around its
                       final parameters, spanning every path (pairs:
                       core.training.landscape.Landscape.as_message). Stage None (no grids): the
                       asked-for run is not kept here (say, this process started after it)
    ("landscape_progress", {run, stage, done, total})  while a landscape takes long, at least
                       every HEARTBEAT_SECONDS: `done` of `total` parameter pairs computed (busy,
                       not hung)
    ("finished", {run, stopped_early, wall_seconds, closed_form, variants: {name: {...}}})
    ("failed", {run, kind, message})  kind: "data" (a DataError), "config" (a bad option) or
                       "crash" (anything else; message ends with a traceback summary)
    ("sweep_alive", {sweep})  while a sweep trains, at least every HEARTBEAT_SECONDS: busy, not
                       hung (one learning rate can train for minutes before its sweep_run)
    ("sweep_run", {sweep, lr, status, final_train_mse})  after each learning rate of a sweep
    ("sweep_finished", {sweep, runs, lr_stability_bound, stopped_early})
    ("sweep_failed", {sweep, kind, message})  as "failed"
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from typing import Any

from core import processes

SEND_INTERVAL_SECONDS = 0.016  # coalesce epochs: the GUI redraws at most ~60 times a second
PREDICTION_INTERVAL_SECONDS = 0.1  # the data view needs far fewer updates than the loss curves
PREDICTION_SAMPLE_ROWS = 400  # training rows shown in the data view (evenly spaced, no RNG)
TRACEBACK_LINES = 12  # how much of a crash's traceback reaches the user
ROUND_SECONDS = 0.025  # at full speed, a lockstep round of all variants lasts about 1.5 frames
MAX_ROUND_EPOCHS = 256
PAUSED_POLL_SECONDS = 0.25  # while paused, wake up this often (a command wakes it at once)
HEARTBEAT_SECONDS = 0.25  # a sweep or a slow landscape says it is alive this often (the GUI's
# watchdog waits 5 s)


def serve(conn: Any) -> None:
    """Run in the training process: import torch, say 'ready', then obey commands until quit."""
    # Ctrl+C in a terminal reaches the whole process group; the window decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    began = time.perf_counter()
    import torch

    # The tensors are tiny: extra threads only add hand-offs and fight the GUI for the cores.
    torch.set_num_threads(1)
    import pandas  # noqa: F401  (loaded now, so the first start pays nothing)

    import core.training.data  # noqa: F401
    import core.training.run  # noqa: F401

    _warm_up()
    conn = processes.JsonConnection(conn)  # plain data both ways: JSON, never a pickle
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

    from core.training import registry

    state = torch.get_rng_state()
    X, y = torch.zeros(4, 2), torch.ones(4)
    for info in registry.variants():
        info.load()(X, y, 0.1, "relu", weights=torch.ones(2, 1), bias=torch.ones(1)).step()
    registry.info("automatic").load()(X, y, 0.1, optimizer="adam", weights=torch.ones(2, 1),
                                      bias=torch.ones(1)).step()  # Adam's first build, too
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
        self.landscape_wanted = True  # the GUI shows the landscape: runs compute start and end
        self.landscape_asked: int | None = None  # a run whose landscape the GUI asked for now
        self.kept: _Run | None = None  # the last run that ended: its end stage, when asked later

    def serve(self) -> None:
        """Wait for commands; a start trains to the end (or a stop) before the next is read."""
        while not self.quitting:
            if self.next_start is not None:
                order, self.next_start = self.next_start, None
                self.train(order)
                continue
            if self.landscape_asked is not None:  # asked between runs, or left over by a run
                self.answer_landscape()
                continue
            try:
                name, payload = self.conn.recv()
            except EOFError:
                return
            if name == "start":
                self.train(payload)
            elif name == "sweep":
                self.sweep(payload)
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
        elif name == "landscape":
            self.landscape_wanted = bool(payload.get("wanted"))
            if payload.get("run") is not None:
                self.landscape_asked = payload["run"]

    def answer_landscape(self) -> None:
        """Between runs: send the end stage of the asked-for run, or stage None if it is not kept."""
        run_id, self.landscape_asked = self.landscape_asked, None
        if self.kept is not None and self.kept.run_id == run_id:
            self.kept.send_landscape("end")
        else:
            self.conn.send(("landscape", {"run": run_id, "stage": None}))

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

    def train(self, order: dict) -> None:
        """Train one run as `order` asks, streaming records; report its end, success or not."""
        from core.training.data import DataError, load_spec
        from core.training.request import TrainingRequest

        run_id = order["run"]
        self.stop_requested = False
        self.paused = bool(order.get("paused", False))
        self.rate = order.get("pace")
        self.landscape_wanted = bool(order.get("landscape", True))
        self.kept = None  # a new run: the last one's landscape is no longer asked for
        try:
            request = TrainingRequest.from_json(order["request"])  # checked again: plain data came
            config = request.config
            prepared = load_spec(request.data)[1]
        except DataError as error:
            self.conn.send(("failed", {"run": run_id, "kind": "data", "message": str(error)}))
            return
        except (TypeError, ValueError) as error:
            self.conn.send(("failed", {"run": run_id, "kind": "config", "message": str(error)}))
            return
        try:
            run = _Run(self, run_id, prepared, config)
            run.train()
            self.kept = run
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise
        except Exception as error:  # noqa: BLE001 (any crash is reported, and the process lives on)
            summary = "".join(traceback.format_exc().splitlines(keepends=True)[-TRACEBACK_LINES:])
            message = f"training crashed: {type(error).__name__}: {error}\n\n{summary}"
            self.conn.send(("failed", {"run": run_id, "kind": "crash", "message": message}))


    def sweep(self, order: dict) -> None:
        """Train at each learning rate of `order`, reporting every run as it ends."""
        from core.training.data import DataError, load_spec
        from core.training.request import TrainingRequest
        from core.training.sweep import sweep

        sweep_id = order["sweep"]
        self.stop_requested = False
        beat = [time.monotonic()]  # when the GUI last heard from this sweep

        def should_stop() -> bool:  # called before every epoch of every learning rate
            now = time.monotonic()
            if now - beat[0] >= HEARTBEAT_SECONDS:
                self.conn.send(("sweep_alive", {"sweep": sweep_id}))
                beat[0] = now
            self.poll_commands()
            return self.stop_requested

        def report(run: Any) -> None:
            self.conn.send(("sweep_run", {"sweep": sweep_id, **run.as_dict()}))
            beat[0] = time.monotonic()

        try:
            request = TrainingRequest.from_json(order["request"])
            prepared = load_spec(request.data)[1]
            result = sweep(prepared, request.config, [float(r) for r in order["rates"]],
                           on_run=report, should_stop=should_stop)
        except DataError as error:
            self.conn.send(("sweep_failed", {"sweep": sweep_id, "kind": "data", "message": str(error)}))
            return
        except (TypeError, ValueError) as error:
            self.conn.send(("sweep_failed", {"sweep": sweep_id, "kind": "config",
                                             "message": str(error)}))
            return
        self.conn.send(("sweep_finished", {
            "sweep": sweep_id, "runs": [run.as_dict() for run in result.runs],
            "lr_stability_bound": result.lr_stability_bound,
            "stopped_early": result.stopped_early,
        }))


class _Run:
    """One run: a TrainingRun per variant, advanced in lockstep rounds, and its unsent records.

    Rounds: every variant trains the same number of epochs, then the next round starts. When
    paced, a round is one epoch and waits for its turn. At full speed a round is as many
    epochs as fit in about one frame (ROUND_SECONDS): the variants never drift more than a
    frame apart, and each model keeps the processor's caches to itself for a while (training
    the four one epoch at a time made every epoch ~20 % slower than training them one after
    another; measured with benchmarks/bench_training_page.py).
    """

    def __init__(self, worker: _Worker, run_id: int, prepared: Any, config: Any) -> None:
        from dataclasses import replace

        from core.training.run import TrainingRun

        self.worker, self.conn, self.run_id = worker, worker.conn, run_id
        self.prepared, self.config = prepared, config
        # One TrainingRun per variant: each draws its start exactly as the combined run would
        # (shared, default and notebook init all rebuild from the same generator state).
        self.runs = {name: TrainingRun(prepared, replace(config, variants=(name,)))
                     for name in config.variants}
        self.variants = {name: run.variants[name] for name, run in self.runs.items()}
        self.step_seconds = {name: 0.0 for name in self.runs}
        for name, variant in self.variants.items():
            variant.step = self._timed(name, variant.step)  # per-variant time, without core changes
        rows = prepared.y_train.size(0)
        stride = max(1, -(-rows // PREDICTION_SAMPLE_ROWS))  # ceil: at most PREDICTION_SAMPLE_ROWS
        self.sample = slice(0, rows, stride)
        self.pending: dict[str, dict[str, list]] = {}
        self.last_sent = self.last_predicted = time.monotonic()
        self.epoch = 0  # epochs every live variant has finished
        self.reference: Any = None  # the closed-form optimum, once train() has computed it
        self.landscape_sent: dict | None = None  # the last landscape message this run sent

    def _timed(self, name: str, step: Any) -> Any:
        clock, seconds = time.perf_counter, self.step_seconds

        def timed_step() -> float:
            began = clock()
            norm = step()
            seconds[name] += clock() - began
            return norm

        return timed_step

    def train(self) -> None:
        """Announce the run, train it in lockstep rounds while streaming records, send the result."""
        from core.training.run import closed_form

        self.reference = reference = closed_form(self.prepared)
        self.conn.send(("started", {
            "run": self.run_id,
            "closed_form": _closed_form_data(reference),
            "sample_targets": self.prepared.y_train[self.sample].tolist(),
            "train_rows": int(self.prepared.y_train.size(0)),
            "test_rows": int(self.prepared.y_test.size(0)),
            "feature_names": list(self.prepared.feature_names),
            "target_name": self.prepared.target_name,
            "initial": {name: {"weights": v.weights, "bias": v.bias}
                        for name, v in self.variants.items()},
        }))
        self.send_predictions(0)
        if self.worker.landscape_wanted:
            self.send_landscape("start")
        # Unpaced epochs (no stop callback, no clock per epoch): stops and pacing happen
        # between rounds, below.
        live = {name: run.epochs() for name, run in self.runs.items()}
        began = time.perf_counter()
        chunk, last_round = 1, None
        while live and self.epoch < self.config.epochs:
            if not self.wait_for_turn(last_round):
                break
            last_round = time.monotonic()
            rate = self.worker.rate
            size = min(chunk if rate is None else 1, self.config.epochs - self.epoch)
            for name in list(live):
                epochs = live[name]
                for _ in range(size):
                    batch = next(epochs, None)
                    if batch is None:  # diverged: this variant's training ends here
                        del live[name]
                        break
                    self.collect(batch[0])
            self.epoch = max(run.epoch for run in self.runs.values())
            now = time.monotonic()
            if rate is None:  # full speed: aim the next round at ROUND_SECONDS
                spent = max(now - last_round, 1e-6)
                chunk = max(1, min(MAX_ROUND_EPOCHS, round(size * ROUND_SECONDS / spent)))
            slow = rate is not None and rate * SEND_INTERVAL_SECONDS <= 1.0
            if slow or now - self.last_sent >= SEND_INTERVAL_SECONDS:
                self.flush(now)
            if now - self.last_predicted >= PREDICTION_INTERVAL_SECONDS:
                self.send_predictions(self.epoch)
        wall = time.perf_counter() - began
        self.flush(time.monotonic())
        self.send_predictions(self.epoch)
        if self.worker.landscape_wanted or self.worker.landscape_asked == self.run_id:
            if self.worker.landscape_asked == self.run_id:
                self.worker.landscape_asked = None  # answered by the end stage
            self.send_landscape("end")
        self.send_result(reference, wall)

    def wait_for_turn(self, last_round: float | None) -> bool:
        """Obey commands; wait while paused or until the pace allows a round. False: stop."""
        worker = self.worker
        while True:
            worker.poll_commands()
            self.answer_landscape()
            if worker.stop_requested:
                return False
            if worker.paused:
                self.flush(time.monotonic())  # what was trained reaches the screen now
                timeout = PAUSED_POLL_SECONDS
            elif worker.rate is None or last_round is None:
                return True
            else:
                timeout = last_round + 1.0 / worker.rate - time.monotonic()
                if timeout <= 0:
                    return True
            try:
                self.conn.poll(timeout)  # wakes at once for a command (resume, pace, stop)
            except (EOFError, OSError):
                worker.quitting = worker.stop_requested = True

    def answer_landscape(self) -> None:
        """Mid-run: if the GUI asked for this run's landscape and has none yet, send one now."""
        if self.worker.landscape_asked != self.run_id:
            return
        self.worker.landscape_asked = None
        if self.landscape_sent is None:  # otherwise the stage it has is the one an open tab shows
            self.flush(time.monotonic())  # the records up to these parameters come first
            self.send_landscape("start" if self.epoch == 0 else "epoch")

    def send_landscape(self, stage: str) -> None:
        """The loss over each parameter pair around the first variant's parameters now."""
        from core.training.landscape import landscapes_message

        if stage == "end" and self.landscape_sent is not None \
                and self.landscape_sent["stage"] == "end":
            self.conn.send(("landscape", self.landscape_sent))  # asked again: the same grids
            return
        reference = self.reference
        first = next(iter(self.runs.values()))
        name = next(iter(self.variants))
        variant = self.variants[name]
        paths = [point for run in self.runs.values() for path in run.paths().values()
                 for point in path]
        message = landscapes_message(first.form, self.prepared.feature_names,
                                     [*variant.weights, variant.bias],
                                     [*reference.weights, reference.bias],
                                     self.config.activation == "relu", paths,
                                     self._landscape_heartbeat(stage))
        self.landscape_sent = {"run": self.run_id, "stage": stage, "epoch": self.epoch, **message}
        self.conn.send(("landscape", self.landscape_sent))

    def _landscape_heartbeat(self, stage: str) -> Any:
        """A progress callback that says 'busy' at least every HEARTBEAT_SECONDS (the watchdog)."""
        beat = [time.monotonic()]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - beat[0] >= HEARTBEAT_SECONDS:
                self.conn.send(("landscape_progress", {"run": self.run_id, "stage": stage,
                                                       "done": done, "total": total}))
                beat[0] = now

        return progress

    def send_result(self, reference: Any, wall: float) -> None:
        """Every variant's final numbers, as plain data."""
        variants = {}
        for name, run in self.runs.items():
            outcome = run.result().variants[name]
            variants[name] = {
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
                "advice": outcome.advice,
                "note": outcome.note,
            }
        finished = all(v["status"] == "diverged" or v["epochs_run"] == self.config.epochs
                       for v in variants.values())
        self.conn.send(("finished", {
            "run": self.run_id,
            "stopped_early": not finished,
            "wall_seconds": wall,
            "epochs": max((v["epochs_run"] for v in variants.values()), default=0),
            "closed_form": _closed_form_data(reference),
            "variants": variants,
        }))

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

    def flush(self, now: float) -> None:
        """Send every collected record in one message, with each variant's share of active units.

        Flushes come between epochs, so that share belongs to the last record collected.
        """
        if self.pending:
            for name, columns in self.pending.items():
                columns["active"] = self.runs[name].active_fraction(name)
            self.conn.send(("records", {"run": self.run_id, "variants": self.pending}))
            self.pending = {}
        self.last_sent = now

    def send_predictions(self, epoch: int) -> None:
        """Send each variant's predictions on the sample rows, for the data view."""
        import torch

        X = self.prepared.X_train[self.sample]
        with torch.no_grad():
            predictions = {name: variant.predict(X).tolist()
                           for name, variant in self.variants.items()}
        self.conn.send(("predictions", {"run": self.run_id, "epoch": epoch,
                                        "variants": predictions}))
        self.last_predicted = time.monotonic()


def _closed_form_data(reference: Any) -> dict:
    """A ClosedForm as a plain dict."""
    return {"train_mse": reference.train_mse, "test_mse": reference.test_mse,
            "weights": list(reference.weights), "bias": reference.bias,
            "collinear": reference.collinear, "note": reference.collinear_note()}
