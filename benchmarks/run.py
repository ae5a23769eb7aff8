"""Run every benchmark and print one table of figures (or JSON), with the machine they came from.

Run: `python benchmarks/run.py [--quick] [--json]`   (--quick finishes in well under 30 s)

Each benchmark runs in a fresh Python process (benchmarks.common.run_isolated), one after
another so they never compete for the two cores, and reports its own peak memory (ru_maxrss):
  startup        bench_startup.run: first paint of the window against importing the heavy stack
  graph          bench_graph.run: build + layout + schedule + drawing at 10/100/1,000 nodes; frames
  formula        bench_formula.run: the `graph` text report's growth at two sizes; opening a
                 5,000-term formula (core stages, and the Graph page at two sizes)
  training       training_overhead below: bench_training's engine against plain loops
  export         bench_export.run: PDF page and GIF frame of the step-through against drawing one frame
  landscape      bench_landscape.run: a 200×200 grid of training MSE against one forward pass
                 (with --quick, in the training part's process: torch is imported once)
  training_page  bench_training_page.run: event-loop lateness during a full-speed four-variant
                 run on the real page, and its wall time against plain loops (with --quick, the
                 loops measured in the training part)
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_training_page  # noqa: E402  (light: Qt and torch only when it runs)
from benchmarks.common import fmt_ms, run_isolated, table  # noqa: E402

PARTS = ("startup", "graph", "formula", "training", "training_page", "export", "landscape")
TRAINING_TARGET = 1.10


def machine() -> dict[str, object]:
    """Where the figures come from: cores, CPU model, and the versions that matter."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("torch", "PySide6-Essentials", "pyqtgraph", "networkx", "pandas", "numpy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    try:
        load = [round(value, 2) for value in os.getloadavg()]  # other work on the machine skews figures
    except OSError:
        load = []
    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15_min": load,
        "cpu_model": model,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **versions,
    }


def training_overhead(quick: bool = False, epochs: int | None = None, with_landscape: bool = False,
                      page_baseline: bool = False) -> dict[str, object]:
    """bench_training's comparison: median µs per epoch of plain loops and the engine, per variant.

    With --quick, torch is imported once for what else needs it:
    `with_landscape`: bench_landscape's figures too, under "landscape", measured afterwards;
    `page_baseline`: the training page's plain loops (its baseline) for its quick epochs.
    """
    import torch

    from benchmarks import bench_training

    torch.set_num_threads(1)  # as bench_training, the command line and the training process do
    epochs = epochs or (200 if quick else 3000)
    prepared = bench_training.load_prepared(bench_training.BUNDLED)
    result: dict[str, float] = {"epochs": epochs, "training_target": TRAINING_TARGET}
    for name in bench_training.VARIANT_NAMES:
        seconds = bench_training.median_epoch_seconds(name, prepared, epochs)
        for loop, value in seconds.items():
            result[f"{name}_{loop}_us"] = value * 1e6
        result[f"{name}_engine_over_bare"] = seconds["engine"] / seconds["bare"]
        result[f"{name}_engine_over_notebook"] = seconds["engine"] / seconds["notebook"]
    if page_baseline:
        # The training page's baseline (its plain loops), measured here where torch is already
        # imported: the page part then needs no baseline process of its own (~2 s of torch import).
        epochs = bench_training_page.QUICK_EPOCHS
        wall, cpu = bench_training_page.plain_loops_times(epochs)
        result.update(page_baseline_epochs=epochs, page_baseline_s=wall, page_baseline_cpu_s=cpu)
    if with_landscape:
        from benchmarks import bench_landscape

        began = time.perf_counter()
        result["landscape"] = dict(bench_landscape.run(quick))
        result["landscape"]["seconds"] = time.perf_counter() - began
    return result


def run_all(quick: bool, parts: tuple[str, ...] = PARTS, startup_runs: int | None = None,
            sizes: list[int] | None = None, frames: int | None = None, epochs: int | None = None,
            ) -> dict[str, object]:
    """Every benchmark in `parts`, each in its own process; one dict of dicts."""
    started = time.perf_counter()
    results: dict[str, object] = {"quick": quick, "machine": machine()}

    def timed(part: str, module: str, options: dict, function: str = "run") -> None:
        began, cpu_began = time.perf_counter(), _children_cpu()
        results[part] = run_isolated(module, options, function=function)
        results[part]["seconds"] = time.perf_counter() - began
        # CPU of the part's processes (those reaped): where --quick's time goes, whatever the load
        results[part]["cpu_seconds"] = _children_cpu() - cpu_began

    if "startup" in parts:
        timed("startup", "bench_startup", {"quick": quick, "runs": startup_runs})
    if "graph" in parts:
        options: dict[str, object] = {"quick": quick, "frames": frames}
        if sizes:
            options["sizes"] = sizes
        timed("graph", "bench_graph", options)
    if "formula" in parts:
        timed("formula", "bench_formula", {"quick": quick})
    # --quick measures the landscape in the training part's process: one torch import, not two
    shared_landscape = quick and "training" in parts and "landscape" in parts
    if "training" in parts:
        timed("training", "run", {"quick": quick, "epochs": epochs, "with_landscape": shared_landscape,
                                  "page_baseline": quick and "training_page" in parts},
              function="training_overhead")
        if shared_landscape:
            results["landscape"] = results["training"].pop("landscape")
    if "export" in parts:
        timed("export", "bench_export", {"quick": quick})
    if "landscape" in parts and not shared_landscape:
        timed("landscape", "bench_landscape", {"quick": quick})
    if "training_page" in parts:
        options = {"quick": quick}
        training = results.get("training", {})
        if quick and "page_baseline_s" in training:
            options["baseline"] = [training["page_baseline_s"], training["page_baseline_cpu_s"]]
        timed("training_page", "bench_training_page", options)
    results["seconds"] = time.perf_counter() - started
    return results


def _durations(results: dict) -> str:
    """Wall and CPU seconds of each part: `graph 9/8 s` (wall/CPU)."""
    parts = [(key, results[key]) for key in PARTS if isinstance(results.get(key), dict) and "seconds" in results[key]]
    return "wall/CPU: " + ", ".join(
        f"{key} {part['seconds']:.0f}/{part['cpu_seconds']:.0f} s" if "cpu_seconds" in part
        else f"{key} {part['seconds']:.0f} s in the training process" for key, part in parts)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else fmt_ms(seconds)


def _startup_rows(startup: dict) -> list[tuple[str, ...]]:
    imports = [name for name in ("torch", "pandas") if startup[f"window_imports_{name}"]]
    return [
        ("Start-up: first paint / import baseline",
         f"{startup['startup_ratio']:.2f}x ({_ms(startup['window_first_paint_s'])} / "
         f"{_ms(startup['baseline_imports_s'])}, medians of {startup['runs']})",
         f"<= {startup['startup_target']:.2f}x", _verdict(startup["startup_ratio"] <= startup["startup_target"])),
        ("Start-up, the last session ended on the Training tab",
         f"{startup['startup_training_tab_ratio']:.2f}x ({_ms(startup['window_training_tab_first_paint_s'])} / "
         f"{_ms(startup['baseline_imports_s'])})",
         f"<= {startup['startup_target']:.2f}x",
         _verdict(startup["startup_training_tab_ratio"] <= startup["startup_target"])),
        ("Start-up: window imports torch or pandas", ", ".join(imports) or "neither", "neither",
         _verdict(not imports)),
    ]


def _graph_rows(graph: dict) -> list[tuple[str, ...]]:
    rows = []
    sizes = sorted({int(key.split("_")[1]) for key in graph if key.startswith("graph_") and key.endswith("_total_s")})
    for size in sizes:
        figure = _ms(graph[f"graph_{size}_total_s"])
        target, verdict = "", ""
        if size == 1000 and "graph_1000_over_100" in graph:
            figure += f" ({graph['graph_1000_over_100']:.1f}x the 100-node time)"
            target = f"<= {graph['graph_linear_target']:.0f}x"
            verdict = _verdict(graph["graph_1000_over_100"] <= graph["graph_linear_target"])
        rows.append((f"Graph build+layout+draw, {graph[f'graph_{size}_nodes']} nodes", figure, target, verdict))
    rows.append((
        f"Animation frame, {graph['animation_nodes']} nodes",
        f"{fmt_ms(graph['frame_mean_s'])} mean = {graph['fps']:.0f} fps (p95 {fmt_ms(graph['frame_p95_s'])}, "
        f"max {fmt_ms(graph['frame_max_s'])})",
        f">= {graph['fps_target']:.0f} fps", _verdict(graph["fps"] >= graph["fps_target"]),
    ))
    if "large_fps" in graph:
        rows.append((
            f"Animation frame, {graph['large_animation_nodes']} nodes",
            f"{fmt_ms(graph['large_frame_mean_s'])} mean = {graph['large_fps']:.0f} fps "
            f"(p95 {fmt_ms(graph['large_frame_p95_s'])}, max {fmt_ms(graph['large_frame_max_s'])})",
            f">= {graph['large_fps_target']:.0f} fps", _verdict(graph["large_fps"] >= graph["large_fps_target"]),
        ))
    return rows


def _formula_rows(formula: dict) -> list[tuple[str, ...]]:
    small, large = formula["report_sizes"]
    gui_small, gui_large = formula["open_gui_terms"]
    target = formula["open_target_s"]
    stages = ", ".join(f"{stage} {_ms(formula[f'open_core_{stage}_s'])}"
                       for stage in ("build", "evaluate", "layout", "schedule", "state"))
    return [
        (f"graph text report, {small:,} -> {large:,} distinct inputs",
         f"{formula['report_growth']:.1f}x ({_ms(formula['report_small_s'])} -> {_ms(formula['report_large_s'])}; "
         f"linear = {formula['report_size_ratio']:.0f}x)",
         f"<= {formula['report_target']:.0f}x", _verdict(formula["report_growth"] <= formula["report_target"])),
        (f"Opening a {formula['open_terms']:,}-term formula: core",
         f"{_ms(formula['open_core_s'])} ({stages})", f"< {target:.0f} s",
         _verdict(formula["open_core_s"] < target)),
        (f"  ... {gui_large:,} terms drawn in the background (CPU); longest event-loop turn",
         f"{_ms(formula['open_gui_large_complete_s'])}; {_ms(formula['open_gui_large_worst_turn_s'])}", "", ""),
        (f"Opening a formula in the Graph page, {gui_small:,} -> {gui_large:,} terms (window busy)",
         f"{_ms(formula['open_gui_small_s'])} -> {_ms(formula['open_gui_large_s'])} ({formula['open_gui_growth']:.1f}x)",
         f"< {target:.0f} s at {formula['open_terms']:,} terms",
         # --quick stops short of the target's size: the growth shows, the verdict would not be fair
         _verdict(formula["open_gui_large_s"] < target) if gui_large >= formula["open_terms"] else "n/a (quick)"),
    ]


def _training_rows(training: dict) -> list[tuple[str, ...]]:
    suffix = "_engine_over_bare"
    ratios = {key[: -len(suffix)]: value for key, value in training.items() if key.endswith(suffix)}
    text = ", ".join(f"{name} {ratio:.2f}x" for name, ratio in ratios.items())
    return [(f"Training overhead: engine / plain loop ({training['epochs']} epochs)", text,
             f"<= {training['training_target']:.2f}x",
             _verdict(all(ratio <= training["training_target"] for ratio in ratios.values())))]


LATENESS_KEYS = ("lateness_p50_ms", "lateness_p99_ms", "lateness_max_ms")


def _training_page_rows(page: dict) -> list[tuple[str, ...]]:
    p50, p99, worst = (page[key] for key in LATENESS_KEYS)
    p99_target, max_target = page["lateness_p99_target_ms"], page["lateness_max_target_ms"]
    rows = [(f"Event-loop lateness p50/p99/max, four variants ({page['epochs']} epochs)",
             f"{p50:.1f} / {p99:.1f} / {worst:.1f} ms", f"p99 <= {p99_target:.0f}, max <= {max_target:.0f} ms",
             _verdict(p99 <= p99_target and worst <= max_target)),
            ("Training page wall time / plain loops",
             f"{page['wall_over_baseline']:.2f}x ({page['page_wall_s']:.2f} s / {page['baseline_s']:.2f} s)",
             f"<= {page['wall_target']:.2f}x",
             # a run's fixed costs (start, results, the last plots) are most of a short run
             _verdict(page["wall_over_baseline"] <= page["wall_target"])
             if page["epochs"] >= bench_training_page.FULL_EPOCHS else "not judged (quick)")]
    if "child_cpu_over_baseline_cpu" in page:
        rows.append(("  training process CPU / plain loops' CPU (load-proof)",
                     f"{page['child_cpu_over_baseline_cpu']:.2f}x ({page['child_cpu_s']:.2f} s / "
                     f"{page['baseline_cpu_s']:.2f} s); it waited {page['child_wait_s']:.2f} s for a core; "
                     f"window CPU {page['gui_cpu_s']:.2f} s", "", ""))
    return rows


def _export_rows(export: dict) -> list[tuple[str, ...]]:
    return [(f"Export per frame, {export['nodes']} nodes at {export['width']}x{export['height']}: "
             "PDF page / GIF frame over drawing one",
             f"{fmt_ms(export['pdf_s_per_frame'])} = {export['pdf_over_draw']:.2f}x, "
             f"{fmt_ms(export['gif_s_per_frame'])} = {export['gif_over_draw']:.2f}x "
             f"(drawing {fmt_ms(export['draw_s_per_frame'])})", "", "")]


def _landscape_rows(landscape: dict) -> list[tuple[str, ...]]:
    side = int(landscape["grid_points"] ** 0.5)
    return [(f"Landscape: {side}×{side} MSE grid (no ReLU) / one forward pass",
             f"{fmt_ms(landscape['grid_s'])} = {landscape['grid_over_forward']:.0f}x "
             f"(forward {fmt_ms(landscape['forward_s'])}; through the ReLU "
             f"{fmt_ms(landscape['relu_grid_s'])})",
             f"< {fmt_ms(landscape['grid_target_s'])}",
             _verdict(landscape["grid_s"] < landscape["grid_target_s"])),
            ("Landscape view redraw p99: a new grid / a frame of four growing paths",
             f"{fmt_ms(landscape['redraw_grid_p99_s'])} / {fmt_ms(landscape['redraw_paths_p99_s'])}",
             f"<= {fmt_ms(landscape['redraw_target_s'])}",
             _verdict(max(landscape["redraw_grid_p99_s"], landscape["redraw_paths_p99_s"])
                      <= landscape["redraw_target_s"]))]


def _memory_row(results: dict) -> tuple[str, ...]:
    parts = []
    startup = results.get("startup", {})
    if "window_peak_rss_mb" in startup:
        parts.append(f"window {startup['window_peak_rss_mb']:.0f} MB")
    for key, label in (("graph", "graph bench"), ("formula", "formula bench"), ("training", "training bench"),
                       ("training_page", "training page"), ("export", "export bench"),
                       ("landscape", "landscape bench")):
        part = results.get(key, {})
        if "peak_rss_mb" in part:
            parts.append(f"{label} {part['peak_rss_mb']:.0f} MB")
        if "children_peak_rss_mb" in part:
            parts.append(f"training process or baseline {part['children_peak_rss_mb']:.0f} MB")
    return ("Peak memory (ru_maxrss per process)", ", ".join(parts), "", "")


def report(results: dict) -> str:
    """One table: every figure, its target and whether it was met; the machine underneath."""
    rows: list[tuple[str, ...]] = []
    for key, make_rows in (("startup", _startup_rows), ("graph", _graph_rows), ("formula", _formula_rows),
                           ("training", _training_rows), ("training_page", _training_page_rows),
                           ("export", _export_rows), ("landscape", _landscape_rows)):
        part = results.get(key)
        if part is None:
            continue
        if "error" in part:
            rows.append((key, f"error: {part['error']}", "", "FAILED"))
            continue
        rows += make_rows(part)
    rows.append(_memory_row(results))
    m = results["machine"]
    return "\n".join([
        f"Backprop Studio benchmarks{' (quick)' if results['quick'] else ''}",
        table(rows, ("figure", "measured", "target", "")),
        f"Machine: {m['cpus']} CPUs, {m['cpu_model']}, {m['system']}; Python {m['python']}, torch {m['torch']}, "
        f"PySide6 {m['PySide6-Essentials']}, pyqtgraph {m['pyqtgraph']}; load average at the start "
        f"{'/'.join(map(str, m.get('load_average_1_5_15_min', []))) or 'unknown'}; took {results['seconds']:.0f} s "
        f"({_durations(results)})",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and epochs: well under 30 s")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    parser.add_argument("--only", help=f"comma-separated parts to run (of {', '.join(PARTS)})")
    parser.add_argument("--startup-runs", type=int, help="alternating start-up rounds")
    parser.add_argument("--sizes", help="graph sizes in nodes, comma-separated (default 10,100,1000)")
    parser.add_argument("--frames", type=int, help="animation frames")
    parser.add_argument("--epochs", type=int, help="epochs per loop in the training comparison")
    args = parser.parse_args(argv)
    parts = tuple(part.strip() for part in args.only.split(",")) if args.only else PARTS
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        parser.error(f"unknown part {', '.join(unknown)} (known: {', '.join(PARTS)})")
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else None
    results = run_all(args.quick, parts, args.startup_runs, sizes, args.frames, args.epochs)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(report(results))
    failed = [key for key in PARTS if isinstance(results.get(key), dict) and "error" in results[key]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
