"""The session's state (in ``config.stash``): the project, the baseline and each page's run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from notesite import model
from notesite import outputs as _outputs
from notesite.errors import GateFailure
from notesite.isolation import Baseline
from notesite.progress import is_verified
from notesite.project import Project

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
    #: The most memory a page's process may take, in bytes (None: no limit).
    memory_limit: int | None = None

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
