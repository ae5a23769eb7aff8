"""Screenshots of Backprop Studio at 1920x1080 offscreen, to look at. Usage: python benchmarks/screenshots.py OUTDIR [NAMES...]

Runs the real MainWindow on a 1920x1080 offscreen screen in a scratch XDG home and saves
widget.grab() PNGs: the lecture figure in presentation mode (start, mid-backward, end), the
deep-sigmoid lesson presented, a 120-node formula mid-backward, the Training page after a run at
1280x800 and at 3x text, and both pages in the dark theme. Prints the measured figures beside.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Qt's offscreen platform reads the screens from a JSON file: one 1920x1080 projector at 96 dpi
SCREEN_1080 = {"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080,
                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
BIG_FORMULA = "+".join(f"a{i}*b{i}" for i in range(30))


def _environment() -> None:
    scratch = tempfile.mkdtemp()
    config = os.environ.get("SCREEN_CONFIG")  # another screen's description, if given
    if config is None:
        config = os.path.join(scratch, "screen-1080.json")
        Path(config).write_text(json.dumps(SCREEN_1080), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = os.path.join(scratch, name)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)


def main(out: Path, only: set[str]) -> None:
    """Take the screenshots named in `only` (all when empty) into `out`."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    app.setOrganizationName("Backprop Studio")
    app.setApplicationName("Backprop Studio")
    from gui.window.main_window import MainWindow

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shot(widget, name: str) -> None:
        wait(300)
        widget.grab().save(str(out / f"{name}.png"))
        view = window.graph_page.view
        print(f"saved {name}: window {window.width()}x{window.height()}, graph zoom {view.zoom():.3f}")

    def wanted(name: str) -> bool:
        return not only or any(name.startswith(o) for o in only)

    window = MainWindow()
    window.show()
    wait(500)
    print("window opens at", window.size().toTuple())
    page, player = window.graph_page, window.graph_page.player
    present = window.presentation
    if wanted("02-lecture-F5"):
        page.load_preset("lecture")
        present.set_presenting(True)
        wait(500)
        shot(window, "02-lecture-F5-start")
        count = player.count
        forward = sum(1 for k in range(count) if page.model.schedule.state_at(k).phase == "forward")
        player.go_to(forward + 3)
        shot(window, "02-lecture-F5-mid")
        player.to_end()
        shot(window, "02-lecture-F5-end")
        present.set_presenting(False)
        wait(300)
    if wanted("03-deep-sigmoid"):
        window.lessons.open_lesson("deep-sigmoid")
        present.set_presenting(True)
        wait(500)
        player.go_to(player.count - 3)
        shot(window, "03-deep-sigmoid-F5")
        present.set_presenting(False)
        window.lessons.close_lesson()
        wait(300)
    if wanted("04-120"):
        window.showMaximized()
        page.load_source(BIG_FORMULA)
        wait(300)
        player.go_to(player.count * 3 // 4)
        wait(500)  # the view glides to the active step
        shot(window, "04-120node-mid-backward")
    if wanted("05-training"):
        window.showNormal()
        window.resize(1280, 800)
        window.show_training_page()
        wait(1500)
        training = window.training_page
        training.start()
        for _ in range(300):
            wait(100)
            if training.state not in ("running", "paused", "stopping"):
                break
        wait(3000)
        shot(window, "05-training-1280x800")
        window.showMaximized()  # 3x text is for the projector: the whole 1920x1080 screen
        wait(300)
        window.appearance.set_scale(3.0)
        wait(500)
        shot(window, "06-training-3x")
        window.pages.setCurrentWidget(page)
        page.load_preset("lecture")
        shot(window, "06-graph-3x")
        window.appearance.set_scale(1.0)
    if wanted("07-dark"):
        window.appearance.set_theme("dark")
        window.pages.setCurrentWidget(page)
        page.load_preset("lecture")
        player.go_to(player.count - 2)
        shot(window, "07-dark-graph")
        window.show_training_page()
        wait(1000)
        shot(window, "07-dark-training")
        window.appearance.set_theme("light")
    window.close()
    wait(200)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default="screenshots", help="where the PNGs go")
    parser.add_argument("names", nargs="*", help="name prefixes of the shots to take (all when none)")
    arguments = parser.parse_args()
    _environment()
    target = Path(arguments.outdir)
    target.mkdir(parents=True, exist_ok=True)
    main(target, set(arguments.names))
