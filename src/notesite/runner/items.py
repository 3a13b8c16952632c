"""The items of a page besides its blocks: its claims, console sessions and notebook-only blocks."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest._code.code import TerminalRepr

from notesite import model
from notesite.errors import GateFailure
from notesite.execution import TIMEOUT
from notesite.progress import is_verified
from notesite.project import Project
from notesite.runner.report import failure_report
from notesite.runner.state import STATE


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

    def repr_failure(self, excinfo: Any, style: Any = None) -> str | TerminalRepr:
        """The gate's message (a page that cannot be read says why)."""
        if isinstance(excinfo.value, ClaimsGateError | model.PageError):
            text = str(excinfo.value)
            return failure_report(text, str(self.path), 1, text)
        return super().repr_failure(excinfo, style)

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
        """Run the session in a process of its own; fail with doctest's report, at its lines.

        A session that ends its process on the way (an exit, an interrupt) or runs past its
        time limit fails saying so; nothing it does reaches this process or the run.
        """
        from notesite.sessions import PASSED, run_session_process
        from notesite.sync.run import warning_options

        run = run_session_process(
            self.fence.code, str(self.path), self.fence.start + 1,
            self.fence.options.time_limit(TIMEOUT),
            warning_options(self.config.rootpath), self.name,
            f"{self.page.src_uri}:{self.fence.start + 1}",
        )  # fmt: skip
        if run.status != PASSED:
            raise DoctestFailure(run.report)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str | TerminalRepr:
        """Doctest's own report: the page, the line, what was shown and what it printed."""
        if isinstance(excinfo.value, DoctestFailure):
            text = str(excinfo.value)
            return failure_report(text, str(self.path), self.fence.start + 1, text)
        return super().repr_failure(excinfo, style)

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
