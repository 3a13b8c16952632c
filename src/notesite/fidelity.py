"""The fidelity gate: the note pages, less the site's additions, are the original notes.

:func:`rebuild_notes` takes the note pages in navigation order, drops every addition
(:mod:`notesite.model`), reverts every erratum, undoes the structural changes the pages may
make (headings one level up, fence options for pytest), and joins the pages. :func:`compare`
then compares the result with the original, line by line, whitespace-normalised.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from notesite.model import (
    Page,
    PageError,
    is_site_option,
    parse_page,
    post_meta,
    post_tags,
    read_markdown,
)
from notesite.model.fences import indent_of
from notesite.project import Project

#: The keys of the original front matter that every note page carries as metadata.
POST_KEYS = ("title", "subtitle", "date")


def normalise(line: str) -> str:
    """One line with its whitespace normalised (stripped, inner runs collapsed)."""
    return " ".join(line.split())


def normalised_lines(text: str | Sequence[str]) -> list[str]:
    """The non-blank lines of a text, whitespace-normalised."""
    lines = text.splitlines() if isinstance(text, str) else text
    return [normalise(line) for line in lines if line.strip()]


def find_last(haystack: list[str], needle: list[str]) -> int:
    """Where ``needle`` (normalised lines) last starts in ``haystack``, or -1."""
    for start in range(len(haystack) - len(needle), -1, -1):
        if [normalise(h) for h in haystack[start : start + len(needle)]] == needle:
            return start
    return -1


def rebuild_page(page: Page) -> list[str]:
    """The author's text of one note page: additions dropped, errata reverted.

    Args:
        page: The page's model.

    Returns:
        The page's lines as the author wrote them (up to whitespace).

    Raises:
        PageError: If an erratum's correction is not found above it on the page.
    """
    return rebuild_with_origins(page)[0]


def rebuild_with_origins(page: Page) -> tuple[list[str], list[int]]:
    """:func:`rebuild_page`, and for each line the index of the page line it comes from.

    A line an erratum reverted comes from the corrected line at its place.
    """
    additions = {addition.start: addition for addition in page.additions}
    markers = {marker.start: marker.end for marker in page.markers}
    errata = {erratum.line - 1: erratum for erratum in page.errata}
    fences = {fence.start: fence for fence in page.fences}
    start, end = page.author_span
    # A section page writes its ``##`` heading as ``#`` and each deeper one a level up; a
    # ``#`` heading of the author's further down the section stays as it is (an index page's
    # introduction is not a section: its headings are as written).
    shifted = set()
    if page.is_note and not page.whole_post:  # a whole post's headings are as written
        shifted = {
            line
            for k, (line, level) in enumerate(page.headings)
            if page.lines[line].lstrip().startswith("#") and (k == 0 or level > 1)
        }
    out: list[str] = []
    origins: list[int] = []
    i = start
    while i < end:
        addition = additions.get(i)
        if addition is not None:
            erratum = errata.get(i)
            if erratum is not None:
                corrected = normalised_lines(erratum.corrected)
                at = find_last(out, corrected)
                if at < 0:
                    raise PageError(
                        f"{page.src_uri}:{erratum.line}: expected the erratum's '+' lines "
                        f"above it on the page, got none matching {erratum.corrected!r}"
                    )
                # The diff's lines sit at the box's margin; put them back at the page's.
                shift = indent_of(out[at]) - indent_of(erratum.corrected[0])
                span = origins[at : at + len(corrected)]
                out[at : at + len(corrected)] = [
                    " " * max(shift, 0) + line if line.strip() else line
                    for line in erratum.original
                ]
                origins[at : at + len(corrected)] = [
                    span[min(k, len(span) - 1)] for k in range(len(erratum.original))
                ]
            i = addition.end
            continue
        if i in markers:
            i = markers[i]
            continue
        line = page.lines[i]
        fence = fences.get(i)
        if fence is not None:
            line = _author_fence_line(line)
        elif i in shifted:
            line = "#" + line
        out.append(line)
        origins.append(i)
        i += 1
    return out, origins


FENCE_LINE = re.compile(r"^(?P<opening>\s*(?:`{3,}|~{3,})\s*)(?P<info>.*)$")


def _author_fence_line(line: str) -> str:
    """A fence's opening line without the options the site gives it (:func:`is_site_option`).

    What the author wrote stays: the space before the language (```` ``` python ````) and
    the author's own options (``{linenos=true}``, ``title="x.py"``).
    """
    match = FENCE_LINE.match(line)
    if match is None or match["info"].lstrip().startswith("{"):
        return line
    words = match["info"].split(" ")
    kept = [w for k, w in enumerate(words) if k == 0 or not is_site_option(w)]
    return match["opening"] + " ".join(kept).rstrip()


def rebuild_notes(pages: Sequence[Page]) -> list[str]:
    """Join the rebuilt pages, in order, into the notes' body."""
    out: list[str] = []
    for page in pages:
        out.extend(rebuild_page(page))
    return out


@dataclass(frozen=True)
class Report:
    """The outcome of the gate: ``ok``, or a readable unified diff."""

    ok: bool
    diff: str


def compare(original_body: str, rebuilt: Sequence[str]) -> Report:
    """Compare the original body with the rebuilt one, whitespace-normalised.

    Args:
        original_body: The original notes without their front matter.
        rebuilt: The lines from :func:`rebuild_notes`.

    Returns:
        The report; its diff reads "-" for the original and "+" for the pages.
    """
    before = normalised_lines(original_body)
    after = normalised_lines(rebuilt)
    if before == after:
        return Report(True, "")
    diff = difflib.unified_diff(
        before, after, "original notes", "docs/notes (rebuilt)", n=2, lineterm=""
    )
    return Report(False, "\n".join(diff))


def check_metadata(
    original_meta: dict[str, Any], page_meta: dict[str, Any], page: str, source: str
) -> list[str]:
    """Problems with a note page's metadata against the original front matter.

    Args:
        original_meta: The original notes' front matter.
        page_meta: The page's front matter.
        page: The page's name, for the messages.
        source: The original's file name (in the originals folder): the post's identity.

    Returns:
        One message per problem; empty when the page carries the post's source, title,
        subtitle, date and tags (those of them that the post has).
    """
    problems = []
    expected_post = {"source": source}
    expected_post |= {key: str(original_meta[key]) for key in POST_KEYS if key in original_meta}
    post = page_meta.get("post")
    got_post = {k: str(v) for k, v in post.items()} if isinstance(post, dict) else post
    if got_post != expected_post:
        problems.append(f"{page}: expected front matter post: {expected_post}, got {post!r}")
    if post_tags(page_meta) != post_tags(original_meta):
        problems.append(
            f"{page}: expected tags {post_tags(original_meta)!r}, got {page_meta.get('tags')!r}"
        )
    return problems


def post_title(page: Page) -> str | None:
    """The title of the post a page comes from (its front matter's ``post: title:``)."""
    post = page.meta.get("post")
    return str(post["title"]) if isinstance(post, dict) and "title" in post else None


def post_source(page: Page) -> str | None:
    """The post a page comes from: its original's file name (front matter ``post: source:``).

    A post is known by its source, never by its title: two posts may share a title.
    """
    post = page.meta.get("post")
    return str(post["source"]) if isinstance(post, dict) and post.get("source") else None


def post_pages(project: Project, source: str) -> list[Page]:
    """The note pages of the post whose original is ``source``, in nav order."""
    return [page for page in project.notes() if post_source(page) == source]


def post_index(project: Project, source: str) -> Page | None:
    """The index page of the post whose original is ``source`` (it holds the introduction).

    Only a post split into a page per section has one.
    """
    for src in project.nav:
        if src.startswith("notes/") and src.endswith("index.md"):
            page = project.page(src)
            if post_source(page) == source:
                return page
    return None


#: The file name endings of a post (Jekyll writes ``.markdown``).
POST_SUFFIXES = (".md", ".markdown")


def originals(project: Project) -> list[str]:
    """The files of the originals folder (one post each, ``.md`` or ``.markdown``), by name."""
    folder = project.originals_dir
    if not folder.is_dir():
        return []
    return sorted(
        path.name for path in folder.iterdir() if path.suffix in POST_SUFFIXES and path.is_file()
    )


def check_project(project: Project, original: str | None = None) -> Report:
    """Run the whole gate, post by post: metadata of every note page, then the text.

    Args:
        project: The project (its note pages in nav order, its originals folder).
        original: One file of the originals folder to check (default: every post; then a
            note page of no post is a problem too).

    Returns:
        The report.
    """
    problems: list[str] = []
    diffs: list[str] = []
    claimed: set[str] = set()
    for name in [original] if original else originals(project):
        original_text = read_markdown(
            project.originals_dir / name, f"{project.originals_dir.name}/{name}"
        )
        original_page = parse_page(
            original_text, f"{project.originals_dir.name}/{name}", note=False, page=False
        )
        original_body = "\n".join(original_page.lines[original_page.body_start :])
        meta, _ = post_meta(original_page, name)
        index = post_index(project, name)
        pages = post_pages(project, name)
        claimed |= {page.src_uri for page in pages}
        if not pages:
            problems.append(
                f"{name}: expected note pages whose front matter names the post "
                f"(post: source: {name}), got none"
            )
        for page in [*([index] if index else []), *pages]:
            problems += check_metadata(meta, page.meta, page.src_uri, name)
        report = compare(original_body, rebuild_notes([*([index] if index else []), *pages]))
        if not report.ok:
            diffs.append(report.diff)
    if original is None:
        problems += [
            f"{page.src_uri}: expected its front matter to name a post of "
            f"{project.originals_dir.name}/ (post: source: …), got {page.meta.get('post')!r}"
            for page in project.notes()
            if page.src_uri not in claimed
        ]
    if problems or diffs:
        return Report(False, "\n".join([*problems, *diffs]).strip())
    return Report(True, "")
