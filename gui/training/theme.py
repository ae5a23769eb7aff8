"""Colours, pens and type sizes of the training page, sized for a projector.

The four variants take the Okabe-Ito colours, which stay distinct under the common forms of
colour blindness. In the overlay the four curves are nested stripes of decreasing width (widest
drawn first): where they coincide one sees a striped cable of four colours, so four identical
curves still read as four. Opaque solid pens without antialiasing let pyqtgraph draw wide lines
as segments, which keeps them cheap.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPen

from gui.theme import FONT_FAMILY

VARIANT_COLORS = {
    "manual": "#0072B2",  # blue
    "semi_manual": "#D55E00",  # vermillion
    "automatic": "#009E73",  # bluish green
    "sequential": "#CC79A7",  # reddish purple
}
# The same hues darkened where a name is written in them on white (titles, table rows): text
# must read at 4.5:1, and the light green and purple did not (3.4:1 and 3.1:1).
VARIANT_TEXT_COLORS = {
    "manual": "#0072B2",
    "semi_manual": "#B34700",
    "automatic": "#007A5A",
    "sequential": "#9A4A7E",
}
VARIANT_TITLES = {
    "manual": "Manual",
    "semi_manual": "Semi-manual",
    "automatic": "Automatic",
    "sequential": "Sequential",
}
OVERLAY_WIDTHS = {"manual": 12.0, "semi_manual": 8.5, "automatic": 5.0, "sequential": 2.5}
CARD_CURVE_WIDTH = 3.0
OPTIMUM_COLOR = "#1A1A1A"  # the closed-form optimum: a dashed black line
PLOT_BACKGROUND = "#FFFFFF"
AXIS_COLOR = "#1A1A1A"
MUTED_TEXT = "#4A4A4A"

# Badge background per status, with white text (each at least 4.5:1 contrast). Never red
# against green: the words carry the meaning, the colours only help.
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

PAGE_POINT_SIZE = 13  # settings, buttons, descriptions
TITLE_POINT_SIZE = 17  # a card's variant name
NUMBER_POINT_SIZE = 16  # live numbers on the cards
BADGE_POINT_SIZE = 13
AXIS_POINT_SIZE = 12
TABLE_POINT_SIZE = 12


def font(point_size: int, bold: bool = False, monospace: bool = False) -> QFont:
    """The page's font at a point size."""
    result = QFont("DejaVu Sans Mono" if monospace else FONT_FAMILY)
    if monospace:
        result.setStyleHint(QFont.StyleHint.Monospace)
    result.setPointSize(point_size)
    result.setBold(bold)
    return result


def variant_pen(name: str, width: float) -> QPen:
    """An opaque solid pen in the variant's colour."""
    pen = pg.mkPen(QColor(VARIANT_COLORS[name]), width=width)
    # Square caps close the gaps between a wide line's segments at the steep start, and drew
    # twice as fast as round or flat ones here (offscreen raster, measured).
    pen.setCapStyle(Qt.PenCapStyle.SquareCap)
    return pen


def optimum_pen() -> QPen:
    """The closed-form optimum's dashed line."""
    return pg.mkPen(QColor(OPTIMUM_COLOR), width=2, style=Qt.PenStyle.DashLine)


def style_plot(plot: pg.PlotWidget, left: str, bottom: str = "epoch", grid: bool = True) -> None:
    """White background, dark axes with readable labels, a light grid if asked for.

    pyqtgraph draws the grid as part of the axes, so a curve growing over a grid repaints both
    axes (text included) on every frame: the live loss plots go without one.
    """
    plot.setBackground(PLOT_BACKGROUND)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    axis_font = font(AXIS_POINT_SIZE)
    for side, text in (("left", left), ("bottom", bottom)):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(AXIS_COLOR))
        axis.setTextPen(pg.mkPen(AXIS_COLOR))
        axis.setTickFont(axis_font)
        axis.setLabel(text, color=AXIS_COLOR, **{"font-size": f"{AXIS_POINT_SIZE}pt"})

    if grid:
        item.showGrid(x=True, y=True, alpha=0.18)
