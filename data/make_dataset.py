"""Make Backprop Studio's bundled regression dataset, `data/linreg-data.csv`.

Run `python data/make_dataset.py` to rewrite the file; the output is the same, byte for byte,
every time (a fixed seed, fixed formatting), and a test checks that the shipped file matches.

What is in it
    1,000 rows. The header is `,x1,x2,y`: an unnamed index column (0..999), then the features
    x1 and x2, drawn independently from a standard normal distribution, then the target

        y = 0.6 * x1 + 35.0 * x2 - 1.0 + noise,    noise ~ Normal(0, 18²)

    so y is mostly driven by x2, x1 barely matters, and no line fits it exactly: the noise alone
    gives a mean squared error of 18² ≈ 324 in expectation (this particular draw: about 290
    for the best line through all 1,000 rows, whose slopes come out as 1.3 and 35.1).

Why these numbers
    They echo the course's dataset (a weak x1, a strong x2, noise of a similar size) without
    being it. With this seed the smallest y is about -124, so the app's default target shift of
    144 makes every target positive: a ReLU output unit can fit all of them, and training with
    the defaults converges instead of starting or ending dead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 2024
ROWS = 1000
WEIGHTS = (0.6, 35.0)
INTERCEPT = -1.0
NOISE_STD = 18.0
OUTPUT = Path(__file__).resolve().parent / "linreg-data.csv"


def make_rows(rows: int = ROWS, seed: int = SEED) -> np.ndarray:
    """Return a (rows, 3) array of x1, x2, y drawn as the module docstring describes."""
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((rows, 2))
    noise = rng.standard_normal(rows) * NOISE_STD
    target = features @ np.array(WEIGHTS) + INTERCEPT + noise
    return np.column_stack([features, target])


def csv_text(table: np.ndarray) -> str:
    """Format rows as CSV text with an unnamed index column, like the course file."""
    lines = [",x1,x2,y"]
    lines += [f"{i},{x1:.9f},{x2:.9f},{y:.9f}" for i, (x1, x2, y) in enumerate(table)]
    return "\n".join(lines) + "\n"


def write_dataset(path: Path = OUTPUT) -> Path:
    """Write the dataset to `path` and return it."""
    path.write_text(csv_text(make_rows()), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":
    written = write_dataset(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(f"wrote {written}")
