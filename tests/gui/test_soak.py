"""A short soak: a few start / stop / reset / close-mid-training cycles in this process.

benchmarks/soak.py runs the long one (200 cycles, by hand); this runs the same cycles a few
times and asserts the same bounds: no hang, no Qt warning, no child process left, and after
the warm-up cycles no more threads, at most 5 more descriptors and at most 60 MB more RSS.
"""

from __future__ import annotations

import multiprocessing
import warnings

from benchmarks import soak

CYCLES = 6  # two of each: stop, reset, close mid-training
WARMUP = 3


def test_short_soak_leaves_no_threads_processes_descriptors_or_memory_behind(qapp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = soak.run_soak(CYCLES, WARMUP)
    print(soak.table(list(report["samples"].items())))
    assert report["problems"] == []
    assert report["cycles"] == CYCLES
    assert report["closed_processes"] == CYCLES // 3 + 1  # the close cycles' and the lent one
    grown = report["growth"]
    assert grown["py_threads"] <= 0 and grown["os_threads"] <= 0
    assert grown["fds"] <= 5 and grown["rss_mb"] <= 60
    assert multiprocessing.active_children() == []
    assert max(report["durations"]) < soak.CYCLE_TIMEOUT_S
