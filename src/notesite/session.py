"""What the pytest plugin (:mod:`notesite.pytest_plugin`) does in a session.

With ``--notesite`` (put it in ``addopts`` next to ``--markdown-docs``):

* pytest-markdown-docs parses the pages with the site's parser (:func:`notesite.model.parser`),
  so it sees fences inside admonitions and content tabs, and shares the page model's tokens;
* every test, Markdown blocks included, starts from the state of a fresh interpreter (print
  options, default dtype, grad mode, RNG seeds) and restores it afterwards, so no block leaks
  state into the next whatever the order;
* the ``cuda`` fixture (``python fixture:cuda`` fences) skips, saying "needs a CUDA GPU",
  where there is none, and the ``device`` fixture parametrizes a test over the devices present;
* every block of a page runs like a notebook cell and its output is compared with its record
  (:mod:`notesite.outputs`); ``--update-outputs`` rewrites the records, and
  ``--record-provenance`` adds where the blocks that passed were verified.

The project is the folder of ``mkdocs.yml`` around pytest's rootdir; its settings are those of
the ``notesite`` Markdown extension there. The session's state lives in ``config.stash``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import difflib
import functools
import gc
import pickle
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from notesite import model
from notesite import outputs as _outputs
from notesite.errors import GateFailure
from notesite.execution import TIMEOUT, BlockTimeout, timeout_of
from notesite.isolation import TORCH_DEFAULT_SEED, Baseline, reset_torch_state
from notesite.kernel import PageProcess, PageProcessError, Request

__all__ = ["TORCH_DEFAULT_SEED", "NotesitePlugin", "reset_torch_state"]
from notesite.progress import is_verified
from notesite.project import Project, find_root
from notesite.verdicts import Outcome, Verdict, classify

NEEDS_CUDA = "needs a CUDA GPU"
#: How many pages' processes a test process keeps (a random order goes back and forth).
PAGE_PROCESSES = 16


class OutputMismatch(GateFailure):
    """A block printed something else than its record."""


@dataclass
class PageRun:
    """The blocks of one page and what this run learned about them."""

    page: model.Page
    record: Path
    entries: dict[str, _outputs.Entry]
    new: dict[str, _outputs.Entry] = field(default_factory=dict)
    #: Whether its blocks must run (see :func:`notesite.progress.is_verified`).
    strict: bool | None = None

    def block(self, line: int) -> model.Block | None:
        """The block whose code starts on ``line`` (1-based), as pytest-markdown-docs counts."""
        return next((b for b in self.page.blocks if b.line == line), None)


@dataclass
class State:
    """What one session knows: its options, its project, and the pages that ran."""

    update: bool
    provenance: bool
    project: Project | None
    pages: dict[Path, PageRun] = field(default_factory=dict)
    #: A fresh interpreter's global state, restored around every test.
    baseline: Baseline | None = None

    def page(self, path: Path) -> PageRun | None:
        """The run of a page of the project's docs; None for any other file."""
        if self.project is None or path.suffix != ".md":
            return None
        if path in self.pages:
            return self.pages[path]
        src_uri = self.project.src_uri(path)
        if src_uri is None:
            return None
        path = path.resolve()
        if path not in self.pages:
            page = self.project.page(src_uri)
            record = self.project.record_path(src_uri)
            entries = {e.key: e for e in _outputs.load(record, self.project.root)}
            self.pages[path] = PageRun(page, record, entries)
        return self.pages[path]

    def strict(self, run: PageRun) -> bool:
        """Whether a page's blocks must run (it belongs to no post, or a verified one)."""
        if run.strict is None and self.project is not None:
            run.strict = is_verified(self.project, run.page)
        return run.strict is not False

    def shown(self, path: Path) -> str:
        """A path as messages show it: from the project root."""
        root = self.project.root if self.project else None
        return (
            path.relative_to(root).as_posix() if root and path.is_relative_to(root) else str(path)
        )


STATE = pytest.StashKey[State]()


def _where() -> tuple[str, str]:
    import torch

    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    if torch.cuda.is_available():
        return "cuda", f"{torch.cuda.get_device_name()} · torch {torch.__version__} · {today}"
    return "cpu", f"torch {torch.__version__} · {today}"


def _diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "recorded output", "this run", lineterm=""
    )
    return "\n".join(lines)


#: The ``device`` fixture's parameters; the CUDA one is marked ``cuda`` and skips, saying
#: why, where no CUDA GPU is present.
DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param("cuda", id="cuda", marks=pytest.mark.cuda),
]


def located(test: Any) -> Any:
    """A docstring example's test definition with its code at its lines in the module file.

    pytest-markdown-docs places a docstring's code one line too low, and a raw (``r\"\"\"``)
    docstring's anywhere; the code is found in the file itself instead (the occurrence
    nearest to where pytest-markdown-docs put it). A page's blocks are left as they are.
    """
    path = Path(test.source_path)
    if path.suffix != ".py":
        return test
    lines = test.source.split("\n")
    own = lines[test.start_line :]
    filled = [k for k, line in enumerate(own) if line.strip()]
    if not filled:
        return test
    try:
        text = _file_lines(path)
    except OSError:
        return test
    matches = [
        start
        for start in range(len(text))
        if all(start + k < len(text) and text[start + k].strip() == own[k].strip() for k in filled)
    ]
    if not matches:
        return test
    # pytest-markdown-docs' guess is at or after the code: one line late for a docstring,
    # at its closing quotes for a raw one. The nearest occurrence not after it is the code.
    before = [m for m in matches if m <= test.start_line]
    start = max(before) if before else min(matches, key=lambda m: abs(m - test.start_line))
    prefix = lines[: test.start_line]
    prefix = (
        (prefix + [""] * start)[:start]
        if len(prefix) > start
        else prefix + [""] * (start - len(prefix))
    )
    return dataclasses.replace(test, source="\n".join([*prefix, *own]), start_line=start)


@functools.lru_cache(maxsize=64)
def _file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


class RecordingRunner:  # a pytest_markdown_docs._runners._Runner
    """pytest-markdown-docs' default runner, capturing each block's output and checking it.

    Installed for the session by :class:`NotesitePlugin` (pytest-markdown-docs' runners are
    a private API: the ``test`` extra bounds its version to the tested range).
    """

    def __init__(self, state: State, fallback: Any) -> None:
        """Record into ``state``; ``fallback`` renders failures (the runner it replaces)."""
        self.state = state
        self.fallback = fallback
        self._pages = {}
        self._frames = {}

    def repr_failure(self, test: Any, excinfo: Any, style: Any = None) -> Any:
        """Render a failure like pytest-markdown-docs does (page and line of the code).

        An error raised in the page's process carries that process's frames: they are
        shown from the first frame of the page on, as pytest-markdown-docs shows its own.
        A long one (deep recursion) is cut in its middle: its head and its error stay.
        """
        from notesite.bounded import MAX_REPORT, cap_middle

        test = located(test)
        frames = self._frames.get(id(excinfo.value))
        if frames is None:
            rendered = self.fallback.repr_failure(test, excinfo, style)
            text = str(rendered)
            return rendered if len(text) <= MAX_REPORT else cap_middle(text)
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
        return text if len(text) <= MAX_REPORT else cap_middle(text)

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
        timeout = timeout_of(block.options) if block is not None else TIMEOUT
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
            cuda=_cuda_available(),
        )  # fmt: skip
        try:
            stdout, result = self._execute(run, block, request)
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
            """Whether a second run, its random generators seeded otherwise, prints else.

            Else than addresses and temporary paths, that is: where only those differ, the
            second run is kept (``again``) and the output is recorded normalised.
            """
            if state.baseline is not None:
                state.baseline.restore()  # what the first run changed, undone
            try:
                second = self._execute(
                    run, block, dataclasses.replace(request, explain_asserts=False, perturbed=True)
                )
            except AssertionError:
                return True  # it holds only with a fresh interpreter's seeds
            except Exception:
                return False  # a side effect of the first run (a folder it made, say)
            if second == (stdout, result) and _normalised(second) != second and run is not None:
                # It prints an address or a temporary path: does a new interpreter print it
                # alike? (A page's processes share one memory layout: the cold run has its own.)
                second = self._cold(run, block, request) or second
            if second == (stdout, result):
                return False
            again.append(second)
            if _normalised(second) == _normalised((stdout, result)):
                return False
            # What changes it? Once more with a fresh interpreter's seeds: the same output
            # says the random generators; another says something else (a clock, say).
            try:
                third = self._execute(
                    run, block, dataclasses.replace(request, explain_asserts=False)
                )
            except Exception:
                third = None
            cause[:] = ["random"] if third == (stdout, result) else ["clock"]
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
        varying = Outcome(
            Verdict.VARIES, "another output when its random generators are seeded otherwise"
        )
        if state.update:
            if varies():
                if strict:
                    raise OutputMismatch(_varies_message(block, name, cause))
                self._verdict(run, block, varying)
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
        if recorded is not None and recorded.verdict == str(varying) and not strict:
            if varies():
                _skip(f"{varying} (as recorded)")
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
                raise OutputMismatch(_varies_message(block, name, cause))
            raise OutputMismatch(
                f"block {block.number} of {name} printed something else than its record "
                f"({state.shown(run.record)}); {update}\n" + _diff(recorded.shown(), entry.shown())
            )

    #: Each page's process, by page, the one used most recently last.
    _pages: dict[str, PageProcess]
    #: The frames of the errors raised from a page's process, by the error's id.
    _frames: dict[int, list[tuple[str, int, str, str]]]

    def _execute(
        self, run: PageRun | None, block: model.Block | None, request: Request
    ) -> tuple[str, str | None]:
        """Run a block: a page's in the page's own process, anything else here.

        Raises:
            BaseException: The block's error (its verdict as ``outcome``), or a
                :class:`~notesite.kernel.PageProcessError` when the page's process ended.
        """
        if run is None or block is None:
            return _here(request)
        pages = self._pages
        page = pages.pop(run.page.src_uri, None)
        if page is None:
            while len(pages) >= PAGE_PROCESSES:  # the page used longest ago goes first
                pages.pop(next(iter(pages))).close()
            page = PageProcess(run.page.src_uri)
        pages[run.page.src_uri] = page  # the most recent last
        request.filters = list(warnings.filters)
        try:
            reply = page.run(request, f"block {block.number} (line {block.line})")
        except (pickle.PicklingError, TypeError, AttributeError):
            # What the block starts with (a fixture's value) cannot travel: run it here.
            return _here(request)
        error = reply.exception()
        if error is None:
            return reply.stdout, reply.result
        self._frames[id(error)] = reply.frames
        if reply.outcome is not None:
            with contextlib.suppress(AttributeError):
                error.outcome = reply.outcome  # type: ignore[attr-defined]
        raise error

    def _cold(
        self, run: PageRun, block: model.Block | None, request: Request
    ) -> tuple[str, str | None] | None:
        """The block run again in a process of a new interpreter (None if it fails there)."""
        page = PageProcess(run.page.src_uri, cold=True)
        try:
            reply = page.run(
                dataclasses.replace(request, explain_asserts=False, filters=list(warnings.filters)),
                f"block {block.number if block else '?'}",
            )
        except PageProcessError:
            return None
        finally:
            page.close()
        return None if reply.error is not None else (reply.stdout, reply.result)

    def close(self) -> None:
        """Stop the page's process, if one runs (and every process it started)."""
        while self._pages:
            self._pages.popitem()[1].close()

    def _verdict(self, run: PageRun, block: model.Block, outcome: Outcome) -> None:
        """A block of a post not yet verified did not run: record, or compare, its verdict.

        With ``--update-outputs`` the verdict is recorded and the block skips, saying it;
        otherwise it skips when its record holds the same verdict, and fails naming both
        when the record holds another (or none).
        """
        state = self.state
        device, where = _where()
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


def _here(request: Request) -> tuple[str, str | None]:
    """Run a block in this process (a docstring example, or what cannot travel to a page's)."""
    with refused_network(), perturbed_generators(request.perturbed):
        return _outputs.run_block(
            request.own, request.prefix, request.filename, request.namespace,
            request.root, timeout=request.timeout, where=request.where,
            explain_asserts=request.explain_asserts,
        )  # fmt: skip


def _cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


@contextlib.contextmanager
def refused_network() -> Iterator[None]:
    """No network while a block runs: a connection attempt raises, it never waits.

    pytest-socket's guard (Unix sockets stay allowed: pytest-xdist and multiprocessing use
    them); its error is reported as :attr:`Verdict.NEEDS_NETWORK`.
    """
    import warnings

    from pytest_socket import disable_socket, enable_socket

    disable_socket(allow_unix_socket=True)
    try:
        with warnings.catch_warnings():
            # Its error says it all; its warning would be an error of its own under -W error.
            warnings.filterwarnings("ignore", "A test tried to use socket", UserWarning)
            yield
    finally:
        enable_socket()


def _varies_message(block: model.Block, name: str, cause: list[str] | None = None) -> str:
    """Why a block prints something else on every run, and what to do: the cause named."""
    if cause == ["clock"]:
        return (
            f"expected block {block.number} of {name} to print the same on every run, got "
            "another output on a second run with the same seeds: it prints something that "
            "changes between runs (a clock, a date, a process id, an address). Print something "
            "that does not change (a duration rounded, a shape, a comparison), then record it"
        )
    return (
        f"expected block {block.number} of {name} to print the same on every run, got another "
        "output when its random generators were seeded otherwise: it prints unseeded random "
        "numbers. Seed it (torch.manual_seed(0), random.seed(0), numpy.random.seed(0)) or print "
        "something that does not change, then record it"
    )


@contextlib.contextmanager
def perturbed_generators(active: bool = True) -> Iterator[None]:
    """Python's, NumPy's and torch's random generators seeded unlike a fresh interpreter's."""
    import random
    import sys

    import torch

    if not active:
        yield
        return

    random.seed(PERTURBED_SEED)
    if (numpy := sys.modules.get("numpy")) is not None:
        numpy.random.seed(PERTURBED_SEED)
    torch.default_generator.manual_seed(PERTURBED_SEED)
    yield


#: The seed of :func:`perturbed_generators` (any other than a fresh interpreter's).
PERTURBED_SEED = 20261130


class ClaimsGateError(GateFailure):
    """A note page holds claims that nothing accounts for."""


def unchecked_claims(page: model.Page) -> list[str]:
    """One line per claim of a note page that is not yet checked: page, line and text."""
    return [
        f"{page.src_uri}:{claim.line}: not yet checked: {claim.text}"
        for claim in page.claims
        if claim.status == model.UNCHECKED
    ]


class ClaimsItem(pytest.Item):
    """The claims gate of one note page: every unit of its prose is accounted for."""

    def __init__(self, *, project: Project, src_uri: str, **kwargs: Any) -> None:
        """The gate of the page ``src_uri`` (its path under ``project``'s docs folder)."""
        super().__init__(**kwargs)
        self.project = project
        self.src_uri = src_uri

    def runtest(self) -> None:
        """Fail, naming each claim that is not yet checked (of a post not yet verified: lost).

        A page of a verified post (or of no post) must account for every claim. A page of a
        post not yet verified fails only when a claim loses the status its claims record
        (``outputs/<page>.claims.txt``, written by ``--update-outputs``) gave it.
        """
        page = self.project.page(self.src_uri)  # the model, parsed once per content
        if not is_verified(self.project, page):
            self._progressive(page)
            return
        problems = unchecked_claims(page)
        if problems:
            raise ClaimsGateError(
                f"expected every claim of {self.src_uri} to be checked, corrected by an erratum "
                "or marked `<!-- not a claim: reason -->`, got "
                f"{len(problems)} not yet checked:\n" + "\n".join(problems)
            )

    def _progressive(self, page: model.Page) -> None:
        from notesite.progress import (
            claims_record,
            claims_record_path,
            lost_statuses,
            recorded_statuses,
        )

        target = claims_record_path(self.project, self.src_uri)
        shown = target.relative_to(self.project.root).as_posix()
        recorded = (
            recorded_statuses(target.read_text(encoding="utf-8"), shown) if target.is_file() else {}
        )
        lost = lost_statuses(page, recorded)
        if self.config.stash[STATE].update:
            text = claims_record(page)
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".partial")
                partial.write_text(text, encoding="utf-8")
                partial.replace(target)  # whole or not at all
            return
        if lost:
            raise ClaimsGateError(
                f"expected the claims of {self.src_uri} to keep the statuses {shown} records, "
                f"got {len(lost)} lost (restore the check, or record the change with "
                "`pytest docs/ --update-outputs`):\n" + "\n".join(lost)
            )

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        """The gate's message (a page that cannot be read says why)."""
        if isinstance(excinfo.value, ClaimsGateError | model.PageError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the gate points: the page."""
        return self.path, None, f"claims of {self.src_uri}"


class DoctestFailure(GateFailure):
    """A console session (```` ```pycon ````) whose shown output is not what it prints."""


class DoctestItem(pytest.Item):
    """A console session of a page, run as a doctest: each ``>>>`` line, each shown output."""

    def __init__(self, *, page: model.Page, fence: model.Fence, **kwargs: Any) -> None:
        """The session ``fence`` of ``page``."""
        super().__init__(**kwargs)
        self.page = page
        self.fence = fence
        # Read like pytest-markdown-docs' items by the parity gate: the fence's own code.
        self.test_definition = types.SimpleNamespace(
            source="\n" * (fence.start + 1) + fence.code,
            start_line=fence.start + 1,
            source_path=self.path,
        )

    def runtest(self) -> None:
        """Run the session; fail with doctest's report, at the page's lines."""
        from notesite.execution import run_session

        plugin = self.config.pluginmanager.get_plugin("notesite-session")
        baseline = plugin.baseline if plugin is not None else None
        if baseline is not None:
            baseline.restore()
        where = f"{self.page.src_uri}:{self.fence.start + 1}"
        try:
            failed = run_session(
                self.fence.code, self.name, str(self.path), self.fence.start + 1,
                timeout_of(self.fence.options), where,
            )  # fmt: skip
        finally:
            if baseline is not None:
                baseline.restore()
        if failed:
            raise DoctestFailure(failed)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        """Doctest's own report: the page, the line, what was shown and what it printed."""
        if isinstance(excinfo.value, DoctestFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the session is: its page and line."""
        return self.path, self.fence.start, f"pycon session at line {self.fence.start + 1}"


class NotebookOnlyItem(pytest.Item):
    """A block that only IPython runs (a magic, a shell command): skipped, with its reason.

    The page's notebook holds it as a cell; here nothing runs it, and the skip says so.
    """

    def __init__(self, *, page: model.Page, fence: model.Fence, **kwargs: Any) -> None:
        """The block ``fence`` of ``page``."""
        super().__init__(**kwargs)
        self.page = page
        self.fence = fence

    def runtest(self) -> None:
        """Skip, naming the line that only IPython runs."""
        line = model.notebook_only(self.fence.code) or self.fence.code.strip()
        pytest.skip(
            f"notebook only: {line!r} is IPython's (a magic or shell command); the block runs "
            "in the page's notebook, not under pytest"
        )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the block is: its page and line."""
        return self.path, self.fence.start, f"notebook-only block at line {self.fence.start + 1}"


class PageFile(pytest.File):
    """A page of the site, for what pytest-markdown-docs does not collect from it.

    A note page's claims gate (``claims``) and each console session (``pycon[line:N]``).
    """

    def __init__(self, *, project: Project, src_uri: str, **kwargs: Any) -> None:
        """The page ``src_uri`` of ``project``."""
        super().__init__(**kwargs)
        self.project = project
        self.src_uri = src_uri

    def collect(self) -> Iterator[pytest.Item]:
        """The claims gate of a note page, then the page's console sessions."""
        if model.is_note_page(self.src_uri):
            yield ClaimsItem.from_parent(
                self, name="claims", project=self.project, src_uri=self.src_uri
            )
        page = self.project.page(self.src_uri)
        for fence in page.doctests:
            yield DoctestItem.from_parent(
                self, name=f"pycon[line:{fence.start + 1}]", page=page, fence=fence
            )
        for fence in page.notebook_only:
            yield NotebookOnlyItem.from_parent(
                self, name=f"notebook-only[line:{fence.start + 1}]", page=page, fence=fence
            )


def _hands_out_tests(config: pytest.Config) -> bool:
    """Whether this process is pytest-xdist's controller, which hands the tests to workers."""
    distributing = getattr(config.option, "dist", "no") != "no"
    return distributing and not hasattr(config, "workerinput")


class NotesitePlugin:
    """The hooks and fixtures of a session run with ``--notesite``."""

    def __init__(self, config: pytest.Config) -> None:
        """Set up the session's state in ``config.stash``."""
        if not _hands_out_tests(config):  # pytest-xdist's controller runs no test
            from notesite.kernel import warm_up

            warm_up()  # the pages' server imports torch beside this process
            _outputs.import_torch()  # once, before the collection; see its docstring
        root = find_root(Path(str(config.rootpath)))
        update = bool(config.getoption("update_outputs"))
        config.stash[STATE] = State(
            update=update,
            provenance=bool(config.getoption("record_provenance")) or update,
            project=Project.at(root) if root is not None else None,
        )
        self.config = config
        self._replaced: Any = None
        self._runner: RecordingRunner | None = None
        #: A fresh interpreter's global state (torch imported), restored around every test.
        self.baseline = Baseline.take()
        self.state.baseline = self.baseline

    @property
    def state(self) -> State:
        """This session's state."""
        return self.config.stash[STATE]

    @pytest.hookimpl(tryfirst=True)
    def pytest_markdown_docs_markdown_it(self) -> Any:
        """Parse Markdown like the site does (fences in admonitions and tabs included)."""
        return model.parser()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Install the recording runner as pytest-markdown-docs' default, for this session."""
        from pytest_markdown_docs import _runners

        self._replaced = _runners._default_runner
        self._runner = RecordingRunner(self.state, self._replaced)
        _runners._default_runner = self._runner  # type: ignore[assignment]

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Give pytest-markdown-docs its own runner back."""
        if self._replaced is not None:
            from pytest_markdown_docs import _runners

            _runners._default_runner = self._replaced

    @pytest.fixture(autouse=True)
    def _fresh_state(self) -> Iterator[None]:
        """Each test starts from a fresh interpreter's global state, and leaves it so."""
        self.baseline.restore()
        yield
        self.baseline.restore()

    @pytest.fixture
    def cuda(self) -> Any:
        """The CUDA device; skips the test (or Markdown block) where none is present."""
        import torch

        if not torch.cuda.is_available():
            pytest.skip(NEEDS_CUDA)
        return torch.device("cuda")

    @pytest.fixture(params=DEVICES)
    def device(self, request: pytest.FixtureRequest) -> Any:
        """Each device present: CPU always, CUDA where available (else skipped with reason)."""
        import torch

        if request.param == "cuda" and not torch.cuda.is_available():
            pytest.skip(NEEDS_CUDA)
        return torch.device(request.param)

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> Any:
        """A page of the project: a note page's claims gate, a page's console sessions."""
        project = self.state.project
        if project is None or file_path.suffix != ".md":
            return None
        src_uri = project.src_uri(file_path)
        if src_uri is None:
            return None
        if not model.is_note_page(src_uri):
            try:
                page = project.page(src_uri)
                if not (page.doctests or page.notebook_only):
                    return None
            except model.PageError:
                return None  # pytest-markdown-docs' collection names the problem
        return PageFile.from_parent(parent, path=file_path, project=project, src_uri=src_uri)

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Any:
        """A page that cannot be read (not UTF-8) is named with its line, not a traceback."""
        report = yield
        path = getattr(collector, "path", None)
        project = self.state.project
        if report.failed and project is not None and path is not None and path.suffix == ".md":
            src_uri = project.src_uri(Path(path))
            if src_uri is not None:
                try:
                    model.read_markdown(Path(path), self.state.shown(Path(path)))
                except model.PageError as error:
                    report.longrepr = str(error)
        return report

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Take the fresh state anew, and drop what a run of pages does not use.

        The collection put the test files' folders on :data:`sys.path` (a docstring example
        imports its module from there): the fresh state to restore is the state now.
        Hypothesis' reporting plugin goes from a run that collected no Hypothesis test: its
        terminal summary imports all of Hypothesis (about 0.8 s), which would otherwise be
        the largest cost of ``pytest docs/`` after importing torch.
        """
        self.baseline = Baseline.take()
        self.state.baseline = self.baseline
        plugin = session.config.pluginmanager.get_plugin("hypothesispytest")
        if plugin is None:
            return
        if not any(
            getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
            for item in session.items
        ):
            session.config.pluginmanager.unregister(plugin)

    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> None:
        """Note a skipped block (e.g. needs a CUDA GPU) and drop a failed one from the update."""
        definition = getattr(item, "test_definition", None)
        if definition is None:
            return
        try:
            run = self.state.page(Path(definition.source_path))
        except (model.PageError, _outputs.RecordError):
            return  # the item itself fails, naming the page or record and its line
        block = run.block(definition.start_line) if run is not None else None
        if run is None or block is None:
            return  # not a page of the site, or it changed while the tests ran
        skipped = call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception)
        # Skipped where it could only be skipped (no CUDA GPU): its record says so.
        if skipped and call.when == "setup":
            device, _ = _where()
            reason = str(getattr(call.excinfo.value, "msg", "")) if call.excinfo else ""
            run.new[block.key] = _outputs.Entry(
                block.key, block.number, block.line, skipped={device: reason}
            )
        elif call.when == "call" and call.excinfo is not None:
            kept = run.new.get(block.key)
            if not (skipped and kept is not None and kept.verdict is not None):
                run.new.pop(block.key, None)
        elif call.when == "call" and block.key in run.new and self.state.provenance:
            device, where = _where()
            run.new[block.key].verified[device] = where

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the records of the pages that ran, when asked to; then settle the heap.

        One collection now finalizes what the tests left (pytest still reports an exception
        raised in a finalizer), then the heap is frozen: pytest's own two collections at
        exit, and the one of the interpreter, then walk nothing of torch's (50 ms each).
        """
        if isinstance(self._runner, RecordingRunner):
            self._runner.close()  # the last page's process
        gc.collect()
        gc.freeze()
        state = self.state
        if not (state.update or state.provenance) or state.project is None:
            return
        # pytest-xdist's workers each ran some blocks of a page: each merges its own into
        # the record as it is on disk now, one worker at a time.
        with _project_lock(state.project):
            for run in state.pages.values():
                if run.new:
                    _write_record(run, state, state.project)
            if state.update:
                from notesite.notebook import write_notebooks

                write_notebooks(state.project)  # the notebooks show the records' outputs


def _project_lock(project: Project) -> Any:
    """A lock on the project's records and notebooks, shared by every process on this machine."""
    import hashlib
    import tempfile

    from filelock import FileLock

    digest = hashlib.sha256(str(project.root.resolve()).encode()).hexdigest()[:16]
    return FileLock(Path(tempfile.gettempdir()) / f"notesite-{digest}.lock")


def _write_record(run: PageRun, state: State, project: Project) -> None:
    # What is on disk now: another worker may have written the page's record since this one
    # read it.
    run.entries = {e.key: e for e in _outputs.load(run.record, project.root)}
    old = list(run.entries.values())
    if not state.update:
        # Provenance only: keep the recorded outputs, add where the block passed.
        fresh = {}
        for key, entry in run.new.items():
            kept = run.entries.get(key)
            if kept is not None and kept.skipped and not kept.verified and entry.verified:
                # First run where the block could run: record its output too.
                fresh[key] = _outputs.Entry(
                    key,
                    kept.block,
                    kept.line,
                    entry.stdout,
                    entry.result,
                    entry.verified,
                    kept.skipped,
                )
            elif kept is not None and entry.verified:
                fresh[key] = _outputs.Entry(
                    key,
                    kept.block,
                    kept.line,
                    kept.stdout,
                    kept.result,
                    {**kept.verified, **entry.verified},
                    kept.skipped,
                )
        run.new = fresh
    current = [(b.key, b.number, b.line) for b in run.page.blocks]
    merged = _outputs.merge(old, current, run.new)
    name = (project.docs_dir / run.page.src_uri).relative_to(project.root).as_posix()
    text = _outputs.dump(merged, name)
    if run.record.is_file() and run.record.read_text(encoding="utf-8") == text:
        return  # unchanged: not rewritten
    from notesite.files import write_whole

    write_whole(run.record, text)  # whole or not at all; a lone surrogate escaped
