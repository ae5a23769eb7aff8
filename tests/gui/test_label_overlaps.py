"""No label of the drawing meets another label or runs under another edge's line, at any step and text size."""

from __future__ import annotations

import pytest

from core.teach.lessons import LESSONS
from core.teach.presets import PRESETS
from gui import theme
from tests.gui.readability_probe import labels_on_other_lines, overlapping_labels

SOURCES = {f"preset {p.key}": p.source for p in PRESETS} | {f"lesson {lesson.key}": lesson.source for lesson in LESSONS}


@pytest.mark.parametrize("scale", [1.0, 3.0])
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_example_draws_its_labels_apart_at_every_step(page, name, scale):
    try:
        theme.apply("light", scale)
        page.set_text_scale(scale)
        page.restyle(theme.current_look)
        assert page.load_source(SOURCES[name])
        view = page.view
        assert min(label.pixel_size() for label in view.text_labels()) >= round(theme.BASE_SIZES["TAG_TEXT_PX"] * scale)
        for step in range(page.player.count + 1):
            page.player.go_to(step)
            assert overlapping_labels(view) == [], (step, overlapping_labels(view))
            assert labels_on_other_lines(view) == [], (step, labels_on_other_lines(view))
    finally:
        theme.apply("light", 1.0)
