"""A console session (```` ```pycon ````) run as a doctest in a process of its own.

``pytest docs/`` and the sync's report both run a session this way: what the session does
(``os._exit(0)``, a fork, ``KeyboardInterrupt``, a patched builtin) ends or poisons only its
own process, never the run. The session's code travels on stdin, never through argv; the
process starts in a scratch working directory, so what it writes stays out of the project.

The process says it reached the session's end by writing a token it was given: a process
that ends without it (an exit of status 0 included) did not run the session through.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from notesite.bounded import run_child

__all__ = ["ENDED", "FAILED", "PASSED", "TIMED_OUT", "SessionRun", "run_session_process"]

#: Each ``>>>`` line showed what it gives.
PASSED = "passed"
#: A line showed else than what it gives: ``report`` is doctest's.
FAILED = "failed"
#: The time limit ended it.
TIMED_OUT = "timed out"
#: Its process ended before the session did.
ENDED = "ended"
#: What the parent waits past the session's own time limit (the interpreter's start).
GRACE = 30.0


@dataclass(frozen=True)
class SessionRun:
    """What running a session gave: ``status`` (:data:`PASSED`, …) and its report.

    ``report`` is doctest's report of the lines that differ (:data:`FAILED`), or a sentence
    saying why the session did not run through; empty when it passed.
    """

    status: str
    report: str = ""


def run_session_process(
    code: str,
    path: str,
    line: int,
    timeout: float,
    warnings: Sequence[str] = (),
    name: str = "session",
    where: str = "",
) -> SessionRun:
    """Run a console session as a doctest in a new interpreter, in a scratch directory.

    Args:
        code: The session, as its fence holds it.
        path: The page's path, as the report names it.
        line: The 1-based line of the fence's opening (the report names the page's lines).
        timeout: The session's time limit in seconds.
        warnings: ``-W`` options: the warnings policy of ``pytest docs/``.
        name: The doctest's name, for its report.
        where: How the time limit's message names the session (``page.md:3``).

    Returns:
        What it gave (:class:`SessionRun`).
    """
    token = secrets.token_hex(16)
    where = where or f"{path}:{line}"
    argv = ["--session", code, name, path, str(line), token, repr(timeout), where]
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory() as folder:
        done = run_child(
            [sys.executable, *warnings, "-m", "notesite.execution", "--stdin"],
            json.dumps(argv), cwd=folder, env=env, timeout=timeout + GRACE,
        )  # fmt: skip
    if done.timed_out or "BlockTimeout: " in done.stderr:
        said = done.stderr.rpartition("BlockTimeout: ")[2].strip()
        return SessionRun(
            TIMED_OUT,
            said
            or f"{where}: expected the session to end within {timeout:g} s, got it still running",
        )
    if done.returncode == 0 and token in done.stdout:
        return SessionRun(PASSED)
    if done.returncode == 1 and done.stderr.strip() and token in done.stdout:
        return SessionRun(FAILED, done.stderr)
    last = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
    return SessionRun(
        ENDED,
        f"the session's process ended before the session did ({last[0]}): a session "
        "cannot exit, or interrupt the run",
    )
