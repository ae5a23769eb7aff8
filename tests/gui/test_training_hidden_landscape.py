"""The landscape's paths are drawn only while its tab shows (and once at the end of a run).

Drawing four hidden paths every frame took ~40 % of the window's time during a full-speed run.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from tests.gui.test_landscape_gui import show_tab
from tests.gui.test_training_page import (  # noqa: F401  (fixtures)
    RUN_TIMEOUT_MS, click, find, full_speed, loss_curve, page, shared_client, type_number,
)


def drawn(page, name: str) -> int:
    """How many points the landscape's path of variant `name` shows (thinned)."""
    x, _ = page.landscape.path_points(name)
    return 0 if x is None else len(x)


def test_hidden_paths_wait_for_their_tab_and_the_end_of_the_run(qtbot, page):
    tabs = find(page, QTabWidget, "trainingLowerTabs")
    assert tabs.currentWidget() is not page.landscape
    type_number(qtbot, page, "epochsSpin", "1000000")
    full_speed(qtbot, page)
    click(qtbot, page, "startButton")
    qtbot.waitUntil(lambda: len(loss_curve(page, "manual")) > 50, timeout=RUN_TIMEOUT_MS)
    qtbot.wait(100)  # several frames: the curves move on, the hidden paths stay undrawn
    assert drawn(page, "manual") == 0
    show_tab(page, "Landscape")
    qtbot.waitUntil(lambda: drawn(page, "manual") > 50, timeout=5000)
    shown = drawn(page, "manual")
    qtbot.waitUntil(lambda: drawn(page, "manual") > shown, timeout=5000)  # it follows
    show_tab(page, "Results")
    click(qtbot, page, "stopButton")
    qtbot.waitUntil(lambda: page.state in ("stopped", "finished"), timeout=RUN_TIMEOUT_MS)
    epochs = page.result["epochs"]
    qtbot.waitUntil(lambda: drawn(page, "manual") >= min(epochs, 2), timeout=5000)
