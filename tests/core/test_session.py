"""Sessions: round trip, clear refusals of bad files, atomic saves (even under SIGKILL), recovery."""

import errno
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import session as session_module
from core.training.request import DataSpec, TrainingConfig, TrainingRequest
from core.session import (
    SCHEMA_VERSION, Session, SessionError, autosave_path, autosave_to_restore, load_session,
    mark_clean_exit, remove_stale_temp_files, save_session, temp_files_of,
)

ROOT = Path(__file__).resolve().parents[2]


def example(version: int = 1) -> Session:
    return Session(
        formula="x = 3; w = 2; b = 1\nu = w*x\nv = u + b\na = relu(v)",
        values={"x": 3.0, "w": 2.0, "b": float(version)},
        step=5, lesson="lecture", theme="projector", ui_scale=1.5,
        training=TrainingRequest(DataSpec(path="/data/course.csv", shift=float(version)),
                                 TrainingConfig(epochs=100 + version, lr=0.05,
                                                variants=("manual", "automatic"))),
    )


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def valid_dict() -> dict:
    return example().to_dict()


# ----- round trip ------------------------------------------------------------------------------

def test_a_saved_session_loads_back_equal(tmp_path):
    path = tmp_path / "lesson.json"
    save_session(path, example())
    assert load_session(path) == example()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["app"] == "backprop-studio" and data["schema"] == SCHEMA_VERSION
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_defaults_and_non_finite_values_round_trip(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, Session())
    assert load_session(path) == Session()
    save_session(path, Session(formula="f = log(x)", values={"x": float("-inf"), "y": float("nan")}))
    text = path.read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))
    loaded = load_session(path)
    assert loaded.values["x"] == float("-inf") and loaded.values["y"] != loaded.values["y"]


def test_to_dict_and_from_dict_round_trip_and_older_fields_default():
    assert Session.from_dict(example().to_dict()) == example()
    minimal = Session.from_dict({"app": "backprop-studio", "schema": SCHEMA_VERSION, "formula": "f = x*x"})
    assert minimal == Session(formula="f = x*x")
    assert Session.from_dict({**valid_dict(), "future_field": [1, 2]}) == example()  # ignored


def test_the_training_request_is_stored_as_plain_json_and_checked_on_the_way_in(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, example())
    stored = json.loads(path.read_text(encoding="utf-8"))["training"]
    assert stored == example().training.to_json() and stored["config"]["epochs"] == 101
    bad = {**valid_dict(), "training": {"config": {"lr": -1}}}
    with pytest.raises(SessionError, match="field 'training': the learning rate must be a positive"):
        load_session(write_json(tmp_path / "bad.json", bad))
    with pytest.raises(SessionError, match="unknown variant 'magic'"):
        Session.from_dict({**valid_dict(), "training": {"config": {"variants": ["magic"]}}})


def test_a_schema_1_file_still_opens_without_training_settings(tmp_path):
    old = {"app": "backprop-studio", "schema": 1, "formula": "f = x*x", "values": {"x": 2},
           "training": {}, "dataset": None, "theme": "dark"}
    loaded = load_session(write_json(tmp_path / "old.json", old))
    assert loaded.formula == "f = x*x" and loaded.theme == "dark" and loaded.training is None
    assert loaded.schema_version == 1


def test_a_formula_is_text_and_is_never_run(tmp_path):
    marker = tmp_path / "was-run"
    formula = f"__import__('os').system('touch {marker}')"
    path = write_json(tmp_path / "s.json", {**valid_dict(), "formula": formula})
    assert load_session(path).formula == formula and not marker.exists()


# ----- bad files -------------------------------------------------------------------------------

class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


BAD_FILES = {
    "empty": (lambda p: p.write_text(""), "is empty"),
    "truncated": (lambda p: p.write_text(json.dumps(valid_dict(), indent=2)[:120]), "ends too early"),
    "not JSON": (lambda p: p.write_text("formula: relu(x)\n"), "broken at line 1, column 1"),
    "binary": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff"), "not text"),
    "a list": (lambda p: write_json(p, [1, 2]), "expected a JSON object, found a list"),
    "no app marker": (lambda p: write_json(p, {"formula": "x"}), 'no "app" marker'),
    "another program": (lambda p: write_json(p, {"app": "jupyter", "schema": 1}), "written by 'jupyter'"),
    "newer schema": (lambda p: write_json(p, {**valid_dict(), "schema": 3}),
                     "written by a newer Backprop Studio (schema 3; this version reads up to 2)"),
    "no schema": (lambda p: write_json(p, {"app": "backprop-studio"}), "no valid schema version"),
    "schema as text": (lambda p: write_json(p, {**valid_dict(), "schema": "1"}), "no valid schema version"),
    "schema 0": (lambda p: write_json(p, {**valid_dict(), "schema": 0}), "unknown schema version 0"),
    "step as text": (lambda p: write_json(p, {**valid_dict(), "step": "three"}), "field 'step'"),
    "negative step": (lambda p: write_json(p, {**valid_dict(), "step": -1}),
                      "field 'step' should be a whole number >= 0"),
    "step as bool": (lambda p: write_json(p, {**valid_dict(), "step": True}), "field 'step'"),
    "values list": (lambda p: write_json(p, {**valid_dict(), "values": [1, 2]}), "field 'values'"),
    "value text": (lambda p: write_json(p, {**valid_dict(), "values": {"x": "abc"}}), "field 'values'"),
    "formula null": (lambda p: write_json(p, {**valid_dict(), "formula": None}),
                     "field 'formula' should be text"),
    "lesson number": (lambda p: write_json(p, {**valid_dict(), "lesson": 3}), "field 'lesson'"),
    "theme number": (lambda p: write_json(p, {**valid_dict(), "theme": 5}), "field 'theme'"),
    "scale too big": (lambda p: write_json(p, {**valid_dict(), "ui_scale": 10}),
                      "field 'ui_scale' should be a number from 1 to 3, not 10"),
    "scale text": (lambda p: write_json(p, {**valid_dict(), "ui_scale": "big"}), "field 'ui_scale'"),
    "training list": (lambda p: write_json(p, {**valid_dict(), "training": []}), "field 'training'"),
    "training seed": (lambda p: write_json(p, {**valid_dict(), "training": {"data": {"seed": "x"}}}),
                      "field 'training': the seed must be a whole number"),
    "huge number": (lambda p: p.write_text('{"app": "backprop-studio", "schema": ' + "9" * 5000 + "}"),
                    "not a valid session file"),
    "deep nesting": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "not a valid session file"),
    "pickle": (lambda p: p.write_bytes(pickle.dumps(_Payload(p.parent / "unpickled"))), "not text"),
    "text pickle": (lambda p: p.write_bytes(pickle.dumps(_Payload(p.parent / "unpickled"), protocol=0)),
                    "not a valid session file"),
}


@pytest.mark.parametrize("make, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_are_refused_with_a_clear_message(tmp_path, make, message):
    path = tmp_path / "bad.json"
    make(path)
    with pytest.raises(SessionError) as refused:
        load_session(path)
    assert message in str(refused.value)
    assert not (tmp_path / "unpickled").exists()  # nothing in a file is ever run


def test_missing_file_folder_and_oversized_file_are_refused(tmp_path, monkeypatch):
    with pytest.raises(SessionError, match="no session file at"):
        load_session(tmp_path / "nowhere.json")
    with pytest.raises(SessionError, match="it is a folder"):
        load_session(tmp_path)
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", 100)
    save_session(tmp_path / "big.json", example())
    with pytest.raises(SessionError, match="too large to be a session"):
        load_session(tmp_path / "big.json")


def test_an_invalid_session_is_not_saved(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, example())
    before = path.read_bytes()
    for bad in (Session(ui_scale="big"), Session(step=-2), Session(values={"x": "one"}),
                Session(training={"lr": 0.05})):
        with pytest.raises(SessionError, match="field '"):
            save_session(path, bad)
    assert path.read_bytes() == before and temp_files_of(path) == []


def test_saving_to_a_missing_folder_or_onto_a_folder_is_refused(tmp_path):
    with pytest.raises(SessionError, match="does not exist"):
        save_session(tmp_path / "missing" / "s.json", example())
    (tmp_path / "taken").mkdir()
    with pytest.raises(SessionError, match="it is a folder"):
        save_session(tmp_path / "taken", example())


# ----- atomic saves ----------------------------------------------------------------------------

def crash(*args, **kwargs):
    raise RuntimeError("simulated crash")


def test_a_crash_while_serializing_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, example(1))
    monkeypatch.setattr(json, "dumps", crash)
    with pytest.raises(RuntimeError):
        save_session(path, example(2))
    monkeypatch.undo()
    assert load_session(path) == example(1) and temp_files_of(path) == []


def test_a_disk_full_midway_through_the_write_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, example(1))
    real_write = os.write

    def write_a_little_then_fail(fd, data):
        if len(data) > 10:
            real_write(fd, bytes(data[:10]))  # part of the new file reaches the temp file
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write_a_little_then_fail)
    with pytest.raises(SessionError, match="No space left on device"):
        save_session(path, example(2))
    monkeypatch.undo()
    assert load_session(path) == example(1) and temp_files_of(path) == []


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_crash_before_the_rename_leaves_the_previous_file(tmp_path, monkeypatch, step):
    path = tmp_path / "s.json"
    save_session(path, example(1))
    monkeypatch.setattr(os, step, crash)
    with pytest.raises(RuntimeError):
        save_session(path, example(2))
    monkeypatch.undo()
    assert load_session(path) == example(1) and temp_files_of(path) == []


def test_an_interrupt_during_the_write_removes_the_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "s.json"

    def interrupt(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_session(path, example())
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


_SAVE_IN_A_LOOP = """
import sys
from core.session import Session, save_session
path, size = sys.argv[1], int(sys.argv[2])
version = 0
while True:
    version += 1
    save_session(path, Session(formula=f"x = {version}\\nf = x*x", values={"x": float(version)},
                               lesson=f"{version:08d}" * size))
    if version == 1:
        print("ready", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_in_the_middle_of_saving_leaves_a_complete_file(tmp_path):
    """A child saves 4 MB sessions in a loop and is killed at a random moment, three times."""
    path, size = tmp_path / "s.json", 500_000
    rng = random.Random()
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", _SAVE_IN_A_LOOP, str(path), str(size)],
                                 cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
        loaded = load_session(path)  # one of the complete versions, never a torn one
        version = int(loaded.formula.split("\n")[0].removeprefix("x = "))
        assert loaded.values == {"x": float(version)} and loaded.formula.startswith(f"x = {version}\n")
        assert loaded.lesson == f"{version:08d}" * size
        leftovers = temp_files_of(path)
        assert len(leftovers) <= 1  # at most the one save the kill interrupted
        # The next save leaves a young temp alone (it could be another window's save in progress)
        # and removes it once it is older than STALE_TEMP_SECONDS.
        save_session(path, example())
        assert temp_files_of(path) == leftovers
        for temp in leftovers:
            old = time.time() - session_module.STALE_TEMP_SECONDS - 1
            os.utime(temp, (old, old))
        save_session(path, example())
        assert temp_files_of(path) == [] and load_session(path) == example()


def test_stale_temp_files_of_other_files_are_left_alone(tmp_path):
    path = tmp_path / "s.json"
    old = time.time() - 3600
    ours, theirs = tmp_path / ".s.json.abc123.tmp", tmp_path / ".other.json.abc123.tmp"
    for temp in (ours, theirs):
        temp.write_text("{")
        os.utime(temp, (old, old))
    assert remove_stale_temp_files(path) == [ours]
    assert theirs.exists()


def test_saving_keeps_the_permissions_and_goes_through_symlinks(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, example(1))
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    save_session(path, example(2))
    assert path.stat().st_mode & 0o777 == 0o600
    link = tmp_path / "link.json"
    link.symlink_to(path)
    save_session(link, example(3))
    assert link.is_symlink() and load_session(path) == example(3)


# ----- autosave and crash recovery -------------------------------------------------------------

def set_mtime(path: Path, seconds_ago: float) -> None:
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_autosave_is_offered_only_after_a_crash(tmp_path):
    folder = tmp_path / "app-data"
    autosave = autosave_path(folder)
    assert folder.is_dir() and autosave.parent == folder
    assert autosave_to_restore(folder) is None  # nothing saved yet

    save_session(autosave, example())  # a timer autosave, then the app is killed
    assert autosave_to_restore(folder) == autosave
    assert load_session(autosave_to_restore(folder)) == example()

    save_session(autosave, example())  # autosave on exit, then the clean-exit mark
    mark_clean_exit(folder)
    assert autosave_to_restore(folder) is None

    save_session(autosave, example())  # next run: a timer autosave, then a crash
    set_mtime(folder / "clean-exit", 60)
    assert autosave_to_restore(folder) == autosave
    mark_clean_exit(folder)  # the user declined: do not ask again
    assert autosave_to_restore(folder) is None


# ----- hostile files (issue 14, item 3) ---------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "s.json"
    os.mkfifo(fifo)
    with pytest.raises(SessionError, match="FIFO"):
        load_session(fifo)


@pytest.mark.parametrize("device, said", [("/dev/zero", "a device"), ("/proc/self/status", "not a valid")])
def test_devices_and_proc_files_are_refused_clearly(device, said):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(SessionError, match=said):
        load_session(device)


def test_a_growing_file_is_read_only_up_to_the_limit(tmp_path, monkeypatch):
    """The size guard does not trust st_size: a file that claims 0 bytes is still cut off."""
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", 50)
    path = tmp_path / "s.json"
    path.write_text("{" + " " * 200 + "}")
    monkeypatch.setattr(os, "fstat", lambda fd, real=os.fstat: os.stat_result(
        tuple(real(fd))[:6] + (0,) + tuple(real(fd))[7:]))
    with pytest.raises(SessionError, match="larger than 50 bytes"):
        load_session(path)


@pytest.mark.parametrize("field_name, value", [
    ("values", {"x": 10**400}), ("ui_scale", 10**400), ("ui_scale", 1e308), ("step", 10**400),
    ("training", {"config": {"epochs": 10**400}}), ("training", {"config": {"lr": -(10**400)}}),
    ("training", {"config": {"lr": 10**400}}), ("training", {"data": {"shift": 10**400}}),
    ("training", {"data": {"test_fraction": 10**400}}), ("training", {"data": {"seed": 10**400}}),
])
def test_numbers_out_of_range_are_a_clear_refusal(tmp_path, field_name, value):
    data = valid_dict()
    data[field_name] = value
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # 10**400 is valid JSON
    with pytest.raises(SessionError, match=f"field '{field_name}'") as refused:
        load_session(path)
    assert len(str(refused.value)) < 300  # the number is not echoed in full


def test_a_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, example())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_session(path) == example()


def test_saving_over_a_read_only_session_is_refused(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, example(1))
    path.chmod(0o444)
    with pytest.raises(SessionError, match="read-only"):
        save_session(path, example(2))
    assert load_session(path) == example(1)


def test_the_window_refuses_a_hostile_session_on_the_command_line(tmp_path):
    """`main.py FILE.json` with 10**400 inside: a message, exit 0 after quitting, no traceback."""
    data = valid_dict()
    data["ui_scale"] = 10**400
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = subprocess.run([sys.executable, "main.py", str(path), "--quit-after-first-paint"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr and "OverflowError" not in result.stderr
    assert result.returncode == 0, result.stderr
