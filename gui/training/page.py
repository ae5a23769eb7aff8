"""The training page: four ways to train one linear regression, side by side, with live plots.

Settings -> TrainingClient.start_run -> the training process (which owns torch) trains the
chosen variants in lockstep and streams record batches -> TrainingHistory's numpy buffers ->
one ≤ 60 Hz plot timer hands them to curves created once (setData). The page never imports
torch; pandas loads only when a CSV is opened.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSplitter,
    QTabWidget, QVBoxLayout, QWidget,
)

from dataclasses import replace

from core.training import registry
from core.training.data import DataError
from core.training.request import TrainingRequest
from core.formatting import fmt
from gui.theme import Look
from gui.training import theme
from core.training import texts
from gui.training.card_grid import CardGrid
from gui.training.code_dialog import CodeDialog
from gui.training.data_view import DataView
from gui.training.dataset_dialog import DatasetChoice, DatasetDialog, read_preview
from gui.training.overlay import LossOverlay
from gui.widgets.plot_export import export_plot
from gui.export.dialog import export_losses
from gui.training.results_table import ResultsTable
from gui.training.client import TrainingClient
from gui.training.controls import ExportButtons, TrainingControls
from core.training.history import TrainingHistory
from gui.training.settings import TrainingSettings
from gui.training.card import VariantCard, keep_axis_name_clear
from gui.training.landscape.landscape_view import LandscapeView
from gui.training.landscape.sweep_view import SweepView
from core.training.sweep import learning_rates

log = logging.getLogger(__name__)
FRAME_MS = 17  # the plot timer: at most ~60 redraws a second, however fast records arrive
NUMBERS_PER_SECOND = 10
SETTINGS_WIDTH = 300
LOG_SCALE_SPAN = 100.0  # a loss spanning this factor (two decades) gets a log axis, if allowed
LOG_SCALE_TEXT = "Log loss axes where the loss spans orders of magnitude"
LOG_SCALE_SHORT_TEXT = "Log loss axes"  # at large text (the tooltip says all)
SETTINGS_MAX_GROWTH = 2.0  # with the text size, up to this many times as wide
LABELS_ABOVE_FROM = 1.4  # from this text size the settings' names go above their fields
LOWER_MIN_HEIGHT = 300  # the overlay plot and the results table stay readable
MESSAGE_STYLE = ("background: #FFF4CC; color: #1A1A1A; border: 2px solid #B38F00;"
                 " border-radius: 4px; padding: 6px 10px;")


class TrainingPage(QWidget):
    """Settings and controls on the left and top; cards, overlay, data view and results."""

    status_message = Signal(str)  # a short sentence for the window's status bar
    show_graph_requested = Signal(str)  # variant name: a card's "Show graph" (the window opens it)

    def __init__(self, parent: QWidget | None = None, client: TrainingClient | None = None):
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.setAccessibleName("Training page")
        self.catalog = {info.name: info for info in registry.variants()}
        self._owns_client = client is None
        self.client = client if client is not None else TrainingClient(self)
        self.history = TrainingHistory()
        self.state = "idle"
        self.running: TrainingRequest | None = None  # the running (or last) run's request
        self.result: dict | None = None  # the last finished run's result
        self.closed_form: dict | None = None
        self._dirty = self._predictions_dirty = False
        self._final: dict | None = None  # a finished run's result, for the next frame to show
        self._numbers_stale = False  # curves moved on since the numbers were last shown
        self._numbers_shown_at = 0.0
        self._pending_tab: QWidget | None = None  # a tab to bring forward on the next frame
        self._code_dialogs: dict[str, CodeDialog] = {}
        self._shown = False
        self.dataset_dialog: DatasetDialog | None = None

        self.settings = TrainingSettings()
        self.controls = TrainingControls()
        self.cards = {info.name: VariantCard(info, index)
                      for index, info in enumerate(self.catalog.values())}
        self.card_grid = CardGrid(list(self.cards.values()))
        self.overlay = LossOverlay()
        self.data_view = DataView()
        self.results = ResultsTable()
        self.landscape = LandscapeView()
        self.sweep = SweepView()
        self.log_scale = QCheckBox(LOG_SCALE_TEXT)
        self.log_scale.setObjectName("logScalePage")
        self.log_scale.setToolTip("Every loss plot on this page switches to a logarithmic axis once "
                                  "its loss spans two decades: a dead plateau then no longer looks "
                                  "like convergence. Untick: every loss axis linear.")
        self.log_scale.setChecked(True)
        self._log_scaled: set[str] = set()  # plots this run already switched to a log axis
        self.message = QLabel()
        self.message.setObjectName("trainingMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setFont(theme.font(theme.PAGE_POINT_SIZE, bold=True))
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.progress = QLabel()
        self.progress.setObjectName("trainingStatus")
        self.progress.setFont(theme.font(theme.NUMBER_POINT_SIZE, bold=True))
        # Long messages must not widen the window: the label takes what is left and wraps.
        self.progress.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress.setWordWrap(True)
        self.progress.setMinimumWidth(120)
        self.exports = ExportButtons()
        self.export_animation_action = QAction("Export &training animation…", self)
        self.export_animation_action.setObjectName("exportTrainingAnimationAction")
        self.export_animation_action.triggered.connect(lambda: self.export_animation())
        self.open_dataset_action = QAction("Open &dataset…", self)
        self.open_dataset_action.setObjectName("openDatasetAction")
        self.open_dataset_action.triggered.connect(lambda: self.open_dataset())
        self.plot_timer = QTimer(self)
        self.plot_timer.setObjectName("trainingPlotTimer")
        self.plot_timer.setInterval(FRAME_MS)
        self._build_layout()
        self.look = theme.DEFAULT_LOOK  # the window's appearance controller hands it the one in use

        self.controls.start_clicked.connect(self.start)
        self.controls.pause_clicked.connect(self.toggle_pause)
        self.controls.stop_clicked.connect(self.stop)
        self.controls.reset_clicked.connect(self.reset)
        self.settings.open_dataset_requested.connect(lambda: self.open_dataset())
        self.sweep.run_requested.connect(self.run_sweep)
        self.sweep.lr_chosen.connect(self.train_at)
        self.log_scale.toggled.connect(self._page_log_scale)
        self.landscape.pair_changed.connect(self._redraw_soon)
        self.lower_tabs.currentChanged.connect(self._tab_shown)
        self.exports.csv_clicked.connect(lambda: self.export_histories())
        self.exports.plot_clicked.connect(lambda: self.export_plot())
        self.exports.animation_clicked.connect(self.export_animation_action.trigger)
        for card in self.cards.values():
            card.code_requested.connect(self.show_code)
            card.show_graph_requested.connect(self.show_graph_requested)
        self.plot_timer.timeout.connect(self._refresh)
        for box in self.settings.variant_boxes.values():
            box.toggled.connect(self._show_cards)
        self._show_cards()
        self._client_links = [
            (self.client.ready, self._ready),
            (self.client.run_started, self._run_started),
            (self.client.records_received, self._records),
            (self.client.predictions_received, self._predictions),
            (self.client.finished, self._finished),
            (self.client.failed, self._failed),
            (self.client.died, self._died),
            (self.controls.pace_changed, self.client.set_pace),
            (self.client.landscape_received, self._landscape_arrived),
            (self.client.landscape_progress, self.landscape.show_progress),
            (self.client.sweep_point, self.sweep.add_run),
            (self.client.sweep_finished, self._sweep_finished),
            (self.client.sweep_failed, self._sweep_failed),
        ]
        for signal, slot in self._client_links:
            signal.connect(slot)

        self._set_state("idle")
        self._say("Loading torch in the training process…" if not self.client.is_ready()
                  else "Ready: press Start")
        self.client.start_process()  # in the background now, so the first Start is instant

    # ----- building -------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.setFont(theme.font(theme.PAGE_POINT_SIZE))
        self.side = side = QScrollArea()
        side.setObjectName("trainingSettingsScroll")
        side.setWidget(self.settings)
        side.setWidgetResizable(True)
        side.setFixedWidth(SETTINGS_WIDTH)
        side.setFrameShape(QScrollArea.Shape.NoFrame)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        top = QHBoxLayout()
        top.addWidget(self.controls)
        top.addStretch(1)
        # Under the buttons, beside the log-scale box: beside the buttons a 1280-pixel window left
        # the status about 200 pixels, and "Finished: 100 epochs in 2.1 s" took four lines.
        status = QHBoxLayout()
        status.addWidget(self.progress, 1)
        status.addSpacing(16)
        status.addWidget(self.log_scale)

        self.lower_tabs = QTabWidget()
        self.lower_tabs.setObjectName("trainingLowerTabs")
        self.lower_tabs.tabBar().setFont(theme.font(theme.PAGE_POINT_SIZE, bold=True))
        self.lower_tabs.addTab(self.results, "Results")
        self.lower_tabs.addTab(self.data_view, "Predictions")
        self.lower_tabs.addTab(self.landscape, "Landscape")
        self.lower_tabs.addTab(self.sweep, "LR sweep")
        self.lower_tabs.setCornerWidget(self.exports, Qt.Corner.TopRightCorner)
        self._large_text = False
        self.lower_tabs.installEventFilter(self)
        self.lower = lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setObjectName("trainingLowerSplitter")
        lower.addWidget(self.overlay)
        lower.addWidget(self.lower_tabs)
        lower.setStretchFactor(0, 36)
        lower.setStretchFactor(1, 64)
        lower.setSizes([360, 640])
        lower.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("trainingSplitter")
        self.splitter.addWidget(self.card_grid)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)

        lower.setMinimumHeight(LOWER_MIN_HEIGHT)
        # Cards, overlay and results need about 950 pixels of height: on a smaller window they
        # scroll rather than squash (the controls above stay in view).
        self.plots_scroll = QScrollArea()
        self.plots_scroll.setObjectName("trainingPlotsScroll")
        self.plots_scroll.setWidget(self.splitter)
        self.plots_scroll.setWidgetResizable(True)
        self.plots_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.plots_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plots_scroll.setMinimumWidth(self.splitter.minimumSizeHint().width())

        main = QVBoxLayout()
        main.setContentsMargins(0, 0, 0, 0)
        main.addLayout(top)
        main.addLayout(status)
        main.addWidget(self.message)
        main.addWidget(self.plots_scroll, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.addWidget(side)
        row.addLayout(main, 1)

    def apply_look(self, look: Look) -> None:
        """Colour the whole page for `look` (light, dark, projector): plots, cards, tables, text."""
        self.look = look
        for card in self.cards.values():
            card.apply_look(look)
        for part in (self.overlay, self.data_view, self.results, self.settings, self.landscape,
                     self.sweep):
            part.apply_look(look)
        self.progress.setStyleSheet(f"color: {look.ink};")
        self._fit_text_size()  # the window calls this after a text-size change too

    def _fit_text_size(self) -> None:
        """Reflow for the current text size: a wider settings column, cards in fewer columns."""
        scale = max(1.0, self.font().pointSizeF() / theme.PAGE_POINT_SIZE)
        self.settings.set_labels_above(scale > LABELS_ABOVE_FROM)
        large = scale > LABELS_ABOVE_FROM
        self.controls.set_stacked(large)
        # Overlay beside the results, or above them; the export buttons and the log-axes box say
        # less (tooltips say all).
        self.lower.setOrientation(Qt.Orientation.Vertical if large else Qt.Orientation.Horizontal)
        self._large_text = large
        self._fit_texts()
        self.side.setFixedWidth(round(SETTINGS_WIDTH * min(scale, SETTINGS_MAX_GROWTH)))
        for plot in [card.plot for card in self.cards.values()] + [self.overlay.plot, self.data_view.plot,
                                                                   self.landscape.plot, self.sweep.plot]:
            theme.scale_axes(plot, scale)  # pyqtgraph draws its own text: the window's fonts miss it
            keep_axis_name_clear(plot)
        self.card_grid.rearrange()
        self.plots_scroll.setMinimumWidth(self.splitter.minimumSizeHint().width())

    def _fit_texts(self) -> None:
        """Short texts at large text sizes, or when the tabs leave the export buttons too little room."""
        room = self.lower_tabs.width() - self.lower_tabs.tabBar().sizeHint().width()
        self.exports.fit(room, self._large_text)
        self.log_scale.setText(LOG_SCALE_SHORT_TEXT if self._large_text else LOG_SCALE_TEXT)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """The lower tabs were resized: the export buttons' texts may need to shrink or grow."""
        if watched is self.lower_tabs and event.type() == QEvent.Type.Resize:
            self._fit_texts()
        return super().eventFilter(watched, event)

    # ----- user commands --------------------------------------------------------------------

    def start(self) -> None:
        """Train the chosen variants from the start with the current settings."""
        if self.client.is_running() or self.client.is_sweeping():
            return
        request = self.settings.request()  # the widgets only hold values a request takes
        config = request.config
        self.running, self.result, self.closed_form, self._final = request, None, None, None
        self._hide_message()
        chosen = config.variants
        self.history.reset(chosen, config.epochs, list(request.data.features))
        self.results.clear_results()
        epochs = config.epochs
        self.overlay.reset(epochs, chosen)
        self.data_view.reset(None, chosen)
        self.landscape.reset()
        self._log_scaled = set()
        for name, card in self.cards.items():
            card.set_description_note(texts.description_note(name, config))
            if name in chosen:
                card.reset("waiting", epochs=epochs)
            else:
                card.reset("not run", "Not chosen for this run (see 'Variants to run').", epochs)
        showing = self._landscape_showing()
        if showing:
            self.landscape.show_computing("at the start")
        self.client.start_run(request, self.controls.pace(), landscape=showing)
        self._pending_tab = self._tab_to_follow(self.data_view)  # next frame: one big repaint
        self._set_state("running")
        self._say("Training…" if self.client.is_ready()
                  else "Training starts once the training process has loaded torch…")
        self.plot_timer.start()

    def toggle_pause(self) -> None:
        """Pause a running run, or resume a paused one."""
        if self.state == "running":
            self.client.pause()
            self._set_state("paused")
        elif self.state == "paused":
            self.client.resume()
            self._set_state("running")
        self._mark_cards()

    def stop(self) -> None:
        """End the run after the current epoch; its results so far still arrive."""
        if self.client.is_running():
            self.client.stop()
            self._set_state("stopping")
            self._say("Stopping after the current epoch…")

    def reset(self) -> None:
        """Stop (and wait for) any run, then clear the plots, numbers and results."""
        self.client.stop_and_wait()
        self.client.stop_sweep()
        self.plot_timer.stop()
        self.history.reset((), 0, [])
        self.landscape.reset()
        self.result = self.closed_form = self._final = self._pending_tab = None
        self.results.clear_results()
        self.overlay.reset()
        self.data_view.reset()
        for card in self.cards.values():
            card.reset("ready")
        self._hide_message()
        self._set_state("idle")
        self._say("Ready: press Start" if self.client.is_ready() or not self.client.is_alive()
                  else "Loading torch in the training process…")

    def shutdown(self) -> None:
        """Stop training and end the training process, waiting for it (the window is closing)."""
        self.plot_timer.stop()
        for dialog in list(self._code_dialogs.values()):
            dialog.close()
        if self.dataset_dialog is not None:
            self.dataset_dialog.reject()
        if self._owns_client:
            self.client.shutdown()
        else:  # a client lent to this page outlives it: stop the run, and stop listening
            self.client.stop_and_wait()
            for signal, slot in self._client_links:
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass  # already disconnected by an earlier shutdown
            self._client_links = []
        if self.state in ("running", "paused", "stopping"):
            self._set_state("stopped")
            for name in self.history.variants:
                self.cards[name].set_status("interrupted", "The window closed during training.")

    def run_sweep(self) -> None:
        """Train the settings' start at the sweep's learning rates, in the training process."""
        if self.client.is_running() or self.client.is_sweeping():
            return
        self.sweep.reset()
        self.client.start_sweep(self.settings.request(), learning_rates())
        self.lower_tabs.setCurrentWidget(self.sweep)
        self._set_state(self.state)
        self._say("Sweeping learning rates…")

    def train_at(self, lr: float) -> None:
        """Load learning rate `lr` (to 4 significant digits) into the settings and train with it."""
        if self.client.is_running() or self.client.is_sweeping():
            return
        self.settings.learning_rate.setValue(float(f"{lr:.4g}"))
        self.start()

    def request(self) -> TrainingRequest:
        """What the settings ask for now (the next Start trains this)."""
        return self.settings.request()

    def set_request(self, request: TrainingRequest) -> None:
        """Put `request` in the settings; RequestError (changing nothing) if they cannot show it.

        A run in progress is stopped first: its numbers belong to the old settings.
        """
        self.settings.set_request(request)  # raises before anything changes
        if self.state in ("running", "paused", "stopping"):
            self.reset()

    def trace_request(self, name: str) -> TrainingRequest:
        """The request that rebuilds variant `name`'s parameters shown now: its epochs so far.

        The last run's request (or the settings, before any run); training is deterministic,
        so `main.py trace` after that many epochs has the same numbers.
        """
        history = self.history.variants.get(name)
        request = self.running if self.running is not None and history is not None \
            else self.settings.request()
        epochs = history.count if history is not None else 0
        return replace(request, config=replace(request.config, epochs=epochs))

    def show_code(self, name: str) -> CodeDialog:
        """Open (or raise) the read-only, highlighted source of one variant."""
        dialog = self._code_dialogs.get(name)
        if dialog is None:
            dialog = self._code_dialogs[name] = CodeDialog(self.catalog[name], self)
        dialog.show()
        dialog.raise_()
        return dialog

    def open_dataset(self, path: str | Path | None = None) -> DatasetDialog | None:
        """Ask for a CSV (unless `path` is given), preview it and let the user pick columns."""
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            path, _ = QFileDialog.getOpenFileName(self, "Open a CSV dataset", folder or str(Path.home()),
                                                  "CSV files (*.csv);;All files (*)")
            if not path:
                return None
        try:
            columns, rows = read_preview(path)
        except DataError as error:
            log.warning("Could not open the dataset %s: %s", path, error)
            self._show_message(f"Could not open that dataset: {error}. Still training on "
                               f"{self.settings.dataset.describe().splitlines()[0]}.")
            return None
        if self.dataset_dialog is not None:
            self.dataset_dialog.reject()
        dialog = DatasetDialog(path, columns, rows, self.settings.dataset, self)
        dialog.accepted.connect(lambda: self._dataset_chosen(dialog.choice))
        dialog.finished.connect(lambda _: self._dialog_closed(dialog))
        self.dataset_dialog = dialog
        dialog.open()  # window-modal, but the event loop (and any training) keeps running
        return dialog

    def export_histories(self, path: str | Path | None = None) -> str | None:
        """Save every epoch's loss, weights and bias per variant as CSV; ask where unless given."""
        if not self.history.epochs_done:
            self._show_message("Nothing to export yet: press Start first.")
            return None
        path = path or self._ask_save_path("training-history.csv", "CSV file (*.csv)")
        if not path:
            return None
        try:
            self.history.write_csv(path)
        except OSError as error:
            log.warning("Could not export the training histories to %s: %s", path, error)
            self._show_message(f"Could not write {path}: {error.strerror or error}")
            return None
        self._say(f"Saved the histories to {path}")
        return str(path)

    def export_plot(self, path: str | Path | None = None) -> str | None:
        """Save the overlay plot as PNG (2× size) or SVG, by the file name's suffix."""
        path = path or self._ask_save_path("training-loss.png",
                                           "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return None
        try:
            export_plot(self.overlay.plot, path, "Training loss of the four variants")
        except (OSError, ValueError) as error:
            log.warning("Could not export the training plot to %s: %s", path, error)
            self._show_message(f"Could not export the plot: {error}")
            return None
        self._say(f"Saved the plot to {path}")
        return str(path)

    def export_animation(self, path: str | Path | None = None):
        """The last run's loss curves growing epoch by epoch, as a GIF; returns the running export."""
        if not self.history.epochs_done:
            self._show_message("Nothing to export yet: press Start first.")
            return None
        # the kept epochs (a long run's history is thinned) and the loss at each
        curves = {name: [part.copy() for part in h.curve()] for name, h in self.history.variants.items()}
        losses = {name: losses for name, (_epochs, losses) in curves.items()}
        epochs = {name: epochs for name, (epochs, _losses) in curves.items()}
        optimum = self.closed_form["train_mse"] if self.closed_form else None
        landscape = None  # with the Landscape tab open, the paths grow beside the curves
        if self.lower_tabs.currentWidget() is self.landscape and self.landscape.message:
            landscape = (self.landscape.message, self.landscape.pair_combo.currentIndex(),
                         self.landscape.path_arrays(self.history))
        try:
            progress = export_losses(self, losses, optimum, path, epochs, landscape)
        except ValueError as error:
            self._show_message(str(error))
            return None
        if progress is not None:
            progress.finished.connect(lambda done: self._say(f"Saved the animation to {done}"))
            progress.failed.connect(self._show_message)
        return progress

    # ----- messages from the training process -----------------------------------------------

    def _ready(self, seconds: float) -> None:
        if self.state == "idle":
            self._say("Ready: press Start")

    def _sweep_finished(self, result: dict) -> None:
        self.sweep.finish(result)
        self._set_state(self.state)
        self._say(f"Swept {len(result['runs'])} learning rates: click a point to train with it")

    def _sweep_failed(self, kind: str, message: str) -> None:
        self._show_message(f"The sweep did not run: {message}")
        self._set_state(self.state)

    def _landscape_arrived(self, message: dict) -> None:
        """A landscape the training process computed (or stage None: it no longer has the run)."""
        if message.get("stage") is None:
            self.landscape.show_unavailable()
            return
        self.landscape.set_landscape(message)
        if self._landscape_showing():
            self.landscape.show_paths(self.history)  # a late grid: the paths join it now

    def _run_started(self, info: dict) -> None:
        self.landscape.set_starts(info.get("initial", {}), info.get("feature_names"))
        self.closed_form = info["closed_form"]
        optimum = self.closed_form["train_mse"]
        self.overlay.set_optimum(optimum, self.closed_form.get("note", ""))
        for name in self.history.variants:
            self.cards[name].set_optimum(optimum)
        self.data_view.reset(info["sample_targets"], tuple(self.history.variants))
        self._mark_cards()
        self._say("Training…")

    def _records(self, batch: dict) -> None:
        self.history.append(batch)
        self._dirty = True

    def _predictions(self, message: dict) -> None:
        self.data_view.set_predictions(message["epoch"], message["variants"])
        self._predictions_dirty = True

    def _finished(self, result: dict) -> None:
        # Shown by the plot timer's next frame, right after the last records it draws.
        self._final = result
        self._dirty = True
        if not self.plot_timer.isActive():
            self.plot_timer.start()

    def _show_final(self, result: dict) -> None:
        self.result = result
        self.closed_form = result["closed_form"]
        self.results.show_result(result)
        optimum = self.closed_form["train_mse"]
        epochs = self.running.config.epochs if self.running else result["epochs"]
        for name, outcome in result["variants"].items():
            status, explanation = texts.final_status(outcome, result["stopped_early"], epochs,
                                                     optimum)
            self.cards[name].set_status(status, explanation, outcome["detail"])
        self._pending_tab = self._tab_to_follow(self.results)  # next frame: one big repaint
        stopped = result["stopped_early"]
        self._set_state("stopped" if stopped else "finished")
        done = result["epochs"]
        self._say(f"{'Stopped' if stopped else 'Finished'}: {done} epochs in "
                  f"{fmt(result['wall_seconds'], 2)} s")
        self._predictions_dirty = True

    def _failed(self, kind: str, message: str) -> None:
        what = {"data": "The data could not be used", "config": "The settings were refused",
                "crash": "Training failed"}[kind] if kind in ("data", "config", "crash") else kind
        log.warning("Training failed (%s): %s", kind, message)
        self._show_message(f"{what}: {message}")
        self._set_state("failed")
        self._interrupt_cards("Training did not finish: see the message above.")
        self._say(f"{what}.")

    def _died(self, message: str) -> None:
        if self.landscape.is_waiting():  # the grid it was waiting for will not come
            self.landscape.show_unavailable()
        self._show_message(f"{message} Press Start to train again: a fresh training process "
                           "starts.")
        self._set_state("failed")
        self._interrupt_cards("The training process ended before this variant finished.")
        self._say("The training process died.")

    def _show_cards(self) -> None:
        """Cards of the default variants, and of any other only while it is ticked to run: an
        extra variant's card would otherwise take a row of its own from the landscape below."""
        shown = set(registry.default_names()) | set(self.settings.chosen_variants())
        self.card_grid.show_only([card for name, card in self.cards.items() if name in shown])

    # ----- drawing --------------------------------------------------------------------------

    def _refresh(self) -> None:
        """The one plot timer: hand new data to the curves, numbers and data view.

        Curves get every frame; the numbers change at most NUMBERS_PER_SECOND times (nobody
        reads faster, and every new text re-lays out its card).
        """
        now = time.monotonic()
        if self._pending_tab is not None:
            self.lower_tabs.setCurrentWidget(self._pending_tab)
            self._pending_tab = None
            if self._final is None:
                return  # the tab's repaint is this frame's work
        numbers_due = now - self._numbers_shown_at >= 1.0 / NUMBERS_PER_SECOND \
            or self._final is not None
        if self._dirty:
            self._dirty = False
            total = self.running.config.epochs if self.running else 0
            # A new axis range repaints that plot's axes, text and all: at most one plot
            # rescales per frame; the others keep their range a frame or two longer.
            rescaled = False
            for name, history in self.history.variants.items():
                epochs, losses = history.curve()
                rescaled |= self.cards[name].show_curve(
                    epochs, losses, total, *self._with_optimum(history.low, history.high),
                    may_rescale=not rescaled)
                self.overlay.show_curve(name, epochs, losses)
                self._auto_log_scale(name, self.cards[name].log_scale, history.low, history.high)
            if self.landscape.isVisible():  # hidden, its paths cost ~40 % of a frame
                self.landscape.show_paths(self.history)
            low, high = self.history.loss_bounds()
            self._auto_log_scale("overlay", self.overlay.log_scale, low, high)
            rescaled |= self.overlay.fit(self.history.epochs_done, total,
                                         *self._with_optimum(low, high), may_rescale=not rescaled)
            self._numbers_stale = True
            self._dirty = rescaled  # come back next frame: another plot may be waiting
        if self._numbers_stale and numbers_due:
            self._numbers_stale = False
            self._numbers_shown_at = now
            self._show_numbers()
        if self._final is not None:
            final, self._final = self._final, None
            self.landscape.show_paths(self.history)  # hidden during the run: drawn at its end
            self._show_final(final)
        if self._predictions_dirty:
            self._predictions_dirty = False
            self.data_view.redraw()
        if not self.client.is_running() and self._final is None and not self._numbers_stale \
                and self._pending_tab is None and not self._dirty:
            self.plot_timer.stop()

    def _tab_to_follow(self, tab: QWidget) -> QWidget | None:
        """`tab`, unless the user is looking at the landscape or the sweep (they stay)."""
        return None if self.lower_tabs.currentWidget() in (self.landscape, self.sweep) else tab

    def _auto_log_scale(self, plot: str, box: QCheckBox, low: float, high: float) -> None:
        """Switch one plot to a log axis once its loss spans LOG_SCALE_SPAN, if the page allows."""
        if self.log_scale.isChecked() and plot not in self._log_scaled and 0 < low \
                and high >= LOG_SCALE_SPAN * low:
            self._log_scaled.add(plot)
            box.setChecked(True)

    def _page_log_scale(self, allowed: bool) -> None:
        """The page-wide toggle: off makes every loss axis linear; on lets them switch again."""
        self._log_scaled = set()
        if not allowed:
            for box in [card.log_scale for card in self.cards.values()] + [self.overlay.log_scale]:
                box.setChecked(False)
        self._redraw_soon()

    def _tab_shown(self, index: int) -> None:
        """The landscape is computed and its paths drawn only while it shows: tell the training
        process, ask for the grid this run lacks, and bring the paths up to date."""
        showing = self.lower_tabs.widget(index) is self.landscape
        missing = showing and self._landscape_missing()
        if not self.client.want_landscape(showing, ask=missing):
            self.landscape.show_unavailable()
        elif missing:
            self.landscape.show_computing("at the current parameters" if self.client.is_running()
                                          else "at the end of the run")
        if showing:
            self._redraw_soon()

    def _landscape_showing(self) -> bool:
        return self.lower_tabs.currentWidget() is self.landscape

    def _landscape_missing(self) -> bool:
        """Whether the landscape tab lacks what it shows with the tab open all along: a grid of
        the run in progress, or the end stage of the run that ended."""
        message = self.landscape.message
        if self.client.is_running():
            return message is None
        ended = self.result is not None or self._final is not None
        return ended and (message is None or message["stage"] != "end")

    def _redraw_soon(self, *_) -> None:
        self._dirty = True
        if not self.plot_timer.isActive():
            self.plot_timer.start()

    def _with_optimum(self, low: float, high: float) -> tuple[float, float]:
        """Loss bounds widened to the closed-form optimum, so its line stays on the plot."""
        if self.closed_form is None or not low <= high:
            return low, high
        optimum = self.closed_form["train_mse"]
        return min(low, optimum), max(high, optimum)

    def _show_numbers(self) -> None:
        """Latest epoch, loss, weights and bias on each card; the difference readout; progress."""
        total = self.running.config.epochs if self.running else 0
        for name, history in self.history.variants.items():
            latest = history.latest()
            if latest is not None:
                self.cards[name].show_numbers(history.count, total, *latest, history.active)
        self._mark_cards()
        if self.history.epochs_done:
            self.overlay.show_difference(self.history.largest_difference,
                                         self.history.largest_relative, len(self.history.variants))
        if self.state in ("running", "paused", "stopping"):
            self._say(f"Epoch {self.history.epochs_done} of {total}"
                      + (" · paused" if self.state == "paused" else ""))

    def _mark_cards(self) -> None:
        """Live badges while a run goes on: running or paused, or dead/diverged as it happens."""
        if self.state not in ("running", "paused", "stopping"):
            return
        for name, history in self.history.variants.items():
            card = self.cards[name]
            if history.status in ("dead", "diverged"):
                if card.status != history.status:
                    card.set_status(history.status, texts.live_explanation(history.status))
            elif self.closed_form is not None or history.count:
                wanted = "paused" if self.state == "paused" else "running"
                if card.status != wanted:
                    batches = self.running is not None and self.running.config.batch_size is not None
                    card.set_status(wanted, texts.live_explanation(wanted, batches))

    def _interrupt_cards(self, explanation: str) -> None:
        for name in self.history.variants:
            if self.cards[name].status in ("waiting", "running", "paused"):
                self.cards[name].set_status("interrupted", explanation)
        self._dirty = True
        self._refresh()

    # ----- state and messages ---------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        self.state = state
        active = state in ("running", "paused", "stopping")
        self.controls.start_button.setEnabled(not active)
        self.controls.pause_button.setEnabled(state in ("running", "paused"))
        self.controls.stop_button.setEnabled(state in ("running", "paused"))
        self.controls.show_paused(state == "paused")
        sweeping = self.client.is_sweeping()
        self.controls.start_button.setEnabled(not active and not sweeping)
        self.sweep.button.setEnabled(not active and not sweeping)
        self.settings.setEnabled(not active and not sweeping)
        self.open_dataset_action.setEnabled(True)

    def _say(self, text: str) -> None:
        self.progress.setText(text)
        self.status_message.emit(text)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _hide_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def _dataset_chosen(self, choice: DatasetChoice | None) -> None:
        if choice is None:
            return
        self.reset()  # stops a run and waits for it: the old data's numbers are of no use now
        self.settings.set_dataset(choice)
        shift = self.settings.request().data.describe_shift()
        self._show_message(f"Now training on {choice.path.name}: {', '.join(choice.features)} → "
                           f"{choice.target} ({choice.rows:,} rows, target {shift}). Press Start.")

    def _dialog_closed(self, dialog: DatasetDialog) -> None:
        if self.dataset_dialog is dialog:
            self.dataset_dialog = None
        dialog.deleteLater()

    def _ask_save_path(self, suggestion: str, filters: str) -> str | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, "Export", str(Path(folder or Path.home()) / suggestion),
                                              filters)
        return path or None

    # ----- defensive ends -------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._shown = True
        if self._owns_client:
            self.client.start_process()  # again, if a hidden window ended it
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # Switching tabs (or being put into one) hides the page too: only a page that was on
        # screen in a window that is now gone ends training here.
        if self._shown and not self.window().isVisible():
            self._shown = False
            self.shutdown()
        super().hideEvent(event)

