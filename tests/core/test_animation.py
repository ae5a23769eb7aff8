"""The export options: sizes, step ranges, frame timing and the training frames' epochs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from core import animation
from core.animation import OptionError


def test_sizes_parse_and_out_of_range_sizes_are_refused():
    assert animation.parse_size("1920x1080") == (1920, 1080)
    assert animation.parse_size(" 1280 X 720 ") == (1280, 720)
    for text in ("1920", "x", "19.5x10", "-5x10", ""):
        with pytest.raises(OptionError, match="WIDTHxHEIGHT"):
            animation.parse_size(text)
    for text in ("100x100", "8000x1080", "1920x5000"):
        with pytest.raises(OptionError, match="out of range"):
            animation.parse_size(text)


def test_step_ranges_include_both_ends_and_refuse_empty_ones():
    assert list(animation.step_range(4)) == [0, 1, 2, 3, 4]
    assert list(animation.step_range(4, 2, 3)) == [2, 3]
    for first, last in ((3, 2), (-1, 2), (0, 5)):
        with pytest.raises(OptionError):
            animation.step_range(4, first, last)


def test_the_last_frame_is_held_longer():
    assert animation.hold_times(3, 500, 2000) == [500, 500, 2000]
    assert animation.hold_times(1) == [animation.LAST_HOLD_MS]
    assert animation.hold_times(0) == []


@settings(max_examples=60)
@given(st.integers(min_value=1, max_value=100_000))
def test_training_frames_end_at_the_last_epoch_grow_and_stay_within_the_limit(epochs):
    ends = animation.frame_ends(epochs)
    assert len(ends) == min(epochs, animation.MAX_TRAINING_FRAMES)
    assert ends[-1] == epochs and ends[0] >= 1
    assert all(a < b for a, b in zip(ends, ends[1:]))


def test_targets_are_checked_before_any_work(tmp_path):
    assert animation.check_target(tmp_path / "a.GIF", (".gif",)) == tmp_path / "a.GIF"
    with pytest.raises(OptionError, match="must end in .pdf or .gif"):
        animation.check_target(tmp_path / "a.mp4", (".pdf", ".gif"))
    with pytest.raises(OptionError, match="does not exist"):
        animation.check_target(tmp_path / "nope" / "a.gif", (".gif",))
    with pytest.raises(OptionError, match="it is a folder"):
        animation.check_target(tmp_path, (".gif",))
