"""Tests and benchmarks never touch the user's settings or autosave (issue 14, item 10)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def under_temp(path: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())


def test_the_window_started_by_a_test_writes_its_settings_in_the_scratch_folder():
    config = Path(os.environ["XDG_CONFIG_HOME"])
    assert under_temp(str(config))  # tests/conftest.py's scratch (or a benchmark's, once imported)
    done = subprocess.run([sys.executable, "main.py", "--quit-after-first-paint"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ini = list(config.rglob("*.ini"))
    assert ini and "geometry" in ini[0].read_text()  # closing the window saved its settings here


_SHOW_FOLDERS = """
import os, sys, subprocess
sys.path.insert(0, {root!r})
from benchmarks import common
print(*[os.environ[name] for name in {xdg!r}], sep="\\n")
_, _, _, said = common.run_child([sys.executable, "-c", "import os; import sys; sys.stderr.write(os.environ['XDG_CONFIG_HOME'])"],
                                 env={{"PATH": os.environ.get("PATH", "")}})
print(said)
"""


def test_every_benchmark_process_gets_temporary_user_folders():
    """A benchmark run from a user's shell (no XDG variables) and the children it starts."""
    env = {name: value for name, value in os.environ.items()
           if name not in XDG and name != "BACKPROP_STUDIO_BENCH_HOME"}
    env["HOME"] = os.environ.get("HOME", "/root")
    done = subprocess.run([sys.executable, "-c", _SHOW_FOLDERS.format(root=str(ROOT), xdg=XDG)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    folders = done.stdout.splitlines()
    assert len(folders) == 5
    assert all(under_temp(folder) and "backprop-studio-bench-" in folder for folder in folders)
    assert folders[4] == folders[0]  # a child with an explicit environment sees the same scratch
    assert not Path(folders[0]).parent.exists()  # removed when the benchmark process ended
