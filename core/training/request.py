"""A training request: which data, prepared how, and trained how. The one home of every default.

The command line, the Training page, session files and the training process all exchange a
`TrainingRequest` (a `DataSpec` and a `TrainingConfig`), never loose dicts. Both halves check
their values when built, so a request that exists is a request that can run; `from_json` reads a
session file's (untrusted) copy and refuses anything odd with a message naming the setting.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.project import BUNDLED_DATA
from core.training import registry

DEFAULT_FEATURES = ("x1", "x2")
DEFAULT_TARGET = "y"
DEFAULT_SEED = 123
DEFAULT_TEST_FRACTION = 0.3
# The course data's targets go down to about -124: +144 makes every one positive, so a ReLU
# output can fit them. It is a fact about that data set: any other file gets no shift.
COURSE_SHIFT = 144.0
OTHER_DATA_SHIFT = 0.0
DEFAULT_EPOCHS = 100
DEFAULT_LR = 0.05
ACTIVATIONS = ("relu", "none")
DEFAULT_ACTIVATION = "relu"
# shared: one start for all; default: each its own init, drawn as if it were the first model
# built after the split (nn.Linear's then starts dead with seed 123 on the course data);
# notebook: each its own init, drawn in turn in the notebook's order (replays its printed runs).
INIT_MODES = ("shared", "default", "notebook")
DEFAULT_INIT = "shared"
# How each step updates the parameters, and on how many rows (None: all of them, full batch).
OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_OPTIMIZER = "sgd"
DEFAULT_MOMENTUM = 0.9
DEFAULT_BATCH_SIZE = None
DEFAULT_SHUFFLE_SEED = 123  # seeds the torch.Generator that orders each epoch's minibatches
MAX_BATCH_SIZE = 10_000_000
MAX_EPOCHS = 1_000_000  # the one bound on epochs: the command line, the window and sessions
FLOAT32_MAX = 3.4028234663852886e38  # the largest float32: training computes in float32
MAX_SEED = 2**64 - 1  # torch.manual_seed's range; a negative seed would silently wrap around
MAX_SHIFT = 1e12  # beyond this a float32 target has no digits left for the data itself


class RequestError(ValueError):
    """A training setting that cannot be used; the message names it and says what it should be."""


# The course's own linreg-data.csv (never shipped: data/linreg-data.csv echoes it), known by content.
COURSE_FILE_SHA256 = "0fbe7dd9ec06abb772dccfbaf8d7acf8e9e6d9c078ed51e4b02ca6eda001892b"
FINGERPRINT_MAX_BYTES = 1 << 20  # the course files are ~42 KB: a larger file is not one of them


def default_shift(path: str | Path | None) -> float:
    """The target shift a data set gets unless one is asked for: 144 for the course data, else 0."""
    return COURSE_SHIFT if is_course_data(path) else OTHER_DATA_SHIFT


def is_bundled(path: str | Path | None) -> bool:
    """Whether `path` is the bundled data file (None stands for it)."""
    if path is None:
        return True
    try:
        return Path(path).resolve() == BUNDLED_DATA.resolve()
    except (OSError, RuntimeError, ValueError):  # a path the system cannot resolve is not ours
        return False


def is_course_data(path: str | Path | None) -> bool:
    """Whether `path` holds the course data: the bundled file, or the course's own by content."""
    if is_bundled(path):
        return True
    try:
        stat = Path(path).stat()
    except (OSError, ValueError):
        return False
    return _fingerprint(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns) in (
        COURSE_FILE_SHA256, _fingerprint(str(BUNDLED_DATA), 0, 0))


@functools.lru_cache(maxsize=64)
def _fingerprint(path: str, size: int, modified: int) -> str:
    """SHA-256 of a small regular file's bytes ("" for anything else); size and time key the cache."""
    try:
        with open(path, "rb") as file:
            if not Path(path).is_file():
                return ""
            data = file.read(FINGERPRINT_MAX_BYTES + 1)
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest() if len(data) <= FINGERPRINT_MAX_BYTES else ""


@dataclass(frozen=True)
class DataSpec:
    """Which CSV and columns, and how to prepare them: target shift, shuffle seed, test share."""

    path: str | None = None  # None: the bundled course data (a session stays portable)
    features: tuple[str, ...] = DEFAULT_FEATURES
    target: str = DEFAULT_TARGET
    shift: float | None = None  # None: the data set's own default (see default_shift)
    seed: int = DEFAULT_SEED
    test_fraction: float = DEFAULT_TEST_FRACTION

    def __post_init__(self) -> None:
        path = self.path
        if path is not None:
            if not isinstance(path, (str, Path)) or not str(path).strip():
                raise RequestError(f"the data path must be a file name, not {_shown(path)}")
            path = None if is_bundled(path) else str(path)
        features = (self.features,) if isinstance(self.features, str) else self.features
        if not isinstance(features, (tuple, list)) or not all(isinstance(f, str) for f in features):
            raise RequestError(f"the feature columns must be a list of names, not {_shown(features)}")
        features = tuple(name.strip() for name in features)
        if not features or not all(features):
            raise RequestError("the feature column names must not be empty")
        if len(set(features)) != len(features):
            raise RequestError(f"a feature column is repeated in {', '.join(features)}")
        if not isinstance(self.target, str) or not self.target.strip():
            raise RequestError(f"the target column must be a name, not {_shown(self.target)}")
        target = self.target.strip()
        if target in features:
            raise RequestError(f"column '{target}' cannot be both a feature and the target")
        shift = self.shift
        if shift is not None:
            _require_number("the target shift", shift, -MAX_SHIFT, MAX_SHIFT)
            shift = float(shift)
        if not _is_whole(self.seed) or not 0 <= self.seed <= MAX_SEED:
            raise RequestError(f"the seed must be a whole number from 0 to 2**64 - 1, "
                               f"not {_shown(self.seed)}")
        if not _is_number(self.test_fraction) or not 0.0 < self.test_fraction < 1.0:
            raise RequestError(f"the test fraction must be between 0 and 1 (exclusive), "
                               f"not {_shown(self.test_fraction)}")
        for name, value in (("path", path), ("features", features), ("target", target),
                            ("shift", shift), ("test_fraction", float(self.test_fraction))):
            object.__setattr__(self, name, value)

    @property
    def source(self) -> Path:
        """The CSV file to read."""
        return BUNDLED_DATA if self.path is None else Path(self.path)

    @property
    def is_bundled(self) -> bool:
        """Whether this is the bundled data file."""
        return self.path is None

    @property
    def is_course_data(self) -> bool:
        """Whether this is the course data (the bundled file, or the course's own)."""
        return is_course_data(self.path)

    @property
    def shift_used(self) -> float:
        """The shift training applies: the one asked for, or the data set's default."""
        return default_shift(self.path) if self.shift is None else self.shift

    def describe_shift(self) -> str:
        """Which shift runs, in words: `shift 144 (the course data's default)`."""
        from core.formatting import fmt

        if self.shift is not None:
            return f"shift {fmt(self.shift)}"
        whose = "the course data's default" if self.is_course_data else "the default for your data"
        return f"shift {fmt(self.shift_used)} ({whose})"


@dataclass(frozen=True)
class TrainingConfig:
    """What to train and how: epochs, learning rate, activation, initialization, variants."""

    epochs: int = DEFAULT_EPOCHS
    lr: float = DEFAULT_LR
    activation: str = DEFAULT_ACTIVATION
    init: str = DEFAULT_INIT
    variants: tuple[str, ...] = field(default_factory=registry.default_names)  # in registry order
    manual_relu_derivative: bool = True  # False: the seed notebook's gradient, ReLU' left out
    optimizer: str = DEFAULT_OPTIMIZER  # the update rule every variant runs
    momentum: float = DEFAULT_MOMENTUM  # used by optimizer "momentum" only
    batch_size: int | None = DEFAULT_BATCH_SIZE  # rows per step; None: full batch; 1: stochastic
    shuffle_seed: int = DEFAULT_SHUFFLE_SEED  # orders the minibatches (unused in full batch)

    def __post_init__(self) -> None:
        if not _is_whole(self.epochs) or not 0 <= self.epochs <= MAX_EPOCHS:
            too_many = _is_whole(self.epochs) and self.epochs > MAX_EPOCHS
            raise RequestError(f"the number of epochs must be a whole number from 0 to "
                               f"{MAX_EPOCHS:,}, not {_shown(self.epochs)}" + (
                                   f": at most {MAX_EPOCHS:,} epochs (the loss has long stopped "
                                   "changing by then; a bigger learning rate gets there sooner)"
                                   if too_many else ""))
        check_learning_rate("the learning rate", self.lr)
        if self.activation not in ACTIVATIONS:
            raise RequestError(f"unknown activation {_shown(self.activation)} "
                               f"(choose from {', '.join(ACTIVATIONS)})")
        if self.init not in INIT_MODES:
            raise RequestError(f"unknown init {_shown(self.init)} (choose from {', '.join(INIT_MODES)})")
        variants = (self.variants,) if isinstance(self.variants, str) else self.variants
        if not isinstance(variants, (tuple, list)) or not variants:
            raise RequestError("choose at least one variant")
        for name in variants:
            if not isinstance(name, str) or name not in registry.names():
                raise RequestError(f"unknown variant {_shown(name)} "
                                   f"(choose from {', '.join(registry.names())})")
        if not isinstance(self.manual_relu_derivative, bool):
            raise RequestError(f"manual_relu_derivative must be true or false, "
                               f"not {_shown(self.manual_relu_derivative)}")
        if self.optimizer not in OPTIMIZERS:
            raise RequestError(f"unknown optimizer {_shown(self.optimizer)} "
                               f"(choose from {', '.join(OPTIMIZERS)})")
        if not _is_number(self.momentum) or not 0.0 <= self.momentum < 1.0:
            raise RequestError(f"the momentum must be a number from 0 to below 1, "
                               f"not {_shown(self.momentum)}")
        if self.batch_size is not None and (not _is_whole(self.batch_size)
                                            or not 1 <= self.batch_size <= MAX_BATCH_SIZE):
            raise RequestError(f"the batch size must be a whole number from 1 to "
                               f"{MAX_BATCH_SIZE:,} (or none for full batch), "
                               f"not {_shown(self.batch_size)}")
        if not _is_whole(self.shuffle_seed) or not 0 <= self.shuffle_seed <= MAX_SEED:
            raise RequestError(f"the shuffle seed must be a whole number from 0 to 2**64 - 1, "
                               f"not {_shown(self.shuffle_seed)}")
        object.__setattr__(self, "momentum", float(self.momentum))
        object.__setattr__(self, "lr", float(self.lr))
        object.__setattr__(self, "variants", tuple(dict.fromkeys(variants)))


@dataclass(frozen=True)
class TrainingRequest:
    """A data spec and a training config: everything a run needs, checked, with its defaults."""

    data: DataSpec = field(default_factory=DataSpec)
    config: TrainingConfig = field(default_factory=TrainingConfig)

    def to_json(self) -> dict[str, Any]:
        """A plain JSON-able dict (lists, strings, numbers, true/false, null)."""
        data, config = asdict(self.data), asdict(self.config)
        data["features"], config["variants"] = list(data["features"]), list(config["variants"])
        return {"data": data, "config": config}

    @classmethod
    def from_json(cls, value: Any) -> "TrainingRequest":
        """Read `to_json`'s dict back (from an untrusted file); RequestError says what is wrong.

        Settings left out take their defaults; settings this version does not know are ignored.
        """
        if not isinstance(value, dict):
            raise RequestError(f"the training settings should be an object, not {_shown(value)}")
        parts = {}
        for key, kind in (("data", DataSpec), ("config", TrainingConfig)):
            part = value.get(key, {})
            if not isinstance(part, dict):
                raise RequestError(f"the training settings' '{key}' should be an object, "
                                   f"not {_shown(part)}")
            known = kind.__dataclass_fields__
            parts[key] = kind(**{name: part[name] for name in known if name in part})
        return cls(**parts)

    def arguments(self) -> list[str]:
        """The shared `train`/`trace` options that ask for exactly this request."""
        data, config = self.data, self.config
        options = [] if data.path is None else ["--data", data.path]
        options += ["--features", ",".join(data.features), "--target", data.target]
        if data.shift is not None:
            options += ["--shift", repr(data.shift)]
        options += ["--seed", str(data.seed), "--test-fraction", repr(data.test_fraction),
                    "--epochs", str(config.epochs), "--lr", repr(config.lr),
                    "--activation", config.activation, "--init", config.init]
        if not config.manual_relu_derivative:
            options.append("--manual-as-notebook")
        options += ["--optimizer", config.optimizer, "--momentum", repr(config.momentum),
                    "--shuffle-seed", str(config.shuffle_seed)]
        if config.batch_size is not None:
            options += ["--batch-size", str(config.batch_size)]
        return options


def check_learning_rate(what: str, value: Any) -> None:
    """Refuse a learning rate training cannot use (not positive, or past float32's range)."""
    if not (_is_number(value) and value > 0):
        raise RequestError(f"{what} must be a positive number, not {_shown(value)}")
    if value > FLOAT32_MAX:
        raise RequestError(f"{what} {value:g} is beyond float32's range (at most "
                           f"{FLOAT32_MAX:.4g}), which training computes in")


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    """A finite number that fits a float (a session's 10**400 does not: isfinite overflows on it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _require_number(what: str, value: Any, low: float, high: float) -> None:
    if not _is_number(value):
        raise RequestError(f"{what} must be a finite number, not {_shown(value)}")
    if not low <= value <= high:
        raise RequestError(f"{what} must be from {low:g} to {high:g}, not {value:g}")


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 40 else text[:37] + "..."
