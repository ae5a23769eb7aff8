"""Presentation mode, themes and the UI scale, driven with the keys a lecturer presses."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from gui import theme
from tests.gui.windows import close_window, node_named, open_window

PRESENTATION_LOOKS = ("projector", "dark")


@pytest.fixture
def window(qtbot):
    main_window = open_window(qtbot, 800, 800)  # the offscreen screen: full screen is 800 × 800 too
    yield main_window
    close_window(main_window)


def key(qtbot, window, code, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.graph_page.view, code, modifier)


def pixel_size(widget) -> int:
    return QFontInfo(widget.font()).pixelSize()


def on_screen_height(window, node_id: int) -> float:
    """How tall the node's value label is on the screen, in pixels."""
    view = window.graph_page.view
    label = view.node_items()[node_id].value_label
    return view.mapFromScene(label.sceneBoundingRect()).boundingRect().height()


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two opaque colours."""
    high, low = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_pairs(look: theme.Look) -> dict[str, tuple[str, str]]:
    """Every text colour the look draws, against the background it is drawn on."""
    pairs = {
        "names on the page": (look.ink, look.background),
        "forward values": (look.forward, look.background),
        "gradients": (look.backward, look.background),
        "input values in their boxes": (look.forward, look.fills["input"]),
        "output tag": (look.background, look.ink),
        "caption": (look.window_text, look.caption_background),
        "caption rule line": (look.soft_text, look.caption_background),
        "quiz right": (look.correct, look.caption_background),
        "quiz wrong": (look.wrong, look.caption_background),
        "window text": (look.window_text, look.window),
    }
    pairs.update({f"names in {kind} boxes": (look.ink, fill) for kind, fill in look.fills.items()})
    pairs.update({f"{phase} chip": ("#FFFFFF", colour) for phase, colour in look.phase_colours.items()})
    return pairs


@pytest.mark.parametrize("name", PRESENTATION_LOOKS)
def test_projector_and_dark_text_has_at_least_7_to_1_contrast(name):
    look = theme.LOOKS[name]
    low = {what: round(contrast(*pair), 2) for what, pair in text_pairs(look).items() if contrast(*pair) < 7}
    assert low == {}


@pytest.mark.parametrize("name", theme.LOOKS)
def test_forward_is_blue_and_backward_orange_never_red_against_green(name):
    look = theme.LOOKS[name]
    forward, backward = QColor(look.forward).hsvHue(), QColor(look.backward).hsvHue()
    assert 190 <= forward <= 215, "forward should be blue"
    assert 15 <= backward <= 45, "backward should be orange, not red"
    assert contrast(look.forward, look.backward) > 1.0  # and not the same lightness either


def test_f5_presents_and_esc_leaves(qtbot, window):
    page = window.graph_page
    caption = window.findChild(QLabel, "stepCaption")
    caption_px = pixel_size(caption)
    page.player.to_end()
    value_label = page.view.node_items()[node_named(window, "u")].value_label
    value_scene_height = value_label.text_rect().height()
    value_height = on_screen_height(window, node_named(window, "u"))
    key(qtbot, window, Qt.Key.Key_F5)
    action = window.findChild(type(window.presentation.action), "presentationAction")
    assert action.isChecked() and window.isFullScreen()
    assert window.menuBar().isHidden() and window.statusBar().isHidden() and window.pages.tabBar().isHidden()
    assert not page.side_panel_visible() and not page.findChild(QPushButton, "playButton").isHidden()
    assert window.appearance.look.name == "projector"
    assert theme.EDGE_WIDTH > theme.BASE_SIZES["EDGE_WIDTH"] * 1.5  # thick lines
    assert pixel_size(caption) >= caption_px * 1.4  # the caption for the back row
    value_label = page.view.node_items()[node_named(window, "u")].value_label
    assert value_label.text_rect().height() > value_scene_height * 1.5  # large numbers in the drawing
    # ... and on the screen, although this offscreen "projector" is only 800 × 800
    qtbot.waitUntil(lambda: on_screen_height(window, node_named(window, "u")) > value_height * 1.1)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not action.isChecked() and not window.isFullScreen()
    assert not window.menuBar().isHidden() and not window.statusBar().isHidden()
    assert page.side_panel_visible() and pixel_size(caption) == caption_px
    assert window.appearance.look.name == "light" and theme.EDGE_WIDTH == theme.BASE_SIZES["EDGE_WIDTH"]


def test_clicker_keys_step_and_b_blanks_the_screen(qtbot, window):
    page = window.graph_page
    key(qtbot, window, Qt.Key.Key_B)
    assert not window.presentation.blanked  # B only blanks while presenting
    key(qtbot, window, Qt.Key.Key_F5)
    key(qtbot, window, Qt.Key.Key_PageDown)
    key(qtbot, window, Qt.Key.Key_PageDown)
    key(qtbot, window, Qt.Key.Key_PageUp)
    assert page.player.step == 1
    key(qtbot, window, Qt.Key.Key_B)
    blank = window.presentation.blank_screen
    assert window.presentation.blanked and blank.geometry() == window.rect()
    assert blank.grab().toImage().pixelColor(10, 10) == QColor("black")
    qtbot.keyClick(blank, Qt.Key.Key_PageDown)  # any key brings the window back, and only that
    assert not window.presentation.blanked and page.player.step == 1
    key(qtbot, window, Qt.Key.Key_B)
    qtbot.keyClick(blank, Qt.Key.Key_B)  # B again
    assert not window.presentation.blanked
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.presentation.presenting


def test_ctrl_equal_scales_the_whole_window_and_the_drawing(qtbot, window):
    caption = window.findChild(QLabel, "stepCaption")
    play = window.findChild(QPushButton, "playButton")
    sizes = pixel_size(caption), pixel_size(play), pixel_size(window.menuBar())
    u = window.graph_page.view.node_items()[node_named(window, "u")]
    title_height = u.title_label.text_rect().height()
    key(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.appearance.scale == 1.5
    assert [pixel_size(w) for w in (caption, play, window.menuBar())] >= [round(s * 1.4) for s in sizes]
    u = window.graph_page.view.node_items()[node_named(window, "u")]
    assert u.title_label.text_rect().height() > title_height * 1.4  # the drawing's text too
    key(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.appearance.scale == 1.25
    key(qtbot, window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.appearance.scale == 1.0 and pixel_size(caption) == sizes[0]
    for _ in range(9):
        window.appearance.bigger_action.trigger()
    assert window.appearance.scale == 3.0 and not window.appearance.bigger_action.isEnabled()


def test_theme_scale_and_last_formula_are_remembered(qtbot, window):
    window.lessons.open_lesson("softplus")
    window.findChild(type(window.presentation.action), "theme_dark").trigger()
    window.appearance.bigger()
    assert theme.BACKGROUND == QColor(theme.LOOKS["dark"].background)
    assert window.graph_page.view.scene().backgroundBrush().color() == theme.BACKGROUND
    assert QApplication.palette().color(QPalette.ColorRole.Window) == QColor(theme.LOOKS["dark"].window)
    close_window(window)
    assert theme.current_look.name == "light"  # a closed window gives the look back
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Backprop Studio",
                         "Backprop Studio")
    assert settings.value("appearance/theme") == "dark"
    second = open_window(qtbot)
    assert second.appearance.theme_name == "dark" and second.appearance.scale == 1.25
    assert second.graph_page.formula() == "x = 1\nt = exp(x)\ns = 1 + t\ny = log(s)"
    assert theme.current_look.name == "dark" and theme.NODE_TEXT_PX > theme.BASE_SIZES["NODE_TEXT_PX"]
    close_window(second)


def test_presenting_a_dark_theme_keeps_it_dark_and_large(qtbot, window):
    window.appearance.set_theme("dark")
    key(qtbot, window, Qt.Key.Key_F5)
    look = window.appearance.look
    assert look.dark and look.name == "dark" and look.number_scale > 1 and look.line_scale > 1
    key(qtbot, window, Qt.Key.Key_F5)  # F5 again leaves too
    assert not window.presentation.presenting and window.appearance.look.name == "dark"
