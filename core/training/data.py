"""Load a regression CSV, check it cell by cell, and prepare it exactly as the seed notebook did.

pandas and torch are imported inside the functions that need them: the GUI imports this module
to validate a file and must not pay for (or ever load) torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from core.formatting import shorten
from core.training.request import (
    COURSE_SHIFT, DEFAULT_FEATURES, DEFAULT_SEED, DEFAULT_TARGET, DEFAULT_TEST_FRACTION, FLOAT32_MAX,
    DataSpec,
)

HEADER_BYTES = 1 << 20  # the header line is read on its own to check its names


class DataError(ValueError):
    """A data file or a data option is unusable; the message says which file, column and row."""


@dataclass(frozen=True, eq=False)
class Table:
    """Validated columns of a CSV file as float64 numpy arrays."""

    source: str
    feature_names: tuple[str, ...]
    target_name: str
    features: Any  # numpy array, shape (rows, len(feature_names))
    target: Any  # numpy array, shape (rows,)

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return len(self.target)


@dataclass(frozen=True, eq=False)
class PreparedData:
    """Shifted, shuffled, split and standardized tensors, plus what it takes to repeat them."""

    X_train: Any  # torch float32 tensors from here on
    y_train: Any
    X_test: Any
    y_test: Any
    feature_names: tuple[str, ...]
    target_name: str
    mu: Any  # training-set mean of each feature
    sigma: Any  # training-set standard deviation of each feature (unbiased, torch's default)
    shift: float
    seed: int
    test_fraction: float
    permutation: Any
    # torch's global RNG state right after the permutation: the seed notebook built its models
    # at exactly this point, so initial weights are drawn from here.
    rng_state: Any = field(repr=False)


def load_table(
    path: str | Path,
    features: Sequence[str] = DEFAULT_FEATURES,
    target: str = DEFAULT_TARGET,
) -> Table:
    """Read a CSV with pandas and check the chosen columns; raise DataError on any problem."""
    import pandas as pd

    path = Path(path)
    features, target = _check_column_choice(features, target)
    name = path.name
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a CSV file")
    try:
        _check_regular_with_unique_header(path, name)
        # low_memory=False: parse each column in one piece, so a stray word deep in a big
        # file gives one clear message instead of a mixed-type warning.
        frame = pd.read_csv(path, low_memory=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{name}: the file is empty") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().replace("\n", " ")
        raise DataError(f"{name}: not a well-formed CSV file ({detail})") from None
    except UnicodeDecodeError:
        raise DataError(f"{name}: not a text CSV file (it is not valid UTF-8)") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error})") from None

    frame.columns = [str(column).strip() for column in frame.columns]
    # The course file's header starts with an empty name: that first column is the row index.
    if len(frame.columns) and (frame.columns[0] == "" or frame.columns[0].startswith("Unnamed: 0")):
        frame = frame.iloc[:, 1:]
    available = list(frame.columns)
    for column in (*features, target):
        if column not in available:
            listing = ", ".join(available) if available else "none"
            raise DataError(f"{name}: no column '{column}' (available columns: {listing})")
    if len(frame) == 0:
        raise DataError(f"{name}: the file has a header but no data rows")

    chosen = [*features, target]
    values = _numeric_columns(frame, chosen, name)
    return Table(
        source=str(path),
        feature_names=tuple(features),
        target_name=target,
        features=values[:, :-1].copy(),
        target=values[:, -1].copy(),
    )


def prepare(
    table: Table,
    shift: float = COURSE_SHIFT,
    seed: int = DEFAULT_SEED,
    test_fraction: float = DEFAULT_TEST_FRACTION,
) -> PreparedData:
    """Shift the target, split with a seeded permutation, standardize: as the seed notebook did."""
    import torch

    _check_split_options(shift, seed, test_fraction)
    rows = table.rows
    # Same cut as the notebook's int(n * 0.7); the 1e-9 only keeps float noise such as
    # 1 - 0.9 = 0.0999... from dropping a row.
    train_rows = int(rows * (1.0 - test_fraction) + 1e-9)
    if train_rows < 2 or rows - train_rows < 1:
        raise DataError(
            f"{Path(table.source).name}: too few rows for the split: {rows} rows give "
            f"{train_rows} for training and {rows - train_rows} for testing "
            f"(at least 2 and 1 are needed)"
        )

    X = torch.tensor(table.features, dtype=torch.float32)
    y = torch.tensor(table.target, dtype=torch.float32) + shift  # shift after the float32 cast
    torch.manual_seed(seed)
    permutation = torch.randperm(rows, dtype=torch.long)
    rng_state = torch.get_rng_state()
    X, y = X[permutation], y[permutation]
    # Reproduced on purpose: the notebook indexes the *already permuted* tensors with the same
    # permutation again, so the split really uses the permutation applied twice. Harmless (still
    # a random split) and needed to get the notebook's numbers.
    train_index, test_index = permutation[:train_rows], permutation[train_rows:]
    X_train, X_test = X[train_index], X[test_index]
    y_train, y_test = y[train_index], y[test_index]

    mu, sigma = X_train.mean(dim=0), X_train.std(dim=0)
    for column, spread in zip(table.feature_names, sigma.tolist()):
        if not math.isfinite(spread):
            raise DataError(
                f"{Path(table.source).name}: column '{column}' spreads too widely for float32 "
                f"(its standard deviation overflows): rescale it, e.g. to other units"
            )
        if not spread > 0:
            raise DataError(
                f"{Path(table.source).name}: column '{column}' has the same value in every "
                f"training row, so it cannot be standardized"
            )
    return PreparedData(
        X_train=(X_train - mu) / sigma,
        y_train=y_train,
        X_test=(X_test - mu) / sigma,
        y_test=y_test,
        feature_names=table.feature_names,
        target_name=table.target_name,
        mu=mu,
        sigma=sigma,
        shift=float(shift),
        seed=seed,
        test_fraction=float(test_fraction),
        permutation=permutation,
        rng_state=rng_state,
    )


def load_prepared(
    path: str | Path,
    features: Sequence[str] = DEFAULT_FEATURES,
    target: str = DEFAULT_TARGET,
    shift: float = COURSE_SHIFT,
    seed: int = DEFAULT_SEED,
    test_fraction: float = DEFAULT_TEST_FRACTION,
) -> PreparedData:
    """load_table then prepare, in one call."""
    return prepare(load_table(path, features, target), shift, seed, test_fraction)


def load_spec(spec: DataSpec) -> tuple[Table, PreparedData]:
    """Read and prepare the data a request's DataSpec names: (table, prepared)."""
    table = load_table(spec.source, spec.features, spec.target)
    return table, prepare(table, spec.shift_used, spec.seed, spec.test_fraction)


def _check_regular_with_unique_header(path: Path, name: str) -> None:
    """Refuse pipes and devices (they would block or never end), empty files, and a header that
    names a column twice (pandas would silently rename the second `x1` to `x1.1`)."""
    import csv
    import io
    import stat

    if not stat.S_ISREG(path.stat().st_mode):
        raise DataError(f"{path}: not a regular file (a pipe or a device): choose a CSV file")
    with open(path, "rb") as handle:  # /proc files report size 0: read instead of trusting it
        head = handle.read(HEADER_BYTES)
    if not head.strip():
        raise DataError(f"{name}: the file is empty")
    text = head.decode("utf-8-sig", errors="replace")
    header = next(csv.reader(io.StringIO(text.splitlines()[0] if text.splitlines() else "")), [])
    seen: dict[str, int] = {}
    for cell in (cell.strip() for cell in header):
        if cell:
            seen[cell] = seen.get(cell, 0) + 1
    repeated = [column for column, count in seen.items() if count > 1]
    if repeated:
        listing = ", ".join(f"'{shorten(column)}'" for column in repeated[:5])
        raise DataError(f"{name}: the header names column {listing} more than once: "
                        "each column needs its own name")


def _check_column_choice(features: Sequence[str], target: str) -> tuple[tuple[str, ...], str]:
    """Reject empty, repeated or overlapping column names before reading anything."""
    if isinstance(features, str):
        features = (features,)
    features = tuple(str(name).strip() for name in features)
    target = str(target).strip()
    if not features or any(not name for name in features):
        raise DataError(f"bad feature column list {','.join(features)!r}: names must not be empty")
    if len(set(features)) != len(features):
        raise DataError(f"bad feature column list {','.join(features)!r}: a column is repeated")
    if not target:
        raise DataError("the target column name must not be empty")
    if target in features:
        raise DataError(f"column '{target}' cannot be both a feature and the target")
    return features, target


def _check_split_options(shift: float, seed: int, test_fraction: float) -> None:
    """Reject a non-finite shift, a seed torch cannot take as is, a test fraction outside (0, 1)."""
    if not math.isfinite(shift):
        raise DataError(f"the target shift must be a finite number, not {shift}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        # torch would silently wrap a negative seed around, so two "different" seeds could agree
        raise DataError(f"the seed must be a whole number from 0 to 2**64 - 1, not {seed}")
    if not 0.0 < test_fraction < 1.0:
        raise DataError(
            f"the test fraction must be between 0 and 1 (exclusive), not {test_fraction}"
        )


def _numeric_columns(frame: Any, columns: list[str], name: str) -> Any:
    """Return the columns as one float64 array, or raise DataError for the first bad cell.

    Vectorized: each column is checked with whole-array operations, so a million rows take
    a fraction of a second.
    """
    import numpy as np
    import pandas as pd

    arrays, problems = [], []  # problems: (row position, column order, message template, count)
    for order, column in enumerate(columns):
        raw = frame[column]
        missing = raw.isna().to_numpy()
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            numbers = raw.to_numpy(dtype=np.float64)
            non_numeric = np.zeros(len(raw), dtype=bool)
        else:
            numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
            non_numeric = np.isnan(numbers) & ~missing
        infinite = np.isinf(numbers)
        # Training computes in float32: 1e300 would become inf there and be misreported later
        too_large = ~infinite & (np.abs(np.nan_to_num(numbers)) > FLOAT32_MAX)
        for mask, what in (
            (missing, "a missing value"),
            (non_numeric, "a value that is not a number: {value!r}"),
            (infinite, "a value that is not a finite number: {value!r}"),
            (too_large, "{value} is beyond float32's range (at most 3.4e38), which training computes in"),
        ):
            if mask.any():
                first = int(mask.argmax())
                problems.append((first, order, column, what, int(mask.sum()), raw.iloc[first]))
        arrays.append(numbers)
    if problems:
        row, _, column, what, count, value = min(problems, key=lambda item: item[:2])
        more = f" ({count} such cells in this column)" if count > 1 else ""
        text = what.format(value=shorten(str(value)))
        # Row 1 is the first data row, which is line 2 of the file (after the header).
        raise DataError(f"{name}: column '{column}', row {row + 1} (line {row + 2}): {text}{more}")
    return np.column_stack(arrays)
