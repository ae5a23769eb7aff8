"""The loss landscape's cost: a 200 × 200 grid of training MSE, against one forward pass.

Run: `python benchmarks/bench_landscape.py [--quick] [--json]`

On the bundled data (700 training rows, two features), medians of repeated calls:
  grid       core.training.landscape.landscape without ReLU (the quadratic form: one small
             matrix product for all 40,000 points); target < 50 ms
  relu grid  the same grid through the ReLU (every point × every row, in chunks)
  forward    the baseline: one forward pass of the model over the training data (torch, relu)
  redraw     the page's LandscapeView (offscreen): a new grid arriving (setImage + paint), and
             one frame of four growing 3,000-epoch paths (setData + paint), p99 of each: the
             longest the event loop waits for them (target: p99 <= 20 ms)
Figures are seconds and the grids' ratios against the forward pass measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import clock, fmt_ms, median, percentile, qt_application, table  # noqa: E402

GRID_TARGET_S = 0.050
REDRAW_TARGET_S = 0.020
PATH_EPOCHS = 3000


def _median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = clock()
        function()
        times.append(clock() - started)
    return median(times)


def run(quick: bool = False) -> dict[str, float]:
    """Median seconds of a 200 × 200 grid (quadratic and ReLU) and of one forward pass."""
    import torch

    from core.project import BUNDLED_DATA
    from core.training import landscape
    from core.training.data import load_prepared
    from core.training.run import closed_form

    torch.set_num_threads(1)  # as the training process runs
    prepared = load_prepared(BUNDLED_DATA)
    reference = closed_form(prepared)
    optimum = [*reference.weights, reference.bias]
    start = [0.5, 0.5, 0.5]
    repeats = 5 if quick else 30
    form = landscape.quadratic(prepared)
    w = torch.tensor(start[:-1]).view(-1, 1)
    b = torch.tensor(start[-1:])
    X = prepared.X_train

    def forward():
        return torch.relu(torch.add(torch.mm(X, w), b).view(-1))

    def grid(relu):
        return lambda: landscape.landscape(form, (0, 1), start, optimum, relu=relu,
                                           size=landscape.GRID_SIZE)

    redraw = _redraw_seconds(landscape.landscapes_message(form, prepared.feature_names, start,
                                                          optimum, relu=False), repeats)
    forward_s = _median_seconds(forward, repeats * 20)
    grid_s = _median_seconds(grid(False), repeats)
    relu_s = _median_seconds(grid(True), max(2, repeats // 5))
    shown = landscape.RELU_GRID_SIZE
    relu_shown_s = _median_seconds(
        lambda: landscape.landscape(form, (0, 1), start, optimum, relu=True), max(2, repeats // 5))
    return {
        "grid_points": landscape.GRID_SIZE**2,
        "rows": int(X.size(0)),
        "grid_s": grid_s,
        "relu_grid_s": relu_s,
        "forward_s": forward_s,
        "grid_over_forward": grid_s / forward_s,
        "relu_grid_over_forward": relu_s / forward_s,
        "relu_shown_grid_points": shown**2,
        "relu_shown_grid_s": relu_shown_s,
        "grid_target_s": GRID_TARGET_S,
        **redraw,
        "redraw_target_s": REDRAW_TARGET_S,
    }


def _redraw_seconds(message: dict, repeats: int) -> dict[str, float]:
    """p99 seconds of a new grid and of one path frame in the real LandscapeView, offscreen."""
    import numpy as np

    app = qt_application()
    from core.training.history import TrainingHistory
    from gui.training.landscape.landscape_view import LandscapeView

    names = ["manual", "semi_manual", "automatic", "sequential"]
    view = LandscapeView()
    view.resize(700, 520)
    view.show()
    app.processEvents()
    message = {**message, "stage": "start"}
    view.set_landscape(message)  # the first grid also lays out the axes once: not a redraw
    app.processEvents()
    grids = []
    for _ in range(max(5, repeats)):
        started = clock()
        view.set_landscape(message)
        app.processEvents()
        grids.append(clock() - started)
    history = TrainingHistory()
    history.reset(names, PATH_EPOCHS, list(message["feature_names"]))
    view.set_starts({name: {"weights": [0.5, 0.5], "bias": 0.5} for name in names})
    steps = np.linspace(0, 1, PATH_EPOCHS)
    frames = []
    for chunk in np.array_split(np.arange(PATH_EPOCHS), 60):  # 50 epochs a frame, as at full speed
        columns = {"epoch": list(chunk + 1), "mse": list(steps[chunk]),
                   "weights": np.column_stack([steps[chunk], steps[chunk] * 30]).tolist(),
                   "bias": list(steps[chunk] * 140), "status": "ok", "active": 1.0}
        history.append({name: columns for name in names})
        started = clock()
        view.show_paths(history)
        app.processEvents()
        frames.append(clock() - started)
    view.close()
    return {"redraw_grid_p99_s": percentile(grids, 99), "redraw_paths_p99_s": percentile(frames, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.quick)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    n = int(result["grid_points"] ** 0.5)
    print(table([
        (f"{n}×{n} grid, no ReLU (quadratic form)",
         f"{fmt_ms(result['grid_s'])} = {result['grid_over_forward']:.0f}x a forward pass",
         f"< {fmt_ms(result['grid_target_s'])}",
         "ok" if result["grid_s"] < result["grid_target_s"] else "MISSED"),
        (f"{n}×{n} grid through the ReLU",
         f"{fmt_ms(result['relu_grid_s'])} = {result['relu_grid_over_forward']:.0f}x a forward pass", "", ""),
        (f"the ReLU grid the page shows ({int(result['relu_shown_grid_points'] ** 0.5)}² points)",
         fmt_ms(result["relu_shown_grid_s"]), "", ""),
        ("landscape view: a new grid, p99 (setImage + paint)", fmt_ms(result["redraw_grid_p99_s"]),
         f"<= {fmt_ms(result['redraw_target_s'])}",
         "ok" if result["redraw_grid_p99_s"] <= result["redraw_target_s"] else "MISSED"),
        (f"landscape view: four {PATH_EPOCHS}-epoch paths growing, p99 frame",
         fmt_ms(result["redraw_paths_p99_s"]), f"<= {fmt_ms(result['redraw_target_s'])}",
         "ok" if result["redraw_paths_p99_s"] <= result["redraw_target_s"] else "MISSED"),
        (f"one forward pass ({result['rows']} rows)", fmt_ms(result["forward_s"]), "", ""),
    ], ("figure", "measured", "target", "")))


if __name__ == "__main__":
    main()
