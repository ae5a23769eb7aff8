"""The project's name, version and files: one home for each, read by the window, the command line
and the tests alike."""
from __future__ import annotations

from pathlib import Path

APPLICATION = "Backprop Studio"  # the window title, the settings and data folder names
ORGANIZATION = "Backprop Studio"
VERSION = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_FOLDER = PROJECT_ROOT / "data"
BUNDLED_DATA = DATA_FOLDER / "linreg-data.csv"  # the project's own generated dataset
ICON_PATH = DATA_FOLDER / "backprop-studio.svg"
DESKTOP_ENTRY = DATA_FOLDER / "backprop-studio.desktop"
MAIN_SCRIPT = PROJECT_ROOT / "main.py"
