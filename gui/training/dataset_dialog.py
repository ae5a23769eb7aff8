"""Open a CSV to train on: a preview of its first rows, and pickers for features and target.

pandas loads only when this dialog reads a file. Choosing OK checks the chosen columns cell by
cell with core.training.data.load_table; a problem is shown in the dialog (which stays open) and the
page keeps its current dataset.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QListWidget,
    QListWidgetItem, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from core.training.data import DataError, load_table
from gui.training import theme

log = logging.getLogger(__name__)
PREVIEW_ROWS = 12
ERROR_COLOR = "#B00000"


@dataclass(frozen=True)
class DatasetChoice:
    """A CSV file and the columns to train on."""

    path: Path
    features: tuple[str, ...]
    target: str
    rows: int | None = None  # known once the file was checked
    bundled: bool = False

    def describe(self) -> str:
        """One line for the settings panel: file, rows, features -> target."""
        name = "bundled data" if self.bundled else self.path.name
        rows = f", {self.rows:,} rows" if self.rows else ""
        return f"{name}{rows}\n{', '.join(self.features)} → {self.target}"


def read_preview(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Column names and the first rows as text; raise DataError if it is not a readable CSV."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        frame = pd.read_csv(path, nrows=PREVIEW_ROWS, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name}: the file is empty") from None
    except pd.errors.ParserError as error:
        detail = " ".join(str(error).split())
        raise DataError(f"{path.name}: not a well-formed CSV file ({detail})") from None
    except UnicodeDecodeError:
        raise DataError(f"{path.name}: not a text CSV file (it is not valid UTF-8)") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error})") from None
    columns = [str(column).strip() for column in frame.columns]
    rows = [[str(cell) for cell in row] for row in frame.itertuples(index=False)]
    # As load_table does: a first column without a name is the row index, not data.
    if columns and (columns[0] == "" or columns[0].startswith("Unnamed: 0")):
        columns, rows = columns[1:], [row[1:] for row in rows]
    if not columns:
        raise DataError(f"{path.name}: no columns found")
    return columns, rows


class DatasetDialog(QDialog):
    """Preview a CSV and choose its feature and target columns; `choice` is set on accept."""

    def __init__(self, path: str | Path, columns: list[str], rows: list[list[str]],
                 current: DatasetChoice | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("datasetDialog")
        self.setWindowTitle(f"Open dataset: {Path(path).name}")
        self.setFont(theme.font(theme.PAGE_POINT_SIZE))
        self.path = Path(path)
        self.columns = columns
        self.choice: DatasetChoice | None = None

        self.preview = QTableWidget(len(rows), len(columns))
        self.preview.setObjectName("datasetPreview")
        self.preview.setFont(self.font())  # before measuring the columns: not yet a child here
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setHorizontalHeaderLabels(columns)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row[: len(columns)]):
                self.preview.setItem(r, c, QTableWidgetItem(cell))
        self.preview.resizeColumnsToContents()

        self.target = QComboBox()
        self.target.setObjectName("targetColumnCombo")
        self.target.addItems(columns)
        self.features = QListWidget()
        self.features.setObjectName("featureColumnList")
        self.features.setMaximumHeight(130)
        for column in columns:
            item = QListWidgetItem(column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.features.addItem(item)
        same_columns = current is not None and all(
            name in columns for name in (*current.features, current.target))
        target = current.target if same_columns else columns[-1]
        features = current.features if same_columns else columns[:-1]
        self.target.setCurrentText(target)
        for row in range(self.features.count()):
            item = self.features.item(row)
            if item.text() in features:
                item.setCheckState(Qt.CheckState.Checked)

        self.error = QLabel()
        self.error.setObjectName("datasetError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("datasetButtons")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Features (inputs)", self.features)
        form.addRow("Target (to predict)", self.target)
        column = QVBoxLayout(self)
        column.addWidget(QLabel(f"First rows of {self.path.name}:"))
        column.addWidget(self.preview, 1)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(self.buttons)
        self.resize(760, 560)

    def chosen_features(self) -> list[str]:
        """The ticked feature columns, in file order."""
        items = (self.features.item(row) for row in range(self.features.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:  # noqa: D102 (checks the file before closing)
        features, target = self.chosen_features(), self.target.currentText()
        try:
            if not features:
                raise DataError("choose at least one feature column")
            table = load_table(self.path, features, target)
            _check_usable(table)
        except DataError as error:
            log.warning("The dataset %s cannot be used as chosen: %s", self.path, error)
            self.error.setText(str(error))
            self.error.show()
            return
        self.choice = DatasetChoice(self.path, tuple(features), target, rows=table.rows)
        super().accept()


def _check_usable(table) -> None:
    """What prepare() would refuse, found now: too few rows, or a feature with one value."""
    name = Path(table.source).name
    if table.rows < 3:
        raise DataError(f"{name}: only {table.rows} data rows; training needs at least 3 "
                        f"(2 to train on and 1 to test)")
    for index, column in enumerate(table.feature_names):
        values = table.features[:, index]
        if values.min() == values.max():
            raise DataError(f"{name}: column '{column}' has the same value in every row, so it "
                            f"cannot be standardized")
