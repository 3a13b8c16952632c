"""The fidelity gate: the note pages, less the site's additions, are the original notes.

:func:`rebuild_notes` takes the note pages in navigation order, drops every addition
(:mod:`notesite.pages`), reverts every erratum, undoes the structural changes the pages may
make (headings one level up, fence options for pytest), and joins the pages. :func:`compare`
then compares the result with the original, line by line, whitespace-normalised.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notesite.pages import (
    FENCE_OPEN,
    PageError,
    find_additions,
    nav_note_pages,
    parse_erratum,
    split_front_matter,
)

HEADING = re.compile(r"^(?P<hashes>#{1,5}) ")
#: The keys of the original front matter that every note page carries as metadata.
POST_KEYS = ("title", "subtitle", "date")


def normalise(line: str) -> str:
    """One line with its whitespace normalised (stripped, inner runs collapsed)."""
    return " ".join(line.split())


def normalised_lines(text: str | Sequence[str]) -> list[str]:
    """The non-blank lines of a text, whitespace-normalised."""
    lines = text.splitlines() if isinstance(text, str) else text
    return [normalise(line) for line in lines if line.strip()]


def _find_last(haystack: list[str], needle: list[str]) -> int:
    for start in range(len(haystack) - len(needle), -1, -1):
        if [normalise(h) for h in haystack[start : start + len(needle)]] == needle:
            return start
    return -1


def rebuild_page(text: str, page: str) -> list[str]:
    """The author's text of one note page: additions dropped, errata reverted.

    Args:
        text: The page's text, front matter included.
        page: The page's name, for error messages.

    Returns:
        The page's lines as the author wrote them (up to whitespace).

    Raises:
        PageError: If an erratum's correction is not found above it on the page.
    """
    _, body = split_front_matter(text, page)
    offset = len(text.splitlines()) - len(body.splitlines())
    lines = body.splitlines()
    additions = {a.start: a for a in find_additions(lines, page)}
    out: list[str] = []
    i = 0
    in_fence: str | None = None
    while i < len(lines):
        addition = additions.get(i)
        if addition is not None:
            if addition.kind == "erratum":
                erratum = parse_erratum(addition, page)
                corrected = normalised_lines(erratum.corrected)
                at = _find_last(out, corrected)
                if at < 0:
                    raise PageError(
                        f"{page}:{addition.start + offset + 1}: expected the erratum's '+' lines "
                        f"above it on the page, got none matching {erratum.corrected!r}"
                    )
                out[at : at + len(corrected)] = erratum.original
            i = addition.end
            continue
        line = lines[i]
        fence = FENCE_OPEN.match(line)
        if in_fence is None and fence:
            in_fence = fence["fence"]
            info = fence["info"].strip()
            if info.startswith("{"):
                info = info.strip("{}").split()[0].lstrip(".") if info.strip("{}") else ""
            else:
                info = info.split()[0] if info else ""
            line = f"{fence['indent']}{in_fence}{info}"
        elif in_fence is not None and line.strip().startswith(in_fence):
            in_fence = None
        elif in_fence is None:
            heading = HEADING.match(line)
            if heading:
                line = "#" + line
        out.append(line)
        i += 1
    return out


def rebuild_notes(pages: Sequence[tuple[str, str]]) -> list[str]:
    """Join the rebuilt pages (name, text), in order, into the notes' body."""
    out: list[str] = []
    for name, text in pages:
        out.extend(rebuild_page(text, name))
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
    original_meta: dict[str, Any], page_meta: dict[str, Any], page: str
) -> list[str]:
    """Problems with a note page's metadata against the original front matter.

    Args:
        original_meta: The original notes' front matter.
        page_meta: The page's front matter.
        page: The page's name, for the messages.

    Returns:
        One message per problem; empty when the page carries the post's title, subtitle,
        date and tags.
    """
    problems = []
    expected_post = {key: str(original_meta[key]) for key in POST_KEYS}
    post = page_meta.get("post")
    got_post = {k: str(v) for k, v in post.items()} if isinstance(post, dict) else post
    if got_post != expected_post:
        problems.append(f"{page}: expected front matter post: {expected_post}, got {post!r}")
    if page_meta.get("tags") != original_meta.get("tags"):
        problems.append(
            f"{page}: expected tags {original_meta.get('tags')!r}, got {page_meta.get('tags')!r}"
        )
    return problems


def note_pages(mkdocs_yml: Path) -> list[str]:
    """The note pages (``notes/…``, index excluded) in navigation order."""
    import yaml

    config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    return nav_note_pages(config["nav"])


def check_repository(root: Path, docs_dir: Path | None = None) -> Report:
    """Run the whole gate on a checkout: metadata of every note page, then the text.

    Args:
        root: The repository root (holds ``mkdocs.yml`` and ``notes-original/``).
        docs_dir: The docs folder to read the pages from (default ``root / "docs"``).

    Returns:
        The report.
    """
    docs = docs_dir or root / "docs"
    original_text = (root / "notes-original" / "pytorch-basics.md").read_text(encoding="utf-8")
    original_meta, original_body = split_front_matter(original_text, "notes-original")
    pages = [
        (name, (docs / name).read_text(encoding="utf-8"))
        for name in note_pages(root / "mkdocs.yml")
    ]
    problems = []
    for name, text in pages:
        problems += check_metadata(original_meta, split_front_matter(text, name)[0], name)
    report = compare(original_body, rebuild_notes(pages))
    if problems:
        return Report(False, "\n".join([*problems, report.diff]).strip())
    return report
