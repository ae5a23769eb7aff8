"""The landscape, the update rules, the sweep and the forgotten zero_grad on the training page, as a user.

One training process for the module. Reference numbers come from headless runs of the same
settings (`main.py train --json` / `main.py sweep --json` in a subprocess), so this test process
never imports torch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox, QTabWidget,
)

from tests.gui.test_training_page import (  # noqa: F401  (page and shared_client: fixtures)
    badge, choose, click, find, full_speed, page, shared_client, type_number,
)

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_MS = 60_000
FOUR = ("manual", "semi_manual", "automatic", "sequential")


def headless(command: str, *options: str) -> dict:
    completed = subprocess.run([sys.executable, "main.py", command, "--json", *options], cwd=ROOT,
                               capture_output=True, text=True, timeout=180)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def run_to_end(qtbot, page) -> None:
    full_speed(qtbot, page)
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: page.state in ("finished", "stopped", "failed"), timeout=RUN_TIMEOUT_MS)
    assert page.state == "finished", find(page, QLabel, "trainingMessage").text()


def show_tab(page, title: str) -> None:
    tabs = find(page, QTabWidget, "trainingLowerTabs")
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    tabs.tabBar().setCurrentIndex(index)


def settle(widget) -> None:
    """Apply pending layouts and paint `widget` once, as the screen would before a user aims at it.

    pyqtgraph defers auto-ranging to the next paint, and a relayout moves the plot: without this a
    click computed from item positions can miss under load.
    """
    QApplication.sendPostedEvents()
    widget.grab()


def path_of(page, name: str) -> np.ndarray:
    x, y = page.landscape.path_points(name)
    return np.column_stack([x, y])


def test_adam_runs_and_every_path_is_drawn_on_the_landscape(qtbot, page):
    reference = headless("train", "--epochs", "40", "--optimizer", "adam", "--lr", "0.5")
    type_number(qtbot, page, "epochsSpin", "40")
    type_number(qtbot, page, "learningRateSpin", "0.5")
    choose(qtbot, page, "optimizerCombo", "adam")
    show_tab(page, "Landscape")
    run_to_end(qtbot, page)
    assert page.request().config.optimizer == "adam"
    plot = find(page, pg.PlotWidget, "landscapePlot")
    assert plot.isVisible() and page.landscape.image.image is not None
    qtbot.waitUntil(lambda: len(path_of(page, "manual")) == 41, timeout=5000)
    for name in FOUR:
        expected = np.asarray(reference["variants"][name]["path"])[:, :2]  # w1 × w2, the first pair
        drawn = path_of(page, name)
        assert drawn.shape == (41, 2) and np.allclose(drawn, expected, rtol=1e-5)
        assert np.allclose(drawn, path_of(page, "manual"), rtol=1e-5)  # they lie on each other
        assert "Adam" in find(page, QLabel, f"variantDescription_{name}").text()
    # another pair: w × b, with the optimum marked where the closed form says
    pair = find(page, QComboBox, "landscapePairCombo")
    assert pair.count() == 3
    choose_index(qtbot, pair, 1)
    bias = np.asarray(reference["variants"]["manual"]["path"])[:, 2]
    qtbot.waitUntil(lambda: np.allclose(path_of(page, "manual")[:, 1], bias, rtol=1e-5), timeout=5000)
    star_x, star_y = page.landscape.optimum.getData()
    closed = reference["closed_form"]
    assert star_x[0] == pytest.approx(closed["weights"][0], rel=1e-6)
    assert star_y[0] == pytest.approx(closed["bias"], rel=1e-6)
    assert "through the ReLU" in find(page, QLabel, "landscapeNote").text()


def choose_index(qtbot, combo, index: int) -> None:
    combo.setFocus()
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if index > combo.currentIndex() else Qt.Key.Key_Up)


def test_with_init_default_the_paths_part_and_minibatches_run(qtbot, page):
    type_number(qtbot, page, "epochsSpin", "5")
    choose(qtbot, page, "initCombo", "default")
    choose(qtbot, page, "activationCombo", "none")
    type_number(qtbot, page, "batchSizeSpin", "100")
    assert page.request().config.batch_size == 100
    run_to_end(qtbot, page)
    reference = headless("train", "--epochs", "5", "--init", "default", "--activation", "none",
                         "--batch-size", "100")
    qtbot.waitUntil(lambda: len(path_of(page, "sequential")) == 6, timeout=5000)
    starts = {name: tuple(path_of(page, name)[0]) for name in FOUR}
    assert len(set(starts.values())) > 1  # nn.Linear's own start differs from torch.rand's
    for name in FOUR:
        expected = np.asarray(reference["variants"][name]["path"])[:, :2]
        assert np.allclose(path_of(page, name), expected, rtol=1e-5)
    show_tab(page, "Landscape")  # hidden during the run: its grid is computed now
    qtbot.waitUntil(lambda: page.landscape.message is not None, timeout=RUN_TIMEOUT_MS)
    assert "Exact" in find(page, QLabel, "landscapeNote").text()


def test_the_forgotten_zero_grad_is_selectable_and_its_card_explains_it(qtbot, page):
    type_number(qtbot, page, "epochsSpin", "10")
    box = find(page, QCheckBox, "runVariant_no_zero_grad")
    assert not box.isChecked()
    box.click()
    run_to_end(qtbot, page)
    assert badge(page, "no_zero_grad") == "finished"
    text = find(page, QLabel, "statusExplanation_no_zero_grad").text()
    assert "zero_grad()" in text and "epoch 2" in text
    assert not np.allclose(path_of(page, "no_zero_grad")[-1], path_of(page, "automatic")[-1])


def test_the_sweep_plots_every_rate_and_a_click_trains_with_it(qtbot, page):
    type_number(qtbot, page, "epochsSpin", "30")
    reference = headless("sweep", "--epochs", "30")
    click(qtbot, page, "sweepButton")
    assert not find(page, QPushButton, "startButton").isEnabled()
    qtbot.waitUntil(lambda: not page.client.is_sweeping(), timeout=RUN_TIMEOUT_MS)
    assert "25 learning rates" in find(page, QLabel, "sweepSummary").text()
    sweep = page.sweep
    drawn = {status: sweep.points(status) for status in ("ok", "diverged", "dead")}
    for status, (lrs, _) in drawn.items():
        expected = [run["lr"] for run in reference["runs"] if run["status"] == status]
        assert np.allclose(lrs, expected), status
    assert sum(len(lrs) for lrs, _ in drawn.values()) == 25
    assert sweep.bound == pytest.approx(reference["lr_stability_bound"])
    assert sweep.bound_line.isVisible() and sweep.stable.isVisible()
    ok_lrs, ok_losses = drawn["ok"]
    finals = {run["lr"]: run["final_train_mse"] for run in reference["runs"]}
    assert np.allclose(ok_losses, [finals[lr] for lr in ok_lrs], rtol=1e-6)
    assert find(page, QPushButton, "startButton").isEnabled()
    # click the ok point nearest lr 0.1 with the mouse
    target = int(np.argmin(np.abs(np.log10(ok_lrs) - np.log10(0.1))))
    plot = find(page, pg.PlotWidget, "sweepPlot")
    settle(plot)  # the summary grew: aim at where the point is painted now, not before the relayout
    spot = sweep.marks["ok"].scatter.points()[target]
    scene = sweep.marks["ok"].scatter.mapToScene(spot.pos())
    where = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where.x(), where.y()))
    assert page.state != "idle", f"the click at {where} started no run"
    qtbot.waitUntil(lambda: page.state == "finished", timeout=RUN_TIMEOUT_MS)
    assert page.request().config.lr == pytest.approx(float(f"{ok_lrs[target]:.4g}"))
    assert page.running.config.lr == page.request().config.lr


def test_a_page_wide_toggle_puts_every_loss_on_a_log_axis_when_it_spans_decades(qtbot, page):
    page_toggle = find(page, QCheckBox, "logScalePage")
    assert page_toggle.isChecked()
    type_number(qtbot, page, "epochsSpin", "60")
    type_number(qtbot, page, "learningRateSpin", "1.5")
    choose(qtbot, page, "activationCombo", "none")
    run_to_end(qtbot, page)  # diverges: the loss grows a thousandfold
    assert find(page, QCheckBox, "logScale_overlay").isChecked()
    assert all(find(page, QCheckBox, f"logScale_{name}").isChecked() for name in FOUR)
    # the card names the learning rate against the bound, not the init
    explanation = find(page, QLabel, "statusExplanation_manual").text()
    assert "smaller learning rate" in explanation and "init" not in explanation
    page_toggle.click()
    assert not find(page, QCheckBox, "logScale_overlay").isChecked()
    assert not any(find(page, QCheckBox, f"logScale_{name}").isChecked() for name in FOUR)


def test_the_update_settings_show_a_request_and_read_back_the_same(qtbot, page):
    from core.training.request import TrainingConfig, TrainingRequest

    request = TrainingRequest(config=TrainingConfig(optimizer="momentum", momentum=0.8,
                                                    batch_size=16, shuffle_seed=5,
                                                    variants=("manual", "no_zero_grad")))
    page.set_request(request)
    assert page.request().config == request.config  # (the form always states its shift)
    assert find(page, QComboBox, "optimizerCombo").currentData() == "momentum"
    assert find(page, QSpinBox, "batchSizeSpin").value() == 16
    page.set_request(TrainingRequest())
    assert find(page, QSpinBox, "batchSizeSpin").text() == "full batch"
    assert not find(page, QDoubleSpinBox, "momentumSpin").isEnabled()  # only for momentum


def test_the_training_animation_shows_the_paths_growing_while_the_landscape_is_open(
        qtbot, page, tmp_path):
    from PIL import Image

    type_number(qtbot, page, "epochsSpin", "8")
    type_number(qtbot, page, "learningRateSpin", "0.3")
    show_tab(page, "Landscape")
    run_to_end(qtbot, page)
    progress = page.export_animation(tmp_path / "walk.gif")
    with qtbot.waitSignal(progress.finished, timeout=60_000):
        pass
    show_tab(page, "Results")
    progress = page.export_animation(tmp_path / "loss.gif")
    with qtbot.waitSignal(progress.finished, timeout=60_000):
        pass
    with Image.open(tmp_path / "walk.gif") as walk, Image.open(tmp_path / "loss.gif") as loss:
        assert walk.n_frames == loss.n_frames == 8 and walk.size == (1920, 1080)
        walk.seek(0)
        first = np.asarray(walk.convert("RGB"))
        walk.seek(7)
        last = np.asarray(walk.convert("RGB"))
        loss.seek(7)
        plain = np.asarray(loss.convert("RGB"))
    right = slice(int(1920 * 0.6), 1900)
    assert (first[:, right] != last[:, right]).any()  # the path grew on the landscape
    assert (last[:, right] != plain[:, right]).any()  # which the plain animation does not have


def test_a_thinned_history_draws_each_path_to_its_latest_point_and_animates(qtbot, page, tmp_path,
                                                                             monkeypatch):
    from core.training import history as history_module

    monkeypatch.setattr(history_module, "MAX_POINTS", 4)  # 20 epochs: the history thins its rows
    type_number(qtbot, page, "epochsSpin", "20")
    type_number(qtbot, page, "learningRateSpin", "0.3")
    show_tab(page, "Landscape")
    run_to_end(qtbot, page)
    pair = page.landscape.pair()
    arrays = page.landscape.path_arrays(page.history)
    assert set(arrays) == set(FOUR)
    for name, (x, y) in arrays.items():
        variant = page.history.variants[name]
        assert variant.count == 20 and variant.rows() < 20  # thinned
        assert len(x) == len(y) == variant.rows() + 1  # the start, then every kept epoch
        _loss, weights, bias = variant.latest()
        latest = [*weights, bias]
        assert (x[-1], y[-1]) == (latest[pair[0]], latest[pair[1]])
    progress = page.export_animation(tmp_path / "walk.gif")
    with qtbot.waitSignal(progress.finished, timeout=60_000):
        pass
    assert (tmp_path / "walk.gif").stat().st_size > 0


def test_an_extra_variants_card_is_laid_out_only_while_it_is_ticked(qtbot, page):
    box = find(page, QCheckBox, "runVariant_no_zero_grad")
    card, grid = page.cards["no_zero_grad"], page.card_grid
    box.setChecked(False)
    assert card.isHidden() and grid.shown() == [page.cards[name] for name in FOUR]
    assert grid.grid.indexOf(card) == -1  # no empty row kept for it
    box.setChecked(True)
    assert not card.isHidden() and grid.shown()[-1] is card and grid.grid.indexOf(card) >= 0
    box.setChecked(False)
