"""Loading, validating and preparing regression data (core.training.data) and the bundled dataset."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pytest

from core.training.data import DataError, load_table, prepare

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "linreg-data.csv"


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread(single_torch_thread):
    """Every test here runs with one torch thread (the fixture lives in tests/core/conftest.py)."""
    yield


def write(tmp_path: Path, text: str, name: str = "table.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def small_csv(rows: int = 10, index: bool = True) -> str:
    """A tiny valid table with distinct values, in the course file's layout."""
    lines = [",x1,x2,y" if index else "x1,x2,y"]
    for i in range(rows):
        cells = [f"{i * 0.5 - 2:.2f}", f"{(i * 7 % 10) / 3:.3f}", f"{3 * i + 1.5}"]
        lines.append(",".join(([str(i)] if index else []) + cells))
    return "\n".join(lines) + "\n"


def load_error(path: Path, **options) -> str:
    with pytest.raises(DataError) as caught:
        load_table(path, **options)
    return str(caught.value)


# --- the bundled dataset -------------------------------------------------------------------------


def test_bundled_dataset_is_exactly_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("make_dataset", REPO / "data" / "make_dataset.py")
    make_dataset = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_dataset)
    assert BUNDLED.read_text(encoding="utf-8") == make_dataset.csv_text(make_dataset.make_rows())


def test_bundled_dataset_has_the_documented_shape_and_positive_shifted_targets():
    assert BUNDLED.read_text(encoding="utf-8").splitlines()[0] == ",x1,x2,y"
    table = load_table(BUNDLED)
    assert table.rows == 1000
    assert table.features.shape == (1000, 2)
    assert np.all(np.abs(table.features.mean(axis=0)) < 0.1)
    assert np.all(np.abs(table.features.std(axis=0) - 1) < 0.1)
    # With the default shift every target is positive, so a ReLU unit can fit all of them.
    assert (table.target + 144).min() > 0


# --- loading --------------------------------------------------------------------------------------


def test_first_unnamed_column_is_the_index_and_is_dropped(tmp_path):
    table = load_table(write(tmp_path, small_csv(index=True)))
    assert table.feature_names == ("x1", "x2") and table.target_name == "y"
    assert table.features[:, 0].tolist() == [i * 0.5 - 2 for i in range(10)]
    assert table.target.tolist() == [3 * i + 1.5 for i in range(10)]


def test_a_file_without_index_column_loads_the_same(tmp_path):
    with_index = load_table(write(tmp_path, small_csv(index=True), "a.csv"))
    without = load_table(write(tmp_path, small_csv(index=False), "b.csv"))
    assert np.array_equal(with_index.features, without.features)
    assert np.array_equal(with_index.target, without.target)


def test_feature_and_target_columns_are_selectable(tmp_path):
    table = load_table(write(tmp_path, small_csv()), features=["y", "x1"], target="x2")
    assert table.feature_names == ("y", "x1")
    assert table.features[:, 0].tolist() == [3 * i + 1.5 for i in range(10)]
    assert table.target.tolist() == pytest.approx([(i * 7 % 10) / 3 for i in range(10)], abs=1e-3)


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.csv"
    message = load_error(missing)
    assert str(missing) in message and "no such file" in message


def test_a_folder_is_not_a_file(tmp_path):
    assert "is a folder" in load_error(tmp_path)


def test_empty_file(tmp_path):
    message = load_error(write(tmp_path, ""))
    assert message == "table.csv: the file is empty"


def test_whitespace_only_file_counts_as_empty(tmp_path):
    assert "the file is empty" in load_error(write(tmp_path, "\n\n  \n"))


def test_header_without_rows(tmp_path):
    assert "header but no data rows" in load_error(write(tmp_path, ",x1,x2,y\n"))


def test_missing_column_is_named_with_the_available_ones(tmp_path):
    message = load_error(write(tmp_path, small_csv()), features=("x1", "x3"))
    assert message == "table.csv: no column 'x3' (available columns: x1, x2, y)"


def test_missing_target_column_is_named(tmp_path):
    message = load_error(write(tmp_path, small_csv()), target="price")
    assert "no column 'price'" in message and "x1, x2, y" in message


def test_non_numeric_cell_names_column_row_and_value(tmp_path):
    lines = small_csv().splitlines()
    lines[4] = "3,0.5,abc,10"  # the 4th data row
    message = load_error(write(tmp_path, "\n".join(lines) + "\n"))
    assert message == "table.csv: column 'x2', row 4 (line 5): a value that is not a number: 'abc'"


def test_missing_value_names_column_and_row(tmp_path):
    lines = small_csv().splitlines()
    lines[7] = "6,1.0,2.0,"  # the target of the 7th data row is empty
    message = load_error(write(tmp_path, "\n".join(lines) + "\n"))
    assert message == "table.csv: column 'y', row 7 (line 8): a missing value"


def test_the_first_bad_row_is_reported_and_repeats_are_counted(tmp_path):
    lines = small_csv().splitlines()
    lines[9] = "8,,1,1"
    lines[3] = "2,1,,1"
    lines[5] = "4,1,,1"
    message = load_error(write(tmp_path, "\n".join(lines) + "\n"))
    assert message.startswith("table.csv: column 'x2', row 3 (line 4): a missing value")
    assert "(2 such cells in this column)" in message


def test_infinite_value_is_rejected(tmp_path):
    lines = small_csv().splitlines()
    lines[2] = "1,inf,1,1"
    message = load_error(write(tmp_path, "\n".join(lines) + "\n"))
    assert "column 'x1', row 2" in message and "not a finite number" in message


def test_ragged_rows_are_a_csv_error_with_the_line(tmp_path):
    message = load_error(write(tmp_path, ",x1,x2,y\n0,1,2,3\n1,1,2,3,4,5\n"))
    assert message.startswith("table.csv: not a well-formed CSV file") and "line 3" in message


def test_binary_file_is_not_a_text_csv(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(b"\xff\xfe\x00\x81" * 64)
    assert load_error(path) == "blob.csv: not a text CSV file (it is not valid UTF-8)"


@pytest.mark.parametrize(
    ("features", "target", "fragment"),
    [
        ((), "y", "names must not be empty"),
        (("x1", ""), "y", "names must not be empty"),
        (("x1", "x1"), "y", "a column is repeated"),
        (("x1", "y"), "y", "cannot be both a feature and the target"),
        (("x1",), " ", "target column name must not be empty"),
    ],
)
def test_bad_column_choices(tmp_path, features, target, fragment):
    assert fragment in load_error(write(tmp_path, small_csv()), features=features, target=target)


def test_a_million_rows_load_in_seconds(tmp_path):
    block = BUNDLED.read_text(encoding="utf-8").split("\n", 1)[1]  # 1,000 rows, no header
    clean = tmp_path / "big.csv"
    clean.write_text(",x1,x2,y\n" + block * 1000, encoding="utf-8")
    started = time.perf_counter()
    table = load_table(clean)
    elapsed = time.perf_counter() - started
    assert table.rows == 1_000_000
    assert elapsed < 10, f"loading 10^6 rows took {elapsed:.1f} s"

    # A single bad cell in the very last row is still found, and named.
    broken = tmp_path / "big-broken.csv"
    broken.write_text(",x1,x2,y\n" + block * 1000 + "999999,1.0,oops,2.0\n", encoding="utf-8")
    message = load_error(broken)
    assert "column 'x2', row 1000001 (line 1000002)" in message and "'oops'" in message


# --- preparing ------------------------------------------------------------------------------------


def notebook_preparation(table, shift, seed, cut_fraction):
    """The seed notebook's steps, written out plainly as the reference."""
    import torch

    X = torch.tensor(table.features, dtype=torch.float)
    y = torch.tensor(table.target, dtype=torch.float) + shift
    torch.manual_seed(seed)
    shuffle = torch.randperm(y.size(0), dtype=torch.long)
    X, y = X[shuffle], y[shuffle]
    cut = int(shuffle.size(0) * cut_fraction)
    X_train, X_test = X[shuffle[:cut]], X[shuffle[cut:]]
    y_train, y_test = y[shuffle[:cut]], y[shuffle[cut:]]
    mu, sigma = X_train.mean(dim=0), X_train.std(dim=0)
    return (X_train - mu) / sigma, y_train, (X_test - mu) / sigma, y_test


def test_prepare_reproduces_the_notebook_bit_for_bit():
    import torch

    table = load_table(BUNDLED)
    prepared = prepare(table)
    expected = notebook_preparation(table, 144, 123, 0.7)
    actual = (prepared.X_train, prepared.y_train, prepared.X_test, prepared.y_test)
    for got, want in zip(actual, expected):
        assert got.dtype == torch.float32
        assert torch.equal(got, want)
    assert prepared.X_train.shape == (700, 2) and prepared.X_test.shape == (300, 2)


def test_the_split_applies_the_permutation_twice_as_the_notebook_did():
    import torch

    table = load_table(BUNDLED)
    prepared = prepare(table)
    y = torch.tensor(table.target, dtype=torch.float32) + 144
    once = y[prepared.permutation[:700]]
    twice = y[prepared.permutation][prepared.permutation[:700]]
    assert torch.equal(prepared.y_train, twice)
    assert not torch.equal(prepared.y_train, once)


def test_standardization_uses_training_statistics():
    import torch

    prepared = prepare(load_table(BUNDLED), seed=7, test_fraction=0.25)
    assert prepared.X_train.shape[0] == 750
    assert torch.allclose(prepared.X_train.mean(dim=0), torch.zeros(2), atol=1e-5)
    assert torch.allclose(prepared.X_train.std(dim=0), torch.ones(2), atol=1e-5)
    assert not torch.allclose(prepared.X_test.mean(dim=0), torch.zeros(2), atol=1e-3)


def test_rng_state_is_the_state_right_after_the_permutation():
    import torch

    prepared = prepare(load_table(BUNDLED), seed=99)
    torch.manual_seed(99)
    torch.randperm(1000)
    expected = torch.rand(3)
    torch.manual_seed(0)  # anything in between must not matter
    torch.set_rng_state(prepared.rng_state)
    assert torch.equal(torch.rand(3), expected)


def test_shift_is_added_to_the_target():
    import torch

    table = load_table(BUNDLED)
    plain, shifted = prepare(table, shift=0.0), prepare(table, shift=-1000.0)
    assert torch.equal(shifted.y_train, plain.y_train - 1000)


def test_too_few_rows_for_the_split(tmp_path):
    table = load_table(write(tmp_path, small_csv(rows=2)))
    with pytest.raises(DataError) as caught:
        prepare(table)
    message = str(caught.value)
    assert message.startswith("table.csv: too few rows for the split")
    assert "2 rows give 1 for training and 1 for testing" in message


def test_three_rows_are_enough(tmp_path):
    prepared = prepare(load_table(write(tmp_path, small_csv(rows=3))))
    assert len(prepared.y_train) == 2 and len(prepared.y_test) == 1


def test_constant_feature_cannot_be_standardized(tmp_path):
    lines = [",x1,x2,y"] + [f"{i},5,{i},{i}" for i in range(10)]
    table = load_table(write(tmp_path, "\n".join(lines) + "\n"))
    with pytest.raises(DataError, match="column 'x1' has the same value in every training row"):
        prepare(table)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"test_fraction": 0.0}, "test fraction must be between 0 and 1"),
        ({"test_fraction": 1.0}, "test fraction must be between 0 and 1"),
        ({"test_fraction": float("nan")}, "test fraction must be between 0 and 1"),
        ({"shift": float("inf")}, "shift must be a finite number"),
        ({"seed": -1}, "seed must be a whole number from 0 to 2**64 - 1"),
        ({"seed": 2**64}, "seed must be a whole number from 0 to 2**64 - 1"),
    ],
)
def test_bad_preparation_options(options, fragment):
    with pytest.raises(DataError, match=fragment.replace("*", r"\*")):
        prepare(load_table(BUNDLED), **options)
