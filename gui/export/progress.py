"""Run an export frame by frame from a QTimer, with a progress dialog whose Cancel leaves no file."""

from __future__ import annotations

from typing import Callable, Iterator

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.files import FileWriteError


class ExportProgress(QObject):
    """Drives a frame writer (gui.export.writers.write_frames) one frame per timer tick.

    Between frames the event loop runs, so the window stays responsive; Cancel closes the
    writer, which deletes its temporary file.
    """

    finished = Signal(str)  # the path written
    failed = Signal(str)  # a sentence saying what went wrong
    cancelled = Signal()  # the user pressed Cancel: nothing was written

    def __init__(self, job: Iterator[int], frames: int, path: str, parent: QWidget | None = None,
                 title: str = "Exporting the animation", cleanup: Callable[[], None] | None = None):
        super().__init__(parent)
        self.job, self.path, self._cleanup = job, str(path), cleanup
        self.done = False
        self.dialog = QProgressDialog(f"Drawing {frames} frames…", "Cancel", 0, frames, parent)
        self.dialog.setObjectName("exportProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setObjectName("exportTimer")
        self._timer.setSingleShot(True)  # re-armed after each frame: a slow frame never piles up ticks
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_frame)

    def start(self) -> None:
        """Begin drawing frames."""
        self.dialog.setValue(0)
        self._timer.start()

    def _next_frame(self) -> None:
        if self.done:
            return
        try:
            written = next(self.job)
        except StopIteration:
            self._end()
            self.finished.emit(self.path)
            return
        except (OSError, ValueError) as error:
            self._end()
            self.failed.emit(_failure(self.path, error))
            return
        self.dialog.setValue(written)
        self._timer.start()

    def cancel(self) -> None:
        """Stop now; the writer removes its temporary file, and the target is left as it was."""
        if self.done:
            return
        self.job.close()
        self._end()
        self.cancelled.emit()

    def _end(self) -> None:
        self.done = True
        self._timer.stop()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        if self._cleanup is not None:
            self._cleanup()
        self.deleteLater()


def _failure(path: str, error: Exception) -> str:
    """A sentence for a failed write (core.files' errors already name the file and the reason)."""
    if isinstance(error, FileWriteError):
        said = str(error)
        return said[:1].upper() + said[1:]
    return f"Could not write {path}: {error}"
