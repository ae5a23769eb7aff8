"""Theme and UI scale for the whole window: View → Theme, Ctrl+= / Ctrl+- / Ctrl+0, presentation look.

The look is a value (gui.theme.Look) handed to both pages: the Graph page through the window's
restyle callback, the Training page (and any page that `follow`s) through its `apply_look`.

One scale (1× to 3×) sizes every font of the window and the graph drawing's text and lines. In
presentation mode the look becomes the projector theme (unless the dark one is chosen) and
everything grows a little more, for the back row. Choices persist through QSettings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from gui import theme
from gui.widgets.actions import make_action

SCALE_STEPS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
PRESENTING_FONT_BOOST = 1.5  # chrome text (caption, controls) when projecting
PRESENTING_DRAWING_BOOST = 1.15  # the graph's own text and lines when projecting
PRESENTING_NUMBER_SCALE = 1.35  # values and gradients, relative to the other text, when projecting
PRESENTING_EDGE_SCALE = 1.06  # edge labels and the tag: the smallest text, so it sets how far a fit may shrink (24 px floor)
PRESENTING_LINE_SCALE = 1.6  # thick lines survive a projector's blur
BASE_FONT_PROPERTY = "baseFontSize"  # a widget's own font size at 1× (negative: pixels)
_original_palette: list[QPalette] = []  # the application's palette before any theme was applied


class FollowsLook(Protocol):
    """A page that colours itself for a look (the Training page): its one entry point."""

    def apply_look(self, look: theme.Look) -> None: ...


class AppearanceController(QObject):
    """Holds the chosen theme and scale and applies them to a window and its graph page."""

    def __init__(self, window: QWidget, restyle, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        self._restyle = restyle  # called with the Look and the font scale after fonts and palette changed
        self._settings = settings
        if not _original_palette:
            _original_palette.append(QPalette(QApplication.palette()))
        self._default_palette = _original_palette[0]
        self.theme_name = str(settings.value("appearance/theme", theme.DEFAULT_LOOK))
        if self.theme_name not in theme.LOOKS:
            self.theme_name = theme.DEFAULT_LOOK
        self.scale = theme.clamp_scale(settings.value("appearance/scale", 1.0))
        self.presenting = False
        self._followers: list[FollowsLook] = []  # pages handed the look whenever it changes

        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name, look in theme.LOOKS.items():
            action = QAction(look.title, self)
            action.setObjectName(f"theme_{name}")
            action.setCheckable(True)
            action.setChecked(name == self.theme_name)
            action.triggered.connect(lambda _=False, name=name: self.set_theme(name))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.bigger_action = self._action("biggerTextAction", "&Bigger text", ["Ctrl+=", "Ctrl++"], self.bigger)
        self.smaller_action = self._action("smallerTextAction", "&Smaller text", ["Ctrl+-"], self.smaller)
        self.reset_action = self._action("normalTextAction", "&Normal text size", ["Ctrl+0"], self.reset_scale)

    def _action(self, name: str, text: str, keys: list[str], slot) -> QAction:
        return make_action(self, name, text, keys, slot)

    @property
    def actions(self) -> list[QAction]:
        """The text-size actions, to add to the window (their keys work with the menu bar hidden)."""
        return [self.bigger_action, self.smaller_action, self.reset_action]

    @property
    def look(self) -> theme.Look:
        """The look in use: the chosen theme, or the projector theme while presenting a light one."""
        if not self.presenting:
            return theme.LOOKS[self.theme_name]
        chosen = theme.LOOKS["projector" if self.theme_name == "light" else self.theme_name]
        return replace(chosen, number_scale=max(chosen.number_scale, PRESENTING_NUMBER_SCALE),
                       edge_scale=max(chosen.edge_scale, PRESENTING_EDGE_SCALE),
                       line_scale=max(chosen.line_scale, PRESENTING_LINE_SCALE))

    def follow(self, page: FollowsLook) -> None:
        """Hand `page` the look now and at every change; size its fonts (a page installed later)."""
        self._followers.append(page)
        page.apply_look(self.look)
        self.refresh_fonts()

    def configure(self, name: str, scale: float) -> None:
        """Use theme `name` at UI scale `scale` (one redraw) and remember both."""
        self.theme_name = name if name in theme.LOOKS else theme.DEFAULT_LOOK
        self.theme_actions[self.theme_name].setChecked(True)
        self.scale = theme.clamp_scale(scale)
        self._settings.setValue("appearance/theme", self.theme_name)
        self._settings.setValue("appearance/scale", self.scale)
        self.apply()

    def set_theme(self, name: str) -> None:
        """Use theme `name` (light, dark, projector) and remember it."""
        self.configure(name, self.scale)

    def set_scale(self, scale: float) -> None:
        """Use UI scale `scale` (clamped to 1× .. 3×) and remember it."""
        self.configure(self.theme_name, scale)

    def bigger(self) -> None:
        """One step larger (Ctrl+=)."""
        self.set_scale(next((s for s in SCALE_STEPS if s > self.scale + 1e-9), SCALE_STEPS[-1]))

    def smaller(self) -> None:
        """One step smaller (Ctrl+-)."""
        self.set_scale(next((s for s in reversed(SCALE_STEPS) if s < self.scale - 1e-9), SCALE_STEPS[0]))

    def reset_scale(self) -> None:
        """Back to 1× (Ctrl+0)."""
        self.set_scale(1.0)

    def set_presenting(self, presenting: bool) -> None:
        """Switch the projector look and the presentation boost on or off."""
        self.presenting = presenting
        self.apply()

    def apply(self) -> None:
        """Apply the look and scale to the palette, every font of the window and the drawing."""
        look = self.look
        font_scale = self.scale * (PRESENTING_FONT_BOOST if self.presenting else 1.0)
        drawing_scale = self.scale * (PRESENTING_DRAWING_BOOST if self.presenting else 1.0)
        theme.apply(look, drawing_scale)
        theme.use_readable_indicators(QApplication.instance())
        QApplication.setPalette(theme.widget_palette(look, self._default_palette))
        self.scale_fonts(font_scale)
        for page in self._followers:
            page.apply_look(look)
        self._restyle(look, font_scale)
        self.bigger_action.setEnabled(self.scale < SCALE_STEPS[-1])
        self.smaller_action.setEnabled(self.scale > SCALE_STEPS[0])

    def refresh_fonts(self) -> None:
        """Size widgets added since the last change (e.g. a page installed later)."""
        self.scale_fonts(self.scale * (PRESENTING_FONT_BOOST if self.presenting else 1.0))

    def scale_fonts(self, factor: float) -> None:
        """Size the window's font and every font a widget set for itself to `factor` × its own size."""
        for widget in [self.window, *self.window.findChildren(QWidget)]:
            base = widget.property(BASE_FONT_PROPERTY)
            if base is None:
                own = widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) or widget.isWindow()
                if not own:
                    continue  # it inherits its parent's font, which is scaled
                font = widget.font()
                base = font.pointSizeF() if font.pointSizeF() > 0 else -float(font.pixelSize())
                widget.setProperty(BASE_FONT_PROPERTY, base)
            font = QFont(widget.font())
            if base > 0:
                font.setPointSizeF(base * factor)
            else:
                font.setPixelSize(max(1, round(-base * factor)))
            widget.setFont(font)

    def reset_application(self) -> None:
        """Give the application its own palette and the drawing its default look back (window closed)."""
        QApplication.setPalette(self._default_palette)
        theme.apply(theme.DEFAULT_LOOK, 1.0)
