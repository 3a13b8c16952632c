"""Printing whole tensors, from [Misc][misc]."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch._tensor_str import PRINT_OPTS

__all__ = ["full_printing"]

_OPTIONS = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")


@contextmanager
def full_printing() -> Iterator[None]:
    """Print tensors in full inside the block, then restore the previous print options.

    The note calls `#!python torch.set_printoptions(profile="full")` ([the note][misc]),
    which stays in force for the rest of the program. Here the options in force before the
    block (whatever they were, not just the defaults) come back when it ends, also when it
    ends with an exception.

    Returns:
        A context manager; it yields nothing.

    !!! example
        ```python
        import torch
        from ptnotes import full_printing

        big = torch.arange(2000)
        assert "..." in str(big)  # summarised by default
        with full_printing():
            assert "..." not in str(big)
        assert "..." in str(big)  # restored
        ```
    """
    saved = {name: getattr(PRINT_OPTS, name) for name in _OPTIONS}
    torch.set_printoptions(profile="full")  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        torch.set_printoptions(**saved)  # type: ignore[no-untyped-call]
