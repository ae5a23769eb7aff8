"""The page's controls: Start, Pause/Resume, Stop, Reset and the pace (from 1 epoch per second to
as fast as possible); and the export buttons above the results."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout, QHBoxLayout, QLabel, QMenu, QPushButton, QSlider, QStyle, QToolButton, QWidget,
)

from gui import theme as looks
from gui.training import theme

# Slider positions -> epochs per second; the last (the slider's maximum) means full speed.
PACES: list[float | None] = [1, 2, 5, 10, 20, 50, 100, 200, 500, None]
DEFAULT_PACE = 50  # 100 epochs in two seconds: slow enough to watch, quick enough to wait for


class TrainingControls(QWidget):
    """The control bar. It only reports clicks; the page decides and sets the buttons' state."""

    start_clicked = Signal()
    pause_clicked = Signal()  # Pause or Resume: the page knows which
    stop_clicked = Signal()
    reset_clicked = Signal()
    pace_changed = Signal(object)  # epochs per second, or None for as fast as possible

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainingControls")
        icon, pixmap = self.style().standardIcon, QStyle.StandardPixmap
        self.start_button = _button("startButton", "Start", icon(pixmap.SP_MediaPlay),
                                    "Train the chosen variants from the start (Ctrl+Return)")
        self.start_button.setShortcut("Ctrl+Return")
        self.pause_button = _button("pauseButton", "Pause", icon(pixmap.SP_MediaPause),
                                    "Hold training after the current epoch, or go on")
        self.stop_button = _button("stopButton", "Stop", icon(pixmap.SP_MediaStop),
                                   "End training now and show the results so far")
        self.reset_button = _button("resetButton", "Reset", icon(pixmap.SP_BrowserReload),
                                    "Stop and clear the plots and results")
        self.pace_slider = QSlider(Qt.Orientation.Horizontal)
        self.pace_slider.setObjectName("paceSlider")
        self.pace_slider.setAccessibleName("Pace, epochs per second")
        self.pace_slider.setToolTip("Slow motion for a lecture (1 epoch per second) up to as fast "
                                    "as possible (the far right)")
        self.pace_slider.setRange(0, len(PACES) - 1)
        self.pace_slider.setPageStep(1)
        self.pace_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.pace_slider.setValue(PACES.index(DEFAULT_PACE))
        self.pace_slider.setMinimumWidth(110)
        self.pace_label = QLabel()
        self.pace_label.setObjectName("paceLabel")
        self.pace_label.setFont(theme.font(theme.PAGE_POINT_SIZE + 1))
        self.pace_label.setMinimumWidth(self.pace_label.fontMetrics().horizontalAdvance(
            "as fast as possible") + 8)
        buttons, pace = QHBoxLayout(), QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button, self.reset_button):
            buttons.addWidget(button)
        pace.addWidget(QLabel("Pace"))
        pace.addWidget(self.pace_slider)
        pace.addWidget(self.pace_label)
        # Side by side; at a large text size the pace goes under the buttons (see set_stacked).
        self.rows = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(18)
        self.rows.addLayout(buttons)
        self.rows.addLayout(pace)
        self._show_pace(self.pace_slider.value())
        self.setFont(theme.font(theme.PAGE_POINT_SIZE + 1))  # once the buttons exist: this refits them
        self._tint_icons()

        self.start_button.clicked.connect(self.start_clicked)
        self.pause_button.clicked.connect(self.pause_clicked)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.pace_slider.valueChanged.connect(self._show_pace)
        self.pace_slider.valueChanged.connect(lambda _: self.pace_changed.emit(self.pace()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Refit the Pause/Resume button when the text size changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_pause_button()
        elif event.type() == QEvent.Type.PaletteChange:
            self._tint_icons()

    def _tint_icons(self) -> None:
        """Disabled buttons keep a visible icon (3:1 on the page) in the look's disabled shade."""
        looks.tint_disabled_icons((self.start_button, self.pause_button, self.stop_button, self.reset_button),
                                  self.palette())

    def _fit_pause_button(self) -> None:
        """Wide enough for "Resume" as well as "Pause" at the current font, so it never jumps or clips."""
        button, shown = self.pause_button, self.pause_button.text()
        widths = []
        for word in ("Pause", "Resume"):
            button.setText(word)
            widths.append(button.sizeHint().width())
        button.setText(shown)
        button.setMinimumWidth(max(widths))

    def set_stacked(self, stacked: bool) -> None:
        """The pace under the buttons (True, for large text) or beside them."""
        self.rows.setDirection(QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight)

    def pace(self) -> float | None:
        """Epochs per second the slider asks for; None: as fast as possible."""
        return PACES[self.pace_slider.value()]

    def _show_pace(self, position: int) -> None:
        pace = PACES[position]
        if pace is None:
            text = "as fast as possible"
        else:
            text = f"{pace:g} epoch/s" if pace == 1 else f"{pace:g} epochs/s"
        self.pace_label.setText(text)

    def show_paused(self, paused: bool) -> None:
        """Label the pause button Resume while paused."""
        pixmap = QStyle.StandardPixmap.SP_MediaPlay if paused else QStyle.StandardPixmap.SP_MediaPause
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setIcon(self.style().standardIcon(pixmap))
        looks.tint_disabled_icons([self.pause_button], self.palette())


class ExportButtons(QWidget):
    """Export CSV…, Export plot…, Export animation…: in full, short, or folded into one menu.

    It only reports clicks; the page says how much room the row has (`fit`).
    """

    csv_clicked = Signal()
    plot_clicked = Signal()
    animation_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("exportButtons")
        # (object name, full text, short text, tooltip, signal)
        specs = [
            ("exportHistoryButton", "Export CSV…", "CSV…",
             "Save every epoch's loss, weights and bias as a CSV file", self.csv_clicked),
            ("exportPlotButton", "Export plot…", "Plot…", "Save the overlay plot as PNG or SVG",
             self.plot_clicked),
            ("exportAnimationButton", "Export animation…", "Animation…",
             "Save the loss curves growing epoch by epoch as an animated GIF", self.animation_clicked),
        ]
        self.texts: dict[QPushButton, tuple[str, str]] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 2)
        # When even the short texts leave the tabs too little room (1280 pixels): one menu instead.
        self.menu_button = QToolButton()
        self.menu_button.setObjectName("exportMenuButton")
        self.menu_button.setText("Export")
        self.menu_button.setToolTip("Save the histories (CSV), the overlay plot or the training animation")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        for name, text, short, tip, clicked in specs:
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(clicked)
            self.texts[button] = (text, short)
            row.addWidget(button)
            menu.addAction(text, button.click).setToolTip(tip)
        menu.aboutToShow.connect(self._enable_menu)
        self.menu_button.setMenu(menu)
        self.menu_button.hide()
        row.addWidget(self.menu_button)
        self.csv_button, self.plot_button, self.animation_button = self.texts

    def fit(self, room: int, large_text: bool) -> None:
        """Full texts if `room` pixels hold them (and the text is not large), else the short ones,
        else the one menu: never a tab hidden behind arrows."""
        def needed(index: int) -> int:  # 0: the full texts, 1: the short ones
            return sum(button.fontMetrics().horizontalAdvance(texts[index]) + 40
                       for button, texts in self.texts.items())

        short = large_text or room < needed(0)
        in_menu = short and room < needed(1)
        for button, (text, brief) in self.texts.items():
            button.setText(brief if short else text)
            button.setVisible(not in_menu)
        self.menu_button.setVisible(in_menu)

    def _enable_menu(self) -> None:
        """The menu offers what the buttons offer now."""
        for action, button in zip(self.menu_button.menu().actions(), self.texts):
            action.setEnabled(button.isEnabled())


def _button(name: str, text: str, icon, tip: str) -> QPushButton:
    button = QPushButton(icon, text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setMinimumHeight(40)
    return button
