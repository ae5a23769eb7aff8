"""Handouts: every number of the derivation is in them, and the LaTeX is a well-formed document."""

import re
import shutil
import subprocess

import pytest

from core.engine import explain
from core.formatting import fmt
from core.engine.graph import build_graph
from core.teach.handout import handout_latex, handout_markdown, write_handout
from core.teach.latex import escape_text, latex_name, latex_number, to_latex
from core.teach.lessons import BY_KEY, LESSONS

TRICKY = (
    "α = 2; y_hat = 0.5; w1 = 1.5; b = -1  # a comment: { } $ % & ~ ^ \\ # 中\n"
    "u = max(α, y_hat)\n"
    "v = u**w1 / sqrt(b*b)\n"
    "h = tanh(v) - exp(-α*3) + log(w1)\n"
    "f = sigmoid(h)*min(b, 1) + abs(v)/1000000"
)


def every_number(cg):
    """(what, number) for each forward value, local derivative and gradient of the graph."""
    numbers = [("value", cg.value(n)) for n in cg.nodes]
    numbers += [("local", cg.edge(e)["local_grad"]) for n in cg.nodes for e in cg.in_edges(n)
                if cg.differentiable(e[0])]
    numbers += [("grad", cg.grad(n)) for n in cg.nodes if cg.differentiable(n)]
    return numbers


def check_well_formed_latex(text):
    assert text.startswith("\\documentclass")
    assert text.count("\\begin{document}") == 1 and text.rstrip().endswith("\\end{document}")
    stripped = text.replace("\\\\", "").replace("\\{", "").replace("\\}", "")
    depth = 0
    for char in stripped:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, "a } closes nothing"
    assert depth == 0, "a { is never closed"
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+\*?)\}", text):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, f"\\end{{{name}}} does not match"
    assert stack == []
    delimiters = re.findall(r"\\[()]", stripped)
    assert delimiters == ["\\(", "\\)"] * (len(delimiters) // 2), "inline math is not balanced"
    for unicode_math in "∂·σ×÷…½²√₁":
        assert unicode_math not in text.split("\\begin{flushleft}")[-1].split("\\end{flushleft}")[-1]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_markdown_has_every_value_local_derivative_gradient_and_chain_rule(lesson):
    cg = build_graph(lesson.source).evaluate()
    text = handout_markdown(cg, source=lesson.source, title=lesson.title)
    assert text.startswith(f"# {lesson.title}") and lesson.source in text
    for what, number in every_number(cg):
        assert re.search(rf"(?<![\d.]){re.escape(fmt(number))}(?!\d)", text), (what, fmt(number))
    for n in cg.nodes:
        if cg.node(n)["kind"] == "op":
            assert explain.forward_sentence(cg, n) in text
            assert explain.rule_of(cg, n) in text
            for edge in cg.in_edges(n):
                if cg.differentiable(edge[0]):
                    assert explain.local_sentence(cg, edge) in text
    for name in cg.inputs:
        assert f"`{explain.derivation(cg, name)}`" in text
    assert text.index("## 1. Forward pass") < text.index("## 2. Local derivatives") \
        < text.index("## 3. Backward pass") < text.index("## 4. The chain rule for every input")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_latex_is_a_complete_document_with_every_number(lesson):
    cg = build_graph(lesson.source).evaluate()
    text = handout_latex(cg, source=lesson.source, title=lesson.title)
    check_well_formed_latex(text)
    for what, number in every_number(cg):
        assert latex_number(fmt(number)) in text, (what, fmt(number))
    assert "\\partial" in text and "\\cdot" in text


def test_latex_writes_greek_subscripts_and_escapes_specials():
    cg = build_graph(BY_KEY["linear-regression"].source).evaluate()
    text = handout_latex(cg, title="Loss & gradient: 100% {by hand} #1 ~ $5 \\ x_1")
    assert "w_{1}" in text and "x_{2}" in text and "\\mathit{yhat}" in text
    assert r"Loss \& gradient: 100\% \{by hand\} \#1 \textasciitilde{} \$5 \textbackslash{} x\_1" in text
    sigmoid = build_graph(BY_KEY["sigmoid-neuron"].source).evaluate()
    assert "\\sigma" in handout_latex(sigmoid)
    assert latex_name("w1") == "w_{1}" and latex_name("h₁") == "h_{1}" and latex_name("x_12") == "x_{12}"
    assert latex_name("α") == latex_name("alpha") == "\\alpha" and latex_name("y_hat") == "\\mathit{y\\_hat}"
    assert to_latex("∂a/∂w = 1 · 3", {"a", "w"}) == "\\partial a/\\partial w = 1 \\cdot  3"
    assert to_latex("x^(n - 1)·√v", {"x", "n", "v"}) == "x^{(n - 1)}\\cdot \\sqrt{v}"
    assert latex_number("1.5e-7") == "1.5\\cdot 10^{-7}" and latex_number("-inf") == "-\\infty"
    assert escape_text("a_b {c} 中") == "a\\_b \\{c\\} ?"


def test_tricky_names_and_source_still_give_a_well_formed_document():
    cg = build_graph(TRICKY).evaluate()
    for with_answers in (True, False):
        text = handout_latex(cg, source=TRICKY, title="Tricky {σ} $ & _", with_answers=with_answers)
        check_well_formed_latex(text)


def test_a_rule_keeps_its_words_even_when_a_variable_has_the_same_name():
    cg = build_graph("a = 1; b = 2\nc = max(a, b)").evaluate()  # the rule says "on a tie"
    text = handout_latex(cg)
    assert "\\text{ on a tie" in text and "\\partial c/\\partial b" in text


def test_problem_sheet_leaves_gaps_instead_of_answers():
    lesson = BY_KEY["lecture"]
    cg = build_graph(lesson.source).evaluate()
    sheet = handout_markdown(cg, source=lesson.source, with_answers=False)
    assert "`u = w·x = ____`" in sheet and "`∂a/∂w = ____`" in sheet and "`∂u/∂w = ____`" in sheet
    assert "`w = 2`" in sheet and "`∂u/∂w = x and ∂u/∂x = w`" in sheet  # givens and rules stay
    work = sheet.split("## 1. Forward pass")[1]
    for n in cg.nodes:
        work = work.replace(explain.rule_of(cg, n), "")  # rules are tools, not answers: they stay
    assert not re.search(r"= -?\d", work)  # no number after an equals sign: all answers are gaps
    latex = handout_latex(cg, with_answers=False)
    check_well_formed_latex(latex)
    assert latex.count("\\underline{\\qquad\\qquad}") == 3 + 5 + 5 + 3


def test_write_handout_picks_the_format_by_suffix(tmp_path):
    cg = build_graph(BY_KEY["lecture"].source).evaluate()
    assert write_handout(cg, tmp_path / "sheet.md").read_text(encoding="utf-8").startswith("# ")
    assert write_handout(cg, tmp_path / "sheet.TEX").read_text(encoding="utf-8").startswith("\\documentclass")
    with pytest.raises(ValueError, match="use .md or .tex"):
        write_handout(cg, tmp_path / "sheet.pdf")
    with pytest.raises(ValueError, match="cannot write"):
        write_handout(cg, tmp_path / "missing-folder" / "sheet.md")


def test_an_unevaluated_graph_is_refused():
    with pytest.raises(ValueError, match="evaluate"):
        handout_markdown(build_graph("u = w*x"))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_pdflatex_compiles_the_handouts(tmp_path):
    documents = {
        "tricky": handout_latex(build_graph(TRICKY).evaluate(), source=TRICKY, title="Tricky {σ} $ & _"),
        "sheet": handout_latex(build_graph(BY_KEY["linear-regression"].source).evaluate(),
                               with_answers=False),
    }
    for name, text in documents.items():
        (tmp_path / f"{name}.tex").write_text(text, encoding="utf-8")
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", f"{name}.tex"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout[-3000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
