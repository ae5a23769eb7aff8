"""Handouts: an evaluated graph's full derivation as Markdown or as a complete LaTeX document.

Both formats are rendered from one list of sections: the inputs, every forward value, every
local derivative (with the rule it comes from), every backward step and the chain rule for every
input, in the same words and numbers as the app's captions (core.engine.explain, core.formatting.fmt).
With `with_answers=False` the numbers to find are left as gaps: a problem sheet instead of its
solution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.engine import explain, ops
from core.files import atomic_write_text
from core.formatting import fmt
from core.engine.graph import ComputationGraph
from core.teach.latex import BLANK, escape_text, is_identifier_like, to_latex
from core.engine.steps import Schedule

DEFAULT_TITLE = "Backpropagation, step by step"
_OUT, _FIRST, _SECOND = "\ue000", "\ue001", "\ue002"  # placeholders for a rule's names


@dataclass(frozen=True)
class Part:
    """A piece of a handout line: mathematics, plain words, or an operation's rule."""

    kind: str  # "math" | "text" | "rule"
    text: str = ""
    node: int | None = None  # for "rule": the operation whose rule this is


@dataclass(frozen=True)
class Section:
    """A titled part of the handout: a sentence on what it does, then one line per item."""

    title: str
    note: str  # one sentence on what the section does
    lines: list[list[Part]]


def _math(text: str) -> Part:
    return Part("math", text)


def derivation_sections(cg: ComputationGraph, with_answers: bool = True) -> list[Section]:
    """The derivation of an evaluated graph as format-neutral sections."""
    if any(cg.value(n) is None for n in cg.nodes):
        raise ValueError("evaluate the graph before writing a handout")
    out = explain.output_symbol(cg)
    ops_nodes = [n for n in cg.nodes if cg.node(n)["kind"] == "op"]
    return [
        Section("Inputs", "The values the formula starts from.",
                [[_math(f"{name} = {fmt(cg.value(n))}")] for name, n in cg.input_nodes.items()]),
        Section("1. Forward pass", "Each operation, computed from the values of its inputs.",
                [[_math(explain.forward_sentence(cg, n) if with_answers
                        else f"{_left_side(cg, n)} = {BLANK}")] for n in ops_nodes]),
        Section("2. Local derivatives",
                "The rule of each operation, then its value here. Constants get none: nothing is "
                "differentiated with respect to a constant.",
                [_local_line(cg, n, with_answers) for n in ops_nodes if _differentiable_edges(cg, n)]),
        Section("3. Backward pass",
                "Start with gradient 1 at the output. Along each edge, multiply the upstream "
                "gradient by the local derivative; where paths meet, add.",
                _backward_lines(cg, with_answers)),
        Section("4. The chain rule for every input", "Each input's gradient, path by path.",
                [[_math(explain.derivation(cg, name) if with_answers
                       else f"{explain.partial(out, name)} = {BLANK}")] for name in cg.input_nodes]),
    ]


def _left_side(cg: ComputationGraph, node_id: int) -> str:
    data = cg.node(node_id)
    if data["symbol"] in (data["expr"], f"({data['expr']})"):
        return data["expr"]
    return f"{data['symbol']} = {data['expr']}"


def _differentiable_edges(cg: ComputationGraph, node_id: int) -> list[tuple[int, int, int]]:
    return [e for e in cg.in_edges(node_id) if cg.differentiable(e[0])]


def _local_line(cg: ComputationGraph, node_id: int, with_answers: bool) -> list[Part]:
    line = [Part("rule", node=node_id), Part("text", ": ")]
    for index, edge in enumerate(_differentiable_edges(cg, node_id)):
        if index:
            line.append(Part("text", ", "))
        if with_answers:
            line.append(_math(explain.local_sentence(cg, edge)))
        else:
            source, target, _ = edge
            asked = explain.partial(explain.symbol(cg, target), explain.symbol(cg, source))
            line.append(_math(f"{asked} = {BLANK}"))
    return line


def _backward_lines(cg: ComputationGraph, with_answers: bool) -> list[list[Part]]:
    if with_answers:
        steps = Schedule(cg).steps
        return [[_math(s.caption)] for s in steps if s.kind in ("seed", "backward", "accumulate")]
    out = explain.output_symbol(cg)
    return [[_math(f"{explain.partial(out, explain.symbol(cg, n))} = {BLANK}")]
            for n in reversed(cg.nodes) if cg.differentiable(n) and n != cg.output]


# ----- Markdown --------------------------------------------------------------------------------

def handout_markdown(cg: ComputationGraph, source: str | None = None, title: str = DEFAULT_TITLE,
                     with_answers: bool = True) -> str:
    """The derivation as Markdown: mathematics in code spans, so no name can break the markup."""
    lines = [f"# {_markdown_escape(title)}", ""]
    if source is not None:
        fence = "`" * max(3, _longest_run(source, "`") + 1)
        lines += ["## The formula", "", f"{fence}text", source.strip("\n"), fence, ""]
    for section in derivation_sections(cg, with_answers):
        lines += [f"## {section.title}", "", _markdown_escape(section.note), ""]
        lines += [f"- {''.join(_markdown_part(cg, part) for part in line)}" for line in section.lines]
        lines += [""] if section.lines else ["(none)", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_part(cg: ComputationGraph, part: Part) -> str:
    if part.kind == "rule":
        return f"`{explain.rule_of(cg, part.node)}`"
    if part.kind == "math":
        return f"`{part.text}`"
    return _markdown_escape(part.text)


def _markdown_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


# ----- LaTeX -----------------------------------------------------------------------------------

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{amsmath}
\usepackage[a4paper,margin=2.5cm]{geometry}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\begin{document}
"""


def handout_latex(cg: ComputationGraph, source: str | None = None, title: str = DEFAULT_TITLE,
                  with_answers: bool = True) -> str:
    """The derivation as a complete LaTeX document (article class; amsmath; pdflatex-ready)."""
    names = _graph_names(cg)
    body = [_PREAMBLE + rf"\section*{{{escape_text(title)}}}"]
    if source is not None:
        listing = [escape_text(line) for line in source.splitlines() if line.strip()]
        body += [r"\subsection*{The formula}", r"\begin{flushleft}\ttfamily",
                 " \\\\\n".join(listing), r"\end{flushleft}"]
    for section in derivation_sections(cg, with_answers):
        body += [rf"\subsection*{{{escape_text(section.title)}}}", escape_text(section.note)]
        if section.lines:
            body.append(r"\begin{itemize}")
            body += [r"\item " + "".join(_latex_part(cg, part, names) for part in line)
                     for line in section.lines]
            body.append(r"\end{itemize}")
        else:
            body.append("(none)")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def _latex_part(cg: ComputationGraph, part: Part, names: set[str]) -> str:
    if part.kind == "rule":
        return rf"\({_latex_rule(cg, part.node, names)}\)"
    if part.kind == "math":
        return rf"\({to_latex(part.text, names)}\)"
    return escape_text(part.text)


def _latex_rule(cg: ComputationGraph, node_id: int, names: set[str]) -> str:
    """An operation's rule, from its template: its words stay words even if a name equals one."""
    data = cg.node(node_id)
    operands = [explain.symbol(cg, u) for u, _, _ in cg.in_edges(node_id)]
    atoms = {_OUT: to_latex(data["symbol"], names)}
    atoms.update({mark: to_latex(name, names) for mark, name in zip((_FIRST, _SECOND), operands)})
    template = ops.OPS[data["op"]].rule
    template = template.replace("{out}", _OUT).replace("{0}", _FIRST).replace("{1}", _SECOND)
    return to_latex(template, set(), atoms)


def _graph_names(cg: ComputationGraph) -> set[str]:
    """Every variable name the graph's sentences can contain: inputs and named results."""
    names = set(cg.inputs)
    for node_id in cg.nodes:
        data = cg.node(node_id)
        if data["name"]:
            names.add(data["name"])
        if data["kind"] == "op" and is_identifier_like(data["symbol"]):
            names.add(data["symbol"])  # automatic names (h₁) and the output's name (f)
    return names


# ----- files -----------------------------------------------------------------------------------

FORMATS = {".md": handout_markdown, ".markdown": handout_markdown, ".tex": handout_latex}


def write_handout(cg: ComputationGraph, path: str | Path, source: str | None = None,
                  title: str = DEFAULT_TITLE, with_answers: bool = True) -> Path:
    """Write a handout as Markdown (.md) or LaTeX (.tex), chosen by the file's suffix."""
    path = Path(path)
    render = FORMATS.get(path.suffix.lower())
    if render is None:
        raise ValueError(f"cannot write a handout as '{path.suffix or path.name}': use .md or .tex")
    text = render(cg, source=source, title=title, with_answers=with_answers)
    atomic_write_text(path, text)  # FileWriteError (a ValueError) says what went wrong
    return path
