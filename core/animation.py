"""What an exported animation may be: its formats, frame sizes, themes and timing, in one place.

Qt-free, so the command line can check its options before any drawing code loads; the Graph and
Training pages' export dialogs read the same names.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

STEP_SUFFIXES = (".pdf", ".gif", ".mp4")  # one page or frame per step of the step-through
VIDEO_SUFFIX = ".mp4"  # only with the optional package imageio-ffmpeg, which ships ffmpeg
VIDEO_PACKAGE = "imageio_ffmpeg"
VIDEO_FPS = 10  # a frame held 1.5 s is 15 video frames
IMAGE_SUFFIXES = (".svg", ".png")  # one picture of the end state
TRAINING_SUFFIXES = (".gif",)
THEMES = ("light", "dark", "projector")  # the looks of gui.theme.LOOKS (a test keeps them equal)
DEFAULT_THEME = "projector"
DEFAULT_SIZE = (1920, 1080)
SIZE_PRESETS = ((1280, 720), (1920, 1080), (2560, 1440), (3840, 2160))
MIN_SIZE = (320, 180)
MAX_SIZE = (7680, 4320)
HOLD_MS = 1500  # how long each GIF frame of the step-through stays up
LAST_HOLD_MS = 4000  # the end state stays longer, so a looping GIF does not jump straight back
TRAINING_HOLD_MS = 60  # a training frame: 200 frames play in 12 s
TRAINING_LAST_HOLD_MS = 3000
MAX_TRAINING_FRAMES = 200


class OptionError(ValueError):
    """An export option that cannot be used, with a message for the user."""


def check_target(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """The path, if a file of one of `suffixes` can be written there; else OptionError saying why."""
    path = Path(path)
    if path.is_dir():
        raise OptionError(f"cannot write '{path}': it is a folder")
    if path.suffix.lower() not in suffixes:
        names = ", ".join(suffixes[:-1]) + " or " * (len(suffixes) > 1) + suffixes[-1]
        raise OptionError(f"cannot export to '{path}': the file name must end in {names}")
    if path.suffix.lower() == VIDEO_SUFFIX and not video_available():
        raise OptionError(f"cannot export to '{path}': MP4 needs the optional package imageio-ffmpeg "
                          "(pip install 'backprop-studio[video]'); .gif and .pdf work without it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OptionError(f"cannot write '{path}': the folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OptionError(f"cannot write '{path}': permission denied")
    return path


def video_available() -> bool:
    """Whether MP4 can be written: the optional imageio-ffmpeg package (with its ffmpeg) is installed."""
    return importlib.util.find_spec(VIDEO_PACKAGE) is not None


def parse_size(text: str) -> tuple[int, int]:
    """'1920x1080' -> (1920, 1080); OptionError when malformed or out of range."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*", text or "")
    if not match:
        raise OptionError(f"--size {text}: write the frame size as WIDTHxHEIGHT, like 1920x1080")
    return check_size(int(match.group(1)), int(match.group(2)))


def check_size(width: int, height: int) -> tuple[int, int]:
    """The size itself when it lies within MIN_SIZE..MAX_SIZE, else OptionError."""
    if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
        raise OptionError(
            f"--size {width}x{height} is out of range: from {MIN_SIZE[0]}x{MIN_SIZE[1]} "
            f"to {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    return width, height


def step_range(count: int, first: int | None = None, last: int | None = None) -> range:
    """Steps first..last (both included) of a schedule with `count` steps; OptionError if empty."""
    first = 0 if first is None else first
    last = count if last is None else last
    if not (0 <= first <= last <= count):
        raise OptionError(f"steps {first} to {last}: choose 0 <= first <= last <= {count}")
    return range(first, last + 1)


def hold_times(frames: int, hold_ms: int = HOLD_MS, last_hold_ms: int = LAST_HOLD_MS) -> list[int]:
    """How long each of `frames` frames stays up, in milliseconds: the last one longer."""
    return [hold_ms] * (frames - 1) + [max(hold_ms, last_hold_ms)] if frames else []


def frame_ends(epochs: int, limit: int = MAX_TRAINING_FRAMES) -> list[int]:
    """The epoch count drawn in each training frame: every epoch, or `limit` spread evenly.

    The training loop records one update batch per epoch, so this is one frame per batch up to
    `limit`; the last frame always shows the whole run.
    """
    if epochs <= 0:
        return []
    if epochs <= limit:
        return list(range(1, epochs + 1))
    return sorted({max(1, round(epochs * (i + 1) / limit)) for i in range(limit)})
