"""Every export is atomic and capped: a full disk is an error with no partial file (issue 14, 1-2)."""

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QMessageBox

import main
from core.engine.graph import build_graph
from core.files import temp_files_of
from core.teach.handout import write_handout
from core.training.history import TrainingHistory
from gui.widgets import raster
from gui.widgets.raster import MAX_RASTER_SIDE, capped_size
from tests.gui.test_main_window import window  # noqa: F401  (the fixture: a MainWindow, closed after)

REPO = Path(__file__).resolve().parents[2]
SUM = "; ".join(f"x{i} = {i}" for i in range(6)) + "; f = " + " + ".join(f"x{i}" for i in range(6))


def full_disk(monkeypatch) -> None:
    """Every os.write fails as on a full file system (after Qt has encoded into memory)."""
    def write(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)


def test_capped_size_keeps_the_aspect_and_the_limit():
    assert capped_size(100, 50, 2.0) == (200, 100, 2.0, None)
    width, height, scale, note = capped_size(43_304.5, 10_690, 2.0)
    assert max(width, height) == MAX_RASTER_SIDE and abs(width / height - 43_304.5 / 10_690) < 0.01
    assert scale < 2.0 and "scaled down to 8,192 × " in note and ".svg" in note


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_cli_export_on_a_full_disk_fails_with_one_line_and_no_file(tmp_path, monkeypatch, capfd, suffix):
    target = tmp_path / f"g.{suffix}"
    full_disk(monkeypatch)
    status = main.main(["graph", SUM, "--export", str(target)])
    monkeypatch.undo()
    out, err = capfd.readouterr()
    assert status == 2 and err.count("\n") == 1 and err.startswith("error: cannot write")
    assert "No space left on device" in err and "libpng" not in err
    assert list(tmp_path.iterdir()) == []


def test_cli_png_export_is_capped_with_a_note(tmp_path, monkeypatch, capfd):
    monkeypatch.setattr(raster, "MAX_RASTER_SIDE", 300)
    target = tmp_path / "g.png"
    assert main.main(["graph", SUM, "--export", str(target)]) == 0
    image = QImage(str(target))
    assert max(image.width(), image.height()) == 300
    err = capfd.readouterr().err
    assert err.startswith("note: the drawing would be ") and "scaled down to 300 × " in err


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_window_export_on_a_full_disk_says_so_and_leaves_no_file(window, tmp_path, monkeypatch, suffix):
    target = tmp_path / f"graph.{suffix}"
    target.write_bytes(b"the previous export")
    full_disk(monkeypatch)
    export = window.export_svg if suffix == "svg" else window.export_png
    assert export(str(target)) is None
    monkeypatch.undo()
    assert "Could not export" in window.statusBar().currentMessage()
    assert "Saved" not in window.statusBar().currentMessage()
    assert "No space left" in window.findChild(QMessageBox, "infoDialog").text()
    assert target.read_bytes() == b"the previous export" and temp_files_of(target) == []


def test_window_png_export_says_when_it_was_scaled_down(window, tmp_path, monkeypatch):
    monkeypatch.setattr(raster, "MAX_RASTER_SIDE", 200)
    path = window.export_png(str(tmp_path / "graph.png"))
    image = QImage(path)
    assert max(image.width(), image.height()) == 200
    assert "scaled down to" in window.statusBar().currentMessage()


def test_handout_on_a_full_disk_is_an_error_and_leaves_no_file(tmp_path, monkeypatch):
    cg = build_graph(SUM).evaluate()
    full_disk(monkeypatch)
    with pytest.raises(ValueError, match="No space left on device"):
        write_handout(cg, tmp_path / "h.md")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_training_csv_on_a_full_disk_is_an_os_error_and_leaves_no_file(tmp_path, monkeypatch):
    history = TrainingHistory()
    history.reset(["manual"], 3, ["x1"])
    history.append({"manual": {"epoch": 1, "mse": np.array([1.0, 0.5]), "weights": np.zeros((2, 1)),
                               "bias": np.zeros(2), "status": "ok", "active": None}})
    full_disk(monkeypatch)
    with pytest.raises(OSError, match="No space left on device"):  # what the Training page catches
        history.write_csv(tmp_path / "h.csv")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
    history.write_csv(tmp_path / "h.csv")
    assert (tmp_path / "h.csv").read_text().splitlines()[1:] == ["1,1.0,0.0,0.0", "2,0.5,0.0,0.0"]


def test_plot_export_on_a_full_disk_leaves_no_file(qtbot, tmp_path, monkeypatch):
    import pyqtgraph as pg

    from gui.widgets.plot_export import export_plot

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.plot([1, 2, 3], [3, 1, 2])
    plot.resize(300, 200)
    for suffix in ("png", "svg"):
        full_disk(monkeypatch)
        with pytest.raises(OSError, match="No space left"):
            export_plot(plot, tmp_path / f"p.{suffix}", "loss")
        monkeypatch.undo()
        assert list(tmp_path.iterdir()) == []
        export_plot(plot, tmp_path / f"p.{suffix}", "loss")
        assert (tmp_path / f"p.{suffix}").stat().st_size > 500
        (tmp_path / f"p.{suffix}").unlink()


def _file_size_limit(limit: int):
    """For a child process: writes past `limit` bytes fail (EFBIG), as on a full disk."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("suffix", ["gif", "pdf"])
def test_cli_step_export_that_runs_out_of_room_fails_with_one_line_and_no_file(tmp_path, suffix):
    # Qt's PDF writer reports no write error: only the check of the finished file catches it
    target = tmp_path / f"steps.{suffix}"
    done = subprocess.run(
        [sys.executable, "main.py", "graph", "--preset", "lecture", "--export", str(target), "--size", "320x180"],
        cwd=REPO, capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(4000),
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: cannot write '{target}'")
    assert list(tmp_path.iterdir()) == []


def test_loss_frames_of_a_thinned_history_draw_each_frame_up_to_its_epoch(qapp):
    from gui.export.loss_frames import LossFrames

    epochs = np.array([1, 3, 5, 7, 9, 10], dtype=float)  # thinned: every other epoch, then the latest
    frames = LossFrames({"manual": 100.0 / epochs}, None, (320, 180), epochs={"manual": epochs})
    try:
        assert frames.epochs == 10 and frames.ends == list(range(1, 11))
        image = QImage(320, 180, QImage.Format.Format_RGB32)
        for index, end in enumerate(frames.ends):
            painter = QPainter(image)
            frames.paint(painter, index)
            painter.end()
            drawn_epochs, drawn_losses = frames.curves["manual"].getData()
            assert list(drawn_epochs) == [e for e in epochs if e <= end]
            assert np.allclose(drawn_losses, 100.0 / drawn_epochs)
    finally:
        frames.close()
