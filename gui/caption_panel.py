"""The caption under the graph: the step's chain-rule sentence, big, with its rule and progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.steps import State

CAPTION_POINT_SIZE = 24
DETAIL_POINT_SIZE = 14
INDICATOR_POINT_SIZE = 13
PHASES = {  # phase -> (words shown, colour of the chip)
    "start": ("Start", "#5f6b7a"),
    "forward": ("Forward pass", "#0072B2"),  # the theme's forward blue
    "backward": ("Backward pass", "#B34700"),  # a darker vermillion: white text stays legible
    "done": ("Done", "#1A1A1A"),  # not green: the badges never rely on red vs green
}


class CaptionPanel(QWidget):
    """Shows one State: its caption (objectName stepCaption), its detail and 'step k / n'."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("captionPanel")
        self.phase = QLabel()
        self.phase.setObjectName("stepPhase")
        self.phase.setAccessibleName("Phase")
        self.indicator = QLabel()
        self.indicator.setObjectName("stepIndicator")
        self.indicator.setAccessibleName("Step number")
        self.caption = QLabel()
        self.caption.setObjectName("stepCaption")
        self.caption.setAccessibleName("Step caption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setObjectName("stepDetail")
        self.detail.setAccessibleName("Step rule")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self._style()

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.phase)
        header.addWidget(self.indicator)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.caption)
        layout.addWidget(self.detail)

    def _style(self) -> None:
        for label, size in ((self.caption, CAPTION_POINT_SIZE), (self.detail, DETAIL_POINT_SIZE),
                            (self.indicator, INDICATOR_POINT_SIZE), (self.phase, INDICATOR_POINT_SIZE)):
            font = label.font()
            font.setPointSize(size)
            label.setFont(font)
        caption_font = self.caption.font()
        caption_font.setWeight(caption_font.Weight.DemiBold)
        self.caption.setFont(caption_font)
        lines = self.caption.fontMetrics().lineSpacing() * 2 + 4
        self.caption.setMinimumHeight(lines)  # room for two lines, so the graph does not jump
        self.caption.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # Two lines for the detail too: a panel that changed height from step to step would
        # resize the view, and the graph would re-fit (jump) while the animation plays.
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 2 + 2)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.detail.setStyleSheet("color: #4a4a4a;")
        self.indicator.setStyleSheet("color: #4a4a4a;")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#captionPanel { background: #fbfbf7; border-top: 1px solid #d8d8d0; }")

    def show_state(self, state: State, count: int) -> None:
        """Show what `state` says, as step `state.step` of `count`."""
        words, colour = PHASES.get(state.phase, (state.phase.title(), "#5f6b7a"))
        self.phase.setText(f" {words} ")
        self.phase.setStyleSheet(
            f"color: white; background: {colour}; border-radius: 4px; padding: 1px 6px; font-weight: 600;"
        )
        self.indicator.setText(f"step {state.step} / {count}")
        self.caption.setText(state.caption)
        self.detail.setText(state.detail)
