"""Colours, fonts and sizes of the graph drawing and the window, in one place.

Sized for a projector: sizes are scene pixels at zoom 1, and text is large enough to read from the
back of a lecture hall when the graph is fitted to a window. Colours come from the Okabe-Ito
palette, which stays distinct under the common forms of colour blindness: forward values in blue,
gradients in vermillion/orange, never red against green.

The module-level names below are the look in use. `apply(look, scale)` switches them all at once
(light, dark or projector colours; text and lines 1× to 3×); views then rebuild their items, which
read these names when they are created and painted. The values written here are the light look at
1×, so code that never calls `apply` draws exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

FONT_FAMILY = "DejaVu Sans"  # ships with most Linux systems; Qt falls back to a sans font elsewhere

FORWARD = QColor("#0072B2")  # blue: forward values and forward arrows
BACKWARD = QColor("#B34700")  # a dark vermillion: gradients and backward arrows (5.5:1 on white)
INK = QColor("#1A1A1A")  # outlines and names
MUTED = QColor("#8C8C8C")  # what is not computed yet, edges from constants
PENDING_EDGE = QColor("#4D4D4D")  # an edge whose target has no value yet
SELECTION = QColor("#CC79A7")  # reddish purple: the item the user clicked
HIGHLIGHT_FORWARD = QColor(0, 114, 178, 60)  # halo behind the active node, forward pass
HIGHLIGHT_BACKWARD = QColor(179, 71, 0, 60)  # halo behind the active node, backward pass
LABEL_HALO = QColor(255, 255, 255, 225)  # behind edge labels, so a crossing line cannot hide them
BACKGROUND = QColor("#FFFFFF")

FILL = {
    "input": QColor("#E8F6EF"),  # bluish green, soft (the blue value on it stays 4.5:1)
    "const": QColor("#DEDEDE"),  # grey
    "op": QColor("#FFFFFF"),  # the operation circle
    "variable": QColor("#F9EBA8"),  # yellow, soft: an intermediate result
    "output": QColor("#EBC6DC"),  # reddish purple, soft: the output
}

NODE_TEXT_PX = 34  # names in boxes, operation symbols
VALUE_TEXT_PX = 38  # forward values above nodes (bold)
GRAD_TEXT_PX = 29  # a node's gradient under it
EDGE_TEXT_PX = 27  # local derivatives and gradients on edges
TAG_TEXT_PX = 26  # the "output" tag: the smallest text, so it decides the readable zoom

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

TEXT_SIZES = ("NODE_TEXT_PX", "VALUE_TEXT_PX", "GRAD_TEXT_PX", "EDGE_TEXT_PX", "TAG_TEXT_PX")
NUMBER_SIZES = ("VALUE_TEXT_PX", "GRAD_TEXT_PX")  # the numbers a projector look makes larger still
LINE_WIDTHS = ("OUTLINE_WIDTH", "OUTPUT_OUTLINE_WIDTH", "EDGE_WIDTH", "ACTIVE_EDGE_WIDTH", "BACKWARD_WIDTH")
LENGTHS = ("ARROW_LENGTH", "ARROW_HALF_WIDTH", "BOX_PADDING_X", "BOX_HEIGHT", "CONST_HEIGHT",
           "OP_RADIUS", "CONNECTOR", "LABEL_GAP")
BASE_SIZES = {name: globals()[name] for name in TEXT_SIZES + LINE_WIDTHS + LENGTHS}
SCALE_RANGE = (1.0, 3.0)  # the UI scale, as core.session.UI_SCALE_RANGE


@dataclass(frozen=True)
class Look:
    """One colour theme of the drawing and the window, with how thick and big it draws."""

    name: str
    title: str  # for the View → Theme menu
    forward: str
    backward: str
    ink: str
    muted: str
    pending_edge: str
    background: str
    fills: dict[str, str]
    label_halo_alpha: int = 225
    highlight_alpha: int = 60
    line_scale: float = 1.0  # projectors wash thin lines out
    number_scale: float = 1.0  # values and gradients, relative to the other text
    edge_scale: float = 1.0  # the labels on edges (local derivatives, gradients flowing back)
    window: str = ""  # widget colours; "" keeps the platform's own palette
    window_text: str = ""
    base: str = ""
    alternate_base: str = ""
    button: str = ""
    highlight: str = ""
    highlighted_text: str = ""
    soft_text: str = "#4a4a4a"  # secondary text: a caption's rule line, hints
    error_text: str = "#b00000"
    caption_background: str = "#fbfbf7"
    caption_border: str = "#d8d8d0"
    phase_colours: dict[str, str] = field(default_factory=dict)  # caption chip backgrounds (white text)
    correct: str = "#0072B2"  # quiz feedback: blue-ish for right ...
    wrong: str = "#B34700"  # ... and orange-ish for wrong, always with ✓ / ✗ as well

    @property
    def dark(self) -> bool:
        """Whether the background is dark (text is light)."""
        return QColor(self.background).lightness() < 128


LIGHT_PHASES = {"start": "#5f6b7a", "forward": "#0072B2", "backward": "#B34700", "done": "#1A1A1A"}

LOOKS: dict[str, Look] = {
    "light": Look(
        "light", "&Light", forward="#0072B2", backward="#B34700", ink="#1A1A1A", muted="#8C8C8C",
        pending_edge="#4D4D4D", background="#FFFFFF",
        fills={"input": "#E8F6EF", "const": "#DEDEDE", "op": "#FFFFFF", "variable": "#F9EBA8",
               "output": "#EBC6DC"},
        phase_colours=LIGHT_PHASES,
    ),
    "dark": Look(
        "dark", "&Dark", forward="#6CC0EE", backward="#E69F00", ink="#F0F0F0", muted="#8C8C8C",
        pending_edge="#A8A8A8", background="#101418",
        fills={"input": "#0C221D", "const": "#2A2D33", "op": "#101418", "variable": "#33300F",
               "output": "#3A2035"},
        label_halo_alpha=235, highlight_alpha=90, line_scale=1.2,
        window="#1B1F24", window_text="#F0F0F0", base="#101418", alternate_base="#22272E",
        button="#2A2F36", highlight="#2F6690", highlighted_text="#FFFFFF",
        soft_text="#C8C8C8", error_text="#FF9B85", caption_background="#15191E",
        caption_border="#3A3F46",
        phase_colours={"start": "#4A5563", "forward": "#1A5580", "backward": "#8A3F00", "done": "#000000"},
        correct="#6CC0EE", wrong="#E69F00",
    ),
    "projector": Look(
        "projector", "&Projector (high contrast)", forward="#004C85", backward="#963800", ink="#000000",
        muted="#595959", pending_edge="#333333", background="#FFFFFF",
        fills={"input": "#E2F4EC", "const": "#E6E6E6", "op": "#FFFFFF", "variable": "#FCF1C4",
               "output": "#F5DDEB"},
        label_halo_alpha=240, highlight_alpha=70, line_scale=1.6, number_scale=1.2,
        window="#FFFFFF", window_text="#000000", base="#FFFFFF", alternate_base="#F2F2F2",
        button="#F0F0F0", highlight="#004C85", highlighted_text="#FFFFFF",
        soft_text="#222222", error_text="#8A0000", caption_background="#FFFFFF",
        caption_border="#000000",
        phase_colours={"start": "#3D4652", "forward": "#004C85", "backward": "#963800", "done": "#000000"},
        correct="#004C85", wrong="#963800",
    ),
}
DEFAULT_LOOK = "light"

current_look: Look = LOOKS[DEFAULT_LOOK]
current_scale: float = 1.0


def apply(look: str | Look = DEFAULT_LOOK, scale: float = 1.0) -> Look:
    """Make `look` at `scale` (1 = as designed) the drawing's colours and sizes; returns the look applied."""
    global current_look, current_scale, FORWARD, BACKWARD, INK, MUTED, PENDING_EDGE, BACKGROUND
    global HIGHLIGHT_FORWARD, HIGHLIGHT_BACKWARD, LABEL_HALO, FILL
    chosen = LOOKS.get(look, LOOKS[DEFAULT_LOOK]) if isinstance(look, str) else look
    scale = max(0.25, float(scale))  # presentation mode may go beyond the UI scale's 3x
    current_look, current_scale = chosen, scale
    FORWARD, BACKWARD, INK = QColor(chosen.forward), QColor(chosen.backward), QColor(chosen.ink)
    MUTED, PENDING_EDGE, BACKGROUND = QColor(chosen.muted), QColor(chosen.pending_edge), QColor(chosen.background)
    HIGHLIGHT_FORWARD = _with_alpha(chosen.forward, chosen.highlight_alpha)
    HIGHLIGHT_BACKWARD = _with_alpha(chosen.backward, chosen.highlight_alpha)
    LABEL_HALO = _with_alpha(chosen.background, chosen.label_halo_alpha)
    FILL = {kind: QColor(colour) for kind, colour in chosen.fills.items()}
    module = globals()
    for name in TEXT_SIZES:
        boost = chosen.number_scale if name in NUMBER_SIZES else 1.0
        boost = chosen.edge_scale if name == "EDGE_TEXT_PX" else boost
        module[name] = max(1, round(BASE_SIZES[name] * scale * boost))
    if chosen.edge_scale > 1:  # a look that enlarges the smallest text: the tag grows to the edge labels' size
        module["TAG_TEXT_PX"] = max(module["TAG_TEXT_PX"], module["EDGE_TEXT_PX"])
    for name in LINE_WIDTHS:
        module[name] = BASE_SIZES[name] * scale * chosen.line_scale
    for name in LENGTHS:
        module[name] = BASE_SIZES[name] * scale
    return chosen


# The training variants' colours, by index: the Okabe-Ito palette (distinct under the common
# forms of colour blindness), black left out so a variant never looks like the optimum's line.
VARIANT_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text


def variant_colour(index: int) -> str:
    """The colour of the variant at `index` (the palette repeats after seven)."""
    return VARIANT_PALETTE[index % len(VARIANT_PALETTE)]


def contrast_ratio(foreground: str | QColor, background: str | QColor) -> float:
    """WCAG contrast ratio of two opaque colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(QColor(foreground)), _luminance(QColor(background))),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(colour: str, background: str, minimum: float = MIN_TEXT_CONTRAST) -> str:
    """`colour` itself if text in it reads on `background`, else the nearest shade that does.

    The shade moves toward black on a light background and toward white on a dark one.
    """
    base, target = QColor(colour), QColor("#000000" if QColor(background).lightness() >= 128 else "#FFFFFF")
    for step in range(21):
        t = step / 20
        mixed = QColor(*(round(a + (b - a) * t) for a, b in
                         zip(base.getRgb()[:3], target.getRgb()[:3])))
        if contrast_ratio(mixed, background) >= minimum:
            return mixed.name().upper()
    return target.name().upper()


MIN_GRAPHIC_CONTRAST = 3.0  # WCAG 1.4.11: icons, frames and shapes one must see
ICON_SIDES = (16, 24, 32, 48, 64, 96, 128)  # pixmaps a tinted icon holds; Qt scales the nearest


def disabled_icon_colour(palette: QPalette) -> QColor:
    """The colour of a disabled icon: the palette's disabled text shade, at 3:1 or more on the window.

    Qt's own disabled icons fade toward the window colour and all but vanish on a dark one.
    """
    group, roles = QPalette.ColorGroup.Disabled, QPalette.ColorRole
    shade = palette.color(group, roles.ButtonText).name()
    return QColor(readable(shade, palette.color(roles.Window).name(), MIN_GRAPHIC_CONTRAST))


def with_disabled_tint(icon: QIcon, colour: QColor) -> QIcon:
    """`icon` as it is, but drawn in one flat `colour` when its button is disabled."""
    result = QIcon()
    for side in ICON_SIDES:
        normal = icon.pixmap(side, side, QIcon.Mode.Normal)
        if normal.isNull():
            continue
        tinted = QPixmap(normal)
        painter = QPainter(tinted)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)  # keep the shape
        painter.fillRect(tinted.rect(), colour)
        painter.end()
        result.addPixmap(normal, QIcon.Mode.Normal)
        result.addPixmap(tinted, QIcon.Mode.Disabled)
    return result


def tint_disabled_icons(buttons, palette: QPalette) -> None:
    """Give each button's icon a disabled look that stays visible on `palette`'s window."""
    colour = disabled_icon_colour(palette)
    for button in buttons:
        button.setIcon(with_disabled_tint(button.icon(), colour))


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour.getRgb()[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
# Text against its background, per look: WCAG AA everywhere, AAA for the projector.
MIN_CONTRAST = {"light": MIN_TEXT_CONTRAST, "dark": MIN_TEXT_CONTRAST, "projector": 7.0}


def clamp_scale(scale: float) -> float:
    """A UI scale kept within 1× to 3×."""
    try:
        scale = float(scale)
    except (TypeError, ValueError):
        return 1.0
    if scale != scale:  # nan
        return 1.0
    return max(SCALE_RANGE[0], min(SCALE_RANGE[1], scale))


def _with_alpha(colour: str, alpha: int) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


def widget_palette(look: Look, default: QPalette) -> QPalette:
    """The window's palette for `look`: `default` with the look's widget colours laid over it."""
    palette = QPalette(default)
    roles = QPalette.ColorRole
    pairs = [
        (roles.Window, look.window), (roles.WindowText, look.window_text), (roles.Base, look.base),
        (roles.AlternateBase, look.alternate_base), (roles.Text, look.window_text),
        (roles.Button, look.button), (roles.ButtonText, look.window_text),
        (roles.Highlight, look.highlight), (roles.HighlightedText, look.highlighted_text),
        (roles.ToolTipBase, look.base), (roles.ToolTipText, look.window_text),
        (roles.PlaceholderText, look.soft_text if look.window else ""),
    ]
    for role, colour in pairs:
        if colour:
            palette.setColor(QPalette.ColorGroup.Active, role, QColor(colour))
            palette.setColor(QPalette.ColorGroup.Inactive, role, QColor(colour))
    if look.window:
        disabled = QColor(look.muted)
        for role in (roles.WindowText, roles.Text, roles.ButtonText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
        for role in (roles.Window, roles.Base, roles.Button):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(dict(pairs)[role]))
    return palette


def font(pixel_size: int, bold: bool = False) -> QFont:
    """The drawing's font at a pixel size (pixels, so the scene looks the same at any screen dpi)."""
    result = QFont(FONT_FAMILY)
    result.setPixelSize(pixel_size)
    result.setBold(bold)
    return result


def typeset(text: str) -> str:
    """Text as it should be printed: a typographic minus for the hyphen the core writes."""
    return text.replace("-", "\u2212")


def indicator_outline(palette: QPalette) -> QColor:
    """The outline of a check box or radio button: 3:1 or more on both the window and a field.

    Fusion draws it a shade darker than the window: about 1.1:1 on a dark window, 1.7:1 on a light one.
    """
    window, base = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.WindowText)
    colour = QColor(*(round((a + b) / 2) for a, b in zip(text.getRgb()[:3], window.getRgb()[:3])))
    for background in (window, base, window):  # the second pass re-checks the window after darkening for the field
        colour = QColor(readable(colour.name(), background.name(), MIN_GRAPHIC_CONTRAST))
    return colour


INDICATOR_PER_LINE = 0.75  # a check box or radio button is at least this many of its text's line heights


class ReadableIndicatorStyle(QProxyStyle):
    """The platform style, with check box and radio button outlines one can see (WCAG 1.4.11, 3:1)."""

    INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)
    SIZES = (QStyle.PixelMetric.PM_IndicatorWidth, QStyle.PixelMetric.PM_IndicatorHeight,
             QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, QStyle.PixelMetric.PM_ExclusiveIndicatorHeight)

    def pixelMetric(self, metric, option=None, widget=None):  # noqa: N802 (Qt's name)
        """Indicators grow with their widget's text: a 14 px box beside 3× text is hard to see."""
        size = super().pixelMetric(metric, option, widget)
        if metric in self.SIZES and widget is not None:
            size = max(size, round(widget.fontMetrics().height() * INDICATOR_PER_LINE))
        return size

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802 (Qt's name)
        super().drawPrimitive(element, option, painter, widget)
        if element not in self.INDICATORS:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(indicator_outline(option.palette), 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = QRectF(option.rect).adjusted(0.6, 0.6, -0.6, -0.6)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 1.0, 1.0)
        painter.restore()


def use_readable_indicators(app: QApplication) -> None:
    """Give the application ReadableIndicatorStyle over its own style (once; later calls do nothing)."""
    if not isinstance(app.style(), ReadableIndicatorStyle):
        app.setStyle(ReadableIndicatorStyle(app.style().name()))
