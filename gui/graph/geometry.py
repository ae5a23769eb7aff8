"""Where the drawing goes in scene pixels: node shapes, columns, rows and the route of every edge.

core.engine.layout gives abstract layers and slots; this module turns them into pixels by measuring the
text each node and edge will show. Each gap between two columns has three zones, left to right:
an S-curve zone where edges change height (the only place lines cross), a lane zone where every
edge runs straight and level with its labels beside it, and a short zone where edges turn into
their operation's circle. Rows are tall enough for a node's labels and for the label stacks of
two operands, so no label can touch another node. Presentation geometry only: no numbers are
computed here, they are only measured.
"""

from __future__ import annotations

import math
import weakref
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainterPath, QPolygonF

from core.engine.graph import ComputationGraph
from core.engine.layout import Layout
from gui import theme

Edge = tuple[int, int, int]

SPLINE_ZONE_MIN = 48.0  # horizontal room for an S-curve; grows with the largest height change in a gap
SPLINE_ZONE_MAX = 240.0
LEVEL_ZONE = 16.0  # the gap before a lane whose edges all run level: no S-curve to draw there
SPLINE_ZONE_PER_HEIGHT = 0.35  # ... by this much per pixel of height change
CONVERGE_ZONE = 32.0  # from the end of a lane into the operation circle
LANE_PADDING = 8.0  # around the widest label in a lane zone
LANE_QUANTUM = 16.0  # lane widths snap to this, so small value changes do not shift the graph
PORT_ANGLE = math.radians(42)  # where operand 0 and 1 enter the circle, from the horizontal
ARC_OFFSET = 19.0  # backward arrow distance from its forward edge
ARC_END_OFFSET = 5.0  # ... at its two ends, where it tucks into the nodes
ARC_RAMP = 56.0  # length over which the backward arrow moves out to ARC_OFFSET
ARC_SAMPLE = 6.0  # the backward arrow is drawn through points this far apart
LABEL_SPACE = 5.0  # between a line and the label beside it
OUT_PORT_SPACING = 14.0  # between edges leaving one node
ROW_MARGIN = 18.0  # between the label stacks of vertically neighbouring nodes
TAG_PAD = 6.0  # room for the background of the "output" tag
RETURN_RADIUS = 24.0  # the rounded corners of an edge going back round to the next row
TIP_INSET = theme.ARROW_LENGTH - 3.0  # lines stop short of the arrow tip so it stays sharp


_shared_fonts: dict[tuple[str, int, bool, bool], tuple[QFont, QFontMetricsF]] = {}
_shared_fonts_app: list[weakref.ref | None] = [None]  # the application the fonts belong to


def shared_font(pixel_size: int, bold: bool = False, italic: bool = False) -> tuple[QFont, QFontMetricsF]:
    """The drawing's font in one style and its metrics, made once and shared by every label.

    A 1,000-node graph has about 8,000 labels: a font and metrics object each made building its
    scene measurably slower (more objects for Python's garbage collector to scan).
    """
    app = QCoreApplication.instance()
    remembered = _shared_fonts_app[0]
    if remembered is None or remembered() is not app:  # a new application: fonts start afresh
        _shared_fonts.clear()
        _shared_fonts_app[0] = weakref.ref(app) if app is not None else None
    key = (theme.FONT_FAMILY, pixel_size, bold, italic)
    if key not in _shared_fonts:
        font = theme.font(pixel_size, bold)
        if italic:
            font.setItalic(True)
        _shared_fonts[key] = (font, QFontMetricsF(font))
    return _shared_fonts[key]


def text_width(text: str, pixel_size: int, bold: bool = False) -> float:
    """Width in scene pixels of text as drawn (with typographic minus signs)."""
    return shared_font(pixel_size, bold)[1].horizontalAdvance(theme.typeset(text))


def text_height(pixel_size: int, bold: bool = False) -> float:
    """Line height in scene pixels of the drawing's font at a pixel size."""
    return shared_font(pixel_size, bold)[1].height()


@dataclass(frozen=True)
class NodeShape:
    """A node's outline in its own coordinates: the origin is the left end of its middle line."""

    kind: str  # "input" | "const" | "op"
    box: QRectF  # the name box: "x = 3", "2", or an operation's result "u = w·x"
    op: QRectF | None = None  # an operation's circle (a stadium when the symbol is wide)
    extent: QRectF | None = None  # everything including value and gradient labels
    tag: QRectF | None = None  # where the text of the "output" tag goes, when the node has one

    @property
    def outline(self) -> QRectF:
        """Box and circle together, without labels."""
        return self.box.united(self.op) if self.op is not None else QRectF(self.box)

    def out_port(self) -> QPointF:
        """Where edges leave the node: the middle of its box's right side."""
        return QPointF(self.box.right(), 0.0)

    def in_port(self, operand: int, count: int) -> tuple[QPointF, QPointF]:
        """Where operand `operand` of `count` enters, and the inward direction there."""
        rect = self.op if self.op is not None else self.box
        if count <= 1 or self.op is None:
            return QPointF(rect.left(), 0.0), QPointF(1.0, 0.0)
        radius = rect.height() / 2
        spread = PORT_ANGLE if count == 2 else math.radians(60)
        angle = spread * (1 - 2 * operand / (count - 1))  # first operand on top
        direction = QPointF(math.cos(angle), math.sin(angle))
        return QPointF(rect.left() + radius - radius * direction.x(), -radius * direction.y()), direction


@dataclass(frozen=True)
class LabelSpot:
    """Where a label goes: a point and which side of the label touches it."""

    point: QPointF
    vertical: str  # "top" | "bottom": the label's top or bottom edge is at the point


@dataclass(frozen=True)
class EdgeRoute:
    """An edge's forward path in scene coordinates and the spots for its labels."""

    path: QPainterPath  # source → just before the arrow tip
    tip: QPointF
    direction: QPointF  # unit vector of travel at the tip
    side: int  # -1: the backward arrow runs above the edge, +1: below
    local_spot: LabelSpot  # the local derivative, on the inner side of the lane
    flow_spot: LabelSpot  # the gradient flowing back, beyond the backward arrow


@dataclass(frozen=True)
class NodeTexts:
    """The longest texts a node will show, to size it."""

    box: str
    box_minimum: str = ""  # the box is at least as wide as this text
    symbol: str = ""
    value: str = ""
    gradients: tuple[str, ...] = ()  # the finished gradient and any partial sum on the way
    tag: str = ""  # "output"


@dataclass(frozen=True)
class SceneGeometry:
    """Every node's shape and position and every edge's route."""

    shapes: dict[int, NodeShape]
    origins: dict[int, QPointF]
    routes: dict[Edge, EdgeRoute]


def node_shape(kind: str, texts: NodeTexts) -> NodeShape:
    """Measure a node: its boxes fit their text, its extent also fits its value and gradient."""
    pad = theme.BOX_PADDING_X
    if kind == "op":
        symbol_width = text_width(texts.symbol, theme.NODE_TEXT_PX)
        diameter = 2 * theme.OP_RADIUS
        op = QRectF(0.0, -theme.OP_RADIUS, max(diameter, symbol_width + 22.0), diameter)
        box_left = op.right() + theme.CONNECTOR
        box = QRectF(box_left, -theme.BOX_HEIGHT / 2,
                     text_width(texts.box, theme.NODE_TEXT_PX) + 2 * pad, theme.BOX_HEIGHT)
    else:
        op = None
        height = theme.BOX_HEIGHT if kind == "input" else theme.CONST_HEIGHT
        text = max(text_width(texts.box, theme.NODE_TEXT_PX), text_width(texts.box_minimum, theme.NODE_TEXT_PX))
        width = max(text + 2 * pad, height)
        box = QRectF(0.0, -height / 2, width, height)
    outline = box.united(op) if op is not None else QRectF(box)
    extent = QRectF(outline)
    centre = box.center().x()
    labels = [(texts.value, theme.VALUE_TEXT_PX, True, True)]
    labels += [(text, theme.GRAD_TEXT_PX, False, False) for text in texts.gradients]
    for text, size, bold, above in labels:
        if not text:
            continue
        width, height = text_width(text, size, bold), text_height(size, bold)
        top = box.top() - theme.LABEL_GAP - height if above else box.bottom() + theme.LABEL_GAP
        extent = extent.united(QRectF(centre - width / 2, top, width, height))
    tag = None
    if texts.tag:
        tag = tag_rect(box, texts.tag, text_width(texts.value, theme.VALUE_TEXT_PX, True) if texts.value else 0.0)
        extent = extent.united(tag.adjusted(-TAG_PAD, -TAG_PAD, TAG_PAD, TAG_PAD))
    return NodeShape(kind, box, op, extent, tag)


def tag_rect(box: QRectF, tag: str, value_width: float) -> QRectF:
    """Where the text of the "output" tag goes: above the box, just left of its value ("output 7").

    Right of the box it made the drawing wider by its own width, and the output is often the
    rightmost node: the lecture figure fits a projector at a larger zoom without it there.
    """
    height = text_height(theme.TAG_TEXT_PX, True)
    width = text_width(tag, theme.TAG_TEXT_PX, True)
    right = box.center().x() - value_width / 2 - theme.LABEL_GAP - TAG_PAD
    bottom = box.top() - theme.LABEL_GAP - TAG_PAD
    return QRectF(right - width, bottom - height, width, height)


def lane_offset() -> float:
    """How far above and below its centre a binary operation's operand lanes run.

    Far enough that the two local-derivative labels between the lanes do not touch.
    """
    return LABEL_SPACE + text_height(theme.EDGE_TEXT_PX) + 6.0


def row_pitch() -> float:
    """Vertical distance between two node slots of core.engine.layout, in scene pixels."""
    node_half = theme.BOX_HEIGHT / 2 + theme.LABEL_GAP + max(
        text_height(theme.VALUE_TEXT_PX, True), text_height(theme.GRAD_TEXT_PX))
    lane_half = lane_offset() + ARC_OFFSET + LABEL_SPACE + text_height(theme.EDGE_TEXT_PX)
    return 2 * max(node_half, lane_half) + ROW_MARGIN


def scene_geometry(
    cg: ComputationGraph,
    layout: Layout,
    node_texts: dict[int, NodeTexts],
    edge_label_widths: dict[Edge, float],
    shapes: dict[int, NodeShape] | None = None,
) -> SceneGeometry:
    """Scale the abstract layout to pixels: columns as wide as their nodes, gaps as their labels.

    `shapes` are the nodes' node_shape when already measured (a background build measures them
    a few at a time).
    """
    return deque(scene_geometry_steps(cg, layout, node_texts, edge_label_widths, shapes), maxlen=1)[0]


def scene_geometry_steps(
    cg: ComputationGraph,
    layout: Layout,
    node_texts: dict[int, NodeTexts],
    edge_label_widths: dict[Edge, float],
    shapes: dict[int, NodeShape] | None = None,
) -> Iterator[SceneGeometry | None]:
    """scene_geometry a piece at a time, for a build in slices: None after each edge routed (and
    twice before), then the SceneGeometry. Routing 10,000 edges in one go held the window ~0.5 s."""
    layer_of = {n: int(round(x)) for n, (x, _) in layout.positions.items()}
    pitch = row_pitch()
    if shapes is None:
        shapes = {n: node_shape(cg.node(n)["kind"], node_texts[n]) for n in cg.nodes}
    layers = layout.layers
    row_of = layout.row
    column_width = [0.0] * layers
    column_left_pad = [0.0] * layers  # labels may reach left of a node's origin
    first_row_pad = 0.0  # ... in the first column of the first row, where no edge comes back round
    for n, shape in shapes.items():
        column_width[layer_of[n]] = max(column_width[layer_of[n]], shape.extent.right())
        if layer_of[n] == 0 and row_of(n) == 0 and layout.rows > 1:
            first_row_pad = max(first_row_pad, -shape.extent.left())
        else:
            column_left_pad[layer_of[n]] = max(column_left_pad[layer_of[n]], -shape.extent.left())
    lane_width = [0.0] * layers
    for edge, width in edge_label_widths.items():
        target_layer = layer_of[edge[1]]
        lane_width[target_layer] = max(lane_width[target_layer], width)
    crossing = {e for e in cg.graph.edges(keys=True) if row_of(e[0]) != row_of(e[1])}  # wrapped rows
    spline_zone = [LEVEL_ZONE] * layers  # indexed by the layer the gap leads into
    for edge in cg.graph.edges(keys=True):
        if edge in crossing:
            continue
        ys = [layout.positions[edge[0]][1], *(y for _, y in layout.bends[edge]), layout.positions[edge[1]][1]]
        start = layer_of[edge[0]]
        into_lane = lane_offset() if len(cg.in_edges(edge[1])) > 1 else 0.0  # the last step moves to its lane
        for step, (y0, y1) in enumerate(zip(ys, ys[1:])):
            shift = abs(y1 - y0) * pitch + (into_lane if step == len(ys) - 2 else 0.0)
            wanted = 0.0 if shift < 0.5 else max(SPLINE_ZONE_MIN, 30.0 + SPLINE_ZONE_PER_HEIGHT * shift)
            gap = start + step + 1
            if 0 < gap < layers:  # core.engine.layout can put an output that others use in their layer
                spline_zone[gap] = min(SPLINE_ZONE_MAX, max(spline_zone[gap], wanted))
    lane_px = [math.ceil((width + 2 * LANE_PADDING) / LANE_QUANTUM) * LANE_QUANTUM for width in lane_width]
    # A wrapped drawing's rows start with an edge coming back round: room for its lane first.
    # The first row has no such edge: its input's labels may reach into that room instead.
    lead = SPLINE_ZONE_MIN + lane_px[0] + CONVERGE_ZONE if layout.rows > 1 else 0.0
    column_left = [max(column_left_pad[0] + lead, first_row_pad)]
    for layer in range(1, layers):
        gap = spline_zone[layer] + lane_px[layer] + CONVERGE_ZONE + column_left_pad[layer]
        column_left.append(column_left[-1] + column_width[layer - 1] + gap)
    column_right = [left + width for left, width in zip(column_left, column_width)]
    origins = {n: QPointF(column_left[layer_of[n]], y * pitch) for n, (_, y) in layout.positions.items()}
    bends = {e: [(int(round(x)), y * pitch) for x, y in points] for e, points in layout.bends.items()}
    lanes = _lanes(cg, origins, bends)
    yield None
    starts = _start_offsets(cg, shapes, lanes, bends)
    yield None
    columns = (column_left, column_right, column_left_pad)
    gutters = _gutters(cg, layout, shapes, origins) if crossing else []
    routes = {}
    for edge, lane_y in lanes.items():
        if edge in crossing:
            # The line and its backward arrow (below a line going left, for side -1) share the band.
            gutter = gutters[row_of(edge[1]) - 1] + _side(lane_y) * ARC_OFFSET / 2
            routes[edge] = _return_route(edge, lane_y, starts[edge], shapes, origins, layer_of, columns, lane_px,
                                         gutter)
        else:
            routes[edge] = _route(edge, lane_y, starts[edge], shapes, origins, layer_of, bends[edge], columns,
                                  spline_zone)
        yield None
    yield SceneGeometry(shapes, origins, routes)


def _lanes(cg: ComputationGraph, origins, bends) -> dict[Edge, tuple[float, int, int]]:
    """For each edge: the height of its lane, and its place among its target's operand lanes.

    The lanes of an operation are ordered by where their edges come from, top to bottom, so
    edges into one circle never cross; ties (x*x) keep operand order.
    """
    lanes = {}
    offset = lane_offset()
    for target in cg.nodes:
        in_edges = cg.in_edges(target)
        count = len(in_edges)
        arriving = sorted(in_edges, key=lambda e: bends[e][-1][1] if bends[e] else origins[e[0]].y())
        for index, edge in enumerate(arriving):
            shift = 0.0 if count == 1 else offset * (2 * index / (count - 1) - 1)
            lanes[edge] = (origins[target].y() + shift, index, count)
    return lanes


def _start_offsets(cg: ComputationGraph, shapes, lanes, bends) -> dict[Edge, float]:
    """Where each edge leaves its source: out-edges fan out down the box side in the order they go."""
    starts = {}
    for source in cg.nodes:
        out_edges = cg.out_edges(source)
        if not out_edges:
            continue
        leaving = sorted(out_edges, key=lambda e: (bends[e][0][1] if bends[e] else lanes[e][0], lanes[e][1]))
        count = len(leaving)
        spacing = min(OUT_PORT_SPACING, shapes[source].box.height() * 0.7 / max(count - 1, 1))
        for index, edge in enumerate(leaving):
            starts[edge] = (index - (count - 1) / 2) * spacing
    return starts


def _route(edge, lane, start_offset, shapes, origins, layer_of, bends, columns, spline_zone):
    column_left, column_right, column_left_pad = columns
    source, target, _ = edge
    lane_y = lane[0]
    start, port, inward, side = _ends(edge, lane, start_offset, shapes, origins)
    path = QPainterPath(start)
    x, y = column_right[layer_of[source]], start.y()
    path.lineTo(x, y)
    for layer, bend_y in bends:
        _s_curve(path, x, y, x + spline_zone[layer], bend_y)
        x, y = column_right[layer], bend_y
        path.lineTo(x, y)
    target_layer = layer_of[target]
    lane_start = column_right[target_layer - 1] + spline_zone[target_layer]  # long edges without bends too
    _s_curve(path, x, y, lane_start, lane_y)
    lane_end = column_left[target_layer] - column_left_pad[target_layer] - CONVERGE_ZONE
    return _into_port(path, port, inward, side, lane_y, lane_start, lane_end)


def _ends(edge, lane, start_offset, shapes, origins) -> tuple[QPointF, QPointF, QPointF, int]:
    """Where an edge starts, the port it ends at, the inward direction there, and its backward side."""
    source, target, _ = edge
    _, index, count = lane
    start = origins[source] + shapes[source].out_port() + QPointF(0.0, start_offset)
    port, inward = shapes[target].in_port(index, count)
    return start, origins[target] + port, inward, _side(lane)


def _side(lane: tuple[float, int, int]) -> int:
    """Which side of an edge in this lane its backward arrow runs: -1 above (going right), +1 below."""
    _, index, count = lane
    return -1 if count == 1 or index < (count - 1) / 2 else 1


def _gutters(cg: ComputationGraph, layout: Layout, shapes, origins) -> list[float]:
    """The middle of the free band between each row of a wrapped drawing and the next, in pixels.

    Measured from what the rows hold (labels above and below their nodes, the lanes of their
    operations), so an edge going back round passes clear of both rows however their labels differ.
    """
    lane_half = lane_offset() + ARC_OFFSET + LABEL_SPACE + text_height(theme.EDGE_TEXT_PX)
    top = [math.inf] * layout.rows
    bottom = [-math.inf] * layout.rows
    for n, shape in shapes.items():
        y, row = origins[n].y(), layout.row(n)
        reach = lane_half if len(cg.in_edges(n)) > 1 else 0.0
        top[row] = min(top[row], y + min(shape.extent.top(), -reach))
        bottom[row] = max(bottom[row], y + max(shape.extent.bottom(), reach))
    return [(bottom[row] + top[row + 1]) / 2 for row in range(layout.rows - 1)]


def _into_port(path, port, inward, side, lane_y, lane_start, lane_end) -> EdgeRoute:
    """Run along the lane, curve into the port, and place the labels beside the lane."""
    path.lineTo(lane_end, lane_y)
    end = port - inward * TIP_INSET
    reach = (end.x() - lane_end) * 0.55
    path.cubicTo(QPointF(lane_end + reach, lane_y), end - inward * reach, end)
    middle = (lane_start + lane_end) / 2
    inner = LabelSpot(QPointF(middle, lane_y - side * LABEL_SPACE), "bottom" if side > 0 else "top")
    outer_y = lane_y + side * (ARC_OFFSET + theme.BACKWARD_WIDTH / 2 + LABEL_SPACE)
    outer = LabelSpot(QPointF(middle, outer_y), "top" if side > 0 else "bottom")
    return EdgeRoute(path, port, inward, side, inner, outer)


def _return_route(edge, lane, start_offset, shapes, origins, layer_of, columns, lane_px, gutter):
    """An edge into a later row of a wrapped drawing: right, down to the gutter, back left, into its lane."""
    column_left, column_right, column_left_pad = columns
    source, target, _ = edge
    lane_y = lane[0]
    start, port, inward, side = _ends(edge, lane, start_offset, shapes, origins)
    target_layer = layer_of[target]
    lane_end = column_left[target_layer] - column_left_pad[target_layer] - CONVERGE_ZONE
    lane_start = lane_end - lane_px[target_layer]
    right = column_right[layer_of[source]] + SPLINE_ZONE_MIN / 2
    left = lane_start - SPLINE_ZONE_MIN / 2
    radius = min(RETURN_RADIUS, (gutter - start.y()) / 2, (lane_y - gutter) / 2)
    path = QPainterPath(start)
    corners = [QPointF(right, start.y()), QPointF(right, gutter), QPointF(left, gutter), QPointF(left, lane_y)]
    points = [start, *corners, QPointF(lane_end, lane_y)]
    for before, corner, after in zip(points, points[1:], points[2:]):
        path.lineTo(_toward(corner, before, radius))
        path.quadTo(corner, _toward(corner, after, radius))
    return _into_port(path, port, inward, side, lane_y, lane_start, lane_end)


def _toward(corner: QPointF, other: QPointF, distance: float) -> QPointF:
    """The point `distance` from `corner` on the way to `other`."""
    dx, dy = other.x() - corner.x(), other.y() - corner.y()
    length = math.hypot(dx, dy) or 1.0
    distance = min(distance, length / 2)
    return QPointF(corner.x() + dx / length * distance, corner.y() + dy / length * distance)


def _s_curve(path: QPainterPath, x0: float, y0: float, x1: float, y1: float) -> None:
    """A level-in, level-out curve from (x0, y0) to (x1, y1)."""
    if abs(y1 - y0) < 0.5:
        path.lineTo(x1, y1)
        return
    half = (x1 - x0) / 2
    path.cubicTo(QPointF(x0 + half, y0), QPointF(x1 - half, y1), QPointF(x1, y1))


def backward_route(route: EdgeRoute) -> tuple[QPainterPath, QPointF, QPointF]:
    """The backward arrow beside an edge: target → source, tucked in at both ends.

    Returns the path (ending short of the tip), the tip at the source, and the unit direction of
    travel at the tip.
    """
    full = QPainterPath(route.path)
    full.lineTo(route.tip)
    # Points are (x, y) floats, not QPointF: a big graph has thousands of arrows, and a Python
    # object per point made the first paint of 1,000 nodes twice as slow (benchmarks/bench_graph.py).
    points = _resampled_ends(
        [(p.x(), p.y()) for polygon in full.toSubpathPolygons() for p in polygon], ARC_SAMPLE, ARC_RAMP
    )
    lengths = _lengths(points)
    total = lengths[-1]
    last = len(points) - 1
    offset_points = []
    for index, (x, y) in enumerate(points):
        before = points[max(index - 1, 0)]
        after = points[min(index + 1, last)]
        dx, dy = after[0] - before[0], after[1] - before[1]
        norm = math.hypot(dx, dy) or 1.0
        normal_x, normal_y = -dy / norm, dx / norm  # points "down" for a left-to-right edge
        distance = min(lengths[index], total - lengths[index])
        offset = ARC_END_OFFSET + (ARC_OFFSET - ARC_END_OFFSET) * _smoothstep(distance / ARC_RAMP)
        shift = route.side * offset
        offset_points.append((x + normal_x * shift, y + normal_y * shift))
    offset_points.reverse()
    tip = offset_points[-1]
    back = _point_at_distance_from_end(offset_points, TIP_INSET)
    dx, dy = tip[0] - back[0], tip[1] - back[1]
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    end = (tip[0] - dx * TIP_INSET, tip[1] - dy * TIP_INSET)
    while len(offset_points) > 2 and _distance(offset_points[-2], tip) <= TIP_INSET:
        offset_points.pop()
    offset_points[-1] = end
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in offset_points]))
    return path, QPointF(*tip), QPointF(dx, dy)


Point = tuple[float, float]


def _lengths(points: list[Point]) -> list[float]:
    """Distance along the polyline from its first point to each point."""
    lengths = [0.0]
    for a, b in zip(points, points[1:]):
        lengths.append(lengths[-1] + _distance(a, b))
    return lengths


def _resampled_ends(points: list[Point], spacing: float, reach: float) -> list[Point]:
    """The polyline through `points`, with points at most `spacing` apart within `reach` of its ends.

    Only the ends need them (that is where the backward arrow bends away from its edge); a long
    edge across a big graph would otherwise cost tens of thousands of points.
    """
    lengths = _lengths(points)
    total = lengths[-1]
    result = [points[0]]
    for index, (x, y) in enumerate(points[1:], start=1):
        (start_x, start_y), begin, end = points[index - 1], lengths[index - 1], lengths[index]
        if end - begin < 0.01:
            continue
        at = begin
        while at < end - 0.01:
            fine = at < reach or at >= total - reach - 0.01
            at = min(end, at + spacing if fine else max(total - reach, at + spacing))
            t = (at - begin) / (end - begin)
            result.append((start_x + (x - start_x) * t, start_y + (y - start_y) * t))
    return result


def _smoothstep(t: float) -> float:
    t = max(0.0, min(1.0, t))
    return t * t * (3 - 2 * t)


def _distance(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _point_at_distance_from_end(points: list[Point], distance: float) -> Point:
    tip = points[-1]
    for point in reversed(points[:-1]):
        if _distance(point, tip) >= distance:
            return point
    return points[0]
