"""The sync as one call: read, plan, check, write, run, report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from notesite.fidelity import (
    post_source,
)
from notesite.files import Transaction, project_lock, recover
from notesite.model import (
    UNCHECKED,
    PageError,
    parse_page,
    read_markdown,
)
from notesite.notebook import notebook_path
from notesite.project import CONFIG, ConfigError, Project, config_data
from notesite.sync.guard import read_post_file
from notesite.sync.merge import Flag, plan_sync
from notesite.sync.post import SyncError, read_post
from notesite.sync.report import report
from notesite.sync.run import TIMEOUT, BlockRun, run_new_blocks


@dataclass
class Outcome:
    """What a sync did: the report's text, and the files it wrote or removed."""

    report: str
    written: list[str]
    removed: list[str]
    runs: list[BlockRun]
    unchecked: list[str]
    flags: list[Flag] = field(default_factory=list)
    #: The original's file name in the originals folder.
    original: str = ""


def sync(
    project: Project,
    path: Path,
    *,
    new_post: bool = False,
    timeout: float = TIMEOUT,
    run_blocks: bool = True,
) -> Outcome:
    """Sync a new version of a post (or, with ``new_post``, add a post) onto the site.

    Args:
        project: The project.
        path: The new version of the post.
        new_post: Add it as another post instead of updating one.
        timeout: How long each new or changed block may run for the report, in seconds.
        run_blocks: Whether to run the new and changed blocks for the report.

    Returns:
        The outcome; its report is also what the command prints.

    Raises:
        SyncError: If the post cannot be read or placed; then nothing was written.
    """
    start = time.perf_counter()
    read_post_file(path)  # a regular file, of a size the sync reads
    with project_lock(project.root):
        finish_interrupted(project.root)
        # Read again under the lock: a sync that ran meanwhile may have changed it.
        project = Project.at(project.root)
        try:
            return _sync(project, path, new_post, timeout, run_blocks, start)
        except PageError as error:  # a page (the project's, or one the merge made) unread
            raise SyncError(f"docs/{error}") from None


def finish_interrupted(root: Path) -> bool:
    """Finish the writes of a sync that was killed while writing (or drop what it staged).

    Every sync does this first, under the project's lock.

    Returns:
        Whether there was anything to finish or drop.
    """
    return recover(root, lambda: _notebooks(Project.at(root)))


def _notebooks(project: Project) -> list[str]:
    from notesite.notebook import write_notebooks

    fresh = Project.at(project.root)
    return [f"{fresh.docs_dir.name}/{p}" for p in write_notebooks(fresh)]


def _sync(
    project: Project, path: Path, new_post: bool, timeout: float, run_blocks: bool, start: float
) -> Outcome:
    try:
        text = read_markdown(path, path.name)
    except OSError as error:
        raise SyncError(f"{path}: expected a readable Markdown file, got {error}") from None
    except PageError as error:
        raise SyncError(str(error)) from None
    new = read_post(text, path.name)
    plan = plan_sync(project, new, new_post=new_post)
    assert plan.original_path is not None
    # Every page must still read before anything is written.
    for src, page_text in plan.pages.items():
        try:
            parse_page(page_text, src)
        except PageError as error:
            raise SyncError(f"docs/{error}") from None
    if plan.config_text is not None:  # and so must the configuration, with its new nav
        try:
            config_data(plan.config_text, project.root / CONFIG)
        except ConfigError as error:
            raise SyncError(f"{error} (the nav the sync made)") from None
    written: list[str] = []
    removed: list[str] = []
    # Every file is staged first, then all are renamed at once (a crash: all or none).
    transaction = Transaction(project.root)

    def write(target: Path, content: str) -> None:
        data = content.encode("utf-8")  # as is: a post's CRLF line ends stay its own
        if target.is_file() and target.read_bytes() == data:
            return
        transaction.write(target, data)
        written.append(target.relative_to(project.root).as_posix())

    def remove(target: Path) -> None:
        transaction.remove(target)
        removed.append(target.relative_to(project.root).as_posix())

    try:
        write(plan.original_path, text)
        for src, page_text in plan.pages.items():
            write(project.docs_dir / src, page_text)
        for src, record in plan.records.items():
            target = project.record_path(src)
            if record is None:
                remove(target)
            else:
                write(target, record)
        for src in plan.removed_pages:
            for target in (project.docs_dir / src, project.docs_dir / notebook_path(src)):
                if target.is_file():
                    remove(target)
        if plan.config_text is not None:
            write(project.root / CONFIG, plan.config_text)
    except BaseException:
        transaction.abandon()
        raise
    notebooks: list[str] = []
    transaction.commit((lambda: notebooks.extend(_notebooks(project))) if plan.pages else None)
    written += notebooks
    fresh = Project.at(project.root)
    runs = run_new_blocks(plan, fresh, timeout) if run_blocks and plan.pages else []
    unchecked = [
        f"docs/{page.src_uri}:{claim.line}: {claim.text}"
        for page in fresh.notes()
        if post_source(page) == plan.original_path.name
        for claim in page.claims
        if claim.status == UNCHECKED
    ]
    text_report = report(plan, runs, unchecked, time.perf_counter() - start)
    text_report += _status(fresh, {f"docs/{src}" for src in plan.pages})
    return Outcome(
        text_report, written, removed, runs, unchecked, plan.flags, plan.original_path.name
    )


def _status(project: Project, pages: set[str]) -> str:
    """The status of the posts whose pages the sync touched (``python -m notesite status``).

    Read from the records as they are: a block the sync ran is "not yet run" there until
    ``make update-outputs`` records it.
    """
    from notesite.status import post_statuses, status_table

    touched = [s for s in post_statuses(project) if pages & set(s.pages)]
    if not touched:
        return ""
    return "\n## Status of the post\n\n```text\n" + status_table(touched) + "```\n"
