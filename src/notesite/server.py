"""The warm server, and a page's process as the test process sees it.

``pytest docs/`` runs each page's blocks in a process of the page's own
(:mod:`notesite.kernel`), forked from a warm server that has imported torch
(:class:`Server`), which forks the next page's process ahead of its page, so that starting
one costs a millisecond or two. The test process holds a :class:`PageProcess` per page: it
sends each block's :class:`~notesite.kernel.Request` through a pipe and waits for the
:class:`~notesite.kernel.Reply` at most the block's time limit and a grace
(:data:`GRACE`); a process that does not answer (a block that escaped its time limit) or
that ended is killed, with every process it started, and the block fails saying so. Each
page runs in a scratch working directory, removed with the process: what a block writes
never lands in the project.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from notesite.kernel import PageProcessError, Reply, Request, serve
from notesite.memory import memory_limit

__all__ = ["GRACE", "PageProcess", "Server", "warm_up"]

#: Seconds a page's process may take past a block's time limit before it is killed.
GRACE = 10.0


class Server:
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
_SHARED = Server()
#: A second server, another interpreter with its memory laid out otherwise: the cold runs'.
_COLD = Server()


def warm_up() -> None:
    """Start the warm server now, so that its torch import overlaps the test process's own."""
    _SHARED.start()


#: The server's program (``python -c``): this module imported once, as its pages use it.
SERVER = "from notesite.server import _server; _server()"


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
            serve(client, scratch, baseline, memory)
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
