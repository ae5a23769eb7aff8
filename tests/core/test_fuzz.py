"""Fuzzing the parser and the engine: any text in, only the engine's own errors out, never eval.

Each input runs the whole pipeline the graph page and the command line run: parse → build_graph
→ evaluate (random values, non-finite ones included, for whichever inputs exist) → Schedule and
its states → layout → the chain-rule sentences, the text report and the strict JSON. The only
exceptions allowed are core.engine.parse.ParseError and core.engine.graph.GraphError. While an input runs,
builtins.eval and builtins.exec raise, and compile() refuses anything but an AST, so code from
the text can never run; each input must also finish within a generous time bound (an alarm
stops a runaway input, so a hang fails the test instead of stalling the suite).

The default run is short (CI); HYPOTHESIS_PROFILE=long runs 10,000 cases per property and
10,000 seeded random strings: `HYPOTHESIS_PROFILE=long python -m pytest tests/core/test_fuzz.py`.
"""

from __future__ import annotations

import ast
import builtins
import json
import math
import os
import random
import signal
import sys
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.engine import explain
from core.cli.graph import report
from core.engine.graph import GraphError, build_graph
from core.engine.graph_json import graph_to_dict
from core.engine.layout import layout
from core.engine.ops import FUNCTIONS
from core.engine.parse import MAX_CHARACTERS, ParseError
from core.engine.steps import Schedule

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = settings.default.max_examples if LONG else 120  # per property; the long profile: 10,000
RANDOM_STRINGS = 10_000 if LONG else 200
SECONDS_PER_INPUT = 10.0  # typical inputs take milliseconds, the largest legal ones about a second
ALARM_SECONDS = 30  # a runaway input is stopped here and fails

NAMES = ["x", "y", "w", "b", "u", "v", "a", "x1", "x_2", "é", "π", "_", "__x__", "True", "None"]
KEYWORDS = [
    "lambda", "import", "from", "for", "in", "if", "else", "while", "def", "class", "return",
    "yield", "await", "async", "with", "as", "not", "and", "or", "is", "del", "pass", "global",
    "assert", "raise", "try", "except", "print", "eval", "exec", "open", "__import__",
    "__builtins__", "os", "sys", "globals", "getattr", "breakpoint",
]
NUMBERS = ["0", "1", "2", "3.5", ".5", "1e308", "1e-320", "1e999", "0x1F", "0o7", "0b1", "1_000",
           "1j", "2.", "00", "9" * 40, "inf", "nan"]
OPERATORS = ["+", "-", "*", "/", "**", "//", "%", "@", "^", "&", "|", "~", "<", ">", "==", "!=",
             "<=", "=", ":=", "+=", "<<", ">>", "->", "!", "?", "$", "`", "\\"]
PUNCTUATION = ["(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "...", "'", '"', '"""', "#",
               " ", "  ", "\t", "\n", "\r\n", "\r", "\x0c", "\x00", "\ufeff", "\u00a0", "\u200b",
               "∂", "·", "²", "−", "𝑥", "→"]
TOKENS = NAMES + KEYWORDS + NUMBERS + OPERATORS + PUNCTUATION + list(FUNCTIONS)
CHARACTERS = sorted({c for token in TOKENS for c in token})

tokens = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
formula_characters = st.text(alphabet=st.sampled_from(CHARACTERS), max_size=80)
any_text = st.text(max_size=80)  # any code point but surrogates: controls, combining marks, emoji
byte_text = st.binary(max_size=80).map(lambda raw: raw.decode("latin-1"))  # bytes as characters
utf8_text = st.binary(max_size=80).map(lambda raw: raw.decode("utf-8", "replace"))
values = st.floats() | st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 1e308, -1e308, 5e-324])


@st.composite
def near_formulas(draw):
    """A valid formula or program, then a few random edits: deep into the engine, then off the edge."""
    names = ["x", "y", "w"]
    lines = []
    for index in range(draw(st.integers(1, 6))):
        function = draw(st.sampled_from(list(FUNCTIONS) + ["+", "-", "*", "/", "**"]))
        left, right = draw(st.sampled_from(names)), draw(st.sampled_from(names + NUMBERS[:6]))
        if function in FUNCTIONS:
            arguments = [left, right] if function in ("max", "min") else [left]
            expression = f"{function}({', '.join(arguments)})"
        else:
            expression = f"{left} {function} {right}"
        lines.append(f"t{index} = {expression}")
        names.append(f"t{index}")
    if draw(st.booleans()):
        lines.insert(0, f"x = {draw(st.sampled_from(NUMBERS))}")
    text = draw(st.sampled_from(["\n", "; "])).join(lines)
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        token = draw(st.sampled_from(TOKENS))
        end = position + (0 if edit == "insert" else draw(st.integers(1, 4)))
        text = text[:position] + ("" if edit == "delete" else token) + text[end:]
    return text


class CodeWasRun(AssertionError):
    """eval, exec or compile-to-bytecode was called while the engine handled an input."""


class TooSlow(AssertionError):
    """An input ran past the alarm."""


FIRST_PARTY = ("core", "gui", "main")


@contextmanager
def no_code_execution(text: str, calls: list[str]):
    """Fail if our code calls eval, exec or compile-to-bytecode, or if `text` reaches any of them.

    Libraries may compile their own fixed code (networkx builds its decorators' wrappers with
    compile and exec on first use), so a call is refused when it comes straight from a
    first-party module, or when the input text itself is in the code to run. compile() to an
    AST, which is how ast.parse reads the text, is always allowed.
    """
    real = {"eval": builtins.eval, "exec": builtins.exec, "compile": builtins.compile}

    def guard(name):
        def guarded(source, *args, **kwargs):
            if name == "compile":
                flags = args[2] if len(args) > 2 else kwargs.get("flags", 0)
                if flags & ast.PyCF_ONLY_AST:
                    return real[name](source, *args, **kwargs)
            caller = sys._getframe(1).f_globals.get("__name__", "")
            code = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
            reached = isinstance(code, str) and len(text.strip()) >= 6 and text in code
            if caller.split(".")[0] in FIRST_PARTY or reached:
                calls.append(f"{name} from {caller}")
                raise CodeWasRun(f"{name} was called from {caller} on {code!r:.80}")
            return real[name](source, *args, **kwargs)
        return guarded

    builtins.eval, builtins.exec, builtins.compile = guard("eval"), guard("exec"), guard("compile")
    try:
        yield
    finally:
        builtins.eval, builtins.exec, builtins.compile = real["eval"], real["exec"], real["compile"]


@contextmanager
def alarm(seconds: int):
    """Raise TooSlow in this (the main) thread if the block runs longer than `seconds`."""
    def ring(signum, frame):
        raise TooSlow(f"one input ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_engine(text: str, choose_value) -> str:
    """The whole pipeline on one text; returns how far it got ("parse", "values" or "done")."""
    try:
        cg = build_graph(text)
    except ParseError as error:
        assert error.line >= 1 and error.column >= 1 and error.message
        return "parse"
    values = {name: choose_value(name) for name in cg.inputs}
    values = {name: value for name, value in values.items() if value is not None}
    try:
        cg.evaluate(values)
    except GraphError as error:
        assert str(error)
        return "values"
    schedule = Schedule(cg)
    steps = len(schedule)
    for k in {0, 1, steps // 2, steps - 1, steps}:
        state = schedule.state_at(k)
        assert state.step == max(0, min(k, steps)) and isinstance(state.caption, str)
    placed = layout(cg)
    assert set(placed.positions) == set(cg.nodes)
    assert all(math.isfinite(c) for point in placed.positions.values() for c in point)
    for name in cg.inputs:
        assert explain.derivation(cg, name)
    assert report(cg)
    json.dumps(graph_to_dict(cg), allow_nan=False, ensure_ascii=False)  # the CLI's JSON stays strict
    return "done"


def check(text: str, choose_value=lambda name: 1.0) -> str:
    """Run the engine on `text` with code execution refused and time bounded; return how far it got."""
    calls: list[str] = []
    started = time.perf_counter()
    with alarm(ALARM_SECONDS), no_code_execution(text, calls):
        outcome = run_engine(text, choose_value)
    elapsed = time.perf_counter() - started
    assert calls == [], f"code execution attempted: {calls}"
    assert elapsed < SECONDS_PER_INPUT, f"{elapsed:.1f} s for one input of {len(text)} characters"
    return outcome


def drawn_values(data):
    """Values for whichever inputs a graph turns out to have: random floats, now and then none."""
    def choose(name):
        if data.draw(st.integers(0, 19), label=f"omit {name}?") == 0:
            return None  # no value: the text's own, or a GraphError naming the input
        return data.draw(values, label=name)
    return choose


FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(text=tokens | formula_characters, data=st.data())
def test_formula_like_text_raises_only_engine_errors(text, data):
    event(check(text, drawn_values(data)))


@FUZZ
@given(text=near_formulas(), data=st.data())
def test_valid_programs_with_random_edits_raise_only_engine_errors(text, data):
    event(check(text, drawn_values(data)))


@FUZZ
@given(text=any_text | byte_text | utf8_text)
def test_arbitrary_unicode_and_bytes_raise_only_engine_errors(text):
    event(check(text))


def test_seeded_random_strings_raise_only_engine_errors():
    rng = random.Random(20_240_601)
    outcomes = {"parse": 0, "values": 0, "done": 0}
    for _ in range(RANDOM_STRINGS):
        if rng.random() < 0.5:
            text = "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 30)))
        else:
            text = "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(0, 60)))
        outcomes[check(text, lambda name: rng.choice([0.0, -1.5, 2.0, math.inf, -math.inf, math.nan]))] += 1
    assert outcomes["parse"] > 0 and outcomes["done"] > 0, outcomes  # both kinds of input were tried


@pytest.mark.parametrize("text", [
    "x" * MAX_CHARACTERS,
    "x" * (MAX_CHARACTERS + 1),
    "(" * 5_000 + "x" + ")" * 5_000,
    "relu(" * 2_000 + "x" + ")" * 2_000,
    "-" * 19_000 + "x",
    "+".join(["x"] * 6_000),
    "*".join(["x", "y"] * 2_400),
    "\n".join(f"t{i} = t{i - 1} * x + y" if i else "t0 = x" for i in range(1_500)),
    "x" + "**x" * 3_000,
    "9**9**9**9**9",
    "exp(exp(exp(exp(1e308))))",
    "1" * 5_000,
    "x = " + "9" * 400 + "\nx*x",
    "\n" * MAX_CHARACTERS,
    "x\0",
    "__import__('os').system('echo hacked')",
    "eval('1+1')",
    "(lambda: 0)()",
    "[x for x in ()]",
    "x.__class__.__bases__",
    "open('/etc/passwd')",
], ids=lambda text: repr(text[:24]) + (f"... ({len(text)} characters)" if len(text) > 24 else ""))
def test_hostile_and_huge_inputs_fail_cleanly_and_in_bounded_time(text):
    check(text, lambda name: 0.5)
