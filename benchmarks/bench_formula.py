"""Large formulas: the `graph` text report's growth, and what opening a 5,000-term formula costs.

Run: `python benchmarks/bench_formula.py [--quick] [--json]`

report   `core.cli.graph.report` on a sum of N distinct inputs (`a+b+…`, every input set), at two
         sizes five times apart. Linear work gives a ratio near 5; the old path-walking
         derivations were cubic (125). Target: ratio <= 8 (linear or n log n, not quadratic).
open     a sum of N copies of one input (`x+x+…`, the shape a long session formula takes), in
         the stages the Graph page runs: parse + build, evaluate, layout, schedule (the steps;
         a step's caption is written when it is first shown), the last state (its caption
         included); then the whole GUI path (`GraphPage.load_source`, events and a repaint of a
         1400 x 900 page: the time the window is busy) at a smaller size and at N, so the ratio
         shows how it grows, and the drawing completed in the background after it (CPU, and
         the longest event-loop turn meanwhile).
         Target: the core stages and the window's busy time each under 1 s at 5,000 terms.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import keyword
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import fmt_ms, qt_application, table  # noqa: E402

# The core-only figures are CPU time of this process: on a machine shared with other work, wall
# time counts the waits for a core too, and a growth ratio is about the work.
cpu_clock = time.process_time

REPORT_SIZES, QUICK_REPORT_SIZES = (1000, 5000), (500, 2500)
OPEN_TERMS = 5000
GUI_TERMS, QUICK_GUI_TERMS = (500, 5000), (100, 500)
REPORT_TARGET = 8.0  # growth for 5x the inputs: linear 5, n log n ~6.3, quadratic 25, cubic 125
OPEN_TARGET_S = 1.0
PAGE_SIZE = (1400, 900)
CORE_STAGES = ("build", "evaluate", "layout", "schedule", "state")


def input_names(count: int) -> list[str]:
    """`count` distinct short names the parser accepts as inputs (no keywords, no operations)."""
    from core.engine.ops import OPS

    names: list[str] = []
    for length in itertools.count(1):
        for head in string.ascii_letters:
            for tail in itertools.product(string.ascii_letters + string.digits, repeat=length - 1):
                name = head + "".join(tail)
                if not keyword.iskeyword(name) and name not in OPS:
                    names.append(name)
                    if len(names) == count:
                        return names
    return names


def measure_report(inputs: int, repeats: int = 2) -> dict[str, float]:
    """CPU seconds to build and evaluate a sum of `inputs` distinct inputs, and (best of `repeats`) to report it."""
    from core.cli.graph import report
    from core.engine.graph import build_graph

    names = input_names(inputs)
    gc.collect()
    started = cpu_clock()
    cg = build_graph("+".join(names))
    cg.evaluate({name: float(i % 7 + 1) for i, name in enumerate(names)})
    built = cpu_clock() - started
    best = float("inf")
    for _ in range(repeats):
        cg.graph.graph.clear()  # the engine's caches: each report starts from a fresh graph's state
        started = cpu_clock()
        report(cg)
        best = min(best, cpu_clock() - started)
    return {"build_s": built, "report_s": best}


def measure_core_open(terms: int) -> dict[str, float]:
    """CPU seconds per core stage for `x+x+…` with `terms` terms, as the Graph page runs them."""
    from core.engine.graph import build_graph
    from core.engine.layout import layout
    from core.engine.steps import Schedule

    source = "+".join(["x"] * terms) + "\nx = 2"
    times: dict[str, float] = {}
    gc.collect()

    def stage(name, function):
        started = cpu_clock()
        value = function()
        times[name] = cpu_clock() - started
        return value

    cg = stage("build", lambda: build_graph(source))
    stage("evaluate", cg.evaluate)
    stage("layout", lambda: layout(cg))
    schedule = stage("schedule", lambda: Schedule(cg))
    stage("state", lambda: schedule.state_at(len(schedule)))
    return times


def measure_gui_open(terms: int) -> dict[str, float]:
    """CPU seconds for the Graph page to open `x+x+…` with `terms` terms.

    blocking: load_source, its events and a repaint (the window is busy); complete: until a
    background build is done and the new drawing painted; worst_turn: the longest single
    event-loop turn meanwhile (how late a click or a timer could be).
    """
    from PySide6.QtWidgets import QApplication

    from gui.graph.page import GraphPage

    page = GraphPage()
    page.resize(*PAGE_SIZE)
    page.show()
    QApplication.processEvents()
    source = "+".join(["x"] * terms) + "\nx = 2"
    gc.collect()
    started = cpu_clock()
    page.load_source(source)
    QApplication.processEvents()
    page.repaint()
    blocking = cpu_clock() - started
    worst = 0.0
    while page.view.building():
        turn = cpu_clock()
        QApplication.processEvents()
        worst = max(worst, cpu_clock() - turn)
    turn = cpu_clock()
    QApplication.processEvents()  # the overview map, rendered after the drawing is shown
    page.repaint()
    worst = max(worst, cpu_clock() - turn)
    seconds = {"blocking": blocking, "complete": cpu_clock() - started, "worst_turn": worst}
    page.shutdown()
    page.close()
    page.deleteLater()
    QApplication.processEvents()
    return seconds


def run(quick: bool = False) -> dict[str, object]:
    """The report's growth ratio, the core stages at 5,000 terms, and the GUI path at two sizes."""
    import tempfile

    small, large = QUICK_REPORT_SIZES if quick else REPORT_SIZES
    measure_report(50)  # warm-up: first-use imports and caches
    reports = {size: measure_report(size) for size in (small, large)}
    result: dict[str, object] = {
        "report_sizes": [small, large],
        "report_small_s": reports[small]["report_s"],
        "report_large_s": reports[large]["report_s"],
        "report_build_large_s": reports[large]["build_s"],
        "report_growth": reports[large]["report_s"] / reports[small]["report_s"],
        "report_size_ratio": large / small,
        "report_target": REPORT_TARGET,
    }
    core = measure_core_open(OPEN_TERMS)
    result["open_terms"] = OPEN_TERMS
    result.update({f"open_core_{stage}_s": core[stage] for stage in CORE_STAGES})
    result["open_core_s"] = sum(core.values())
    result["open_target_s"] = OPEN_TARGET_S
    qt_application()
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="bench-formula-"))
    gui_small, gui_large = QUICK_GUI_TERMS if quick else GUI_TERMS
    measure_gui_open(20)  # warm-up: fonts, glyph caches
    result["open_gui_terms"] = [gui_small, gui_large]
    small_open, large_open = measure_gui_open(gui_small), measure_gui_open(gui_large)
    result["open_gui_small_s"] = small_open["blocking"]
    result["open_gui_large_s"] = large_open["blocking"]
    result["open_gui_growth"] = result["open_gui_large_s"] / result["open_gui_small_s"]
    result["open_gui_large_complete_s"] = large_open["complete"]
    result["open_gui_large_worst_turn_s"] = large_open["worst_turn"]
    return result


def report_text(result: dict) -> str:
    """The figures as text."""
    small, large = result["report_sizes"]
    growth, target = result["report_growth"], result["report_target"]
    gui_small, gui_large = result["open_gui_terms"]
    rows = [
        (f"graph text report, {small:,} -> {large:,} distinct inputs",
         f"{fmt_ms(result['report_small_s'])} -> {fmt_ms(result['report_large_s'])} = {growth:.1f}x",
         f"<= {target:.0f}x", "ok" if growth <= target else "MISSED"),
        *((f"  open {result['open_terms']:,} terms: {stage}", fmt_ms(result[f"open_core_{stage}_s"]), "", "")
          for stage in CORE_STAGES),
        (f"open {result['open_terms']:,} terms: core total", fmt_ms(result["open_core_s"]),
         f"< {result['open_target_s']:.0f} s", "ok" if result["open_core_s"] < result["open_target_s"] else "MISSED"),
        (f"  open {gui_large:,} terms: drawn in the background (CPU), longest event-loop turn",
         f"{fmt_ms(result['open_gui_large_complete_s'])}, {fmt_ms(result['open_gui_large_worst_turn_s'])}", "", ""),
        (f"open in the Graph page, {gui_small:,} -> {gui_large:,} terms (window busy)",
         f"{fmt_ms(result['open_gui_small_s'])} -> {fmt_ms(result['open_gui_large_s'])} "
         f"= {result['open_gui_growth']:.1f}x", f"< {result['open_target_s']:.0f} s",
         ("ok" if result["open_gui_large_s"] < result["open_target_s"] else "MISSED")
         if gui_large >= result["open_terms"] else "n/a (quick)"),
    ]
    return table(rows, ("figure", "measured", "target", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(quick=args.quick)
    print(json.dumps(result, indent=2) if args.json else report_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
