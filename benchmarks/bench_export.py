"""The cost of exporting the step-through: time per PDF page and per GIF frame, against drawing one.

Run: `python benchmarks/bench_export.py [--quick] [--nodes 40] [--json]`

A seeded random graph (benchmarks.bench_graph.random_program, every input given a value) is
exported at 1920 x 1080 in the projector theme:
  draw   the baseline: StepFrames.paint of each frame into a QImage (state, camera, caption band)
  pdf    gui.export.writers.write_frames to .pdf (one vector page per step)
  gif    the same to .gif (each frame drawn, quantized to 256 colours and LZW-encoded by Pillow)
Figures are seconds per frame and each format's ratio against the baseline drawn in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import clock, fmt_ms, qt_application, table  # noqa: E402

NODES = 40
QUICK_NODES = 12
SIZE = (1920, 1080)


def program(nodes: int, seed: int = 1) -> str:
    """bench_graph's random program with a value line for each of its inputs."""
    from benchmarks.bench_graph import random_program
    from core.engine.graph import build_graph

    text = random_program(nodes, seed)
    inputs = build_graph(text).inputs
    return "\n".join(f"{name} = {0.5 + 0.25 * i}" for i, name in enumerate(inputs)) + "\n" + text


def run(quick: bool = False, nodes: int | None = None) -> dict[str, float]:
    """Seconds per frame drawn, per PDF page and per GIF frame; ratios against drawing."""
    qt_application()
    from core.engine.graph import build_graph
    from gui.export.step_frames import StepFrames
    from gui.export.writers import frame_image, run as write, write_frames

    nodes = nodes or (QUICK_NODES if quick else NODES)
    cg = build_graph(program(nodes)).evaluate()
    frames = StepFrames(cg, SIZE, "projector")
    result: dict[str, float] = {"nodes": nodes, "frames": frames.count, "width": SIZE[0], "height": SIZE[1]}
    try:
        started = clock()
        for index in range(frames.count):
            frame_image(frames, index)
        result["draw_s_per_frame"] = (clock() - started) / frames.count
        with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
            for suffix in ("pdf", "gif"):
                path = Path(folder) / f"steps.{suffix}"
                started = clock()
                write(write_frames(frames, path))
                result[f"{suffix}_s_per_frame"] = (clock() - started) / frames.count
                result[f"{suffix}_over_draw"] = result[f"{suffix}_s_per_frame"] / result["draw_s_per_frame"]
                result[f"{suffix}_kb_per_frame"] = path.stat().st_size / 1024 / frames.count
    finally:
        frames.close()
    return result


def report(result: dict[str, float]) -> str:
    """The figures as a table."""
    rows = [("draw one frame to a QImage (baseline)", fmt_ms(result["draw_s_per_frame"]), "1.00x", "")]
    for suffix, words in (("pdf", "PDF page (vector)"), ("gif", "GIF frame (256 colours)")):
        rows.append((words, fmt_ms(result[f"{suffix}_s_per_frame"]), f"{result[f'{suffix}_over_draw']:.2f}x",
                     f"{result[f'{suffix}_kb_per_frame']:.0f} kB"))
    title = (f"Export of {result['frames']} steps of a {result['nodes']}-node graph at "
             f"{result['width']}x{result['height']}, per frame")
    return title + "\n" + table(rows, ("", "time", "over drawing", "file size"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"a {QUICK_NODES}-node graph")
    parser.add_argument("--nodes", type=int, help=f"graph size in nodes (default {NODES})")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = run(args.quick, args.nodes)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
