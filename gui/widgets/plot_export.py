"""Save a pyqtgraph plot as PNG (pyqtgraph's ImageExporter) or SVG (Qt's own SVG generator).

pyqtgraph 0.14's SVGExporter fails on Qt 6.11: Qt now ends the view box's clip path with 'Z',
which its coordinate rewriting cannot parse (ValueError: not enough values to unpack). Qt's
QSvgGenerator draws the same scene as vectors, with text kept as text.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QPainter

from core.files import atomic_write_bytes
from gui.widgets.raster import capped_size, memory_device, png_bytes
from gui.widgets.svg import begin_svg

PNG_SCALE = 2  # a PNG at twice the screen size stays sharp on slides


def export_plot(plot: pg.PlotWidget, path: str | Path, title: str) -> str | None:
    """Write `plot` to `path` as PNG or SVG by its suffix, atomically; ValueError or OSError on
    failure. Returns a note when the PNG had to be scaled down to MAX_RASTER_SIDE."""
    path = Path(path)
    suffix = path.suffix.lower()
    note = None
    if suffix == ".png":
        import pyqtgraph.exporters as exporters

        item = plot.getPlotItem()
        rect = item.sceneBoundingRect()
        width, _height, _scale, note = capped_size(max(rect.width(), 1), max(rect.height(), 1), PNG_SCALE)
        exporter = exporters.ImageExporter(item)
        exporter.parameters()["width"] = width
        data = png_bytes(exporter.export(toBytes=True))
    elif suffix == ".svg":
        data = _svg_bytes(plot, title)
    else:
        raise ValueError(f"cannot export to {path}: the name must end in .png or .svg")
    atomic_write_bytes(path, data)
    return note


def _svg_bytes(plot: pg.PlotWidget, title: str) -> bytes:
    source = plot.getPlotItem().sceneBoundingRect()
    device, data = memory_device()
    painter, _generator, target = begin_svg(device, source, title)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(target, plot.backgroundBrush())
        plot.scene().render(painter, target, source)
    finally:
        painter.end()
        device.close()
    return bytes(data.data())
