"""A page's own process: its blocks run there, as a notebook's cells run in its kernel.

``pytest docs/`` runs each page's blocks in a process of the page's own (Jupyter's model: a
kernel per notebook), started by the warm server (:mod:`notesite.server`). This module is
that process's side: what it is asked (a :class:`Request`: the block's code, never through
argv), what it answers (a :class:`Reply`: the output, or the error and its verdict), and the
loop that serves a page (:func:`serve`). Whatever a block does to its process (``os._exit``,
``os.fork``, a thread left running, a signal handler or timer changed, ``builtins.print``
replaced) stays there: that page's block fails, naming it, and every other page runs in a
process of its own. A block past the page's memory limit fails with
:class:`~notesite.memory.MemoryLimitExceeded` (:mod:`notesite.memory`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from notesite.errors import NotesiteError
from notesite.memory import over_memory

__all__ = [
    "OUTPUT_LIMIT",
    "BlockError",
    "PageProcessError",
    "Reply",
    "Request",
    "as_block_error",
    "serve",
]

#: What a block's output may hold before the rest is cut (in characters).
OUTPUT_LIMIT = 1_000_000


class PageProcessError(NotesiteError):
    """The page's process ended, or did not answer: the block did not run to its end."""


class BlockError(Exception):
    """A block's error, raised again in the test process (its type could not travel)."""


def as_block_error(error: BaseException, interrupt: bool) -> BaseException:
    """A block's error that pytest would read as the run's own word, made the block's failure.

    A skip (``pytest.skip``, ``unittest.SkipTest``), an expected failure (``pytest.xfail``),
    the run's end (``pytest.exit``) and, with ``interrupt``, ``KeyboardInterrupt``, raised by
    a block, would skip it unseen or end every page's run (``pytest.exit(returncode=0)``:
    with exit status 0). From a block each is an error like any other: a
    :class:`BlockError`, and the block fails. Any other error is returned as it is.
    """
    taken: list[type[BaseException]] = [KeyboardInterrupt] if interrupt else []
    if (outcomes := sys.modules.get("_pytest.outcomes")) is not None:  # else none was raised
        taken += [outcomes.Skipped, outcomes.XFailed, outcomes.Exit]
    if (unittest := sys.modules.get("unittest")) is not None:
        taken.append(unittest.SkipTest)
    if not isinstance(error, tuple(taken)):
        return error
    text = str(error).strip()
    return BlockError(
        f"the block raised {type(error).__name__}{': ' + text if text else ''}; "
        "a block cannot skip itself or end the run"
    ).with_traceback(error.__traceback__)


@dataclass
class Request:
    """One block to run: in the page's process, or in the test process (:meth:`run`)."""

    own: str
    prefix: str
    filename: str
    namespace: dict[str, Any]
    root: Path | None
    timeout: float | None
    where: str
    explain_asserts: bool = False
    #: Run with the random generators seeded otherwise (the nondeterminism probe).
    perturbed: bool = False
    #: Run with the wall clock set ahead (:func:`notesite.runner.probes.shifted_clock`).
    clock: bool = False
    #: Refuse network access while it runs.
    offline: bool = True
    #: The test process's warnings filters (pytest applies the project's policy there).
    filters: list[Any] = field(default_factory=list)
    #: Whether a CUDA GPU is present, for the verdict.
    cuda: bool = False

    def run(self) -> tuple[str, str | None]:
        """Run the block in this process as a Jupyter cell (:func:`~notesite.execution.run_cell`).

        Returns:
            What it printed and the repr of its last value, as a record keeps them
            (:func:`notesite.outputs.kept`).

        Raises:
            BaseException: Whatever the block raised (:class:`~notesite.execution.BlockTimeout`
                past its time limit).
        """
        from notesite import outputs
        from notesite.execution import run_cell

        stdout, result = run_cell(
            self.own, self.prefix, self.filename, dict(self.namespace), timeout=self.timeout,
            where=self.where, explain_asserts=self.explain_asserts,
        )  # fmt: skip
        return outputs.kept(stdout, result, self.root)


@dataclass
class Reply:
    """What running a block gave: its output, or its error, and its verdict."""

    stdout: str = ""
    result: str | None = None
    #: The error, pickled (None when it ran); ``error_text`` when it cannot be unpickled.
    error: bytes | None = None
    error_text: str = ""
    #: The frames of the error's traceback: ``(file, line, function, code)``.
    frames: list[tuple[str, int, str, str]] = field(default_factory=list)
    #: The verdict of a block that raised (:class:`notesite.verdicts.Outcome`).
    outcome: Any = None

    def exception(self) -> BaseException | None:
        """The block's error as it was raised (or a :class:`BlockError` with its text)."""
        if self.error is None:
            return None
        try:
            error = pickle.loads(self.error)
        except Exception:  # its class lives in the block's own module, say
            return BlockError(self.error_text)
        return error if isinstance(error, BaseException) else BlockError(self.error_text)


def serve(
    connection: Connection, scratch: str, baseline: Any = None, memory: int | None = None
) -> None:  # pragma: no cover - in a child
    """The page's process: run each request's block, send its reply, until the pipe closes.

    ``memory``: the limit its data was given (:func:`~notesite.memory.memory_limit`), named
    in the error of a block that goes past it.
    """
    os.setsid()  # its own process group: closing the page kills what its blocks started
    os.chdir(scratch)
    from notesite.isolation import Baseline
    from notesite.runner.probes import perturbed_generators, refused_network, shifted_clock
    from notesite.verdicts import classify

    baseline = baseline or Baseline.take()
    while True:
        try:
            request: Request = connection.recv()
        except (EOFError, OSError):
            os._exit(0)
        baseline.restore()
        os.chdir(scratch)
        reply = Reply()
        try:
            with warnings.catch_warnings():
                warnings.filters[:] = request.filters  # type: ignore[index]
                with (
                    refused_network() if request.offline else contextlib.nullcontext(),
                    perturbed_generators(request.perturbed),
                    shifted_clock(request.clock),
                ):
                    stdout, result = request.run()
            reply.stdout, reply.result = stdout[:OUTPUT_LIMIT], result
        except BaseException as raised:
            error = over_memory(raised, memory, request.where) or as_block_error(raised, True)
            reply.error_text = "".join(traceback.format_exception_only(type(error), error))
            reply.frames = [
                (f.filename, f.lineno or 0, f.name, f.line or "")
                for f in traceback.extract_tb(error.__traceback__)
            ]
            try:
                reply.outcome = classify(
                    error, request.prefix + "\n" + request.own, request.filename, request.cuda
                )
                reply.error = pickle.dumps(error.with_traceback(None))
            except Exception:
                reply.error = pickle.dumps(BlockError(reply.error_text.strip()))
        try:
            connection.send(reply)
        except Exception:
            connection.send(Reply(error=pickle.dumps(BlockError("the block's output"))))
