"""Train the chosen variants in lockstep, record every epoch as plain data, and judge the outcome.

Importing this module does not import torch (the functions that train do): the GUI process can
read the records (plain data) without ever loading torch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from core.formatting import fmt
from core.training import landscape, registry
from core.training.diagnosis import REACHED_BELOW, Diagnosis, RunFacts, diagnose, far_advice
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
    status: str  # "ok", "diverged" (training stops here) or "dead" (no active unit right now)
    # The share of active units is a "now" number, not a column: TrainingRun.active_fraction().


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
    path: list[list[float]] = field(default_factory=list, repr=False)  # [w…, b]: start, each epoch
    advice: str = ""  # what to try next, only settings that differ from this run's ("" if none)
    note: str = ""  # what this variant teaches, with this run's numbers (the forgotten zero_grad)


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
    hessian_max_eigenvalue: float = math.nan  # of the MSE without ReLU: 2/n·AᵀA, A = [X, 1]
    lr_stability_bound: float = math.nan  # 2/λmax: full-batch gradient descent converges below


class TrainingRun:
    """The chosen variants, built from one prepared dataset and trained one epoch at a time."""

    def __init__(self, prepared: Any, config: TrainingConfig = TrainingConfig()) -> None:
        self.prepared, self.config = prepared, config
        self.variants = _build_variants(prepared, config)
        self.epoch = 0
        self.stopped_early = False
        self._initial = {name: (v.weights, v.bias) for name, v in self.variants.items()}
        self._history: dict[str, list[float]] = {name: [] for name in self.variants}
        self._path = {name: [[*w, b]] for name, (w, b) in self._initial.items()}
        self._first_dead: dict[str, int] = {}  # name -> the first epoch with no active unit
        self._diverged: dict[str, str] = {}  # name -> plain-language reason
        # Below this a loss needs no judging (finite, under EXPLOSION_FACTOR × the first one);
        # -inf until the first epoch, so that epoch and anything odd goes through _judge.
        self._limit = {name: -math.inf for name in self.variants}
        self.form = landscape.quadratic(prepared)
        self.hessian_max_eigenvalue = landscape.hessian_max_eigenvalue(prepared)
        self.stability_bound = 2.0 / self.hessian_max_eigenvalue

    def epochs(
        self, should_stop: Callable[[], bool] | None = None, pace: Pace = None
    ) -> Iterator[list[EpochRecord]]:
        """Yield one list of records per epoch (one per variant still training).

        `should_stop` is polled before each epoch and while waiting. `pace` is epochs per
        second, None for full speed, 0 to pause; pass a callable to change it while running.
        """
        import torch

        X, y = self.prepared.X_train, self.prepared.y_train
        stop = should_stop or (lambda: False)
        no_grad = torch.no_grad()  # made once: this loop's bookkeeping must stay cheap
        unpaced = should_stop is None and pace is None
        # A variant whose parameters track no gradients (the manual one) builds no graph in the
        # logging pass anyway: entering no_grad() for it costs more than the pass's own sync.
        with torch.enable_grad():
            quiet = {n: not v.net_input(X[:1]).requires_grad for n, v in self.variants.items()}
        training = [(n, v, quiet[n]) for n, v in self.variants.items() if n not in self._diverged]
        mean_squared_error = _mean_squared_error()
        # With no active ReLU unit every prediction is 0, and the loss is exactly this one: only
        # an epoch with this loss needs its active units counted to know whether it is dead.
        dead_loss = (mean_squared_error(torch.zeros_like(y), y).item()
                     if self.config.activation == "relu" else None)
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
                variant.step()
                # the notebook's logging pass: the loss after this epoch's update
                if untracked:
                    prediction = variant.activate(variant.net_input(X))
                else:
                    with no_grad:
                        prediction = variant.activate(variant.net_input(X))
                train_mse = mean_squared_error(prediction, y).item()
                dead = train_mse == dead_loss and not torch.count_nonzero(prediction).item()
                if train_mse < self._limit[name]:  # finite and not exploding: the usual epoch
                    self._history[name].append(train_mse)
                    status = "dead" if dead else "ok"
                else:
                    status = self._judge(name, train_mse, dead)
                    diverged = diverged or status == "diverged"
                weights, bias = variant.weights, variant.bias
                self._path[name].append([*weights, bias])
                if status == "dead":
                    self._first_dead.setdefault(name, epoch)
                batch.append(EpochRecord(name, epoch, train_mse, weights, bias, status))
            yield batch
            if diverged:
                training = [(n, v, q) for n, v, q in training if n not in self._diverged]

    def active_fraction(self, name: str) -> float | None:
        """The share of training rows whose ReLU is active (net input > 0) now; None without ReLU."""
        import torch

        if self.config.activation != "relu":
            return None
        with torch.no_grad():
            net = self.variants[name].net_input(self.prepared.X_train)
        return torch.count_nonzero(net > 0).item() / net.numel()

    def paths(self) -> dict[str, list[list[float]]]:
        """Each variant's parameters [w…, b] so far: the start, then after each epoch (views)."""
        return self._path

    def _judge(self, name: str, train_mse: float, dead: bool) -> str:
        """Record this epoch's loss; stop a variant whose loss overflowed or exploded."""
        history = self._history[name]
        history.append(train_mse)
        first = history[0]
        self._limit[name] = EXPLOSION_FACTOR * first if first > 0 else math.inf
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
        return "dead" if dead else "ok"

    def result(self) -> TrainingResult:
        """Final numbers for every variant, with statuses, and the closed-form reference."""
        import torch

        data = self.prepared
        reference = closed_form(data)
        results = {}
        for name, variant in self.variants.items():
            with torch.no_grad():
                train_mse = _mse(variant.predict(data.X_train), data.y_train)
                test_mse = _mse(variant.predict(data.X_test), data.y_test)
            active = self.active_fraction(name)
            status, detail, advice = self._verdict(name, active, reference, train_mse)
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
                path=list(self._path[name]),  # a point is never changed once recorded: no deep copy
                advice=advice,
                note=forgotten_zero_grad_note(variant, self.config),
            )
        return TrainingResult(results, reference, self.config, self.stopped_early,
                              self.hessian_max_eigenvalue, self.stability_bound)

    def _verdict(
        self, name: str, active: float | None, reference: ClosedForm, train_mse: float
    ) -> tuple[str, str, str]:
        """The status of one variant at the end, a plain-language explanation, and advice."""
        if name in self._diverged:
            found = self._diagnosis(name, "diverged")
            return "diverged", (f"diverged: {self._diverged[name]}; training stopped there. "
                                f"Why: {found.cause}"), found.advice
        if active == 0:
            found = self._diagnosis(name, "dead")
            return "dead", (
                "dead: no ReLU unit is active on the training set, so every prediction is 0 "
                f"and every gradient is exactly 0; training cannot recover. Why: {found.cause}"
            ), found.advice
        optimum = reference.train_mse
        far = optimum > 0 and (train_mse - optimum) / optimum > REACHED_BELOW
        return "ok", (
            f"ok: trained {len(self._history[name])} epochs; train MSE {fmt(train_mse, 8)}, "
            f"least-squares optimum {fmt(optimum, 8)}."
        ), far_advice(self.config, self.stability_bound) if far else ""

    def _diagnosis(self, name: str, status: str) -> Diagnosis:
        """Read the cause of a dead or diverged variant from its own run."""
        start = self._path[name][0]
        relu = self.config.activation == "relu"
        facts = RunFacts(
            initial_loss=float(landscape.mse_at(self.form, start, relu)[0]),
            losses=list(self._history[name]),
            weight_sizes=[math.hypot(*point) for point in self._path[name]],
            dead_at_start=relu and not bool((self.form.design @ start > 0).any()),
            first_dead_epoch=self._first_dead.get(name),
            targets_positive=float(self.prepared.y_train.max()) > 0,
        )
        return diagnose(status, facts, self.config, self.stability_bound)


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
        options.update(optimizer=config.optimizer, momentum=config.momentum,
                       batch_size=config.batch_size, shuffle_seed=config.shuffle_seed)
        built[name] = registry.info(name).load()(X, y, config.lr, config.activation, **start, **options)
    return {name: built[name] for name in config.variants}


def forgotten_zero_grad_note(variant: Any, config: TrainingConfig) -> str:
    """For the variant without zero_grad(): what its second step used, with this run's numbers."""
    from core.training.variants import ForgottenZeroGrad

    if not isinstance(variant, ForgottenZeroGrad) or len(variant.used) < 2:
        return ""
    first, second = variant.used
    own = [total - old for total, old in zip(second, first)]
    when = "epoch" if config.batch_size is None else "step"
    return (f"Without optimizer.zero_grad(), backward() adds to .grad. At {when} 2 the update "
            f"used {_vector(second)} = {when} 1's gradient {_vector(first)} + {when} 2's own "
            f"{_vector(own)}; every later step uses the sum of all gradients so far, so the "
            f"steps grow and the path curls away from the others.")


def _vector(values: list[float]) -> str:
    return "(" + ", ".join(fmt(v, 4) for v in values) + ")"


def _mean_squared_error() -> Callable[[Any, Any], Any]:
    """torch.mean((prediction - y) ** 2) in one call: the same kernels, so the same bits.

    aten's mse_loss squares the differences (pow 2 is x * x there too) and takes the same mean.
    Measured here: the three separate operations ~10 µs, this one call ~3 µs, F.mse_loss ~15 µs
    (its Python checks call broadcast_tensors); a manual epoch is ~60 µs.
    tests/core/test_training_record.py checks the equality, and every record against it.
    """
    import torch

    fused = torch._C._nn.mse_loss
    mean = torch.nn._reduction.get_enum("mean")
    return lambda prediction, target: fused(prediction, target, mean)


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
