"""What to train: the dataset, epochs, learning rate, seed, shift, split, activation, init, variants.

Every widget only admits valid values (ranges, fixed choices, at least one variant), so the
TrainingRequest built from them always passes its checks. The widgets start at the request's
defaults (core.training.request is their one home).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel,
    QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from core.formatting import fmt
from core.project import BUNDLED_DATA
from core.training import registry
from core.training.request import (
    DEFAULT_FEATURES, DEFAULT_TARGET, MAX_EPOCHS, DataSpec, RequestError, TrainingConfig,
    TrainingRequest, default_shift,
)
from gui.training.landscape.update_settings import UpdateSettings
from gui.theme import Look
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
MAX_SEED = 2**31 - 1  # QSpinBox holds a C int
LR_RANGE = (0.0001, 10.0)  # > 0 always; with standardized features, above about 1 diverges
LR_DECIMALS = 6  # a swept learning rate (log-spaced) loads to 4 significant digits
SHIFT_RANGE = (-1e6, 1e6)
TEST_FRACTION_RANGE = (0.05, 0.95)
BUNDLED_ROWS = 1000
FIELD_MIN_WIDTH = 96
NOTEBOOK_TEXT = "Manual as in the notebook\n(no ReLU derivative)"
NOTEBOOK_TEXT_NARROW = "Manual as in\nthe notebook (no\nReLU derivative)"  # large text: a check box cannot wrap


def bundled_dataset() -> DatasetChoice:
    """The dataset shipped with the app: data/linreg-data.csv, x1 and x2 -> y."""
    return DatasetChoice(BUNDLED_DATA, DEFAULT_FEATURES, DEFAULT_TARGET, rows=BUNDLED_ROWS,
                         bundled=True)


class TrainingSettings(QWidget):
    """The settings form: `request()` reads it as a TrainingRequest, `set_request` fills it."""

    open_dataset_requested = Signal()  # the user clicked "Open dataset…"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainingSettings")
        self.dataset = bundled_dataset()
        self.setFont(theme.font(theme.PAGE_POINT_SIZE))

        self.dataset_label = QLabel()
        self.dataset_label.setObjectName("datasetLabel")
        self.dataset_label.setWordWrap(True)
        self.dataset_label.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("Open dataset…")
        self.open_button.setObjectName("openDatasetButton")
        self.open_button.setToolTip("Train on your own CSV file: pick its feature and target columns")
        self.open_button.clicked.connect(self.open_dataset_requested)

        self.epochs = _spin("epochsSpin", 1, MAX_EPOCHS, "Epochs: full passes over the "
                            "training rows (one gradient step each)")
        self.epochs.setGroupSeparatorShown(True)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setObjectName("learningRateSpin")
        self.learning_rate.setDecimals(LR_DECIMALS)
        self.learning_rate.setRange(*LR_RANGE)
        self.learning_rate.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.learning_rate.setToolTip("Step size of gradient descent. The features are "
                                      "standardized: above about 1 the loss diverges.")
        self.seed = _spin("seedSpin", 0, MAX_SEED, "Seeds the shuffle before the split and "
                          "the random initial weights")
        self.shift = QDoubleSpinBox()
        self.shift.setObjectName("shiftSpin")
        self.shift.setRange(*SHIFT_RANGE)
        self.shift.setDecimals(2)
        self.shift.setToolTip(f"Added to every target, as the notebook did (+{fmt(default_shift(None))} "
                              "makes every course target positive, so a ReLU output can fit them; "
                              "another file starts at 0)")
        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setObjectName("testFractionSpin")
        self.test_fraction.setRange(*TEST_FRACTION_RANGE)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
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
        self.init.currentIndexChanged.connect(self._show_init_hint)
        self._show_init_hint()
        self.variant_boxes = {}
        for info in registry.variants():
            box = QCheckBox(info.title)
            box.setObjectName(f"runVariant_{info.name}")
            box.toggled.connect(self._keep_one_variant)
            self.variant_boxes[info.name] = box
        self.updates = UpdateSettings()  # optimizer, momentum, batch size, shuffle seed
        self.manual_as_notebook = QCheckBox(NOTEBOOK_TEXT)
        self.manual_as_notebook.setObjectName("manualAsNotebook")
        self.manual_as_notebook.setToolTip(
            "The course notebook's hand-written gradient left out relu'(v). Tick to reproduce its "
            "printed numbers exactly.")
        self._build_layout()
        self.set_request(TrainingRequest())

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
        self.updates.add_rows(training)
        _field_under_its_name(training, self.updates.optimizer)  # "plain gradient descent" needs the width
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
        self.forms = (data, training)
        for form in (data, training):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A spin box's natural width fits its largest value (1,000,000): too wide for the column.
        for field in (self.shift, self.test_fraction, self.seed, self.epochs, self.learning_rate,
                      self.activation, self.init, *self.updates.widgets()):
            field.setMinimumWidth(FIELD_MIN_WIDTH)

    def set_labels_above(self, above: bool) -> None:
        """Put each setting's name above its field (large text: the column cannot fit both side by side)."""
        policy = QFormLayout.RowWrapPolicy.WrapAllRows if above else QFormLayout.RowWrapPolicy.DontWrapRows
        for form in self.forms:
            form.setRowWrapPolicy(policy)
        self.manual_as_notebook.setText(NOTEBOOK_TEXT_NARROW if above else NOTEBOOK_TEXT)

    def apply_look(self, look: Look) -> None:
        """Colour the secondary text for `look` (the rest follows the window's palette)."""
        self.init_hint.setStyleSheet(f"color: {look.soft_text};")

    def _show_init_hint(self) -> None:
        self.init_hint.setText(INIT_CHOICES[self.init.currentIndex()][2])

    def _keep_one_variant(self) -> None:
        """The last ticked variant cannot be unticked: a run needs at least one."""
        ticked = [box for box in self.variant_boxes.values() if box.isChecked()]
        for box in self.variant_boxes.values():
            box.setEnabled(not (len(ticked) == 1 and box is ticked[0]))

    def set_dataset(self, dataset: DatasetChoice) -> None:
        """Train on `dataset` next, with its default target shift (144 only for the course data)."""
        self._show_dataset(dataset)
        self.shift.setValue(default_shift(None if dataset.bundled else dataset.path))

    def _show_dataset(self, dataset: DatasetChoice) -> None:
        self.dataset = dataset
        self.dataset_label.setText(dataset.describe())
        self.dataset_label.setToolTip(str(dataset.path))

    def chosen_variants(self) -> tuple[str, ...]:
        """The ticked variants, in the registry's order."""
        return tuple(name for name, box in self.variant_boxes.items() if box.isChecked())

    def request(self) -> TrainingRequest:
        """What the form asks for, as a TrainingRequest."""
        dataset = self.dataset
        data = DataSpec(
            path=None if dataset.bundled else str(dataset.path),
            features=tuple(dataset.features),
            target=dataset.target,
            shift=self.shift.value(),
            seed=self.seed.value(),
            test_fraction=self.test_fraction.value(),
        )
        config = TrainingConfig(
            epochs=self.epochs.value(),
            lr=self.learning_rate.value(),
            activation=self.activation.currentData(),
            init=self.init.currentData(),
            variants=self.chosen_variants(),
            manual_relu_derivative=not self.manual_as_notebook.isChecked(),
            **self.updates.values(),
        )
        return TrainingRequest(data, config)

    def set_request(self, request: TrainingRequest) -> None:
        """Show `request` in the form; RequestError (changing nothing) if a widget cannot hold it."""
        data, config = request.data, request.config
        problem = _unshowable(request)
        if problem:
            raise RequestError(f"the Training page cannot show {problem}")
        if data.is_bundled:
            self._show_dataset(bundled_dataset())
        else:
            self._show_dataset(DatasetChoice(data.source, data.features, data.target))
        self.shift.setValue(data.shift_used)
        self.seed.setValue(data.seed)
        self.test_fraction.setValue(data.test_fraction)
        self.epochs.setValue(config.epochs)
        self.learning_rate.setValue(config.lr)
        self.activation.setCurrentIndex(self.activation.findData(config.activation))
        self.init.setCurrentIndex(self.init.findData(config.init))
        for name, box in self.variant_boxes.items():
            box.setChecked(name in config.variants)
        self.manual_as_notebook.setChecked(not config.manual_relu_derivative)
        self.updates.set_values(config)


def _unshowable(request: TrainingRequest) -> str:
    """What in `request` the widgets' ranges and steps cannot hold, in words ("" if all fits)."""
    data, config = request.data, request.config
    checks = [
        (f"a learning rate of {fmt(config.lr)} (it takes {fmt(LR_RANGE[0])} to "
         f"{fmt(LR_RANGE[1])} in steps of {fmt(10.0 ** -LR_DECIMALS)})",
         LR_RANGE[0] <= config.lr <= LR_RANGE[1] and round(config.lr, LR_DECIMALS) == config.lr),
        (f"{config.epochs} epochs (it takes 1 or more)", config.epochs >= 1),
        (f"seed {data.seed} (it takes 0 to {MAX_SEED:,})", data.seed <= MAX_SEED),
        (f"a target shift of {fmt(data.shift_used)} (it takes {fmt(SHIFT_RANGE[0])} to "
         f"{fmt(SHIFT_RANGE[1])} in steps of 0.01)",
         SHIFT_RANGE[0] <= data.shift_used <= SHIFT_RANGE[1]
         and round(data.shift_used, 2) == data.shift_used),
        (f"a test fraction of {fmt(data.test_fraction)} (it takes {fmt(TEST_FRACTION_RANGE[0])} "
         f"to {fmt(TEST_FRACTION_RANGE[1])} in steps of 0.01)",
         TEST_FRACTION_RANGE[0] <= data.test_fraction <= TEST_FRACTION_RANGE[1]
         and round(data.test_fraction, 2) == data.test_fraction),
    ]
    checks += UpdateSettings.unshowable(config)
    return "; ".join(words for words, fits in checks if not fits)


def _field_under_its_name(form: QFormLayout, field: QWidget) -> None:
    """Move `field` onto a row of its own under its name, as wide as the form.

    Beside its name the optimizer combo had 117 pixels at 1× for 191 pixels of "plain gradient
    descent": its text was cut to "plain gradient…".
    """
    row, _ = form.getWidgetPosition(field)
    taken = form.takeRow(row)
    name = taken.labelItem.widget()
    form.insertRow(row, name)
    form.insertRow(row + 1, field)
    if isinstance(name, QLabel):
        name.setBuddy(field)


def _spin(name: str, low: int, high: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setToolTip(tip)
    return spin
