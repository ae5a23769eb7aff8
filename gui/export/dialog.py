"""File → Export animation… and the Training page's Export animation…: options, file, progress.

Both build their frames (gui.export.step_frames / loss_frames), hand them to the frame writer and
run it with an ExportProgress, so the window keeps working while frames render and Cancel leaves
no file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QSpinBox, QWidget)

from core import animation
from core.engine.graph import ComputationGraph
from gui import theme
from gui.export.progress import ExportProgress

FORMATS = {".pdf": "PDF slides (one page per step, text stays text)", ".gif": "Animated GIF (one frame per step)",
           ".mp4": "MP4 video (one shot per step)"}
FILTERS = {".pdf": "PDF slide deck (*.pdf)", ".gif": "Animated GIF (*.gif)", ".mp4": "MP4 video (*.mp4)"}


@dataclass(frozen=True)
class AnimationOptions:
    """What the Export animation dialog asks for."""

    suffix: str = ".pdf"
    size: tuple[int, int] = animation.DEFAULT_SIZE
    theme: str = animation.DEFAULT_THEME
    first: int | None = None  # None: from the start
    last: int | None = None  # None: to the end
    hold_ms: int = animation.HOLD_MS


class AnimationDialog(QDialog):
    """Format, frame size, theme, step range and frame hold time of a step-through export."""

    def __init__(self, steps: int, look: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("animationDialog")
        self.setWindowTitle("Export animation")
        self.format_box = QComboBox(objectName="animationFormat")
        for suffix, words in FORMATS.items():
            if suffix != animation.VIDEO_SUFFIX or animation.video_available():  # an optional extra
                self.format_box.addItem(words, suffix)
        self.size_box = QComboBox(objectName="animationSize")
        for width, height in animation.SIZE_PRESETS:
            self.size_box.addItem(f"{width} × {height}", (width, height))
        self.size_box.setCurrentIndex(animation.SIZE_PRESETS.index(animation.DEFAULT_SIZE))
        self.theme_box = QComboBox(objectName="animationTheme")
        for name in animation.THEMES:
            self.theme_box.addItem(theme.LOOKS[name].title.replace("&", ""), name)
        self.theme_box.setCurrentIndex(animation.THEMES.index(look if look in animation.THEMES
                                                              else animation.DEFAULT_THEME))
        self.first_step = QSpinBox(objectName="animationFirstStep")
        self.last_step = QSpinBox(objectName="animationLastStep")
        for box in (self.first_step, self.last_step):
            box.setRange(0, steps)
        self.last_step.setValue(steps)
        self.first_step.valueChanged.connect(lambda v: self.last_step.setMinimum(v))
        self.last_step.valueChanged.connect(lambda v: self.first_step.setMaximum(v))
        self.hold = QSpinBox(objectName="animationHold")
        self.hold.setRange(100, 20000)
        self.hold.setSingleStep(250)
        self.hold.setSuffix(" ms")
        self.hold.setValue(animation.HOLD_MS)
        self.hold.setToolTip(f"How long each GIF frame stays up; the last one at least "
                             f"{animation.LAST_HOLD_MS} ms")
        self.format_box.currentIndexChanged.connect(
            lambda: self.hold.setEnabled(self.format_box.currentData() != ".pdf"))
        self.hold.setEnabled(False)
        steps_row = QHBoxLayout()
        steps_row.addWidget(self.first_step)
        steps_row.addWidget(self.last_step)
        form = QFormLayout(self)
        form.addRow("&Format:", self.format_box)
        form.addRow("&Size:", self.size_box)
        form.addRow("&Theme:", self.theme_box)
        form.addRow("Steps (from, to):", steps_row)
        form.addRow("&Hold each frame:", self.hold)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> AnimationOptions:
        """The options as chosen."""
        return AnimationOptions(self.format_box.currentData(), self.size_box.currentData(),
                                self.theme_box.currentData(), self.first_step.value(),
                                self.last_step.value(), self.hold.value())


def ask_step_options(parent: QWidget, cg: ComputationGraph,
                     chosen: Callable[[AnimationOptions], None]) -> AnimationDialog:
    """Open the options dialog for `cg`'s step-through; `chosen` gets the options on OK.

    Window-modal through open(), never a nested modal loop: the event loop (and any training) runs on.
    """
    from gui.export.step_frames import schedule_for

    dialog = AnimationDialog(len(schedule_for(cg)), theme.current_look.name, parent)
    dialog.accepted.connect(lambda: chosen(dialog.options()))
    dialog.finished.connect(lambda _: dialog.deleteLater())
    dialog.open()
    return dialog


def export_steps(parent: QWidget, cg: ComputationGraph | None, path: str | Path | None,
                 options: AnimationOptions) -> ExportProgress | None:
    """Export the step-through of `cg` with `options`; ask for a file unless given. None if not started.

    Raises ValueError with a sentence for the user when the file cannot be written.
    """
    from gui.export.step_frames import StepFrames, schedule_for
    from gui.export.writers import write_frames

    if cg is None:
        raise ValueError("There is no graph to export: type a formula first.")
    path = path or _ask_path(parent, f"backprop-steps{options.suffix}", FILTERS[options.suffix])
    if not path:
        return None
    path = animation.check_target(path, animation.STEP_SUFFIXES)
    steps = animation.step_range(len(schedule_for(cg)), options.first, options.last)
    frames = StepFrames(cg, options.size, options.theme, steps)
    job = write_frames(frames, path, options.hold_ms)
    progress = ExportProgress(job, frames.count, str(path), parent, cleanup=frames.close)
    progress.start()
    return progress


def export_losses(parent: QWidget, losses: dict, optimum: float | None,
                  path: str | Path | None = None, epochs: dict | None = None,
                  landscape: tuple | None = None) -> ExportProgress | None:
    """Export the loss curves growing epoch by epoch as a GIF; ask for a file unless given.

    `epochs`: the epoch of each loss per variant, when not every epoch is kept (LossFrames).
    `landscape` (grid message, pair index, paths) adds the landscape with the paths growing.
    """
    from gui.export.loss_frames import LossFrames
    from gui.export.writers import write_frames

    path = path or _ask_path(parent, "training-loss.gif", FILTERS[".gif"])
    if not path:
        return None
    path = animation.check_target(path, animation.TRAINING_SUFFIXES)
    if landscape is None:
        frames = LossFrames(losses, optimum, epochs=epochs)
    else:
        from gui.training.landscape.landscape_frames import LossAndLandscapeFrames

        frames = LossAndLandscapeFrames(losses, optimum, *landscape, epochs=epochs)
    job = write_frames(frames, path, animation.TRAINING_HOLD_MS, animation.TRAINING_LAST_HOLD_MS)
    progress = ExportProgress(job, frames.count, str(path), parent, "Exporting the training animation",
                              cleanup=frames.close)
    progress.start()
    return progress


def _ask_path(parent: QWidget, suggestion: str, filter_text: str) -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    path, _ = QFileDialog.getSaveFileName(parent, "Export animation", str(Path(folder or Path.home()) / suggestion),
                                          filter_text)
    return path
