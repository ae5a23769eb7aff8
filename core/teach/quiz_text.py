"""The words a quiz shows in place of hidden numbers: `∂a/∂u = ?`, `1 · ? = ?`, `Done: ∂a/∂w = ?`.

Qt-free, like core/engine/graph_text.py: the drawing decides where text goes, this module what a masked
label says. Every symbol comes from core.engine.explain and every number from core.formatting, so a
masked label reads exactly like the real one with the answer replaced by "?". `MaskedWords` wraps a
formula's words for one state: the view draws them as it draws any words, so nothing is overwritten
after drawing.
"""

from __future__ import annotations

from collections.abc import Hashable

from core.engine import explain, graph_text
from core.engine.graph_text import Words
from core.engine.steps import Schedule, State, Step
from core.formatting import fmt
from core.engine.graph import ComputationGraph
from core.teach.quiz import Question, Quiz

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


class MaskedWords:
    """A formula's words with a quiz's open answers, and the gradient being predicted, shown as "?".

    Made for one state of `schedule`: `predicted` is the question asked before the state's last
    step may be looked at (predict mode), or None.
    """

    def __init__(self, words: Words, quiz: Quiz | None, schedule: Schedule, state: State,
                 predicted: Question | None = None):
        self.words, self.quiz, self.schedule, self.predicted = words, quiz, schedule, predicted
        self.value_halo = words.value_halo
        self.step: Step | None = schedule.steps[state.step - 1] if state.step else None
        predicting = predicted is not None and self.step is not None
        self.predicted_node = self.step.node if predicting else None
        self.predicted_edge = self.step.edge if predicting and self.step.kind == "backward" else None

    def plain(self) -> Words:
        """The words underneath, nothing masked (the drawing is sized by them)."""
        return self.words.plain()

    def _hidden(self, kind: str, target) -> bool:
        return self.quiz is not None and self.quiz.is_hidden(kind, target)

    def _gradient_hidden(self, node_id: int) -> bool:
        return node_id == self.predicted_node or self._hidden("grad", node_id)

    def box_title(self, cg: ComputationGraph, node_id: int) -> str:
        return self.words.box_title(cg, node_id)

    def op_symbol(self, cg: ComputationGraph, node_id: int) -> str:
        return self.words.op_symbol(cg, node_id)

    def name_text(self, cg: ComputationGraph, node_id: int) -> str:
        return self.words.name_text(cg, node_id)

    def node_value(self, cg: ComputationGraph, node_id: int, value: float) -> str:
        return HIDDEN if self._hidden("value", node_id) else self.words.node_value(cg, node_id, value)

    def gradient_text(self, cg: ComputationGraph, node_id: int, grad: float) -> str:
        if self._gradient_hidden(node_id):
            return hidden_gradient(cg, node_id)
        return self.words.gradient_text(cg, node_id, grad)

    def received_text(self, cg: ComputationGraph, node_id: int, contributions: list[float]) -> str:
        if self._gradient_hidden(node_id):
            return hidden_gradient(cg, node_id)
        return self.words.received_text(cg, node_id, contributions)

    def local_text(self, cg: ComputationGraph, edge: Edge) -> str:
        return hidden_local(cg, edge) if self._hidden("local", edge) else self.words.local_text(cg, edge)

    def flow_text(self, cg: ComputationGraph, edge: Edge) -> str:
        if edge == self.predicted_edge or (self.quiz is not None and self.quiz.is_contribution_hidden(edge)):
            return hidden_flow(cg, edge, not self._gradient_hidden(edge[1]), not self._hidden("local", edge))
        return self.words.flow_text(cg, edge)

    def node_tooltip(self, cg: ComputationGraph, node_id: int, value_known: bool, gradient_known: bool) -> str:
        if self.quiz is None:
            return self.words.node_tooltip(cg, node_id, value_known, gradient_known)
        data = cg.node(node_id)
        title = self.words.box_title(cg, node_id) if data["kind"] == "op" else data["label"]
        return item_tooltip(title, self.quiz.open_questions_at(node_id))

    def edge_tooltip(self, cg: ComputationGraph, edge: Edge, local_known: bool, flow_known: bool) -> str:
        if self.quiz is None:
            return self.words.edge_tooltip(cg, edge, local_known, flow_known)
        title = f"{explain.symbol(cg, edge[0])} → {explain.symbol(cg, edge[1])}"
        return item_tooltip(title, self.quiz.open_questions_at(edge))

    def tooltip_key(self, target: int | Edge) -> Hashable:
        """The open questions at a node or edge decide its tooltip in a quiz."""
        if self.quiz is None:
            return self.words.tooltip_key(target)
        return "quiz", tuple(q.key for q in self.quiz.open_questions_at(target))

    def step_caption(self, state: State) -> str:
        """The step's caption, or a question instead when the caption would give an answer away."""
        if self.predicted is not None:
            return question_caption(self.predicted, predicting=True)
        quiz, step, cg = self.quiz, self.step, self.schedule.graph
        if step is None or quiz is None:
            return self.words.step_caption(state)
        if step.kind == "done":
            hidden = {n for n in cg.input_nodes.values() if quiz.is_hidden("grad", n)}
            return done_caption(cg, hidden) if hidden else self.words.step_caption(state)
        # What the step's caption states: a value, or a gradient from upstream × local.
        if step.kind == "backward":
            about = [("grad", step.node), ("local", step.edge), ("grad", step.edge[1])]
        elif step.kind in ("forward", "accumulate"):
            about = [("value" if step.kind == "forward" else "grad", step.node)]
        else:
            about = []
        asked = [quiz.questions[key] for key in about if quiz.is_hidden(*key)]
        return question_caption(asked[0]) if asked else self.words.step_caption(state)
