"""Torch's graph of a variant on the graph page: asks for it, shows it, and links it to the code.

The trace is computed in a child process (gui.trace.runner), so the window never imports torch.
While it runs the banner says so and the variant's code is already shown; when it arrives the
page draws it with its core.trace.steps.TraceSchedule, stepping as for a formula. A node or an
arrow clicked marks the line of core/training/variants.py behind it; a line clicked selects what it made.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from core.formatting import fmt
from core.engine.steps import State
from core.trace.graph import AUTOGRAD, TensorGraph
from core.trace.steps import TraceSchedule
from core.training import registry
from core.training.request import TrainingRequest
from core.trace import keeps_text, tensor_text
from gui.graph.page import GraphPage
from gui.trace.banner import TraceBanner
from gui.trace.panel import TracePanel
from gui.trace.runner import TraceRunner

log = logging.getLogger(__name__)
COMPUTING = "computing torch's graph…"


class TraceController(QObject):
    """Opens, shows and closes "Torch graph of <variant>" on the graph page."""

    status_message = Signal(str)  # a sentence for the window's status bar

    def __init__(self, page: GraphPage, parent: QObject | None = None, runner: TraceRunner | None = None):
        super().__init__(parent)
        self.page = page
        self.catalog = {info.name: info for info in registry.variants()}
        self.runner = runner if runner is not None else TraceRunner(self)
        self.banner = TraceBanner()
        self.banner.hide()
        page.add_above_graph(self.banner)
        self.panel = TracePanel()
        self.panel.hide()
        page.add_above_caption(self.panel)
        self.variant: str | None = None  # the variant asked for (shown, or being computed)
        self.setting = ""  # where its numbers come from, in words
        self.graph: TensorGraph | None = None

        self.menu = QMenu("Torch &graph of…", page)
        self.menu.setObjectName("traceMenu")
        self.menu.setToolTip("The graph torch builds for a variant's loss, at the shared start")
        self.variant_actions: dict[str, QAction] = {}
        for name in registry.names():
            action = self.menu.addAction(f"{name} ({self.catalog[name].class_name})")
            action.setObjectName(f"traceAction_{name}")
            action.triggered.connect(lambda _=False, name=name: self.open_trace(name))
            self.variant_actions[name] = action

        self.runner.finished.connect(self._arrived)
        self.runner.failed.connect(self._failed)
        self.banner.back_requested.connect(self.close_trace)
        self.panel.line_selected.connect(self._line_selected)
        page.trace_changed.connect(self._trace_changed)
        page.state_shown.connect(self._state_shown)
        page.node_clicked.connect(self._node_selected)
        page.edge_clicked.connect(self._edge_selected)

    # ----- opening and closing ---------------------------------------------------------------

    def open_trace(self, name: str, request: TrainingRequest | None = None) -> None:
        """Compute and show torch's graph of variant `name` as the Training page's request asks.

        Without them: the bundled data and default options, at the shared start (epoch 0).
        """
        info = self.catalog[name]
        self.variant, self.setting = name, _setting_words(request)
        self.runner.start(name, request)
        self.banner.show_state("computing", f"Torch graph of {name}",
                               f"{COMPUTING} A separate process, where torch lives, runs "
                               f"{info.class_name}.step() once ({self.setting}).")
        self.banner.show()
        self.status_message.emit(f"Torch graph of {name}: {COMPUTING}")

    def close_trace(self) -> None:
        """Back to the formula: stop any computation and hide the banner and code."""
        self.runner.cancel()
        self.variant, self.graph = None, None
        self.banner.hide()
        self.panel.hide()
        self.page.close_trace()

    def shutdown(self) -> None:
        """Stop a trace still being computed (the window is closing)."""
        self.runner.cancel()

    def _arrived(self, tg: TensorGraph) -> None:
        name = self.variant
        if name is None:
            return
        self.graph = tg
        self.panel.show_variant(self.catalog[name])
        self.panel.show_trace(tg)
        self.panel.show()
        self.page.show_trace(tg, TraceSchedule(tg))
        what = ("the graph torch built for its loss" if tg.method == AUTOGRAD
                else "no autograd graph: the chain its step() writes out by hand")
        self.banner.show_state("shown", f"Torch graph of {name}", f"{what} · {self.setting}")
        self.status_message.emit(f"Torch graph of {name}: step through it as through a formula")

    def _failed(self, message: str) -> None:
        name = self.variant or "?"
        log.warning("Torch graph of %s failed: %s", name, message)
        self.banner.show_state("failed", f"Torch graph of {name}: not available", message)
        self.banner.show()
        self.status_message.emit(f"Torch graph of {name} failed: {message}")

    def _trace_changed(self, tg: TensorGraph | None) -> None:
        if tg is None and self.graph is not None:  # the page took the stage back (a lesson, a session)
            self.runner.cancel()
            self.variant, self.graph = None, None
            self.banner.hide()
            self.panel.hide()

    # ----- linking graph and code -------------------------------------------------------------

    def _state_shown(self, state: State) -> None:
        tg = self.page.trace
        if tg is None:
            return  # a formula's state
        line = None
        if state.active_edge is not None:
            line = tg.edge(state.active_edge).get("line") or tg.node(state.active_edge[1])["line"]
        elif state.active_node is not None and state.phase == "forward":
            line = tg.node(state.active_node)["line"]
        self.panel.code.show_step_line(line, state.phase)

    def _node_selected(self, node_id: int) -> None:
        tg = self.page.trace
        if tg is None or node_id not in tg.graph.nodes:
            return
        line = tg.node(node_id)["line"]
        self.panel.code.mark_lines([line] if line is not None else [])
        known = self._known(node_id)
        lines = tensor_text.node_tooltip(tg, node_id, *known).splitlines()
        lines += keeps_text.kept_lines(tg, node_id) if all(known) else []  # not before the backward
        self.panel.show_details(lines[0], lines[1:])

    def _edge_selected(self, edge: tuple[int, int, int]) -> None:
        tg = self.page.trace
        if tg is None or not tg.graph.has_edge(*edge):
            return
        line = tg.edge(edge).get("line") or tg.node(edge[1])["line"]
        self.panel.code.mark_lines([line] if line is not None else [])
        state = self.page.state
        known = (state is not None and edge[1] in state.values, state is not None and edge in state.contributions)
        lines = tensor_text.edge_tooltip(tg, edge, *known).splitlines()
        self.panel.show_details(lines[0], lines[1:])

    def _line_selected(self, line: int) -> None:
        tg = self.page.trace
        if tg is None:
            return
        nodes, edges = tg.nodes_at_line(line), tg.edges_at_line(line)
        self.page.highlight(nodes, edges)
        self.panel.code.mark_lines([line])
        code = self.panel.code.line_text(line).strip()
        made = [tg.node(n)["symbol"] for n in nodes]
        computed = [f"{tg.node(u)['symbol']} → {tg.node(v)['symbol']}" for u, v, _ in edges]
        said = []
        if made:
            said.append(f"made {', '.join(made)} in the graph")
        if computed:
            said.append(f"computes the backward step along {', '.join(computed)}")
        self.panel.show_details(f"line {line}: {code}",
                                ["It " + " and ".join(said) + "." if said else "It made nothing in this graph."])

    def _known(self, node_id: int) -> tuple[bool, bool]:
        state = self.page.state
        if state is None:
            return False, False
        return node_id in state.values, node_id in state.grads


def _setting_words(request: TrainingRequest | None) -> str:
    """Where the numbers come from: the parameters' moment, then the data and options."""
    epochs = request.config.epochs if request is not None else 0
    request = request if request is not None else TrainingRequest()
    when = ("at the shared start, before the first update" if epochs == 0
            else f"after {epochs} epoch{'s' if epochs != 1 else ''} of training")
    parts = [when, f"lr {fmt(request.config.lr)}", f"activation {request.config.activation}"]
    if not request.data.is_bundled:
        parts.append(f"data {request.data.source.name}")
    return " · ".join(parts)
