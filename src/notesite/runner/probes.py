"""What a block runs under: the network refused, and the generators perturbed.

The perturbed generators are the nondeterminism probe: a block whose output changes with them
depends on unseeded random numbers.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def refused_network() -> Iterator[None]:
    """No network while a block runs: a connection attempt raises, it never waits.

    pytest-socket's guard (Unix sockets stay allowed: pytest-xdist and multiprocessing use
    them); its error is reported as :attr:`Verdict.NEEDS_NETWORK`.
    """
    from pytest_socket import disable_socket, enable_socket

    disable_socket(allow_unix_socket=True)
    try:
        with warnings.catch_warnings():
            # Its error says it all; its warning would be an error of its own under -W error.
            warnings.filterwarnings("ignore", "A test tried to use socket", UserWarning)
            yield
    finally:
        enable_socket()


@contextlib.contextmanager
def perturbed_generators(active: bool = True) -> Iterator[None]:
    """Python's, NumPy's and torch's random generators seeded unlike a fresh interpreter's."""
    import random
    import sys

    import torch

    if not active:
        yield
        return

    random.seed(PERTURBED_SEED)
    if (numpy := sys.modules.get("numpy")) is not None:
        numpy.random.seed(PERTURBED_SEED)
    torch.default_generator.manual_seed(PERTURBED_SEED)
    yield


#: The seed of :func:`perturbed_generators` (any other than a fresh interpreter's).
PERTURBED_SEED = 20261130
