"""Pens, plot styling and type sizes of the training page, sized for a projector; colours by look.

The page has no colours of its own: it takes them from a `gui.theme.Look` (light, dark or
projector) handed to its `apply_look`, and the variants take theirs by index from
gui.theme.VARIANT_PALETTE (Okabe-Ito). In the overlay the curves are nested stripes of decreasing
width (widest drawn first): where they coincide one sees a striped cable of all the colours, so
identical curves still read as several. Opaque solid pens without antialiasing let pyqtgraph draw
wide lines as segments, which keeps them cheap.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPen

from gui.theme import FONT_FAMILY, LOOKS, Look, readable, variant_colour

DEFAULT_LOOK = LOOKS["light"]
WIDEST_OVERLAY_PEN = 12.0  # the first variant's stripe in the overlay ...
NARROWEST_OVERLAY_PEN = 2.5  # ... and the last one's, on top
CARD_CURVE_WIDTH = 3.0
CARD_TOP_BORDER = 6  # pixels of the variant's colour along a card's top

# Badge background per status, with white text (each at least 4.5:1 contrast, tested). Never
# red against green: the words carry the meaning, the colours only help.
BADGE_COLORS = {
    "ready": "#5F5F5F",
    "waiting": "#5F5F5F",
    "running": "#0072B2",
    "paused": "#7A5A00",
    "finished": "#1A1A1A",
    "stopped": "#5F5F5F",
    "diverged": "#B34700",  # a darker vermillion, for contrast
    "dead": "#8E3B6E",  # a darker reddish purple
    "interrupted": "#5F5F5F",
    "not run": "#6B6B6B",
}
BADGE_TEXT = "#FFFFFF"

PAGE_POINT_SIZE = 13  # settings, buttons, descriptions
TITLE_POINT_SIZE = 17  # a card's variant name
NUMBER_POINT_SIZE = 16  # live numbers on the cards
BADGE_POINT_SIZE = 13
AXIS_POINT_SIZE = 12
TABLE_POINT_SIZE = 12
AXIS_SCALE_PROPERTY = "axisTextScale"  # on a plot: the text size its axes were last sized for
BASE_HEIGHT_PROPERTY = "baseMinimumHeight"  # on a plot: its minimum height at 1× text


def font(point_size: int, bold: bool = False, monospace: bool = False) -> QFont:
    """The page's font at a point size."""
    result = QFont("DejaVu Sans Mono" if monospace else FONT_FAMILY)
    if monospace:
        result.setStyleHint(QFont.StyleHint.Monospace)
    result.setPointSize(point_size)
    result.setBold(bold)
    return result


def overlay_width(index: int, count: int) -> float:
    """The overlay pen of variant `index` of `count`: from the widest (first) to the narrowest."""
    if count <= 1:
        return WIDEST_OVERLAY_PEN
    return WIDEST_OVERLAY_PEN - (WIDEST_OVERLAY_PEN - NARROWEST_OVERLAY_PEN) * index / (count - 1)


def variant_pen(index: int, width: float) -> QPen:
    """An opaque solid pen in the colour of the variant at `index`."""
    pen = pg.mkPen(QColor(variant_colour(index)), width=width)
    # Square caps close the gaps between a wide line's segments at the steep start, and drew
    # twice as fast as round or flat ones here (offscreen raster, measured).
    pen.setCapStyle(Qt.PenCapStyle.SquareCap)
    return pen


def variant_text_colour(index: int, look: Look) -> str:
    """The variant's colour as text on the look's background: darkened or lightened to read."""
    return readable(variant_colour(index), look.background)


def optimum_pen(look: Look) -> QPen:
    """The closed-form optimum's dashed line, in the look's ink."""
    return pg.mkPen(QColor(look.ink), width=2, style=Qt.PenStyle.DashLine)


def style_plot(plot: pg.PlotWidget, look: Look, left: str | None = None,
               bottom: str | None = None) -> None:
    """The look's background and ink on a plot's axes, ticks and labels (None keeps a label).

    No grid: pyqtgraph draws it as part of the axes, so a curve growing over a grid repaints
    both axes (text included) on every frame.
    """
    plot.setBackground(look.background)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    for side, text in (("left", left), ("bottom", bottom)):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(look.ink))
        axis.setTextPen(pg.mkPen(look.ink))
        label = text if text is not None else axis.labelText
        axis.setLabel(label, color=look.ink)
    scale_axes(plot, plot.property(AXIS_SCALE_PROPERTY) or 1.0)


def scale_axes(plot: pg.PlotWidget, scale: float) -> None:
    """Size a plot's tick labels and axis names for the window's text size (1× to 3×)."""
    plot.setProperty(AXIS_SCALE_PROPERTY, scale)  # a later restyle keeps the size
    base_height = plot.property(BASE_HEIGHT_PROPERTY)
    if base_height is None:
        base_height = plot.minimumHeight()
        plot.setProperty(BASE_HEIGHT_PROPERTY, base_height)
    plot.setMinimumHeight(round(base_height * scale))  # room for the ticks: larger text, a taller plot
    size = axis_point_size(scale)
    for side in ("left", "bottom"):
        axis = plot.getPlotItem().getAxis(side)
        axis.setTickFont(font(size))
        axis.setLabel(axis.labelText, **{**axis.labelStyle, "font-size": f"{size}pt"})


def axis_point_size(scale: float) -> int:
    """The axes' point size at text size `scale`."""
    return round(AXIS_POINT_SIZE * scale)
