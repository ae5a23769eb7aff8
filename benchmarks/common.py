"""Shared helpers for the benchmarks: clocks, statistics, child processes and peak memory.

Every benchmark module exposes `run(quick=False, ...) -> dict` of plain numbers (and a few
strings); `benchmarks/run.py` calls each one in a fresh child process (`run_isolated`) so that
one benchmark's imports, caches and memory never colour another's figures.
"""

from __future__ import annotations

import atexit
import importlib
import inspect
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
clock = time.perf_counter
XDG_VARIABLES = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
SCRATCH_MARKER = "BACKPROP_STUDIO_BENCH_HOME"  # set once; every child process inherits it


def isolate_user_folders() -> str:
    """Point settings, data, cache and state at a throwaway folder for this benchmark process and
    every process it starts, so a benchmark never replaces the user's autosave or settings."""
    home = os.environ.get(SCRATCH_MARKER)
    if not home or not os.path.isdir(home):
        home = tempfile.mkdtemp(prefix="backprop-studio-bench-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)  # only the process that made it
        os.environ[SCRATCH_MARKER] = home
    for variable in XDG_VARIABLES:
        os.environ[variable] = os.path.join(home, variable.lower())
    return home


SCRATCH_HOME = isolate_user_folders()  # on import: before any benchmark can load Qt


def ensure_root_on_path() -> None:
    """Make `core`, `gui` and `benchmarks` importable when a script runs from anywhere."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def median(values: Iterable[float]) -> float:
    """The median, or nan for no values."""
    values = list(values)
    return statistics.median(values) if values else math.nan


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between the nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call of `function` took, and what it returned."""
    started = clock()
    result = function()
    return clock() - started, result


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far in MB (ru_maxrss: kilobytes on Linux, bytes on macOS)."""
    kilobytes = resource.getrusage(who).ru_maxrss
    if sys.platform == "darwin":
        kilobytes /= 1024
    return kilobytes / 1024


def rusage_mb(usage: resource.struct_rusage) -> float:
    """ru_maxrss of one finished child (from os.wait4) in MB."""
    kilobytes = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
    return kilobytes / 1024


def run_child(command: Sequence[str], env: dict[str, str] | None = None, timeout: float = 120.0,
              capture_stderr: bool = True) -> tuple[float, int, float, str]:
    """Run a command; return (wall seconds from spawn to exit, exit status, its peak RSS in MB, stderr).

    os.wait4 gives the child's own resource usage, so the peak memory is this child's alone.
    """
    if env is not None:  # an explicit environment still gets the scratch folders unless it names its own
        env = {**{name: os.environ[name] for name in (*XDG_VARIABLES, SCRATCH_MARKER)}, **env}
    with tempfile.TemporaryFile() as errors:
        started = clock()
        process = subprocess.Popen(
            list(command), cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=errors if capture_stderr else subprocess.DEVNULL,
        )
        killer = threading.Timer(timeout, process.kill)  # a hung child must not hang the benchmark
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        seconds = clock() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        errors.seek(0)
        text = errors.read().decode("utf-8", "replace")
    return seconds, process.returncode, rusage_mb(usage), text


def run_isolated(module: str, options: dict[str, Any], function: str = "run",
                 timeout: float = 900.0) -> dict[str, Any]:
    """Call `benchmarks.<module>.<function>(**options)` in a fresh Python; return its dict.

    The child adds its own peak RSS (`peak_rss_mb`, from the resource module). The figures
    travel back through a temporary file, so whatever the benchmark prints is harmless. A
    failure comes back as {"error": "..."} instead of stopping the whole run.
    """
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        out = Path(folder) / "result.json"
        code = (
            "import json, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "from benchmarks.common import child_main\n"
            f"child_main({module!r}, {function!r}, json.loads({json.dumps(options)!r}), {str(out)!r})\n"
        )
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        try:
            completed = subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, env=env, timeout=timeout,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, errors="replace",
            )
        except subprocess.TimeoutExpired:
            return {"error": f"{module}.{function} did not finish within {timeout:.0f} s"}
        if completed.returncode != 0 or not out.exists():
            said = [line for line in (completed.stderr or completed.stdout).strip().splitlines()
                    if "propagateSizeHints" not in line]
            return {"error": f"{module}.{function} failed (exit {completed.returncode}): {' | '.join(said[-3:])}"}
        return json.loads(out.read_text())


def child_main(module: str, function: str, options: dict[str, Any], out: str) -> None:
    """In the child: run the benchmark, add this process's peak RSS, write the dict as JSON.

    Options the function does not take are left out, so a benchmark without, say, a `quick`
    parameter still runs.
    """
    ensure_root_on_path()
    target = getattr(importlib.import_module(f"benchmarks.{module}"), function)
    parameters = inspect.signature(target).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        options = {name: value for name, value in options.items() if name in parameters}
    result = dict(target(**options))
    result.setdefault("peak_rss_mb", peak_rss_mb())
    Path(out).write_text(json.dumps(result, allow_nan=True))


def qt_application():
    """The QApplication (offscreen unless a platform is chosen), created once."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "benchmark"])


def fmt_ms(seconds: float) -> str:
    """Seconds as milliseconds with sensible digits."""
    ms = seconds * 1000
    if math.isnan(ms):
        return "n/a"
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"


def table(rows: list[tuple[str, ...]], header: tuple[str, ...] | None = None) -> str:
    """Left-aligned plain-text columns, with a rule under the header."""
    lines = ([header] if header else []) + rows
    widths = [max(len(row[i]) if i < len(row) else 0 for row in lines) for i in range(max(map(len, lines)))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in lines]
    if header:
        text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)
