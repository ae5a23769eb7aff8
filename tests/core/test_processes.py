"""core.processes: the fork server's preload: after importing it, forked children train (no hang) and no Qt is loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core import processes
from core.training import worker

ROOT = Path(__file__).resolve().parents[2]
# Preload as the fork server does, then fork two children one after the other; each runs a step
# of every variant (the worker's warm-up) and a matrix product, which would hang if a lock or a
# thread pool had been copied in a bad state.
PROBE = """
import importlib, os, sys
from core import processes
from core.training import worker
for name in processes.PRELOAD:
    importlib.import_module(name)
codes = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        import torch
        worker._warm_up()
        torch.mm(torch.ones(300, 300), torch.ones(300, 300))
        os._exit(0)
    codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
print(codes, "PySide6" in sys.modules)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is used on Linux only")
def test_children_forked_from_the_preloaded_state_train_and_no_qt_is_loaded():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["[0,", "0]", "False"]
    assert "torch" in processes.PRELOAD and worker.__name__ in processes.PRELOAD


def test_the_json_connection_carries_plain_data_exactly_and_refuses_objects():
    import math
    import multiprocessing

    ours, theirs = (processes.JsonConnection(end) for end in multiprocessing.Pipe())
    message = ("records", {"values": [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0],
                           "odd": [math.inf, -math.inf], "name": "∂L/∂w", "none": None, "yes": True})
    theirs.send(message)
    assert ours.poll(5)
    name, payload = ours.recv()
    assert name == "records" and payload["values"] == message[1]["values"]
    assert math.copysign(1, payload["values"][-1]) == -1 and payload["odd"] == [math.inf, -math.inf]
    assert payload["name"] == "∂L/∂w" and payload["none"] is None and payload["yes"] is True
    theirs.send(("nan", float("nan")))
    assert math.isnan(ours.recv()[1])
    try:
        theirs.send(("object", object()))
    except TypeError:
        pass
    else:
        raise AssertionError("an object crossed the pipe")
    theirs.close()
    try:
        ours.recv()
    except EOFError:
        pass
    else:
        raise AssertionError("no end of file after close")
    ours.close()
    assert ours.closed
