"""Turn the app's plain-text mathematics (∂a/∂w = 1 · 3 = 3) into LaTeX, escaping everything else.

The sentences come from core.engine.explain, written for people in Unicode. Here each one is split into
tokens: the graph's own names become math names (w1 → w_{1}, σ → \\sigma), the symbols become
LaTeX (∂ → \\partial, · → \\cdot), and words that are not names are set as text inside the math.
Nothing the user typed can inject LaTeX: every character is either recognised or escaped.
"""

from __future__ import annotations

import re

from core.engine.ops import OPS

BLANK = "____"  # a gap for the student to fill in, in the plain-text sentences
BLANK_LATEX = r"\underline{\qquad\qquad}"

_GREEK_SMALL = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
                "varsigma sigma tau upsilon phi chi psi omega").split()
_GREEK_CAPITAL = ("A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P - Sigma T Upsilon Phi X Psi "
                  "Omega").split()  # "-": U+03A2 is unassigned
GREEK: dict[str, str] = {
    **{chr(0x3B1 + i): (rf"\{n}" if len(n) > 1 else n) for i, n in enumerate(_GREEK_SMALL)},
    **{chr(0x391 + i): (rf"\{n}" if len(n) > 1 else n) for i, n in enumerate(_GREEK_CAPITAL) if n != "-"},
    **{name: rf"\{name}" for name in _GREEK_SMALL if len(name) > 2 and name != "varsigma"},
    "mu": r"\mu", "nu": r"\nu", "xi": r"\xi", "pi": r"\pi",
}
# The operations' own LaTeX lives in their table entry; "ln" and "sign" appear only in the rules.
FUNCTIONS = {
    **{op.name: op.latex for op in OPS.values() if op.latex},
    "ln": r"\ln", "sign": r"\operatorname{sign}",
}
SYMBOLS = {
    "∂": r"\partial ", "·": r"\cdot ", "×": r"\times ", "÷": r"\div ", "…": r"\dots ",
    "½": r"\tfrac{1}{2}", "−": "-", "≈": r"\approx ", "≤": r"\le ", "≥": r"\ge ", "∞": r"\infty ",
}
_PLAIN_MATH = set("()[]+-=/<>,|!'")
_PROSE_PUNCTUATION = set(":;.?")
_SUPERSCRIPTS = {"²": "2", "³": "3"}
_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\textasciicircum{}",
    "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\textasciitilde{}",
}
# Letters a name may hold here: ASCII, accented Latin (without × and ÷) and Greek. Python allows
# more, but pdflatex could not set them anyway; they are escaped like any other character.
_LETTER = "A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff"
_TOKEN = re.compile(
    rf"(?P<blank>{BLANK})"
    r"|(?P<space>\s+)"
    r"|(?P<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    rf"|(?P<name>[{_LETTER}][{_LETTER}0-9]*[₀-₉]*(?:[′″‴]|⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾)?)"
    r"|(?P<symbol>.)",
    re.DOTALL,
)
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def escape_text(text: str) -> str:
    """Plain text made safe for LaTeX text mode; characters pdflatex cannot set become '?'."""
    out = []
    for char in text:
        if char in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[char])
        elif char in SYMBOLS or char in GREEK:
            out.append(f"${SYMBOLS.get(char) or GREEK[char]}$")
        elif char in _SUPERSCRIPTS:
            out.append(rf"\textsuperscript{{{_SUPERSCRIPTS[char]}}}")
        elif char == "\t" or " " <= char <= "~" or "\u00c0" <= char <= "\u017f":
            out.append(char)  # ASCII and accented Latin letters: T1 fonts have them
        elif char == "\n":
            out.append(" ")
        else:
            out.append("?")
    return "".join(out)


VERSION_MARKS = {"′": "'", "″": "''", "‴": "'''"}  # u′ → u'
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def latex_name(name: str) -> str:
    """A variable name in math: w1 → w_{1}, h₁ → h_{1}, alpha → \\alpha, yhat → \\mathit{yhat}, u′ → u'."""
    if name and name[-1] in VERSION_MARKS:
        return latex_name(name[:-1]) + VERSION_MARKS[name[-1]]
    version = re.fullmatch(r"(.+)⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾", name)
    if version:
        return f"{latex_name(version.group(1))}^{{({version.group(2).translate(_SUPERSCRIPT_DIGITS)})}}"
    match = re.fullmatch(r"(.+?)_?(\d+|[₀-₉]+)", name)
    if match and not match.group(1).endswith("_"):
        base, digits = match.group(1), match.group(2).translate(_SUBSCRIPT_DIGITS)
        return f"{latex_name(base)}_{{{digits}}}"
    if name in GREEK:
        return GREEK[name]
    if len(name) == 1 and name.isascii():
        return name
    if name.isascii():
        return rf"\mathit{{{escape_text(name)}}}"
    return rf"\text{{{escape_text(name)}}}"


def latex_number(text: str) -> str:
    """A number as fmt writes it, in math: 1.5e-7 → 1.5\\cdot 10^{-7}, inf → \\infty."""
    if text in ("inf", "-inf"):
        return text.replace("inf", r"\infty")
    if text == "nan":
        return r"\mathrm{nan}"
    mantissa, _, exponent = text.partition("e")
    return rf"{mantissa}\cdot 10^{{{int(exponent)}}}" if exponent else mantissa


def to_latex(text: str, names: set[str], atoms: dict[str, str] | None = None) -> str:
    """A plain-text math sentence as LaTeX math (without the surrounding \\( \\)).

    `names` are the graph's variable names; any other word is prose, set with \\text. `atoms`
    maps placeholder characters to ready-made LaTeX (used for rule templates).
    """
    atoms = atoms or {}
    tokens: list[tuple[str, str]] = []  # (kind, latex); kind is "math", "prose" or "space"
    previous = None  # the kind of the last token that was not a space
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if tokens and tokens[-1][0] != "space":
            previous = tokens[-1][0]
        if kind == "space":
            tokens.append(("space", " "))
        elif kind == "blank":
            tokens.append(("math", BLANK_LATEX))
        elif kind == "number":
            tokens.append(("math", latex_number(value)))
        elif kind == "name":
            tokens.append(_name_token(value, names))
        elif value in atoms:
            tokens.append(("math", atoms[value]))
        elif value in SYMBOLS or value in _PLAIN_MATH or value in "^√" or value in _SUPERSCRIPTS:
            tokens.append(("math", SYMBOLS.get(value, value)))
        elif value in _PROSE_PUNCTUATION and previous == "prose":
            tokens.append(("prose", value))
        elif value in _PROSE_PUNCTUATION:
            tokens.append(("math", value))
        else:
            tokens.append(("prose", escape_text(value)))
    return _assemble(_group_superscripts(_parentheses_around_words(tokens)))


def _parentheses_around_words(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Set "(" before a word and ")" after one as text, so "1/w (natural logarithm)" keeps its space."""
    kinds = [kind for kind, _ in tokens]
    out = list(tokens)
    for index, (kind, value) in enumerate(tokens):
        if kind != "math" or value not in "()":
            continue
        step = 1 if value == "(" else -1
        neighbour = index + step
        while 0 <= neighbour < len(tokens) and kinds[neighbour] == "space":
            neighbour += step
        if 0 <= neighbour < len(tokens) and kinds[neighbour] == "prose":
            out[index] = ("prose", value)
    return out


def _name_token(word: str, names: set[str]) -> tuple[str, str]:
    if word in names:
        return "math", latex_name(word)
    if word in GREEK and len(word) == 1:
        return "math", GREEK[word]
    if word in FUNCTIONS:
        return "math", FUNCTIONS[word]
    if word in ("inf", "nan"):
        return "math", latex_number(word)
    return "prose", escape_text(word)


def _group_superscripts(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Attach the operand after ^ and √ to it: x^(n - 1) → x^{(n - 1)}, √v → \\sqrt{v}."""
    out: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        index += 1
        if kind == "math" and value in _SUPERSCRIPTS:
            out.append(("math", f"^{{{_SUPERSCRIPTS[value]}}}"))
        elif kind == "math" and value in ("^", "√"):
            operand, index = _next_operand(tokens, index)
            inner = "".join(v for _, v in _group_superscripts(operand))
            out.append(("math", f"^{{{inner}}}" if value == "^" else rf"\sqrt{{{inner}}}"))
        else:
            out.append((kind, value))
    return out


def _next_operand(tokens: list[tuple[str, str]], index: int) -> tuple[list[tuple[str, str]], int]:
    """The tokens of one operand starting at `index` (a parenthesized group counts as one)."""
    while index < len(tokens) and tokens[index][0] == "space":
        index += 1
    if index >= len(tokens):
        return [], index
    if tokens[index] != ("math", "("):
        return [("math", tokens[index][1])], index + 1
    depth, start = 0, index
    while index < len(tokens):
        depth += {"(": 1, ")": -1}.get(tokens[index][1], 0) if tokens[index][0] == "math" else 0
        index += 1
        if depth == 0:
            break
    group = [("math", v if k != "prose" else rf"\text{{{v}}}") for k, v in tokens[start:index]]
    return group, index


def _assemble(tokens: list[tuple[str, str]]) -> str:
    """Join tokens, gathering each run of prose (with the spaces around it) into one \\text{}."""
    out: list[str] = []
    run: list[str] | None = None
    for index, (kind, value) in enumerate(tokens):
        if kind == "prose":
            if run is None:
                run = [" "] if index > 0 and tokens[index - 1][0] == "space" else []
            run.append(value)
        elif kind == "space":
            (run if run is not None else out).append(" ")
        else:
            if run is not None:
                out.append(rf"\text{{{''.join(run)}}}")
                run = None
            out.append(value)
    if run is not None:
        out.append(rf"\text{{{''.join(run)}}}")
    return "".join(out).strip()


def is_identifier_like(text: str) -> bool:
    """Whether `text` reads as one name token."""
    match = _TOKEN.fullmatch(text)
    return bool(match) and match.lastgroup == "name"

