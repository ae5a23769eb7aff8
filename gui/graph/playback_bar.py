"""Play/pause, step, reset, end, speed and a scrubber over every step, for one StepPlayer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget,
)

from gui import theme
from gui.graph.step_player import StepPlayer

SPEED_STEPS_PER_UNIT = 2  # the speed slider counts half steps per second: 1 -> 0.5/s ... 16 -> 8/s
SPEED_RANGE = (1, 16)
BUTTON_POINT_SIZE = 14  # the bar's text: buttons, "Speed" and its value (scaled with the window's text)
ICON_TO_TEXT = 1.0  # icons as tall as the text's line, so they grow with it (24 px and more on a projector)


class PlaybackBar(QWidget):
    """The animation's controls; it drives the StepPlayer it is given and follows its signals."""

    def __init__(self, player: StepPlayer, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("playbackBar")
        self.player = player
        icon = self.style().standardIcon
        pixmap = QStyle.StandardPixmap
        self.reset_button = self._button("resetButton", "Start", "Back to the start (Home)",
                                         icon(pixmap.SP_MediaSkipBackward))
        self.back_button = self._button("stepBackButton", "Back", "Previous step (Left or Page Up)",
                                        icon(pixmap.SP_MediaSeekBackward))
        self.play_button = self._button("playButton", "Play", "Play or pause (Space)",
                                        icon(pixmap.SP_MediaPlay))
        self.forward_button = self._button("stepForwardButton", "Next", "Next step (Right or Page Down)",
                                           icon(pixmap.SP_MediaSeekForward))
        self.end_button = self._button("endButton", "End", "Jump to the end (End)",
                                       icon(pixmap.SP_MediaSkipForward))
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setObjectName("stepScrubber")
        self.scrubber.setAccessibleName("Step scrubber")
        self.scrubber.setToolTip("Drag to any step")
        self.scrubber.setPageStep(1)
        self.scrubber.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setObjectName("speedSlider")
        self.speed_slider.setAccessibleName("Playback speed, steps per second")
        self.speed_slider.setRange(*SPEED_RANGE)
        self.speed_slider.setValue(round(player.steps_per_second * SPEED_STEPS_PER_UNIT))
        self.speed_label = QLabel()
        self.speed_label.setObjectName("speedLabel")
        self._show_speed(self.speed_slider.value())
        self.speed_word = QLabel("Speed")
        self.speed_word.setBuddy(self.speed_slider)
        self._texts = {self.reset_button: "Start", self.back_button: "Back", self.forward_button: "Next",
                       self.end_button: "End"}  # the play button's text follows the player
        self._compact = False  # icons only: the bar is narrower than its words need
        self._full_width = 0  # the width the bar needs to show its words
        self._compact_width = 0  # ... and with icons only: its minimum
        self._action_buttons: list[QToolButton] = []
        self._controls: QHBoxLayout | None = None  # built below; a font change before then waits

        font = self.font()
        font.setPointSize(BUTTON_POINT_SIZE)
        self.setFont(font)  # every label of the bar inherits it, and the window's text size scales it
        controls = self._controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        for button in (self.reset_button, self.back_button, self.play_button, self.forward_button,
                       self.end_button):
            controls.addWidget(button)
        controls.addStretch(1)
        controls.addWidget(self.speed_word)
        controls.addWidget(self.speed_slider)
        controls.addWidget(self.speed_label)
        layout = QVBoxLayout(self)  # the scrubber spans the width, as in a video player
        # The bar's own minimumSizeHint (icons only) decides how narrow it may get, not the layout.
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(12, 4, 12, 6)
        layout.setSpacing(2)
        layout.addWidget(self.scrubber)
        layout.addLayout(controls)
        self._fit_text()
        self._tint_icons()

        self.reset_button.clicked.connect(player.to_start)
        self.back_button.clicked.connect(player.previous)
        self.play_button.clicked.connect(player.toggle)
        self.forward_button.clicked.connect(player.next)
        self.end_button.clicked.connect(player.to_end)
        self.scrubber.valueChanged.connect(player.go_to)
        self.speed_slider.valueChanged.connect(self._speed_moved)
        player.step_changed.connect(self._show_step)
        player.count_changed.connect(self._show_count)
        player.playing_changed.connect(self._show_playing)
        self._show_count(player.count)

    def add_action_button(self, action: QAction) -> QToolButton:
        """Put a button for `action` (e.g. the page's panel toggle) at the end of the controls."""
        if action.icon().isNull():  # an icon to show when the bar is too narrow for words
            action.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
        button = QToolButton()
        button.setDefaultAction(action)
        button.setObjectName(f"{action.objectName()}Button")
        button.setAccessibleName(action.text().replace("&", ""))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._controls.addSpacing(12)
        self._controls.addWidget(button)
        self._action_buttons.append(button)
        self._fit_text()
        return button

    def _button(self, name: str, text: str, tip: str, icon) -> QPushButton:
        button = QPushButton(icon, text)
        button.setObjectName(name)
        button.setAccessibleName(tip.split(" (")[0])
        button.setToolTip(tip)
        return button

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Re-measure when the text size changes (View → Text size, presentation mode)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_text()
        elif event.type() == QEvent.Type.PaletteChange:
            self._tint_icons()

    def _tint_icons(self) -> None:
        """Disabled buttons keep a visible icon (3:1 on the bar) in the look's disabled shade."""
        theme.tint_disabled_icons((self.reset_button, self.back_button, self.play_button, self.forward_button,
                                   self.end_button), self.palette())

    def _fit_text(self) -> None:
        """Icons as tall as the text, and room for the longest words, at the bar's text size."""
        if self._controls is None:
            return
        metrics = self.fontMetrics()
        side = round(metrics.height() * ICON_TO_TEXT)
        for button in (self.reset_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            button.setIconSize(QSize(side, side))
        self.speed_label.setMinimumWidth(metrics.horizontalAdvance("8.5 steps/s") + metrics.averageCharWidth())
        self.scrubber.setMinimumWidth(10 * metrics.averageCharWidth())
        self.speed_slider.setMinimumWidth(6 * metrics.averageCharWidth())
        self.speed_slider.setMaximumWidth(14 * metrics.averageCharWidth())
        margins = sum(self.layout().getContentsMargins()[::2])
        self._set_compact(True)  # measure the bar with icons only, then with its words
        self._controls.invalidate()  # the layout caches its sizes until the next event loop pass
        self._compact_width = self._controls.minimumSize().width() + margins
        self._set_compact(False)
        self._controls.invalidate()
        self._full_width = self._controls.sizeHint().width() + margins
        self._set_compact(self.width() < self._full_width)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Icons only: the bar never makes the window wider than the screen, whatever the text size."""
        return QSize(self._compact_width, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Words on the buttons when they fit, icons only (with tooltips) when they do not."""
        self._set_compact(event.size().width() < self._full_width)
        super().resizeEvent(event)

    def compact(self) -> bool:
        """Whether the buttons show icons only (the bar is too narrow for their words)."""
        return self._compact

    def _set_compact(self, compact: bool) -> None:
        if compact == self._compact and self._full_width:
            return
        self._compact = compact
        metrics = self.fontMetrics()
        side = self.play_button.iconSize().width()
        for button, text in self._texts.items():
            button.setText("" if compact else text)
        self._show_playing(self.player.playing)
        pad = 3 * metrics.averageCharWidth()
        self.play_button.setMinimumWidth(side + pad if compact else metrics.horizontalAdvance("Pause") + side + pad)
        self.speed_word.setVisible(not compact)
        for button in self._action_buttons:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if compact
                                      else Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setIconSize(QSize(side, side))

    def _speed_moved(self, value: int) -> None:
        self.player.set_speed(value / SPEED_STEPS_PER_UNIT)
        self._show_speed(value)

    def _show_speed(self, value: int) -> None:
        per_second = value / SPEED_STEPS_PER_UNIT
        self.speed_label.setText(f"{per_second:g} step{'' if per_second == 1 else 's'}/s")

    def _show_count(self, count: int) -> None:
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, count)
        self.scrubber.setValue(self.player.step)
        self.scrubber.blockSignals(False)
        self._show_step(self.player.step)

    def _show_step(self, step: int) -> None:
        if self.scrubber.value() != step:
            self.scrubber.setValue(step)  # the player ignores a go_to to the step it shows
        count = self.player.count
        for button, enabled in ((self.reset_button, step > 0), (self.back_button, step > 0),
                                (self.forward_button, step < count), (self.end_button, step < count)):
            if not enabled and button.hasFocus():
                # Qt would pass focus on along the tab chain, perhaps into the formula editor,
                # where Space would then type instead of playing.
                self.play_button.setFocus(Qt.FocusReason.OtherFocusReason)
            button.setEnabled(enabled)

    def _show_playing(self, playing: bool) -> None:
        pixmap = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(pixmap))
        theme.tint_disabled_icons([self.play_button], self.palette())
        self.play_button.setText("" if self._compact else "Pause" if playing else "Play")
