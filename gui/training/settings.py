"""What to train: the dataset, epochs, learning rate, seed, shift, split, activation, init, variants.

Every widget only admits valid values (ranges, fixed choices, at least one variant), so a
request built from them always passes TrainingConfig's checks.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel,
    QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from core.training.run import VARIANT_NAMES
from gui.theme import readable_on
from gui.training import theme
from gui.training.dataset_dialog import DatasetChoice

INIT_CHOICES = [
    ("shared", "shared",
     "All four start from the same torch.rand weights: their curves must coincide."),
    ("default", "default",
     "Each starts as if it were the first model built: torch.rand for the hand-written two, "
     "nn.Linear's own init for the others."),
    ("notebook", "notebook",
     "Each draws its own start in turn, exactly as the course notebook did."),
]
ACTIVATION_CHOICES = [
    ("relu", "ReLU"),
    ("none", "none (linear)"),
]
MAX_EPOCHS = 1_000_000
MAX_SEED = 2**31 - 1  # QSpinBox holds a C int
FIELD_MIN_WIDTH = 96


class TrainingSettings(QWidget):
    """The settings form. `request()` turns it into the data and config the trainer takes."""

    open_dataset_requested = Signal()  # the user clicked "Open dataset…"
    init_hint: QLabel | None = None  # made in __init__; a palette change may come before

    def __init__(self, dataset: DatasetChoice, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainingSettings")
        self.dataset = dataset
        self.setFont(theme.font(theme.PAGE_POINT_SIZE))

        self.dataset_label = QLabel()
        self.dataset_label.setObjectName("datasetLabel")
        self.dataset_label.setWordWrap(True)
        self.dataset_label.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("Open dataset…")
        self.open_button.setObjectName("openDatasetButton")
        self.open_button.setToolTip("Train on your own CSV file: pick its feature and target columns")
        self.open_button.clicked.connect(self.open_dataset_requested)

        self.epochs = _spin("epochsSpin", 1, MAX_EPOCHS, 100, "Epochs: full passes over the "
                            "training rows (one gradient step each)")
        self.epochs.setGroupSeparatorShown(True)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setObjectName("learningRateSpin")
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(0.0001, 10.0)  # > 0 always: TrainingConfig refuses 0
        self.learning_rate.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.learning_rate.setValue(0.05)
        self.learning_rate.setToolTip("Step size of gradient descent. The features are "
                                      "standardized: above about 1 the loss diverges.")
        self.seed = _spin("seedSpin", 0, MAX_SEED, 123, "Seeds the shuffle before the split and "
                          "the random initial weights")
        self.shift = QDoubleSpinBox()
        self.shift.setObjectName("shiftSpin")
        self.shift.setRange(-1e6, 1e6)
        self.shift.setDecimals(2)
        self.shift.setValue(144.0)
        self.shift.setToolTip("Added to every target, as the notebook did (+144 makes every "
                              "target positive, so a ReLU output can fit them)")
        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setObjectName("testFractionSpin")
        self.test_fraction.setRange(0.05, 0.95)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
        self.test_fraction.setValue(0.30)
        self.test_fraction.setToolTip("Share of the rows held out to measure the test MSE")
        self.activation = QComboBox()
        self.activation.setObjectName("activationCombo")
        for key, text in ACTIVATION_CHOICES:
            self.activation.addItem(text, key)
        self.init = QComboBox()
        self.init.setObjectName("initCombo")
        for index, (key, text, tip) in enumerate(INIT_CHOICES):
            self.init.addItem(text, key)
            self.init.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.init_hint = QLabel()
        self.init_hint.setObjectName("initHint")
        self.init_hint.setWordWrap(True)
        self.init_hint.setFont(theme.font(theme.PAGE_POINT_SIZE - 2))
        self._tint_hint()
        self.init.currentIndexChanged.connect(self._show_init_hint)
        self._show_init_hint()
        self.variant_boxes = {}
        for name in VARIANT_NAMES:
            box = QCheckBox(theme.VARIANT_TITLES[name])
            box.setObjectName(f"runVariant_{name}")
            box.setChecked(True)
            box.toggled.connect(self._keep_one_variant)
            self.variant_boxes[name] = box
        self.manual_as_notebook = QCheckBox("Manual as in the notebook\n(no ReLU derivative)")
        self.manual_as_notebook.setObjectName("manualAsNotebook")
        self.manual_as_notebook.setToolTip(
            "The course notebook's hand-written gradient left out relu'(v). Tick to reproduce its "
            "printed numbers exactly.")
        self._build_layout()
        self.set_dataset(dataset)

    def _build_layout(self) -> None:
        data_group = QGroupBox("Data")
        data = QFormLayout(data_group)
        data.addRow(self.dataset_label)
        data.addRow(self.open_button)
        data.addRow("Target shift", self.shift)
        data.addRow("Test fraction", self.test_fraction)
        data.addRow("Seed", self.seed)
        training_group = QGroupBox("Training")
        training = QFormLayout(training_group)
        training.addRow("Epochs", self.epochs)
        training.addRow("Learning rate", self.learning_rate)
        training.addRow("Activation", self.activation)
        training.addRow("Init", self.init)
        training.addRow(self.init_hint)
        variants_group = QGroupBox("Variants to run")
        variants = QVBoxLayout(variants_group)
        for box in self.variant_boxes.values():
            variants.addWidget(box)
        variants.addWidget(self.manual_as_notebook)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(data_group)
        column.addWidget(training_group)
        column.addWidget(variants_group)
        column.addStretch(1)
        for form in (data, training):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A spin box's natural width fits its largest value (1,000,000): too wide for the column.
        for field in (self.shift, self.test_fraction, self.seed, self.epochs, self.learning_rate,
                      self.activation, self.init):
            field.setMinimumWidth(FIELD_MIN_WIDTH)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """A new theme: the hint's grey must still read on the window's colour."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.init_hint is not None:
            self._tint_hint()

    def _tint_hint(self) -> None:
        background = self.palette().color(QPalette.ColorRole.Window)
        self.init_hint.setStyleSheet(f"color: {readable_on(theme.MUTED_TEXT, background)};")

    def _show_init_hint(self) -> None:
        self.init_hint.setText(INIT_CHOICES[self.init.currentIndex()][2])

    def _keep_one_variant(self) -> None:
        """The last ticked variant cannot be unticked: a run needs at least one."""
        ticked = [box for box in self.variant_boxes.values() if box.isChecked()]
        for box in self.variant_boxes.values():
            box.setEnabled(not (len(ticked) == 1 and box is ticked[0]))

    def set_dataset(self, dataset: DatasetChoice) -> None:
        """Show which file and columns the next run uses."""
        self.dataset = dataset
        self.dataset_label.setText(dataset.describe())
        self.dataset_label.setToolTip(str(dataset.path))

    def chosen_variants(self) -> tuple[str, ...]:
        """The ticked variants, in the notebook's order."""
        return tuple(name for name, box in self.variant_boxes.items() if box.isChecked())

    def request(self) -> tuple[dict, dict]:
        """(data, config) for TrainingClient.start_run, as plain dicts."""
        data = {
            "path": str(self.dataset.path),
            "features": list(self.dataset.features),
            "target": self.dataset.target,
            "shift": self.shift.value(),
            "seed": self.seed.value(),
            "test_fraction": self.test_fraction.value(),
        }
        config = {
            "epochs": self.epochs.value(),
            "lr": self.learning_rate.value(),
            "activation": self.activation.currentData(),
            "init": self.init.currentData(),
            "variants": list(self.chosen_variants()),
            "manual_relu_derivative": not self.manual_as_notebook.isChecked(),
        }
        return data, config


def _spin(name: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin
