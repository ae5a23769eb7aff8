"""Encode drawings in memory, capped in size, so the file itself is written by core.files.

Rendering into a QBuffer means a full disk can never leave half a PNG or SVG behind, and libpng
never prints "Write Error" to stderr: the only file write is core.files' atomic one.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

MAX_RASTER_SIDE = 8192  # px on the long side: a 50-input sum at 2× would otherwise be 86,609 px wide


def capped_size(width: float, height: float, scale: float) -> tuple[int, int, float, str | None]:
    """Pixel size and scale of a raster of `width`×`height` at `scale`, shrunk to MAX_RASTER_SIDE.

    The last item says what was shrunk (for the user), or is None when the drawing fits.
    """
    wanted_w, wanted_h = max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))
    longest = max(wanted_w, wanted_h)
    if longest <= MAX_RASTER_SIDE:
        return wanted_w, wanted_h, scale, None
    shrink = MAX_RASTER_SIDE / longest
    w = min(MAX_RASTER_SIDE, max(1, math.floor(wanted_w * shrink)))
    h = min(MAX_RASTER_SIDE, max(1, math.floor(wanted_h * shrink)))
    note = (f"the drawing would be {wanted_w:,} × {wanted_h:,} px; the PNG was scaled down to "
            f"{w:,} × {h:,} px (the limit is {MAX_RASTER_SIDE:,} px on the long side): "
            "export as .svg for full detail")
    return w, h, scale * shrink, note


def png_bytes(image: QImage) -> bytes:
    """The image encoded as PNG, in memory; OSError if Qt cannot encode it."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, "PNG")
    buffer.close()
    if not ok or data.isEmpty():
        raise OSError("the PNG could not be encoded")
    return bytes(data.data())


def memory_device() -> tuple[QBuffer, QByteArray]:
    """An open in-memory device to paint an SVG into, and the bytes it fills (keep both alive)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    return buffer, data
