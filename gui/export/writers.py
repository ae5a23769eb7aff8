"""Write frames to a PDF slide deck (vector text, one page each) or an animated GIF (Pillow).

A write is a generator that renders one frame per `next()` and yields how many are done, so the
command line drains it in a loop and the window drives it from a QTimer (Cancel = `close()`). Frames
go to a temporary file next to the target (core.files.atomic_write_steps: checked, fsynced, then
renamed over it) only when the last one is written: a cancel or a failure leaves no partial file,
and a GIF streams frame by frame instead of holding them all in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Protocol

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from core.animation import VIDEO_FPS, VIDEO_SUFFIX, hold_times
from core.files import atomic_write_steps

GIF_COLOURS = 256
PDF_TAIL_BYTES = 1024  # a complete PDF ends with %%EOF within its last bytes


class Frames(Protocol):
    """Anything with `count` frames of `size` pixels that can paint one of them."""

    size: tuple[int, int]

    @property
    def count(self) -> int: ...

    def paint(self, painter: QPainter, index: int) -> None: ...


def frame_image(frames: Frames, index: int) -> QImage:
    """Frame `index` of `frames` as an RGB image of its size."""
    image = QImage(frames.size[0], frames.size[1], QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        frames.paint(painter, index)
    finally:
        painter.end()
    return image


def write_frames(frames: Frames, path: str | Path, hold_ms: int | None = None,
                 last_hold_ms: int | None = None) -> Iterator[int]:
    """Write every frame to `path` (.pdf, .gif or .mp4), yielding the number written after each one.

    Through core.files' atomic writer: a failure raises FileWriteError (an OSError) naming the file.
    """
    times = {} if hold_ms is None else {"hold_ms": hold_ms}
    if last_hold_ms is not None:
        times["last_hold_ms"] = last_hold_ms
    suffix = Path(path).suffix.lower()

    def render(temporary: Path) -> Iterator[int]:
        if suffix == ".pdf":
            yield from _pdf(frames, str(temporary))
        elif suffix == VIDEO_SUFFIX:
            yield from _mp4(frames, str(temporary), hold_times(frames.count, **times))
        else:
            yield from _gif(frames, str(temporary), hold_times(frames.count, **times))

    return atomic_write_steps(path, render)


def run(job: Iterator[int]) -> int:
    """Drive a write to the end; return the number of frames written."""
    written = 0
    for written in job:
        pass
    return written


def _pdf(frames: Frames, temporary: str) -> Iterator[int]:
    width, height = frames.size
    writer = QPdfWriter(temporary)
    writer.setResolution(96)  # one frame pixel is one CSS pixel (0.75 pt)
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(width * 0.75, height * 0.75), QPageSize.Unit.Point),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setCreator("Backprop Studio")
    writer.setTitle("Backpropagation, step by step")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {temporary}")
    try:
        for index in range(frames.count):
            if index:
                writer.newPage()
            frames.paint(painter, index)
            yield index + 1
    finally:
        painter.end()
    with open(temporary, "rb") as written:  # Qt's PDF writer reports no error: check its ending
        written.seek(max(0, written.seek(0, 2) - PDF_TAIL_BYTES))
        if b"%%EOF" not in written.read():
            raise OSError("the PDF writer stopped before the end of the file (is the disk full?)")


def _gif(frames: Frames, temporary: str, times: list[int]) -> Iterator[int]:
    from PIL import GifImagePlugin, Image

    with open(temporary, "wb") as out:
        for index in range(frames.count):
            frame = _to_pillow(frame_image(frames, index), Image)
            frame = frame.quantize(GIF_COLOURS, method=Image.Quantize.FASTOCTREE)
            if index == 0:
                header, _ = GifImagePlugin.getheader(frame, info={"loop": 0, "duration": times[0]})
                out.writelines(header)
            out.writelines(GifImagePlugin.getdata(frame, duration=times[index], include_color_table=True))
            yield index + 1
        out.write(b";")  # the GIF trailer


def _mp4(frames: Frames, temporary: str, times: list[int]) -> Iterator[int]:
    """H.264 through the ffmpeg that imageio-ffmpeg ships; each frame repeated for its hold time."""
    import imageio_ffmpeg
    from PIL import Image

    # 8 divides 1080 and every preset: no rescaling; odd sizes are padded by one pixel
    video = imageio_ffmpeg.write_frames(temporary, frames.size, fps=VIDEO_FPS, macro_block_size=2,
                                        ffmpeg_log_level="error")
    video.send(None)  # start ffmpeg
    try:
        for index in range(frames.count):
            pixels = _to_pillow(frame_image(frames, index), Image).tobytes()
            for _ in range(max(1, round(times[index] * VIDEO_FPS / 1000))):
                video.send(pixels)
            yield index + 1
    finally:
        video.close()


def _to_pillow(image: QImage, image_module):
    """A QImage as a Pillow RGB image (copies the pixels once)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(image.constBits())[: image.sizeInBytes()]
    return image_module.frombuffer("RGB", (image.width(), image.height()), data, "raw", "RGB",
                                   image.bytesPerLine(), 1)
