"""Running a block as a reader runs it: as a Jupyter cell, in a ``__main__`` module.

One engine for every run of a block (``pytest docs/``, the sync's report, the benchmarks'
content floor). A block runs the way IPython runs a cell:

* in a module named ``__main__``, registered in :data:`sys.modules` while it runs, so that
  ``if __name__ == "__main__":`` runs, and a class the block defines can be pickled
  (``torch.save(model)``) and found by whatever looks its module up;
* the value of a bare last expression is its result, shown as IPython shows it
  (:func:`notesite.shown.shown`), unless the cell ends with ``;`` (IPython's own rule,
  :meth:`IPython.core.displayhook.DisplayHook.semicolon_at_end_of_expression`);
* top-level ``await`` runs (IPython's autoawait), on an event loop of its own;
* within a time limit (:data:`TIMEOUT` seconds, or the fence option ``timeout=N``): past it,
  the block stops with :class:`BlockTimeout`, naming its page and line, and the run goes on.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import json
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from notesite.asserts import explain_comparisons
from notesite.block_output import BlockOutput
from notesite.shown import notebook_builtins, quiet, shown

#: How long a block may run, in seconds, unless its fence says ``timeout=N``.
TIMEOUT = 60.0
_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
#: Where a cell's awaited last value waits to be shown.
LAST = "_notesite_last_value"


class BlockTimeout(BaseException):
    """A block ran past its time limit (a BaseException: ``except Exception`` cannot eat it)."""


@contextlib.contextmanager
def time_limit(seconds: float | None, where: str) -> Iterator[None]:
    """Stop the code run inside after ``seconds`` with :class:`BlockTimeout`.

    Only in the main thread of a platform with ``SIGALRM`` (elsewhere, no limit); a limit
    already set around it (an outer block) is put back afterwards.
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def stop(signum: int, frame: object) -> None:
        raise BlockTimeout(
            f"{where}: expected the block to end within {seconds:g} s, got it still running; "
            "make it end, or give it more time with the fence option timeout=N (seconds)"
        )

    fired = []

    def stop_again(signum: int, frame: object) -> None:
        fired.append(True)
        stop(signum, frame)

    outer_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    began = time.monotonic()
    previous = signal.signal(signal.SIGALRM, stop_again)
    # Fired again each second after: a block that catches the first one is stopped again.
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:  # an outer limit: what is left of it
            left = outer_delay - (time.monotonic() - began)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
    if fired:  # the block caught the limit and went on: it still ran past it
        stop(signal.SIGALRM, None)


@contextlib.contextmanager
def main_module(namespace: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A ``__main__`` module holding ``namespace``, registered in :data:`sys.modules` meanwhile.

    Yields the module's globals: the block runs in them.
    """
    module = types.ModuleType("__main__")
    module.__dict__.update(namespace)
    module.__dict__.update(__name__="__main__", __builtins__=__builtins__)
    previous = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        yield module.__dict__
    finally:
        if previous is not None:
            sys.modules["__main__"] = previous
        else:  # pragma: no cover - a Python process always has one
            sys.modules.pop("__main__", None)


class _NoInput(io.TextIOBase):
    """The standard input of a block: nobody types there, and reading it says so."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        raise EOFError(
            "expected a block to read no input (input(), sys.stdin), got a read: a block "
            "runs with nobody to type; write the value into the code"
        )

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self.read()


@contextlib.contextmanager
def no_input() -> Iterator[None]:
    """A block's ``input()`` or read of :data:`sys.stdin` fails at once, saying why.

    As ``python`` run with no input fails (``EOFError``), and never waits for a reader who
    is not there (a page's process has no terminal, the test process may have one).
    """
    previous = sys.stdin
    sys.stdin = _NoInput()
    try:
        yield
    finally:
        sys.stdin = previous


def _run(code: types.CodeType, scope: dict[str, Any]) -> Any:
    """Evaluate compiled code; a coroutine (top-level ``await``) runs on a loop of its own."""
    value = eval(code, scope)
    if code.co_flags & inspect.CO_COROUTINE:
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _on_own_loop(value)
        # A loop runs in this thread already (an async host): the cell's runs in a thread.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(_on_own_loop, value).result()
    return value


def _on_own_loop(coroutine: Any) -> Any:
    """Run a coroutine on a new event loop, closed after; the thread's loop is left as it was."""
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def run_cell(
    own_code: str,
    prefix: str,
    filename: str,
    namespace: dict[str, Any],
    *,
    timeout: float | None = TIMEOUT,
    where: str = "",
    explain_asserts: bool = False,
) -> tuple[str, str | None]:
    """Run a block as a Jupyter cell; return what it printed and the text of its last value.

    The prefix (the code of the blocks it continues from) runs first with its output
    discarded; then the block's own code, whose stdout is captured. If the block ends with a
    bare expression whose value is not None, and not with ``;``, its text as Jupyter shows it
    (:func:`notesite.shown.shown`) is the result. What the block (or its prefix) assigns on a
    module or class it imports is put back after it
    (:func:`notesite.isolation.attributes_put_back`).

    Args:
        own_code: The block's code, preceded by newlines so that line numbers match the page.
        prefix: The code of the blocks it continues from (may be empty).
        filename: The page's path, for tracebacks.
        namespace: What the block's globals start with (pytest's fixtures, say).
        timeout: The time limit in seconds (None: none).
        where: The page and line, for the time limit's message.
        explain_asserts: Whether a failing bare ``assert`` says what it compared: the block
            runs again with pytest's assertion rewriting, as in a test module.

    Returns:
        The printed text and the repr of the last value (or None), not yet normalised.

    Raises:
        BlockTimeout: If the block ran past ``timeout``.
        BaseException: Whatever the block raised.
    """
    tree = ast.parse(own_code, filename)
    last = None
    if tree.body and isinstance(final := tree.body[-1], ast.Expr) and not quiet(own_code):
        tree.body.pop()
        if any(isinstance(node, ast.Await) for node in ast.walk(final)):
            # Awaited: it runs in the same coroutine as the rest (one loop, as IPython does).
            target = ast.Name(LAST, ast.Store())
            tree.body.append(ast.copy_location(ast.Assign([target], final.value), final))
            ast.fix_missing_locations(tree)
            name = ast.copy_location(ast.Name(LAST, ast.Load()), final)
            last = ast.fix_missing_locations(ast.Expression(name))
        else:
            last = ast.Expression(final.value)
    from notesite.isolation import attributes_put_back

    with attributes_put_back(prefix, own_code):
        return _explained(tree, last, own_code, prefix, filename, namespace, timeout, where,
                          explain_asserts)  # fmt: skip


def _explained(
    tree: ast.Module,
    last: ast.Expression | None,
    own_code: str,
    prefix: str,
    filename: str,
    namespace: dict[str, Any],
    timeout: float | None,
    where: str,
    explain_asserts: bool,
) -> tuple[str, str | None]:
    """:func:`run_cell`'s run of a parsed block, run again to explain a bare assert's failure."""
    try:
        return _execute(tree, last, prefix, filename, namespace, timeout, where)
    except AssertionError as error:
        if not explain_asserts or error.args:
            raise
        # A bare `assert` failed: run the block again with pytest's assertion rewriting
        # (only now: it costs about a millisecond a block, and imports pytest where it is
        # not imported yet), so that it says what it compared.
        from _pytest.assertion.rewrite import rewrite_asserts

        rewrite_asserts(tree, own_code.encode("utf-8"), filename)
        explain_comparisons()
        try:
            _execute(tree, last, prefix, filename, namespace, timeout, where)
        except AssertionError:
            raise  # explained
        except BaseException:
            raise error from None  # the second run failed otherwise: the first stands
        raise  # the second run passed: the first failure stands as it was


def _execute(
    tree: ast.Module,
    last: ast.Expression | None,
    prefix: str,
    filename: str,
    namespace: dict[str, Any],
    timeout: float | None,
    where: str,
) -> tuple[str, str | None]:
    """:func:`run_cell`'s run of a parsed block (its output kept up to a cap)."""
    buffer = BlockOutput()
    result = None
    with (
        main_module(namespace) as scope,
        no_input(),
        notebook_builtins(),
        time_limit(timeout, where or filename),
    ):
        if prefix.strip():
            with contextlib.redirect_stdout(io.StringIO()):
                _run(compile(prefix, filename, "exec", _FLAGS, dont_inherit=True), scope)
        with contextlib.redirect_stdout(buffer), buffer.descriptor():
            _run(compile(tree, filename, "exec", _FLAGS, dont_inherit=True), scope)
            if last is not None:
                value = _run(compile(last, filename, "eval", _FLAGS, dont_inherit=True), scope)
                if value is not None:
                    result = shown(value)
    sys.stdout.flush()
    return buffer.text(), result


def run_session(
    code: str, name: str, filename: str, line: int, timeout: float | None, where: str = ""
) -> str:
    """Run a console session (``>>>`` lines) as a doctest, in a fresh ``__main__``.

    Args:
        code: The session, as its fence holds it.
        name: The doctest's name, for its report.
        filename: The page's path, for the report.
        line: The 1-based line of the fence's opening, so the report names the page's lines.
        timeout: The time limit in seconds (None: none).
        where: How the time limit's message names the session.

    Returns:
        Doctest's report of the lines whose shown output differs ("" when none does).
    """
    import doctest

    parser = doctest.DocTestParser()
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with main_module({}) as scope, time_limit(timeout, where or filename):
        test = parser.get_doctest(code, scope, name, filename, line)
        runner.run(test, out=report.write, clear_globs=False)
    return report.getvalue() if runner.failures else ""


def script(
    setup: str, code: str, path: str, timeout: float | None = None
) -> None:  # pragma: no cover - in a subprocess
    """Run a block in this process as :func:`run_cell` does, printing what it prints.

    The sync's report runs each new block in a process of its own through this. As in the
    pages' processes of ``pytest docs/``, torch is imported before the block's time starts
    (where the block names it): the time limit is the block's own, whatever the load.
    """
    if "torch" in setup + code:
        from notesite.outputs import import_torch

        import_torch()
    stdout, result = run_cell(code, setup, path, {}, timeout=timeout)
    sys.stdout.write(stdout + (result + "\n" if result is not None else ""))


def _main(argv: Sequence[str]) -> None:  # pragma: no cover - in a subprocess
    if list(argv) == ["--stdin"]:  # the arguments as a JSON list on stdin: code never in argv
        argv = json.loads(sys.stdin.read())
    if argv[0] == "--session":  # a console session: its report on stderr, status 1
        # The token, written once the session is through, says it did not end on the way
        # (notesite.sessions).
        _, code, name, path, line, token, limit, where = argv
        failed = run_session(code, name, str(Path(path)), int(line), float(limit), where)
        sys.stderr.write(failed)
        sys.stderr.flush()
        os.write(1, token.encode())  # fd 1 itself: whatever the session did to sys.stdout
        sys.exit(1 if failed else 0)
    # The token, written once the block is through, says it did not end on the way.
    setup, code, path, token, limit = argv
    script(setup, code, str(Path(path)), float(limit))
    sys.stdout.flush()
    os.write(1, token.encode())


if __name__ == "__main__":  # pragma: no cover - python -m notesite.execution
    _main(sys.argv[1:])
