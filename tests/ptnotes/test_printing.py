from __future__ import annotations

import pytest
import torch
from torch._tensor_str import PRINT_OPTS

from ptnotes import full_printing

OPTIONS = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")


def options() -> dict[str, object]:
    return {name: getattr(PRINT_OPTS, name) for name in OPTIONS}


def test_full_inside_default_after(device: torch.device) -> None:
    big = torch.arange(3000, device=device)
    before = options()
    assert "..." in str(big)
    with full_printing():
        assert "..." not in str(big)
    assert "..." in str(big)
    assert options() == before


def test_matches_the_notes_set_printoptions() -> None:
    """The note's `torch.set_printoptions(profile="full")`, which the fixture undoes."""
    predicted_test = torch.rand(40, 40, generator=torch.Generator().manual_seed(0)) > 0.4
    with full_printing():
        ours = str(predicted_test)
    torch.set_printoptions(profile="full")
    assert ours == str(predicted_test)


def test_restores_custom_options() -> None:
    torch.set_printoptions(precision=2, threshold=5, edgeitems=1, linewidth=40, sci_mode=True)
    custom = options()
    with full_printing():
        assert PRINT_OPTS.threshold == float("inf")
    assert options() == custom


def test_restores_on_error() -> None:
    before = options()
    with pytest.raises(KeyError, match="boom"), full_printing():
        raise KeyError("boom")
    assert options() == before


def test_nested() -> None:
    before = options()
    with full_printing():
        with full_printing():
            pass
        assert PRINT_OPTS.threshold == float("inf")
    assert options() == before
