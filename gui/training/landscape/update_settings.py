"""The update rule and batch mode of a run: optimizer, momentum, batch size, shuffle seed.

Rows for the settings form's Training group. The widgets start at the request's defaults
(core.training.request) and only admit values a TrainingConfig takes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox

from core.training.request import OPTIMIZERS, TrainingConfig

OPTIMIZER_TEXTS = {
    "sgd": ("plain gradient descent", "w ← w − lr·∇L: today's rule"),
    "momentum": ("SGD with momentum", "v ← momentum·v + ∇L, w ← w − lr·v: torch.optim.SGD(momentum=…)"),
    "adam": ("Adam", "running means of ∇L and ∇L², bias-corrected: torch.optim.Adam"),
}
FULL_BATCH_TEXT = "full batch"
MAX_BATCH = 1_000_000
MAX_SHUFFLE_SEED = 2**31 - 1  # QSpinBox holds a C int
MOMENTUM_DECIMALS = 3


class UpdateSettings(QObject):
    """Owns the four widgets; `values()` reads them as TrainingConfig keywords."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.optimizer = QComboBox()
        self.optimizer.setObjectName("optimizerCombo")
        for index, key in enumerate(OPTIMIZERS):
            text, tip = OPTIMIZER_TEXTS[key]
            self.optimizer.addItem(text, key)
            self.optimizer.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.optimizer.setToolTip("The update rule every variant runs: the hand-written two "
                                  "write it out, the others take it from torch.optim")
        self.momentum = QDoubleSpinBox()
        self.momentum.setObjectName("momentumSpin")
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(MOMENTUM_DECIMALS)
        self.momentum.setSingleStep(0.05)
        self.momentum.setToolTip("How much of the last step each step keeps (optimizer: momentum)")
        self.batch_size = QSpinBox()
        self.batch_size.setObjectName("batchSizeSpin")
        self.batch_size.setRange(0, MAX_BATCH)
        self.batch_size.setSpecialValueText(FULL_BATCH_TEXT)  # 0 shows as "full batch"
        self.batch_size.setToolTip("Rows per update: full batch (all rows, one step per epoch), "
                                   "minibatches reshuffled every epoch, or 1 (stochastic)")
        self.shuffle_seed = QSpinBox()
        self.shuffle_seed.setObjectName("shuffleSeedSpin")
        self.shuffle_seed.setRange(0, MAX_SHUFFLE_SEED)
        self.shuffle_seed.setToolTip("Seeds the torch.Generator behind each epoch's "
                                     "torch.randperm of the rows (minibatches only)")
        self.optimizer.currentIndexChanged.connect(self._enable)
        self.batch_size.valueChanged.connect(self._enable)
        self.set_values(TrainingConfig())

    def add_rows(self, form: QFormLayout) -> None:
        """Add the four rows to `form`."""
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Momentum", self.momentum)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Shuffle seed", self.shuffle_seed)

    def values(self) -> dict:
        """optimizer, momentum, batch_size (None: full batch) and shuffle_seed."""
        size = self.batch_size.value()
        return {"optimizer": self.optimizer.currentData(), "momentum": self.momentum.value(),
                "batch_size": size or None, "shuffle_seed": self.shuffle_seed.value()}

    def set_values(self, config: TrainingConfig) -> None:
        """Show `config`'s update rule and batch mode."""
        self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))
        self.momentum.setValue(config.momentum)
        self.batch_size.setValue(config.batch_size or 0)
        self.shuffle_seed.setValue(config.shuffle_seed)
        self._enable()

    @staticmethod
    def unshowable(config: TrainingConfig) -> list[tuple[str, bool]]:
        """(what the widgets cannot hold, whether it fits) for the settings form's check."""
        return [
            (f"a momentum of {config.momentum} (it takes 0 to 0.999 in steps of 0.001)",
             round(config.momentum, MOMENTUM_DECIMALS) == config.momentum),
            (f"a batch size of {config.batch_size} (it takes 1 to {MAX_BATCH:,})",
             config.batch_size is None or config.batch_size <= MAX_BATCH),
            (f"shuffle seed {config.shuffle_seed} (it takes 0 to {MAX_SHUFFLE_SEED:,})",
             config.shuffle_seed <= MAX_SHUFFLE_SEED),
        ]

    def widgets(self) -> tuple:
        """The four widgets, in form order."""
        return self.optimizer, self.momentum, self.batch_size, self.shuffle_seed

    def _enable(self) -> None:
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        self.shuffle_seed.setEnabled(self.batch_size.value() > 0)
