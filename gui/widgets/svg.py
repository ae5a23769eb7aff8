"""Start painting an SVG file whose text stays text: shared by the graph and the plot exports."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator


def begin_svg(path: str | Path | QIODevice, source: QRectF, title: str) -> tuple[QPainter, QSvgGenerator, QRectF]:
    """A painter open on a new SVG the size of `source`, the generator, and the target rect.

    Keep the generator alive until painter.end(). Raises OSError when the file cannot be written.
    """
    size = QSize(max(1, math.ceil(source.width())), max(1, math.ceil(source.height())))
    generator = QSvgGenerator()
    if isinstance(path, QIODevice):
        generator.setOutputDevice(path)  # in memory: core.files writes the file atomically
    else:
        generator.setFileName(str(path))
    generator.setSize(size)
    generator.setResolution(96)  # one scene pixel is one CSS pixel
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    generator.setDescription("Drawn by Backprop Studio")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"cannot write {path}")
    return painter, generator, QRectF(0, 0, size.width(), size.height())
