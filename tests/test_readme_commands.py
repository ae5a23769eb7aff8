"""Every `python main.py …` command the README shows runs and exits 0, read from README.md at test time.

Skipped, on purpose: the first ```bash block (installing and starting the window) and the desktop
install block (it writes into the user's home). `benchmarks/…` lines are run with `--help` only:
the benchmarks themselves take minutes and have their own smoke test (test_benchmarks_smoke.py).
A `--data FILE` the README makes up (my.csv) is written as a small CSV with the columns its
`--features` and `--target` name, in a scratch folder; the files a command writes (`--export`,
`--export-animation`) go to that folder too, and the desktop entry to the tests' scratch home.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_commands() -> list[tuple[str, list[str]]]:
    """(line as written, its words) for each `python main.py` or `python benchmarks/` line."""
    blocks = _BLOCK.findall(README.read_text(encoding="utf-8"))
    commands = []
    for index, block in enumerate(blocks):
        if index == 0 or "install -D" in block:  # set-up and the desktop install: see the docstring
            continue
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:2] and words[0] == "python" and (words[1] == "main.py" or words[1].startswith("benchmarks/")):
                commands.append((line.strip(), words[1:]))
    return commands


def test_the_readme_shows_commands_to_test():
    assert len(readme_commands()) >= 5  # the parsing above did find the blocks


OUTPUT_OPTIONS = ("--export", "--export-animation")


def scratch_outputs(words: list[str], folder: Path) -> list[str]:
    """Files the command writes (`--export lecture.pdf`) go to a scratch folder, not the checkout."""
    words = list(words)
    for option in OUTPUT_OPTIONS:
        if option in words:
            at = words.index(option) + 1
            words[at] = str(folder / Path(words[at]).name)
    return words


def made_up_data(words: list[str], folder: Path) -> list[str]:
    """Replace a --data file that does not exist by a small linear dataset with the named columns."""
    if "--data" not in words:
        return words
    at = words.index("--data") + 1
    if (ROOT / words[at]).exists():
        return words
    features = words[words.index("--features") + 1].split(",") if "--features" in words else ["x"]
    target = words[words.index("--target") + 1] if "--target" in words else "y"
    rng = np.random.default_rng(0)
    table = rng.normal(size=(60, len(features)))
    y = table @ np.arange(1, len(features) + 1) + 0.1 * rng.normal(size=60)
    path = folder / Path(words[at]).name
    lines = [",".join(features + [target])]
    lines += [",".join(f"{v:.6f}" for v in [*row, t]) for row, t in zip(table, y)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return words[:at] + [str(path)] + words[at + 1:]


@pytest.mark.parametrize("line, words", readme_commands(), ids=[c[0] for c in readme_commands()])
def test_readme_command_exits_0(line, words, tmp_path, capsys, monkeypatch):
    if words[0].startswith("benchmarks/"):
        words = [words[0], "--help"]  # the benchmark itself takes minutes: see the docstring
        result = subprocess.run([sys.executable, *words], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0 and result.stdout.strip(), f"{line}\n{result.stderr}"
        return
    # main.py in this process, exactly as `python main.py` calls it: torch is imported once, not
    # once per command (each would cost seconds on a loaded machine).
    monkeypatch.chdir(ROOT)
    status = main.main(scratch_outputs(made_up_data(words, tmp_path), tmp_path)[1:])
    captured = capsys.readouterr()
    assert status == 0, f"{line}\n{captured.err}"
    assert captured.out.strip(), line
