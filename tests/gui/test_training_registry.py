"""A variant registered in this test alone gets a card, an overlay curve and a results row.

Nothing outside core.training.registry is told about it. The training process is a separate
Python that never sees this registration, so the page here talks to a scripted client that
plays the process's messages (the widgets are the real ones).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from core.training import registry
from gui.training.card import VariantCard
from gui.training.client import TrainingClient
from tests.gui.conftest import running_timers, show_active

EXTRA = registry.VariantInfo("halved", "Halved", "the manual variant at half the learning rate",
                             "Halved", module=__name__)


class Halved:
    """Only its source is read here (for "View code"): the GUI process never trains."""

    def step(self):
        return 0.0


class ScriptedClient(TrainingClient):
    """The process's side, scripted: no child process; messages are emitted by the test."""

    def start_process(self) -> None:
        pass

    def is_alive(self) -> bool:
        return True

    def is_ready(self) -> bool:
        return True

    def start_run(self, request, pace, landscape: bool = True) -> int:
        self.request, self._running = request, True
        return 1

    def stop_and_wait(self, timeout: float = 0.0, discard: bool = True) -> bool:
        self._running = False
        return True

    def shutdown(self, timeout: float = 0.0) -> None:
        self._running = False


@pytest.fixture
def extra_page(qtbot):
    from gui.training.page import TrainingPage

    registry.register(EXTRA)
    try:
        page = TrainingPage(client=ScriptedClient())
        qtbot.addWidget(page)
        show_active(qtbot, page, 1600, 1000)
        yield page
        page.shutdown()
        page.close()
        assert running_timers(page) == []
    finally:
        registry.unregister(EXTRA.name)


def columns(losses: list[float]) -> dict:
    return {"epoch": list(range(1, len(losses) + 1)), "mse": losses,
            "weights": [[1.0, 2.0]] * len(losses), "bias": [0.5] * len(losses),
            "status": "ok", "active": 1.0}


def outcome(loss: float) -> dict:
    return {"status": "ok", "detail": "ok", "epochs_run": 3, "train_mse": loss, "test_mse": loss,
            "weights": [1.0, 2.0], "bias": 0.5, "initial_weights": [0.0, 0.0], "initial_bias": 0.0,
            "active_fraction": 1.0, "step_seconds": 0.01}


def test_an_extra_variant_gets_a_card_a_curve_and_a_results_row(qtbot, extra_page):
    page = extra_page
    names = registry.names()
    assert names[-1] == "halved" and len(names) == 6
    card = page.findChild(VariantCard, "variantCard_halved")
    assert card is not None and card.isVisible()
    assert page.findChild(QLabel, "variantTitle_halved").text() == "Halved"
    assert [c.objectName() for c in page.card_grid.cards] == [f"variantCard_{n}" for n in names]
    assert page.findChild(QCheckBox, "runVariant_halved").text() == "Halved"
    assert page.findChild(QComboBox, "dataViewVariant").findData("halved") == 5
    assert "Halved" in page.overlay.legend.text()
    assert "class Halved" in page.show_code("halved").editor.toPlainText()

    page.start()
    # every variant registered to run by default is asked for (no_zero_grad only when ticked)
    assert page.client.request.config.variants == registry.default_names()
    names = registry.default_names()
    losses = {name: [30.0 - i, 20.0 - i, 10.0 - i] for i, name in enumerate(names)}
    page.client.run_started.emit({"closed_form": {"train_mse": 1.0, "test_mse": 1.0,
                                                  "weights": [1.0, 2.0], "bias": 0.5},
                                  "sample_targets": [1.0, 2.0]})
    page.client.records_received.emit({name: columns(values) for name, values in losses.items()})
    overlay_curve = page.overlay.curves["halved"]
    qtbot.waitUntil(lambda: overlay_curve.getData()[1] is not None and len(overlay_curve.getData()[1]) == 3)
    assert np.array_equal(page.overlay.curves["halved"].getData()[1], losses["halved"])
    plot = page.findChild(pg.PlotWidget, "lossPlot_halved")
    _, card_losses = plot.getPlotItem().listDataItems()[0].getOriginalDataset()
    assert list(card_losses) == losses["halved"]

    page.client._running = False
    page.client.finished.emit({"run": 1, "stopped_early": False, "wall_seconds": 0.1, "epochs": 3,
                               "closed_form": {"train_mse": 1.0, "test_mse": 1.0,
                                               "weights": [1.0, 2.0], "bias": 0.5},
                               "variants": {name: outcome(values[-1])
                                            for name, values in losses.items()}})
    qtbot.waitUntil(lambda: page.state == "finished")
    assert page.results.cell_text("Halved", "train MSE") == "6"
    assert page.results.rowCount() == 6  # five variants and the closed form
    assert card.status == "finished"
