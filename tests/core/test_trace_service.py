"""core.trace.service: the window's trace message equals what `main.py trace --json` prints."""

from __future__ import annotations

import contextlib
import io
import json

import main
from core import processes
from core.trace import service
from core.training.request import TrainingConfig, TrainingRequest


def served(variant: str, request: dict) -> dict:
    """Run the child's function as the window does (a process from core.processes); read its message."""
    context = processes.context()
    ours, theirs = context.Pipe(duplex=False)
    child = context.Process(target=service.serve, args=(variant, request, theirs), daemon=True)
    processes.start(child)
    theirs.close()
    try:
        assert ours.poll(120), "the trace process said nothing"
        return service.check(processes.JsonConnection(ours).recv())
    finally:
        child.join(10)
        assert child.exitcode == 0


def printed(argv: list[str]) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main.main(argv) == 0
    return json.loads(out.getvalue())


def test_the_message_is_the_graph_the_command_line_prints(single_torch_thread):
    request = TrainingRequest(config=TrainingConfig(epochs=3, lr=0.05))
    message = served("automatic", request.to_json())
    assert message == {"graph": printed(["trace", "automatic", *request.arguments(), "--json"])}
    assert message["graph"]["variant"] == "automatic" and message["graph"]["nodes"]


def test_bad_data_and_a_bad_request_come_back_as_sentences(tmp_path, single_torch_thread):
    missing = TrainingRequest().to_json()
    missing["data"]["path"] = str(tmp_path / "nowhere.csv")
    said = served("manual", missing)
    assert set(said) == {"error"} and "nowhere.csv" in said["error"]
    said = served("manual", {"config": {"lr": "fast"}})
    assert set(said) == {"error"} and "learning rate" in said["error"] and "internal" not in said["error"]


def test_checking_refuses_what_is_neither_a_graph_nor_an_error():
    for message in ("hello", [1, 2], {"graph_": 1}):
        try:
            service.check(message)
        except ValueError:
            continue
        raise AssertionError(message)
