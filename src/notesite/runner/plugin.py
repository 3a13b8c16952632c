"""The hooks and fixtures of a session run with ``--notesite``."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notesite import model
from notesite import outputs as _outputs
from notesite.isolation import Baseline
from notesite.project import Project, find_root
from notesite.runner import provenance
from notesite.runner.items import PageFile
from notesite.runner.recording import RecordingRunner
from notesite.runner.records import project_lock, write_record
from notesite.runner.state import NEEDS_CUDA, STATE, State

#: The ``device`` fixture's parameters; the CUDA one is marked ``cuda`` and skips, saying
#: why, where no CUDA GPU is present.
DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param("cuda", id="cuda", marks=pytest.mark.cuda),
]


def _memory_limit(gib: float | None) -> int | None:
    """A page process's memory limit in bytes: ``--memory-limit`` GiB (0: none), or the default.

    The default is :func:`notesite.memory.default_memory_limit` (half the machine's memory).
    """
    from notesite.memory import default_memory_limit

    if gib is None:
        return default_memory_limit()
    return int(gib * 2**30) or None


def hands_out_tests(config: pytest.Config) -> bool:
    """Whether this process is pytest-xdist's controller, which hands the tests to workers."""
    distributing = getattr(config.option, "dist", "no") != "no"
    return distributing and not hasattr(config, "workerinput")


class NotesitePlugin:
    """The hooks and fixtures of a session run with ``--notesite``."""

    def __init__(self, config: pytest.Config) -> None:
        """Set up the session's state in ``config.stash``."""
        if not (hands_out_tests(config) or config.option.collectonly):  # runs no test
            from notesite.server import warm_up

            warm_up()  # the pages' server imports torch while this process starts
        root = find_root(Path(str(config.rootpath)))
        update = bool(config.getoption("update_outputs"))
        config.stash[STATE] = State(
            update=update,
            provenance=bool(config.getoption("record_provenance")) or update,
            project=Project.at(root) if root is not None else None,
            memory_limit=_memory_limit(config.getoption("memory_limit", None)),
        )
        self.config = config
        self._replaced: Any = None
        self._runner: RecordingRunner | None = None
        #: A fresh interpreter's global state (torch imported), restored around every test.
        self.baseline = Baseline.take(pytest_process=True)
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

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Under pytest-xdist's ``load`` or ``worksteal``, each page whole on one worker.

        See :mod:`notesite.runner.scheduling`; the other ``--dist`` modes are left as given.
        """
        from notesite.runner.scheduling import WHOLE_PAGE_MODES, make_scheduler

        if config.getvalue("dist") not in WHOLE_PAGE_MODES:
            return None
        return make_scheduler(config, log)

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
        if not provenance.cuda_available():  # torch not imported here for it, where no GPU
            pytest.skip(NEEDS_CUDA)
        import torch

        return torch.device("cuda")

    @pytest.fixture(params=DEVICES)
    def device(self, request: pytest.FixtureRequest) -> Any:
        """Each device present: CPU always, CUDA where available (else skipped with reason)."""
        if request.param == "cuda" and not provenance.cuda_available():
            pytest.skip(NEEDS_CUDA)
        import torch

        return torch.device(request.param)

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> Any:
        """A page of the project: a note page's claims gate, a page's console sessions.

        Before the first Python file is collected (a test module, or a module's docstring
        examples), torch is imported here, once (:func:`notesite.outputs.import_torch`): a
        run of pages alone never imports it in this process, its blocks run in their pages'.
        """
        if (
            file_path.suffix == ".py"
            and file_path.name != "conftest.py"
            and "torch" not in sys.modules
        ):
            _outputs.import_torch()
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
        """A page that cannot be read (not UTF-8, a fence left open) is named with its line.

        Its error is one line, not a traceback.
        """
        report = yield
        path = getattr(collector, "path", None)
        project = self.state.project
        if report.failed and project is not None and path is not None and path.suffix == ".md":
            src_uri = project.src_uri(Path(path))
            if src_uri is not None:
                try:
                    text = model.read_markdown(Path(path), self.state.shown(Path(path)))
                    model.parse_page(text, src_uri)
                except model.PageError as error:
                    report.longrepr = (
                        f"docs/{error}" if str(error).startswith(src_uri) else str(error)
                    )
        return report

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Take the fresh state anew, and drop what a run of pages does not use.

        The collection put the test files' folders on :data:`sys.path` (a docstring example
        imports its module from there): the fresh state to restore is the state now.
        Hypothesis' reporting plugin goes from a run that collected no Hypothesis test: its
        terminal summary imports all of Hypothesis (about 0.8 s), which would otherwise be
        the largest cost of ``pytest docs/`` after importing torch.
        """
        self.baseline = Baseline.take(pytest_process=True)
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
            device, _ = provenance.where()
            reason = str(getattr(call.excinfo.value, "msg", "")) if call.excinfo else ""
            run.new[block.key] = _outputs.Entry(
                block.key, block.number, block.line, skipped={device: reason}
            )
        elif call.when == "call" and call.excinfo is not None:
            kept = run.new.get(block.key)
            if not (skipped and kept is not None and kept.verdict is not None):
                run.new.pop(block.key, None)
        elif call.when == "call" and block.key in run.new and self.state.provenance:
            device, where = provenance.where()
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
        with project_lock(state.project):
            for run in state.pages.values():
                if run.new:
                    write_record(run, state, state.project)
            if state.update:
                from notesite.notebook import write_notebooks

                write_notebooks(state.project)  # the notebooks show the records' outputs
