"""GraphView: the computation graph drawn like a lecture slide, restyled step by step.

The view only draws the core.engine.model.Frame it is handed: a graph, its layout, the state to
show and the words to say (core.engine.graph_text's, core.trace.tensor_text's, or a quiz's
core.teach.quiz_text.MaskedWords). Items are created once per graph structure (node id ->
NodeItem, edge -> EdgeItem) and then only relabelled and restyled; the drawing is measured with
the unmasked words, so hiding a number never moves anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEasingCurve, QPoint, QPointF, QRectF, QSize, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QResizeEvent, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QFrame, QGraphicsItem, QGraphicsScene, QGraphicsSceneHelpEvent, QGraphicsView, QProgressBar, QWidget,
)

from core.engine.graph import GraphBase
from core.engine.graph_text import Words
from core.files import atomic_write_bytes
from core.engine.layout import Layout
from core.engine.model import Frame, collector_paused
from core.engine.steps import State, start_state
from core.trace.graph import TensorGraph
from core.engine import graph_text
from core.trace import tensor_text
from gui import theme
from gui.graph.geometry import LabelSpot, NodeTexts, node_shape, scene_geometry_steps, text_height, text_width
from gui.graph.items import HALO_PAD, EdgeItem, NodeItem, TextLabel
from gui.graph.overview import GraphOverview
from gui.widgets.raster import capped_size, memory_device, png_bytes
from gui.widgets.svg import begin_svg

Edge = tuple[int, int, int]
ZOOM_STEP = 1.2
MIN_ZOOM, MAX_ZOOM = 0.03, 8.0
MAX_FIT_ZOOM = 1.5  # a two-node graph should not fill a projector screen with one box
FIT_MARGIN = 30.0  # scene pixels around the drawing when fitting and exporting
READABLE_PX = 16  # fitting never shrinks the drawing's smallest text below this many screen pixels
FOLLOW_MS = 350  # the view glides to the active step in this long
FOLLOW_MARGIN = 40.0  # screen pixels: the active step counts as in view this far inside the edges
OVERVIEW_INSET = 10  # screen pixels between the overview map and the view's corner
BACKGROUND_ITEMS = 600  # a new graph with more nodes + edges than this is built in slices, the old one shown
BUILD_SLICE_S = 0.02  # ... for this long per event-loop turn (CPU work between two events)
PAGE_KEYS = {  # the graph page steps through the schedule with these: never consume them here
    Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
    Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End,
}


def _label_rect(spot: LabelSpot, width: float, height: float) -> QRectF:
    """Where a label of this size goes at a spot (centred horizontally, like TextLabel.place_at)."""
    top = spot.point.y() - (height if spot.vertical == "bottom" else 0.0)
    rect = QRectF(spot.point.x() - width / 2, top, width, height)
    return rect.adjusted(-HALO_PAD, -HALO_PAD, HALO_PAD, HALO_PAD)  # as TextLabel.boundingRect


def words_for(graph: GraphBase) -> Words:
    """The plain words of a graph: core.trace.tensor_text's for a traced TensorGraph, else core.engine.graph_text's."""
    return tensor_text.WORDS if isinstance(graph, TensorGraph) else graph_text.WORDS


def graph_structure(graph: GraphBase) -> tuple:
    """What decides which items exist: nodes with their kind, label, op and name, and the edges."""
    nodes = tuple(
        (n, data["kind"], data["label"], data["op"], data["name"], data["symbol"], data["expr"])
        for n, data in graph.graph.nodes(data=True)
    )
    edges = tuple(sorted((u, v, k, data["operand"]) for u, v, k, data in graph.graph.edges(keys=True, data=True)))
    return nodes, edges, graph.output


class _GraphScene(QGraphicsScene):
    """The drawing's scene: tooltips are built when the mouse rests on an item, not at every step."""

    def __init__(self, owners_at: Callable[[QPointF], list], parent: QWidget):
        super().__init__(parent)
        self._owners_at = owners_at  # scene point -> the nodes and edges there
        self.setBackgroundBrush(theme.BACKGROUND)
        # No BSP index: labels change size at every step, and the whole graph is usually in view.
        # Building the index made the first paint of 1,000 nodes grow faster than linearly.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        # A scene rect from the start: without one the scene measures all its items again at every
        # event-loop turn to grow it, which made a build in slices quadratic. The view sets it.
        self.setSceneRect(QRectF(0, 0, 1, 1))

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 (Qt's name)
        for owner in self._owners_at(event.scenePos()):
            owner.ensure_tooltip()
        super().helpEvent(event)


class GraphView(QGraphicsView):
    """Draws one Frame: a graph and, at the state it is handed, its values and gradients."""

    node_selected = Signal(int)  # node id clicked
    edge_selected = Signal(object)  # (source, target, key) clicked
    build_progress = Signal(int, int)  # (done, total) pieces of a big graph built in the background; equal when shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("graphView")
        self.setAccessibleName("Computation graph")
        self.setAccessibleDescription(
            "The formula as a graph: inputs on the left, the output on the right, forward values "
            "in blue and gradients in orange. Plus and minus zoom, 0 fits the graph to the window."
        )
        self._d = _Drawing(_GraphScene(self._owners_at, self))  # the drawing on screen
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # No scroll bars: the overview map, dragging and the wheel move around a big drawing, and
        # bars that come and go would resize the viewport and make the fit jump.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._frame: Frame | None = None  # what is drawn
        self._build: _Build | None = None  # a big graph being built in the background
        self._map_later = False  # while a built drawing is put on screen: the map renders in a later turn
        self._background_items = BACKGROUND_ITEMS
        self._build_timer = QTimer(self)  # one slice of the build per event-loop turn
        self._build_timer.setObjectName("graphBuildTimer")
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_slice)
        self._progress = QProgressBar(self)
        self._progress.setObjectName("graphBuildProgress")
        self._progress.setAccessibleName("Drawing the graph")
        self._progress.setFormat("Drawing the graph… %p%")
        self._progress.hide()
        self._auto_fit = True  # follow the window size until the user zooms or pans
        self._click_handled = False  # a press on an item was handled here: so is its release
        self._drawn_rect: QRectF | None = None  # drawing_rect, measured once per change of the items
        self._readable_px = READABLE_PX  # presentation mode asks for more
        self._following = True  # glide to the active step when it is off screen
        self._glide = QVariantAnimation(self)
        self._glide.setDuration(FOLLOW_MS)
        self._glide.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self._glide.valueChanged.connect(lambda point: self.centerOn(point))
        self.overview = GraphOverview(self)
        self.overview.hide()
        self.overview.jump_requested.connect(self._jump_to)
        self._overview_timer = QTimer(self)  # one map render per burst of frames, not per frame
        self._overview_timer.setObjectName("overviewTimer")
        self._overview_timer.setSingleShot(True)
        self._overview_timer.setInterval(0)
        self._overview_timer.timeout.connect(self._render_overview)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self._show_view_on_overview)

    # ----------------------------------------------------------------- drawing a frame

    @property
    def _scene(self) -> QGraphicsScene:
        return self._d.scene

    @property
    def _node_items(self) -> dict[int, NodeItem]:
        return self._d.node_items

    @property
    def _edge_items(self) -> dict[Edge, EdgeItem]:
        return self._d.edge_items

    @property
    def _edge_of_part(self) -> dict[int, EdgeItem]:
        return self._d.edge_of_part

    @property
    def _reserved(self) -> QRectF:
        return self._d.reserved

    def frame(self) -> Frame | None:
        """The frame drawn, or None."""
        return self._frame

    def graph(self) -> GraphBase | None:
        """The graph shown, or None."""
        return self._frame.graph if self._frame is not None else None

    def state(self) -> State | None:
        """The state shown, or None."""
        return self._frame.state if self._frame is not None else None

    def node_items(self) -> dict[int, NodeItem]:
        """Node id -> its item (a copy of the mapping; the items themselves are live)."""
        return dict(self._node_items)

    def edge_items(self) -> dict[Edge, EdgeItem]:
        """Edge (source, target, key) -> its item."""
        return dict(self._edge_items)

    def restyle(self) -> None:
        """Take up gui.theme's current look and sizes: every item is rebuilt and the frame redrawn."""
        self._scene.setBackgroundBrush(theme.BACKGROUND)
        self._d.structure = self._d.sized_for = None
        frame = self._build.frame if self._build is not None else self._frame
        self._cancel_build()
        if frame is not None:
            self.draw(frame)

    def set_background_items(self, count: int) -> None:
        """Build graphs with more than `count` nodes and edges in the background (tests lower it)."""
        self._background_items = count

    def building(self) -> bool:
        """Whether a big graph is being built in the background (the previous one still shown)."""
        return self._build is not None

    @collector_paused()  # thousands of items and labels: see collector_paused
    def draw(self, frame: Frame) -> None:
        """Draw `frame`; items are kept while the graph's structure stays, and only relabelled.

        A new graph bigger than the background threshold is built in slices between events while
        the previous drawing stays on screen (build_progress tells how far); frames handed in
        meanwhile wait, and the latest is shown when it is done. Another graph cancels the build.
        """
        structure = graph_structure(frame.graph)
        if self._build is not None:
            if self._build.drawing.structure == structure:
                self._build.frame = frame  # shown when the build is done
                return
            self._cancel_build()
        rebuilt = structure != self._d.structure
        if rebuilt and frame.graph.graph.number_of_nodes() + frame.graph.graph.number_of_edges() > self._background_items:
            self._start_build(frame, structure)
            return
        drawing = self._d
        if rebuilt:
            self._scene.clearSelection()
            self._scene.clear()
            drawing = _Drawing(self._scene, structure)
        for _ in _build_steps(drawing, frame):
            pass
        self._show(drawing, frame, rebuilt)

    def _show(self, drawing: _Drawing, frame: Frame, rebuilt: bool, map_later: bool = False) -> None:
        """Put a drawing built for `frame` on screen, and fit or follow as the user left it.

        `map_later`: render the overview map in an event-loop turn of its own (after a background build).
        """
        self._map_later = map_later
        self._d = drawing
        if self.scene() is not drawing.scene:
            old = self.scene()
            self.setScene(drawing.scene)
            old.deleteLater()
        self._frame = frame
        self._drawn_rect = None
        self._grow_scene_rect()
        if rebuilt and self._auto_fit:
            self.fit()
        elif self._following:
            self.follow_active()
        if self.overview.isVisible() or not self.fits():
            self._request_overview()
        self._map_later = False

    def _start_build(self, frame: Frame, structure: tuple) -> None:
        scene = _GraphScene(self._owners_at, self)
        self._build = _Build(_Drawing(scene, structure), frame)
        self._build.steps = _build_steps(self._build.drawing, frame)
        self._build.total = _step_count(frame.graph)
        self._progress.setRange(0, self._build.total)
        self._progress.setValue(0)
        self._place_progress()
        self._progress.show()
        self.build_progress.emit(0, self._build.total)
        self._build_timer.start()

    @collector_paused()
    def _build_slice(self) -> None:
        """Build for a few milliseconds, then give the event loop back; show the drawing when done."""
        build = self._build
        if build is None:
            return
        deadline = time.perf_counter() + BUILD_SLICE_S
        for done in build.steps:
            build.done = done
            if time.perf_counter() >= deadline:
                self._progress.setValue(done)
                self.build_progress.emit(done, build.total)
                self._build_timer.start()
                return
        self._build = None
        self._progress.hide()
        built_for = build.frame_built
        self._show(build.drawing, built_for, True, map_later=True)
        if build.frame is not built_for:
            self.draw(build.frame)  # a step or new values arrived meanwhile
        self.build_progress.emit(build.total, build.total)

    def _cancel_build(self) -> None:
        if self._build is not None:
            self._build_timer.stop()
            self._build.steps.close()
            self._build.drawing.scene.deleteLater()
            self._build = None
            self._progress.hide()

    def _place_progress(self) -> None:
        viewport = self.viewport().geometry()
        self._progress.setFixedWidth(min(360, max(120, viewport.width() - 40)))
        self._progress.move(viewport.center().x() - self._progress.width() // 2, viewport.top() + 12)

    def set_graph(self, graph: GraphBase, layout: Layout) -> None:
        """Draw an evaluated graph at its start, in its plain words (then `show_state` for another step)."""
        revision = self._frame.revision + 1 if self._frame is not None else 0
        self.draw(Frame(graph, layout, start_state(graph), words_for(graph), revision))

    def show_state(self, state: State) -> None:
        """Draw the graph shown at another state (of its own schedule)."""
        if self._frame is not None:
            self.draw(replace(self._frame, state=state))

    def highlight(self, nodes: list[int], edges: list[Edge] = ()) -> None:
        """Select exactly these nodes and edges (e.g. what a line of code made); none clears it."""
        self._scene.clearSelection()
        for n in nodes:
            if n in self._node_items:
                self._node_items[n].setSelected(True)
        for edge in edges:
            if tuple(edge) in self._edge_items:
                self._edge_items[tuple(edge)].setSelected(True)

    def highlighted(self) -> tuple[list[int], list[Edge]]:
        """The selected nodes and edges, in graph order."""
        nodes = [n for n, item in self._node_items.items() if item.isSelected()]
        return nodes, [e for e, item in self._edge_items.items() if item.isSelected()]

    # ----------------------------------------------------------------- zoom and pan

    def zoom(self) -> float:
        """The current scale: 1 means one scene pixel per screen pixel."""
        return self.transform().m11()

    def zoom_in(self) -> None:
        """Zoom in one step around the middle of the view."""
        self._zoom_by(ZOOM_STEP, self.viewport().rect().center())

    def zoom_out(self) -> None:
        """Zoom out one step around the middle of the view."""
        self._zoom_by(1 / ZOOM_STEP, self.viewport().rect().center())

    def readable_zoom(self) -> float:
        """The smallest zoom at which the drawing's smallest text is still readable_px on screen."""
        smallest = min(theme.NODE_TEXT_PX, theme.VALUE_TEXT_PX, theme.GRAD_TEXT_PX, theme.EDGE_TEXT_PX,
                       theme.TAG_TEXT_PX)
        return self._readable_px / smallest

    def set_readable_px(self, pixels: int) -> None:
        """Fit no smaller than `pixels` screen pixels of text (16 at a desk, 24 on a projector)."""
        self._readable_px = pixels
        if self._auto_fit:
            self.fit()

    def fit_zoom(self) -> float:
        """The zoom `fit` chooses: the whole drawing if it is readable so, else the readable zoom."""
        rect = self.drawing_rect()
        if rect.isEmpty():
            return 1.0
        viewport = self.viewport().rect()
        whole = min(viewport.width() / rect.width(), viewport.height() / rect.height())
        return max(self.readable_zoom(), min(whole, MAX_FIT_ZOOM))

    def fits(self) -> bool:
        """Whether the whole drawing is on screen at the current zoom."""
        rect = self.drawing_rect()
        slack = 2 / max(self.zoom(), 1e-6)  # two screen pixels of rounding
        return rect.isEmpty() or self.visible_rect().adjusted(-slack, -slack, slack, slack).contains(rect)

    def visible_rect(self) -> QRectF:
        """The part of the scene on screen."""
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def fit(self) -> None:
        """Fit the whole drawing into the window, never below a readable zoom; follow resizes from now on.

        A drawing too big to read whole is shown at the readable zoom around the active step, with
        the overview map in the corner.
        """
        rect = self.drawing_rect()
        if rect.isEmpty():
            return
        self._glide.stop()
        zoom = self.fit_zoom()
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self._auto_fit = True
        if self.fits():
            self.centerOn(rect.center())
        else:
            target = self.active_rect()
            self.centerOn(target.center() if target is not None else self._start_of(rect))
        self._place_overview()

    def _start_of(self, rect: QRectF) -> QPointF:
        """Where a drawing too big for the window is first shown: its top-left corner (the inputs)."""
        half = self.visible_rect()
        return QPointF(rect.left() + half.width() / 2, rect.top() + half.height() / 2)

    def following(self) -> bool:
        """Whether the view glides to the active step when it is off screen."""
        return self._following

    def set_following(self, following: bool) -> None:
        """Glide to the active step whenever it leaves the screen (True), or stay put."""
        self._following = following
        if following:
            self.follow_active()
        else:
            self._glide.stop()

    def follow_active(self) -> None:
        """Glide the view until the active node or edge is on screen (nothing if it already is)."""
        target = self.active_rect()
        if target is None or self.fits():
            return
        inside = self.visible_rect()
        margin = FOLLOW_MARGIN / max(self.zoom(), 1e-6)
        inside = inside.adjusted(margin, margin, -margin, -margin)
        if inside.contains(target):
            return
        start = self.visible_rect().center()
        if self._glide.state() == QVariantAnimation.State.Running:
            self._glide.stop()
        self._glide.setStartValue(start)
        self._glide.setEndValue(target.center())
        self._glide.start()

    def gliding(self) -> bool:
        """Whether the view is on its way to the active step."""
        return self._glide.state() == QVariantAnimation.State.Running

    def active_rect(self) -> QRectF | None:
        """Where the active step is in the scene: its node, or its edge's label and source node."""
        state = self.state()
        if state is None:
            return None
        if state.active_edge is not None and tuple(state.active_edge) in self._edge_items:
            edge = self._edge_items[tuple(state.active_edge)]
            rect = edge.flow_label.sceneBoundingRect()
            if rect.isEmpty():
                rect = edge.local_label.sceneBoundingRect()
            source = self._node_items.get(edge.edge[0])
            if source is not None:
                both = rect.united(source.sceneBoundingRect())
                if both.width() * self.zoom() < self.viewport().width() * 0.8:
                    rect = both
            return rect if not rect.isEmpty() else None
        if state.active_node is not None and state.active_node in self._node_items:
            return self._node_items[state.active_node].sceneBoundingRect()
        return None

    def _jump_to(self, point: QPointF) -> None:
        self._glide.stop()
        self._auto_fit = False
        self.centerOn(point)

    def _place_overview(self, rendered: bool = False) -> None:
        """Show the map in the bottom-right corner when the drawing does not fit, else hide it."""
        show = not self.fits()
        if show:
            if self.overview.isHidden() and not rendered:
                if self._map_later:  # a big drawing just arrived: the map waits for a turn of its own
                    self._request_overview()
                    return
                self._render_map()
            viewport = self.viewport().geometry()
            self.overview.move(viewport.right() - self.overview.width() - OVERVIEW_INSET,
                               viewport.bottom() - self.overview.height() - OVERVIEW_INSET)
            self._show_view_on_overview()
        self.overview.setVisible(show)

    def _request_overview(self) -> None:
        """Render the map afresh in the next event-loop turn (a burst of frames makes one render).

        A hidden view (another page shown) renders nothing and leaves no timer running: showEvent asks again.
        """
        if self.isVisible():
            self._overview_timer.start()

    def _render_overview(self) -> None:
        """Render the map and place it."""
        self._render_map()
        self._place_overview(rendered=True)

    def _render_map(self) -> None:
        self.overview.render_scene(self._scene, self.drawing_rect(), self._node_items.values(),
                                   self._edge_items.values())

    def _show_view_on_overview(self) -> None:
        if not self.overview.isHidden():
            self.overview.show_visible(self.visible_rect())

    def _grow_scene_rect(self) -> None:
        """Labels grow as numbers arrive: keep the whole drawing scrollable, nothing clipped at an edge."""
        rect = self.drawing_rect()
        if not self._scene.sceneRect().contains(rect):
            self._scene.setSceneRect(self._scene.sceneRect().united(rect))

    def text_labels(self) -> list[TextLabel]:
        """Every text label of the drawing that shows text (to measure what is on screen)."""
        labels = [label for item in self._node_items.values() for label in item.labels()]
        labels += [label for item in self._edge_items.values() for label in item.labels()]
        return [label for label in labels if label.text() and label.isVisible()]

    def _zoom_by(self, factor: float, anchor: QPoint) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom() * factor)) / self.zoom()
        if factor == 1:
            return
        self._auto_fit = False
        scene_point = self.mapToScene(anchor)
        self.scale(factor, factor)
        moved = self.mapFromScene(scene_point) - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self._place_overview()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps == 0:
            super().wheelEvent(event)
            return
        self._zoom_by(ZOOM_STEP ** steps, event.position().toPoint())
        self._place_overview()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in PAGE_KEYS:
            event.ignore()  # let the page step through the schedule
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_progress()
        if self._auto_fit:
            self.fit()
        else:
            self._place_overview()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """The map of a drawing changed while hidden is rendered now."""
        super().showEvent(event)
        if not self.overview.isHidden() or not self.fits():
            self._request_overview()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Nothing moves unseen: stop gliding and the map's render."""
        self._glide.stop()
        self._overview_timer.stop()
        super().hideEvent(event)

    # ----------------------------------------------------------------- hover and click

    def mousePressEvent(self, event: QMouseEvent) -> None:
        clicked = None
        if event.button() == Qt.MouseButton.LeftButton:
            clicked = self.item_at(event.position().toPoint())
        if clicked is None:
            super().mousePressEvent(event)  # the background: pan, and clear the selection
            return
        event.accept()  # handled here, so a click on a label does not start a pan that deselects
        self._click_handled = True
        self._scene.clearSelection()
        clicked.setSelected(True)
        if isinstance(clicked, NodeItem):
            self.node_selected.emit(clicked.node_id)
        else:
            self.edge_selected.emit(clicked.edge)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._click_handled and event.button() == Qt.MouseButton.LeftButton:
            self._click_handled = False  # QGraphicsView would take it for a click on the background
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._auto_fit = False  # the user is panning
        super().mouseMoveEvent(event)

    def item_at(self, point: QPoint) -> NodeItem | EdgeItem | None:
        """The node or edge under a viewport point (its labels and arrows count as part of it)."""
        for item in self.items(point):
            owner = self._owner(item)
            if owner is not None:
                return owner
        return None

    def _owners_at(self, point: QPointF) -> list[NodeItem | EdgeItem]:
        """The nodes and edges under a scene point, topmost first (their labels and arrows count)."""
        owners = (self._owner(item) for item in self._scene.items(point))
        return [owner for owner in owners if owner is not None]

    def _owner(self, item: QGraphicsItem) -> NodeItem | EdgeItem | None:
        while item is not None:
            if isinstance(item, (NodeItem, EdgeItem)):
                return item
            if id(item) in self._edge_of_part:
                return self._edge_of_part[id(item)]
            item = item.parentItem()
        return None

    # ----------------------------------------------------------------- export

    def drawing_rect(self) -> QRectF:
        """The scene area an export covers and a fit shows: every item and label any step shows, with a margin."""
        if self._drawn_rect is None:  # fit, fits, the overview and the scene rect all ask, per frame
            self._drawn_rect = self._scene.itemsBoundingRect().united(self._reserved) if self._node_items else QRectF()
        rect = self._drawn_rect
        return rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN) if not rect.isEmpty() else rect

    def export_png(self, path: str | Path, scale: float = 2.0) -> str | None:
        """Render the whole drawing to a PNG at `scale` pixels per scene pixel, capped at
        MAX_RASTER_SIDE; return a note when it was scaled down. OSError/ValueError on failure."""
        rect = self.drawing_rect()
        width, height, _scale, note = capped_size(rect.width(), rect.height(), scale)
        image = QImage(QSize(width, height), QImage.Format.Format_ARGB32_Premultiplied)
        if image.isNull():
            raise OSError(f"not enough memory for a {width:,} × {height:,} px image")
        image.fill(QColor(theme.BACKGROUND))
        painter = QPainter(image)
        self._render(painter, QRectF(0, 0, width, height), rect)
        atomic_write_bytes(path, png_bytes(image))
        return note

    def export_svg(self, path: str | Path) -> None:
        """Render the whole drawing to SVG with its text kept as text; OSError/ValueError on failure."""
        rect = self.drawing_rect()
        device, data = memory_device()
        painter, _generator, target = begin_svg(device, rect, "Computation graph")
        self._render(painter, target, rect)
        device.close()
        atomic_write_bytes(path, bytes(data.data()))

    def _render(self, painter: QPainter, target: QRectF, source: QRectF) -> None:
        """Draw the scene without the user's selection outline, then end the painter."""
        selected = self._scene.selectedItems()
        for item in selected:
            item.setSelected(False)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        try:
            self._scene.render(painter, target, source)
        finally:
            painter.end()
            for item in selected:
                item.setSelected(True)


class _Drawing:
    """One scene's items and what they were made and measured for (the one shown, or one being built)."""

    def __init__(self, scene: QGraphicsScene, structure: tuple | None = None):
        self.scene = scene
        self.structure = structure  # what the items were made for
        self.sized_for: tuple | None = None  # what the geometry was measured for
        self.node_items: dict[int, NodeItem] = {}
        self.edge_items: dict[Edge, EdgeItem] = {}
        self.edge_of_part: dict[int, EdgeItem] = {}  # id(label or backward arrow) -> its edge
        self.flow_texts: dict[Edge, str] = {}
        self.reserved = QRectF()  # the room the labels of every step take


class _Build:
    """A big graph being built in slices: its drawing, the steps left, and the frame to show."""

    def __init__(self, drawing: _Drawing, frame: Frame):
        self.drawing = drawing
        self.frame_built = frame  # the frame the slices draw
        self.frame = frame  # the latest frame handed in: drawn when the build is done
        self.steps: Iterator[int] = iter(())
        self.done = 0
        self.total = 0


def _step_count(graph: GraphBase) -> int:
    """How many steps _build_steps takes for a new graph: five passes over the nodes and over the edges."""
    return 5 * graph.graph.number_of_nodes() + 5 * graph.graph.number_of_edges()


def _build_steps(d: _Drawing, frame: Frame) -> Iterator[int]:
    """Make, measure and label `d`'s items for `frame`, yielding a running count after each small piece.

    The synchronous path runs it to the end at once; the background build a few milliseconds at
    a time. Items are made only when the structure is new, measured only when the numbers are.
    """
    graph, plain = frame.graph, frame.words.plain()
    done = 0
    if not d.node_items:
        for done in _create_items(d, graph, plain, done):
            yield done
    sized_for = (id(graph), id(frame.layout), frame.revision, id(plain))
    if sized_for != d.sized_for:
        d.flow_texts = {e: plain.flow_text(graph, e) for e in d.edge_items
                        if graph.edge(e)["contribution"] is not None}
        for done in _apply_geometry(d, graph, frame.layout, plain, done):
            yield done
        d.sized_for = sized_for
    for done in _show_state(d, frame, done):
        yield done


def _create_items(d: _Drawing, graph: GraphBase, words: Words, done: int) -> Iterator[int]:
    for n in graph.nodes:
        data = graph.node(n)
        item = NodeItem(n, data["kind"], n == graph.output)
        if data["kind"] == "op":
            item.set_symbol(words.op_symbol(graph, n))
            item.set_title([(words.box_title(graph, n), theme.INK)])
            if words.value_halo:
                item.value_label.set_background(theme.LABEL_HALO)
        elif data["kind"] == "const":
            item.set_title([(words.name_text(graph, n), theme.INK)])
        d.scene.addItem(item)
        d.node_items[n] = item
        done += 1
        yield done
    for edge in graph.graph.edges(keys=True):
        item = EdgeItem(edge, graph.node(edge[0])["kind"] == "const")
        d.scene.addItem(item)
        for part in item.parts():
            d.scene.addItem(part)
            d.edge_of_part[id(part)] = item
        item.show_flow(None)
        d.edge_items[edge] = item
        done += 1
        yield done


def _apply_geometry(d: _Drawing, graph: GraphBase, layout: Layout, words: Words, done: int) -> Iterator[int]:
    texts = {}
    for n in graph.nodes:
        texts[n] = _node_texts(graph, n, words)
        done += 1
        yield done
    widths = {}
    for edge, item in d.edge_items.items():
        width = 0.0
        if not item.from_constant:
            width = text_width(words.local_text(graph, edge), theme.EDGE_TEXT_PX)
        if edge in d.flow_texts:
            width = max(width, text_width(d.flow_texts[edge], theme.EDGE_TEXT_PX, bold=True))
        widths[edge] = width
        done += 1
        yield done
    shapes = {}
    for n in graph.nodes:
        shapes[n] = node_shape(graph.node(n)["kind"], texts[n])
        done += 1
        yield done
    for geometry in scene_geometry_steps(graph, layout, texts, widths, shapes):
        done += 1
        yield done
    reserved = QRectF()  # everything any step will show, so a fit at the start holds to the end
    for n, item in d.node_items.items():
        item.set_geometry(geometry.shapes[n], geometry.origins[n])
        extent = geometry.shapes[n].extent.translated(geometry.origins[n])
        reserved = reserved.united(extent.adjusted(-HALO_PAD, -HALO_PAD, HALO_PAD, HALO_PAD))
        done += 1
        yield done
    height = text_height(theme.EDGE_TEXT_PX, True)
    for edge, item in d.edge_items.items():
        route = geometry.routes[edge]
        item.set_route(route)
        reserved = reserved.united(item.sceneBoundingRect())
        for spot in (route.local_spot, route.flow_spot):
            reserved = reserved.united(_label_rect(spot, widths[edge], height))
        done += 1
        yield done
    d.reserved = reserved
    yield done
    rect = d.scene.itemsBoundingRect().united(reserved)
    d.scene.setSceneRect(rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN) if not rect.isEmpty() else rect)


def _node_texts(graph: GraphBase, n: int, words: Words) -> NodeTexts:
    data = graph.node(n)
    gradients: tuple[str, ...] = ()
    if data["grad"] is not None:
        gradients = (words.gradient_text(graph, n, data["grad"]),)
        uses = graph.carrying_out_edges(n)
        if len(uses) > 1:
            contributions = [graph.edge(e)["contribution"] for e in uses]
            gradients += (words.received_text(graph, n, contributions),)
    tag = "output" if n == graph.output else ""
    if data["kind"] == "input":
        name = words.name_text(graph, n)
        return NodeTexts(f"{name} = {words.node_value(graph, n, data['value'])}",
                         f"{name} = {theme.INPUT_VALUE_RESERVE}", gradients=gradients, tag=tag)
    if data["kind"] == "const":
        return NodeTexts(words.name_text(graph, n), tag=tag)
    return NodeTexts(words.box_title(graph, n), symbol=words.op_symbol(graph, n),
                     value=words.node_value(graph, n, data["value"]), gradients=gradients, tag=tag)


def _show_state(d: _Drawing, frame: Frame, done: int = 0) -> Iterator[int]:
    """Restyle and relabel the items to show what is visible at the frame's state."""
    graph, state, words = frame.graph, frame.state, frame.words
    masked = words is not words.plain()  # plain flow texts are measured once; masked ones per state
    forward = state.phase == "forward"
    for n, item in d.node_items.items():
        data = graph.node(n)
        value = state.values.get(n)
        if data["kind"] == "input":
            item.set_title([(f"{words.name_text(graph, n)} = ", theme.INK),
                            (words.node_value(graph, n, value), theme.FORWARD)])
        elif data["kind"] == "op":
            item.show_value(None if value is None else words.node_value(graph, n, value))
        if n in state.grads:
            item.show_gradient(words.gradient_text(graph, n, state.grads[n]))
        elif n in state.received:
            item.show_gradient(words.received_text(graph, n, state.received[n]), partial=True)
        else:
            item.show_gradient(None)
        active = n == state.active_node and state.phase in ("forward", "backward")
        item.set_highlight(None if not active else
                           theme.HIGHLIGHT_FORWARD if forward else theme.HIGHLIGHT_BACKWARD)
        known = (value is not None, n in state.grads)
        item.update_tooltip((id(graph), frame.revision, known, words.tooltip_key(n)),
                            lambda n=n, known=known: words.node_tooltip(graph, n, *known))
        done += 1
        yield done
    for edge, item in d.edge_items.items():
        target = edge[1]
        local_known = target in state.values
        item.show_local(words.local_text(graph, edge) if local_known and not item.from_constant else None)
        if item.from_constant:
            colour = theme.MUTED
        else:
            colour = theme.FORWARD if local_known else theme.PENDING_EDGE
        active = forward and state.active_node == target
        item.set_line_style(colour, theme.ACTIVE_EDGE_WIDTH if active else theme.EDGE_WIDTH)
        flow_known = edge in state.contributions
        flow = None
        if flow_known:
            flow = words.flow_text(graph, edge) if masked else d.flow_texts.get(edge)
        item.show_flow(flow, active=edge == state.active_edge, label=edge == state.active_edge)
        known = (local_known, flow_known)
        item.update_tooltip((id(graph), frame.revision, known, words.tooltip_key(edge)),
                            lambda edge=edge, known=known: words.edge_tooltip(graph, edge, *known))
        done += 1
        yield done
