"""The words a quiz shows in place of hidden numbers: `∂a/∂u = ?`, `1 · ? = ?`, `Done: ∂a/∂w = ?`.

Qt-free, like core/engine/graph_text.py: the drawing decides where text goes, this module what a masked
label says. Every symbol comes from core.engine.explain and every number from core.formatting, so a
masked label reads exactly like the real one with the answer replaced by "?".
"""

from __future__ import annotations

from core.engine import explain, graph_text
from core.formatting import fmt
from core.engine.graph import ComputationGraph
from core.teach.quiz import Question

Edge = tuple[int, int, int]
HIDDEN = "?"
CLICK_HINT = "click it in the graph to answer"


def hidden_gradient(cg: ComputationGraph, node_id: int) -> str:
    """A node's gradient label with the number hidden: `∂a/∂u = ?`."""
    return f"{explain.partial(explain.output_symbol(cg), explain.symbol(cg, node_id))} = {HIDDEN}"


def hidden_local(cg: ComputationGraph, edge: Edge) -> str:
    """An edge's local-derivative label with the number hidden: `local ∂u/∂w = ?`."""
    return graph_text.local_label(cg, edge, HIDDEN)


def hidden_flow(cg: ComputationGraph, edge: Edge, upstream_known: bool, local_known: bool) -> str:
    """The gradient flowing back along an edge, each hidden factor and the result as "?"."""
    upstream = explain.factor(cg.grad(edge[1])) if upstream_known else HIDDEN
    local = explain.factor(cg.edge(edge)["local_grad"]) if local_known else HIDDEN
    return graph_text.flow_label(upstream, local, HIDDEN, graph_text.operand_tag(cg, edge))


def question_caption(question: Question, predicting: bool = False) -> str:
    """The caption shown instead of a step that would give this question's answer away."""
    if predicting:
        return f"Predict before it is shown: {question.prompt}"
    return f"Your turn: {question.prompt}   ({CLICK_HINT})"


def done_caption(cg: ComputationGraph, hidden_inputs: set[int]) -> str:
    """The last step's caption, with the gradients still to find shown as "?"."""
    out = explain.output_symbol(cg)
    parts = [f"{explain.partial(out, name)} = {HIDDEN if n in hidden_inputs else fmt(cg.grad(n))}"
             for name, n in cg.input_nodes.items()]
    return f"Done: {', '.join(parts)}" if parts else "Done: this formula has no inputs"


def item_tooltip(title: str, questions: list[Question]) -> str:
    """A tooltip for a node or edge with hidden numbers: what to find there, never the answer."""
    asks = "\n".join(f"find {q.prompt}" for q in questions)
    return f"{title}\n{asks}\n({CLICK_HINT})" if asks else title
