"""The recording runner: each block run like a notebook cell, its output checked with its record.

The only code that touches pytest-markdown-docs' private runner API. Where a block runs (the
page's own process, or here) is :mod:`notesite.runner.processes`.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any, NoReturn

import pytest

from notesite import model
from notesite import outputs as _outputs
from notesite.execution import TIMEOUT, BlockTimeout
from notesite.kernel import PageProcessError, Request
from notesite.runner import provenance
from notesite.runner.located import located
from notesite.runner.processes import BlockProcesses
from notesite.runner.report import failure_report
from notesite.runner.state import OutputMismatch, PageRun, State
from notesite.runner.varies import hashed, recorded_varies, varies_message, varies_outcome
from notesite.verdicts import Outcome, Verdict, classify


def chain_prefix(prefix: str, page: model.Page, block: model.Block) -> str:
    """The code a block continues from, without the blocks its chain passes over.

    pytest-markdown-docs joins every block of a ``continuation`` chain, each at its page
    lines; a block that does not parse is in no chain of the model (:attr:`Block.continues`),
    so its lines are emptied here: the block runs after the others, as "Run all" does.
    """
    lines = prefix.split("\n")
    for other in page.blocks[: block.number - 1]:
        if other.number not in block.continues:
            end = min(other.line + other.code.count("\n"), len(lines))
            lines[other.line : end] = [""] * max(end - other.line, 0)
    return "\n".join(lines)


class RecordingRunner:  # a pytest_markdown_docs._runners._Runner
    """pytest-markdown-docs' default runner, capturing each block's output and checking it.

    Installed for the session by :class:`NotesitePlugin` (pytest-markdown-docs' runners are
    a private API: the ``test`` extra bounds its version to the tested range).
    """

    def __init__(self, state: State, fallback: Any) -> None:
        """Record into ``state``; ``fallback`` renders failures (the runner it replaces)."""
        self.state = state
        self.fallback = fallback
        #: Where the blocks run: the pages' processes.
        self.processes = BlockProcesses(memory=state.memory_limit)

    def repr_failure(self, test: Any, excinfo: Any, style: Any = None) -> Any:
        """Render a failure like pytest-markdown-docs does (page and line of the code).

        An error raised in the page's process carries that process's frames: they are
        shown from the first frame of the page on, as pytest-markdown-docs shows its own.
        A long one (deep recursion) is cut in its middle: its head and its error stay.
        """
        test = located(test)
        where = str(test.source_path), test.start_line + 1
        message = excinfo.exconly()
        frames = self.processes.frames(excinfo.value)
        if frames is None:
            text = str(self.fallback.repr_failure(test, excinfo, style))
            return failure_report(text, *where, message)
        lines = test.source.rstrip("\n").split("\n")
        digits = len(str(len(lines)))
        code = "\n".join(
            f"{k:>{digits}}   {line}"
            for k, line in enumerate(lines[test.start_line :], test.start_line + 1)
        )
        shown: list[str] = []
        for filename, lineno, name, line in frames:
            if shown or filename == str(test.source_path):
                shown += [f'  File "{filename}", line {lineno}, in {name}', f"    {line}"]
        fence = " " * digits + "   ```"
        text = (
            f"Error in code block:\n{fence}\n{code}\n{fence}\n"
            f"Traceback (most recent call last):\n" + "\n".join(shown) + f"\n{excinfo.exconly()}\n"
        )
        return failure_report(text, *where, message)

    def runtest(self, test: Any, args: dict[str, Any], **options: Any) -> None:
        """Run a block, then compare its output with the record (or keep it to write).

        pytest-markdown-docs calls a runner again, without its options, when the first call
        raises a TypeError (it takes that for a runner that does not know the options): a
        block that raised one is not run twice, its error stands.
        """
        failed, self._type_error = self._type_error, None
        if not options and failed is not None and failed[0] is test:
            raise failed[1]
        try:
            self._run(test, args)
        except TypeError as error:
            self._type_error = (test, error)
            raise

    _type_error: tuple[Any, TypeError] | None = None

    def _run(self, test: Any, args: dict[str, Any]) -> None:
        state = self.state
        test = located(test)
        lines = test.source.split("\n")
        prefix = "\n".join(lines[: test.start_line])
        own = "\n" * test.start_line + "\n".join(lines[test.start_line :])
        filename = str(test.source_path)
        root = state.project.root if state.project else None
        run = state.page(Path(test.source_path))
        block = run.block(test.start_line) if run is not None else None
        if run is not None and block is not None:
            prefix = chain_prefix(prefix, run.page, block)
        timeout = block.options.time_limit(TIMEOUT) if block is not None else TIMEOUT
        where = f"{state.shown(Path(filename))}:{test.start_line}"
        strict = run is None or block is None or state.strict(run)
        if run is not None and block is not None and (reason := block.parse_error) is not None:
            # Not Python as written (mixed tabs and spaces, pseudo-code): nothing can run it.
            if strict:
                raise OutputMismatch(
                    f"{run.page.src_uri}:{block.line}: block {block.number} {reason}: a block "
                    "of a verified post must run (fence it as text if it is not Python)"
                )
            self._verdict(run, block, Outcome.parse(reason))
            return
        request = Request(
            own, prefix, filename, args, root, timeout, where, explain_asserts=True,
            cuda=provenance.cuda_available(),
        )  # fmt: skip
        try:
            stdout, result = self.processes.execute(run, block, request)
        except (Exception, BlockTimeout) as error:
            if strict or run is None or block is None or isinstance(error, pytest.skip.Exception):
                raise
            outcome = getattr(error, "outcome", None)
            if not isinstance(outcome, Outcome):
                outcome = (
                    Outcome(Verdict.FAILS, str(error))
                    if isinstance(error, BlockTimeout | PageProcessError)
                    else classify(error, prefix + "\n" + own, filename, request.cuda)
                )
            self._verdict(run, block, outcome)
            return

        again: list[tuple[str, str | None]] = []
        cause: list[str] = []

        def varies() -> bool:
            """Whether a second run, seeded otherwise and its clock set ahead, prints else.

            Where the block's code or output may order strings by their hashes (a set,
            :func:`~notesite.runner.varies.hashed`), the second run is in another interpreter
            (the cold server's process): its own salt of string hashes (the order of a set of
            strings). Else it is in the page's process, and again in the other interpreter
            where only addresses or temporary paths appear (its own memory layout). Else than those,
            that is: where only those differ, the second run is kept (``again``) and the
            output is recorded normalised. Where it varies, ``cause`` names why (see
            :func:`~notesite.runner.varies.varies_message`).
            """
            if state.baseline is not None:
                state.baseline.restore()  # what the first run changed, undone
            probe = dataclasses.replace(request, explain_asserts=False)
            perturbed = dataclasses.replace(probe, perturbed=True, clock=True)
            second = None
            if run is not None and hashed(prefix + "\n" + own, stdout, result):
                second = self.processes.cold(run, block, perturbed)
            if second is None:  # none yet, or it fails there (it reads an earlier block's file)
                try:
                    second = self.processes.execute(run, block, perturbed)
                except AssertionError:
                    return True  # it holds only with a fresh interpreter's seeds (or today)
                except Exception:
                    return False  # a side effect of the first run (a folder it made, say)
                if second == (stdout, result) and _normalised(second) != second and run:
                    # It prints an address or a temporary path: does a new interpreter print
                    # it alike? (A page's processes share one memory layout.)
                    second = self.processes.cold(run, block, perturbed) or second
            if second == (stdout, result):
                return False
            again.append(second)
            if _normalised(second) == _normalised((stdout, result)):
                return False
            cause[:] = [self._cause(run, block, probe, (stdout, result))]
            return True

        if run is None:
            if Path(test.source_path).suffix == ".py" and stdout:
                raise OutputMismatch(
                    "expected a docstring example to print nothing (the API pages do not "
                    f"show output; assert instead), got:\n{stdout}"
                )
            return
        if block is None:
            raise OutputMismatch(
                f"{run.page.src_uri} changed while the tests ran (no block starts at line "
                f"{test.start_line} any more): run them again"
            )
        entry = _outputs.Entry(block.key, block.number, block.line, stdout or None, result)
        name = Path(test.source_path).name
        recorded_first = run.entries.get(block.key)
        if recorded_first is not None and recorded_first.normalised:
            # Its runs showed addresses or temporary paths that vary: compared normalised.
            shown = _normalised((stdout, result))
            entry = _outputs.Entry(
                block.key, block.number, block.line, shown[0] or None, shown[1], normalised=True
            )
        if state.update:
            if varies():
                if strict:
                    raise OutputMismatch(varies_message(block, name, cause))
                self._verdict(run, block, varies_outcome(cause))
            if again:  # only addresses or temporary paths varied: recorded normalised
                shown = _normalised((stdout, result))
                entry = _outputs.Entry(
                    block.key, block.number, block.line, shown[0] or None, shown[1],
                    normalised=True,
                )  # fmt: skip
            run.new[block.key] = entry
            return
        run.new[block.key] = entry
        recorded = run.entries.get(block.key)
        update = "if the change is right, run `pytest docs/ --update-outputs`"
        if recorded is not None and recorded_varies(recorded) and not strict:
            if varies():
                _skip(f"{recorded.verdict} (as recorded)")
            raise OutputMismatch(
                f"{run.page.src_uri}:{block.line}: block {block.number} was recorded as "
                f"'{recorded.verdict}', now it prints the same on every run: record it with "
                "`pytest docs/ --update-outputs`"
            )
        if recorded is not None and recorded.verdict is not None:
            raise OutputMismatch(
                f"{run.page.src_uri}:{block.line}: block {block.number} was recorded as "
                f"'{recorded.verdict}', now it runs: record it with "
                "`pytest docs/ --update-outputs`"
            )
        if recorded is None:
            # The block is new or its code changed: compare with the record at its place.
            current = {b.key for b in run.page.blocks}
            previous = next(
                (
                    e
                    for e in run.entries.values()
                    if e.block == block.number and e.key not in current
                ),
                None,
            )
            if previous is None:
                raise OutputMismatch(
                    f"expected a recorded output for block {block.number} of {name} in "
                    f"{state.shown(run.record)}, got none: record it with "
                    "`pytest docs/ --update-outputs`"
                )
            diff = _diff(previous.shown(), entry.shown()) or "(the output is unchanged)"
            raise OutputMismatch(
                f"block {block.number} of {name} changed since its output was recorded in "
                f"{state.shown(run.record)}; {update}\n{diff}"
            )
        if recorded.skipped and not recorded.verified:
            # Recorded where it could only be skipped (a CUDA block on a CPU-only machine):
            # there is no output to compare with yet; this run's is recorded with the
            # provenance (see pytest_sessionfinish).
            return
        if recorded.shown() != entry.shown():
            if varies():
                raise OutputMismatch(varies_message(block, name, cause))
            raise OutputMismatch(
                f"block {block.number} of {name} printed something else than its record "
                f"({state.shown(run.record)}); {update}\n" + _diff(recorded.shown(), entry.shown())
            )

    def _cause(
        self,
        run: PageRun | None,
        block: model.Block | None,
        request: Request,
        first: tuple[str, str | None],
    ) -> str:
        """Why a block printed else when seeded otherwise with its clock set ahead.

        Once more with a fresh interpreter's seeds and the clock still ahead: the first
        output again says the random generators (``"random"``). Another says the clock: once
        more on today's clock, the first output again says the shift made the difference,
        the block prints the date or the time (``"date"``); another still says something
        that changes on its own between runs (``"clock"``: a fine clock, a process id).
        Before all, once more seeded otherwise and the clock ahead in the page's own process:
        the first output again says that only another interpreter prints else
        (``"interpreter"``: the order of a set of strings, ``hash()``, ``id()``).
        """

        def again(**changes: Any) -> tuple[str, str | None] | None:
            if self.state.baseline is not None:
                self.state.baseline.restore()
            try:
                return self.processes.execute(run, block, dataclasses.replace(request, **changes))
            except Exception:
                return None

        if again(perturbed=True, clock=True) == first:
            return "interpreter"  # alike in the page's process: else in another one
        if again(clock=True) == first:
            return "random"
        return "date" if again() == first else "clock"

    def close(self) -> None:
        """Stop the pages' processes, if any runs (and every process they started)."""
        self.processes.close()

    def _verdict(self, run: PageRun, block: model.Block, outcome: Outcome) -> None:
        """A block of a post not yet verified did not run: record, or compare, its verdict.

        With ``--update-outputs`` the verdict is recorded and the block skips, saying it;
        otherwise it skips when its record holds the same verdict, and fails naming both
        when the record holds another (or none).
        """
        state = self.state
        device, where = provenance.where()
        entry = _outputs.Entry(
            block.key, block.number, block.line, verdict=str(outcome), tried={device: where}
        )
        if state.update:
            run.new[block.key] = entry
            _skip(f"{outcome} (recorded)")
        recorded = run.entries.get(block.key)
        page = f"{run.page.src_uri}:{block.line}"
        if recorded is None:
            raise OutputMismatch(
                f"{page}: expected a recorded verdict for block {block.number}, got none "
                f"(this run: {outcome}): record it with `pytest docs/ --update-outputs`"
            )
        if recorded.verdict == str(outcome):
            _skip(f"{outcome} (as recorded)")
        raise OutputMismatch(
            f"{page}: block {block.number} was recorded as '{recorded.verdict or 'runs'}', "
            f"now it gives '{outcome}'; if the change is right, run "
            "`pytest docs/ --update-outputs`"
        )


def _normalised(output: tuple[str, str | None]) -> tuple[str, str | None]:
    """A block's output and result with addresses and temporary paths written alike."""
    stdout, result = output
    return _outputs.normalise(stdout), _outputs.normalise(result) if result is not None else None


def _skip(reason: str) -> NoReturn:
    """Skip a block, the summary naming the block's page and line (not this module's)."""
    from _pytest.outcomes import Skipped

    try:
        error = Skipped(msg=reason, _use_item_location=True)
    except TypeError:  # pragma: no cover - a pytest without the option
        pytest.skip(reason)
    raise error


def _diff(expected: str, got: str) -> str:
    """The unified diff of a recorded output and this run's."""
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "recorded output", "this run", lineterm=""
    )
    return "\n".join(lines)
