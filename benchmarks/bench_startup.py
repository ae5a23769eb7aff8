"""Start-up: time to the window's first paint against importing the heavy stack, in one run.

Run: `python benchmarks/bench_startup.py [--runs 7] [--quick]`

Two commands run alternately (the order flips every round, so a burst of load elsewhere hits
both alike), each from spawn to exit, offscreen:
  window    python main.py --quit-after-first-paint    (opens the real window, quits after its
            first paint: every real start-up step runs; the wall time includes tearing down)
  baseline  python -c "import torch, pandas, networkx, PySide6.QtWidgets, pyqtgraph"
The ratio of their medians is the figure; target <= 0.35. A third command, `window_training`,
is the same window with settings saying the last session ended on the Training tab (the page
must still be built only after the first paint); its ratio to the same baseline is a second row. One extra window run under
`python -X importtime` lists what the window path imports: it must not import torch or pandas
(they load only in the training process), and it shows where the start-up time goes.
The window runs with a throwaway settings folder, so a saved geometry cannot change the figure
and the user's own settings are never touched.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median, run_child, table  # noqa: E402
from core.project import APPLICATION, ORGANIZATION  # noqa: E402

TARGET = 0.35
WINDOW = ["main.py", "--quit-after-first-paint"]
BASELINE = ["-c", "import torch, pandas, networkx, PySide6.QtWidgets, pyqtgraph"]
HEAVY = ("torch", "pandas", "pyqtgraph", "numpy", "networkx", "matplotlib", "scipy")
FORBIDDEN = ("torch", "pandas")  # the window must start without these
FULL_RUNS, QUICK_RUNS = 7, 1  # quick: one round (window, Training tab, baseline) keeps run.py --quick well under 30 s


def _environment(settings_folder: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = settings_folder  # QSettings (INI, user scope) lives under here on Linux
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _training_tab_settings(folder: str) -> None:
    """Settings (QSettings' INI file under XDG_CONFIG_HOME) saying the Training tab was shown last."""
    ini = Path(folder) / ORGANIZATION / f"{APPLICATION}.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text("[window]\npage=1\n", encoding="utf-8")  # written before every run: the window saves on exit


def import_profile(env: dict[str, str]) -> dict[str, object]:
    """Run the window once under -X importtime: heavy top-level packages imported, slowest imports."""
    seconds, status, _, stderr = run_child([sys.executable, "-X", "importtime", *WINDOW], env=env)
    if status != 0:
        raise RuntimeError(f"main.py --quit-after-first-paint exited with {status}: {stderr.strip()[-300:]}")
    cumulative: dict[str, int] = {}
    direct: dict[str, int] = {}  # imports at the top of the import tree: they partition the time
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            name, micros = match.group(4), int(match.group(2))
            cumulative[name] = max(cumulative.get(name, 0), micros)
            if len(match.group(3)) <= 1:
                direct[name] = max(direct.get(name, 0), micros)
    top_level = {name.split(".")[0] for name in cumulative}
    heavy = sorted(name for name in HEAVY if name in top_level)
    slowest = sorted(direct.items(), key=lambda item: -item[1])[:8]
    return {
        "window_heavy_imports": heavy,
        "window_imports_torch": "torch" in top_level,
        "window_imports_pandas": "pandas" in top_level,
        "window_imports_pyqtgraph": "pyqtgraph" in top_level,
        "window_slowest_imports_ms": {name: round(micros / 1000, 1) for name, micros in slowest},
        "window_modules_imported": len(cumulative),
    }


def run(quick: bool = False, runs: int | None = None) -> dict[str, object]:
    """Median wall times of the window (fresh settings, and Training tab last) and the baseline; ratios."""
    runs = runs or (QUICK_RUNS if quick else FULL_RUNS)
    times: dict[str, list[float]] = {"window": [], "window_training": [], "baseline": []}
    rss: dict[str, list[float]] = {kind: [] for kind in times}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as settings_folder, \
            tempfile.TemporaryDirectory(prefix="bench-startup-training-") as training_folder:
        env = _environment(settings_folder)
        training_env = _environment(training_folder)
        profile = import_profile(env)  # also warms the disk cache for the window's files
        if not quick:
            run_child([sys.executable, *BASELINE], env=env, capture_stderr=False)  # warm the cache for torch's files too
        commands = [("window", WINDOW, env), ("window_training", WINDOW, training_env), ("baseline", BASELINE, env)]
        for round_ in range(runs):
            shift = round_ % len(commands)  # rotate who goes first, so load elsewhere hits all alike
            for kind, arguments, environment in commands[shift:] + commands[:shift]:
                if kind == "window_training":
                    _training_tab_settings(training_folder)
                seconds, status, peak, stderr = run_child([sys.executable, *arguments], env=environment)
                if status != 0:
                    raise RuntimeError(f"{kind} run exited with {status}: {stderr.strip()[-300:]}")
                times[kind].append(seconds)
                rss[kind].append(peak)
    window, training, baseline = (median(times[kind]) for kind in ("window", "window_training", "baseline"))
    return {
        "runs": runs,
        "window_first_paint_s": window,
        "window_training_tab_first_paint_s": training,
        "baseline_imports_s": baseline,
        "startup_ratio": window / baseline,
        "startup_training_tab_ratio": training / baseline,
        "startup_target": TARGET,
        "window_times_s": times["window"],
        "window_training_tab_times_s": times["window_training"],
        "baseline_times_s": times["baseline"],
        "window_peak_rss_mb": max(rss["window"] + rss["window_training"]),
        "baseline_peak_rss_mb": max(rss["baseline"]),
        **profile,
    }


def report(result: dict) -> str:
    """The figures as a small table."""
    rows = [
        ("window: main.py --quit-after-first-paint", f"{result['window_first_paint_s'] * 1000:.0f} ms",
         f"peak {result['window_peak_rss_mb']:.0f} MB"),
        ("window, Training tab shown last", f"{result['window_training_tab_first_paint_s'] * 1000:.0f} ms",
         f"ratio {result['startup_training_tab_ratio']:.2f}x "
         f"{'ok' if result['startup_training_tab_ratio'] <= TARGET else 'MISSED'}"),
        ("baseline: import torch, pandas, networkx, PySide6, pyqtgraph",
         f"{result['baseline_imports_s'] * 1000:.0f} ms", f"peak {result['baseline_peak_rss_mb']:.0f} MB"),
        ("ratio (target <= 0.35)", f"{result['startup_ratio']:.2f}x",
         "ok" if result["startup_ratio"] <= TARGET else "MISSED"),
    ]
    heavy = ", ".join(result["window_heavy_imports"]) or "none"
    forbidden = [name for name in FORBIDDEN if result[f"window_imports_{name}"]]
    slowest = ", ".join(f"{name} {ms:.0f} ms" for name, ms in result["window_slowest_imports_ms"].items())
    return (
        f"Start-up, medians of {result['runs']} alternating runs (wall time, spawn to exit, offscreen)\n"
        + table(rows)
        + f"\nheavy packages the window imports: {heavy}"
        + (f"  -- FORBIDDEN: {', '.join(forbidden)}" if forbidden else "  (no torch, no pandas: ok)")
        + f"\nslowest direct imports on the window path: {slowest}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help=f"alternating rounds (default {FULL_RUNS}, quick {QUICK_RUNS})")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no warm-up of the baseline")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(quick=args.quick, runs=args.runs)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
