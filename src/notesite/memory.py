"""The memory a page's process may take: its limit, and the error of a block past it.

Each page's process (:mod:`notesite.kernel`) has its data limited to a share of the
machine's memory (:func:`default_memory_limit`, or pytest's ``--memory-limit``): a block that
allocates past it fails with :class:`MemoryLimitExceeded`, naming the limit, and the page's
process goes on.
"""

from __future__ import annotations

import os
import traceback

__all__ = [
    "MEMORY_SHARE",
    "MemoryLimitExceeded",
    "default_memory_limit",
    "gib",
    "memory_limit",
    "over_memory",
]


class MemoryLimitExceeded(MemoryError):
    """A block asked for more memory than its page's process may take."""


#: The share of the machine's memory a page's process may take, unless told otherwise.
MEMORY_SHARE = 0.5


def default_memory_limit() -> int | None:
    """Half the machine's memory (:data:`MEMORY_SHARE`), in bytes; None where unknown."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not a POSIX system that says
        return None
    return int(total * MEMORY_SHARE) if total > 0 else None


def gib(size: float) -> str:
    """A size in bytes as GiB: ``2 GiB``, ``11.7 GiB``."""
    return f"{size / 2**30:.3g} GiB"


def memory_limit(limit: int | None) -> None:
    """Limit the memory this process's data may take to ``limit`` bytes (None: no limit).

    ``RLIMIT_DATA``, soft and hard (a block cannot raise it again): on Linux it counts the
    heap and every private writable mapping, what ``malloc``, NumPy and torch's CPU allocator
    take, and not the address space CUDA reserves for a GPU. An allocation past it fails
    (``MemoryError``, or torch's "can't allocate memory"); the process goes on. Where the
    platform has no such limit, nothing is limited.
    """
    if limit is None:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, AttributeError, ValueError, OSError):  # pragma: no cover - platform
        return


def over_memory(error: BaseException, limit: int | None, where: str) -> BaseException | None:
    """The error to report for a block that hit the memory limit, or None for another error.

    A ``MemoryError`` (NumPy's included) or torch's CPU allocator's "can't allocate memory"
    raised in a process with a limit is reported as :class:`MemoryLimitExceeded`, naming the
    limit (a CUDA device's own "out of memory" is not this limit's).
    """
    if limit is None:
        return None
    allocator = isinstance(error, RuntimeError) and "can't allocate memory" in str(error)
    if not (isinstance(error, MemoryError) or allocator):
        return None
    got = "".join(traceback.format_exception_only(type(error), error)).strip().splitlines()
    cause = got[-1] if got else type(error).__name__
    if len(cause) > 300:
        cause = cause[:299] + "…"
    over = MemoryLimitExceeded(
        f"{where}: expected the block to stay within {gib(limit)} of memory (the limit of a "
        f"page's process), got {cause}; make it take less, or raise the limit with "
        "pytest's --memory-limit=GIB"
    )
    return over.with_traceback(error.__traceback__)
