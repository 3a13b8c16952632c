"""A page's own process: its blocks run there, as a notebook's cells run in its kernel.

``pytest docs/`` runs each page's blocks in a process of the page's own (Jupyter's model: a
kernel per notebook), forked from a warm server that has imported torch
(:class:`_Server`), which forks the next page's process ahead of its page, so that
starting one costs a millisecond or two. Whatever a block does to its
process (``os._exit``, ``os.fork``, a thread left running, a signal handler or timer
changed, ``builtins.print`` replaced) stays there: that page's block fails, naming it, and
every other page runs in a process of its own.

The test process talks to the page's process through a pipe: it sends a :class:`Request`
(the block's code, never through argv), and waits for the :class:`Reply` at most the
block's time limit and a grace; a process that does not answer (a block that escaped its
time limit) or that ended is killed, with every process it started, and the block fails
saying so. Each page runs in a scratch working directory, removed with the process: what a
block writes never lands in the project. Each page's process has a memory limit
(:func:`memory_limit`): a block that allocates past it fails with
:class:`MemoryLimitExceeded`, naming the limit, and the page's process goes on.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import pickle
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

from notesite.errors import NotesiteError

__all__ = [
    "BlockError",
    "MemoryLimitExceeded",
    "PageProcess",
    "PageProcessError",
    "Reply",
    "Request",
    "default_memory_limit",
    "memory_limit",
    "warm_up",
]

#: Seconds a page's process may take past a block's time limit before it is killed.
GRACE = 10.0
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


def _over_memory(error: BaseException, limit: int | None, where: str) -> BaseException | None:
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


def _serve(
    connection: Connection, scratch: str, baseline: Any = None, memory: int | None = None
) -> None:  # pragma: no cover - in a child
    """The page's process: run each request's block, send its reply, until the pipe closes.

    ``memory``: the limit its data was given (:func:`memory_limit`), named in the error of a
    block that goes past it.
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
            error = _over_memory(raised, memory, request.where) or as_block_error(raised, True)
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


class _Server:
    """The warm server: a process that imported torch and forks a page's process on demand.

    It is started once per test process (:data:`SERVER`) and reads one request a line on
    its stdin: a scratch folder and the address of a Unix socket on which the test process
    waits; the page's process it forked ahead (:func:`_spare`) connects there and serves the
    page, and it answers with that process's id. It never runs a block itself, so every
    fork starts from the same fresh state.
    """

    def __init__(self) -> None:
        """A server, started on its first fork."""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> subprocess.Popen[bytes]:
        """Start the server if it is not running (it imports torch while the caller goes on)."""
        process = self._process
        if process is None or process.poll() is not None:
            env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
            process = self._process = subprocess.Popen(
                [sys.executable, "-c", SERVER],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=tempfile.gettempdir(),
            )  # fmt: skip
            atexit.register(_ended, process)
        return process

    def fork(self, scratch: str, address: str, authkey: bytes, memory: int | None = None) -> int:
        """Fork a page's process, its memory limited to ``memory`` bytes; return its id."""
        process = self.start()
        line = json.dumps([scratch, address, authkey.hex(), memory]) + "\n"
        if process.stdin is None or process.stdout is None:  # pragma: no cover - piped above
            raise PageProcessError("the warm server of page processes has no pipes")
        process.stdin.write(line.encode("utf-8"))
        process.stdin.flush()
        answer = process.stdout.readline()
        if not answer.strip().isdigit():
            raise PageProcessError("the warm server of page processes did not start a process")
        return int(answer)

    def stop(self) -> None:
        """Stop the server (its page processes are stopped by their pages)."""
        if self._process is not None:
            _ended(self._process)
            self._process = None


def _ended(process: subprocess.Popen[bytes]) -> None:
    """Kill a server, wait for it, and close its pipes (no warning about either at exit)."""
    process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


#: The test process's warm server, shared by its pages.
_SHARED = _Server()
#: A second server, another interpreter with its memory laid out otherwise: the cold runs'.
_COLD = _Server()


def warm_up() -> None:
    """Start the warm server now, so that its torch import overlaps the test process's own."""
    _SHARED.start()


#: The server's program (``python -c``): this module imported once, as its pages use it.
SERVER = "from notesite.kernel import _server; _server()"


def _server() -> None:  # pragma: no cover - the server process
    """The warm server (:data:`SERVER`): import torch, then fork a page's process per request.

    Before its first fork it imports what every page's process uses, once for all of them
    (a module a page's process imports itself is imported again in every page's).
    """
    from notesite import outputs

    outputs.import_torch()
    from notesite import bounded, execution, verdicts  # noqa: F401
    from notesite.isolation import Baseline
    from notesite.runner import probes  # noqa: F401

    baseline = Baseline.take()  # a fresh interpreter's state, torch imported
    gc.freeze()  # what the forks share: no collection in a page's process walks it

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the page processes are reaped at once
    spare = _spare(baseline)
    for line in sys.stdin.buffer:
        pid, assignment = spare
        try:
            os.write(assignment, line)  # one short line: written whole
        except BrokenPipeError:  # it ended (killed from outside): a fresh one takes the page
            os.close(assignment)
            pid, assignment = _spare(baseline)
            os.write(assignment, line)
        os.close(assignment)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
        spare = _spare(baseline)


def _spare(baseline: Any) -> tuple[int, int]:  # pragma: no cover - the server process
    """Fork the next page's process ahead of its page; return its id and its assignment's pipe.

    It warms up (:func:`_warm_up`) while the page before runs, then waits for its page's
    request (scratch folder, socket address, key, memory limit: one line on the pipe), and
    serves it. It ends, having served nothing, when the server ends.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(read)
        return pid, write
    os.close(write)
    sys.stdin.close()
    # Its output goes to the terminal, never into the server's answers to the test process
    # (a block's subprocess writes to the standard output it inherits).
    os.dup2(2, 1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        _warm_up(baseline)
        with os.fdopen(read, "rb") as pipe:
            line = pipe.readline()
        if line:
            scratch, address, key, memory = json.loads(line)
            memory_limit(memory)
            client = Client(address, family="AF_UNIX", authkey=bytes.fromhex(key))
            _serve(client, scratch, baseline, memory)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(0)


def _warm_up(baseline: Any) -> None:  # pragma: no cover - in a child
    """Run an empty cell, then go back to the fresh state: a page's first block runs faster.

    A forked process copies each page of memory it first writes; the empty cell makes it copy
    those the machinery of every block writes (about half of a first block's extra time)
    before its page needs it. Nothing of the cell stays: every block starts from
    ``baseline``, restored before it.
    """
    try:
        with warnings.catch_warnings():
            Request("\npass\n", "", "<warm-up>", {}, None, 60.0, "<warm-up>").run()
    except Exception:  # only a warm-up: the page runs all the same
        pass
    baseline.restore()


class PageProcess:
    """The process of one page: started on its first block, closed when the page is done."""

    def __init__(self, page: str, *, cold: bool = False, memory: int | None = None) -> None:
        """Start the process of ``page`` (its path, for messages), in a scratch folder.

        ``cold``: from the cold server, another interpreter than the pages' (its memory laid
        out otherwise), to see whether addresses a block prints vary from run to run; it is
        started on the first cold run and serves the session's others.
        ``memory``: the most memory, in bytes, its data may take (:func:`memory_limit`;
        None: no limit).

        Raises:
            PageProcessError: If no process could be started.
        """
        self.page = page
        self.scratch = tempfile.mkdtemp(prefix="notesite-page-")
        #: Where its process ended or stopped answering (a message), if it did.
        self.ended: str | None = None
        authkey = secrets.token_bytes(16)
        address = os.path.join(self.scratch, ".page.sock")
        with Listener(address, family="AF_UNIX", authkey=authkey) as listener:
            self._server = _COLD if cold else _SHARED
            self.pid = self._server.fork(self.scratch, address, authkey, memory)
            socket = getattr(listener, "_listener", None)
            if socket is not None:
                socket._socket.settimeout(60)
            try:
                self.connection: Connection = listener.accept()
            except OSError as error:
                self.close()
                raise PageProcessError(f"the page's process did not start: {error}") from None

    def run(self, request: Request, block: str) -> Reply:
        """Run one block (named ``block`` in messages) and return its reply.

        Raises:
            PageProcessError: If the process ended during the block, or did not answer
                within the block's time limit and :data:`GRACE`; then it is killed, and the
                page's later blocks fail, naming this one.
        """
        if self.ended is not None:
            raise PageProcessError(f"not run: {self.ended}")
        try:
            self.connection.send(request)
        except (OSError, ValueError) as error:
            self._end(f"the page's process could not take {block}: {error}")
        limit = (request.timeout or 600.0) + GRACE
        try:
            answered = self.connection.poll(limit)
        except (OSError, EOFError):
            answered = True
        if not answered:
            self._end(
                f"the page's process did not answer within {limit:g} s in {block} (a block "
                "that escapes its time limit, or hangs): it was stopped"
            )
        try:
            reply: Reply = self.connection.recv()
        except (EOFError, OSError):
            self._end(
                f"the page's process ended in {block} (an exit, a signal or a crash of the "
                "interpreter)"
            )
        return reply

    def _end(self, why: str) -> None:
        self.ended = why
        self.close()
        raise PageProcessError(why)

    def close(self) -> None:
        """Stop the process and every process it started; remove its scratch folder."""
        connection = getattr(self, "connection", None)
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()
        pid = getattr(self, "pid", None)
        if pid is not None:
            # Its group: what its blocks forked goes too (and itself, if not yet its group's).
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)
        shutil.rmtree(self.scratch, ignore_errors=True)
