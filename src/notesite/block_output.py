"""A block's output: what it, and its subprocesses, print while it runs; capped.

:func:`notesite.execution.run_cell` captures a block's output in a :class:`BlockOutput`:
what the block prints (``sys.stdout``) and what is written to the file descriptor 1 (a
subprocess, ``os.system``, C code), in order; a thread an earlier block left running prints
to the terminal instead. Kept up to a cap (:class:`notesite.bounded.Capped`).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator

from notesite.bounded import Capped

__all__ = ["BlockOutput"]


class BlockOutput(Capped):
    """The buffer of a block's output: what it, the threads it starts and its subprocesses print.

    A thread that an earlier block started and left running prints to the process's
    standard error (a terminal), never into this block's record: in Jupyter, its output goes to the
    cell that started it, not to the cell that happens to run. What is written to the file
    descriptor 1 while the block runs (a subprocess, ``os.system``, C code) is the block's
    output too, as ``python`` and Jupyter show it, in its place among what it prints.
    """

    def __init__(self) -> None:
        """An empty output; the threads running now are the earlier blocks'."""
        super().__init__()
        main = threading.main_thread()
        self.earlier = {t for t in threading.enumerate() if t is not main}
        self.captured: int | None = None
        self.offset = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def write(self, text: str) -> int:
        """Keep ``text`` after what the descriptor took in (an earlier thread's: the terminal's)."""
        if self.earlier and threading.current_thread() in self.earlier:
            with contextlib.suppress(Exception):  # the terminal, not the descriptor 1
                sys.__stderr__.write(text)  # type: ignore[union-attr]
            return len(text)
        self.drain()
        return super().write(text)

    def drain(self, final: bool = False) -> None:
        """Take in what was written to the descriptor since the last time."""
        if self.captured is None:
            return
        while chunk := os.pread(self.captured, 65536, self.offset):
            self.offset += len(chunk)
            if text := self.decoder.decode(chunk):
                super().write(text)
        if final and (text := self.decoder.decode(b"", final=True)):
            super().write(text)

    @contextlib.contextmanager
    def descriptor(self) -> Iterator[None]:
        """The file descriptor 1 written into this output while the block runs."""
        try:
            saved = os.dup(1)
        except OSError:  # no descriptor 1: nothing to take in
            yield
            return
        with contextlib.suppress(Exception):
            sys.__stdout__.flush()  # type: ignore[union-attr]
        with tempfile.TemporaryFile() as capture:
            os.dup2(capture.fileno(), 1)
            self.captured = capture.fileno()
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    sys.__stdout__.flush()  # type: ignore[union-attr]
                os.dup2(saved, 1)
                os.close(saved)
                self.drain(final=True)
                self.captured = None
