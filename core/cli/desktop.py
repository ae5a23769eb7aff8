"""`backprop-studio --install-desktop-entry` / `--uninstall-desktop-entry`: the menu entry and icon.

The bundled data/backprop-studio.desktop says `Exec=backprop-studio`, which a desktop's login PATH
does not find when the app lives in a virtual environment. So the entry written here names the
absolute path of the command that is running (or, from a checkout, this Python and main.py), and
an absolute icon path; `update-desktop-database` is run when present, and its failure is reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

from core.files import FileWriteError, atomic_write_bytes, atomic_write_text
from core.project import DESKTOP_ENTRY, ICON_PATH, MAIN_SCRIPT

COMMAND_NAME = "backprop-studio"
ENTRY_NAME = "backprop-studio.desktop"
ICON_NAME = "backprop-studio.svg"
INSTALL_FLAG = "--install-desktop-entry"
UNINSTALL_FLAG = "--uninstall-desktop-entry"
_NEEDS_QUOTES = set(' \t\n"\'\\><~|&;$*?#()`')


def data_home(env=os.environ) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset (the XDG base directory rule)."""
    return Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def installed_paths(env=os.environ) -> tuple[Path, Path]:
    """Where the entry and the icon go: (applications/…desktop, icons/hicolor/scalable/apps/…svg)."""
    home = data_home(env)
    return (home / "applications" / ENTRY_NAME,
            home / "icons" / "hicolor" / "scalable" / "apps" / ICON_NAME)


def launch_command(argv0: str | None = None, which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """The absolute command that starts this installation's window."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    started = Path(argv0).resolve() if argv0 else None
    if started is not None and started.name == COMMAND_NAME and os.access(started, os.X_OK):
        return [str(started)]  # the installed script that is running right now (venv or not)
    if started is not None and started == MAIN_SCRIPT.resolve():
        return [str(Path(sys.executable).resolve()), str(MAIN_SCRIPT)]  # `python main.py` here
    found = which(COMMAND_NAME)
    if found:
        return [str(Path(found).resolve())]
    return [str(Path(sys.executable).resolve()), str(MAIN_SCRIPT)]  # from a source checkout


def quote_exec_argument(argument: str) -> str:
    """An argument as the Desktop Entry specification wants it in Exec (quoted when needed)."""
    if not any(char in _NEEDS_QUOTES for char in argument):
        return argument
    escaped = "".join("\\" + char if char in '"`$\\' else char for char in argument)
    return '"' + escaped.replace("\\", "\\\\") + '"'  # string values escape backslashes again


def entry_text(command: list[str], icon: Path) -> str:
    """The bundled .desktop entry with absolute Exec, TryExec and Icon lines."""
    lines = []
    for line in DESKTOP_ENTRY.read_text(encoding="utf-8").splitlines():
        key = line.split("=", 1)[0]
        if key == "Exec":
            line = "Exec=" + " ".join(quote_exec_argument(part) for part in command) + " %f"
        elif key == "TryExec":
            line = f"TryExec={command[0]}"
        elif key == "Icon":
            line = f"Icon={icon}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(env=os.environ, command: list[str] | None = None, run=subprocess.run,
            which: Callable[[str], str | None] = shutil.which) -> tuple[int, list[str]]:
    """Write the entry and the icon; return (exit status, lines saying what was done)."""
    entry, icon = installed_paths(env)
    command = command or launch_command(which=which)
    try:
        for folder in (entry.parent, icon.parent):
            folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(icon, ICON_PATH.read_bytes())
        atomic_write_text(entry, entry_text(command, icon))
    except (FileWriteError, OSError) as error:
        return 2, [f"error: {error}"]
    said = [f"wrote {entry}", f"  it starts: {' '.join(command)}", f"wrote {icon}"]
    return _update_database(entry.parent, said, run, which)


def uninstall(env=os.environ, run=subprocess.run,
              which: Callable[[str], str | None] = shutil.which) -> tuple[int, list[str]]:
    """Remove the entry and the icon this command installed; say what was removed."""
    said = []
    for path in installed_paths(env):
        try:
            path.unlink()
            said.append(f"removed {path}")
        except FileNotFoundError:
            said.append(f"nothing to remove at {path}")
        except OSError as error:
            return 2, said + [f"error: cannot remove {path}: {error.strerror or error}"]
    return _update_database(installed_paths(env)[0].parent, said, run, which)


def _update_database(folder: Path, said: list[str], run, which) -> tuple[int, list[str]]:
    """Run update-desktop-database on `folder` if it exists; a failure is reported, not hidden."""
    tool = which("update-desktop-database")
    if tool is None:
        return 0, said + ["update-desktop-database is not installed: the menu picks the entry up "
                          "at the next login (or now, on most desktops)"]
    if not folder.is_dir():
        return 0, said
    try:
        done = run([tool, str(folder)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        return 1, said + [f"error: update-desktop-database could not run: {error}"]
    if done.returncode != 0:
        reason = (done.stderr or done.stdout or "").strip().splitlines()
        detail = f": {reason[0]}" if reason else ""
        return 1, said + [f"error: update-desktop-database failed (exit {done.returncode}){detail}"]
    return 0, said + [f"updated the menu cache ({tool} {folder})"]


def main(flag: str) -> int:
    """Run INSTALL_FLAG or UNINSTALL_FLAG; print what was done; return the exit status."""
    status, said = install() if flag == INSTALL_FLAG else uninstall()
    for line in said:
        print(line, file=sys.stderr if line.startswith("error:") else sys.stdout)
    return status
