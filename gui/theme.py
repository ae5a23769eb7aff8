"""Colours, fonts and sizes of the graph drawing, in one place.

Sized for a projector: sizes are scene pixels at zoom 1, and text is large enough to read from the
back of a lecture hall when the graph is fitted to a window. Colours come from the Okabe-Ito
palette, which stays distinct under the common forms of colour blindness: forward values in blue,
gradients in vermillion, never red against green.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

FONT_FAMILY = "DejaVu Sans"  # ships with most Linux systems; Qt falls back to a sans font elsewhere

FORWARD = QColor("#0072B2")  # blue: forward values and forward arrows
BACKWARD = QColor("#D55E00")  # vermillion: gradients and backward arrows
INK = QColor("#1A1A1A")  # outlines and names
MUTED = QColor("#8C8C8C")  # what is not computed yet, edges from constants
PENDING_EDGE = QColor("#4D4D4D")  # an edge whose target has no value yet
SELECTION = QColor("#CC79A7")  # reddish purple: the item the user clicked
HIGHLIGHT_FORWARD = QColor(0, 114, 178, 60)  # halo behind the active node, forward pass
HIGHLIGHT_BACKWARD = QColor(213, 94, 0, 60)  # halo behind the active node, backward pass
LABEL_HALO = QColor(255, 255, 255, 225)  # behind edge labels, so a crossing line cannot hide them
BACKGROUND = QColor("#FFFFFF")

FILL = {
    "input": QColor("#BFE6D5"),  # bluish green, soft
    "const": QColor("#DEDEDE"),  # grey
    "op": QColor("#FFFFFF"),  # the operation circle
    "variable": QColor("#F9EBA8"),  # yellow, soft: an intermediate result
    "output": QColor("#EBC6DC"),  # reddish purple, soft: the output
}

NODE_TEXT_PX = 34  # names in boxes, operation symbols
VALUE_TEXT_PX = 38  # forward values above nodes (bold)
GRAD_TEXT_PX = 29  # a node's gradient under it
EDGE_TEXT_PX = 27  # local derivatives and gradients on edges
TAG_TEXT_PX = 21  # the small "output" tag

OUTLINE_WIDTH = 3.0
OUTPUT_OUTLINE_WIDTH = 5.5
EDGE_WIDTH = 3.5
ACTIVE_EDGE_WIDTH = 7.0
BACKWARD_WIDTH = 4.0
ARROW_LENGTH = 20.0
ARROW_HALF_WIDTH = 9.0

BOX_PADDING_X = 12.0  # text to box border
BOX_HEIGHT = 64.0
CONST_HEIGHT = 50.0
OP_RADIUS = 34.0  # the operation circle; wider symbols get a stadium of the same height
CONNECTOR = 26.0  # the short arrow from an operation circle to its result box
LABEL_GAP = 6.0  # between a node and its value or gradient label
INPUT_VALUE_RESERVE = "0.0"  # input boxes leave room for a value this wide, so typing does not shift the graph


def font(pixel_size: int, bold: bool = False) -> QFont:
    """The drawing's font at a pixel size (pixels, so the scene looks the same at any screen dpi)."""
    result = QFont(FONT_FAMILY)
    result.setPixelSize(pixel_size)
    result.setBold(bold)
    return result


def typeset(text: str) -> str:
    """Text as it should be printed: a typographic minus for the hyphen the core writes."""
    return text.replace("-", "\u2212")
