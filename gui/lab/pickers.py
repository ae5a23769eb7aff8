"""The input pickers of the lab's panels."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def refill(combo: QComboBox, names: list[str]) -> None:
    """Offer `names`, keeping the current choice where it is still offered, without signals."""
    chosen = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(names)
    if chosen in names:
        combo.setCurrentText(chosen)
    combo.blockSignals(False)
