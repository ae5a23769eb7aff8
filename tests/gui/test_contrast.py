"""Contrast of every text against its background, from the theme values the pages use (WCAG 2 ratio)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from gui import theme
from core.training import registry
from gui.theme import LOOKS, MIN_CONTRAST
from gui.theme import contrast_ratio as contrast
from gui.training import theme as training_theme

WHITE = "#FFFFFF"


def graph_text_pairs(look: theme.Look) -> list[tuple[str, str, str]]:
    """(what, text colour, background) for every text the Graph page draws in `look`."""
    window = look.window or WHITE  # the light look keeps the platform's own (light) palette
    pairs = [(f"{name} on the drawing", getattr(look, name), look.background)
             for name in ("ink", "forward", "backward")]
    pairs += [(f"names in {kind} boxes", look.ink, fill) for kind, fill in look.fills.items()]
    pairs += [("an input's value in its box", look.forward, look.fills["input"])]
    pairs += [("caption rule and hints", look.soft_text, look.caption_background),
              ("caption", look.window_text or "#000000", look.caption_background),
              ("formula error", look.error_text, window),
              ("quiz: right", look.correct, window), ("quiz: wrong", look.wrong, window)]
    pairs += [(f"phase badge '{phase}'", WHITE, colour) for phase, colour in look.phase_colours.items()]
    if look.window:
        pairs += [("window text", look.window_text, look.window), ("field text", look.window_text, look.base),
                  ("selected text", look.highlighted_text, look.highlight),
                  ("disabled text", look.muted, look.window)]
    return pairs


@pytest.mark.parametrize("name", list(LOOKS))
def test_every_graph_page_text_reads_in_every_look(name):
    look = LOOKS[name]
    low = [(what, round(contrast(fg, bg), 2)) for what, fg, bg in graph_text_pairs(look)
           if contrast(fg, bg) < MIN_CONTRAST[name]]
    assert not low, low


def test_training_page_titles_and_badges_read_in_every_look():
    low = []
    for name, look in LOOKS.items():
        for index, variant in enumerate(registry.variants()):
            colour = training_theme.variant_text_colour(index, look)
            if contrast(colour, look.background) < MIN_CONTRAST["light"]:
                low.append((name, variant.name, round(contrast(colour, look.background), 2)))
    low += [(f"badge '{status}'", round(contrast(training_theme.BADGE_TEXT, colour), 2))
            for status, colour in training_theme.BADGE_COLORS.items()
            if contrast(training_theme.BADGE_TEXT, colour) < 4.5]
    assert not low, low


@pytest.mark.parametrize("name", list(LOOKS))
def test_training_page_labels_on_the_window_read_in_every_look(qtbot, name):
    """The init hint and the closed-form row sit on the window's own colours: they follow the theme."""
    from gui.training.results_table import CLOSED_FORM, ResultsTable
    from gui.training.settings import TrainingSettings

    look = LOOKS[name]
    palette = theme.widget_palette(look, QPalette())
    settings = TrainingSettings()
    qtbot.addWidget(settings)
    settings.setPalette(palette)
    settings.apply_look(look)
    hint = settings.init_hint.styleSheet().split("color:")[1].strip(" ;")
    assert contrast(hint, palette.color(QPalette.ColorRole.Window)) >= 4.5
    table = ResultsTable()
    qtbot.addWidget(table)
    table.apply_look(look)
    numbers = {"train_mse": 1.0, "test_mse": 1.0, "weights": [1.0, 2.0], "bias": 0.5}
    outcome = {**numbers, "status": "ok", "epochs_run": 10, "step_seconds": 0.1, "detail": ""}
    table.show_result({"variants": {variant: outcome for variant in registry.names()},
                       "closed_form": numbers})
    rows = [table.item(row, 0) for row in range(table.rowCount())]
    assert CLOSED_FORM in [item.text() for item in rows]
    table_palette = table.palette()
    for item in rows:
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):  # rows alternate
            assert contrast(item.foreground().color(), table_palette.color(role)) >= 4.5, (item.text(), name)


def indicator_sides(button) -> dict[str, float]:
    """For each side of a check box's or radio button's indicator: its strongest contrast on the window.

    Measured on the rendered widget: the outermost two pixel rows (columns) of the indicator's rectangle.
    """
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    option = QStyleOptionButton()
    button.initStyleOption(option)
    element = QStyle.SubElement.SE_CheckBoxIndicator if isinstance(button, QCheckBox) \
        else QStyle.SubElement.SE_RadioButtonIndicator
    rect = button.style().subElementRect(element, option, button)
    image = button.grab().toImage()
    window = button.palette().color(QPalette.ColorRole.Window)
    xs, ys = range(rect.left(), rect.right() + 1), range(rect.top(), rect.bottom() + 1)
    bands = {"left": [(x, y) for x in xs[:2] for y in ys], "right": [(x, y) for x in xs[-2:] for y in ys],
             "top": [(x, y) for y in ys[:2] for x in xs], "bottom": [(x, y) for y in ys[-2:] for x in xs]}
    return {side: max(contrast(image.pixelColor(x, y), window) for x, y in points) for side, points in bands.items()}


def test_check_box_and_radio_outlines_stand_out_3_to_1_in_every_look_and_grow_with_the_text(qtbot):
    """WCAG 1.4.11: Fusion's own outlines are about 1.1:1 on the dark window and 1.7:1 on white."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyle
    from tests.gui.windows import close_window, open_window

    window = open_window(qtbot, 1280, 800)
    try:
        faint = []
        for name in LOOKS:
            window.appearance.set_theme(name)
            for kind in (QCheckBox, QRadioButton):
                for checked in (False, True):
                    button = kind("log scale", window)
                    button.setChecked(checked)
                    button.adjustSize()
                    button.show()
                    sides = indicator_sides(button)
                    faint += [(name, kind.__name__, checked, side, round(ratio, 2))
                              for side, ratio in sides.items() if ratio < theme.MIN_GRAPHIC_CONTRAST]
                    button.deleteLater()
        assert not faint, faint
        # At 3× text a 14 px box beside 40 px words is hard to find: indicators follow the text.
        sides = {}
        box = QCheckBox("log scale", window)  # takes the window's font, as the page's boxes do
        for scale in (1.0, 3.0):
            window.appearance.set_scale(scale)
            sides[scale] = box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, box)
            assert sides[scale] >= 0.75 * box.fontMetrics().height() - 1, (scale, sides, box.fontMetrics().height())
        assert sides[3.0] >= 2 * sides[1.0]
    finally:
        window.appearance.set_theme("light")
        window.appearance.set_scale(1.0)
        close_window(window)

