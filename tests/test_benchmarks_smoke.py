"""The benchmarks still run: `benchmarks/run.py --json` on tiny settings gives every figure.

A smoke test, not a timed test: it checks that each figure is there and is a positive number,
never whether a target was met (timings on a shared machine are too noisy to fail a build on).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import run as bench_run  # noqa: E402  (light: no Qt and no torch at import)

TINY = ["--quick", "--json", "--only", "startup,graph,training", "--startup-runs", "1",
        "--sizes", "10,30", "--frames", "10", "--epochs", "20"]


def positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def results():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *TINY],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


def test_every_part_reports_without_error(results):
    for part in ("startup", "graph", "training"):
        assert "error" not in results[part], results[part]
        assert positive(results[part]["peak_rss_mb"])
    assert results["quick"] is True
    machine = results["machine"]
    assert positive(machine["cpus"]) and machine["cpu_model"] and machine["python"] and machine["torch"]


def test_startup_figures(results):
    startup = results["startup"]
    for key in ("window_first_paint_s", "baseline_imports_s", "startup_ratio", "window_peak_rss_mb"):
        assert positive(startup[key]), key
    for name in ("torch", "pandas", "pyqtgraph"):
        assert isinstance(startup[f"window_imports_{name}"], bool)
    assert startup["window_slowest_imports_ms"]


def test_graph_figures(results):
    graph = results["graph"]
    for size in (10, 30):
        assert graph[f"graph_{size}_nodes"] == size
        for stage in ("build", "evaluate", "layout", "schedule", "scene", "state", "paint", "total"):
            assert positive(graph[f"graph_{size}_{stage}_s"]), (size, stage)
    for key in ("frame_mean_s", "frame_p50_s", "frame_p95_s", "frame_max_s", "fps"):
        assert positive(graph[key]), key
    assert graph["animation_frames"] == 10


def test_training_overhead_figures(results):
    training = results["training"]
    for name in ("manual", "semi_manual", "automatic", "sequential"):
        for key in ("bare_us", "notebook_us", "engine_us", "engine_over_bare", "engine_over_notebook"):
            assert positive(training[f"{name}_{key}"]), (name, key)


def test_the_table_shows_every_row(results):
    page = {"epochs": 200, "lateness_p50_ms": 0.2, "lateness_p99_ms": 20.0, "lateness_max_ms": 60.0,
            "page_wall_s": 1.2, "baseline_s": 1.0, "wall_over_baseline": 1.2, "lateness_p99_target_ms": 20.0,
            "lateness_max_target_ms": 100.0, "wall_target": 1.3, "peak_rss_mb": 150.0}
    text = bench_run.report({**results, "training_page": page})
    for row in ("Start-up: first paint", "Graph build+layout+draw, 30 nodes", "Animation frame",
                "Training overhead", "Event-loop lateness", "Training page wall time", "Peak memory", "Machine:"):
        assert row in text, row
    assert "0.2 / 20.0 / 60.0 ms" in text and "1.20x" in text


def test_quick_measures_the_landscape_in_the_training_process(monkeypatch):
    calls = []

    def fake_run_isolated(module, options, function="run"):
        calls.append((module, function, dict(options)))
        result = {"epochs": 20, "peak_rss_mb": 300.0}
        if options.get("with_landscape"):
            result["landscape"] = {"grid_ms": 1.0, "seconds": 0.5}
        return result

    monkeypatch.setattr(bench_run, "run_isolated", fake_run_isolated)
    quick = bench_run.run_all(quick=True, parts=("training", "landscape"))
    assert [(module, function) for module, function, _ in calls] == [("run", "training_overhead")]
    assert quick["landscape"]["grid_ms"] == 1.0 and "landscape" not in quick["training"]
    assert "landscape 0 s in the training process" in bench_run._durations(quick)
    calls.clear()
    full = bench_run.run_all(quick=False, parts=("training", "landscape"))
    assert [(module, function) for module, function, _ in calls] == [
        ("run", "training_overhead"), ("bench_landscape", "run")]
    assert not calls[0][2]["with_landscape"] and "landscape" in full
