"""The folder tree is the design: read every module's imports (stdlib ast) and check the layers.

- no import cycles between the project's modules;
- core/ never imports Qt (PySide6, shiboken6, pyqtgraph), and never imports gui/;
- gui/ never imports the command-line modules (core.cli);
- the application start-up (gui.window.app) and the main window do not import each other;
- no folder holds more than twelve modules.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "gui")
QT = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
MAX_MODULES_PER_FOLDER = 12


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    return {module_name(p): p for p in files if "__pycache__" not in p.parts}


def imported_names(path: Path, module: str) -> set[str]:
    """Every module name an import statement in `path` can load (`from a import b` may mean a.b)."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> nx.DiGraph:
    modules = project_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        for name in imported_names(path, module):
            if name in modules and name != module:
                graph.add_edge(module, name)
            elif name.split(".")[0] not in PACKAGES:
                graph.add_edge(module, name, external=True)
    return graph


GRAPH = import_graph()


def project_edges():
    return [(a, b) for a, b, external in GRAPH.edges(data="external") if not external]


def test_the_walk_sees_the_whole_project():
    assert {"core.engine.graph", "core.training.run", "gui.graph.page", "gui.window.main_window"} <= set(GRAPH)
    assert ("gui.graph.page", "core.engine.graph") in GRAPH.edges


def test_no_import_cycles():
    project = nx.DiGraph(project_edges())
    # A package's __init__ importing nothing is the norm; an edge into a package is an import of it.
    cycles = list(nx.simple_cycles(project))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_core_never_imports_qt_or_gui():
    offenders = [(a, b) for a, b in GRAPH.edges
                 if a.startswith("core") and b.split(".")[0] in (*QT, "gui")]
    assert offenders == []


def test_gui_never_imports_the_command_line():
    offenders = [(a, b) for a, b in GRAPH.edges if a.startswith("gui") and b.startswith("core.cli")]
    assert offenders == []


def test_app_start_up_and_main_window_do_not_import_each_other():
    assert not GRAPH.has_edge("gui.window.main_window", "gui.window.app")
    assert not GRAPH.has_edge("gui.window.app", "gui.window.main_window") or \
        not nx.has_path(GRAPH, "gui.window.main_window", "gui.window.app")


def test_no_folder_holds_more_than_twelve_modules():
    crowded = {}
    for package in PACKAGES:
        for folder in [ROOT / package, *(ROOT / package).rglob("*/")]:
            if folder.is_dir() and folder.name != "__pycache__":
                count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
                if count > MAX_MODULES_PER_FOLDER:
                    crowded[str(folder.relative_to(ROOT))] = count
    assert crowded == {}
