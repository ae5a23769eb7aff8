"""The caption under the graph: the step's chain-rule sentence, big, with its rule and progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from core.engine.steps import State
from gui import theme

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
        self.scroll: QScrollArea | None = None  # built below
        self._look = theme.LOOKS[theme.DEFAULT_LOOK]
        self._phase = "start"
        self._style()

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.phase)
        header.addWidget(self.indicator)
        for label in (self.phase, self.indicator):  # counters never shrink below their words
            label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        # Caption and rule scroll inside a fixed height: a long caption at a large text size never
        # squeezes the graph, and the panel keeps its height from step to step.
        words = QWidget()
        words.setObjectName("captionWords")
        words.setStyleSheet("#captionWords { background: transparent; }")  # the panel's colour shows
        column = QVBoxLayout(words)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.caption)
        column.addWidget(self.detail)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("captionScroll")
        self.scroll.setWidget(words)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.viewport().setStyleSheet("background: transparent;")
        layout.addWidget(self.scroll)
        self._fit_heights()

    def _style(self) -> None:
        for label, size in ((self.caption, CAPTION_POINT_SIZE), (self.detail, DETAIL_POINT_SIZE),
                            (self.indicator, INDICATOR_POINT_SIZE), (self.phase, INDICATOR_POINT_SIZE)):
            font = label.font()
            font.setPointSize(size)
            label.setFont(font)
        caption_font = self.caption.font()
        caption_font.setWeight(caption_font.Weight.DemiBold)
        self.caption.setFont(caption_font)
        self._fit_heights()
        self.caption.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.apply_look(self._look)

    def _fit_heights(self) -> None:
        # Two lines each: a panel that changed height from step to step would resize the view,
        # and the graph would re-fit (jump) while the animation plays.
        self.caption.setMinimumHeight(self.caption.fontMetrics().lineSpacing() * 2 + 4)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 2 + 2)
        if self.scroll is not None:
            self.scroll.setFixedHeight(self.caption.minimumHeight() + self.detail.minimumHeight() + 4)

    def apply_look(self, look: theme.Look) -> None:
        """Colour the panel for a theme (light, dark, projector); re-measure after a text size change."""
        self._look = look
        self._fit_heights()
        soft = f"color: {look.soft_text};"
        self.detail.setStyleSheet(soft)
        self.indicator.setStyleSheet(soft)
        text = f" color: {look.window_text};" if look.window_text else ""
        self.caption.setStyleSheet(text)
        self.setStyleSheet(f"#captionPanel {{ background: {look.caption_background}; "
                           f"border-top: 1px solid {look.caption_border}; }}")
        self._colour_phase()

    def _colour_phase(self) -> None:
        words, colour = PHASES.get(self._phase, (self._phase.title(), "#5f6b7a"))
        colour = self._look.phase_colours.get(self._phase, colour)
        self.phase.setText(f" {words} ")
        self.phase.setStyleSheet(
            f"color: white; background: {colour}; border-radius: 4px; padding: 1px 6px; font-weight: 600;"
        )

    def show_state(self, state: State, count: int, caption: str | None = None) -> None:
        """Show `state` as step `state.step` of `count`: its caption (or `caption`, e.g. a quiz's) and rule."""
        self._phase = state.phase
        self._colour_phase()
        self.indicator.setText(f"step {state.step} / {count}")
        widest = f"step {count} / {count}"  # room for every step of this schedule: the width stays put
        self.indicator.setMinimumWidth(self.indicator.fontMetrics().horizontalAdvance(widest) + 4)
        self.caption.setText(state.caption if caption is None else caption)
        self.detail.setText(state.detail)
