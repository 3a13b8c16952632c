"""Bounded: what a block prints, and what a failure says, kept up to a cap, the rest counted.

* :func:`cap` keeps the first :data:`MAX_OUTPUT` bytes of a block's output (a record, a
  page's output box, a notebook): "… (N more bytes cut)" says how much went.
* :func:`cap_middle` keeps the head and the tail of a failure's report (its last line is
  the error): :data:`MAX_REPORT` bytes in all.
* :func:`run_child` runs a child process with its input on stdin (code never travels
  through argv: no ``E2BIG``, nothing in ``ps``), reads its output as it comes, and keeps
  a bounded part of it, so a block that prints forever takes no memory in the parent.
"""

from __future__ import annotations

import io
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The output kept per block, in bytes (UTF-8).
MAX_OUTPUT = 64 * 1024
#: The failure report kept, in bytes (its head and its tail).
MAX_REPORT = 64 * 1024
#: What ends a cut output: the number of bytes cut.
CUT = "… ({} more bytes cut)\n"
_ALREADY_CUT = re.compile(r"… \(\d+ more bytes cut\)\n\Z")


def cap(text: str, limit: int = MAX_OUTPUT) -> str:
    """``text`` up to ``limit`` bytes of UTF-8, then a line saying how much was cut.

    >>> print(cap("ab" * 10, 4), end="")
    abab
    … (16 more bytes cut)
    >>> cap("short")
    'short'
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit or (len(data) <= limit + 64 and _ALREADY_CUT.search(text)):
        return text
    kept = data[:limit].decode("utf-8", "ignore")
    cut = len(data) - len(kept.encode("utf-8", "surrogatepass"))
    return kept + ("" if kept.endswith("\n") else "\n") + CUT.format(cut)


class Capped(io.StringIO):
    """A buffer for a block's stdout that keeps :data:`MAX_OUTPUT` bytes and counts the rest.

    A block that prints without end fills it up to the cap, and no further.
    """

    def __init__(self, limit: int = MAX_OUTPUT) -> None:
        """Keep ``limit`` bytes."""
        super().__init__()
        self.limit = limit
        self.kept = 0
        self.cut = 0

    def write(self, text: str) -> int:
        """Keep what fits; count the bytes of the rest."""
        size = len(text.encode("utf-8", "surrogatepass"))
        if self.cut == 0 and self.kept + size <= self.limit:
            self.kept += size
            return super().write(text)
        if self.cut == 0:
            head = text.encode("utf-8", "surrogatepass")[: self.limit - self.kept]
            part = head.decode("utf-8", "ignore")
            super().write(part)
            size -= len(part.encode("utf-8", "surrogatepass"))
            self.kept = self.limit
        self.cut += size
        return len(text)

    def text(self) -> str:
        """What was kept, and a line saying how much was cut (as :func:`cap` writes it)."""
        kept = self.getvalue()
        if not self.cut:
            return kept
        return kept + ("" if kept.endswith("\n") else "\n") + CUT.format(self.cut)


def cap_middle(text: str, limit: int = MAX_REPORT) -> str:
    """``text`` with its middle cut to fit ``limit`` characters: its head, a note, its tail.

    >>> print(cap_middle("a" * 10 + "b" * 10, 8))
    aaaa
    … (12 more characters cut)
    bbbb
    """
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n… ({len(text) - 2 * half} more characters cut)\n{text[-half:]}"


@dataclass
class Finished:
    """What a child process gave: its status (None: killed at the time limit), its output."""

    returncode: int | None
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        """Whether the time limit ended it."""
        return self.returncode is None


class _Kept:
    """The head of a stream (``limit`` bytes) and its tail (``limit`` bytes), the rest counted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            del self.tail[: max(0, len(self.tail) - self.limit)]

    def text(self) -> str:
        head = self.head.decode("utf-8", "replace")
        cut = self.total - len(self.head) - len(self.tail)
        if not self.tail:
            return head
        tail = self.tail.decode("utf-8", "replace")
        if cut <= 0:
            return (self.head + self.tail).decode("utf-8", "replace")
        return f"{head}\n… ({cut} more bytes cut)\n{tail}"


#: The parent of a child of :func:`run_child`: it starts the child (same input, output,
#: folder and environment), waits, and ends as the child ended: its exit status, or the
#: signal that killed it.
SHIM = """\
import os, signal, sys
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def run_child(
    argv: Sequence[str],
    stdin: str,
    *,
    cwd: Path | str,
    env: dict[str, str],
    timeout: float,
    limit: int = MAX_OUTPUT,
) -> Finished:
    """Run ``argv`` with ``stdin`` as input; keep ``limit`` bytes of each stream's head and tail.

    The child runs in a session of its own: at the time limit, it and every process it
    started are killed. It runs under a parent of its own (:data:`SHIM`), so that what it
    does to its parent (``os.kill(os.getppid(), 9)``) ends that parent, never this process.
    """
    child = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", SHIM, *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    assert child.stderr is not None
    out_fd, err_fd = child.stdout.fileno(), child.stderr.fileno()
    kept = {out_fd: _Kept(limit), err_fd: _Kept(limit)}
    data = stdin.encode("utf-8", "surrogatepass")
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        os.set_blocking(child.stdin.fileno(), False)
        selector.register(child.stdin, selectors.EVENT_WRITE)
        selector.register(child.stdout, selectors.EVENT_READ)
        selector.register(child.stderr, selectors.EVENT_READ)
        timed_out = False
        while len(selector.get_map()) > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            for key, _ in selector.select(min(left, 0.5)):
                fd = key.fd
                if key.fileobj is child.stdin:
                    try:
                        written = os.write(fd, data[:65536])
                    except BrokenPipeError:
                        written = len(data)
                    data = data[written:]
                    if not data:
                        selector.unregister(child.stdin)
                        child.stdin.close()
                    continue
                chunk = os.read(fd, 65536)
                if chunk:
                    kept[fd].add(chunk)
                else:
                    selector.unregister(key.fileobj)
    returncode: int | None = None
    if not timed_out:
        try:
            returncode = child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    if timed_out:
        _kill(child)
    for stream in (child.stdin, child.stdout, child.stderr):
        if not stream.closed:
            stream.close()
    return Finished(returncode, kept[out_fd].text(), kept[err_fd].text())


def _kill(child: subprocess.Popen[bytes]) -> None:
    """End the child and every process of its session."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        child.kill()
    child.wait()
