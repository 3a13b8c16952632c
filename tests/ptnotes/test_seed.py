from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch

from ptnotes import seed_everything


@pytest.fixture(autouse=True)
def _restore_global_generators() -> Iterator[None]:
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)  # noqa: NPY002


def draw(device: torch.device) -> tuple[float, float, torch.Tensor]:
    return random.random(), float(np.random.rand()), torch.rand(4, device=device)  # noqa: NPY002


def test_same_seed_same_draws(device: torch.device) -> None:
    assert seed_everything(123) == 123
    first = draw(device)
    seed_everything(123)
    second = draw(device)
    assert first[:2] == second[:2]
    torch.testing.assert_close(first[2], second[2], rtol=0, atol=0)


def test_different_seeds_differ(device: torch.device) -> None:
    seed_everything(1)
    first = draw(device)
    seed_everything(2)
    second = draw(device)
    assert first[0] != second[0]
    assert first[1] != second[1]
    assert not torch.equal(first[2], second[2])


def test_matches_the_notes_manual_seed(device: torch.device) -> None:
    """The note: `torch.manual_seed(42)` seeds CPU and CUDA; the helper gives the same draws."""
    torch.manual_seed(42)
    note = torch.randn(3, 3, device=device)
    seed_everything(42)
    torch.testing.assert_close(torch.randn(3, 3, device=device), note, rtol=0, atol=0)


def test_accepts_numpy_integers_and_the_extremes() -> None:
    assert seed_everything(np.int64(7)) == 7  # type: ignore[arg-type]
    assert seed_everything(0) == 0
    assert seed_everything(2**32 - 1) == 2**32 - 1


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (-1, ValueError, r"Expected seed in \[0, 4294967295\], got -1"),
        (2**32, ValueError, r"Expected seed in \[0, 4294967295\], got 4294967296"),
        (1.0, TypeError, r"Expected seed to be an int, got float"),
        ("42", TypeError, r"Expected seed to be an int, got str"),
        (True, TypeError, r"Expected seed to be an int, got bool"),
    ],
)
def test_errors(seed: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        seed_everything(seed)
