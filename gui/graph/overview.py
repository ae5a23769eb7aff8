"""GraphOverview: a small map of the whole drawing in a corner of the view, with where you are.

Shown only when the drawing is larger than the window at a readable zoom. The drawing is rendered
into a pixmap once per frame drawn (not per scroll), as marks alone when it is too small to show
more, and the visible part is a rectangle on top;
a click or drag on the map moves the view there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsScene, QWidget

from gui import theme
from gui.graph.items import EdgeItem, NodeItem

OVERVIEW_WIDTH = 240  # screen pixels, at most; the height follows the drawing's shape
OVERVIEW_HEIGHT = 160
FRAME_WIDTH = 3  # the frame of what is on screen, in map pixels
NODE_MARK = 3  # map pixels: a node drawn smaller than this gets a solid mark this size, in ink
EDGE_MARK = 1.5  # device pixels: every edge is traced over the map this wide (to scale it all but vanishes)
DETAIL_SCALE = 0.05  # map pixels per scene pixel: below this a 20 px label is a pixel tall (marks only)


class GraphOverview(QWidget):
    """The whole drawing, small, with a rectangle where the view is."""

    jump_requested = Signal(QPointF)  # scene point the user clicked on the map: centre the view there

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("graphOverview")
        self.setAccessibleName("Overview of the whole graph")
        self.setToolTip("The whole graph: the frame shows what is on screen; click to go there")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._pixmap = QPixmap()
        self._marks: tuple | None = None  # what a map of marks alone was drawn from (it is reused)
        self._source = QRectF()  # the scene rectangle the pixmap shows
        self._visible = QRectF()  # the scene rectangle on screen

    def render_scene(self, scene: QGraphicsScene, source: QRectF, nodes: Collection[NodeItem],
                     edges: Collection[EdgeItem]) -> None:
        """Draw `source` of `scene`, whose graph is `nodes` and `edges`, into the map (once per frame shown).

        A drawing needs a map only when it is much larger than the window, so its map is usually
        so small that a label would be a pixel tall: below DETAIL_SCALE the map is the marks
        alone (every edge traced, every node marked). Rendering every item of the scene there
        took 130 ms at 1,000 nodes and showed nothing the marks do not.
        """
        if source.isEmpty():
            return
        scale = min(OVERVIEW_WIDTH / source.width(), OVERVIEW_HEIGHT / source.height())
        marks = (id(scene), source.getRect(), len(nodes), len(edges), theme.BACKGROUND.name(), theme.INK.name())
        if scale < DETAIL_SCALE and marks == self._marks:
            return  # marks do not change with the step shown: 270 ms a step at 5,000 nodes
        self._marks = marks if scale < DETAIL_SCALE else None
        size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
        pixmap = QPixmap(size)
        pixmap.fill(theme.BACKGROUND)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if scale >= DETAIL_SCALE:
            scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
        _mark_edges(painter, edges, source, scale)
        _mark_nodes(painter, nodes, source, scale)
        painter.end()
        self._pixmap, self._source = pixmap, QRectF(source)
        self.setFixedSize(size + QSize(4, 4))
        self.update()

    def detailed(self) -> bool:
        """Whether the map shows the drawing itself (True) or only its marks (a big drawing's map)."""
        return not self._source.isEmpty() and self.scale() >= DETAIL_SCALE

    def show_visible(self, rect: QRectF) -> None:
        """Frame `rect` (scene coordinates), the part of the drawing on screen."""
        if rect != self._visible:
            self._visible = QRectF(rect)
            self.update()

    def map_image(self) -> QImage:
        """The map as drawn (without its frame), for tests and screenshots."""
        return self._pixmap.toImage()

    def to_map(self, point: QPointF) -> QPointF:
        """Where scene point `point` is on the map image."""
        return (point - self._source.topLeft()) * self.scale()

    def scale(self) -> float:
        """Map pixels per scene pixel."""
        return self._pixmap.width() / self._source.width() if not self._source.isEmpty() else 1.0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.INK)
        painter.drawPixmap(2, 2, self._pixmap)
        if not self._source.isEmpty():
            scale = self.scale()
            frame = self._visible.intersected(self._source).translated(-self._source.topLeft())
            frame = QRectF(frame.x() * scale + 2, frame.y() * scale + 2, frame.width() * scale, frame.height() * scale)
            painter.setPen(QPen(frame_colour(theme.BACKGROUND), FRAME_WIDTH))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(frame)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self._jump(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event)

    def _jump(self, event: QMouseEvent) -> None:
        event.accept()
        if self._source.isEmpty():
            return
        scale = self.scale()
        point = event.position() - QPointF(2, 2)
        self.jump_requested.emit(self._source.topLeft() + QPointF(point.x() / scale, point.y() / scale))


def frame_colour(background: QColor) -> QColor:
    """The visible-part frame: the selection colour, shaded to 3:1 or more on the drawing's background."""
    return QColor(theme.readable(theme.SELECTION.name(), QColor(background).name(), theme.MIN_GRAPHIC_CONTRAST))


def edge_mark_colour(background: QColor) -> QColor:
    """The colour edges are traced in on the map: the muted edge grey, shaded to 3:1 or more on the background."""
    return QColor(theme.readable(theme.MUTED.name(), QColor(background).name(), theme.MIN_GRAPHIC_CONTRAST))


def _mark_edges(painter: QPainter, edges: Iterable[EdgeItem], source: QRectF, scale: float) -> None:
    """Trace every edge with a cosmetic pen EDGE_MARK device pixels wide, 3:1 or more on the background.

    Drawn to scale, an edge of a big graph is a twentieth of a pixel wide: the map showed loose dots.
    """
    pen = QPen(edge_mark_colour(theme.BACKGROUND), EDGE_MARK)
    pen.setCosmetic(True)  # the width is in device pixels, whatever the map's scale
    painter.save()
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.scale(scale, scale)
    painter.translate(-source.topLeft())
    for item in edges:
        route = item.route()
        if route is not None:
            painter.drawPath(route.path)
            painter.drawLine(route.path.currentPosition(), route.tip)
    painter.restore()


def _mark_nodes(painter: QPainter, nodes: Iterable[NodeItem], source: QRectF, scale: float) -> None:
    """Draw every node at least NODE_MARK pixels wide and outlined in ink (3:1 and more on the background).

    Drawn to scale, a big graph's outlines are a fraction of a pixel and all but vanish.
    """
    painter.setPen(QPen(theme.INK, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for item in nodes:
        outline = item.outline()
        rect = QRectF((outline.topLeft() - source.topLeft()) * scale, outline.size() * scale)
        if rect.width() < NODE_MARK or rect.height() < NODE_MARK:
            centre = rect.center()
            rect = QRectF(0, 0, max(rect.width(), NODE_MARK), max(rect.height(), NODE_MARK))
            rect.moveCenter(centre)
            painter.fillRect(rect, theme.INK)
        else:
            painter.drawRect(rect)
