"""Save a pyqtgraph plot as PNG (pyqtgraph's ImageExporter) or SVG (Qt's own SVG generator).

pyqtgraph 0.14's SVGExporter fails on Qt 6.11: Qt now ends the view box's clip path with 'Z',
which its coordinate rewriting cannot parse (ValueError: not enough values to unpack). Qt's
QSvgGenerator draws the same scene as vectors, with text kept as text.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QPainter

from gui.widgets.svg import begin_svg

PNG_SCALE = 2  # a PNG at twice the screen size stays sharp on slides


def export_plot(plot: pg.PlotWidget, path: str | Path, title: str) -> None:
    """Write `plot` to `path` as PNG or SVG by its suffix; ValueError or OSError on failure."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        import pyqtgraph.exporters as exporters

        item = plot.getPlotItem()
        exporter = exporters.ImageExporter(item)
        exporter.parameters()["width"] = int(PNG_SCALE * max(item.sceneBoundingRect().width(), 1))
        exporter.export(str(path))
    elif suffix == ".svg":
        _export_svg(plot, path, title)
    else:
        raise ValueError(f"cannot export to {path}: the name must end in .png or .svg")
    if not path.exists():
        raise OSError(f"cannot write {path}")


def _export_svg(plot: pg.PlotWidget, path: Path, title: str) -> None:
    source = plot.getPlotItem().sceneBoundingRect()
    painter, _generator, target = begin_svg(path, source, title)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(target, plot.backgroundBrush())
        plot.scene().render(painter, target, source)
    finally:
        painter.end()
