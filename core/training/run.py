"""Train the chosen variants in lockstep, record every epoch as plain data, and judge the outcome.

Importing this module does not import torch (the functions that train do): the GUI process can
unpickle the records without ever loading torch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from core.formatting import fmt
from core.training import registry
from core.training.request import TrainingConfig

EXPLOSION_FACTOR = 1000.0  # a loss this many times its first value counts as diverged
COLLINEAR_RCOND = 1e-10  # singular values below this × the largest (× size) count as zero
WAIT_SLICE_SECONDS = 0.05  # while pacing or paused, check for a stop request this often

Pace = float | Callable[[], float | None] | None


@dataclass(slots=True)  # not frozen: a frozen __init__ costs 2x, and this runs every epoch
class EpochRecord:
    """One variant after one epoch's update: plain floats and lists, safe to send anywhere."""

    variant: str
    epoch: int  # 1-based
    train_mse: float  # measured after this epoch's update, as the notebook printed it
    weights: list[float]
    bias: float
    gradient_norm: float  # length of the gradient this epoch's update used
    active_fraction: float | None  # share of training rows with net input > 0; None without ReLU
    status: str  # "ok", "diverged" (training stops here) or "dead" (no active unit right now)


@dataclass(frozen=True)
class VariantResult:
    """Where one variant ended up and what that means."""

    name: str
    status: str  # "ok", "diverged" or "dead"
    detail: str  # the status in plain language
    epochs_run: int
    train_mse: float
    test_mse: float
    weights: list[float]
    bias: float
    initial_weights: list[float]
    initial_bias: float
    active_fraction: float | None
    history: list[float] = field(repr=False)  # train MSE after each epoch


@dataclass(frozen=True)
class ClosedForm:
    """The least-squares optimum of the linear model on the standardized training set."""

    train_mse: float
    test_mse: float
    weights: list[float]
    bias: float
    rank: int = 0  # rank of the design matrix [X, 1]
    parameters: int = 0  # its columns: features + 1; rank < parameters means collinear features

    @property
    def collinear(self) -> bool:
        """Whether some features are (almost) linear combinations of others: many optima exist."""
        return 0 < self.rank < self.parameters

    def collinear_note(self) -> str:
        """A sentence on collinearity for the user, or "" when the features are independent."""
        if not self.collinear:
            return ""
        return (f"the features are collinear (the design matrix has rank {self.rank} of "
                f"{self.parameters}): many weight vectors reach this optimum; this is the one "
                "with the smallest norm")


@dataclass(frozen=True)
class TrainingResult:
    """Every variant's result, the closed-form reference, and whether a stop cut training short."""

    variants: dict[str, VariantResult]
    closed_form: ClosedForm
    config: TrainingConfig
    stopped_early: bool


class TrainingRun:
    """The chosen variants, built from one prepared dataset and trained one epoch at a time."""

    def __init__(self, prepared: Any, config: TrainingConfig = TrainingConfig()) -> None:
        self.prepared, self.config = prepared, config
        self.variants = _build_variants(prepared, config)
        self.epoch = 0
        self.stopped_early = False
        self._initial = {name: (v.weights, v.bias) for name, v in self.variants.items()}
        self._history: dict[str, list[float]] = {name: [] for name in self.variants}
        self._diverged: dict[str, str] = {}  # name -> plain-language reason

    def epochs(
        self, should_stop: Callable[[], bool] | None = None, pace: Pace = None
    ) -> Iterator[list[EpochRecord]]:
        """Yield one list of records per epoch (one per variant still training).

        `should_stop` is polled before each epoch and while waiting. `pace` is epochs per
        second, None for full speed, 0 to pause; pass a callable to change it while running.
        """
        import torch

        X, y = self.prepared.X_train, self.prepared.y_train
        rows = y.size(0)
        relu = self.config.activation == "relu"
        stop = should_stop or (lambda: False)
        no_grad = torch.no_grad()  # made once: this loop's bookkeeping must stay cheap
        unpaced = should_stop is None and pace is None
        # A variant whose parameters track no gradients (the manual one) builds no graph in the
        # logging pass anyway: entering no_grad() for it costs more than the pass's own sync.
        with torch.enable_grad():
            quiet = {n: not v.net_input(X[:1]).requires_grad for n, v in self.variants.items()}
        training = [(n, v, quiet[n]) for n, v in self.variants.items() if n not in self._diverged]
        last_start = None
        while training and self.epoch < self.config.epochs:
            if not unpaced:
                if not _wait_for_turn(last_start, pace, stop):
                    self.stopped_early = True
                    return
                last_start = time.monotonic()
            self.epoch += 1
            epoch, batch, diverged = self.epoch, [], False
            for name, variant, untracked in training:
                gradient_norm = variant.step()
                if untracked:
                    train_mse, active = _logging_pass(variant, X, y, rows, relu)
                else:
                    with no_grad:
                        train_mse, active = _logging_pass(variant, X, y, rows, relu)
                status = self._judge(name, train_mse, active)
                diverged = diverged or status == "diverged"
                batch.append(EpochRecord(name, epoch, train_mse, variant.weights, variant.bias,
                                         gradient_norm, active, status))
            yield batch
            if diverged:
                training = [(n, v, q) for n, v, q in training if n not in self._diverged]

    def _judge(self, name: str, train_mse: float, active: float | None) -> str:
        """Record this epoch's loss; stop a variant whose loss overflowed or exploded."""
        history = self._history[name]
        history.append(train_mse)
        first = history[0]
        if not math.isfinite(train_mse):
            self._diverged[name] = (
                f"the loss became {fmt(train_mse)} at epoch {self.epoch}: the numbers grew too "
                f"large for float32 (the learning rate is far too large)"
            )
        elif first > 0 and train_mse > EXPLOSION_FACTOR * first:
            self._diverged[name] = (
                f"the loss grew from {fmt(first)} to {fmt(train_mse)} by epoch {self.epoch}, "
                f"past {fmt(EXPLOSION_FACTOR)}× its first value: each step overshoots the "
                f"minimum by more than the last (learning rate too large)"
            )
        if name in self._diverged:
            return "diverged"
        return "dead" if active == 0 else "ok"

    def result(self) -> TrainingResult:
        """Final numbers for every variant, with statuses, and the closed-form reference."""
        import torch

        data, relu = self.prepared, self.config.activation == "relu"
        reference = closed_form(data)
        results = {}
        for name, variant in self.variants.items():
            with torch.no_grad():
                train_mse = _mse(variant.predict(data.X_train), data.y_train)
                test_mse = _mse(variant.predict(data.X_test), data.y_test)
                net = variant.net_input(data.X_train)
                active = (net > 0).sum().item() / net.numel() if relu else None
            status, detail = self._verdict(name, active, reference, train_mse)
            weights, bias = self._initial[name]
            results[name] = VariantResult(
                name=name,
                status=status,
                detail=detail,
                epochs_run=len(self._history[name]),
                train_mse=train_mse,
                test_mse=test_mse,
                weights=variant.weights,
                bias=variant.bias,
                initial_weights=weights,
                initial_bias=bias,
                active_fraction=active,
                history=list(self._history[name]),
            )
        return TrainingResult(results, reference, self.config, self.stopped_early)

    def _verdict(
        self, name: str, active: float | None, reference: ClosedForm, train_mse: float
    ) -> tuple[str, str]:
        """The status of one variant at the end, with a plain-language explanation."""
        if name in self._diverged:
            return "diverged", f"diverged: {self._diverged[name]}; training stopped there"
        if active == 0:
            if float(self.prepared.y_train.max()) <= 0:
                cause = "every target is <= 0, and a ReLU can only output values >= 0"
            else:
                cause = "a step too large, or an unlucky start, pushed every net input below 0"
            return "dead", (
                "dead: no ReLU unit is active on the training set, so every prediction is 0 "
                f"and every gradient is exactly 0; training cannot recover ({cause})"
            )
        return "ok", (
            f"ok: trained {len(self._history[name])} epochs; train MSE {fmt(train_mse, 8)}, "
            f"least-squares optimum {fmt(reference.train_mse, 8)}"
        )


def train(
    prepared: Any,
    config: TrainingConfig = TrainingConfig(),
    *,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace = None,
    on_epoch: Callable[[list[EpochRecord]], None] | None = None,
) -> TrainingResult:
    """Train to the end (or until stopped), passing each epoch's records to `on_epoch`."""
    run = TrainingRun(prepared, config)
    for batch in run.epochs(should_stop, pace):
        if on_epoch is not None:
            on_epoch(batch)
    return run.result()


def closed_form(prepared: Any) -> ClosedForm:
    """Solve least squares for [X, 1]·θ ≈ y on the training set, in float64.

    SVD-based (LAPACK gelsd): with collinear features (x2 = x1) the design matrix is rank
    deficient, and the minimum-norm solution is still an optimum; the default QR-based solver
    returned a bias of 0 there (MSE 22,291 while training reached 0.009).
    """
    import torch

    def design(X: Any) -> Any:
        return torch.cat([X.double(), torch.ones(X.size(0), 1, dtype=torch.float64)], dim=1)

    train_design = design(prepared.X_train)
    target = prepared.y_train.double().unsqueeze(1)
    rcond = COLLINEAR_RCOND * max(train_design.shape)
    answer = torch.linalg.lstsq(train_design, target, rcond=rcond, driver="gelsd")
    solution, rank = answer.solution, int(answer.rank)
    return ClosedForm(
        train_mse=_mse(train_design @ solution, target),
        test_mse=_mse(design(prepared.X_test) @ solution, prepared.y_test.double().unsqueeze(1)),
        weights=solution[:-1, 0].tolist(),
        bias=solution[-1, 0].item(),
        rank=rank,
        parameters=train_design.size(1),
    )


def _build_variants(prepared: Any, config: TrainingConfig) -> dict[str, Any]:
    """Construct the chosen variants with the starting values `config.init` asks for."""
    import torch

    X, y = prepared.X_train, prepared.y_train
    # Every mode starts from the generator state right after the permutation, where the
    # notebook built its first model; whatever ran in between cannot shift the draws.
    torch.set_rng_state(prepared.rng_state)
    start: dict[str, Any] = {}
    if config.init == "shared":
        start = {"weights": torch.rand(X.size(1), 1), "bias": torch.rand(1)}
    # "notebook" builds all four in the notebook's order even when fewer are chosen, so a
    # variant's start never depends on which others are on screen.
    names = registry.names() if config.init == "notebook" else config.variants
    built = {}
    for name in names:
        if config.init == "default":
            torch.set_rng_state(prepared.rng_state)
        options = {"relu_derivative": config.manual_relu_derivative} if name == "manual" else {}
        built[name] = registry.info(name).load()(X, y, config.lr, config.activation, **start, **options)
    return {name: built[name] for name in config.variants}


def _logging_pass(variant: Any, X: Any, y: Any, rows: int, relu: bool) -> tuple[float, float | None]:
    """The notebook's logging pass after an update: train MSE, and the share of active units."""
    import torch

    prediction = variant.activate(variant.net_input(X))
    train_mse = torch.mean((prediction - y) ** 2).item()
    # relu(v) > 0 exactly when v > 0, so nonzero outputs are the active units
    active = torch.count_nonzero(prediction).item() / rows if relu else None
    return train_mse, active


def _wait_for_turn(last_start: float | None, pace: Pace, stop: Callable[[], bool]) -> bool:
    """Sleep until the next epoch is due at the requested pace; False if a stop came first."""
    while not stop():
        rate = pace() if callable(pace) else pace
        if rate is None or last_start is None and rate > 0:
            return True
        remaining = last_start + 1.0 / rate - time.monotonic() if rate > 0 else math.inf
        if remaining <= 0:
            return True
        time.sleep(min(remaining, WAIT_SLICE_SECONDS))
    return False


def _mse(prediction: Any, target: Any) -> float:
    """Mean squared error as a Python float."""
    import torch

    return torch.mean((prediction - target) ** 2).item()
