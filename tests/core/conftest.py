"""Fixtures shared by the training tests: one torch thread, and the bundled data prepared once."""

from __future__ import annotations

from pathlib import Path

import pytest

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "linreg-data.csv"


@pytest.fixture(scope="module")
def single_torch_thread():
    """Tiny tensors: one thread is faster and does not fight other processes for the cores."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def prepared_bundled(single_torch_thread):
    """The bundled course data, prepared as training does (shift 144, seed 123)."""
    from core.training.data import load_prepared

    return load_prepared(BUNDLED)
