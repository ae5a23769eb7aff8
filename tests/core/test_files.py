"""The one atomic writer and the bounded reader: full disks, failing writers, FIFOs, devices."""

import errno
import io
import os
from pathlib import Path

import pytest

from core import files
from core.files import (
    FileReadError, FileWriteError, atomic_write_bytes, atomic_write_steps, atomic_write_text,
    atomic_write_with, read_limited, read_stream_limited, temp_files_of,
)


def disk_full_after(monkeypatch, allowed: int) -> None:
    """Simulate a disk with `allowed` free bytes: os.write accepts that many, then ENOSPC."""
    real_write = os.write
    room = {"left": allowed}

    def write(fd, data):
        if room["left"] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        part = bytes(data[:room["left"]])
        room["left"] -= len(part)
        return real_write(fd, part)

    monkeypatch.setattr(os, "write", write)


def test_a_write_replaces_the_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "a.txt"
    atomic_write_text(path, "old")
    path.chmod(0o640)
    atomic_write_text(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    assert path.stat().st_mode & 0o777 == 0o640 and temp_files_of(path) == []


def test_a_full_disk_is_an_error_and_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.svg"
    atomic_write_bytes(path, b"old contents")
    disk_full_after(monkeypatch, 5)
    with pytest.raises(FileWriteError, match=r"cannot write '.*a\.svg': No space left on device"):
        atomic_write_bytes(path, b"x" * 100_000)
    monkeypatch.undo()
    assert path.read_bytes() == b"old contents" and temp_files_of(path) == []


def test_a_new_file_on_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    disk_full_after(monkeypatch, 0)
    with pytest.raises(FileWriteError, match="No space left"):
        atomic_write_text(tmp_path / "new.csv", "a,b\n1,2\n")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_writer_that_writes_less_than_asked_is_caught(tmp_path, monkeypatch):
    """A short write that reports success (a lying file system) is caught by the size check."""
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:3])) and len(data))
    with pytest.raises(FileWriteError, match="only 3 of 10 bytes"):
        atomic_write_bytes(tmp_path / "short.txt", b"0123456789")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_failing_fsync_is_an_error(tmp_path, monkeypatch):
    def fail(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(FileWriteError, match="Input/output error"):
        atomic_write_text(tmp_path / "a.txt", "text")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_render_callback_writes_under_a_temp_name_with_the_same_suffix(tmp_path):
    seen = []

    def render(temp: Path) -> None:
        seen.append(temp)
        temp.write_bytes(b"\x89PNG...")

    atomic_write_with(tmp_path / "g.png", render)
    assert seen[0].parent == tmp_path and seen[0].suffix == ".png" and seen[0].name.startswith(".g.png.")
    assert (tmp_path / "g.png").read_bytes() == b"\x89PNG..." and not seen[0].exists()


@pytest.mark.parametrize("render", [lambda temp: None,  # wrote nothing (0 bytes)
                                    lambda temp: (_ for _ in ()).throw(OSError("cannot write it"))])
def test_a_render_callback_that_fails_leaves_the_old_file(tmp_path, render):
    path = tmp_path / "g.png"
    path.write_bytes(b"old")
    with pytest.raises(FileWriteError, match="cannot write"):
        atomic_write_with(path, render)
    assert path.read_bytes() == b"old" and temp_files_of(path) == []


def test_a_stepwise_write_moves_into_place_only_after_its_last_step(tmp_path):
    path = tmp_path / "deck.gif"
    path.write_bytes(b"old")
    seen = []

    def render(temp: Path):
        seen.append(temp)
        for step in (1, 2, 3):
            with open(temp, "ab") as out:
                out.write(b"frame")
            assert path.read_bytes() == b"old"  # the target is untouched while frames come
            yield step

    assert list(atomic_write_steps(path, render)) == [1, 2, 3]
    assert seen[0].suffix == ".gif" and seen[0].name.startswith(".deck.gif.")  # ffmpeg reads the suffix
    assert path.read_bytes() == b"frame" * 3 and temp_files_of(path) == []


def test_a_cancelled_or_failing_stepwise_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "deck.pdf"
    path.write_bytes(b"old")

    def render(temp: Path):
        for step in range(1, 100):
            temp.write_bytes(b"x" * step)
            if step == 3:
                raise OSError(28, "No space left on device")
            yield step

    job = atomic_write_steps(path, render)
    assert next(job) == 1
    job.close()  # Cancel
    assert path.read_bytes() == b"old" and temp_files_of(path) == []
    with pytest.raises(FileWriteError, match="cannot write .*No space left on device"):
        list(atomic_write_steps(path, render))
    assert path.read_bytes() == b"old" and temp_files_of(path) == []
    path.chmod(0o444)
    with pytest.raises(FileWriteError, match="read-only"):
        next(atomic_write_steps(path, render))


def test_a_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "lecture.json"
    path.write_text("keep me")
    path.chmod(0o444)
    with pytest.raises(FileWriteError, match="read-only"):
        atomic_write_text(path, "replaced")
    assert path.read_text() == "keep me"


def test_missing_folder_and_folder_targets_are_refused(tmp_path):
    with pytest.raises(FileWriteError, match="does not exist"):
        atomic_write_text(tmp_path / "nope" / "a.txt", "x")
    with pytest.raises(FileWriteError, match="it is a folder"):
        atomic_write_text(tmp_path, "x")


# ----- reading ---------------------------------------------------------------------------------

def test_read_limited_reads_a_regular_file(tmp_path):
    (tmp_path / "a").write_bytes(b"hello")
    assert read_limited(tmp_path / "a", 5) == b"hello"
    with pytest.raises(FileReadError, match="larger than 4 bytes"):
        read_limited(tmp_path / "a", 4)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(FileReadError, match=r"a pipe \(FIFO\), not a regular file"):
        read_limited(fifo, 1000, what="session")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused():
    with pytest.raises(FileReadError, match="a device, not a regular file"):
        read_limited("/dev/zero", 1000)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_proc_file_is_read_for_what_it_holds_not_its_zero_size():
    assert os.stat("/proc/self/status").st_size == 0
    assert b"Name:" in read_limited("/proc/self/status", 1 << 20)


def test_a_stream_is_read_up_to_its_limit():
    assert read_stream_limited(io.BytesIO(b"abc"), 3) == b"abc"
    with pytest.raises(FileReadError, match="larger than 3 bytes"):
        read_stream_limited(io.BytesIO(b"abcd"), 3)


def test_strip_bom():
    assert files.strip_bom("\ufeffx = 1") == "x = 1" and files.strip_bom("x") == "x"
