"""The graph page's cost: build, layout, schedule and drawing at 10, 100 and 1,000 nodes; frame time.

Run: `python benchmarks/bench_graph.py [--quick] [--sizes 10,100,1000] [--cpu] [--json]`

For each size a seeded random program (assignments of small formulas over inputs and earlier
names, with +, -, *, /, functions and constants) goes through every stage the graph page runs
when a formula changes, each timed on its own:
  build     core.engine.graph.build_graph (parse included)
  evaluate  the forward and backward pass
  layout    core.engine.layout.layout
  schedule  core.engine.steps.Schedule (its steps: a caption is written when its step is shown)
  scene     GraphView.set_graph (items created, measured, routed, fitted)
  state     Schedule.state_at and GraphView.show_state of the last step (every value, gradient and flow
            label shown)
  paint     the first paint: a synchronous repaint of the 1200 x 800 view (shown, offscreen)
Target: total at 1,000 nodes within 10x the 100-node total (near-linear). Stages are wall time;
`--cpu` times them (and the frames) in this process's CPU time instead: on a busy machine a long
stage waits for a core more often than a short one, which stretches the ratio.

Animation: on a 40-node graph shown in a 1200 x 800 view, one frame is the drawing's share of a
step: Schedule.state_at(k), GraphView.show_state, and a synchronous repaint of the whole viewport
(the page repaints only what changed, so this is an upper bound).
Frames step forward through the whole schedule and back again. Target: >= 60 frames per second
(mean frame <= 16.7 ms); p95 and max are reported too. The same on a 120-node graph (a third of
the frames): target >= 30 frames per second.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import clock, fmt_ms, median, percentile, qt_application, table  # noqa: E402

SIZES = (10, 100, 1000)
ANIMATION_NODES = 40
VIEW_SIZE = (1200, 800)
LINEAR_TARGET = 10.0  # 1,000-node total / 100-node total
FPS_TARGET = 60.0
LARGE_ANIMATION_NODES, LARGE_FPS_TARGET = 120, 30.0  # bigger graphs may animate slower, not below 30 fps
STAGES = ("build", "evaluate", "layout", "schedule", "scene", "state", "paint")
FUNCTIONS = ("relu", "sigmoid", "tanh", "exp", "abs")


def random_program(nodes: int, seed: int = 1) -> str:
    """A program whose graph has exactly `nodes` nodes (inputs, constants and operations).

    Each statement combines a recent name (so the graph grows deep, as derivations do) with any
    earlier name or input (so there are long edges, shared uses and accumulation steps).
    """
    rng = random.Random(seed)
    inputs = [f"x{i}" for i in range(1, max(2, nodes // 12) + 1)]
    names = list(inputs)
    used: set[str] = set()
    lines: list[str] = []
    count = 0

    def pick(recent: bool) -> str:
        nonlocal count
        name = rng.choice(names[-6:] if recent else names)
        if name in inputs and name not in used:  # an input becomes a node when first used
            used.add(name)
            count += 1
        return name

    while count < nodes:
        left = nodes - count
        kind = rng.random()
        if lines and left <= 2:  # finish exactly: +1 (an operation) or +2 (with a constant)
            expr = f"relu({names[-1]})" if left == 1 else f"{names[-1]} * {rng.randint(2, 9)}"
            count += left
        elif kind < 0.2 or left < 6:  # at most one new input and one operation
            expr = f"{rng.choice(FUNCTIONS)}({pick(True)})"
            count += 1
        elif kind < 0.3:
            expr = f"{pick(True)} * {rng.randint(2, 9)}"
            count += 2
        elif kind < 0.4:
            expr = f"({pick(True)} + {pick(False)}) * {pick(False)}"
            count += 2
        else:
            expr = f"{pick(True)} {rng.choice('+-*/')} {pick(False)}"
            count += 1
        name = f"t{len(lines) + 1}"
        lines.append(f"{name} = {expr}")
        names.append(name)
    return "\n".join(lines)


def input_values(cg, seed: int = 1) -> dict[str, float]:
    """A value for every input, seeded, in a range where most operations stay finite."""
    rng = random.Random(seed)
    return {name: round(rng.uniform(-2.0, 2.0), 2) for name in cg.inputs}


def measure_build(nodes: int, seed: int = 1) -> dict[str, float]:
    """Seconds per stage for one graph of `nodes` nodes, drawn by a fresh, shown GraphView."""
    from PySide6.QtWidgets import QApplication

    from core.engine.graph import build_graph
    from core.engine.layout import layout
    from core.engine.steps import Schedule
    from gui.graph.view import GraphView

    source = random_program(nodes, seed)
    view = GraphView()  # shown and sized first, as the page's view is when a formula changes
    view.set_background_items(10**9)  # the whole cost in one go: the background build is bench_formula's
    view.resize(*VIEW_SIZE)
    view.show()
    QApplication.processEvents()
    times: dict[str, float] = {}

    def stage(name, function):
        started = clock()
        result = function()
        times[name] = clock() - started
        return result

    gc.collect()
    cg = stage("build", lambda: build_graph(source))
    stage("evaluate", lambda: cg.evaluate(input_values(cg, seed)))
    placed = stage("layout", lambda: layout(cg))
    schedule = stage("schedule", lambda: Schedule(cg))
    stage("scene", lambda: view.set_graph(cg, placed))
    stage("state", lambda: view.show_state(schedule.state_at(len(schedule))))
    stage("paint", lambda: view.viewport().repaint())
    times["total"] = sum(times[name] for name in STAGES)
    times["nodes"] = cg.graph.number_of_nodes()
    times["edges"] = cg.graph.number_of_edges()
    times["layers"] = placed.layers
    times["bends"] = sum(len(points) for points in placed.bends.values())
    times["steps"] = len(schedule)
    view.close()
    _dispose(view)
    return times


def _dispose(view) -> None:
    """Delete a view and its scene now, so the next measurement starts from the same heap."""
    from PySide6.QtCore import QCoreApplication, QEvent

    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()


def measure_animation(frames: int, nodes: int = ANIMATION_NODES, seed: int = 1) -> dict[str, float]:
    """Frame times on a shown view: state_at(k) + show_state + a synchronous viewport repaint."""
    from PySide6.QtWidgets import QApplication

    from core.engine.graph import build_graph
    from core.engine.layout import layout
    from core.engine.steps import Schedule
    from gui.graph.view import GraphView

    cg = build_graph(random_program(nodes, seed))
    cg.evaluate(input_values(cg, seed))
    schedule = Schedule(cg)
    view = GraphView()
    view.resize(*VIEW_SIZE)
    view.show()
    QApplication.processEvents()
    view.set_graph(cg, layout(cg))
    QApplication.processEvents()
    steps = len(schedule)
    sweep = list(range(steps + 1)) + list(range(steps - 1, 0, -1))  # forward, then back
    order = (sweep * (frames // len(sweep) + 1))[:frames]
    times = []
    gc.collect()
    for k in order:
        started = clock()
        view.show_state(schedule.state_at(k))
        view.viewport().repaint()
        times.append(clock() - started)
    view.close()
    _dispose(view)
    mean = sum(times) / len(times)
    return {
        "animation_nodes": cg.graph.number_of_nodes(),
        "animation_steps": steps,
        "animation_frames": len(times),
        "frame_mean_s": mean,
        "frame_p50_s": median(times),
        "frame_p95_s": percentile(times, 95),
        "frame_max_s": max(times),
        "fps": 1.0 / mean,
        "fps_target": FPS_TARGET,
    }


def run(quick: bool = False, sizes: list[int] | tuple[int, ...] = SIZES, repeats: int | None = None,
        frames: int | None = None) -> dict[str, object]:
    """Median stage times per size, the scaling ratio, and frame times.

    Sizes are measured in turn within each round (10, 100, 1,000, then again with the next
    seed), so a burst of load elsewhere hits every size alike. Sizes up to 100 nodes get at
    least 3 rounds even in quick mode: they are cheap, and the ratio divides by them.
    """
    qt_application()
    repeats = repeats or (1 if quick else 5)
    frames = frames or (80 if quick else 600)
    measure_build(10, seed=99)  # warm-up: fonts, glyph caches, first-use imports
    runs: dict[int, list[dict[str, float]]] = {nodes: [] for nodes in sizes}
    for round_ in range(max(repeats, 3)):
        for nodes in sizes:
            if round_ < repeats or nodes <= 100:
                runs[nodes].append(measure_build(nodes, seed=round_ + 1))
    result: dict[str, object] = {"repeats": repeats, "view_size": list(VIEW_SIZE)}
    for nodes in sizes:
        for key in (*STAGES, "total"):
            result[f"graph_{nodes}_{key}_s"] = median(run[key] for run in runs[nodes])
        for key in ("nodes", "edges", "layers", "bends", "steps"):
            result[f"graph_{nodes}_{key}"] = runs[nodes][0][key]
        result[f"graph_{nodes}_rounds"] = len(runs[nodes])
    if 100 in sizes and 1000 in sizes:
        result["graph_1000_over_100"] = result["graph_1000_total_s"] / result["graph_100_total_s"]
        result["graph_linear_target"] = LINEAR_TARGET
    result.update(measure_animation(frames))
    large = measure_animation(max(20, frames // 3), nodes=LARGE_ANIMATION_NODES)  # fewer frames: each costs 3x
    result.update({f"large_{key}": value for key, value in large.items()})
    result["large_fps_target"] = LARGE_FPS_TARGET
    return result


def report(result: dict) -> str:
    """Stage times per size, the scaling ratio and the frame times, as text."""
    sizes = sorted({int(key.split("_")[1]) for key in result if key.startswith("graph_") and key.endswith("_total_s")})
    header = ("stage", *(f"{result[f'graph_{n}_nodes']} nodes" for n in sizes))
    rows = [(stage, *(fmt_ms(result[f"graph_{n}_{stage}_s"]) for n in sizes)) for stage in (*STAGES, "total")]
    rows.append(("(edges, layers, bends)", *(
        f"{result[f'graph_{n}_edges']}, {result[f'graph_{n}_layers']}, {result[f'graph_{n}_bends']}" for n in sizes)))
    rounds = "/".join(str(result[f"graph_{n}_rounds"]) for n in sizes)
    lines = [f"Graph build + layout + schedule + drawing, medians of {rounds} seeded programs",
             table(rows, header)]
    if "graph_1000_over_100" in result:
        ratio = result["graph_1000_over_100"]
        lines.append(f"1,000 nodes / 100 nodes: {ratio:.1f}x (target <= {LINEAR_TARGET:.0f}x: "
                     f"{'ok' if ratio <= LINEAR_TARGET else 'MISSED'})")
    lines.append(
        f"Animation, {result['animation_nodes']} nodes, {result['animation_frames']} frames: "
        f"mean {fmt_ms(result['frame_mean_s'])} = {result['fps']:.0f} fps "
        f"(target >= {FPS_TARGET:.0f}: {'ok' if result['fps'] >= FPS_TARGET else 'MISSED'}), "
        f"p50 {fmt_ms(result['frame_p50_s'])}, p95 {fmt_ms(result['frame_p95_s'])}, max {fmt_ms(result['frame_max_s'])}"
    )
    if "large_fps" in result:
        lines.append(
            f"Animation, {result['large_animation_nodes']} nodes, {result['large_animation_frames']} frames: "
            f"mean {fmt_ms(result['large_frame_mean_s'])} = {result['large_fps']:.0f} fps "
            f"(target >= {LARGE_FPS_TARGET:.0f}: {'ok' if result['large_fps'] >= LARGE_FPS_TARGET else 'MISSED'})"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one program per size, fewer frames")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="node counts, comma-separated")
    parser.add_argument("--repeats", type=int, help="seeded programs per size (default 5, quick 1; >= 3 up to 100 nodes)")
    parser.add_argument("--frames", type=int, help="animation frames (default 600, quick 80)")
    parser.add_argument("--cpu", action="store_true", help="time stages and frames in CPU time, not wall time")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.cpu:
        global clock
        clock = time.process_time
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    result = run(quick=args.quick, sizes=sizes, repeats=args.repeats, frames=args.frames)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
