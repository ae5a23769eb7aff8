"""The graph page: type a formula, set its inputs, and step through forward and backward passes.

The page wires Qt widgets to a core.engine.model.GraphModel, which holds the text, the values, the
graph, its layout, schedule and step. The editor, the value panel and the playback write to the
model; after each change the page hands the view one Frame to draw and gives the caption, the
details and the playback bar what they show.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QComboBox, QLabel, QScrollArea, QSplitter, QToolButton, QVBoxLayout, QWidget,
)

from core.engine.graph import ComputationGraph
from core.engine.graph_text import Words
from core.engine.model import Change, Frame, GraphModel
from core.teach.presets import BY_KEY, PRESETS
from core.engine.steps import State, StepReplay
from core.trace import tensor_text
from core.trace.graph import TensorGraph
from core.trace.steps import TraceSchedule
from gui import theme
from gui.graph.caption_panel import CaptionPanel
from gui.graph.details_panel import DetailsPanel
from gui.graph.editor import FormulaEditor
from gui.graph.view import READABLE_PX, GraphView
from gui.graph.playback_bar import PlaybackBar
from gui.graph.step_player import StepPlayer
from gui.graph.value_panel import ValuePanel
from gui.widgets.actions import make_action

SIDE_POINT_SIZE = 13
PRESENTING_READABLE_PX = 24  # the smallest text on a projector, in screen pixels
SIDE_WIDTH = 340
NOTES_WIDTH = 360
EDITOR_LINES = 4  # the formula box shows at least this many lines at any text size (the panel scrolls)
INPUT_ROWS = 3  # and the inputs box at least this many rows
DETAILS_HIDDEN = "Quiz mode: the details would give answers away. Click a ? in the graph and answer below it."


class GraphPage(QWidget):
    """Formula editor, preset picker and input values on the left; the animated graph on the right."""

    status_message = Signal(str)  # a short sentence for the window's status bar
    graph_changed = Signal(object)  # the ComputationGraph now shown, evaluated (new text or values)
    state_shown = Signal(object)  # the core.engine.steps.State just drawn and captioned
    trace_changed = Signal(object)  # the TensorGraph now shown instead of the formula's, or None (formula again)
    node_clicked = Signal(int)  # id of the node clicked in the graph
    edge_clicked = Signal(tuple)  # (source, target, key) of the edge clicked in the graph

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("graphPage")
        self.setAccessibleName("Computation graph page")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a click on the background leaves the editor
        self.model = GraphModel()
        self._selection: tuple[str, object] | None = None  # ("node", id) or ("edge", (u, v, k))
        self._mask: Callable[[Frame], Words] | None = None  # a quiz's words around the formula's
        self._drawn_look = (theme.current_look, theme.current_scale)  # what the view's items show
        self._details_hidden = False
        self._panel_widths: dict[int, int] = {}  # splitter index -> width, for panels while hidden  # quiz mode: the details panel would give answers away
        self._presenting_restore: bool | None = None  # while presenting: was the side panel shown?
        self.status_text = ""  # the last status_message, for a window that connects late
        self._text_scale = 1.0  # the window's text size: the drawing's readable zoom follows it

        self.player = StepPlayer(self.model, self)  # the playback clock: it moves the model's step
        self.preset_picker = self._make_preset_picker()
        self.preset_about = QLabel()
        self.preset_about.setObjectName("presetAbout")
        self.preset_about.setAccessibleName("About this example")
        self.preset_about.setWordWrap(True)
        _tint(self.preset_about, "#4a4a4a")
        self.editor = FormulaEditor()
        self.error_label = QLabel()
        self.error_label.setObjectName("formulaError")
        self.error_label.setAccessibleName("Formula error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        _tint(self.error_label, "#b00000")
        error_font = self.error_label.font()
        error_font.setBold(True)
        self.error_label.setFont(error_font)
        self.error_label.hide()
        self.values = ValuePanel()
        self.details = DetailsPanel()
        self.view = GraphView()
        if not self.view.accessibleName():
            self.view.setAccessibleName("Computation graph")
        self.caption = CaptionPanel()
        self.playback = PlaybackBar(self.player)
        self._build_layout()
        self._make_actions()

        self.editor.text_settled.connect(self._text_settled)
        self.preset_picker.activated.connect(self._preset_chosen)
        self.values.values_changed.connect(self.model.set_values)
        self.player.playing_changed.connect(self._playing_changed)
        self.view.node_selected.connect(self._node_selected)
        self.view.edge_selected.connect(self._edge_selected)
        self.model.subscribe(self._model_changed)

        self.load_preset(PRESETS[0].key)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # keys drive the animation from the start

    # ----- building the widgets -------------------------------------------------------------

    def _make_preset_picker(self) -> QComboBox:
        picker = QComboBox()
        picker.setObjectName("presetPicker")
        picker.setAccessibleName("Example formulas")
        picker.setPlaceholderText("Your own formula")
        picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        picker.setMinimumContentsLength(16)  # long titles must not widen the side panel
        for preset in PRESETS:
            picker.addItem(preset.title, preset.key)
            picker.setItemData(picker.count() - 1, preset.about, Qt.ItemDataRole.ToolTipRole)
        return picker

    def _build_layout(self) -> None:
        side = QWidget()
        side.setObjectName("sidePanel")
        font = side.font()
        font.setPointSize(SIDE_POINT_SIZE)
        side.setFont(font)
        column = QVBoxLayout(side)
        column.setContentsMargins(12, 12, 8, 12)
        column.addWidget(_heading("Example", self.preset_picker))
        column.addWidget(self.preset_picker)
        column.addWidget(self.preset_about)
        column.addSpacing(6)
        column.addWidget(_heading("Formula", self.editor))
        column.addWidget(self.editor, 3)
        column.addWidget(self.error_label)
        column.addSpacing(6)
        column.addWidget(_heading("Inputs", self.values))
        inputs = QScrollArea()
        inputs.setObjectName("valueScroll")
        inputs.setWidgetResizable(True)
        inputs.setFrameShape(QScrollArea.Shape.NoFrame)
        inputs.setWidget(self.values)
        column.addWidget(inputs, 2)
        column.addSpacing(6)
        column.addWidget(_heading("Selected", self.details))
        column.addWidget(self.details, 2)
        self._inputs_scroll = inputs
        # At large text sizes the column is taller than the window: it scrolls rather than squeeze
        # the formula box to one line and the inputs to one row.
        side_scroll = QScrollArea()
        side_scroll.setObjectName("sidePanelScroll")
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        side_scroll.setWidget(side)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._side_scroll = side_scroll
        self._fit_side_panel()

        stage = QWidget()
        stage.setObjectName("stage")
        stack = QVBoxLayout(stage)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(0)
        stack.addWidget(self.view, 1)
        stack.addWidget(self.caption)
        stack.addWidget(self.playback)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("graphSplitter")
        self.splitter.addWidget(side_scroll)
        self.splitter.addWidget(stage)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([SIDE_WIDTH, 4 * SIDE_WIDTH])
        self._stage_stack = stack
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)

    def _make_actions(self) -> None:
        player = self.player
        self.play_action = self._action("playAction", "&Play", [Qt.Key.Key_Space], player.toggle)
        self.next_action = self._action("nextStepAction", "&Next step",
                                        [Qt.Key.Key_Right, Qt.Key.Key_PageDown], player.next)
        self.previous_action = self._action("previousStepAction", "P&revious step",
                                            [Qt.Key.Key_Left, Qt.Key.Key_PageUp], player.previous)
        self.start_action = self._action("startAction", "Back to the &start", [Qt.Key.Key_Home],
                                         player.to_start)
        self.end_action = self._action("endAction", "Jump to the &end", [Qt.Key.Key_End], player.to_end)
        # Plain keys: Ctrl+= / Ctrl+- / Ctrl+0 size the whole window's text (View → Text size).
        # Text fields claim printable keys first, so typing "+" or "0" in a formula still types.
        self.zoom_in_action = self._action("zoomInAction", "Zoom &in", ["+", "="], self.view.zoom_in)
        self.zoom_out_action = self._action("zoomOutAction", "Zoom &out", ["-"], self.view.zoom_out)
        self.fit_action = self._action("fitAction", "&Fit to window", ["0"], self.view.fit)
        self.follow_action = self._action("followAction", "F&ollow the active step", ["F"], self.view.set_following)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(self.view.following())
        self.follow_action.setToolTip("When the graph is larger than the window, glide to each step as it plays (F)")
        self.side_panel_action = self._action("sidePanelAction", "Show the &formula panel", ["Ctrl+B"],
                                              self._side_panel_toggled)
        self.side_panel_action.setCheckable(True)
        self.side_panel_action.setChecked(True)
        self.side_panel_action.setIconText("Formula panel")
        self.side_panel_action.setToolTip("Show or hide the formula panel (Ctrl+B): hidden, the graph gets the width")
        self.playback.add_action_button(self.side_panel_action)

    def _action(self, name: str, text: str, keys: list, slot) -> QAction:
        action = make_action(self, name, text, keys, slot)
        self.addAction(action)
        return action

    @property
    def playback_actions(self) -> list[QAction]:
        """Play/pause, next, previous, start and end, for a menu."""
        return [self.play_action, self.next_action, self.previous_action, self.start_action, self.end_action]

    @property
    def zoom_actions(self) -> list[QAction]:
        """Zoom in, zoom out, fit, following the active step, and showing the side panel, for a menu."""
        return [self.zoom_in_action, self.zoom_out_action, self.fit_action, self.follow_action,
                self.side_panel_action]

    def side_panel_visible(self) -> bool:
        """Whether the formula, inputs and details panel is shown (hidden, the graph gets the width)."""
        return self.side_panel_action.isChecked()

    def set_side_panel_visible(self, visible: bool) -> None:
        """Show or hide the formula, inputs and details panel."""
        self.side_panel_action.setChecked(visible)
        self._side_panel_toggled(visible)

    # ----- what the user does ---------------------------------------------------------------

    @property
    def cg(self) -> ComputationGraph | None:
        """The formula's last good graph, evaluated."""
        return self.model.graph

    @property
    def source(self) -> str:
        """The formula text that graph was built from (the editor may hold a broken one)."""
        return self.model.source

    @property
    def schedule(self) -> StepReplay | None:
        """The schedule shown: the formula's, or a trace's."""
        return self.model.schedule

    @property
    def state(self) -> State | None:
        """What is visible at the step shown."""
        return self.model.state

    @property
    def trace(self) -> TensorGraph | None:
        """The traced tensor graph shown instead of the formula's, or None."""
        return self.model.trace

    def load_preset(self, key: str) -> None:
        """Show a built-in formula with its own input values, from the first step."""
        self.player.pause()
        self.model.load(BY_KEY[key].source)

    def load_source(self, text: str, values: dict[str, float] | None = None, step: int = 0) -> bool:
        """Show a formula program with its own values (then `values` over them) at `step`.

        Parses and evaluates once. Returns False, changing nothing, when the text does not make a graph.
        """
        self.player.pause()
        return self.model.load(text, values, step)

    def formula(self) -> str:
        """The text in the editor."""
        return self.editor.toPlainText()

    def refresh(self) -> None:
        """Draw and caption the current step again (e.g. after a quiz uncovered a number)."""
        self._draw()

    def set_masking(self, mask: Callable[[Frame], Words] | None) -> None:
        """Draw the formula's frames in the words `mask(frame)` gives (a quiz's), or plainly (None)."""
        self._mask = mask
        self._draw()

    def focus_graph(self) -> None:
        """Give the keyboard to the graph, so Space and the arrows step through it."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def highlight(self, nodes: list[int], edges: list[tuple[int, int, int]] = ()) -> None:
        """Select exactly these nodes and edges of the graph shown (none clears the selection)."""
        self.view.highlight(nodes, edges)

    def export_png(self, path: str | Path, scale: float = 2.0) -> str | None:
        """Write the drawing as shown to a PNG at `scale`; a note when it was scaled down to
        the size limit; OSError if unwritable."""
        return self.view.export_png(path, scale)

    def export_svg(self, path: str | Path) -> None:
        """Write the drawing as shown to an SVG; OSError if unwritable."""
        self.view.export_svg(path)

    def restyle(self, look: theme.Look) -> None:
        """Redraw everything in gui.theme's current look and sizes."""
        self._fit_side_panel()  # the fonts may have grown
        _tint(self.preset_about, look.soft_text)
        _tint(self.error_label, look.error_text)
        self.caption.apply_look(look)
        drawn = (theme.current_look, theme.current_scale)
        if drawn == self._drawn_look:
            return  # the drawing already has this look: no need to rebuild it
        self._drawn_look = drawn
        self.view.restyle()  # rebuilds the items and draws the frame shown again

    def _fit_side_panel(self) -> None:
        """Keep a few lines of formula and a few input rows in sight at the current text size."""
        editor = self.editor
        lines = EDITOR_LINES * QFontMetrics(editor.font()).lineSpacing()
        margins = 2 * (editor.frameWidth() + round(editor.document().documentMargin()))
        editor.setMinimumHeight(lines + margins)
        self._inputs_scroll.setMinimumHeight(self.values.rows_height(INPUT_ROWS))
        # As narrow as the column allows and no narrower: the scroll area would let the splitter squeeze it.
        scroll = self._side_scroll
        scroll.setMinimumWidth(scroll.widget().minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())

    def scale_panels(self, factor: float) -> None:
        """Widen the side panels by `factor` (the text grew by as much), each at most a third."""
        sizes = self.splitter.sizes()
        total = sum(sizes) or self.splitter.width()
        panels = [i for i in range(self.splitter.count()) if i != 1]
        for i in panels:
            hidden = self.splitter.widget(i).isHidden()
            # A hidden panel reports 0, and a 0 given back would keep it collapsed when shown.
            width = self._panel_widths.get(i, SIDE_WIDTH if i == 0 else NOTES_WIDTH) if hidden else sizes[i]
            sizes[i] = min(round(width * factor), max(1, total // 3))
            self._panel_widths[i] = sizes[i]
        sizes[1] = max(1, total - sum(sizes[i] for i in panels))
        self.splitter.setSizes(sizes)

    def add_above_caption(self, widget: QWidget) -> None:
        """Put a bar (the quiz panel) between the graph and its caption."""
        self._stage_stack.insertWidget(self._stage_stack.indexOf(self.caption), widget)

    def add_above_graph(self, widget: QWidget) -> None:
        """Put a bar (the torch-graph banner) above the graph."""
        self._stage_stack.insertWidget(0, widget)

    def show_trace(self, tg: TensorGraph, schedule: TraceSchedule) -> None:
        """Show a traced tensor graph and its core.trace.steps.TraceSchedule instead of the formula's, from step 0.

        The formula, its values and its step are kept; `close_trace` brings them back.
        """
        self.player.pause()
        self.model.show_trace(tg, schedule, tensor_text.WORDS)
        self._announce(f"Torch graph of {tg.variant}: {tg.graph.number_of_nodes()} nodes, "
                       f"{tg.graph.number_of_edges()} edges")

    def close_trace(self) -> None:
        """Show the formula's graph again, at the step it was left at."""
        if self.trace is None:
            return
        self.player.pause()
        self.model.close_trace()
        self.focus_graph()

    def add_notes_panel(self, widget: QWidget) -> None:
        """Put a panel (the lesson notes) right of the graph; it shows when the widget does."""
        self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(self.splitter.count() - 1, 0)
        sizes = self.splitter.sizes()
        sizes[-1] = NOTES_WIDTH
        self.splitter.setSizes(sizes)

    def set_details_hidden(self, hidden: bool) -> None:
        """Hide what the details panel would say (quiz mode), or show it again."""
        self._details_hidden = hidden
        if hidden:
            self.details.setText(DETAILS_HIDDEN)
        else:
            self.details.clear_selection()
            self._show_selection()

    def presenting(self) -> bool:
        """Whether presentation mode has reduced the page to graph, caption and controls."""
        return self._presenting_restore is not None

    def set_presenting(self, presenting: bool) -> None:
        """Presentation mode: only the graph, its caption and the playback controls stay."""
        panel_button = self.findChild(QToolButton, "sidePanelActionButton")
        notes = [self.splitter.widget(i) for i in range(2, self.splitter.count())]
        if presenting and self._presenting_restore is None:
            self._presenting_restore = self.side_panel_visible()
            self.set_side_panel_visible(False)
            for widget in notes:
                widget.setProperty("shownBeforePresenting", not widget.isHidden())
                widget.hide()
        elif not presenting and self._presenting_restore is not None:
            side, self._presenting_restore = self._presenting_restore, None
            self.set_side_panel_visible(side)
            for widget in notes:
                widget.setVisible(bool(widget.property("shownBeforePresenting")))
        if panel_button is not None:
            panel_button.setVisible(not presenting)
        self.side_panel_action.setEnabled(not presenting)
        self._apply_readable_px()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_text_scale(self, scale: float) -> None:
        """The window's text size (1× to 3×): the drawing's smallest text on screen grows with it."""
        self._text_scale = scale
        self._apply_readable_px()

    def _apply_readable_px(self) -> None:
        base = PRESENTING_READABLE_PX if self.presenting() else READABLE_PX
        self.view.set_readable_px(round(base * self._text_scale))

    def shutdown(self) -> None:
        """Stop playback and the typing timer (the window is closing)."""
        self.player.pause()
        self.editor.stop()

    def _side_panel_toggled(self, visible: bool) -> None:
        visible = visible and self.trace is None  # the formula panel has nothing to say about a trace
        if not visible and self.splitter.widget(0).isAncestorOf(self.focusWidget()):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # focus must not stay in a hidden editor
        self.splitter.widget(0).setVisible(visible)

    def _preset_chosen(self, index: int) -> None:
        key = self.preset_picker.itemData(index)
        if key is not None:
            self.load_preset(key)

    def _text_settled(self, text: str) -> None:
        if text != self.model.text:
            self.model.set_text(text)

    def _model_changed(self, change: Change) -> None:
        """Bring every widget up to the model, in the order the controllers rely on."""
        model = self.model
        if change.trace:
            self._selection = None
            self._side_panel_toggled(self.side_panel_visible())
            self.trace_changed.emit(model.trace)  # first: what asks about the formula (a quiz) stops first
        if change.text:
            self._show_text()
        if change.values and model.trace is None:
            self.values.show_values(model.values)
            self._fit_side_panel()
            if change.graph:  # another formula: what was selected may be gone
                self._selection = None
                self.details.clear_selection()
            self.graph_changed.emit(model.graph)
        if change.graph or change.values or change.step:
            self._draw()
        if change.trace:
            self.view.fit()
        if change.values and model.trace is None:
            cg = model.graph
            inputs = ", ".join(cg.inputs) or "none"
            self._announce(  # not the output's value: that would give the forward pass away
                f"Graph of {cg.node(cg.output)['symbol']}: {cg.graph.number_of_nodes()} nodes, "
                f"{cg.graph.number_of_edges()} edges, inputs {inputs}"
            )

    def _show_text(self) -> None:
        """The editor, its error marks and the preset picker, after the model took a text."""
        model = self.model
        if self.editor.toPlainText() != model.text:
            self.editor.show_formula(model.text)
        error = model.error
        if error is None:
            self.editor.clear_error()
            self.error_label.hide()
        else:
            self.error_label.setText(f"{error.where()}{error.message}")
            self.error_label.show()
            if error.line is not None:
                self.editor.mark_error(error.line, error.column)
            self._announce(f"Formula error: {error.where()}{error.message} (the last good graph stays shown)")
        self._follow_preset(model.text)

    def _announce(self, text: str) -> None:
        self.status_text = text
        self.status_message.emit(text)

    def _follow_preset(self, text: str) -> None:
        """Select the preset whose text this is, or none when the formula is the user's own."""
        index = next((i for i, p in enumerate(PRESETS) if p.source.strip() == text.strip()), -1)
        self.preset_picker.setCurrentIndex(index)
        # The box may be narrower than a long title: the whole name is one hover away.
        self.preset_picker.setToolTip(PRESETS[index].title if index >= 0 else "Your own formula")
        self.preset_about.setText(PRESETS[index].about if index >= 0 else "")
        self.preset_about.setVisible(index >= 0)

    def _draw(self) -> None:
        """Hand the view the model's frame (in a quiz's words, if masked), then caption it."""
        frame = self.model.frame()
        if frame is None:
            return
        if self._mask is not None and self.model.trace is None:
            frame = replace(frame, words=self._mask(frame))
        self.view.draw(frame)
        self.caption.show_state(frame.state, self.model.step_count(), frame.words.step_caption(frame.state))
        self._show_selection()
        self.state_shown.emit(frame.state)

    def _playing_changed(self, playing: bool) -> None:
        self.play_action.setText("&Pause" if playing else "&Play")

    def _node_selected(self, node_id: int) -> None:
        self._selection = ("node", node_id)
        self._show_selection()
        self.node_clicked.emit(node_id)

    def _edge_selected(self, edge: object) -> None:
        self._selection = ("edge", tuple(edge))
        self._show_selection()
        self.edge_clicked.emit(tuple(edge))

    def _show_selection(self) -> None:
        cg, state, selection = self.cg, self.state, self._selection
        if cg is None or state is None or selection is None or self._details_hidden or self.trace is not None:
            return  # (a trace's selection is described beside its code)
        kind, item = selection
        if kind == "node" and item in cg.graph.nodes:
            self.details.show_node(cg, state, item)
        elif kind == "edge" and item is not None and cg.graph.has_edge(*item):
            self.details.show_edge(cg, state, item)
        else:
            self._selection = None
            self.details.clear_selection()

    # ----- Qt events ------------------------------------------------------------------------

    def hideEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Nothing animates unseen: pause, and apply any pending text now."""
        self.player.pause()
        self.editor.flush()
        super().hideEvent(event)

    def closeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Stop every timer."""
        self.shutdown()
        super().closeEvent(event)


def _heading(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setBuddy(buddy)
    return label


def _tint(label: QLabel, colour: str) -> None:
    """Colour a label's text through its palette (a style sheet would stop it inheriting the font)."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(palette)
