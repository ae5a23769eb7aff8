"""Every file the app writes or reads on the user's behalf goes through here.

Writing: the bytes go to a temp file in the target's own folder, are flushed, fsynced and their
size checked, then the temp file is renamed over the target with os.replace. A crash at any
moment leaves either the old file or the new one, never half of one; a failure (a full disk, a
read-only folder, a writer that gives up) removes the temp file and raises `FileWriteError` with a
message for the user. Writers that need a file name (Qt's image and SVG writers) render to the
temp path through `atomic_write_with`; writers that work a frame at a time (PDF, GIF, MP4) through
`atomic_write_steps`.

Reading: `read_limited` opens only regular files (a FIFO would block forever, /dev/zero never
ends) and reads at most a byte limit, whatever the file's size claims to be (/proc files say 0).
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

NEW_FILE_MODE = 0o644
STALE_TEMP_SECONDS = 60.0
_CHUNK = 1 << 20
UTF8_BOM = "\ufeff"


class FileWriteError(OSError, ValueError):
    """A file that could not be written; the message says which and why (str(error))."""


class FileReadError(OSError, ValueError):
    """A file that could not be read; the message says which and why."""


# ----- writing ---------------------------------------------------------------------------------

def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) in one step, or raise FileWriteError and leave no trace."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` in one step, or raise FileWriteError and leave no trace."""

    def write(fd: int, _temp: Path) -> None:
        _write_all(fd, data)

    _atomic(path, write, expected_size=len(data))


def atomic_write_with(path: str | Path, render: Callable[[Path], None]) -> None:
    """Let `render(temp_path)` write the file under a temp name, then check it and move it into place.

    `render` raises (OSError, ValueError) when its writer fails; an empty result counts as a failure.
    """

    def write(fd: int, temp: Path) -> None:
        render(temp)

    _atomic(path, write, expected_size=None)


def atomic_write_steps(path: str | Path, render: Callable[[Path], Iterator[int]]) -> Iterator[int]:
    """`atomic_write_with` for a writer that works in steps (a frame at a time): yields what
    `render(temp_path)` yields, and moves the file into place after its last step.

    Closing the generator early (a Cancel) removes the temp file and leaves the target as it was.
    """
    target, mode, temp, fd = _begin(path)
    os.close(fd)
    try:
        yield from render(temp)
        _finish(temp, target, mode, expected_size=None)
    except BaseException as error:  # GeneratorExit too: a cancelled write leaves nothing
        _fail(path, temp, error)


def _atomic(path: str | Path, write: Callable[[int, Path], None], expected_size: int | None) -> None:
    target, mode, temp, fd = _begin(path)
    try:
        try:
            write(fd, temp)
        finally:
            os.close(fd)
        _finish(temp, target, mode, expected_size)
    except BaseException as error:  # also KeyboardInterrupt: never leave the temp file behind
        _fail(path, temp, error)


def _begin(path: str | Path) -> tuple[Path, int, Path, int]:
    """Check the target and create the temp file beside it: (target, its mode, temp, open fd)."""
    target = Path(os.path.realpath(path))  # through a symlink: replace the file, not the link
    folder = target.parent
    if target.is_dir():
        raise FileWriteError(f"cannot write '{path}': it is a folder")
    if not folder.is_dir():
        raise FileWriteError(f"cannot write '{path}': the folder '{folder}' does not exist")
    if target.exists() and _read_only(target):
        raise FileWriteError(f"cannot write '{path}': the file is read-only")
    remove_stale_temp_files(target)
    try:
        mode = target.stat().st_mode & 0o777  # keep the permissions of the file being replaced
    except OSError:
        mode = NEW_FILE_MODE
    try:
        # the temp name ends in the real suffix: some writers (ffmpeg) pick the format by it
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp" + target.suffix)
    except OSError as error:
        raise FileWriteError(f"cannot write '{path}': {error.strerror or error}") from None
    return target, mode, Path(name), fd


def _finish(temp: Path, target: Path, mode: int, expected_size: int | None) -> None:
    _check_and_sync(temp, mode, expected_size)
    os.replace(temp, target)
    _sync_folder(target.parent)


def _fail(path: str | Path, temp: Path, error: BaseException) -> None:
    """Remove the temp file; re-raise `error`, as a FileWriteError with a message if it is one."""
    try:
        os.unlink(temp)
    except OSError:
        pass
    if isinstance(error, FileWriteError):
        raise FileWriteError(f"cannot write '{path}': {error}") from None
    if isinstance(error, (OSError, ValueError)):
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise FileWriteError(f"cannot write '{path}': {reason}") from None
    raise error


def _read_only(target: Path) -> bool:
    """No write permission, or no write bit at all (the owner marked it read-only; root too)."""
    try:
        return not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222
    except OSError:
        return False


def _check_and_sync(temp: Path, mode: int, expected_size: int | None) -> None:
    """Flush the finished temp file to disk and refuse it if it is short or empty."""
    fd = os.open(temp, os.O_RDWR)
    try:
        size = os.fstat(fd).st_size
        if expected_size is not None and size != expected_size:
            raise FileWriteError(f"only {size:,} of {expected_size:,} bytes were written (is the disk full?)")
        if expected_size is None and size == 0:
            raise FileWriteError("nothing was written (is the disk full?)")
        if hasattr(os, "fchmod"):  # mkstemp makes the file private (0600)
            os.fchmod(fd, mode)
        os.fsync(fd)  # the bytes are on disk before the rename makes them the file
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:
            raise OSError("the write made no progress (is the disk full?)")
        view = view[written:]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened this is skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_files_of(path: str | Path) -> list[Path]:
    """Leftover temp files of writes to `path` (normally none)."""
    target = Path(os.path.realpath(path))
    return sorted(target.parent.glob(f".{_glob_escape(target.name)}.*.tmp*"))


def remove_stale_temp_files(path: str | Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temp files that killed writes to `path` left behind; return the ones removed."""
    removed = []
    now = time.time()
    for temp in temp_files_of(path):
        try:
            if now - temp.stat().st_mtime >= older_than:
                temp.unlink()
                removed.append(temp)
        except OSError:
            pass  # gone already, or not ours to remove: leave it
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


# ----- reading ---------------------------------------------------------------------------------

def read_limited(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or FileReadError saying what is wrong."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileReadError(f"no {what} at '{path}'") from None
    except IsADirectoryError:
        raise FileReadError(f"cannot open '{path}': it is a folder, not a {what}") from None
    except OSError as error:
        raise FileReadError(f"cannot read '{path}': {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileReadError(f"cannot open '{path}': it is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(f"cannot open '{path}': it is {_kind(info.st_mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:  # st_size is not trusted: /proc files say 0, a growing file lies
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise FileReadError(f"cannot read '{path}': {error.strerror or error}") from None
    finally:
        os.close(fd)
    if total > limit:
        raise FileReadError(f"cannot open '{path}': it is larger than {limit:,} bytes, too large to be a {what}")
    return b"".join(chunks)


def read_stream_limited(stream, limit: int, what: str = "input") -> bytes:
    """At most `limit` bytes from a binary stream (stdin), or FileReadError if there are more."""
    chunks, total = [], 0
    while total <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise FileReadError(f"the {what} is larger than {limit:,} bytes: too large")
    return b"".join(chunks)


def strip_bom(text: str) -> str:
    """Text without a leading UTF-8 byte-order mark (Windows editors add one)."""
    return text[1:] if text.startswith(UTF8_BOM) else text


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
