"""core/ must stay free of Qt: every core module imports in a fresh interpreter without it."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]


def test_importing_every_core_module_loads_no_qt():
    modules = sorted(m.name for m in pkgutil.walk_packages(core.__path__, prefix="core."))
    assert "core.engine.graph" in modules and "core.engine.parse" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_graph_command_path_does_not_import_torch():
    """`main.py graph` stays fast: building and explaining a graph never needs torch or pandas."""
    script = (
        "import sys, main\n"
        "from core.engine import graph, steps, layout, explain\n"
        "from core.cli import graph as cli_graph\n"
        "print(sorted(m for m in ('torch', 'pandas') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
