"""Sessions: what the user was doing, saved as JSON with a schema version, written atomically.

A save writes a temp file in the target's own folder, flushes and fsyncs it, then renames it over
the target with os.replace, so a crash at any moment leaves either the old file or the new one,
never half of one. If the save fails, the temp file is removed. Only a hard kill (SIGKILL, power
loss) between creating and renaming the temp file can leave one behind; it is invisible to loading
(its name starts with a dot and ends in .tmp), and the next save to the same file removes leftovers
older than STALE_TEMP_SECONDS (younger ones may belong to a save still running in another window).

Loading reads the JSON with the json module only (nothing is evaluated or unpickled) and refuses
with a `SessionError` that says what is wrong: a missing file, broken or truncated JSON, a file
of another program, a session from a newer version, or a field of the wrong type.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from core import files
from core.files import NEW_FILE_MODE, STALE_TEMP_SECONDS  # noqa: F401  (kept where tests look)
from core.formatting import json_safe
from core.training.request import RequestError, TrainingRequest

APP_MARKER = "backprop-studio"
SCHEMA_VERSION = 2  # 2: "training" holds a TrainingRequest's JSON (1 had loose settings and "dataset")
MAX_SESSION_BYTES = 16 * 1024 * 1024  # sessions are a few KB; anything this big is not one
UI_SCALE_RANGE = (1.0, 3.0)
MAX_SESSION_INT = 2**53  # whole numbers beyond this are not settings anyone typed (and 10**400 overflows)
AUTOSAVE_NAME = "autosave.json"
CLEAN_EXIT_NAME = "clean-exit"


class SessionError(ValueError):
    """A session that cannot be loaded or saved, with a message for the user."""


@dataclass
class Session:
    """Everything needed to bring the window back: formula, values, step, lesson, look, training."""

    formula: str = ""
    values: dict[str, float] = field(default_factory=dict)  # input name -> value
    step: int = 0  # the animation step shown (Schedule.state_at(step))
    lesson: str | None = None  # a key of core.teach.lessons.BY_KEY, if a lesson is open
    theme: str = "light"
    ui_scale: float = 1.0
    training: TrainingRequest | None = None  # the Training page's request (None: not known)
    schema_version: int = SCHEMA_VERSION  # the schema the data was read from; saves write the current one

    def to_dict(self) -> dict[str, Any]:
        """The session as a JSON-ready dict, marked with the app and the current schema version."""
        data = {"app": APP_MARKER, "schema": SCHEMA_VERSION}
        data.update({f.name: getattr(self, f.name) for f in fields(self) if f.name != "schema_version"})
        data["values"] = {name: _json_float(value) for name, value in self.values.items()} \
            if isinstance(self.values, dict) else self.values
        if isinstance(self.training, TrainingRequest):
            data["training"] = self.training.to_json()
        elif self.training is not None:
            raise SessionError(f"field 'training' should be a training request, not {_shown(self.training)}")
        _check_fields(data)  # never write a file that load_session would refuse
        return data

    @classmethod
    def from_dict(cls, data: Any) -> "Session":
        """Read a session dict (as loaded from JSON), or raise SessionError saying what is wrong."""
        if not isinstance(data, dict):
            raise SessionError(f"not a session file: expected a JSON object, found {_json_kind(data)}")
        app = data.get("app")
        if app != APP_MARKER:
            if app is None:
                raise SessionError("not a Backprop Studio session: the file has no \"app\" marker")
            raise SessionError(f"not a Backprop Studio session: it was written by {str(app)[:60]!r}")
        schema = data.get("schema")
        if isinstance(schema, bool) or not isinstance(schema, int):
            raise SessionError(
                "the session has no valid schema version (field 'schema' should be a whole number)")
        if schema > SCHEMA_VERSION:
            raise SessionError(
                f"written by a newer Backprop Studio (schema {schema}; this version reads up to "
                f"{SCHEMA_VERSION}): update the app to open it"
            )
        if schema < 1:
            raise SessionError(f"unknown schema version {schema}")
        _check_fields(data)
        known = {f.name for f in fields(cls)} - {"schema_version"}
        fields_read = {name: data[name] for name in known if name in data}
        # Schema 1 never held usable training settings (its "training" was always empty).
        training = data.get("training") if schema >= 2 else None
        try:
            fields_read["training"] = None if training is None else TrainingRequest.from_json(training)
        except RequestError as error:
            raise SessionError(f"field 'training': {error}") from None
        session = cls(**fields_read, schema_version=schema)
        # float() turns the strings "inf", "-inf" and "nan" that json_safe writes back into numbers
        session.values = {name: float(value) for name, value in session.values.items()}
        session.ui_scale = float(session.ui_scale)
        return session


def _check_fields(data: dict[str, Any]) -> None:
    """Raise SessionError naming the first field whose type or range is wrong."""
    expect = {
        "formula": (lambda v: isinstance(v, str), "text"),
        "values": (_is_value_map, "an object mapping input names to numbers"),
        "step": (lambda v: _is_int(v) and 0 <= v <= MAX_SESSION_INT, "a whole number >= 0"),
        "lesson": (lambda v: v is None or isinstance(v, str), "text or null"),
        "theme": (lambda v: isinstance(v, str) and v != "", "a theme name"),
        "ui_scale": (lambda v: _is_number(v) and UI_SCALE_RANGE[0] <= v <= UI_SCALE_RANGE[1],
                     f"a number from {UI_SCALE_RANGE[0]:g} to {UI_SCALE_RANGE[1]:g}"),
        "training": (lambda v: v is None or isinstance(v, dict) and all(isinstance(k, str) for k in v),
                     "an object or null"),
    }
    for name, (valid, wanted) in expect.items():
        if name in data and not valid(data[name]):
            raise SessionError(f"field '{name}' should be {wanted}, not {_shown(data[name])}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    """A finite number that fits a float (10**400 does not: math.isfinite would overflow on it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_SESSION_INT
    return math.isfinite(value)


def _is_value_map(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    return all(isinstance(k, str) and (_is_number(v) or v in ("inf", "-inf", "nan")
                                       or (isinstance(v, float) and not _is_number(v)))
               for k, v in value.items())


def _json_float(value: Any) -> Any:
    return json_safe(float(value)) if _is_number(value) or isinstance(value, float) else value


def _json_kind(value: Any) -> str:
    kinds = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON at all: a Python object handed to save_session
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ----- files -----------------------------------------------------------------------------------

def save_session(path: str | Path, session: Session) -> None:
    """Write the session to `path` atomically; raise SessionError if it cannot be written."""
    text = json.dumps(session.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_text(path, text)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace `path` with `text` in one step (core.files), raising SessionError on failure."""
    try:
        files.atomic_write_text(path, text)
    except files.FileWriteError as error:
        raise SessionError(str(error).replace("cannot write", "cannot save to", 1)) from None


temp_files_of = files.temp_files_of
remove_stale_temp_files = files.remove_stale_temp_files


def load_session(path: str | Path) -> Session:
    """Read a session file, or raise SessionError with a message that says what is wrong."""
    path = Path(path)
    try:
        raw = files.read_limited(path, MAX_SESSION_BYTES, what="session")
    except files.FileReadError as error:
        raise SessionError(str(error).replace("no session at", "no session file at")) from None
    if not raw.strip():
        raise SessionError(f"'{path.name}' is empty: it is not a session (or its save was cut off)")
    try:
        text = files.strip_bom(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError(f"'{path.name}' is not a session file: it is not text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        stripped = text.strip()
        cut_off = stripped.startswith(("{", "[")) and (
            error.pos >= len(stripped) or not stripped.endswith(("}", "]")))
        ending = "it ends too early (truncated?)" if cut_off else \
            f"the JSON is broken at line {error.lineno}, column {error.colno}"
        raise SessionError(f"'{path.name}' is not a valid session file: {ending}") from None
    except (ValueError, RecursionError) as error:  # e.g. a number with thousands of digits
        reason = "it is nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise SessionError(f"'{path.name}' is not a valid session file: {reason}") from None
    try:
        return Session.from_dict(data)
    except SessionError as error:
        raise SessionError(f"'{path.name}': {error}") from None


# ----- autosave and crash recovery -------------------------------------------------------------

def autosave_path(folder: str | Path) -> Path:
    """Where the autosave lives under `folder` (the folder is created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / AUTOSAVE_NAME


def mark_clean_exit(folder: str | Path) -> None:
    """Record that the app closed normally (call after the last autosave, or when the user
    declines a restore), so the next start does not offer to restore."""
    atomic_write_text(Path(folder) / CLEAN_EXIT_NAME, f"{time.time():.3f}\n")


def autosave_to_restore(folder: str | Path) -> Path | None:
    """The autosave to offer after a crash: one written after the last clean exit, else None."""
    autosave = Path(folder) / AUTOSAVE_NAME
    marker = Path(folder) / CLEAN_EXIT_NAME
    try:
        saved = autosave.stat().st_mtime_ns
    except OSError:
        return None
    try:
        exited = marker.stat().st_mtime_ns
    except OSError:
        return autosave  # never exited cleanly since this autosave was written
    return autosave if saved > exited else None
