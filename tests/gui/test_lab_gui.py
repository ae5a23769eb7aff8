"""The autograd lab beside the Graph page, driven like a user; every number checked against torch."""

import math
import unicodedata

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

import numpy as np

from core.lab.finite_diff import STEP_GRID, error_curve
from gui.lab.lab_panel import LabPanel

from tests.core.torch_reference import same_number

LECTURE = "x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)"


@pytest.fixture
def lab(page, qtbot):
    """A lab panel wired to the page exactly as the main window wires it, and shown."""
    panel = LabPanel()
    page.add_notes_panel(panel)
    page.graph_changed.connect(panel.show_graph)
    panel.program_requested.connect(page.load_source)
    panel.show_graph(page.cg)
    panel.toggle_action.trigger()
    qtbot.waitUntil(panel.isVisible)
    return panel


def cells(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_numerical_check_sits_beside_each_gradient_and_follows_the_slider(page, lab, qtbot):
    assert page.load_source("sin(x) * y", {"x": 0.5, "y": 2.0})
    fd = lab.fd
    h = fd.step
    x = torch.tensor(0.5, dtype=torch.float64)
    want = ((torch.sin(x + h) * 2 - torch.sin(x - h) * 2) / (2 * h)).item()
    rows = {row[0]: row for row in cells(fd.table)}
    assert float(rows["x"][1]) == pytest.approx(2 * math.cos(0.5), rel=1e-7)  # backprop, 8 digits
    assert float(rows["x"][2]) == pytest.approx(want, rel=1e-7)
    fd.slider.setValue(0)  # h = 0.1: truncation error shows
    assert fd.step_label.text() == "h = 0.1"
    rows = {row[0]: row for row in cells(fd.table)}
    want = ((torch.sin(x + 0.1) * 2 - torch.sin(x - 0.1) * 2) / 0.2).item()
    assert float(rows["x"][2]) == pytest.approx(want, rel=1e-7)
    assert float(rows["x"][3]) == pytest.approx(abs(want - 2 * math.cos(0.5)) / (2 * math.cos(0.5)), rel=0.05)  # 2 digits
    log_steps, log_errors = fd.curve.getData()  # the plot is log–log: it hands back log10
    curve = error_curve(page.cg, "x")
    assert np.allclose(10 ** log_steps, STEP_GRID) and np.allclose(10 ** log_errors, [e for _, e in curve])
    assert 1e-9 <= STEP_GRID[int(np.argmin(log_errors))] <= 1e-4  # the bottom of the V


def test_the_hessian_table_equals_torch_and_differentiating_shows_the_backward_graph(page, lab, qtbot):
    assert page.load_source("relu(x*y - 1) * x + abs(y) * y", {"x": 1.0, "y": 1.0})
    second = lab.second
    x, y = (torch.tensor(1.0, dtype=torch.float64) for _ in range(2))
    table = torch.autograd.functional.hessian(lambda a, b: torch.relu(a * b - 1) * a + torch.abs(b) * b, (x, y))
    shown = cells(second.table)
    for i in range(2):
        for j in range(2):
            assert same_number(float(shown[i][j]), table[i][j].item())
    second.gradient_input.setCurrentText("x")
    qtbot.mouseClick(second.differentiate_button, Qt.MouseButton.LeftButton)
    assert "where(le(" in page.formula()  # the page now shows the backward pass as a formula
    cg = page.cg
    xg = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    (want,) = torch.autograd.grad(torch.relu(xg * y - 1) * xg + torch.abs(y) * y, xg)
    assert cg.value(cg.output) == want.item() == 0.0  # ∂f/∂x at x = y = 1: relu sits on its kink
    row = {name: cg.gradients().get(name, 0.0) for name in ("x", "y")}
    assert row == {"x": table[0][0].item(), "y": table[0][1].item()}
    # the lab follows the page: the backward graph can be differentiated again
    assert second.gradient_input.findText("x") >= 0
    qtbot.mouseClick(second.differentiate_button, Qt.MouseButton.LeftButton)
    assert page.cg.value(page.cg.output) == table[0][0].item()


def test_forward_mode_steps_through_the_lecture_figure(page, lab, qtbot):
    assert page.load_source(LECTURE)
    forward = lab.forward
    lab.tabs.setCurrentWidget(forward)
    forward.input_picker.setCurrentText("x")
    assert not forward.back_button.isEnabled()
    captions = []
    while forward.next_button.isEnabled():
        qtbot.mouseClick(forward.next_button, Qt.MouseButton.LeftButton)
        captions.append(unicodedata.normalize("NFC", forward.caption.text()))
    assert captions[1] == "u̇ = ẇ·x + w·ẋ = 0·3 + 2·1 = 2"
    assert captions[-1].startswith("Done: ȧ = ∂a/∂x = 2. Forward mode gives one input's derivative per pass")
    tangents = {unicodedata.normalize("NFC", row[0]): row[1] for row in cells(forward.table)}
    assert tangents == {"ẇ": "0", "ẋ": "1", "u̇": "2", "ḃ": "0", "v̇": "2", "ȧ": "2"}
    for _ in range(2):  # back past "done" and past ȧ's step
        qtbot.mouseClick(forward.back_button, Qt.MouseButton.LeftButton)
    assert len(cells(forward.table)) == 5
    assert unicodedata.normalize("NFC", forward.caption.text()) == "v̇ = u̇ + ḃ = 2 + 0 = 2"


def test_the_lab_waits_while_hidden_and_the_view_menu_action_shows_it(page, lab, qtbot):
    lab.toggle_action.trigger()
    qtbot.waitUntil(lambda: not lab.isVisible())
    assert page.load_source("x*x*x", {"x": 2.0})
    assert lab.second.table.rowCount() != 1  # not computed while hidden
    lab.toggle_action.trigger()
    qtbot.waitUntil(lab.isVisible)
    assert cells(lab.second.table) == [["12"]]  # d²(x³)/dx² = 6x


def test_the_main_window_offers_the_lab_and_keeps_it_open_across_pages(qtbot):
    from gui.window.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = window.findChild(QAction, "labAction")
    assert action in window.findChild(QMenu, "viewMenu").actions()
    action.trigger()
    lab = window.findChild(LabPanel, "labPanel")
    qtbot.waitUntil(lab.isVisible)
    assert lab.fd.table.rowCount() == len(window.graph_page.cg.inputs)  # the preset's inputs, checked
    window.pages.setCurrentIndex(1)
    window.pages.setCurrentIndex(0)
    assert action.isChecked() and lab.isVisible()
    window.close()
