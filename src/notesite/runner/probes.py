"""What a block runs under: the network refused; the generators perturbed, the clock shifted.

The perturbed generators and the shifted clock are the nondeterminism probe: a block whose
output changes with the generators depends on unseeded random numbers; one whose output
changes with the clock prints the date or the time, and would fail the day after it was
recorded.
"""

from __future__ import annotations

import contextlib
import datetime
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
    if not active:
        yield
        return
    import random
    import sys

    import torch

    random.seed(PERTURBED_SEED)
    if (numpy := sys.modules.get("numpy")) is not None:
        numpy.random.seed(PERTURBED_SEED)
    torch.default_generator.manual_seed(PERTURBED_SEED)
    yield


#: The seed of :func:`perturbed_generators` (any other than a fresh interpreter's).
PERTURBED_SEED = 20261130


#: How far :func:`shifted_clock` sets the clock ahead: over a year, and not a whole number of
#: days, so that a year, a month, a weekday, an hour, a minute or a second printed differs.
CLOCK_SHIFT = datetime.timedelta(days=397, hours=5, minutes=31, seconds=7)


@contextlib.contextmanager
def shifted_clock(active: bool = True) -> Iterator[None]:
    """The wall clock set :data:`CLOCK_SHIFT` ahead, and ticking, while the block runs.

    ``time.time``, ``time.time_ns``, ``time.localtime``, ``time.gmtime``, ``time.strftime``,
    ``time.ctime``, ``time.asctime``, ``datetime.datetime.now``/``today``/``utcnow`` and
    ``datetime.date.today`` all read the shifted clock (time-machine's travel, which patches
    them where they are implemented, so that ``from datetime import date`` is shifted too);
    ``time.monotonic`` and ``time.perf_counter`` are not: a duration stays what it is.
    """
    if not active:
        yield
        return
    import time

    import time_machine

    ctime, asctime = time.ctime, time.asctime

    def shifted_ctime(seconds: float | None = None) -> str:
        return ctime(time.time() if seconds is None else seconds)

    def shifted_asctime(when: time.struct_time | None = None) -> str:
        return asctime(time.localtime() if when is None else when)

    with time_machine.travel(CLOCK_SHIFT, tick=True):
        # time-machine leaves these two to the C clock: read through the shifted one.
        time.ctime, time.asctime = shifted_ctime, shifted_asctime  # type: ignore[assignment]
        try:
            yield
        finally:
            time.ctime, time.asctime = ctime, asctime
