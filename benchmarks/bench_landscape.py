"""The loss landscape's cost: a 200 × 200 grid of training MSE, against one forward pass.

Run: `python benchmarks/bench_landscape.py [--quick] [--json]`

On the bundled data (700 training rows, two features), medians of repeated calls:
  grid       core.training.landscape.landscape without ReLU (the quadratic form: one small
             matrix product for all 40,000 points); target < 50 ms
  relu grid  the same grid through the ReLU (every point × every row, in chunks)
  forward    the baseline: one forward pass of the model over the training data (torch, relu)
Figures are seconds and the grids' ratios against the forward pass measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import clock, fmt_ms, median, table  # noqa: E402

GRID_TARGET_S = 0.050


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
    }


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
        (f"one forward pass ({result['rows']} rows)", fmt_ms(result["forward_s"]), "", ""),
    ], ("figure", "measured", "target", "")))


if __name__ == "__main__":
    main()
