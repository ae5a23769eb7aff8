"""The landscape is computed only while its tab shows (each one costs the training process ~0.2 s).

A run with the tab hidden computes none; opening the tab after the run brings the end stage the
open tab would have shown, opening it mid-run a grid around the parameters now. Counted on the
client's signals, on a real training process (no timing).
"""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from core.training.landscape import grid_values
from gui.training import client as client_module
from gui.training.page import TrainingPage
from tests.gui.conftest import show_active
from tests.gui.test_landscape_gui import show_tab
from tests.gui.test_training_page import (  # noqa: F401  (fixtures)
    RUN_TIMEOUT_MS, click, full_speed, loss_curve, page, shared_client, type_number,
)


@pytest.fixture
def arrivals(page):
    """Every landscape message the client hands the page, with the first variant's epochs and
    latest numbers in the page's history when it arrived."""
    seen: list[tuple[dict, int, tuple]] = []

    def arrived(message: dict) -> None:
        manual = page.history.variants.get("manual")
        seen.append((message, manual.count if manual else 0, manual.latest() if manual else None))

    page.client.landscape_received.connect(arrived)
    yield seen
    page.client.landscape_received.disconnect(arrived)  # the client outlives this page


def stages(seen: list[tuple]) -> list[str]:
    return [message["stage"] for message, _count, _latest in seen]


def note(page) -> str:
    return page.findChild(QLabel, "landscapeNote").text()


def train(qtbot, page, epochs: str) -> None:
    type_number(qtbot, page, "epochsSpin", epochs)
    full_speed(qtbot, page)
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: page.state in ("finished", "stopped", "failed"), timeout=RUN_TIMEOUT_MS)
    assert page.state == "finished"


def same_grids(one: dict, other: dict) -> None:
    assert [p["pair"] for p in one["pairs"]] == [p["pair"] for p in other["pairs"]]
    for mine, theirs in zip(one["pairs"], other["pairs"]):
        assert np.array_equal(grid_values(mine), grid_values(theirs))
        assert mine["xs"] == theirs["xs"] and mine["ys"] == theirs["ys"]
        assert mine["optimum"] == theirs["optimum"] and mine["fixed"] == theirs["fixed"]


def test_a_hidden_tab_costs_no_landscape_and_opening_it_later_shows_the_same_end(qtbot, page,
                                                                                 arrivals):
    show_tab(page, "Landscape")
    train(qtbot, page, "60")  # the tab open all along: start and end stages
    assert stages(arrivals) == ["start", "end"]
    shown_all_along = arrivals[-1][0]
    show_tab(page, "Results")
    arrivals.clear()
    train(qtbot, page, "60")  # the same run with the tab hidden
    qtbot.wait(200)  # nothing late either
    assert arrivals == [] and page.landscape.message is None
    show_tab(page, "Landscape")
    assert "Computing the map of the loss at the end of the run" in note(page)  # not a blank plot
    qtbot.waitUntil(lambda: page.landscape.message is not None, timeout=RUN_TIMEOUT_MS)
    assert stages(arrivals) == ["end"]
    same_grids(arrivals[0][0], shown_all_along)
    assert "at the end" in note(page)
    star = page.landscape.optimum.getData()
    assert (star[0][0], star[1][0]) == tuple(shown_all_along["pairs"][0]["optimum"])
    assert len(page.landscape.path_points("manual")[0]) == 61  # the paths join the late grid
    show_tab(page, "Results")
    show_tab(page, "Landscape")  # it has the end stage now: nothing is computed again
    qtbot.wait(200)
    assert len(arrivals) == 1


def test_opening_the_tab_mid_run_shows_the_parameters_now_then_the_end(qtbot, page, arrivals):
    type_number(qtbot, page, "epochsSpin", "1000000")
    full_speed(qtbot, page)
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) > 50, timeout=RUN_TIMEOUT_MS)
    assert arrivals == []
    show_tab(page, "Landscape")
    assert "Computing the map of the loss at the current parameters" in note(page)
    qtbot.waitUntil(lambda: page.landscape.message is not None, timeout=RUN_TIMEOUT_MS)
    grid, count, (_mse, weights, bias) = arrivals[0]
    assert grid["stage"] == "epoch" and grid["epoch"] > 50
    assert count == grid["epoch"]  # the records up to those parameters came first
    assert grid["pairs"][0]["fixed"] == [*weights, bias]
    closed = page.closed_form
    assert grid["pairs"][0]["optimum"] == [closed["weights"][0], closed["weights"][1]]
    assert f"after epoch {grid['epoch']}" in note(page)
    click(qtbot, page, "stopButton")
    qtbot.waitUntil(lambda: page.state == "stopped", timeout=RUN_TIMEOUT_MS)
    assert stages(arrivals) == ["epoch", "end"]  # the open tab gets the end too
    assert arrivals[1][0]["epoch"] == page.result["epochs"]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")
def test_a_landscape_asked_of_a_hung_process_is_noticed(qtbot, monkeypatch):
    """After the run the idle process must answer: the watchdog waits for it, and says so."""
    monkeypatch.setattr(client_module, "ANSWER_TIMEOUT_SECONDS", 1.0)
    page = TrainingPage()
    qtbot.addWidget(page)
    show_active(qtbot, page, 1600, 1000)
    try:
        train(qtbot, page, "20")
        pid = page.client.pid
        os.kill(pid, signal.SIGSTOP)
        show_tab(page, "Landscape")
        qtbot.waitUntil(lambda: "no longer available" in note(page), timeout=10_000)
        assert "stopped answering" in page.findChild(QLabel, "trainingMessage").text()
        assert page.client.pid != pid
    finally:
        try:
            os.kill(pid, signal.SIGKILL)  # only if a failed test left it behind
        except (ProcessLookupError, UnboundLocalError):
            pass
        page.close()
