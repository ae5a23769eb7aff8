"""`--install-desktop-entry` writes an entry that names absolute paths, and says what it did."""

import subprocess
import sys
from pathlib import Path

from core.cli import desktop

ROOT = Path(__file__).resolve().parents[2]


def run_main(flag, tmp_path, extra_path=""):
    env = {"XDG_DATA_HOME": str(tmp_path / "share"), "PATH": extra_path + "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "main.py", flag], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_install_writes_absolute_exec_and_icon_and_uninstall_removes_them(tmp_path):
    done = run_main("--install-desktop-entry", tmp_path)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "share" / "applications" / "backprop-studio.desktop"
    icon = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "backprop-studio.svg"
    text = entry.read_text(encoding="utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    # from a checkout: this Python and this main.py, both absolute
    assert exec_line == f"Exec={Path(sys.executable).resolve()} {ROOT / 'main.py'} %f"
    assert f"Icon={icon}" in text and icon.read_bytes().startswith(b"<")
    assert f"wrote {entry}" in done.stdout and f"wrote {icon}" in done.stdout
    done = run_main("--uninstall-desktop-entry", tmp_path)
    assert done.returncode == 0 and not entry.exists() and not icon.exists()
    assert f"removed {entry}" in done.stdout


def test_a_failing_update_desktop_database_is_reported(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "update-desktop-database"
    fake.write_text("#!/bin/sh\necho 'cannot write cache: read-only file system' >&2\nexit 3\n")
    fake.chmod(0o755)
    done = run_main("--install-desktop-entry", tmp_path, extra_path=f"{tools}:")
    assert done.returncode == 1
    assert "error: update-desktop-database failed (exit 3): cannot write cache" in done.stderr
    assert (tmp_path / "share" / "applications" / "backprop-studio.desktop").exists()


def test_the_running_installed_script_is_named_first(tmp_path):
    script = tmp_path / "venv" / "bin" / "backprop-studio"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert desktop.launch_command(str(script), which=lambda name: "/usr/bin/other") == [str(script)]
    assert desktop.launch_command("/elsewhere/tool", which=lambda name: None)[1] == str(ROOT / "main.py")


def test_exec_arguments_with_spaces_are_quoted():
    assert desktop.quote_exec_argument("/opt/my apps/backprop-studio") == '"/opt/my apps/backprop-studio"'
    assert desktop.quote_exec_argument("/usr/bin/python3") == "/usr/bin/python3"
