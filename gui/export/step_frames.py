"""One 16:9 frame per step of a formula's step-through, drawn offscreen by the window's own GraphView.

Each frame is the graph at step k above a caption band (phase, "step k / n", the step's sentence and
its rule). The drawing is scaled to fit the frame, but never below the zoom at which its smallest
text is MIN_TEXT_PX tall on a 1080-line frame: a graph too large for that is shown at that zoom,
centred on the step's active node, as the window follows the active step. Every use of GraphView
is in the `_Drawing` adapter below, so a change of the view's API is one place to adapt.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from core.animation import DEFAULT_SIZE, DEFAULT_THEME
from core.engine.graph import ComputationGraph
from core.engine.layout import layout
from core.engine.steps import Schedule, State
from core.trace.graph import TensorGraph
from core.trace.steps import TraceSchedule
from gui import theme
from gui.graph.caption_panel import PHASES

REFERENCE_HEIGHT = 1080.0  # text sizes below are pixels on a frame this tall
MIN_TEXT_PX = 24.0  # nothing on a 1080-line frame is smaller (readable from the back row)
CAPTION_PX = 44.0
DETAIL_PX = 30.0
HEADER_PX = 30.0
MARGIN_PX = 36.0
MAX_ZOOM = 1.6  # a two-node graph should not fill a slide with one box


@contextmanager
def using_look(name: str) -> Iterator[theme.Look]:
    """Draw with look `name` at 1× inside the block, then give the window its own look back."""
    previous, scale = theme.current_look, theme.current_scale
    try:
        look = theme.apply(name, 1.0)
        # The small "output" tag is what would set the readable zoom of a slide: at the edge
        # labels' size instead, the lecture figure fits a 1920-px frame with every text >= 24 px.
        theme.TAG_TEXT_PX = max(theme.TAG_TEXT_PX, theme.EDGE_TEXT_PX)
        yield look
    finally:
        theme.apply(previous, scale)


def schedule_for(cg: ComputationGraph):
    """The step-through of a graph: a traced tensor graph has its own kind of schedule."""
    return TraceSchedule(cg) if isinstance(cg, TensorGraph) else Schedule(cg)


class _Drawing:
    """The one place that talks to GraphView: build it, show a state, find a node, draw a rect."""

    def __init__(self, cg: ComputationGraph):
        from gui.graph.view import GraphView

        self.view = GraphView()
        self.view.restyle()
        self.view.set_graph(cg, layout(cg))

    def show(self, state: State) -> None:
        self.view.show_state(state)

    def rect(self) -> QRectF:
        return self.view.drawing_rect()

    def focus(self, state: State, cg: ComputationGraph) -> QPointF:
        """Where the camera looks when the drawing does not fit: the step's active node."""
        node = state.active_node
        if node is None and state.active_edge is not None:
            node = state.active_edge[1]
        if node is None:
            node = cg.output if state.phase == "done" else next(iter(cg.input_nodes.values()), cg.output)
        item = self.view.node_items().get(node)
        return item.sceneBoundingRect().center() if item is not None else self.view.sceneRect().center()

    def draw(self, painter: QPainter, target: QRectF, source: QRectF) -> None:
        self.view.scene().render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)

    def close(self) -> None:
        self.view.deleteLater()


class StepFrames:
    """Frames of steps `steps` (default: all, 0 first) of `cg` at `size` in theme `look`."""

    def __init__(self, cg: ComputationGraph, size: tuple[int, int] = DEFAULT_SIZE,
                 look: str = DEFAULT_THEME, steps: range | None = None):
        self.cg, self.size, self.look_name = cg, size, look
        self.schedule = schedule_for(cg)
        self.total = len(self.schedule)
        self.steps = list(steps if steps is not None else range(self.total + 1))
        self.unit = size[1] / REFERENCE_HEIGHT  # frame pixels per reference pixel
        with using_look(look) as chosen:
            self.look = chosen
            self._drawing = _Drawing(cg)
            self.smallest_text = min(getattr(theme, name) for name in theme.TEXT_SIZES)
            # The end state shows every label, so its drawing is the largest: one camera scale
            # for every frame (the zoom never jumps), and one measurement instead of one a frame.
            self._drawing.show(self.schedule.state_at(self.total))
            self._rect = self._drawing.rect()
        self._band = max(self._band_height(self.schedule.state_at(k)) for k in self.steps)

    @property
    def count(self) -> int:
        """How many frames there are."""
        return len(self.steps)

    def state(self, index: int) -> State:
        """The state frame `index` shows."""
        return self.schedule.state_at(self.steps[index])

    def paint(self, painter: QPainter, index: int) -> None:
        """Paint frame `index` into the rectangle (0, 0, width, height) of `painter`'s device."""
        width, height = self.size
        state = self.state(index)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        with using_look(self.look_name):
            painter.fillRect(QRectF(0, 0, width, height), theme.BACKGROUND)
            self._drawing.show(state)
            graph_area = QRectF(0, 0, width, height - self._band)
            target, source = self._camera(state, graph_area)
            self._drawing.draw(painter, target, source)
        self._paint_band(painter, state, QRectF(0, height - self._band, width, self._band))

    def zoom(self) -> float:
        """Frame pixels per scene pixel: fitted, but never so small that text gets below MIN_TEXT_PX."""
        rect = self._rect
        area_w, area_h = self.size[0], self.size[1] - self._band
        fit = min(area_w / max(rect.width(), 1.0), area_h / max(rect.height(), 1.0), MAX_ZOOM * self.unit)
        return max(fit, self.readable_zoom())

    def source_rect(self, index: int) -> QRectF:
        """The scene area frame `index` shows (it moves with the active step when zoomed in)."""
        state = self.state(index)
        with using_look(self.look_name):
            self._drawing.show(state)
            return self._camera(state, QRectF(0, 0, self.size[0], self.size[1] - self._band))[1]

    def readable_zoom(self) -> float:
        """The smallest zoom at which the drawing's smallest text is MIN_TEXT_PX (at 1080 lines)."""
        return MIN_TEXT_PX * self.unit / self.smallest_text

    def _camera(self, state: State, area: QRectF) -> tuple[QRectF, QRectF]:
        rect = self._rect
        zoom = self.zoom()
        window_w, window_h = area.width() / zoom, area.height() / zoom
        focus = self._drawing.focus(state, self.cg)
        x = _clamp(focus.x() - window_w / 2, rect.left(), rect.right() - window_w)
        y = _clamp(focus.y() - window_h / 2, rect.top(), rect.bottom() - window_h)
        return area, QRectF(x, y, window_w, window_h)

    # ----- the caption band -------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        caption = theme.font(round(CAPTION_PX * self.unit))
        caption.setWeight(QFont.Weight.DemiBold)
        header = theme.font(round(HEADER_PX * self.unit), bold=True)
        return caption, theme.font(round(DETAIL_PX * self.unit)), header

    def _text_width(self) -> float:
        return self.size[0] - 2 * MARGIN_PX * self.unit

    def _band_height(self, state: State) -> float:
        caption, detail, header = self._fonts()
        margin = MARGIN_PX * self.unit
        height = 2 * margin * 0.6 + QFontMetricsF(header).height() * 1.5
        height += _wrapped(caption, state.caption, self._text_width()).height()
        if state.detail:
            height += _wrapped(detail, state.detail, self._text_width()).height() + margin * 0.25
        return height

    def _paint_band(self, painter: QPainter, state: State, band: QRectF) -> None:
        look, unit = self.look, self.unit
        caption_font, detail_font, header_font = self._fonts()
        margin = MARGIN_PX * unit
        painter.fillRect(band, QColor(look.caption_background))
        painter.setPen(QPen(QColor(look.caption_border), max(1.0, 2 * unit)))
        painter.drawLine(band.topLeft(), band.topRight())
        x, y = margin, band.top() + margin * 0.6
        words, colour = PHASES.get(state.phase, (state.phase.title(), "#5f6b7a"))
        colour = look.phase_colours.get(state.phase, colour)
        metrics = QFontMetricsF(header_font)
        chip = QRectF(x, y, metrics.horizontalAdvance(words) + 24 * unit, metrics.height() * 1.3)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(chip, 6 * unit, 6 * unit)
        painter.setFont(header_font)
        painter.setPen(QColor("white"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, words)
        painter.setPen(QColor(look.soft_text))
        counter = QRectF(chip.right() + 20 * unit, y, self._text_width(), chip.height())
        painter.drawText(counter, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"step {state.step} / {self.total}")
        y = chip.bottom() + metrics.height() * 0.2
        ink = QColor(look.window_text or look.ink)
        for font, text, pen in ((caption_font, state.caption, ink), (detail_font, state.detail, QColor(look.soft_text))):
            if not text:
                continue
            box = _wrapped(font, text, self._text_width())
            painter.setFont(font)
            painter.setPen(pen)
            painter.drawText(QRectF(x, y, self._text_width(), box.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, text)
            y += box.height() + margin * 0.25

    def close(self) -> None:
        """Let go of the offscreen view."""
        self._drawing.close()


def _wrapped(font: QFont, text: str, width: float) -> QRectF:
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    return QFontMetricsF(font).boundingRect(QRectF(0, 0, width, 1e6), flags, text)


def _clamp(value: float, low: float, high: float) -> float:
    """`value` within [low, high]; the middle when the range is empty (the window is larger)."""
    return (low + high) / 2 if high < low else max(low, min(high, value))
