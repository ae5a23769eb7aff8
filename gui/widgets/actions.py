"""One way to make a window-wide QAction, shared by the page and the controllers."""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

Key = str | QKeySequence.StandardKey


def make_action(
    parent: QObject, name: str, text: str, keys: Key | Iterable[Key] | None = None,
    slot: Callable | None = None, checkable: bool = False,
) -> QAction:
    """A named action with its keys (strings or standard keys), window-wide, wired to `slot`."""
    action = QAction(text, parent)
    action.setObjectName(name)
    action.setCheckable(checkable)
    if isinstance(keys, (str, QKeySequence.StandardKey)):
        keys = [keys]
    sequences: list[QKeySequence] = []
    for key in keys or []:
        if isinstance(key, QKeySequence.StandardKey):
            sequences += QKeySequence.keyBindings(key)
        else:
            sequences.append(QKeySequence(key))
    if sequences:
        action.setShortcuts(sequences)
        # Window-wide, yet text fields keep their keys: Qt first offers a key to the focused
        # widget (ShortcutOverride), and editors and spin boxes claim Space, arrows, Home, End.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if slot is not None:
        action.triggered.connect(slot)
    return action
