"""Seeding every random number generator, from [Math Operations][math-operations]."""

from __future__ import annotations

import random

import numpy as np
import torch

__all__ = ["seed_everything"]

_MAX_SEED = 2**32 - 1  # NumPy's legacy global generator takes seeds in [0, 2**32)


def seed_everything(seed: int) -> int:
    """Seed Python's `random`, NumPy's global generator and torch (CPU and every CUDA device).

    The note says that `torch.manual_seed(42)` seeds the generators of both the CPU and
    CUDA ([the note][math-operations]); it does, but code that also draws from `random`
    or `np.random` stays unseeded. One call here seeds all three. It does not make
    nondeterministic kernels deterministic (see `torch.use_deterministic_algorithms`), and
    `PYTHONHASHSEED` only takes effect when set before the interpreter starts.

    Args:
        seed: The seed, an int in `[0, 2**32 - 1]`.

    Returns:
        The seed, to log it.

    Raises:
        TypeError: If `seed` is not an int.
        ValueError: If `seed` is outside `[0, 2**32 - 1]`.

    !!! example
        ```python
        import random

        import numpy as np
        import torch
        from ptnotes import seed_everything

        seed_everything(42)
        first = (random.random(), np.random.rand(), torch.rand(1))
        seed_everything(42)
        again = (random.random(), np.random.rand(), torch.rand(1))
        assert first[:2] == again[:2] and torch.equal(first[2], again[2])
        ```
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"Expected seed to be an int, got {type(seed).__name__}")
    seed = int(seed)
    if not 0 <= seed <= _MAX_SEED:
        raise ValueError(f"Expected seed in [0, {_MAX_SEED}], got {seed}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - code under the seed uses the global generator
    torch.manual_seed(seed)  # seeds every device, CUDA included
    torch.cuda.manual_seed_all(seed)  # explicit; lazy where CUDA is not initialised yet
    return seed
