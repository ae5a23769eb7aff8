"""What the graph knows about the clicked node or edge, at the step now shown."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import ComputationGraph
from core.engine.steps import State

Edge = tuple[int, int, int]
HINT = "Click a node or an arrow in the graph to see its formula, value, local derivative and gradient."


class DetailsPanel(QLabel):
    """A label describing one node or edge: formula, value, local derivative, gradient."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("selectionDetails")
        self.setAccessibleName("Details of the selected node or edge")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clear_selection()

    def clear_selection(self) -> None:
        """Show the hint instead of details."""
        self.setText(f"<span style='color:#666'>{escape(HINT)}</span>")

    def show_node(self, cg: ComputationGraph, state: State, node_id: int) -> None:
        """Describe node `node_id` as far as the shown step has computed it."""
        data = cg.node(node_id)
        name = explain.symbol(cg, node_id)
        out = explain.output_symbol(cg)
        if data["kind"] == "op":
            expr = data["expr"]
            title = expr if name in (expr, f"({expr})") else f"{name} = {expr}"
            kind = f"operation {data['op']}" + (" (the output)" if node_id == cg.output else "")
        else:
            title, kind = data["label"], "input" if data["kind"] == "input" else "constant"
        known = node_id in state.values
        rows = [("value", fmt(state.values[node_id]) if known else "not computed yet: step through the forward pass")]
        if data["kind"] == "op":
            locals_ = ", ".join(explain.local_sentence(cg, edge) for edge in cg.in_edges(node_id))
            rows.append(("local derivatives", locals_ if known else "known once the value is computed"))
        if data["kind"] == "const":
            rows.append(("gradient", "none: a constant is not differentiated"))
        elif node_id in state.grads:
            rows.append((f"gradient {explain.partial(out, name)}", fmt(state.grads[node_id])))
        elif state.received.get(node_id):
            parts = explain.sum_text(state.received[node_id])
            rows.append((f"gradient {explain.partial(out, name)}", f"so far {parts} (more paths to come)"))
        else:
            rows.append((f"gradient {explain.partial(out, name)}", "not yet: it comes in the backward pass"))
        if data["kind"] == "op":
            rows.append(("rule", explain.rule_of(cg, node_id)))
        self._show(title, kind, rows)

    def show_edge(self, cg: ComputationGraph, state: State, edge: Edge) -> None:
        """Describe edge `edge` (source, target, key) as far as the shown step has computed it."""
        source, target, _ = edge
        s, t = explain.symbol(cg, source), explain.symbol(cg, target)
        rows = []
        if target in state.values:
            rows.append(("local derivative", explain.local_sentence(cg, edge)))
        else:
            rows.append(("local derivative", f"{explain.partial(t, s)}: known once {t} is computed"))
        if edge in state.contributions:
            rows.append(("contribution", explain.chain_sentence(cg, edge)))
        elif not cg.differentiable(source):
            rows.append(("contribution", "none: no gradient flows into a constant"))
        else:
            rows.append(("contribution", "not yet: the gradient crosses this edge in the backward pass"))
        self._show(f"{s} → {t}", "edge", rows)

    def _show(self, title: str, kind: str, rows: list[tuple[str, str]]) -> None:
        body = "".join(
            f"<tr><td style='color:#555; padding-right:10px'>{escape(key)}</td>"
            f"<td><b>{escape(value)}</b></td></tr>"
            for key, value in rows
        )
        self.setText(
            f"<div style='font-size:large'><b>{escape(title)}</b> "
            f"<span style='color:#666'>({escape(kind)})</span></div><table>{body}</table>"
        )
