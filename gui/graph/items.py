"""The scene items of the graph drawing: text labels, nodes, forward edges and backward arrows.

Each item is created once per graph and then only restyled: setters compare with what is shown
and repaint only on a change, so stepping through a schedule costs almost nothing.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem, QWidget

from core.engine.graph_text import flow_parts
from gui import theme
from gui.graph.geometry import EdgeRoute, LabelSpot, NodeShape, backward_route, shared_font

Run = tuple[str, QColor]
HALO_PAD = 4.0
HIT_WIDTH = 16.0  # edges are easy to hover and click, not only on their 2.5 px line


def arrowhead(tip: QPointF, direction: QPointF) -> QPolygonF:
    """A filled triangle pointing along `direction` with its point at `tip`."""
    back = tip - direction * theme.ARROW_LENGTH
    normal = QPointF(-direction.y(), direction.x()) * theme.ARROW_HALF_WIDTH
    return QPolygonF([tip, back + normal, back - normal])


class TextLabel(QGraphicsItem):
    """One line of text in coloured runs, anchored at a point, optionally on a rounded background."""

    def __init__(self, pixel_size: int, bold: bool = False, background: QColor | None = None, parent=None):
        super().__init__(parent)
        self._style = (pixel_size, bold)
        self._font, self._metrics = shared_font(pixel_size, bold)
        self._background = background  # a white halo keeps a label readable over a line
        self._runs: list[Run] = []
        self._vertical = "center"
        self._horizontal = "center"
        self._rect = QRectF()
        self._bounds = QRectF(-HALO_PAD, -HALO_PAD, 2 * HALO_PAD, 2 * HALO_PAD)  # _rect with the halo: boundingRect is asked for far more often than it changes
        self._offsets: list[float] = []  # x of each run in item coordinates, measured with the runs
        self._italic = False

    def pixel_size(self) -> int:
        """The font's pixel size in scene pixels (times the view's zoom on screen)."""
        return self._style[0]

    def text(self) -> str:
        """The text as drawn (typographic minus signs included)."""
        return "".join(text for text, _ in self._runs)

    def runs(self) -> list[str]:
        """The pieces drawn one after another, each in its own colour."""
        return [text for text, _ in self._runs]

    def set_runs(self, runs: list[Run]) -> None:
        """Show these (text, colour) runs; repaints only if they differ from what is shown."""
        runs = [(theme.typeset(text), QColor(colour)) for text, colour in runs]
        if runs == self._runs:
            return
        self.prepareGeometryChange()
        self._runs = runs
        self._measure()
        self.update()

    def set_text(self, text: str, colour: QColor) -> None:
        """Show one piece of text in one colour."""
        self.set_runs([(text, colour)])

    def set_background(self, colour: QColor | None) -> None:
        """Draw the text on a rounded halo of `colour`, or on nothing (None)."""
        if colour != self._background:
            self._background = colour
            self.update()

    def set_italic(self, italic: bool) -> None:
        """Slant the text (for a sum that is not finished yet)."""
        if italic != self._italic:
            self._italic = italic
            self._font, self._metrics = shared_font(*self._style, italic)
            self.prepareGeometryChange()
            self._measure()
            self.update()

    def place(self, point: QPointF, vertical: str = "center", horizontal: str = "center") -> None:
        """Put the label's `vertical` edge ("top", "bottom", "center") and `horizontal` one at `point`."""
        self.setPos(point)
        if (vertical, horizontal) != (self._vertical, self._horizontal):
            self.prepareGeometryChange()
            self._vertical, self._horizontal = vertical, horizontal
            self._measure()

    def place_at(self, spot: LabelSpot) -> None:
        """Put the label where the geometry says, centred horizontally."""
        self.place(spot.point, spot.vertical)

    def text_rect(self) -> QRectF:
        """The text's rectangle in item coordinates, without its background."""
        return QRectF(self._rect)

    def run_offsets(self) -> list[float]:
        """Where each run starts, in item coordinates (measured when the runs, font or placement change)."""
        return list(self._offsets)

    def _measure(self) -> None:
        """Measure the runs once: the rectangle, its halo and each run's x (paint only reads them)."""
        advances = [self._metrics.horizontalAdvance(text) for text, _ in self._runs]
        width = sum(advances)
        height = self._metrics.height()
        x = {"left": 0.0, "center": -width / 2, "right": -width}[self._horizontal]
        y = {"top": 0.0, "center": -height / 2, "bottom": -height}[self._vertical]
        self._rect = QRectF(x, y, width, height)
        self._bounds = self._rect.adjusted(-HALO_PAD, -HALO_PAD, HALO_PAD, HALO_PAD)
        self._offsets = []
        for advance in advances:
            self._offsets.append(x)
            x += advance

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self._runs:
            return
        if self._background is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._background)
            painter.drawRoundedRect(self._rect.adjusted(-HALO_PAD, -2, HALO_PAD, 2), 6, 6)
        painter.setFont(self._font)
        baseline = self._rect.top() + self._metrics.ascent()
        for x, (text, colour) in zip(self._offsets, self._runs):
            painter.setPen(colour)
            painter.drawText(QPointF(x, baseline), text)


class _Selectable(QGraphicsObject):
    """Common to nodes and edges: selectable, hoverable, one tooltip shared with its labels."""

    def __init__(self):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._hovered = False
        self._tooltip_key: object = None
        self._make_tooltip: Callable[[], str] | None = None  # builds the tooltip when first asked for

    def labels(self) -> list[TextLabel]:
        """The text labels drawn for this item."""
        return []

    def set_tooltip(self, text: str) -> None:
        """Give the item and its labels one tooltip."""
        text = theme.typeset(text)
        if text != self.toolTip():
            for item in [self, *self.labels()]:
                item.setToolTip(text)

    def update_tooltip(self, key: object, make_text: Callable[[], str]) -> None:
        """Let `make_text` build the tooltip when it is next asked for, if `key` (what it may reveal) changed.

        A big graph has thousands of items and a step touches most keys: building every text at
        each step cost more than drawing it, and only the one under the mouse is ever read.
        """
        if key != self._tooltip_key:
            self._tooltip_key = key
            self._make_tooltip = make_text

    def ensure_tooltip(self) -> None:
        """Build the pending tooltip now (the mouse rests on the item, or someone reads it)."""
        make, self._make_tooltip = self._make_tooltip, None
        if make is not None:
            self.set_tooltip(make())

    def toolTip(self) -> str:  # noqa: N802 (Qt's name)
        """The tooltip, built first if it is pending."""
        self.ensure_tooltip()
        return super().toolTip()

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()
        super().hoverLeaveEvent(event)


class NodeItem(_Selectable):
    """An input box, a constant box, or an operation circle with its result box."""

    def __init__(self, node_id: int, kind: str, is_output: bool):
        super().__init__()
        self.node_id = node_id
        self.kind = kind
        self.is_output = is_output
        self.setZValue(2)
        self.title_label = TextLabel(theme.NODE_TEXT_PX, parent=self)
        self.symbol_label = TextLabel(theme.NODE_TEXT_PX, parent=self)
        self.value_label = TextLabel(theme.VALUE_TEXT_PX, bold=True, parent=self)
        self.gradient_label = TextLabel(theme.GRAD_TEXT_PX, parent=self)
        self.tag_label = TextLabel(theme.TAG_TEXT_PX, bold=True, background=theme.INK, parent=self)
        self._shape_info: NodeShape | None = None
        self._op_arrow: tuple[QPointF, QPointF, QPolygonF] | None = None  # line start, end, head: made with the shape
        self._highlight: QColor | None = None

    def labels(self) -> list[TextLabel]:
        """Name, symbol, value, gradient and tag labels, shown or empty."""
        return [self.title_label, self.symbol_label, self.value_label, self.gradient_label, self.tag_label]

    def set_geometry(self, shape: NodeShape, origin: QPointF) -> None:
        """Place the node and size its boxes."""
        self.setPos(origin)
        if shape == self._shape_info:
            return
        self.prepareGeometryChange()
        self._shape_info = shape
        box = shape.box
        self._op_arrow = None
        if shape.op is not None:
            outline = theme.OUTPUT_OUTLINE_WIDTH if self.is_output else theme.OUTLINE_WIDTH
            start, tip, direction = QPointF(shape.op.right(), 0.0), QPointF(box.left() - outline / 2, 0.0), QPointF(1.0, 0.0)
            self._op_arrow = (start, tip - direction * (theme.ARROW_LENGTH - 3), arrowhead(tip, direction))
        self.title_label.place(box.center())
        if shape.op is not None:
            self.symbol_label.place(shape.op.center())
        self.value_label.place(QPointF(box.center().x(), box.top() - theme.LABEL_GAP), "bottom")
        self.gradient_label.place(QPointF(box.center().x(), box.bottom() + theme.LABEL_GAP), "top")
        if self.is_output:
            self.tag_label.set_text("output", theme.BACKGROUND)
            self.tag_label.place(shape.tag.topLeft() if shape.tag is not None else box.topRight(), "top", "left")
        self.update()

    def outline(self) -> QRectF:
        """Box and circle in scene coordinates, without labels."""
        return self.mapRectToScene(self._shape_info.outline)

    def set_title(self, runs: list[Run]) -> None:
        """The text in the node's box, in coloured runs: `x = ` in ink, `3` in blue."""
        self.title_label.set_runs(runs)

    def set_symbol(self, text: str) -> None:
        """The operation symbol in the circle."""
        self.symbol_label.set_text(text, theme.INK)

    def show_value(self, text: str | None) -> None:
        """Show a forward value above the node, or nothing before it is computed."""
        self.value_label.set_runs([] if text is None else [(text, theme.FORWARD)])

    def show_gradient(self, text: str | None, partial: bool = False) -> None:
        """Show the node's gradient under it; a partial sum still being added up is slanted."""
        self.gradient_label.set_runs([] if text is None else [(text, theme.BACKWARD)])
        self.gradient_label.set_italic(partial)

    def set_highlight(self, colour: QColor | None) -> None:
        """A soft halo around the node the current step is about (None: no halo)."""
        if colour != self._highlight:
            self._highlight = colour
            self.update()

    def boundingRect(self) -> QRectF:
        if self._shape_info is None:
            return QRectF()
        return self._shape_info.outline.adjusted(-14, -14, 14, 14)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        if self._shape_info is not None:
            path.addRect(self._shape_info.outline)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        info = self._shape_info
        if info is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._highlight is not None:
            painter.setPen(QPen(self._highlight, 16, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._draw_outlines(painter, info)
        if self.isSelected() or self._hovered:
            colour = QColor(theme.SELECTION)
            colour.setAlpha(255 if self.isSelected() else 120)
            painter.setPen(QPen(colour, 7))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._draw_outlines(painter, info)
        outline = theme.OUTPUT_OUTLINE_WIDTH if self.is_output else theme.OUTLINE_WIDTH
        painter.setPen(QPen(theme.INK, outline))
        painter.setBrush(QBrush(self._box_fill()))
        self._draw_box(painter, info.box)
        if info.op is not None:
            painter.setPen(QPen(theme.INK, theme.OUTLINE_WIDTH))
            painter.setBrush(QBrush(theme.FILL["op"]))
            radius = info.op.height() / 2
            painter.drawRoundedRect(info.op, radius, radius)
            start, end, head = self._op_arrow
            painter.drawLine(start, end)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.INK)
            painter.drawPolygon(head)

    def _box_fill(self) -> QColor:
        if self.is_output:
            return theme.FILL["output"]
        return theme.FILL["variable" if self.kind == "op" else self.kind]

    def _draw_box(self, painter: QPainter, box: QRectF) -> None:
        painter.drawRoundedRect(box, 9, 9)

    def _draw_outlines(self, painter: QPainter, info: NodeShape) -> None:
        self._draw_box(painter, info.box)
        if info.op is not None:
            radius = info.op.height() / 2
            painter.drawRoundedRect(info.op, radius, radius)


class BackwardArrowItem(QGraphicsItem):
    """The curved vermillion arrow beside an edge, carrying its gradient back to the source."""

    def __init__(self):
        super().__init__()
        self.setZValue(1)
        self._route: EdgeRoute | None = None
        self._drawn: tuple[QPainterPath, QPointF, QPointF, QPolygonF] | None = None  # built when first shown
        self._active = False

    def set_route(self, route: EdgeRoute) -> None:
        """Follow this edge route; the arrow itself is built when first drawn."""
        if route is self._route:
            return
        self.prepareGeometryChange()
        self._route = route
        self._drawn = None
        self.update()

    def set_active(self, active: bool) -> None:
        """Draw thicker while the current step runs along this edge."""
        if active != self._active:
            self._active = active
            self.update()

    def path(self) -> QPainterPath:
        """The arrow's line, target to source, in scene coordinates."""
        return self._arrow()[0]

    def head(self) -> QPolygonF:
        """The arrowhead at the source, in scene coordinates (made once per route)."""
        return self._arrow()[3]

    def _arrow(self) -> tuple[QPainterPath, QPointF, QPointF, QPolygonF]:
        """Path, tip, direction and head, resampled once per route rather than at every paint."""
        if self._drawn is None:
            path, tip, direction = backward_route(self._route)
            self._drawn = (path, tip, direction, arrowhead(tip, direction))
        return self._drawn

    def boundingRect(self) -> QRectF:
        if self._route is None:
            return QRectF()
        margin = 40.0  # the arrow stays within ARC_OFFSET of the edge; this also covers its head
        return self._route.path.controlPointRect().united(
            QRectF(self._route.tip, self._route.tip)).adjusted(-margin, -margin, margin, margin)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._route is None:
            return
        path, _tip, _direction, head = self._arrow()
        width = theme.ACTIVE_EDGE_WIDTH if self._active else theme.BACKWARD_WIDTH
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.BACKWARD, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.BACKWARD)
        painter.drawPolygon(head)


class EdgeItem(_Selectable):
    """A forward edge with its arrowhead; owns its labels and backward arrow as separate items.

    Those parts are top-level scene items (not children) so that every label sits above every
    line: a child can only stack within its parent's level.
    """

    def __init__(self, edge: tuple[int, int, int], from_constant: bool):
        super().__init__()
        self.edge = edge
        self.from_constant = from_constant
        self.setZValue(0)
        self.local_label = TextLabel(theme.EDGE_TEXT_PX, background=theme.LABEL_HALO)
        self.flow_label = TextLabel(theme.EDGE_TEXT_PX, bold=True, background=theme.LABEL_HALO)
        self.backward = BackwardArrowItem()
        for part in (self.local_label, self.flow_label):
            part.setZValue(3)
        self._route: EdgeRoute | None = None
        self._head = QPolygonF()  # the arrowhead at the route's tip, made with the route
        self._colour = QColor(theme.PENDING_EDGE)
        self._width = theme.EDGE_WIDTH
        self._hit_shape = QPainterPath()

    def parts(self) -> list[QGraphicsItem]:
        """The items drawn for this edge besides the line itself, to add to the scene with it."""
        return [self.backward, self.local_label, self.flow_label]

    def labels(self) -> list[TextLabel]:
        """The local derivative and the gradient-flow labels."""
        return [self.local_label, self.flow_label]

    def set_tooltip(self, text: str) -> None:
        """Give the edge, its labels and its backward arrow one tooltip."""
        super().set_tooltip(text)
        self.backward.setToolTip(theme.typeset(text))

    def set_route(self, route: EdgeRoute) -> None:
        """Lay the edge along its route and put its labels beside it."""
        self.prepareGeometryChange()
        self._route = route
        self._head = arrowhead(route.tip, route.direction)
        stroker = QPainterPathStroker()
        stroker.setWidth(HIT_WIDTH)
        full = QPainterPath(route.path)
        full.lineTo(route.tip)
        self._hit_shape = stroker.createStroke(full)
        self.local_label.place_at(route.local_spot)
        self.flow_label.place_at(route.flow_spot)
        self.backward.set_route(route)
        self.update()

    def route(self) -> EdgeRoute | None:
        """The route the edge follows, or None before it is placed."""
        return self._route

    def head(self) -> QPolygonF:
        """The arrowhead at the target, in scene coordinates (made once per route)."""
        return QPolygonF(self._head)

    def set_line_style(self, colour: QColor, width: float) -> None:
        """Colour and width of the forward line and its arrowhead."""
        if colour != self._colour or width != self._width:
            self._colour, self._width = QColor(colour), width
            self.update()

    def show_local(self, text: str | None) -> None:
        """The local derivative on the edge, or nothing before its target has a value."""
        self.local_label.set_runs([] if text is None else [(text, theme.INK)])

    def show_flow(self, text: str | None, active: bool = False, label: bool = True) -> None:
        """The backward arrow and its gradient label, or neither before the gradient crosses.

        `label` False keeps the arrow but not the words (only the step being explained shows
        them, so no product is printed twice). In `1 × 3 = 3` the upstream factor and the result
        take the gradients' colour, the local factor the local derivatives' colour.
        """
        self.backward.setVisible(text is not None)
        self.backward.set_active(active)
        parts = None if text is None or not label else flow_parts(text)
        if text is None or not label:
            runs = []
        elif parts is None:
            runs = [(text, theme.BACKWARD)]
        else:
            upstream, local, result = parts
            runs = [(upstream, theme.BACKWARD), (local, theme.INK), (result, theme.BACKWARD)]
        self.flow_label.set_runs(runs)

    def boundingRect(self) -> QRectF:
        return self._hit_shape.boundingRect().adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        return self._hit_shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        route = self._route
        if route is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.isSelected() or self._hovered:
            colour = QColor(theme.SELECTION)
            colour.setAlpha(200 if self.isSelected() else 90)
            painter.setPen(QPen(colour, 12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(route.path)
        painter.setPen(QPen(self._colour, self._width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(route.path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour)
        painter.drawPolygon(self._head)
