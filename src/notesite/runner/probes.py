"""What a block runs under: the network refused; the generators perturbed, the clock shifted.

The perturbed generators and the shifted clock are the nondeterminism probe: a block whose
output changes with the generators depends on unseeded random numbers; one whose output
changes with the clock prints the date or the time, and would fail the day after it was
recorded.
"""

from __future__ import annotations

import contextlib
import datetime
import socket
import warnings
from collections.abc import Iterator
from typing import Any, NoReturn


def _refused(what: str) -> NoReturn:
    """Raise pytest-socket's error for ``what`` (imported only now: it imports all of pytest)."""
    from pytest_socket import SocketBlockedError

    raise SocketBlockedError(f"A test tried to use {what}.")


class _GuardedSocket(socket.socket):
    """A socket that only a Unix socket may be (pytest-socket's ``GuardedSocket``)."""

    def __new__(cls, family: int = -1, *args: Any, **kwargs: Any) -> _GuardedSocket:
        if family == getattr(socket, "AF_UNIX", None):
            return super().__new__(cls, family, *args, **kwargs)  # type: ignore[call-arg]
        _refused("socket.socket")


def _no_getaddrinfo(*args: Any, **kwargs: Any) -> NoReturn:
    _refused("socket.getaddrinfo")


def _no_gethostbyname(*args: Any, **kwargs: Any) -> NoReturn:
    _refused("socket.gethostbyname")


@contextlib.contextmanager
def refused_network() -> Iterator[None]:
    """No network while a block runs: a connection attempt raises, it never waits.

    pytest-socket's guard, as its ``disable_socket(allow_unix_socket=True)`` sets it (Unix
    sockets stay allowed: pytest-xdist and multiprocessing use them), with its error,
    reported as :attr:`Verdict.NEEDS_NETWORK`; pytest-socket itself, and pytest with it, is
    imported only when a block tries (a page's process imports neither for a block that
    does not). What it replaced is put back afterwards.
    """
    saved = socket.socket, socket.getaddrinfo, socket.gethostbyname
    socket.socket = _GuardedSocket  # type: ignore[misc]
    socket.getaddrinfo = _no_getaddrinfo
    socket.gethostbyname = _no_gethostbyname
    try:
        with warnings.catch_warnings():
            # Its error says it all; its warning would be an error of its own under -W error.
            warnings.filterwarnings("ignore", "A test tried to use socket", UserWarning)
            yield
    finally:
        socket.socket, socket.getaddrinfo, socket.gethostbyname = saved  # type: ignore[misc]


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
