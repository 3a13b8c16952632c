"""A series in one command: several posts synced one after the other, with one table.

``python -m notesite sync 'dir/*deep-learning*' --new`` takes posts, folders and globs, syncs
each post (:func:`notesite.sync.sync`), shows a progress bar, and ends with one table: per
post, its pages, its blocks by verdict, its claims waiting for a check and its seconds. A
post the sync cannot take is listed with the reason; the others still come in. A post whose
original is already in the originals folder, byte for byte under the same file name, is
"unchanged" and not synced again; with ``new_post``, a post whose original is there (by its
file name) is synced as an update.
"""

from __future__ import annotations

import glob
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from notesite.project import Project
from notesite.sync.command import sync
from notesite.sync.guard import read_post_file
from notesite.sync.identity import original_of
from notesite.sync.post import SyncError
from notesite.sync.run import TIMEOUT, VERDICTS

#: The file names a folder's posts have.
POST_SUFFIXES = (".md", ".markdown")
#: What became of a post.
SYNCED = "synced"
UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"


@dataclass
class PostResult:
    """What the series' sync did with one post."""

    path: Path
    status: str
    pages: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    claims: int = 0
    seconds: float = 0.0
    reason: str = ""
    report: str = ""


def expand(paths: Iterable[str]) -> list[Path]:
    """The posts that paths, folders and globs name, each once, in the order given.

    A folder gives its posts (:func:`is_post_file`), by name; a glob its matches, by name;
    a path that is neither stays as it is (the sync then says it cannot read it).
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if is_post_file(p))
        elif not path.exists() and glob.has_magic(given):
            matches = sorted(Path(m) for m in glob.glob(given))
            found += [m for m in matches if m.is_file()] or [path]
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def is_post_file(path: Path) -> bool:
    """Whether a file of a folder is a post: ``.md`` or ``.markdown``, not its README."""
    is_readme = path.name.lower().startswith("readme.")
    return path.suffix in POST_SUFFIXES and not is_readme and path.is_file()


def is_series(paths: Sequence[str]) -> bool:
    """Whether the arguments name a series (several posts, a folder, a glob), not one file."""
    if len(paths) != 1:
        return True
    path = Path(paths[0])
    return path.is_dir() or (not path.exists() and glob.has_magic(paths[0]))


def kept_already(project: Project, path: Path) -> bool:
    """Whether the site keeps this post under another file name already.

    Its text, or its title and date (:func:`notesite.sync.identity.original_of`, as a new
    post): the seed's post brought again under the blog's file name, say.
    """
    if (project.originals_dir / path.name).is_file():
        return False  # its own name: the sync decides (refused with --new, naming it)
    try:
        data = read_post_file(path)
    except SyncError:
        return False  # the sync says why it cannot read it
    return _kept(project, path, data) is not None


def _kept(project: Project, path: Path, data: bytes) -> Path | None:
    """The original a post (given as new) is a version of, if the site keeps it already."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # the sync says why it cannot read it
    name = original_of(project, path.name, text, new=True)
    return None if name is None else project.originals_dir / name


def sync_series(
    root: Path,
    posts: Sequence[Path],
    *,
    new_post: bool = False,
    timeout: float = TIMEOUT,
    run_blocks: bool = True,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = iter,
) -> list[PostResult]:
    """Sync each post onto the project at ``root``, one after the other.

    Args:
        root: The project root.
        posts: The posts, in the order to sync them.
        new_post: Add each post as another post, unless its original (by file name) is there.
        timeout: How long each new or changed block may run, in seconds.
        run_blocks: Whether to run the new and changed blocks.
        progress: Wraps the posts for a progress bar (default: none).

    Returns:
        One result per post, in order.
    """
    results: list[PostResult] = []
    for path in progress(posts):
        start = time.perf_counter()
        project = Project.at(root)
        try:
            data = read_post_file(path)  # a regular file, bounded: never /dev/zero
        except SyncError as error:
            results.append(PostResult(path, FAILED, reason=str(error)))
            continue
        same = _kept(project, path, data)
        if same is not None and same.read_bytes() == data:
            results.append(PostResult(path, UNCHANGED, pages=_pages(project, same.name)))
            continue
        as_new = new_post and same is None
        try:
            outcome = sync(project, path, new_post=as_new, timeout=timeout, run_blocks=run_blocks)
        except SyncError as error:
            reason = str(error)
        except Exception as error:
            reason = (
                f"{path}: expected a post the sync can take, got {type(error).__name__}: {error}"
            )
        else:
            verdicts = {v: n for v in VERDICTS if (n := sum(r.result == v for r in outcome.runs))}
            results.append(
                PostResult(
                    path,
                    SYNCED if as_new else UPDATED,
                    _pages(Project.at(root), outcome.original),
                    verdicts,
                    len(outcome.unchecked),
                    time.perf_counter() - start,
                    report=outcome.report,
                )
            )
            continue
        results.append(PostResult(path, FAILED, seconds=time.perf_counter() - start, reason=reason))
    return results


def _pages(project: Project, original: str) -> int:
    from notesite.render.posts import site_posts

    return next((len(p.pages) for p in site_posts(project) if p.name == original), 0)


def table(results: Sequence[PostResult]) -> str:
    """The series' table, in Markdown: one row per post, then the totals."""
    verdicts = [v[0].upper() + v[1:] for v in VERDICTS]
    header = ["Post", "Status", "Pages", *verdicts, "Claims waiting", "Seconds"]
    rows = [
        "| " + " | ".join(header) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in header[2:]) + " |",
    ]
    for r in results:
        cells = [f"`{r.path.name}`", r.status, str(r.pages)]
        cells += [str(r.verdicts.get(v, 0)) for v in VERDICTS]
        cells += [str(r.claims), f"{r.seconds:.1f}"]
        rows.append("| " + " | ".join(cells) + " |")
    total = ["**all**", _counts(results), str(sum(r.pages for r in results))]
    total += [str(sum(r.verdicts.get(v, 0) for r in results)) for v in VERDICTS]
    total += [str(sum(r.claims for r in results)), f"{sum(r.seconds for r in results):.1f}"]
    rows.append("| " + " | ".join(total) + " |")
    return "\n".join(rows) + "\n"


def _counts(results: Sequence[PostResult]) -> str:
    counts = {s: sum(r.status == s for r in results) for s in (SYNCED, UPDATED, UNCHANGED, FAILED)}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def series_report(results: Sequence[PostResult]) -> str:
    """The whole run's report, in Markdown: the table, the posts not taken, each post's report."""
    out = [f"# Sync of {len(results)} posts", "", table(results)]
    failed = [r for r in results if r.status == FAILED]
    if failed:
        out += ["## Not taken", ""]
        out += [f"- `{r.path.name}`: {r.reason}" for r in failed]
        out.append("")
    for r in results:
        if r.report:
            # Each post's own report, its headings one level down.
            lines = [f"#{line}" if line.startswith("#") else line for line in r.report.splitlines()]
            out += ["\n".join(lines), ""]
    return "\n".join(out).rstrip("\n") + "\n"
